// What the hub accepts as a citizen's attachment, whatever the channel (e-mail, the public
// form): allowed types and size. Pure, so adapters and handlers share one policy.
import { err, ok, type Result } from "../result.js";

/** Lower-case base type without parameters; empty → application/octet-stream. */
export function normalizeMime(mime: string | undefined): string {
  const base = (mime ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return base === "" ? "application/octet-stream" : base;
}

/** What citizens send as evidence: photos of KKS/KTP, scans, letters. */
export const DEFAULT_ALLOWED_ATTACHMENT_MIMES: readonly string[] = [
  "application/pdf",
  "image/*",
  "application/msword",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "text/plain",
];

export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

export type AttachmentErrorCode = "ATTACHMENT_TOO_LARGE" | "ATTACHMENT_TYPE_REFUSED";
export interface AttachmentError {
  readonly code: AttachmentErrorCode;
  /** Operator/staff note for the case; names sizes and types, never the file content. */
  readonly message: string;
}

export interface AttachmentLimits {
  readonly maxBytes: number;
  /** Exact types or "type/*" wildcards, lower case. */
  readonly allowedMimes: readonly string[];
}

export function checkAttachment(
  attachment: { readonly mime: string; readonly size: number },
  limits: AttachmentLimits,
): Result<void, AttachmentError> {
  if (attachment.size > limits.maxBytes) {
    return err({
      code: "ATTACHMENT_TOO_LARGE",
      message: `lampiran ${attachment.size} byte melebihi batas ${limits.maxBytes} byte`,
    });
  }
  const mime = normalizeMime(attachment.mime);
  const allowed = limits.allowedMimes.some((pattern) => {
    const p = pattern.trim().toLowerCase();
    return p.endsWith("/*") ? mime.startsWith(p.slice(0, -1)) : mime === p;
  });
  if (!allowed) {
    return err({
      code: "ATTACHMENT_TYPE_REFUSED",
      message: `jenis lampiran ${mime} tidak diterima`,
    });
  }
  return ok(undefined);
}
