// Typed business errors with stable codes, turned into HTTP in exactly one middleware: the
// status for each registry code (src/domain/errors.ts) is decided here and nowhere else.
import type { ErrorRequestHandler } from "express";
import type { components } from "../generated/api.js";
import type { Logger } from "pino";
import { DomainError, type ErrorCode } from "../domain/errors.js";

export type ErrorBody = components["schemas"]["Error"];

/** The HTTP status of each error code; a code without a status fails typecheck. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  CSRF_TOKEN_INVALID: 403,
  RATE_LIMITED: 429,
  CURSOR_INVALID: 400,
  SPAM_SUSPECTED: 400,
  SIGNATURE_MISSING: 401,
  SIGNATURE_INVALID: 401,
  CHANNEL_NOT_CONFIGURED: 503,
  IDEMPOTENCY_IN_PROGRESS: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  VERSION_CONFLICT: 409,
  NIK_INVALID: 422,
  PHONE_INVALID: 422,
  PERSON_NOT_ON_CASE: 422,
  IDENTITY_CONFIDENTIAL: 403,
  PURPOSE_REQUIRED: 422,
  CASE_NOT_RAHASIA: 409,
  STATUS_UNKNOWN: 422,
  TRANSITION_NOT_ALLOWED: 409,
  ROLE_NOT_ALLOWED: 403,
  BIDANG_FORBIDDEN: 403,
  BIDANG_REQUIRED: 422,
  BIDANG_UNKNOWN: 422,
  BIDANG_TABLE_INVALID: 422,
  REASON_REQUIRED: 422,
  CASE_CLOSED: 409,
  ALREADY_ACKNOWLEDGED: 409,
  ALREADY_PAUSED: 409,
  NOT_PAUSED: 409,
  JENIS_UNKNOWN: 422,
  LINK_ALREADY_DECIDED: 409,
  REPLY_TOO_SHORT: 422,
  REPLY_TOO_LONG: 422,
  REPLY_CONTAINS_PERSONAL_DATA: 422,
  NOTE_REQUIRED: 422,
  CASE_NOT_DISPOSED: 409,
  AUDIT_ALREADY_DECIDED: 409,
  RECOMMENDATION_REQUIRED: 409,
  REASON_CODE_UNKNOWN: 422,
  REASON_CODE_PROGRAMME_MISMATCH: 422,
  NARASI_VARIABLE_MISSING: 422,
  NARASI_TEMPLATE_INVALID: 422,
  EVIDENCE_NOT_FOUND: 422,
  MEDIA_NOT_APPLICABLE: 422,
  ATTACHMENT_TOO_LARGE: 413,
  ATTACHMENT_TYPE_REFUSED: 415,
  STORAGE_FULL: 507,
  STORAGE_ERROR: 500,
  CATALOGUE_INVALID: 422,
  CATALOGUE_CONFLICT: 409,
  SLA_POLICY_INVALID: 422,
  TEMPLATE_INVALID: 422,
  REKAP_NOT_CONFIGURED: 409,
  RECAP_OTHER_OFFICE: 403,
  USERNAME_INVALID: 422,
  USERNAME_TAKEN: 409,
  ROLE_UNKNOWN: 422,
  INSTANSI_INVALID: 422,
  PASSWORD_TOO_SHORT: 422,
  PASSWORD_WEAK: 422,
  PASSWORD_INCORRECT: 422,
  SELF_LOCKOUT: 422,
  ALREADY_COMPLETED: 409,
  EXPORT_REQUIRED: 409,
  NOT_ACCESS_REQUEST: 409,
  IMPORT_TOO_LARGE: 413,
  IMPORT_EMPTY: 422,
  IMPORT_UNREADABLE: 422,
  IMPORT_UNZIPPED_TOO_LARGE: 413,
  IMPORT_COMPRESSION_SUSPICIOUS: 422,
  IMPORT_TOO_MANY_ENTRIES: 422,
  IMPORT_TOO_MANY_SHEETS: 422,
  IMPORT_TOO_MANY_ROWS: 422,
  IMPORT_TOO_MANY_CELLS: 422,
  IMPORT_TOO_MANY_COLUMNS: 422,
  EXPORT_UNREADABLE: 422,
  EXPORT_COLUMNS_MISSING: 422,
  DEAD_LETTER_CLOSED: 409,
  DATABASE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** The code express-openapi-validator's status stands for (the gate's request check). */
const CODE_BY_VALIDATOR_STATUS: Record<number, ErrorCode> = {
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

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
    const headers: Record<string, string> = {};
    if (error instanceof DomainError) {
      status = STATUS_BY_CODE[error.code];
      body = { code: error.code, message: error.message, requestId };
      if (error.fields) body.fields = error.fields;
      if (error.allowed) body.allowed = [...error.allowed];
      if (error.retryAfterSeconds !== undefined)
        headers["Retry-After"] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
    } else if (isOpenApiError(error)) {
      const fields = (error.errors ?? []).map((e) => ({
        field: e.path.replace(/^\//, "").replace(/\//g, ".").replace(/^\.?/, ""),
        message: e.message,
        ...(e.errorCode ? { code: e.errorCode } : {}),
      }));
      const code: ErrorCode =
        CODE_BY_VALIDATOR_STATUS[error.status] ??
        (error.status >= 500 ? "INTERNAL" : "VALIDATION_FAILED");
      status = STATUS_BY_CODE[code];
      body = {
        code,
        message:
          code === "NOT_FOUND"
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
      status = STATUS_BY_CODE.PAYLOAD_TOO_LARGE;
      body = { code: "PAYLOAD_TOO_LARGE", message: "Ukuran data terlalu besar", requestId };
    } else if (
      typeof error === "object" &&
      error !== null &&
      (error as { type?: string }).type === "entity.parse.failed"
    ) {
      status = STATUS_BY_CODE.INVALID_JSON;
      body = {
        code: "INVALID_JSON",
        message: "Isi permintaan bukan JSON yang valid",
        requestId,
        fields: [{ field: "body", message: "JSON tidak valid" }],
      };
    } else if (isDbDown(error)) {
      status = STATUS_BY_CODE.DATABASE_UNAVAILABLE;
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
