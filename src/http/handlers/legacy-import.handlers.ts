import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from "express";
import type { HubContext } from "../../context.js";
import {
  getImportRun,
  importLegacy,
  resolveImportReview,
  setImportedMedia,
  XLSX_MIME,
  type MediaInput,
  type ReviewInput,
} from "../../services/legacy-import.service.js";
import {
  listImportedCases,
  type ImportedCasesQuery,
} from "../../services/legacy-review.service.js";
import { DomainError } from "../../domain/errors.js";
import { route } from "../gate.js";
import { listQuery, requestMeta as meta } from "../request-meta.js";

const IMPORT_TYPES = ["text/tab-separated-values", "text/plain", XLSX_MIME];

function tooLarge(max: number): DomainError {
  return new DomainError(
    "IMPORT_TOO_LARGE",
    `Berkas impor melebihi batas ${(max / 1024 / 1024).toFixed(1)} MB`,
    { fields: [{ field: "body", message: `maksimal ${max} byte` }] },
  );
}

// The spec admits only the three types (the validator answers 415 for others), so the
// raw parser reads exactly those.
function rawImport(ctx: HubContext) {
  const max = ctx.config.ADUAN_IMPORT_MAX_BYTES;
  const parse = express.raw({ type: IMPORT_TYPES, limit: max }) as RequestHandler;
  return (req: Request, res: Response, next: NextFunction): void => {
    parse(req, res, (err?: unknown) => {
      const type = (err as { type?: string } | undefined)?.type;
      next(type === "entity.too.large" ? tooLarge(max) : err);
    });
  };
}

function fileNameOf(req: Request): string {
  const raw = req.get("x-file-name");
  let name = raw ?? "";
  try {
    name = decodeURIComponent(name);
  } catch {
    /* keep as sent */
  }
  name = (name.split(/[\\/]/).pop() ?? "").replace(/\p{Cc}/gu, "").trim();
  if (name) return name.slice(0, 200);
  return req.is(XLSX_MIME) ? "unggahan.xlsx" : "unggahan.txt";
}

export function legacyImportRoutes(r: Router, ctx: HubContext): void {
  route(
    r,
    "importLegacy",
    async (req, res) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const run = await importLegacy(ctx, {
        bytes,
        fileName: fileNameOf(req),
        actor: req.user,
        meta: meta(req),
      });
      res.status(201).json(run);
    },
    { before: [rawImport(ctx)] },
  );
  route(r, "setImportedMedia", async (req, res) => {
    // The body is validated against the spec (ids, the Media enum) before it gets here.
    const body = req.body as MediaInput;
    res.json(await setImportedMedia(ctx, req.user, body, meta(req)));
  });
  route(r, "resolveImportReview", async (req, res) => {
    res.json(await resolveImportReview(ctx, req.user, req.body as ReviewInput, meta(req)));
  });
  route(r, "listImportedCases", async (req, res) => {
    res.json(await listImportedCases(ctx, req.user, listQuery<ImportedCasesQuery>(req)));
  });
  route(r, "getImportRun", async (req, res) => {
    res.json(await getImportRun(ctx, req.user, String(req.params.id), meta(req)));
  });
}
