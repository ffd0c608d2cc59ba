/**
 * Monthly SLRT SERASI table as an A4 landscape PDF. Rows are measured before they are
 * drawn: a row that does not fit goes to the next page whole, under a repeated header
 * and column-number row. Only a row taller than a whole page (a narrative of several
 * pages) is continued, marked "(lanjutan)", because there is no other way to print it.
 */
import {
  MONTHLY_COLUMNS,
  NIHIL,
  monthlyFootnotes,
  monthlyRowCells,
  monthlyTitleLines,
  type MonthlyColumn,
} from "./columns.js";
import {
  FONT_BOLD,
  FONT_ITALIC,
  FONT_REGULAR,
  SIGNATURE_WIDTH,
  collectPdf,
  createPdf,
  drawFooter,
  drawSignature,
  signatureHeight,
  toWinAnsi,
  wrapLines,
  type Pdf,
} from "./pdf.shared.js";
import type { MonthlyReportInput } from "./report.types.js";
import { namaBulan } from "./tanggal.js";

const MARGIN = { top: 36, bottom: 40, left: 32, right: 32 };
const PAD = 3;
const BODY_SIZE = 8;
const BODY_LINE = 9.6;
const HEADER_SIZE = 8.5;
const NUMBER_ROW_HEIGHT = 12;
const MIN_LINES_BEFORE_SPLIT = 3;
const FOOTNOTE_SIZE = 7.5;
const FOOTNOTE_LINE = 9;
const NIHIL_ROW_HEIGHT = 22;
const SIGNATURE_GAP = 14;

interface Layout {
  x: number[];
  w: number[];
  left: number;
  right: number;
  bottom: number;
}

function layoutColumns(doc: Pdf): Layout {
  const left = MARGIN.left;
  const right = doc.page.width - MARGIN.right;
  const total = MONTHLY_COLUMNS.reduce((s, c) => s + c.width, 0);
  const w = MONTHLY_COLUMNS.map((c) => ((right - left) * c.width) / total);
  const x: number[] = [];
  let acc = left;
  for (const cw of w) {
    x.push(acc);
    acc += cw;
  }
  return { x, w, left, right, bottom: doc.page.height - MARGIN.bottom };
}

function drawCellLines(
  doc: Pdf,
  col: MonthlyColumn,
  lines: readonly string[],
  x: number,
  w: number,
  y: number,
): void {
  lines.forEach((line, i) => {
    if (line === "") return;
    const lw = doc.widthOfString(line);
    const lx = col.align === "center" ? x + (w - lw) / 2 : x + PAD;
    doc.text(line, lx, y + PAD + i * BODY_LINE, { lineBreak: false });
  });
}

const HEADER_LINE = HEADER_SIZE * 1.2;

function wrapHeaders(doc: Pdf, L: Layout): string[][] {
  doc.font(FONT_BOLD).fontSize(HEADER_SIZE);
  return MONTHLY_COLUMNS.map((c, i) => wrapLines(doc, c.header, (L.w[i] ?? 0) - 2 * PAD));
}

/** Header plus column-number row. */
function headerHeight(doc: Pdf, L: Layout): number {
  return (
    Math.max(...wrapHeaders(doc, L).map((l) => l.length)) * HEADER_LINE +
    2 * PAD +
    2 +
    NUMBER_ROW_HEIGHT
  );
}

function drawHeader(doc: Pdf, L: Layout, y: number): number {
  const wrapped = wrapHeaders(doc, L);
  const lineH = HEADER_LINE;
  const h = Math.max(...wrapped.map((l) => l.length)) * lineH + 2 * PAD + 2;
  doc.rect(L.left, y, L.right - L.left, h).fill("#D9D9D9");
  doc.fillColor("black");
  MONTHLY_COLUMNS.forEach((_c, i) => {
    const x = L.x[i] ?? 0;
    const w = L.w[i] ?? 0;
    const lines = wrapped[i] ?? [];
    const top = y + (h - lines.length * lineH) / 2;
    lines.forEach((line, j) => {
      doc.text(line, x + (w - doc.widthOfString(line)) / 2, top + j * lineH, { lineBreak: false });
    });
    doc.rect(x, y, w, h).stroke();
  });
  const ny = y + h;
  doc.font(FONT_ITALIC).fontSize(7.5);
  MONTHLY_COLUMNS.forEach((c, i) => {
    const x = L.x[i] ?? 0;
    const w = L.w[i] ?? 0;
    doc.text(c.number, x + (w - doc.widthOfString(c.number)) / 2, ny + 2.5, { lineBreak: false });
    doc.rect(x, ny, w, NUMBER_ROW_HEIGHT).stroke();
  });
  return ny + NUMBER_ROW_HEIGHT;
}

export async function writeMonthlyPdf(input: MonthlyReportInput): Promise<Buffer> {
  const [title, subtitle] = monthlyTitleLines(input);
  const doc = createPdf({
    layout: "landscape",
    margins: MARGIN,
    title: `${title} ${subtitle}`,
    office: input.office,
  });
  const footerLabel = `Laporan Pelayanan Pengaduan SLRT SERASI - ${namaBulan(input.month)} ${input.year}`;

  return collectPdf(doc, () => {
    doc.lineWidth(0.6).strokeColor("black").fillColor("black");
    const L = layoutColumns(doc);
    let page = 1;
    drawFooter(doc, `${footerLabel} - Halaman ${page}`);

    doc.font(FONT_BOLD).fontSize(12);
    let y = MARGIN.top;
    for (const line of [title, subtitle]) {
      doc.text(toWinAnsi(line), L.left, y, {
        width: L.right - L.left,
        align: "center",
        lineBreak: false,
      });
      y += 15;
    }
    y += 8;
    y = drawHeader(doc, L, y);

    const newPage = (withHeader: boolean): void => {
      doc.addPage();
      page++;
      drawFooter(doc, `${footerLabel} - Halaman ${page}`);
      y = MARGIN.top;
      if (withHeader) y = drawHeader(doc, L, y);
    };
    // Lines a row may have and still fit on a fresh page under the repeated header.
    const freshCapacity = Math.floor(
      (L.bottom - MARGIN.top - headerHeight(doc, L) - 2 * PAD) / BODY_LINE,
    );

    // What follows the last row on its page: the footnote of marked rows and the signature.
    // The signature is never alone on a page: when the tail does not fit under the last
    // row, the last row moves to the next page with it.
    doc.font(FONT_REGULAR).fontSize(FOOTNOTE_SIZE);
    const footnote = monthlyFootnotes(input.rows).flatMap((line) =>
      wrapLines(doc, toWinAnsi(line), L.right - L.left),
    );
    const footnoteH = footnote.length ? footnote.length * FOOTNOTE_LINE + 8 : 0;
    const tailH = footnoteH + SIGNATURE_GAP + signatureHeight(input.office);
    const freshTop = MARGIN.top + headerHeight(doc, L);

    if (input.rows.length === 0) {
      // An empty month is printed as such, not as a signed empty table.
      doc.font(FONT_BOLD).fontSize(11);
      doc.text(NIHIL, L.left, y + (NIHIL_ROW_HEIGHT - 11) / 2, {
        width: L.right - L.left,
        align: "center",
        lineBreak: false,
      });
      doc.rect(L.left, y, L.right - L.left, NIHIL_ROW_HEIGHT).stroke();
      y += NIHIL_ROW_HEIGHT;
    }

    input.rows.forEach((row, index) => {
      doc.font(FONT_REGULAR).fontSize(BODY_SIZE);
      let remaining = monthlyRowCells(row, index).map((v, i) =>
        wrapLines(doc, toWinAnsi(v), (L.w[i] ?? 0) - 2 * PAD),
      );
      let continued = false;
      const last = index === input.rows.length - 1;
      for (;;) {
        const lines = Math.max(1, ...remaining.map((c) => c.length));
        const h = lines * BODY_LINE + 2 * PAD;
        if (
          last &&
          y + h <= L.bottom &&
          y + h + tailH > L.bottom &&
          y > freshTop &&
          freshTop + h + tailH <= L.bottom
        ) {
          newPage(true);
          continue;
        }
        if (y + h <= L.bottom) {
          drawRowPart(doc, L, remaining, y, h, continued);
          y += h;
          return;
        }
        const fit = Math.floor((L.bottom - y - 2 * PAD) / BODY_LINE);
        if (lines <= freshCapacity || fit < MIN_LINES_BEFORE_SPLIT) {
          newPage(true);
          continue;
        }
        // Longer than a whole page: the only case where a row continues on the next page.
        drawRowPart(
          doc,
          L,
          remaining.map((c) => c.slice(0, fit)),
          y,
          fit * BODY_LINE + 2 * PAD,
          continued,
        );
        remaining = remaining.map((c) => c.slice(fit));
        continued = true;
        newPage(true);
      }
    });

    if (footnote.length) {
      y += 8;
      doc.font(FONT_REGULAR).fontSize(FOOTNOTE_SIZE);
      for (const line of footnote) {
        if (y + FOOTNOTE_LINE > L.bottom) newPage(false);
        doc.font(FONT_REGULAR).fontSize(FOOTNOTE_SIZE);
        doc.text(line, L.left, y, { lineBreak: false });
        y += FOOTNOTE_LINE;
      }
    }
    const sigH = signatureHeight(input.office) + SIGNATURE_GAP;
    if (y + sigH > L.bottom) newPage(false);
    drawSignature(doc, input.office, L.right - SIGNATURE_WIDTH, y + SIGNATURE_GAP);
  });
}

function drawRowPart(
  doc: Pdf,
  L: Layout,
  cells: readonly (readonly string[])[],
  y: number,
  h: number,
  continued: boolean,
): void {
  doc.font(FONT_REGULAR).fontSize(BODY_SIZE);
  MONTHLY_COLUMNS.forEach((col, i) => {
    const x = L.x[i] ?? 0;
    const w = L.w[i] ?? 0;
    const lines = cells[i] ?? [];
    const shown = continued && col.key === "no" ? ["(lanjutan)"] : lines;
    if (continued && col.key === "no") doc.font(FONT_ITALIC).fontSize(6);
    drawCellLines(doc, col, shown, x, w, y);
    if (continued && col.key === "no") doc.font(FONT_REGULAR).fontSize(BODY_SIZE);
    doc.rect(x, y, w, h).stroke();
  });
}
