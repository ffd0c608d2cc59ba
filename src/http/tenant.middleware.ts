// Tenant isolation for every case-scoped route (/cases/{id}/…): a case of another office
// answers 404, exactly as if it did not exist, before any handler reads it.
import type { RequestHandler } from "express";
import type { HubContext } from "../context.js";
import { AppError } from "./errors.js";
import "./request-context.js";

const CASE_PATH =
  /^\/api\/v1\/cases\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/i;

export function tenantMiddleware(ctx: HubContext): RequestHandler {
  return (req, _res, next) => {
    const m = CASE_PATH.exec(req.baseUrl + req.path);
    if (!m || !req.user) return next();
    ctx.db.sql
      .query<{ instansi: string }>(`SELECT instansi FROM "Case" WHERE id = $1`, [m[1]], {
        prepare: true,
      })
      .then((rows) => {
        const row = rows[0];
        if (row && row.instansi !== req.user!.instansi)
          return next(new AppError(404, "NOT_FOUND", "Kasus tidak ditemukan"));
        next();
      }, next);
  };
}
