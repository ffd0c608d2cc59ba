// Page cursors of the list endpoints: opaque to clients, base64url of what the list wrote
// itself. Anything else, however it fails to read, is the same 400 CURSOR_INVALID naming
// query.cursor, never a 500 from a cast further down.
import { DomainError } from "./errors.js";

export function cursorInvalid(): DomainError {
  return new DomainError("CURSOR_INVALID", "cursor tidak valid", {
    fields: [{ field: "query.cursor", message: "tidak valid" }],
  });
}

/** A cursor carrying the sort key of the last item listed. */
export function encodeCursor(values: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

/**
 * Reads a cursor encodeCursor wrote: `read` gets its values and answers the typed key, or
 * null when they are not what the list writes.
 */
export function decodeCursor<T>(cursor: string, read: (values: unknown[]) => T | null): T {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw cursorInvalid();
  }
  const key = Array.isArray(values) ? read(values) : null;
  if (key === null) throw cursorInvalid();
  return key;
}
