import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import {
  attachmentDisposition,
  detectFileType,
  EVIDENCE_FILE_TYPES,
  safeContentType,
  sanitizeMime,
} from "../../../src/domain/uploads/file-type.js";
import { zip } from "../../helpers/xlsx-bomb.js";
import { crc32, deflateRawSync } from "node:zlib";

const part = (name: string, text: string) => {
  const raw = Buffer.from(text);
  return { name, data: deflateRawSync(raw), size: raw.length, crc: crc32(raw), method: 8 as const };
};
const hex = (h: string, pad = 32) => Buffer.concat([Buffer.from(h, "hex"), Buffer.alloc(pad, 7)]);
const ftyp = (brand: string, compat = "") =>
  Buffer.concat([
    Buffer.from([0, 0, 0, 16 + compat.length]),
    Buffer.from(`ftyp${brand}\0\0\0\0${compat}`, "latin1"),
    Buffer.alloc(32),
  ]);

const SAMPLES = {
  pdf: Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"),
  png: hex("89504e470d0a1a0a0000000d49484452"),
  jpeg: hex("ffd8ffe000104a464946"),
  gif: Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1"),
  webp: Buffer.concat([Buffer.from("RIFF\x24\x00\x00\x00WEBPVP8 ", "latin1"), Buffer.alloc(24)]),
};

async function xlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("a").addRow(["x"]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const docx = () =>
  zip([part("[Content_Types].xml", "<Types/>"), part("word/document.xml", "<w:document/>")]);

describe("file type from content", () => {
  it.each([
    ["pdf", SAMPLES.pdf, "application/pdf"],
    ["png", SAMPLES.png, "image/png"],
    ["jpeg", SAMPLES.jpeg, "image/jpeg"],
    ["gif", SAMPLES.gif, "image/gif"],
    ["webp", SAMPLES.webp, "image/webp"],
    ["heic", ftyp("heic", "mif1heic"), "image/heic"],
    ["mp4", ftyp("isom", "iso2mp41"), "video/mp4"],
    ["ogg voice note", Buffer.from("OggS\0\x02" + "\0".repeat(30), "latin1"), "audio/ogg"],
    ["docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ["plain text", Buffer.from("Surat keterangan tidak mampu\r\nDesa Pembataan\n"), "text/plain"],
  ])("accepts %s as %s", (_label, bytes, mime) => {
    const r = detectFileType(bytes);
    expect(r.ok ? r.value.mime : r.error.message).toBe(mime);
  });

  it("accepts an XLSX written by exceljs", async () => {
    const r = detectFileType(await xlsx());
    expect(r.ok && r.value.mime).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
  });

  it.each([
    ["a Windows executable", Buffer.from("MZ\x90\x00\x03\x00\x00\x00PE\0\0", "latin1"), "EXE"],
    ["an ELF program", Buffer.from("\x7fELF\x02\x01\x01\0\0\0", "latin1"), "ELF"],
    ["a shell script", Buffer.from("#!/bin/sh\nrm -rf /\n"), "skrip"],
    [
      "an SVG with a script",
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      "SVG",
    ],
    ["an SVG after an XML declaration", Buffer.from('<?xml version="1.0"?>\n<svg/>'), "SVG"],
    ["HTML", Buffer.from("<!DOCTYPE html><html><body>hai</body></html>"), "HTML"],
    ["HTML after text", Buffer.from("halo\n<script>alert(1)</script>"), "HTML"],
    [
      "a macro workbook",
      zip([part("[Content_Types].xml", "<Types/>"), part("xl/vbaProject.bin", "vba")]),
      "bermakro",
    ],
    ["another ZIP", zip([part("setup.exe", "MZ")]), "ZIP"],
    ["binary noise", Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04, 0x05]), "tidak dikenali"],
    ["an empty file", Buffer.alloc(0), "kosong"],
  ])("refuses %s", (_label, bytes, word) => {
    const r = detectFileType(bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("ATTACHMENT_TYPE_REFUSED");
      expect(r.error.message).toContain(word);
    }
  });

  it("limits staff evidence to PNG, JPEG, WebP and PDF", () => {
    expect(detectFileType(SAMPLES.gif, EVIDENCE_FILE_TYPES).ok).toBe(false);
    expect(detectFileType(SAMPLES.pdf, EVIDENCE_FILE_TYPES).ok).toBe(true);
  });
});

describe("headers from stored values", () => {
  it("serves only detected types; anything else is an opaque download", () => {
    expect(safeContentType("image/png")).toBe("image/png");
    expect(safeContentType("text/plain")).toBe("text/plain; charset=utf-8");
    expect(safeContentType("image/png\r\nX-Injected: 1")).toBe("application/octet-stream");
    expect(safeContentType("image/svg+xml")).toBe("application/octet-stream");
    expect(safeContentType(null)).toBe("application/octet-stream");
  });

  it("sanitises a declared MIME and a file name", () => {
    expect(sanitizeMime("Image/PNG; charset=x")).toBe("image/png");
    expect(sanitizeMime("image/png\r\nX-Injected: 1")).toBeNull();
    expect(sanitizeMime("")).toBeNull();
    const d = attachmentDisposition('bukti "1"\r\nX-Evil: 1/../ktp é.pdf', "lampiran");
    expect(d).not.toMatch(/[\r\n]/);
    expect(d).toBe(
      `attachment; filename="bukti 1X-Evil: 1..ktp _.pdf"; filename*=UTF-8''${encodeURIComponent("bukti 1X-Evil: 1..ktp é.pdf")}`,
    );
    expect(attachmentDisposition(null, "lampiran")).toContain('filename="lampiran"');
  });
});
