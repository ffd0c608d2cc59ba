/**
 * PDF plumbing shared by the monthly and annual writers.
 *
 * Determinism: pdfkit derives the trailer /ID from an MD5 of the info dictionary
 * (including CreationDate), so fixing CreationDate/ModDate from the report's sign date
 * makes /ID and every byte reproducible; deflate is deterministic and the standard
 * Helvetica fonts are not embedded, so no random subset tag appears.
 */
import PDFDocument from "pdfkit";
import type { OfficeInfo } from "./report.types.js";
import { signatureLines } from "./signature.js";
import { metadataDate } from "./tanggal.js";

export type Pdf = PDFKit.PDFDocument;

export const FONT_REGULAR = "Helvetica";
export const FONT_BOLD = "Helvetica-Bold";
export const FONT_ITALIC = "Helvetica-Oblique";

export function createPdf(options: {
  layout: "portrait" | "landscape";
  margins: { top: number; bottom: number; left: number; right: number };
  title: string;
  office: OfficeInfo;
  /** Keeps pages in memory so footers can say "dari N"; only for short documents. */
  bufferPages?: boolean;
}): Pdf {
  const at = metadataDate(options.office.signDate);
  return new PDFDocument({
    size: "A4",
    layout: options.layout,
    margins: options.margins,
    autoFirstPage: true,
    bufferPages: options.bufferPages ?? false,
    info: {
      Title: options.title,
      Author: `Dinas Sosial Kabupaten ${options.office.kabupaten === "TABALONG" ? "Tabalong" : options.office.kabupaten}`,
      Creator: "aduan-hub",
      Producer: "aduan-hub (PDFKit)",
      CreationDate: at,
      ModDate: at,
    },
  });
}

/** Collects the document stream; pages are flushed as they are finished, not at the end. */
export function collectPdf(doc: Pdf, draw: () => void): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    try {
      draw();
      doc.end();
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

/**
 * The standard PDF fonts only cover WinAnsi (Latin-1 plus a few marks); pdfkit would
 * emit garbage for anything else. The seed already contains a Cyrillic look-alike
 * ("Mahrита"), so such letters are transliterated, accents outside WinAnsi are dropped,
 * and the rest becomes "?". XLSX and CSV keep the original text.
 */
const WIN_ANSI_EXTRA = new Set(Array.from("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"));
const CYRILLIC: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  д: "d",
  е: "e",
  ё: "e",
  ж: "zh",
  з: "z",
  и: "i",
  й: "y",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "yu",
  я: "ya",
};

function isWinAnsi(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  return (
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xff) ||
    WIN_ANSI_EXTRA.has(ch) ||
    ch === "\n"
  );
}

export function toWinAnsi(text: string): string {
  let out = "";
  for (const ch of text.replace(/\r\n?/g, "\n").replace(/\t/g, " ").normalize("NFC")) {
    if (isWinAnsi(ch)) {
      out += ch;
      continue;
    }
    const lower = ch.toLowerCase();
    const translit = CYRILLIC[lower];
    if (translit !== undefined) {
      out += ch === lower ? translit : translit.charAt(0).toUpperCase() + translit.slice(1);
      continue;
    }
    const stripped = ch.normalize("NFD").replace(/\p{M}/gu, "");
    out += stripped !== "" && Array.from(stripped).every(isWinAnsi) ? stripped : "?";
  }
  return out;
}

/**
 * Word-wraps with the current font and size. Done by hand rather than by doc.text()
 * so a row's height is known before it is drawn and drawing never triggers pdfkit's
 * own page break in the middle of a row.
 */
export function wrapLines(doc: Pdf, text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    const words = paragraph.split(/ +/).filter((w) => w !== "");
    if (words.length === 0) {
      lines.push("");
      continue;
    }
    let line = "";
    for (const word of words) {
      const candidate = line === "" ? word : `${line} ${word}`;
      if (doc.widthOfString(candidate) <= width) {
        line = candidate;
        continue;
      }
      if (line !== "") lines.push(line);
      line = "";
      // A single word wider than the cell (long ids, URLs) is broken by characters.
      let rest = word;
      while (doc.widthOfString(rest) > width) {
        let cut = rest.length - 1;
        while (cut > 1 && doc.widthOfString(rest.slice(0, cut)) > width) cut--;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

/** Writes outside the bottom margin without pdfkit adding a page for it. */
export function drawFooter(doc: Pdf, text: string): void {
  const { x, y } = doc;
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  doc
    .font(FONT_ITALIC)
    .fontSize(7)
    .fillColor("#444444")
    .text(toWinAnsi(text), doc.page.margins.left, doc.page.height - bottom / 2 - 4, {
      width: doc.page.width - doc.page.margins.left - doc.page.margins.right,
      align: "right",
      lineBreak: false,
    });
  doc.page.margins.bottom = bottom;
  doc.fillColor("black");
  doc.x = x;
  doc.y = y;
}

export const SIGNATURE_WIDTH = 250;
const SIGNATURE_FONT_SIZE = 10;
const SIGNATURE_LINE_HEIGHT = 13;

export function signatureHeight(office: OfficeInfo): number {
  return signatureLines(office).length * SIGNATURE_LINE_HEIGHT;
}

/** Draws the block at (x, y) as one unit; the caller has checked that it fits. */
export function drawSignature(doc: Pdf, office: OfficeInfo, x: number, y: number): number {
  let cy = y;
  for (const line of signatureLines(office)) {
    if (line.text !== "") {
      doc
        .font(line.bold ? FONT_BOLD : FONT_REGULAR)
        .fontSize(SIGNATURE_FONT_SIZE)
        .text(toWinAnsi(line.text), x, cy, {
          width: SIGNATURE_WIDTH,
          align: "center",
          lineBreak: false,
          underline: line.underline ?? false,
        });
    }
    cy += SIGNATURE_LINE_HEIGHT;
  }
  return cy;
}
