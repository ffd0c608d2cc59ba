// Deny by default. Every request under /api is one operation of openapi/hub.yaml or a 404:
// `operationGate` identifies the operation from the raw path before anything else runs;
// `authorize` applies the operation's access rules (public, x-roles, office and bidang of a
// case) once the session is known; `route`/`publicRoute` are the only way a handler is
// registered, bound to an operationId, and refuse to run for any other operation. A new
// handler therefore cannot exist without an operation in the spec, and cannot be reached
// around its rules by spelling the path differently.
import type { NextFunction, Request, RequestHandler, Response, Router } from "express";
import type { HubContext } from "../context.js";
import type { AuthUser } from "../services/auth.service.js";
import { findCaseScope } from "../repos/case-scope.repo.js";
import { inOffice } from "../db/scope.js";
import { DomainError } from "../domain/errors.js";
import { isUuid } from "../domain/uuid.js";
import { bidangForbidden, penelaahMayWrite } from "../domain/workflow.js";
import {
  compileOperations,
  looksLikeApi,
  type Operation,
  type OperationTable,
} from "./operations.js";
import { apiSpec } from "./spec.js";
import "./request-context.js";

let table: OperationTable | undefined;
export function operations(): OperationTable {
  table ??= compileOperations(apiSpec());
  return table;
}

function rawPath(req: Request): string {
  const url = req.originalUrl ?? req.url;
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

const notFound = () => new DomainError("NOT_FOUND", "Alamat tidak ditemukan");

/** First middleware of the app: finds the operation, or ends an API-looking request. */
export function operationGate(ops: OperationTable = operations()): RequestHandler {
  return (req, res, next) => {
    const path = rawPath(req);
    const found = ops.match(req.method, path);
    if (found.op) {
      req.operation = found.op;
      return next();
    }
    if (!looksLikeApi(path)) return next();
    if (found.reason === "method_not_allowed") {
      res.setHeader("Allow", [...new Set(found.allow)].join(", "));
      return next(new DomainError("METHOD_NOT_ALLOWED", "Metode tidak diizinkan di alamat ini"));
    }
    next(notFound());
  };
}

function forbidden(user: AuthUser, allowed: readonly string[]): DomainError {
  return new DomainError("FORBIDDEN", `Peran ${user.role} tidak berwenang untuk tindakan ini`, {
    allowed: [...allowed],
  });
}

/**
 * Access rules of the operation, after the session is resolved. Case-scoped operations also
 * check the case's office (another office's case answers 404, as if absent) and, for a
 * penelaah, that any write or reveal is on a case disposed to their own bidang. From here
 * on the request runs in its user's office scope: every query it makes sees that office's
 * rows only (row-level security, src/db/scope.ts).
 */
export function authorize(ctx: HubContext): RequestHandler {
  return (req, _res, next) => {
    const op = req.operation;
    if (!op) return next(notFound());
    if (op.public) return next();
    const user = req.user;
    if (!user) return next(new DomainError("UNAUTHENTICATED", "Silakan masuk terlebih dahulu"));
    if (op.roles && !op.roles.includes(user.role)) return next(forbidden(user, op.roles));
    const pass = () => inOffice(user.instansi, () => next());
    if (!op.caseScoped) return pass();
    const match = op.regex.exec(rawPath(req));
    const caseId = match?.[1 + op.params.indexOf("id")];
    // A malformed id is for request validation to name (400 with the field).
    if (!caseId || !isUuid(caseId)) return pass();
    findCaseScope(ctx, caseId).then((scope) => {
      if (!scope || scope.instansi !== user.instansi)
        return next(new DomainError("NOT_FOUND", "Kasus tidak ditemukan"));
      if (
        user.role === "penelaah" &&
        op.method !== "GET" &&
        !penelaahMayWrite(user.bidang ?? null, scope.bidang)
      )
        return next(bidangForbidden(scope.bidang));
      pass();
    }, next);
  };
}

export type StaffRequest = Request & { user: AuthUser; operation: Operation };
export type PublicRequest = Request & { operation: Operation };

const registered = new Set<string>();
/** operationIds with a handler registered in this process (for the spec coverage test). */
export const registeredOperations = (): ReadonlySet<string> => registered;

export type RouteOptions = {
  /** Middleware run after the operation check, before the handler (raw body parsers). */
  before?: RequestHandler[];
};

function register(
  r: Router,
  id: string,
  wantPublic: boolean,
  fn: (req: Request, res: Response) => Promise<unknown> | unknown,
  opts: RouteOptions,
): void {
  const op = operations().byId.get(id);
  if (!op) throw new Error(`route: no operation ${id} in openapi/hub.yaml`);
  if (op.public !== wantPublic)
    throw new Error(`route: ${id} is ${op.public ? "public" : "secured"} in openapi/hub.yaml`);
  if (!op.path.startsWith("/api/v1/")) throw new Error(`route: ${id} is outside /api/v1`);
  const path = op.path.slice("/api/v1".length).replace(/\{([^}]+)\}/g, ":$1");
  registered.add(id);
  const check = (req: Request, _res: Response, next: NextFunction) => {
    // Express's own matching is never trusted alone: the gate's operation must be this one.
    if (req.operation?.id !== id) return next(notFound());
    if (!wantPublic && !req.user)
      return next(new DomainError("UNAUTHENTICATED", "Silakan masuk terlebih dahulu"));
    next();
  };
  const handler = (req: Request, res: Response, next: NextFunction) => {
    try {
      Promise.resolve(fn(req, res)).catch(next);
    } catch (e) {
      next(e);
    }
  };
  const method = op.method.toLowerCase() as "get" | "post" | "put" | "patch" | "delete";
  r[method](path, check, ...(opts.before ?? []), handler);
}

/** Registers the handler of a secured operation: it runs only with a present, typed user. */
export function route(
  r: Router,
  operationId: string,
  fn: (req: StaffRequest, res: Response) => Promise<unknown> | unknown,
  opts: RouteOptions = {},
): void {
  register(r, operationId, false, fn as (req: Request, res: Response) => Promise<unknown>, opts);
}

/** Registers the handler of a public operation (`security: []`). */
export function publicRoute(
  r: Router,
  operationId: string,
  fn: (req: PublicRequest, res: Response) => Promise<unknown> | unknown,
  opts: RouteOptions = {},
): void {
  register(r, operationId, true, fn as (req: Request, res: Response) => Promise<unknown>, opts);
}
