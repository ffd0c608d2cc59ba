/** PDF text extraction for assertions (pdf-parse v2). */
import { PDFParse } from "pdf-parse";

export async function pdfPages(buf: Buffer): Promise<string[]> {
  // pdf.js may transfer the buffer it is given, so it gets a copy.
  const parser = new PDFParse({ data: new Uint8Array(buf) });
  try {
    const result = await parser.getText();
    return result.pages.map((p) => p.text);
  } finally {
    await parser.destroy();
  }
}

/** Extracted lines may break inside a cell; compare on whitespace-collapsed text. */
export function flat(text: string): string {
  return text.replace(/\s+/g, " ");
}
