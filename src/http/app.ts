import { randomUUID } from "node:crypto";
import express, { type Express, type RequestHandler } from "express";
import cookieParser from "cookie-parser";
import * as OpenApiValidator from "express-openapi-validator";
import { createRequire } from "node:module";
import type { HubContext } from "../context.js";
import { findNul } from "../util/text.js";
import { apiSpec } from "./spec.js";
import { rawRoutes } from "./raw-routes.js";
import { pageRoutes, publicSitePages } from "../web/pages.js";
import { authMiddleware } from "./auth.middleware.js";
import { authorize, operationGate } from "./gate.js";
import { DomainError } from "../domain/errors.js";
import { errorMiddleware } from "./errors.js";
import { systemRoutes } from "./handlers/system.handlers.js";
import { authRoutes } from "./handlers/auth.handlers.js";
import { caseRoutes } from "./handlers/cases.handlers.js";
import { apiRoutes } from "./routes.js";
import "./request-context.js";
import { hubMetrics, metricsHandler, operationLabel } from "../metrics/metrics.js";

export type Routes = (router: express.Router, ctx: HubContext) => void;

const REQUEST_ID = /^[A-Za-z0-9_-]{8,64}$/;

// One line per request with its id, written when the response ends. Hand-written rather
// than pino-http: no child logger and no wrapped request object per request (measured in
// bench/api). Path only: a query string may carry a searched name.
function requestLogger(ctx: HubContext): RequestHandler {
  const logger = ctx.logger;
  return (req, res, next) => {
    const start = performance.now();
    const incoming = req.headers["x-request-id"];
    const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader("X-Request-Id", id);
    const done = (aborted: boolean) => {
      res.removeListener("finish", onFinish);
      res.removeListener("close", onClose);
      const status = res.statusCode;
      const level = aborted || status >= 500 ? "error" : status >= 400 ? "warn" : "info";
      if (!logger.isLevelEnabled(level)) return;
      const url = req.originalUrl;
      const q = url.indexOf("?");
      logger[level](
        {
          req: { id, method: req.method, path: q === -1 ? url : url.slice(0, q) },
          res: { statusCode: status },
          responseTime: Math.round(performance.now() - start),
        },
        aborted ? "request aborted" : "request completed",
      );
    };
    const onFinish = () => done(false);
    const onClose = () => done(!res.writableFinished);
    res.once("finish", onFinish);
    res.once("close", onClose);
    next();
  };
}

// express-openapi-validator recompiles every spec path with path-to-regexp on each request
// to find the operation (lookupRoute in its metadata middleware), which made route lookup
// one of the largest costs of a GET. The compiled regexps depend only on (path, options),
// so the module the validator loads gets a memoised pathToRegexp; the result is read-only
// for every caller (express's router compiles its routes once, at start).
function memoisePathToRegexp(): void {
  type PathToRegexp = (path: unknown, options?: Record<string, unknown>) => unknown;
  let mod: { pathToRegexp: PathToRegexp & { memo?: true } };
  try {
    const fromValidator = createRequire(
      createRequire(import.meta.url).resolve("express-openapi-validator"),
    );
    mod = fromValidator("path-to-regexp") as typeof mod;
  } catch {
    // A validator version without this dependency: correct, just slower.
    return;
  }
  if (typeof mod.pathToRegexp !== "function" || mod.pathToRegexp.memo) return;
  const original = mod.pathToRegexp;
  const cache = new Map<string, unknown>();
  const memo: PathToRegexp & { memo?: true } = (path, options = {}) => {
    const keys = Object.keys(options);
    // Only the plain string form with the options the validator passes is cached.
    if (typeof path !== "string" || keys.some((k) => k !== "sensitive" && k !== "strict"))
      return original(path, options);
    const key = `${options.sensitive ? 1 : 0}${options.strict ? 1 : 0}${path}`;
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = original(path, options);
      if (cache.size < 5000) cache.set(key, hit);
    }
    return hit;
  };
  memo.memo = true;
  mod.pathToRegexp = memo;
}
memoisePathToRegexp();

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
  /**
   * `serve --role public` (issue 18): only the citizens' pages, their assets, the public
   * API and the load balancer's probes; every other path and operation answers 404.
   */
  publicOnly?: boolean;
};

/** The operations a `serve --role public` process serves. */
export const PUBLIC_SITE_OPERATIONS: ReadonlySet<string> = new Set([
  "submitPublicComplaint",
  "getPublicComplaintStatus",
  "getPublicComplaintReceipt",
  "getLiveness",
  "getReadiness",
]);
const PUBLIC_SITE_PATH = /^\/pengaduan(\/|$)/;

// The worker role's HTTP surface: health, liveness and readiness only.
// Routing is exact: the path of a request is one spec operation as written, or nothing.
const ROUTER_OPTIONS = { caseSensitive: true, strict: true } as const;
function strictApp(): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("case sensitive routing", true);
  app.set("strict routing", true);
  return app;
}

// Latency of every request by operation (issue 17), observed when the response ends.
function requestMetrics(ctx: HubContext): RequestHandler {
  const { httpDuration } = hubMetrics(ctx);
  return (req, res, next) => {
    const end = httpDuration.startTimer();
    res.once("close", () =>
      end({ operation: operationLabel(req), method: req.method, status: String(res.statusCode) }),
    );
    next();
  };
}

export function createProbeApp(ctx: HubContext): Express {
  const app = strictApp();
  app.use(requestMetrics(ctx));
  app.use(operationGate());
  // A worker runs the jobs and the outbox: it is the process a monitoring system scrapes.
  app.get("/metrics", metricsHandler(ctx));
  const system = express.Router(ROUTER_OPTIONS);
  systemRoutes(system, ctx);
  app.use("/api/v1", system);
  app.use((_req, _res, next) =>
    next(new DomainError("NOT_FOUND", "Proses worker hanya melayani pemeriksaan kesehatan")),
  );
  app.use(errorMiddleware(ctx.logger));
  return app;
}

export function createApp(ctx: HubContext, opts: AppOptions = {}): Express {
  const app = strictApp();
  app.set("trust proxy", "loopback");
  app.use(requestLogger(ctx));
  app.use(requestMetrics(ctx));
  app.use((req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    // API answers carry personal data: no browser or proxy may keep them (issue 13).
    if (/^\/api(\/|$)/i.test(req.path)) res.setHeader("Cache-Control", "no-store");
    next();
  });
  // Deny by default: an API path that is not exactly a spec operation ends here (404/405),
  // before webhooks, sessions, validation or any handler.
  app.use(operationGate());
  // Every role, the public host too: loopback callers or the metrics token only.
  app.get("/metrics", metricsHandler(ctx));
  if (opts.publicOnly) {
    // Before webhooks, sessions and handlers: the staff API, the login and the console do
    // not exist on this host (404, the same answer as any unknown path).
    app.use((req, res, next) => {
      if (req.operation) {
        return PUBLIC_SITE_OPERATIONS.has(req.operation.id)
          ? next()
          : next(new DomainError("NOT_FOUND", "Alamat tidak ditemukan"));
      }
      if (PUBLIC_SITE_PATH.test(req.path) && (req.method === "GET" || req.method === "HEAD"))
        return next();
      if (/^\/api(\/|$)/i.test(req.path))
        return next(new DomainError("NOT_FOUND", "Alamat tidak ditemukan"));
      res.status(404).type("text/plain; charset=utf-8").send("Tidak ditemukan");
    });
  }

  // Webhooks first: they need neither cookies nor sessions.
  const raw = express.Router(ROUTER_OPTIONS);
  if (!opts.publicOnly) for (const r of [...rawRoutes, ...(opts.rawRoutes ?? [])]) r(raw, ctx);
  app.use(raw);
  app.use(cookieParser());

  // Health answers before sessions are resolved: it must work while the database is down.
  const system = express.Router(ROUTER_OPTIONS);
  systemRoutes(system, ctx);
  app.use("/api/v1", system);

  app.use(
    "/api",
    express.json({ limit: ctx.config.ADUAN_BODY_LIMIT, strict: true }) as RequestHandler,
  );
  // Covers the public form too (parsed earlier by its own parser).
  app.use("/api", (req, _res, next) => {
    const at = req.body === undefined ? null : findNul(req.body, "body");
    if (!at) return next();
    next(
      new DomainError(
        "VALIDATION_FAILED",
        `${at}: mengandung karakter yang tidak valid (NUL atau surrogate tunggal)`,
        {
          fields: [{ field: at, message: "mengandung karakter yang tidak valid" }],
        },
      ),
    );
  });
  app.use("/api", authMiddleware(ctx));
  app.use("/api", authorize(ctx));
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
  const api = express.Router(ROUTER_OPTIONS);
  authRoutes(api, ctx);
  caseRoutes(api, ctx);
  for (const r of [...apiRoutes, ...(opts.routes ?? [])]) r(api, ctx);
  app.use("/api/v1", api);
  app.use("/api", (_req, _res, next) =>
    next(new DomainError("NOT_FOUND", "Alamat tidak ditemukan")),
  );

  const pages = express.Router(ROUTER_OPTIONS);
  const pageList = opts.publicOnly ? publicSitePages : [...pageRoutes, ...(opts.pages ?? [])];
  for (const r of pageList) r(pages, ctx);
  app.use(pages);

  app.use(errorMiddleware(ctx.logger));
  return app;
}
