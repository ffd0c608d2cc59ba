/**
 * Byte-identical XLSX. exceljs zips with JSZip and stamps every entry with the current
 * time (DOS date/time in both the local header and the central directory), and exposes no
 * option for it; workbook.created/modified only fix docProps/core.xml. So after writing,
 * the timestamps are rewritten in place to the report's own date. The zip is otherwise a
 * pure function of its content (same entry order, deflate is deterministic).
 */
import type ExcelJS from "exceljs";
import type { PlainDate } from "./report.types.js";
import { metadataDate, parsePlainDate } from "./tanggal.js";

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

export function normalizeZipTimestamps(zip: Buffer, date: PlainDate): Buffer {
  const d = parsePlainDate(date);
  const dosDate = ((d.year - 1980) << 9) | (d.month << 5) | d.day;
  const dosTime = 0;
  const out = Buffer.from(zip);

  let eocd = -1;
  for (let i = out.length - 22; i >= Math.max(0, out.length - 22 - 0xffff); i--) {
    if (out.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("XLSX tidak valid: end of central directory tidak ditemukan");
  const entries = out.readUInt16LE(eocd + 10);
  let p = out.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (out.readUInt32LE(p) !== CENTRAL_SIG)
      throw new Error("XLSX tidak valid: central directory rusak");
    out.writeUInt16LE(dosTime, p + 12);
    out.writeUInt16LE(dosDate, p + 14);
    const local = out.readUInt32LE(p + 42);
    if (out.readUInt32LE(local) !== LOCAL_SIG)
      throw new Error("XLSX tidak valid: local header rusak");
    out.writeUInt16LE(dosTime, local + 10);
    out.writeUInt16LE(dosDate, local + 12);
    p += 46 + out.readUInt16LE(p + 28) + out.readUInt16LE(p + 30) + out.readUInt16LE(p + 32);
  }
  return out;
}

/** Fixed document properties so docProps/core.xml does not carry "now". */
export function fixWorkbookMetadata(
  workbook: ExcelJS.Workbook,
  signDate: PlainDate,
  title: string,
): void {
  const at = metadataDate(signDate);
  workbook.creator = "Dinas Sosial Kabupaten Tabalong";
  workbook.lastModifiedBy = "aduan-hub";
  workbook.company = "Dinas Sosial Kabupaten Tabalong";
  workbook.title = title;
  workbook.created = at;
  workbook.modified = at;
  workbook.lastPrinted = at;
}

export async function workbookToBuffer(
  workbook: ExcelJS.Workbook,
  signDate: PlainDate,
): Promise<Buffer> {
  const raw = await workbook.xlsx.writeBuffer();
  return normalizeZipTimestamps(Buffer.from(raw), signDate);
}

export const THIN_BORDER: Partial<ExcelJS.Borders> = {
  top: { style: "thin" },
  left: { style: "thin" },
  bottom: { style: "thin" },
  right: { style: "thin" },
};
