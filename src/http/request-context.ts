import type { AuthUser } from "../services/auth.service.js";

declare module "express-serve-static-core" {
  interface Request {
    id?: string;
    user?: AuthUser;
    authVia?: "bearer" | "cookie";
    token?: string;
  }
}

export {};
