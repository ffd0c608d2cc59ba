// Limits on what an uploaded spreadsheet or text table may expand to, checked before a
// parser builds anything from it. exceljs and our CSV/TSV parsers hold the whole table in
// memory (about 1 KB per XLSX cell), so the size of the upload says little: a 414 KB XLSX
// once took the hub from 271 MB to 1.16 GB. Every import path (HTTP and CLI, legacy logs
// and the LAPOR! export) calls these checks first.
import {
  isZip,
  readCentralDirectory,
  streamEntry,
  ZipFormatError,
  ZipSizeMismatchError,
} from "./zip.js";
import { DomainError } from "../errors.js";

export type ImportLimits = {
  /** Sum of the uncompressed sizes of every ZIP entry. */
  maxUnzippedBytes: number;
  maxEntries: number;
  maxSheets: number;
  /** Table rows (XLSX `<row>` elements and the highest row number; lines of a text file). */
  maxRows: number;
  /** XLSX cells plus shared strings; fields of a text file. */
  maxCells: number;
  /** Highest column a cell may sit in (exceljs builds every row up to the widest one). */
  maxColumns: number;
};

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxUnzippedBytes: 32 * 1024 * 1024,
  maxEntries: 1000,
  maxSheets: 100,
  maxRows: 20_000,
  maxCells: 60_000,
  maxColumns: 100,
};

/** The configurable limits (ADUAN_IMPORT_MAX_*), the rest at their defaults. */
export function importLimitsOf(cfg: {
  ADUAN_IMPORT_MAX_UNZIPPED_BYTES: number;
  ADUAN_IMPORT_MAX_ROWS: number;
  ADUAN_IMPORT_MAX_CELLS: number;
}): ImportLimits {
  return {
    ...DEFAULT_IMPORT_LIMITS,
    maxUnzippedBytes: cfg.ADUAN_IMPORT_MAX_UNZIPPED_BYTES,
    maxRows: cfg.ADUAN_IMPORT_MAX_ROWS,
    maxCells: cfg.ADUAN_IMPORT_MAX_CELLS,
  };
}

/** After exceljs has read a sheet: its real extent (cells without an r attribute count). */
export function checkSheetExtent(
  sheet: { rowCount: number; columnCount: number },
  limits: ImportLimits,
): void {
  if (sheet.rowCount > limits.maxRows) throw limitErrors.rows(limits);
  if (sheet.columnCount > limits.maxColumns) throw limitErrors.columns(limits);
}

// Apache POI's ZipSecureFile rule: past a grace size an entry may not inflate to more
// than 100 times its compressed size. Real sheets stay well under 20x; deflate bombs sit
// near its 1032x maximum.
export const MAX_COMPRESSION_RATIO = 100;
const RATIO_GRACE_BYTES = 100 * 1024;

export type ImportLimitCode =
  | "IMPORT_UNZIPPED_TOO_LARGE"
  | "IMPORT_COMPRESSION_SUSPICIOUS"
  | "IMPORT_TOO_MANY_ENTRIES"
  | "IMPORT_TOO_MANY_SHEETS"
  | "IMPORT_TOO_MANY_ROWS"
  | "IMPORT_TOO_MANY_CELLS"
  | "IMPORT_TOO_MANY_COLUMNS";

/**
 * A limit the upload exceeds, naming it in the message so the office knows how to split
 * the file. `tooLarge` marks a size limit (the others limit the content: rows, cells, a
 * suspicious ratio).
 */
export class ImportLimitError extends DomainError {
  declare readonly code: ImportLimitCode;
  constructor(
    code: ImportLimitCode,
    message: string,
    readonly limit: number,
    readonly tooLarge = false,
  ) {
    super(code, message, { fields: [{ field: "body", message, code }] });
    this.name = "ImportLimitError";
  }
}

const fmt = (n: number) => n.toLocaleString("id-ID");
const mb = (n: number) => `${fmt(Math.round(n / 1024 / 1024))} MB`;

export const limitErrors = {
  unzipped: (l: ImportLimits) =>
    new ImportLimitError(
      "IMPORT_UNZIPPED_TOO_LARGE",
      `Isi berkas setelah diekstrak melebihi batas ${mb(l.maxUnzippedBytes)}; pecah berkas menjadi beberapa unggahan`,
      l.maxUnzippedBytes,
      true,
    ),
  ratio: (entry: string) =>
    new ImportLimitError(
      "IMPORT_COMPRESSION_SUSPICIOUS",
      `Berkas ditolak: bagian ${entry.slice(0, 80)} memiliki rasio kompresi tidak wajar (lebih dari ${MAX_COMPRESSION_RATIO}:1) atau ukuran yang tidak sesuai isinya`,
      MAX_COMPRESSION_RATIO,
    ),
  entries: (l: ImportLimits) =>
    new ImportLimitError(
      "IMPORT_TOO_MANY_ENTRIES",
      `Arsip berkas memuat lebih dari ${fmt(l.maxEntries)} bagian`,
      l.maxEntries,
    ),
  sheets: (l: ImportLimits) =>
    new ImportLimitError(
      "IMPORT_TOO_MANY_SHEETS",
      `Berkas memuat lebih dari ${fmt(l.maxSheets)} lembar kerja`,
      l.maxSheets,
    ),
  rows: (l: ImportLimits) =>
    new ImportLimitError(
      "IMPORT_TOO_MANY_ROWS",
      `Berkas memuat lebih dari ${fmt(l.maxRows)} baris; pecah berkas menjadi beberapa unggahan`,
      l.maxRows,
    ),
  cells: (l: ImportLimits) =>
    new ImportLimitError(
      "IMPORT_TOO_MANY_CELLS",
      `Berkas memuat lebih dari ${fmt(l.maxCells)} sel; pecah berkas menjadi beberapa unggahan`,
      l.maxCells,
    ),
  columns: (l: ImportLimits) =>
    new ImportLimitError(
      "IMPORT_TOO_MANY_COLUMNS",
      `Berkas memakai lebih dari ${fmt(l.maxColumns)} kolom`,
      l.maxColumns,
    ),
};

export type XlsxCensus = {
  entries: number;
  unzippedBytes: number;
  sheets: number;
  rows: number;
  cells: number;
  maxColumn: number;
  maxRow: number;
};

/** "A" → 1, "XFD" → 16384. */
function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

// Elements counted in every XML part (whatever its name: exceljs follows the workbook's
// relationships, not file names). A namespace prefix is allowed. XML text cannot hold a
// raw "<", so these only match markup.
const TAG = /<(?:[A-Za-z_][\w.-]{0,20}:)?(row|c|si|sheet)[\s/>]/g;
// r="B12" on a cell, r="12" on a row: exceljs sizes its row array by the highest row and
// every row by the widest one, so one far-away reference is as costly as a full grid.
// Only inside a row or cell tag: DrawingML uses r="50000" for other things.
const REF = /<(?:[A-Za-z_][\w.-]{0,20}:)?(?:row|c)\s[^>]{0,200}?\br="([A-Z]{0,3})(\d{1,9})"/g;
const CARRY = 256;

/**
 * Walks the archive as exceljs would read it and refuses it, with an ImportLimitError,
 * before any parser runs: too many entries or sheets, a declared or real uncompressed size
 * over the cap, an entry whose ratio or size is a lie, too many rows, cells or columns.
 * A broken archive is a ZipFormatError (the caller's "unreadable file").
 */
export async function checkXlsxLimits(
  bytes: Buffer,
  limits: ImportLimits = DEFAULT_IMPORT_LIMITS,
): Promise<XlsxCensus> {
  if (!isZip(bytes)) throw new ZipFormatError("bukan arsip ZIP (XLSX)");
  const entries = readCentralDirectory(bytes, {
    maxEntries: limits.maxEntries,
    onTooManyEntries: () => limitErrors.entries(limits),
  });
  let declared = 0;
  for (const e of entries) {
    declared += e.uncompressedSize;
    if (declared > limits.maxUnzippedBytes) throw limitErrors.unzipped(limits);
    if (
      e.uncompressedSize > RATIO_GRACE_BYTES &&
      e.uncompressedSize > MAX_COMPRESSION_RATIO * Math.max(1, e.compressedSize)
    )
      throw limitErrors.ratio(e.name);
  }
  const census: XlsxCensus = {
    entries: entries.length,
    unzippedBytes: 0,
    sheets: 0,
    rows: 0,
    cells: 0,
    maxColumn: 0,
    maxRow: 0,
  };
  for (const e of entries) {
    if (e.name.endsWith("/")) continue;
    const xml = /\.(xml|rels)$/i.test(e.name);
    let carry = "";
    const scan = (chunk: Buffer) => {
      if (!xml) return;
      const text = carry + chunk.toString("latin1");
      // A match lying wholly inside the carried tail was counted with the previous chunk.
      const fresh = (m: RegExpExecArray) => m.index + m[0].length > carry.length;
      for (const m of text.matchAll(TAG)) {
        if (!fresh(m)) continue;
        const tag = m[1];
        if (tag === "row") census.rows++;
        else if (tag === "sheet") census.sheets++;
        else census.cells++;
      }
      for (const m of text.matchAll(REF)) {
        if (!fresh(m)) continue;
        census.maxColumn = Math.max(census.maxColumn, columnIndex(m[1] ?? ""));
        census.maxRow = Math.max(census.maxRow, Number(m[2]));
      }
      if (census.sheets > limits.maxSheets) throw limitErrors.sheets(limits);
      if (census.rows > limits.maxRows || census.maxRow > limits.maxRows)
        throw limitErrors.rows(limits);
      if (census.cells > limits.maxCells) throw limitErrors.cells(limits);
      if (census.maxColumn > limits.maxColumns) throw limitErrors.columns(limits);
      carry = text.slice(-CARRY);
    };
    try {
      census.unzippedBytes += await streamEntry(bytes, e, scan);
    } catch (err) {
      if (err instanceof ZipSizeMismatchError) throw limitErrors.ratio(e.name);
      throw err;
    }
  }
  return census;
}

/**
 * Lines and fields of a text table (TSV, CSV), counted on the bytes before a string or a
 * row array is built. Quoted CSV fields may hold line breaks, so the count is an upper
 * bound; the CSV parser also counts its real rows and fields as it goes.
 */
export function checkTextLimits(
  bytes: Buffer,
  limits: ImportLimits = DEFAULT_IMPORT_LIMITS,
  delimiter: "\t" | null = null,
): { lines: number; fields: number } {
  let lines = bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? 1 : 0;
  let fields = lines;
  const tab = delimiter === "\t" ? 0x09 : -1;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) lines++;
  if (lines > limits.maxRows) throw limitErrors.rows(limits);
  if (tab !== -1) {
    fields = lines;
    for (let i = bytes.indexOf(tab); i !== -1; i = bytes.indexOf(tab, i + 1)) {
      if (++fields > limits.maxCells) throw limitErrors.cells(limits);
    }
  }
  return { lines, fields };
}
