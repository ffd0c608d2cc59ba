// The one registry of error codes the hub answers with, and the error services, PDP modules
// and adapters raise. No HTTP here: the status for each code is decided only by the error
// middleware (src/http/errors.ts); the spec's ErrorCode enum (openapi/hub.yaml) lists
// exactly these codes. Both are checked by tests/unit/http/error-codes.unit.test.ts.

/** Every error code, with what it means. A new code goes here, in the middleware's status
 * map and in the spec's ErrorCode enum (typecheck and the unit test fail until it does). */
export const ERROR_CODES = {
  // Request shape and access
  VALIDATION_FAILED: "The request does not match the contract or a field is invalid",
  INVALID_JSON: "The body is not valid JSON",
  PAYLOAD_TOO_LARGE: "The body is over the size limit",
  UNSUPPORTED_MEDIA_TYPE: "The request's content type is not accepted by the operation",
  METHOD_NOT_ALLOWED: "The path exists but not with this method",
  NOT_FOUND: "The address or the record does not exist (or is not visible to the caller)",
  UNAUTHENTICATED: "No valid session or token",
  INVALID_CREDENTIALS: "Wrong username or password",
  FORBIDDEN: "The caller's role may not run this operation",
  CSRF_TOKEN_INVALID: "The CSRF token does not match the session cookie",
  RATE_LIMITED: "Too many requests; retry after the given delay",
  CURSOR_INVALID: "The pagination cursor cannot be read",
  SPAM_SUSPECTED: "A public submission looks automated",
  SIGNATURE_MISSING: "A webhook came without its signature header",
  SIGNATURE_INVALID: "A webhook's signature does not match its body",
  CHANNEL_NOT_CONFIGURED: "The channel or stream is not configured on this server",
  IDEMPOTENCY_IN_PROGRESS: "A request with the same idempotency key is still running",
  IDEMPOTENCY_KEY_REUSED: "The idempotency key was used for a different request",
  VERSION_CONFLICT: "The record changed since the version the client sent",
  // People and parties
  NIK_INVALID: "A NIK is not 16 digits with a valid region and birth date",
  PHONE_INVALID: "A phone number cannot be read as an Indonesian/E.164 number",
  PERSON_NOT_ON_CASE: "The named party is not on the case",
  IDENTITY_CONFIDENTIAL: "The pelapor of a confidential case may not be shown or unflagged",
  PURPOSE_REQUIRED: "Revealing personal data needs a stated purpose",
  CASE_NOT_RAHASIA: "The operation needs a confidential case",
  // Cases and workflow
  STATUS_UNKNOWN: "The target status is not a case status",
  TRANSITION_NOT_ALLOWED: "The case cannot move from its status to the requested one",
  ROLE_NOT_ALLOWED: "The caller's role may not make this change of the case",
  BIDANG_FORBIDDEN: "A penelaah may act only on cases disposed to their bidang",
  BIDANG_REQUIRED: "A bidang is required (disposition, penelaah account)",
  BIDANG_UNKNOWN: "The bidang is not one of the office's bidang",
  BIDANG_TABLE_INVALID: "The jenis → bidang table names an unknown bidang",
  REASON_REQUIRED: "Closing as not actionable, reopening or pausing needs a reason",
  CASE_CLOSED: "The case is closed",
  ALREADY_ACKNOWLEDGED: "The complaint already has its acknowledgement",
  ALREADY_PAUSED: "The SLA clock of the case is already paused",
  NOT_PAUSED: "The SLA clock of the case is not paused",
  JENIS_UNKNOWN: "The jenis is not in the jenis catalogue",
  LINK_ALREADY_DECIDED: "The party-link suggestion was already accepted or rejected",
  REPLY_TOO_SHORT: "The reply to the citizen is too short",
  REPLY_TOO_LONG: "The reply to the citizen is too long for the channel",
  REPLY_CONTAINS_PERSONAL_DATA: "The reply contains a NIK or other personal data",
  // Telaah and findings
  NOTE_REQUIRED: "The telaah result needs a note",
  CASE_NOT_DISPOSED: "The case is not disposed to a bidang yet",
  AUDIT_ALREADY_DECIDED: "The telaah recommendation was already decided",
  RECOMMENDATION_REQUIRED: "The case has no recommendation to decide yet",
  REASON_CODE_UNKNOWN: "The reason code is not in the catalogue",
  REASON_CODE_PROGRAMME_MISMATCH: "The reason code does not apply to the programme",
  NARASI_VARIABLE_MISSING: "A variable of the narasi template has no value",
  NARASI_TEMPLATE_INVALID: "A narasi template does not parse",
  EVIDENCE_NOT_FOUND: "The evidence file is not an attachment of the case",
  MEDIA_NOT_APPLICABLE:
    "A medium is recorded only for imported cases; a case's channel is its medium",
  ATTACHMENT_TOO_LARGE: "An attachment is over the size limit",
  ATTACHMENT_TYPE_REFUSED: "An attachment's content is of a type the hub does not accept",
  STORAGE_FULL: "The file store is full",
  STORAGE_ERROR: "The file store failed",
  // Catalogues, settings and reports
  CATALOGUE_INVALID: "A catalogue version sent is invalid",
  CATALOGUE_CONFLICT: "The catalogue changed since the version the client sent",
  SLA_POLICY_INVALID: "The SLA policy override is invalid",
  TEMPLATE_INVALID: "The annual report template is invalid",
  REKAP_NOT_CONFIGURED: "No recap target is configured (REKAP_TARGETS)",
  RECAP_OTHER_OFFICE: "The caller's office has no such recap target (each target names its office)",
  // Accounts
  USERNAME_INVALID: "The username is not acceptable",
  USERNAME_TAKEN: "The username is already used",
  ROLE_UNKNOWN: "The role is not a hub role",
  INSTANSI_INVALID: "The office code is not valid",
  PASSWORD_TOO_SHORT: "The password is shorter than the minimum",
  PASSWORD_WEAK: "The password is too easy to guess",
  PASSWORD_INCORRECT: "The current password given is not the account's password",
  SELF_LOCKOUT: "An administrator may not remove their own access",
  // Data subjects (PDP)
  ALREADY_COMPLETED: "The data-subject request is already completed",
  EXPORT_REQUIRED: "The access request must be exported before it is completed",
  NOT_ACCESS_REQUEST: "Only an access request can be exported",
  // Imports and sync
  IMPORT_TOO_LARGE: "The uploaded file is over the import size limit",
  IMPORT_EMPTY: "The import file holds no rows",
  IMPORT_UNREADABLE: "The import file cannot be read",
  IMPORT_UNZIPPED_TOO_LARGE: "The spreadsheet unzips to more than the limit",
  IMPORT_COMPRESSION_SUSPICIOUS: "The spreadsheet's compression ratio looks like a zip bomb",
  IMPORT_TOO_MANY_ENTRIES: "The spreadsheet archive has too many entries",
  IMPORT_TOO_MANY_SHEETS: "The spreadsheet has too many sheets",
  IMPORT_TOO_MANY_ROWS: "The file has too many rows",
  IMPORT_TOO_MANY_CELLS: "The file has too many cells",
  IMPORT_TOO_MANY_COLUMNS: "The file has too many columns",
  EXPORT_UNREADABLE: "The LAPOR! export is not a readable CSV or XLSX",
  EXPORT_COLUMNS_MISSING: "The LAPOR! export lacks required columns",
  DEAD_LETTER_CLOSED: "The dead letter is already resolved",
  // Server
  DATABASE_UNAVAILABLE: "The database cannot be reached; retry later",
  INTERNAL: "An unexpected server error (a bug or corrupt stored data)",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}

/** A field at fault: its path (e.g. body.pelapor.nik), a message in Bahasa Indonesia. */
export type FieldError = { field: string; message: string; code?: ErrorCode };

export type DomainErrorDetails = {
  fields?: FieldError[] | undefined;
  /** What would have been accepted (roles, statuses, bidang…). */
  allowed?: readonly string[] | undefined;
  /** For RATE_LIMITED and IDEMPOTENCY_IN_PROGRESS: when to try again. */
  retryAfterSeconds?: number | undefined;
};

/** A failure with a registry code and a message in Bahasa Indonesia; no HTTP status. */
export class DomainError extends Error {
  readonly fields: FieldError[] | undefined;
  readonly allowed: readonly string[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    details: DomainErrorDetails = {},
  ) {
    super(message);
    this.name = "DomainError";
    this.fields = details.fields;
    this.allowed = details.allowed;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export const notFound = (what = "Data") => new DomainError("NOT_FOUND", `${what} tidak ditemukan`);

/** The fields at fault, as one error whose message lists them. */
export const validationFailed = (fields: FieldError[], code: ErrorCode = "VALIDATION_FAILED") =>
  new DomainError(code, fields.map((f) => `${f.field}: ${f.message}`).join("; "), { fields });
