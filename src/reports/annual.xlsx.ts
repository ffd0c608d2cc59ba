/**
 * The annual report as XLSX for staff who rework the figures: sheet "Tabel" holds tables
 * 3.1–3.4 and the per-month counts (the source of both PDF charts), sheet "Laporan" the
 * rendered chapters. exceljs cannot write charts, so the charts exist only in the PDF.
 */
import ExcelJS from "exceljs";
import {
  BULAN_SINGKAT,
  annualTables,
  annualTitle,
  renderChapters,
  type AnnualTable,
} from "./annual.templates.js";
import { guardFormula } from "./guard.js";
import type { AnnualReportInput } from "./report.types.js";
import { signatureLines } from "./signature.js";
import { NAMA_BULAN } from "./tanggal.js";
import { THIN_BORDER, fixWorkbookMetadata, workbookToBuffer } from "./xlsx.shared.js";

const FONT = "Arial";

function setText(cell: ExcelJS.Cell, value: string): void {
  cell.value = guardFormula(value);
}

/**
 * A figure of a table as a number (summable in a spreadsheet), displayed like the printed
 * table: zero as "-", a share as a percentage. Text such as "tidak tercatat" stays text.
 */
function setFigure(cell: ExcelJS.Cell, v: string): void {
  if (v === "-") {
    cell.value = 0;
    cell.numFmt = '0;-0;"-"';
    return;
  }
  if (/^\d+$/.test(v)) {
    cell.value = Number(v);
    return;
  }
  const pct = /^(\d+)(?:,(\d+))?%$/.exec(v);
  if (pct) {
    cell.value = Number(`${pct[1]}.${pct[2] ?? "0"}`) / 100;
    cell.numFmt = pct[2] ? `0.${"0".repeat(pct[2].length)}%` : "0%";
    return;
  }
  setText(cell, v);
}

function writeTable(sheet: ExcelJS.Worksheet, startRow: number, t: AnnualTable): number {
  let r = startRow;
  sheet.mergeCells(r, 1, r, t.header.length);
  const cap = sheet.getCell(r, 1);
  setText(cap, t.caption);
  cap.font = { name: FONT, size: 11, bold: true };
  r++;
  const head = sheet.getRow(r);
  t.header.forEach((h, i) => {
    const cell = head.getCell(i + 1);
    setText(cell, h);
    cell.font = { name: FONT, size: 10, bold: true };
    cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    cell.border = THIN_BORDER;
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFD9D9D9" } };
  });
  r++;
  t.rows.forEach((row, ri) => {
    const xr = sheet.getRow(r);
    row.forEach((v, i) => {
      const cell = xr.getCell(i + 1);
      if (t.numeric[i]) setFigure(cell, v);
      else setText(cell, v);
      cell.font = { name: FONT, size: 10, bold: ri === t.totalRow };
      cell.alignment = {
        horizontal: t.numeric[i] ? "right" : i === 0 && t.header[0] === "No" ? "center" : "left",
        wrapText: true,
      };
      cell.border = THIN_BORDER;
    });
    r++;
  });
  return r + 1;
}

export async function writeAnnualXlsx(input: AnnualReportInput): Promise<Buffer> {
  const chapters = renderChapters(input);
  const tables = annualTables(input);
  const title = annualTitle(input.year);
  const workbook = new ExcelJS.Workbook();
  fixWorkbookMetadata(workbook, input.office.signDate, title);
  const pageSetup: Partial<ExcelJS.PageSetup> = {
    paperSize: 9,
    orientation: "portrait",
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    margins: { left: 0.7, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
  };

  const tab = workbook.addWorksheet("Tabel", { pageSetup });
  tab.columns = [{ width: 34 }, { width: 48 }, { width: 16 }];
  tab.mergeCells(1, 1, 1, 3);
  setText(tab.getCell(1, 1), title);
  tab.getCell(1, 1).font = { name: FONT, size: 12, bold: true };
  tab.getCell(1, 1).alignment = { horizontal: "center" };
  let r = 3;
  for (const id of ["3.1", "3.2", "3.3", "3.4"] as const) r = writeTable(tab, r, tables[id]);
  const total = input.perMonth.reduce((s, v) => s + v, 0);
  r = writeTable(tab, r, {
    id: "3.1",
    caption: `Jumlah Pengaduan per Bulan Tahun ${input.year}`,
    header: ["No", "Bulan", "Jumlah"],
    widths: [1, 6, 2],
    numeric: [false, false, true],
    rows: [
      ...input.perMonth.map((v, i) => [
        String(i + 1),
        NAMA_BULAN[i] ?? BULAN_SINGKAT[i] ?? "",
        String(v),
      ]),
      ["", "Total", String(total)],
    ],
    totalRow: 12,
  });

  const lap = workbook.addWorksheet("Laporan", { pageSetup });
  lap.columns = [{ width: 100 }];
  let lr = 1;
  const put = (
    text: string,
    font: Partial<ExcelJS.Font>,
    align: "left" | "center" = "left",
    indent = 0,
  ): void => {
    const cell = lap.getCell(lr, 1);
    if (text !== "") setText(cell, text);
    cell.font = { name: FONT, size: 11, ...font };
    cell.alignment = { horizontal: align, vertical: "top", wrapText: true, indent };
    lr++;
  };
  put(title, { bold: true, size: 13 }, "center");
  lr++;
  for (const chapter of chapters) {
    for (const line of chapter.title.split("\n")) put(line, { bold: true, size: 12 }, "center");
    lr++;
    for (const b of chapter.blocks) {
      switch (b.kind) {
        case "heading":
          put(b.text, { bold: true });
          break;
        case "paragraph":
          put(b.text, {});
          break;
        case "bullet":
          put(`\u2022 ${b.text}`, {}, "left", 2);
          break;
        case "numbered":
          put(`${b.marker} ${b.text}`, {}, "left", 2);
          break;
        case "table":
          put(`(${tables[b.id].caption}: lihat sheet "Tabel")`, { italic: true });
          break;
        case "chart":
          put(`(Grafik ${b.id === "jenis" ? "per jenis" : "per bulan"}: tersedia pada versi PDF)`, {
            italic: true,
          });
          break;
        case "signature":
          lr++;
          for (const s of signatureLines(input.office)) {
            put(s.text, { bold: s.bold ?? false, underline: s.underline ?? false }, "center");
          }
          break;
      }
    }
    lr++;
  }

  return workbookToBuffer(workbook, input.office.signDate);
}
