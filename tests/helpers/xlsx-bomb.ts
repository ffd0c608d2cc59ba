// Small XLSX files that expand to a lot, written with a minimal ZIP writer (exceljs cannot
// produce them): the tests of the import limits upload these.
import { crc32, deflateRawSync, createDeflateRaw } from "node:zlib";

export type Part = { name: string; data: Buffer; size: number; crc: number; method: 0 | 8 };

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

function part(name: string, text: string): Part {
  const raw = Buffer.from(text, "utf8");
  return { name, data: deflateRawSync(raw), size: raw.length, crc: crc32(raw), method: 8 };
}

/** A ZIP of the parts; `declare` overrides an entry's declared uncompressed size. */
export function zip(parts: Part[], declare: Record<string, number> = {}): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, "utf8");
    const size = declare[p.name] ?? p.size;
    const common = [
      u16(20),
      u16(0x0800),
      u16(p.method),
      u16(0),
      u16(0x21),
      u32(p.crc),
      u32(p.data.length),
      u32(size),
      u16(name.length),
    ];
    const header = Buffer.concat([u32(0x04034b50), ...common, u16(0), name]);
    local.push(header, p.data);
    central.push(
      Buffer.concat([
        u32(0x02014b50),
        u16(20),
        ...common,
        u16(0),
        u16(0),
        u16(0),
        u16(0),
        u32(0),
        u32(offset),
        name,
      ]),
    );
    offset += header.length + p.data.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(parts.length),
    u16(parts.length),
    u32(cd.length),
    u32(offset),
    u16(0),
  ]);
  return Buffer.concat([...local, cd, eocd]);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="2023-01" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;
const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`;
const SHEET_TAIL = `</t></is></c></row></sheetData></worksheet>`;

function frame(): Part[] {
  return [
    part("[Content_Types].xml", CONTENT_TYPES),
    part("_rels/.rels", RELS),
    part("xl/workbook.xml", WORKBOOK),
    part("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
  ];
}

/** Deflates `head + fill × n + tail` as a stream: the expanded text is never in memory. */
async function deflated(name: string, head: string, fill: Buffer, n: number, tail: string) {
  const d = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  d.on("data", (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    d.on("end", resolve);
    d.on("error", reject);
  });
  let crc = 0;
  let size = 0;
  const write = async (b: Buffer) => {
    crc = crc32(b, crc);
    size += b.length;
    if (!d.write(b)) await new Promise<void>((r) => d.once("drain", () => r()));
  };
  await write(Buffer.from(head));
  for (let i = 0; i < n; i++) await write(fill);
  await write(Buffer.from(tail));
  d.end();
  await done;
  return { name, data: Buffer.concat(out), size, crc, method: 8 as const };
}

/**
 * One worksheet whose single cell holds `mb` MiB of text. `lie` declares the sheet as 40 KB
 * (below every ratio grace), as a crafted bomb would, so only a counting reader sees it.
 */
export async function xlsxBomb(
  mb: number,
  opts: { lie?: boolean; extra?: Part[] } = {},
): Promise<Buffer> {
  const sheet = await deflated(
    "xl/worksheets/sheet1.xml",
    SHEET_HEAD,
    Buffer.alloc(1024 * 1024, "A"),
    mb,
    SHEET_TAIL,
  );
  return zip(
    [...frame(), ...(opts.extra ?? []), sheet],
    opts.lie ? { "xl/worksheets/sheet1.xml": 40_000 } : {},
  );
}

/** A well-formed sheet with `rows` rows of `cols` short inline strings. */
export function xlsxRows(rows: number, cols = 2): Buffer {
  const cells = (r: number) =>
    Array.from(
      { length: cols },
      (_, c) =>
        `<c r="${String.fromCharCode(65 + c)}${r}" t="inlineStr"><is><t>${r}.${c}</t></is></c>`,
    ).join("");
  const body = Array.from({ length: rows }, (_, i) => `<row r="${i + 1}">${cells(i + 1)}</row>`);
  const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${body.join("")}</sheetData></worksheet>`;
  return zip([...frame(), part("xl/worksheets/sheet1.xml", xml)]);
}
