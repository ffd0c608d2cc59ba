/**
 * The "Laporan Tahunan Layanan Pengaduan Masyarakat" as an A4 portrait PDF: cover, the
 * chapters from editable templates, tables 3.1–3.4 and two charts drawn with pdfkit
 * vector primitives (no chart library, no raster image, so the bytes stay stable).
 */
import {
  BULAN_SINGKAT,
  annualTables,
  annualTitle,
  renderChapters,
  type AnnualTable,
  type TemplateBlock,
} from "./annual.templates.js";
import {
  FONT_BOLD,
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
import type { AnnualReportInput } from "./report.types.js";

const MARGIN = { top: 64, bottom: 64, left: 72, right: 60 };
const BODY_SIZE = 11;
const BAR_COLOR = "#4472C4";
const LINE_COLOR = "#ED7D31";
const GRID_COLOR = "#D0D0D0";

interface Ctx {
  doc: Pdf;
  input: AnnualReportInput;
  tables: ReturnType<typeof annualTables>;
  left: number;
  width: number;
  bottom: number;
}

function ensureSpace(c: Ctx, h: number): void {
  if (c.doc.y + h > c.bottom) c.doc.addPage();
}

/** 1-2-5 steps so an axis gets about five readable integer ticks. */
export function niceStep(max: number): number {
  if (max <= 5) return 1;
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/** An axis from 0 for values up to `max`: a 1-2-5 step and the first multiple of it ≥ max. */
function axisFor(max: number): { step: number; axisMax: number } {
  const step = niceStep(max);
  return { step, axisMax: Math.max(step, Math.ceil(max / step) * step) };
}

/** A chart's caption, bold and centred above it. */
function drawChartCaption(c: Ctx, caption: string): void {
  c.doc.font(FONT_BOLD).fontSize(10);
  c.doc.text(toWinAnsi(caption), c.left, c.doc.y, { width: c.width, align: "center" });
}

function drawCover(c: Ctx): void {
  const { doc, input } = c;
  doc.font(FONT_BOLD).fontSize(20);
  doc.text(toWinAnsi(annualTitle(input.year)), c.left, 220, { width: c.width, align: "center" });
  doc.font(FONT_BOLD).fontSize(16);
  doc.text("DINAS SOSIAL", c.left, 560, { width: c.width, align: "center" });
  doc.text(`KABUPATEN ${input.office.kabupaten}`, { width: c.width, align: "center" });
  doc.font(FONT_REGULAR).fontSize(13);
  doc.moveDown(0.5);
  doc.text(`TAHUN ${input.year}`, { width: c.width, align: "center" });
}

function drawTable(c: Ctx, t: AnnualTable): void {
  const { doc } = c;
  const pad = 4;
  const size = 10;
  const lineH = size * 1.2;
  const totalW = t.widths.reduce((s, w) => s + w, 0);
  const colW = t.widths.map((w) => (c.width * w) / totalW);
  const measure = (cells: readonly string[], bold: boolean): { lines: string[][]; h: number } => {
    doc.font(bold ? FONT_BOLD : FONT_REGULAR).fontSize(size);
    const lines = cells.map((v, i) => wrapLines(doc, toWinAnsi(v), (colW[i] ?? 0) - 2 * pad));
    return { lines, h: Math.max(1, ...lines.map((l) => l.length)) * lineH + 2 * pad };
  };
  const head = measure(t.header, true);
  const body = t.rows.map((r, i) => measure(r, i === t.totalRow));
  const tableH = 18 + head.h + body.reduce((s, b) => s + b.h, 0);
  // Tables are short: keep each one, with its caption, on a single page.
  ensureSpace(c, tableH);
  doc
    .font(FONT_BOLD)
    .fontSize(10)
    .text(toWinAnsi(t.caption), c.left, doc.y, { width: c.width, align: "center" });
  let y = doc.y + 4;
  const drawRow = (
    m: { lines: string[][]; h: number },
    bold: boolean,
    fill: string | null,
  ): void => {
    let x = c.left;
    if (fill !== null) {
      doc.rect(c.left, y, c.width, m.h).fill(fill);
      doc.fillColor("black");
    }
    doc.font(bold ? FONT_BOLD : FONT_REGULAR).fontSize(size);
    m.lines.forEach((lines, i) => {
      const w = colW[i] ?? 0;
      lines.forEach((line, j) => {
        const lw = doc.widthOfString(line);
        const centred = fill !== null || t.header[i] === "No";
        const lx = centred ? x + (w - lw) / 2 : t.numeric[i] ? x + w - pad - lw : x + pad;
        doc.text(line, lx, y + pad + j * lineH, { lineBreak: false });
      });
      doc.rect(x, y, w, m.h).stroke();
      x += w;
    });
    y += m.h;
  };
  drawRow(head, true, "#D9D9D9");
  body.forEach((b, i) => drawRow(b, i === t.totalRow, null));
  doc.x = c.left;
  doc.y = y + 10;
}

/** One light grid line of a chart, the same in both charts. */
function drawGridLine(doc: Pdf, x1: number, y1: number, x2: number, y2: number): void {
  doc.moveTo(x1, y1).lineTo(x2, y2).lineWidth(0.4).strokeColor(GRID_COLOR).stroke();
}

function drawAxisY(
  c: Ctx,
  x0: number,
  y0: number,
  w: number,
  h: number,
  axisMax: number,
  step: number,
): void {
  const { doc } = c;
  doc.font(FONT_REGULAR).fontSize(7);
  for (let v = 0; v <= axisMax; v += step) {
    const y = y0 + h - (v / axisMax) * h;
    drawGridLine(doc, x0, y, x0 + w, y);
    const label = String(v);
    doc
      .fillColor("black")
      .text(label, x0 - 4 - doc.widthOfString(label), y - 3, { lineBreak: false });
  }
  doc.strokeColor("black").lineWidth(0.6);
  doc
    .moveTo(x0, y0)
    .lineTo(x0, y0 + h)
    .lineTo(x0 + w, y0 + h)
    .stroke();
}

/** Horizontal bars: the jenis names are long, so they sit left of their bar. */
function drawChartJenis(c: Ctx): void {
  const { doc, input } = c;
  const items = input.perJenis;
  const rowH = 24;
  const labelW = 190;
  const h = Math.max(1, items.length) * rowH;
  ensureSpace(c, h + 60);
  drawChartCaption(c, `Grafik 3.1 Jumlah Pengaduan per Jenis Tahun ${input.year}`);
  const y0 = doc.y + 8;
  const x0 = c.left + labelW;
  const w = c.width - labelW - 30;
  const { step, axisMax } = axisFor(Math.max(0, ...items.map((i) => i.jumlah)));
  doc.font(FONT_REGULAR).fontSize(7);
  for (let v = 0; v <= axisMax; v += step) {
    const x = x0 + (v / axisMax) * w;
    drawGridLine(doc, x, y0, x, y0 + h);
    const label = String(v);
    doc
      .fillColor("black")
      .text(label, x - doc.widthOfString(label) / 2, y0 + h + 3, { lineBreak: false });
  }
  doc.strokeColor("black").lineWidth(0.6);
  doc
    .moveTo(x0, y0)
    .lineTo(x0, y0 + h)
    .stroke();
  items.forEach((item, i) => {
    const y = y0 + i * rowH;
    doc.font(FONT_REGULAR).fontSize(7.5).fillColor("black");
    const lines = wrapLines(doc, toWinAnsi(item.nama), labelW - 8).slice(0, 2);
    lines.forEach((line, j) => {
      const ly = y + rowH / 2 - (lines.length * 9) / 2 + j * 9;
      doc.text(line, x0 - 6 - doc.widthOfString(line), ly, { lineBreak: false });
    });
    const bw = (item.jumlah / axisMax) * w;
    if (bw > 0) doc.rect(x0, y + 5, bw, rowH - 10).fill(BAR_COLOR);
    doc.fillColor("black").font(FONT_BOLD).fontSize(8);
    doc.text(String(item.jumlah), x0 + bw + 4, y + rowH / 2 - 4, { lineBreak: false });
  });
  doc.x = c.left;
  doc.y = y0 + h + 24;
}

/** Bars per month with the trend line over them, Januari–Desember. */
function drawChartBulan(c: Ctx): void {
  const { doc, input } = c;
  const h = 170;
  ensureSpace(c, h + 70);
  drawChartCaption(c, `Grafik 3.2 Jumlah Pengaduan per Bulan Tahun ${input.year}`);
  const y0 = doc.y + 10;
  const x0 = c.left + 24;
  const w = c.width - 30;
  const { step, axisMax } = axisFor(Math.max(0, ...input.perMonth));
  drawAxisY(c, x0, y0, w, h, axisMax, step);
  const slot = w / 12;
  const points: [number, number][] = [];
  input.perMonth.forEach((v, i) => {
    const bh = (v / axisMax) * h;
    const bx = x0 + i * slot + slot * 0.2;
    const top = y0 + h - bh;
    if (bh > 0) doc.rect(bx, top, slot * 0.6, bh).fill(BAR_COLOR);
    points.push([x0 + i * slot + slot / 2, top]);
    doc.fillColor("black").font(FONT_BOLD).fontSize(8);
    const label = String(v);
    doc.text(label, x0 + i * slot + (slot - doc.widthOfString(label)) / 2, top - 11, {
      lineBreak: false,
    });
    doc.font(FONT_REGULAR).fontSize(8);
    const m = BULAN_SINGKAT[i] ?? "";
    doc.text(m, x0 + i * slot + (slot - doc.widthOfString(m)) / 2, y0 + h + 4, {
      lineBreak: false,
    });
  });
  const [first, ...rest] = points;
  if (first) {
    doc.moveTo(first[0], first[1]);
    for (const [px, py] of rest) doc.lineTo(px, py);
    doc.lineWidth(1.2).strokeColor(LINE_COLOR).stroke();
    for (const [px, py] of points) doc.circle(px, py, 2).fill(LINE_COLOR);
    doc.lineWidth(0.6).strokeColor("black").fillColor("black");
  }
  doc.x = c.left;
  doc.y = y0 + h + 28;
}

function drawBlock(c: Ctx, b: TemplateBlock): void {
  const { doc } = c;
  doc.fillColor("black");
  switch (b.kind) {
    case "heading":
      ensureSpace(c, 40);
      doc.moveDown(0.4);
      doc
        .font(FONT_BOLD)
        .fontSize(BODY_SIZE)
        .text(toWinAnsi(b.text), c.left, doc.y, { width: c.width });
      doc.moveDown(0.4);
      return;
    case "paragraph":
      doc.font(FONT_REGULAR).fontSize(BODY_SIZE);
      doc.text(toWinAnsi(b.text), c.left, doc.y, {
        width: c.width,
        align: "justify",
        indent: 28,
        lineGap: 2,
      });
      doc.moveDown(0.5);
      return;
    case "bullet":
    case "numbered": {
      doc.font(FONT_REGULAR).fontSize(BODY_SIZE);
      ensureSpace(c, 16);
      const marker = b.kind === "bullet" ? "\u2022" : b.marker;
      doc.text(marker, c.left + 14, doc.y, { lineBreak: false });
      doc.text(toWinAnsi(b.text), c.left + 34, doc.y, {
        width: c.width - 34,
        align: "left",
        lineGap: 2,
      });
      doc.moveDown(0.15);
      return;
    }
    case "table":
      doc.moveDown(0.3);
      drawTable(c, c.tables[b.id]);
      return;
    case "chart":
      doc.moveDown(0.3);
      if (b.id === "jenis") drawChartJenis(c);
      else drawChartBulan(c);
      return;
    case "signature": {
      const h = signatureHeight(c.input.office) + 20;
      ensureSpace(c, h);
      const end = drawSignature(
        doc,
        c.input.office,
        c.left + c.width - SIGNATURE_WIDTH,
        doc.y + 20,
      );
      doc.x = c.left;
      doc.y = end;
      return;
    }
  }
}

export async function writeAnnualPdf(input: AnnualReportInput): Promise<Buffer> {
  const chapters = renderChapters(input); // template errors surface before any byte is written
  const doc = createPdf({
    layout: "portrait",
    margins: MARGIN,
    title: annualTitle(input.year),
    office: input.office,
    bufferPages: true,
  });
  const c: Ctx = {
    doc,
    input,
    tables: annualTables(input),
    left: MARGIN.left,
    width: doc.page.width - MARGIN.left - MARGIN.right,
    bottom: doc.page.height - MARGIN.bottom,
  };
  return collectPdf(doc, () => {
    doc.lineWidth(0.6).strokeColor("black").fillColor("black");
    drawCover(c);
    for (const chapter of chapters) {
      doc.addPage();
      doc.font(FONT_BOLD).fontSize(13);
      for (const line of chapter.title.split("\n")) {
        doc.text(toWinAnsi(line), c.left, doc.y, { width: c.width, align: "center" });
      }
      doc.moveDown(1);
      for (const block of chapter.blocks) drawBlock(c, block);
    }
    // Footers last: drawn during the flow they would change the font of a paragraph
    // that pdfkit continues on a new page. The cover carries no number.
    const range = doc.bufferedPageRange();
    for (let i = range.start + 1; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      drawFooter(
        doc,
        `Laporan Tahunan Layanan Pengaduan Masyarakat ${input.year} - Halaman ${i + 1} dari ${range.count}`,
      );
    }
  });
}
