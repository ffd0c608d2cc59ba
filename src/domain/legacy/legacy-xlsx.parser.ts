// XLSX variant of the legacy log import: each worksheet becomes a grid of text cells and
// goes through the same core as the TSV text, so both produce identical rows,
// fingerprints and anomalies for the same content.
import ExcelJS from "exceljs";
import {
  checkSheetExtent,
  checkXlsxLimits,
  DEFAULT_IMPORT_LIMITS,
  type ImportLimits,
} from "../uploads/import-limits.js";
import { BULAN } from "./indonesian-date.js";
import {
  parseLegacyGrids,
  type LegacyGrid,
  type LegacyLine,
  type LegacyParseResult,
} from "./legacy-log.parser.js";

type CellValue = ExcelJS.CellValue;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

// Excel stores a typed date as a serial that exceljs returns as a UTC-midnight Date; the
// log's HARI/TANGGAL is a calendar date, so it is written back as "04 Januari 2023".
function dateText(d: Date): string {
  return `${String(d.getUTCDate()).padStart(2, "0")} ${BULAN[d.getUTCMonth()] ?? ""} ${d.getUTCFullYear()}`;
}

export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return dateText(value);
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (isRecord(value)) {
    if (Array.isArray(value.richText)) {
      return value.richText
        .map((part: unknown) => (isRecord(part) && typeof part.text === "string" ? part.text : ""))
        .join("");
    }
    if ("result" in value) return cellText(value.result as CellValue);
    if (typeof value.text === "string") return value.text;
    if ("error" in value && typeof value.error === "string") return value.error;
  }
  return "";
}

// A phone typed into a number cell loses its leading zero (81254224300).
function phoneCell(text: string): string {
  return /^8\d{8,11}$/.test(text) ? `0${text}` : text;
}

function worksheetGrid(sheet: ExcelJS.Worksheet): LegacyGrid {
  const lines: LegacyLine[] = [];
  const width = Math.max(sheet.columnCount, sheet.actualColumnCount, 1);
  let phoneColumn: number | null = null;
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) {
      // Tabs and line breaks inside a cell would break the column structure of the raw line.
      cells.push(cellText(row.getCell(c).value).replace(/[\t\r\n]+/g, " "));
    }
    const hp = cells.findIndex((c) => /\b(no\.?\s*hp|telp|telepon|whatsapp)\b/i.test(c));
    if (hp >= 0) phoneColumn = hp;
    if (phoneColumn !== null && cells[phoneColumn] !== undefined)
      cells[phoneColumn] = phoneCell(cells[phoneColumn] ?? "");
    while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
    lines.push({ cells, raw: cells.join("\t") });
  });
  return { name: sheet.name, lines };
}

/**
 * Throws ImportLimitError (before exceljs sees the bytes) when the workbook would expand
 * past `limits`, and ZipFormatError or exceljs's own error when it is not readable.
 */
export async function parseLegacyXlsx(
  buffer: Buffer | ArrayBuffer | Uint8Array,
  limits: ImportLimits = DEFAULT_IMPORT_LIMITS,
): Promise<LegacyParseResult> {
  const workbook = new ExcelJS.Workbook();
  const data =
    buffer instanceof ArrayBuffer
      ? Buffer.from(buffer)
      : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  await checkXlsxLimits(data, limits);
  await workbook.xlsx.load(data as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  const grids: LegacyGrid[] = [];
  workbook.eachSheet((sheet) => checkSheetExtent(sheet, limits));
  workbook.eachSheet((sheet) => {
    grids.push(worksheetGrid(sheet));
  });
  return parseLegacyGrids(grids);
}
