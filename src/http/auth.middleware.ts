import type { RequestHandler } from "express";
import { timingSafeEqual } from "node:crypto";
import type { HubContext } from "../context.js";
import { authenticate } from "../services/auth.service.js";
import { DomainError } from "../domain/errors.js";
import "./request-context.js";

export const SESSION_COOKIE = "aduan_session";
export const CSRF_COOKIE = "aduan_csrf";

function bearer(header: string | undefined): string | null {
  const m = header?.match(/^Bearer\s+([A-Za-z0-9_-]{20,200})$/);
  return m?.[1] ?? null;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

// Resolves the session from the bearer header or the cookie. Cookie sessions must echo the
// CSRF cookie in a header on writes (double submit), bearer clients need not.
export function authMiddleware(ctx: HubContext): RequestHandler {
  return async (req, _res, next) => {
    try {
      const headerToken = bearer(req.headers.authorization);
      const cookies = (req as { cookies?: Record<string, string> }).cookies ?? {};
      const cookieToken = cookies[SESSION_COOKIE];
      const token = headerToken ?? cookieToken ?? null;
      if (!token) return next();
      const user = await authenticate(ctx, token);
      if (!user) return next();
      if (!headerToken && !SAFE_METHODS.has(req.method)) {
        const sent = req.get("x-csrf-token") ?? "";
        const expected = cookies[CSRF_COOKIE] ?? "";
        if (
          !expected ||
          sent.length !== expected.length ||
          !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))
        ) {
          throw new DomainError("CSRF_TOKEN_INVALID", "Token CSRF tidak cocok; muat ulang halaman");
        }
      }
      req.user = user;
      req.token = token;
      req.authVia = headerToken ? "bearer" : "cookie";
      next();
    } catch (e) {
      next(e);
    }
  };
}
