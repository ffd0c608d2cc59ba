/**
 * Monthly SLRT SERASI table as XLSX, laid out like the printed seed: title block, header
 * row, column-number row, bordered wrapped rows, signature block; A4 landscape with the
 * two header rows repeated on every printed page.
 */
import ExcelJS from "exceljs";
import {
  MONTHLY_COLUMNS,
  NIHIL,
  REVIEW_MARK,
  monthlyFootnotes,
  monthlyRowCells,
  monthlyTitleLines,
} from "./columns.js";
import { guardFormula } from "./guard.js";
import type { MonthlyReportInput } from "./report.types.js";
import { signatureLines } from "./signature.js";
import { THIN_BORDER, fixWorkbookMetadata, workbookToBuffer } from "./xlsx.shared.js";

const FONT = "Arial";
const HEADER_ROW = 4;
const NUMBER_ROW = 5;
const FIRST_DATA_ROW = 6;

/** Text cells only: a string value is stored as a string cell and never evaluated. */
function setText(cell: ExcelJS.Cell, value: string): void {
  cell.value = guardFormula(value);
}

export async function writeMonthlyXlsx(input: MonthlyReportInput): Promise<Buffer> {
  const [title, subtitle] = monthlyTitleLines(input);
  const workbook = new ExcelJS.Workbook();
  fixWorkbookMetadata(workbook, input.office.signDate, `${title} ${subtitle}`);

  const lastCol = MONTHLY_COLUMNS.length;
  const sheet = workbook.addWorksheet("Laporan", {
    pageSetup: {
      paperSize: 9, // A4
      orientation: "landscape",
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
      printTitlesRow: `${HEADER_ROW}:${NUMBER_ROW}`,
    },
    headerFooter: { oddFooter: "Halaman &P dari &N" },
    views: [{ state: "frozen", ySplit: NUMBER_ROW }],
  });
  sheet.columns = MONTHLY_COLUMNS.map((c) => ({ key: c.key, width: c.width }));

  [title, subtitle].forEach((text, i) => {
    const r = i + 1;
    sheet.mergeCells(r, 1, r, lastCol);
    const cell = sheet.getCell(r, 1);
    setText(cell, text);
    cell.font = { name: FONT, size: 12, bold: true };
    cell.alignment = { horizontal: "center", vertical: "middle" };
  });

  const header = sheet.getRow(HEADER_ROW);
  const numbers = sheet.getRow(NUMBER_ROW);
  MONTHLY_COLUMNS.forEach((c, i) => {
    const h = header.getCell(i + 1);
    setText(h, c.header);
    h.font = { name: FONT, size: 10, bold: true };
    h.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    h.border = THIN_BORDER;
    h.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFD9D9D9" } };
    const n = numbers.getCell(i + 1);
    setText(n, c.number);
    n.font = { name: FONT, size: 9, italic: true };
    n.alignment = { horizontal: "center", vertical: "middle" };
    n.border = THIN_BORDER;
  });

  input.rows.forEach((row, index) => {
    const xr = sheet.getRow(FIRST_DATA_ROW + index);
    monthlyRowCells(row, index).forEach((value, i) => {
      const col = MONTHLY_COLUMNS[i];
      const cell = xr.getCell(i + 1);
      if (col?.key === "no") {
        // A number stays a number; the review mark is only its display format.
        cell.value = index + 1;
        if (row.review?.length) cell.numFmt = `0"${REVIEW_MARK}"`;
      } else setText(cell, value);
      cell.font = { name: FONT, size: 10 };
      cell.alignment = { horizontal: col?.align ?? "left", vertical: "top", wrapText: true };
      cell.border = THIN_BORDER;
    });
  });

  let r = FIRST_DATA_ROW + input.rows.length;
  if (input.rows.length === 0) {
    // An empty month is printed as such, not as a signed empty table.
    sheet.mergeCells(r, 1, r, lastCol);
    const cell = sheet.getCell(r, 1);
    setText(cell, NIHIL);
    cell.font = { name: FONT, size: 11, bold: true };
    cell.alignment = { horizontal: "center", vertical: "middle" };
    for (let c = 1; c <= lastCol; c++) sheet.getCell(r, c).border = THIN_BORDER;
    r++;
  }
  const footnotes = monthlyFootnotes(input.rows);
  if (footnotes.length) r++;
  for (const line of footnotes) {
    sheet.mergeCells(r, 1, r, lastCol);
    const cell = sheet.getCell(r, 1);
    setText(cell, line);
    cell.font = { name: FONT, size: 9, italic: line.startsWith(REVIEW_MARK) };
    cell.alignment = { horizontal: "left", vertical: "top", wrapText: true };
    r++;
  }

  // Signature block under the last three columns, right-aligned like the seed.
  r++;
  const sigFrom = lastCol - 1;
  for (const line of signatureLines(input.office)) {
    sheet.mergeCells(r, sigFrom, r, lastCol);
    const cell = sheet.getCell(r, sigFrom);
    if (line.text !== "") setText(cell, line.text);
    cell.font = {
      name: FONT,
      size: 10,
      bold: line.bold ?? false,
      underline: line.underline ?? false,
    };
    cell.alignment = { horizontal: "center" };
    r++;
  }

  return workbookToBuffer(workbook, input.office.signDate);
}
