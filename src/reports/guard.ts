/**
 * Spreadsheet safety for exported cells.
 *
 * Formula injection (CWE-1236): a citizen controls NAMA, ALAMAT, KEPERLUAN and, via
 * the narasi, part of NARASI. A value starting with = + - @ TAB or CR may be run as a
 * formula when the file is opened (CSV) or when a user re-edits the cell (XLSX), so such
 * values get a leading apostrophe, the OWASP recommendation. The apostrophe is visible
 * but harmless and keeps the original readable.
 *
 * Phone numbers: the monthly table prints them the way the office writes them,
 * "0812…" (see `formatPhoneDisplay` in columns.ts), which never needs the guard. Only a
 * foreign "+1…" number still starts with "+" and shows as "'+1…": readable and inert.
 * In XLSX every cell is also written as a string cell, so Excel never turns a phone into
 * a number (no lost leading zero, no scientific notation).
 */

const FORMULA_TRIGGERS = new Set(["=", "+", "-", "@", "\t", "\r"]);

export function needsFormulaGuard(value: string): boolean {
  // A lone "-" is the seed's way to print zero and cannot be a formula.
  if (value === "-") return false;
  const first = value.charAt(0);
  return first !== "" && FORMULA_TRIGGERS.has(first);
}

export function guardFormula(value: string): string {
  return needsFormulaGuard(value) ? `'${value}` : value;
}

/** RFC 4180 §2.6–2.7: quote when the field holds a comma, quote, CR or LF; double quotes. */
export function csvField(value: string): string {
  const guarded = guardFormula(value);
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** One CSV record terminated by CRLF (RFC 4180 §2.1). */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}
