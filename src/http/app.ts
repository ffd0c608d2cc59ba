import { randomUUID } from "node:crypto";
import express, { type Express, type RequestHandler } from "express";
import cookieParser from "cookie-parser";
import * as OpenApiValidator from "express-openapi-validator";
import { pinoHttp } from "pino-http";
import type { HubContext } from "../context.js";
import { apiSpec } from "./spec.js";
import { rawRoutes } from "./raw-routes.js";
import { pageRoutes } from "../web/pages.js";
import { authMiddleware } from "./auth.middleware.js";
import { accessMiddleware } from "./access.middleware.js";
import { tenantMiddleware } from "./tenant.middleware.js";
import { AppError, errorMiddleware } from "./errors.js";
import { systemRoutes } from "./handlers/system.handlers.js";
import { authRoutes } from "./handlers/auth.handlers.js";
import { caseRoutes } from "./handlers/cases.handlers.js";
import { apiRoutes } from "./routes.js";
import "./request-context.js";

export type Routes = (router: express.Router, ctx: HubContext) => void;

export { apiSpec } from "./spec.js";
export { h } from "./async-handler.js";

export type AppOptions = {
  validateResponses?: boolean;
  /** Routes registered before the JSON body parser (webhooks that need the raw bytes). */
  rawRoutes?: Routes[];
  /** Extra API routes added by later capabilities. */
  routes?: Routes[];
  /** Non-API routes (the staff console). */
  pages?: Routes[];
};

// The worker role's HTTP surface: health, liveness and readiness only.
export function createProbeApp(ctx: HubContext): Express {
  const app = express();
  app.disable("x-powered-by");
  const system = express.Router();
  systemRoutes(system, ctx);
  app.use("/api/v1", system);
  app.use((_req, _res, next) =>
    next(new AppError(404, "NOT_FOUND", "Proses worker hanya melayani pemeriksaan kesehatan")),
  );
  app.use(errorMiddleware(ctx.logger));
  return app;
}

export function createApp(ctx: HubContext, opts: AppOptions = {}): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (req, res) => {
        const incoming = req.headers["x-request-id"];
        const id =
          typeof incoming === "string" && /^[A-Za-z0-9_-]{8,64}$/.test(incoming)
            ? incoming
            : randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      // Path only: a query string may carry a searched name.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split("?")[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, e) =>
        e || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info",
      quietReqLogger: true,
    }),
  );
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    next();
  });
  app.use(cookieParser());

  const raw = express.Router();
  for (const r of [...rawRoutes, ...(opts.rawRoutes ?? [])]) r(raw, ctx);
  app.use(raw);

  // Health answers before sessions are resolved: it must work while the database is down.
  const system = express.Router();
  systemRoutes(system, ctx);
  app.use("/api/v1", system);

  app.use(
    "/api",
    express.json({ limit: ctx.config.ADUAN_BODY_LIMIT, strict: true }) as RequestHandler,
  );
  app.use("/api", authMiddleware(ctx));
  app.use("/api", accessMiddleware(apiSpec()));
  app.use("/api", tenantMiddleware(ctx));
  app.use(
    OpenApiValidator.middleware({
      apiSpec: apiSpec() as never,
      validateRequests: { allowUnknownQueryParameters: false, removeAdditional: false },
      validateResponses: opts.validateResponses ? { removeAdditional: false } : false,
      validateSecurity: false,
      ignorePaths: /^\/(?!api\/v1\/)/,
      validateFormats: true,
    }),
  );
  const api = express.Router();
  authRoutes(api, ctx);
  caseRoutes(api, ctx);
  for (const r of [...apiRoutes, ...(opts.routes ?? [])]) r(api, ctx);
  app.use("/api/v1", api);
  app.use("/api", (_req, _res, next) =>
    next(new AppError(404, "NOT_FOUND", "Alamat tidak ditemukan")),
  );

  const pages = express.Router();
  for (const r of [...pageRoutes, ...(opts.pages ?? [])]) r(pages, ctx);
  app.use(pages);

  app.use(errorMiddleware(ctx.logger));
  return app;
}
