// The tanda terima's QR code (issue 18): printed on the PDF and on the print view, it opens
// the status page with the case number and token. Decoded back with jsQR from the PDF as
// rendered by poppler (pdftoppm) and from the matrix the print view's SVG is drawn from.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQRModule from "jsqr";
import { describe, expect, it } from "vitest";
import { followLink, type ReceiptData } from "../../../src/reports/receipt/receipt.js";
import { renderReceiptHtml } from "../../../src/reports/receipt/receipt.html.js";
import { renderReceiptPdf } from "../../../src/reports/receipt/receipt.pdf.js";
import { QUIET, qrMatrix } from "../../../src/reports/receipt/receipt-qr.js";

const data: ReceiptData = {
  office: {
    name: "Dinas Sosial Kabupaten Tabalong",
    address: "Jl. Jend. A. Yani, Mabu'un",
    phone: "(0526) 2031680",
    email: "dinsostabalong@gmail.com",
  },
  number: "ADU-2026-000123",
  receivedAt: new Date("2026-12-07T23:30:00Z"),
  channelLabel: "Datang langsung",
  jenisLabel: "Bantuan Keluarga Harapan (PKH)",
  nextStep: { label: "verifikasi berkas", dueAt: new Date("2026-12-08T08:00:00Z") },
  target: { workingDays: 14, by: new Date("2026-12-28T00:00:00Z") },
  statusUrl: "https://pengaduan.example.go.id/pengaduan/status",
  lookupToken: "Qw3_rT-9xYz0AbCdEf12",
  printedAt: new Date("2026-12-08T00:00:00Z"),
};
// jsqr is CommonJS whose module object is the function (its types say `default`).
const jsQR = jsQRModule as unknown as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;
const link = followLink(data.statusUrl, data.number, data.lookupToken!);

/** A grey PGM (what `pdftoppm -gray` writes) as the RGBA jsQR reads. */
function pgmToRgba(pgm: Buffer): { data: Uint8ClampedArray; width: number; height: number } {
  const head = pgm.subarray(0, 64).toString("latin1");
  const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(head)!;
  const [width, height] = [Number(m[1]), Number(m[2])];
  const pixels = pgm.subarray(m[0].length);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba.set([pixels[i]!, pixels[i]!, pixels[i]!, 255], i * 4);
  }
  return { data: rgba, width, height };
}

describe("tanda terima QR code", () => {
  it("the printed PDF carries a QR code that opens this case's status with its token", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tt-qr-"));
    writeFileSync(join(dir, "tt.pdf"), await renderReceiptPdf(data));
    execFileSync("pdftoppm", [
      "-gray",
      "-r",
      "200",
      "-singlefile",
      join(dir, "tt.pdf"),
      join(dir, "tt"),
    ]);
    const img = pgmToRgba(readFileSync(join(dir, "tt.pgm")));
    const found = jsQR(img.data, img.width, img.height);
    expect(found?.data).toBe(link);
    const text = execFileSync("pdftotext", ["-layout", join(dir, "tt.pdf"), "-"], {
      encoding: "utf8",
    });
    expect(text).toContain("pindai kode QR");
    // Still one A5 page.
    expect(execFileSync("pdfinfo", [join(dir, "tt.pdf")], { encoding: "utf8" })).toMatch(
      /Pages:\s+1\b/,
    );
  });

  it("the print view's SVG is the same code, one square per dark module", () => {
    const m = qrMatrix(link);
    const n = m.length + 2 * QUIET;
    const scale = 6;
    const rgba = new Uint8ClampedArray(n * scale * n * scale * 4).fill(255);
    m.forEach((row, r) =>
      row.forEach((dark, c) => {
        if (!dark) return;
        for (let y = 0; y < scale; y++)
          for (let x = 0; x < scale; x++) {
            const i = (((r + QUIET) * scale + y) * n * scale + (c + QUIET) * scale + x) * 4;
            rgba.set([0, 0, 0, 255], i);
          }
      }),
    );
    expect(jsQR(rgba, n * scale, n * scale)?.data).toBe(link);
    const html = renderReceiptHtml(data);
    const svg = /<svg[^>]*>.*?<\/svg>/s.exec(html)![0];
    const dark = m.flat().filter(Boolean).length;
    expect(svg.match(/h1v1h-1z/g)).toHaveLength(dark);
    expect(svg).toContain(`viewBox="0 0 ${n} ${n}"`);
    expect(svg).not.toMatch(/<script|href=/);
  });

  it("a reprint without the token prints no QR code (the token is never re-derived)", async () => {
    const html = renderReceiptHtml({ ...data, lookupToken: null });
    expect(html).not.toContain("<svg");
    const dir = mkdtempSync(join(tmpdir(), "tt-qr-"));
    writeFileSync(join(dir, "tt.pdf"), await renderReceiptPdf({ ...data, lookupToken: null }));
    execFileSync("pdftoppm", [
      "-gray",
      "-r",
      "200",
      "-singlefile",
      join(dir, "tt.pdf"),
      join(dir, "tt"),
    ]);
    const img = pgmToRgba(readFileSync(join(dir, "tt.pgm")));
    expect(jsQR(img.data, img.width, img.height)).toBeNull();
  });
});
