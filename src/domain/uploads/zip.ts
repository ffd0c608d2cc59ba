// A small reader of ZIP containers (XLSX, DOCX are ZIPs) that never trusts the archive:
// it lists the central directory, and inflates an entry only as a stream with a running
// byte counter that stops at the entry's declared size. exceljs hands the whole archive
// to JSZip, which inflates every entry into one string with no limit, so a 400 KB upload
// can expand to gigabytes; this reader is what runs BEFORE it. Node's zlib does the
// inflating; the format parts read here are the ones in APPNOTE.TXT 4.3.
import { createInflateRaw } from "node:zlib";

export type ZipEntry = {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
};

/** The archive is not a ZIP we can read (truncated, encrypted, unknown compression). */
export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZipFormatError";
  }
}

/** An entry that does not inflate to the size its header declares (a lying bomb header). */
export class ZipSizeMismatchError extends Error {
  constructor(readonly entry: string) {
    super(`entry ${entry} does not inflate to its declared size`);
    this.name = "ZipSizeMismatchError";
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_U32 = 0xffffffff;

export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4
  );
}

function u64(b: Buffer, at: number): number {
  const v = b.readBigUInt64LE(at);
  // Beyond 2^53 no upload of ours can be honest; Infinity trips every limit check.
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(v);
}

function need(b: Buffer, at: number, len: number): void {
  if (at < 0 || at + len > b.length) throw new ZipFormatError("arsip ZIP terpotong");
}

function findEocd(b: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  const stop = Math.max(0, b.length - 22 - 0xffff);
  for (let i = b.length - 22; i >= stop; i--) {
    if (b.readUInt32LE(i) === EOCD) return i;
  }
  throw new ZipFormatError("direktori pusat ZIP tidak ditemukan");
}

/**
 * The central directory, read without inflating anything. `maxEntries` is checked on the
 * count the archive declares, before a single entry is parsed.
 */
export function readCentralDirectory(
  b: Buffer,
  opts: { maxEntries: number; onTooManyEntries: (count: number) => Error },
): ZipEntry[] {
  if (b.length < 22) throw new ZipFormatError("arsip ZIP terpotong");
  const eocd = findEocd(b);
  let count = b.readUInt16LE(eocd + 10);
  let size = b.readUInt32LE(eocd + 12);
  let offset = b.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === MAX_U32 || offset === MAX_U32) {
    const loc = eocd - 20;
    need(b, loc, 20);
    if (b.readUInt32LE(loc) !== ZIP64_LOCATOR) throw new ZipFormatError("ZIP64 tidak lengkap");
    const at = u64(b, loc + 8);
    need(b, at, 56);
    if (b.readUInt32LE(at) !== ZIP64_EOCD) throw new ZipFormatError("ZIP64 tidak lengkap");
    count = u64(b, at + 32);
    size = u64(b, at + 40);
    offset = u64(b, at + 48);
  }
  if (count > opts.maxEntries) throw opts.onTooManyEntries(count);
  need(b, offset, size);
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    need(b, p, 46);
    if (b.readUInt32LE(p) !== CENTRAL) throw new ZipFormatError("direktori pusat ZIP rusak");
    const flags = b.readUInt16LE(p + 8);
    const method = b.readUInt16LE(p + 10);
    let compressedSize = b.readUInt32LE(p + 20);
    let uncompressedSize = b.readUInt32LE(p + 24);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    let localHeaderOffset = b.readUInt32LE(p + 42);
    need(b, p + 46, nameLen + extraLen);
    const name = b.toString("utf8", p + 46, p + 46 + nameLen);
    // ZIP64 extra field: the 64-bit values of the fields set to 0xFFFFFFFF, in order.
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = b.readUInt16LE(x);
      const len = b.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        const take = (): number => {
          if (q + 8 > x + 4 + len) throw new ZipFormatError("ZIP64 tidak lengkap");
          const v = u64(b, q);
          q += 8;
          return v;
        };
        if (uncompressedSize === MAX_U32) uncompressedSize = take();
        if (compressedSize === MAX_U32) compressedSize = take();
        if (localHeaderOffset === MAX_U32) localHeaderOffset = take();
      }
      x += 4 + len;
    }
    entries.push({ name, method, flags, compressedSize, uncompressedSize, localHeaderOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/**
 * Inflates one entry as a stream, handing each chunk to `onChunk`; never holds more than
 * one chunk. Stops with ZipSizeMismatchError as soon as the output passes the declared
 * size, so the caller's limits on the declared sizes also bound the real work.
 */
export async function streamEntry(
  b: Buffer,
  e: ZipEntry,
  onChunk: (chunk: Buffer) => void,
): Promise<number> {
  if (e.flags & 0x1) throw new ZipFormatError(`entri ${e.name} terenkripsi`);
  need(b, e.localHeaderOffset, 30);
  if (b.readUInt32LE(e.localHeaderOffset) !== LOCAL) throw new ZipFormatError("entri ZIP rusak");
  const start =
    e.localHeaderOffset +
    30 +
    b.readUInt16LE(e.localHeaderOffset + 26) +
    b.readUInt16LE(e.localHeaderOffset + 28);
  need(b, start, e.compressedSize);
  const data = b.subarray(start, start + e.compressedSize);
  if (e.method === 0) {
    if (data.length !== e.uncompressedSize) throw new ZipSizeMismatchError(e.name);
    onChunk(data);
    return data.length;
  }
  if (e.method !== 8) throw new ZipFormatError(`metode kompresi ${e.method} tidak didukung`);
  const inflate = createInflateRaw({ chunkSize: 64 * 1024 });
  inflate.end(data);
  let total = 0;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > e.uncompressedSize) throw new ZipSizeMismatchError(e.name);
      onChunk(chunk);
    }
  } catch (err) {
    inflate.destroy();
    // zlib's own errors carry a Z_* code; the caller's (a limit) and ours pass through.
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("Z_"))
      throw new ZipFormatError(`entri ${e.name} tidak dapat diekstrak`);
    throw err;
  }
  if (total !== e.uncompressedSize) throw new ZipSizeMismatchError(e.name);
  return total;
}
