import type { AuthUser } from "../services/auth.service.js";
import type { Operation } from "./operations.js";

declare module "express-serve-static-core" {
  interface Request {
    id?: string;
    user?: AuthUser;
    authVia?: "bearer" | "cookie";
    token?: string;
    /** The spec operation this request is, found by the gate from the raw path. */
    operation?: Operation;
  }
}

export {};
