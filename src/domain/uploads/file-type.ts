// The one rule for every stored file (staff evidence, web form, WhatsApp, Facebook and
// Instagram, e-mail, LAPOR!): its type is read from its own bytes against an allow-list,
// never taken from the sender. The declared MIME is a claim by whoever sent the file (an
// executable arrived as application/pdf, an SVG with a script as image/svg+xml, a MIME with
// CR/LF broke the download header); the stored type is the detected one. Markup (HTML,
// SVG, XML) and programs are refused outright: a browser would run them.
import { err, ok, type Result } from "../result.js";
import { readCentralDirectory } from "./zip.js";

export type DetectedType = { mime: string; label: string };

export type FileTypeRefusal = {
  code: "ATTACHMENT_TYPE_REFUSED";
  /** Bahasa Indonesia, names the detected kind; never quotes the content. */
  message: string;
};

export const FILE_TYPES = {
  pdf: { mime: "application/pdf", label: "PDF" },
  png: { mime: "image/png", label: "PNG" },
  jpeg: { mime: "image/jpeg", label: "JPEG" },
  webp: { mime: "image/webp", label: "WebP" },
  gif: { mime: "image/gif", label: "GIF" },
  heic: { mime: "image/heic", label: "HEIC" },
  heif: { mime: "image/heif", label: "HEIF" },
  docx: {
    mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    label: "Word (DOCX)",
  },
  xlsx: {
    mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    label: "Excel (XLSX)",
  },
  doc: { mime: "application/msword", label: "Word (DOC)" },
  xls: { mime: "application/vnd.ms-excel", label: "Excel (XLS)" },
  text: { mime: "text/plain", label: "teks" },
  // WhatsApp voice notes and videos, photos from phones.
  ogg: { mime: "audio/ogg", label: "audio OGG" },
  mp3: { mime: "audio/mpeg", label: "audio MP3" },
  amr: { mime: "audio/amr", label: "audio AMR" },
  m4a: { mime: "audio/mp4", label: "audio M4A" },
  mp4: { mime: "video/mp4", label: "video MP4" },
  threegp: { mime: "video/3gpp", label: "video 3GP" },
} as const satisfies Record<string, DetectedType>;

export type FileTypeKey = keyof typeof FILE_TYPES;

/** Every detectable type: what citizens send through the channels. */
export const CHANNEL_FILE_TYPES: readonly FileTypeKey[] = Object.keys(FILE_TYPES) as FileTypeKey[];

/** Staff evidence (SIKS-NG screenshots and scans): the narrower list of the spec. */
export const EVIDENCE_FILE_TYPES: readonly FileTypeKey[] = ["png", "jpeg", "webp", "pdf"];

const SAFE_MIMES = new Set<string>(Object.values(FILE_TYPES).map((t) => t.mime));

const ascii = (b: Buffer, from: number, to: number) => b.toString("latin1", from, to);
const starts = (b: Buffer, sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);

const HEIC_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis"]);
const HEIF_BRANDS = new Set(["mif1", "msf1"]);
const MP4_BRANDS = new Set([
  "isom",
  "iso2",
  "iso4",
  "iso5",
  "iso6",
  "mp41",
  "mp42",
  "avc1",
  "dash",
]);

type Sniff = { key: FileTypeKey } | { refused: string } | null;

function refusedKind(b: Buffer): string | null {
  if (starts(b, [0x4d, 0x5a])) return "program Windows (EXE/DLL)";
  if (starts(b, [0x7f, 0x45, 0x4c, 0x46])) return "program Linux (ELF)";
  const magic = b.length >= 4 ? b.readUInt32BE(0) : 0;
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic))
    return "program macOS (Mach-O)";
  if (starts(b, [0x23, 0x21])) return "skrip (#!)";
  return null;
}

// Browsers sniff markup anywhere near the start; so do we, in the first 4 KB.
const MARKUP = /<\s*(svg|html|script|!doctype|\?xml|body|head|iframe|object|embed)\b/i;

function sniffText(b: Buffer): Sniff {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    return null;
  }
  // NUL and other control characters (tab, line breaks and form feed aside) mean binary,
  // whatever the decoder accepted.
  if (/[^\P{Cc}\t\n\r\f\u0080-\u009f]/u.test(text)) return null;
  const head = text.slice(0, 4096).replace(/^\uFEFF/, "");
  if (head.trimStart().startsWith("<") || MARKUP.test(head))
    return { refused: "HTML, SVG atau XML" };
  return { key: "text" };
}

function sniffZip(b: Buffer): Sniff {
  let names: string[];
  try {
    names = readCentralDirectory(b, {
      maxEntries: 10_000,
      onTooManyEntries: () => new Error("too many entries"),
    }).map((e) => e.name);
  } catch {
    return { refused: "arsip ZIP rusak" };
  }
  const has = (n: string) => names.includes(n);
  // Macros run when the document is opened: .docm/.xlsm are not evidence.
  if (names.some((n) => /vbaProject\.bin$/i.test(n))) return { refused: "dokumen Office bermakro" };
  if (has("[Content_Types].xml") && has("word/document.xml")) return { key: "docx" };
  if (has("[Content_Types].xml") && has("xl/workbook.xml")) return { key: "xlsx" };
  return { refused: "arsip ZIP" };
}

function sniffCfb(b: Buffer): Sniff {
  // Compound File (legacy Office, but also MSI installers): the stream names are UTF-16LE
  // in the directory sectors.
  const has = (s: string) => b.includes(Buffer.from(s, "utf16le"));
  if (has("_VBA_PROJECT")) return { refused: "dokumen Office bermakro" };
  if (has("WordDocument")) return { key: "doc" };
  if (has("Workbook") || has("Book")) return { key: "xls" };
  return { refused: "berkas Compound File (misalnya penginstal MSI)" };
}

function sniffFtyp(b: Buffer): Sniff {
  const brand = ascii(b, 8, 12);
  const compatible: string[] = [];
  const boxSize = b.readUInt32BE(0);
  for (let i = 16; i + 4 <= Math.min(boxSize, 64, b.length); i += 4)
    compatible.push(ascii(b, i, i + 4));
  const all = [brand, ...compatible];
  if (all.some((x) => HEIC_BRANDS.has(x))) return { key: "heic" };
  if (all.some((x) => HEIF_BRANDS.has(x))) return { key: "heif" };
  if (brand === "M4A ") return { key: "m4a" };
  if (brand.startsWith("3gp") || brand.startsWith("3g2")) return { key: "threegp" };
  if (all.some((x) => MP4_BRANDS.has(x))) return { key: "mp4" };
  return null;
}

function sniff(b: Buffer): Sniff {
  const refused = refusedKind(b);
  if (refused) return { refused };
  if (ascii(b, 0, 5) === "%PDF-") return { key: "pdf" };
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { key: "png" };
  if (starts(b, [0xff, 0xd8, 0xff])) return { key: "jpeg" };
  if (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a") return { key: "gif" };
  if (ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return { key: "webp" };
  if (b.length >= 12 && ascii(b, 4, 8) === "ftyp") return sniffFtyp(b);
  if (starts(b, [0x50, 0x4b, 0x03, 0x04])) return sniffZip(b);
  if (starts(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return sniffCfb(b);
  if (ascii(b, 0, 4) === "OggS") return { key: "ogg" };
  if (ascii(b, 0, 6) === "#!AMR\n") return { key: "amr" };
  if (ascii(b, 0, 3) === "ID3" || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0))
    return { key: "mp3" };
  return sniffText(b);
}

/**
 * The file's type from its content, checked against `allowed`. Refused: programs, markup
 * (HTML/SVG/XML), macro documents, other archives, anything not recognised, and known
 * types outside `allowed`.
 */
export function detectFileType(
  bytes: Buffer,
  allowed: readonly FileTypeKey[] = CHANNEL_FILE_TYPES,
): Result<DetectedType, FileTypeRefusal> {
  const list = allowed.map((k) => FILE_TYPES[k].label).join(", ");
  const refuse = (what: string) =>
    err<FileTypeRefusal>({
      code: "ATTACHMENT_TYPE_REFUSED",
      message: `Berkas ${what} tidak diterima; jenis yang diterima: ${list}`,
    });
  if (bytes.length === 0) return refuse("kosong");
  const s = sniff(bytes);
  if (s === null) return refuse("dengan jenis yang tidak dikenali");
  if ("refused" in s) return refuse(`berjenis ${s.refused}`);
  if (!allowed.includes(s.key)) return refuse(`berjenis ${FILE_TYPES[s.key].label}`);
  return ok(FILE_TYPES[s.key]);
}

/**
 * A stored MIME for a response header: only one of the types this module detects; any
 * other value (rows from before this rule, a client's string with CR/LF) is served as
 * an opaque download.
 */
export function safeContentType(stored: string | null | undefined): string {
  const m = (stored ?? "").trim().toLowerCase();
  if (!SAFE_MIMES.has(m)) return "application/octet-stream";
  return m === "text/plain" ? "text/plain; charset=utf-8" : m;
}

/** A declared MIME reduced to `type/subtype` token characters, or null. */
export function sanitizeMime(raw: string | null | undefined): string | null {
  const m = /^\s*([a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63})\s*(;|$)/i.exec(
    raw ?? "",
  );
  return m?.[1]?.toLowerCase() ?? null;
}

/**
 * `Content-Disposition: attachment` with the name as an ASCII fallback and RFC 5987
 * UTF-8: control characters, quotes, backslashes and path separators never reach the
 * header.
 */
export function attachmentDisposition(
  fileName: string | null | undefined,
  fallback: string,
): string {
  const clean = (fileName ?? "")
    .replace(/[\p{Cc}\p{Cf}"\\/]/gu, "")
    .trim()
    .slice(0, 200);
  const name = clean === "" ? fallback : clean;
  const asciiName = name.replace(/[^\x20-\x7e]/g, "_").replace(/[%;]/g, "_");
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
