// Typed business errors with stable codes, turned into HTTP in exactly one middleware.
import type { ErrorRequestHandler } from "express";
import type { components } from "../generated/api.js";
import type { Logger } from "pino";

export type ErrorBody = components["schemas"]["Error"];
export type FieldError = { field: string; message: string; code?: string };

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: {
      fields?: FieldError[];
      allowed?: string[];
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what = "Data") =>
  new AppError(404, "NOT_FOUND", `${what} tidak ditemukan`);
export const validation = (fields: FieldError[], code = "VALIDATION_FAILED") =>
  new AppError(422, code, fields.map((f) => `${f.field}: ${f.message}`).join("; "), { fields });

type OpenApiValidationError = {
  status: number;
  message: string;
  errors?: { path: string; message: string; errorCode?: string }[];
};

function isOpenApiError(e: unknown): e is OpenApiValidationError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { status?: unknown }).status === "number" &&
    Array.isArray((e as { errors?: unknown }).errors)
  );
}

function isDbDown(e: unknown): boolean {
  const s =
    e instanceof Error ? `${e.name} ${e.message} ${(e as { code?: string }).code ?? ""}` : "";
  return /ECONNREFUSED|ECONNRESET|57P01|57P03|08006|08001|Connection terminated|connect ETIMEDOUT|timeout exceeded when trying to connect|DatabaseNotReachable|P1001|Can't reach database/i.test(
    s,
  );
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const requestId = String(req.id ?? "");
    let status = 500;
    let body: ErrorBody = { code: "INTERNAL", message: "Terjadi kesalahan pada server", requestId };
    let headers: Record<string, string> = {};
    if (error instanceof AppError) {
      status = error.status;
      body = { code: error.code, message: error.message, requestId };
      if (error.extra.fields) body.fields = error.extra.fields;
      if (error.extra.allowed) body.allowed = error.extra.allowed;
      headers = error.extra.headers ?? {};
    } else if (isOpenApiError(error)) {
      status = error.status;
      const fields = (error.errors ?? []).map((e) => ({
        field: e.path.replace(/^\//, "").replace(/\//g, ".").replace(/^\.?/, ""),
        message: e.message,
        ...(e.errorCode ? { code: e.errorCode } : {}),
      }));
      const code =
        status === 404
          ? "NOT_FOUND"
          : status === 405
            ? "METHOD_NOT_ALLOWED"
            : status === 415
              ? "UNSUPPORTED_MEDIA_TYPE"
              : status === 401
                ? "UNAUTHENTICATED"
                : "VALIDATION_FAILED";
      body = {
        code,
        message:
          status === 404
            ? "Alamat tidak ditemukan"
            : fields.map((f) => `${f.field}: ${f.message}`).join("; ") || error.message,
        requestId,
        ...(fields.length ? { fields } : {}),
      };
    } else if (
      typeof error === "object" &&
      error !== null &&
      (error as { type?: string }).type === "entity.too.large"
    ) {
      status = 413;
      body = { code: "PAYLOAD_TOO_LARGE", message: "Ukuran data terlalu besar", requestId };
    } else if (
      typeof error === "object" &&
      error !== null &&
      (error as { type?: string }).type === "entity.parse.failed"
    ) {
      status = 400;
      body = {
        code: "MALFORMED_JSON",
        message: "Isi permintaan bukan JSON yang valid",
        requestId,
        fields: [{ field: "body", message: "JSON tidak valid" }],
      };
    } else if (isDbDown(error)) {
      status = 503;
      body = {
        code: "DATABASE_UNAVAILABLE",
        message: "Basis data sedang tidak dapat dijangkau; coba lagi",
        requestId,
      };
      headers["Retry-After"] = "5";
    }
    if (status >= 500) {
      const e =
        error instanceof Error
          ? { type: error.name, message: error.message, stack: error.stack }
          : { message: String(error) };
      logger.error({ err: e, requestId }, "request failed");
    }
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (res.headersSent) return;
    res.status(status).json(body);
  };
}
