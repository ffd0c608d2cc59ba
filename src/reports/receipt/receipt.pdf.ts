// The tanda terima as an A5 portrait PDF (half an A4 sheet), standard Helvetica fonts.
import PDFDocument from "pdfkit";
import { collectPdf } from "../pdf.shared.js";
import { receiptContent, waktuWita, type ReceiptData } from "./receipt.js";
import { QUIET, qrMatrix } from "./receipt-qr.js";

/** The status link as a QR code, vector squares, `size` points wide with its quiet zone. */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const m = qrMatrix(text);
  const cell = size / (m.length + 2 * QUIET);
  doc.save();
  m.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (dark) doc.rect(x + (c + QUIET) * cell, y + (r + QUIET) * cell, cell, cell);
    }),
  );
  doc.fill("#000000").restore();
}

export function renderReceiptPdf(r: ReceiptData): Promise<Buffer> {
  const c = receiptContent(r);
  const doc = new PDFDocument({
    size: "A5",
    layout: "portrait",
    margins: { top: 28, bottom: 24, left: 32, right: 32 },
    info: {
      Title: `Tanda terima ${r.number}`,
      Author: r.office.name,
      Creator: "aduan-hub",
      Producer: "aduan-hub (PDFKit)",
      CreationDate: r.printedAt,
    },
  });
  const width = doc.page.width - 64;
  return collectPdf(doc, () => {
    // Letterhead.
    doc
      .font("Helvetica-Bold")
      .fontSize(9)
      .text("PEMERINTAH KABUPATEN TABALONG", { align: "center" });
    doc.fontSize(12).text(r.office.name.toUpperCase(), { align: "center" });
    doc.font("Helvetica").fontSize(7.5);
    for (const line of c.contact) doc.text(line, { align: "center" });
    const y = doc.y + 4;
    doc
      .moveTo(32, y)
      .lineTo(32 + width, y)
      .lineWidth(1.2)
      .stroke();
    doc
      .moveTo(32, y + 2.5)
      .lineTo(32 + width, y + 2.5)
      .lineWidth(0.4)
      .stroke();
    doc.y = y + 12;

    doc.font("Helvetica-Bold").fontSize(12).text(c.title, 32, doc.y, { align: "center", width });
    doc.moveDown(0.6);
    for (const f of c.fields) {
      const top = doc.y;
      doc.font("Helvetica").fontSize(9).text(f.label, 32, top, { width: 110 });
      doc.font("Helvetica-Bold").text(f.value, 146, top, { width: width - 114 });
      doc.moveDown(0.25);
    }
    doc.moveDown(0.5);
    doc
      .font("Helvetica-Bold")
      .fontSize(9.5)
      .text("Apa yang terjadi selanjutnya", 32, doc.y, { width });
    doc.font("Helvetica").fontSize(8.5);
    for (const p of c.next) doc.text(p, { width }).moveDown(0.2);
    doc.moveDown(0.4);
    doc.font("Helvetica-Bold").fontSize(9.5).text("Cara memantau pengaduan", { width });
    doc.font("Helvetica").fontSize(8.5);
    for (const p of c.follow) {
      if (p.startsWith("Token pelacakan:")) doc.font("Courier-Bold").fontSize(10);
      doc.text(p, { width }).moveDown(0.2);
      doc.font("Helvetica").fontSize(8.5);
    }
    if (c.followLink) {
      const qr = 84;
      const top = doc.y + 2;
      doc.text("Atau pindai kode QR ini, atau buka langsung:", 32, top, { width: width - qr - 8 });
      doc
        .font("Courier")
        .fontSize(7)
        .text(c.followLink, { width: width - qr - 8, link: c.followLink });
      drawQr(doc, c.followLink, 32 + width - qr, top - 4, qr);
      doc.y = Math.max(doc.y, top - 4 + qr);
      doc.x = 32;
    }
    doc.font("Helvetica").fontSize(7).fillColor("#444444");
    doc.moveDown(0.8).text(`Dicetak ${waktuWita(r.printedAt)}`, { width, align: "right" });
  });
}
