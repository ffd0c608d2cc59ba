// An upload over an import limit (src/domain/uploads/import-limits.ts) as the HTTP error:
// a size limit is 413, a content limit (rows, cells, a suspicious ratio) 422. The message
// names the limit so the office knows how to split the file.
import type { ImportLimitError } from "../domain/uploads/import-limits.js";
import { AppError } from "./errors.js";

export function importLimitAppError(e: ImportLimitError): AppError {
  return new AppError(e.tooLarge ? 413 : 422, e.code, e.message, {
    fields: [{ field: "body", message: e.message, code: e.code }],
  });
}
