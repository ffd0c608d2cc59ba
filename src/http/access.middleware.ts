// Access rules live in openapi/hub.yaml beside each operation: `security: []` makes it
// public, `x-roles` lists the roles allowed, and an operation without `x-roles` is open to
// every logged-in staff member. Checked before request validation, so an anonymous or
// wrong-role caller learns nothing about the body it would have had to send.
import type { RequestHandler } from "express";
import { ROLES, type Role } from "../domain/roles.js";
import { AppError } from "./errors.js";
import "./request-context.js";

type Rule = { method: string; pattern: RegExp; public: boolean; roles: Role[] | null };

const METHODS = ["get", "post", "put", "patch", "delete"];

export function compileAccessRules(spec: Record<string, unknown>): Rule[] {
  const paths = (spec.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  const rules: Rule[] = [];
  for (const [path, item] of Object.entries(paths)) {
    const pattern = new RegExp(
      "^" + path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+") + "/?$",
    );
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const security = op.security as unknown[] | undefined;
      const roles = op["x-roles"] as string[] | undefined;
      if (roles) {
        for (const r of roles)
          if (!(ROLES as readonly string[]).includes(r))
            throw new Error(`x-roles: unknown role ${r} on ${method} ${path}`);
      }
      rules.push({
        method: method.toUpperCase(),
        pattern,
        public: Array.isArray(security) && security.length === 0,
        roles: roles ? (roles as Role[]) : null,
      });
    }
  }
  return rules;
}

export function accessMiddleware(spec: Record<string, unknown>): RequestHandler {
  const rules = compileAccessRules(spec);
  return (req, _res, next) => {
    const path = req.baseUrl + req.path;
    const rule = rules.find((r) => r.method === req.method && r.pattern.test(path));
    // Unknown routes fall through to validation, which answers 404/405.
    if (!rule || rule.public) return next();
    if (!req.user)
      return next(new AppError(401, "UNAUTHENTICATED", "Silakan masuk terlebih dahulu"));
    if (rule.roles && !rule.roles.includes(req.user.role)) {
      return next(
        new AppError(
          403,
          "FORBIDDEN",
          `Peran ${req.user.role} tidak berwenang untuk tindakan ini`,
          { allowed: rule.roles },
        ),
      );
    }
    next();
  };
}
