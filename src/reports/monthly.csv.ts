/**
 * Monthly SLRT SERASI table as CSV (RFC 4180): one header record and one record per
 * complaint. No title or signature block: CSV is for re-use in other tools, the signed
 * document is the PDF/XLSX.
 */
import { MONTHLY_COLUMNS, monthlyRowCells, monthlyTitleLines } from "./columns.js";
import { csvRecord } from "./guard.js";
import type { MonthlyReportInput } from "./report.types.js";

export interface MonthlyCsvOptions {
  /** A UTF-8 BOM makes Excel read Indonesian text correctly; default true. */
  bom?: boolean;
}

export async function writeMonthlyCsv(
  input: MonthlyReportInput,
  options: MonthlyCsvOptions = {},
): Promise<Buffer> {
  monthlyTitleLines(input); // validates year/month like the other writers
  const chunks: Buffer[] = [];
  if (options.bom ?? true) chunks.push(Buffer.from([0xef, 0xbb, 0xbf]));
  chunks.push(Buffer.from(csvRecord(MONTHLY_COLUMNS.map((c) => c.header)), "utf8"));
  // Encoded row by row so a large month never builds one giant string.
  input.rows.forEach((row, index) => {
    chunks.push(Buffer.from(csvRecord(monthlyRowCells(row, index)), "utf8"));
  });
  return Buffer.concat(chunks);
}
