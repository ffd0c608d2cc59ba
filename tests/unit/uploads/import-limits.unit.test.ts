import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import {
  checkTextLimits,
  checkXlsxLimits,
  DEFAULT_IMPORT_LIMITS,
  ImportLimitError,
} from "../../../src/domain/uploads/import-limits.js";
import { ZipFormatError } from "../../../src/domain/uploads/zip.js";
import { parseLegacyXlsx } from "../../../src/domain/legacy/legacy-xlsx.parser.js";
import { parseCsv } from "../../../adapters/lapor/lapor-export.import.js";
import { xlsxBomb, xlsxRows } from "../../helpers/xlsx-bomb.js";

async function refusal(p: Promise<unknown>): Promise<ImportLimitError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImportLimitError);
  return e as ImportLimitError;
}

describe("XLSX limits, checked before exceljs", () => {
  it("refuses a bomb by its declared size at once (413), without inflating it", async () => {
    const bomb = await xlsxBomb(64);
    expect(bomb.length).toBeLessThan(200_000);
    // The sheet's compressed bytes made unreadable (0xFF starts no valid deflate block): had
    // the check inflated anything, it would have failed on them, not refused by size.
    const name = Buffer.from("xl/worksheets/sheet1.xml");
    const at = bomb.indexOf(name); // the local header's copy comes first
    expect(bomb.readUInt32LE(at - 30)).toBe(0x04034b50);
    const data = at + name.length + bomb.readUInt16LE(at - 2);
    bomb.fill(0xff, data, data + 10_000);
    const e = await refusal(checkXlsxLimits(bomb));
    expect(e.code).toBe("IMPORT_UNZIPPED_TOO_LARGE");
    expect(e.tooLarge).toBe(true);
    expect(e.message).toContain("32 MB");
  });

  it("refuses an entry with an absurd ratio under the size cap (422)", async () => {
    const e = await refusal(checkXlsxLimits(await xlsxBomb(8)));
    expect(e.code).toBe("IMPORT_COMPRESSION_SUSPICIOUS");
    expect(e.tooLarge).toBe(false);
  });

  it("stops a header that lies about the size after its declared bytes", async () => {
    const liar = await xlsxBomb(64, { lie: true });
    const before = process.memoryUsage().rss;
    const e = await refusal(checkXlsxLimits(liar));
    expect(e.code).toBe("IMPORT_COMPRESSION_SUSPICIOUS");
    expect(process.memoryUsage().rss - before).toBeLessThan(30 * 1024 * 1024);
    // parseLegacyXlsx runs the same check before exceljs.
    expect((await refusal(parseLegacyXlsx(liar))).code).toBe("IMPORT_COMPRESSION_SUSPICIOUS");
  });

  it("counts rows, cells and columns", async () => {
    const limits = { ...DEFAULT_IMPORT_LIMITS, maxRows: 100, maxCells: 1000, maxColumns: 5 };
    expect((await checkXlsxLimits(xlsxRows(100, 2), limits)).rows).toBe(100);
    expect((await refusal(checkXlsxLimits(xlsxRows(101, 2), limits))).code).toBe(
      "IMPORT_TOO_MANY_ROWS",
    );
    expect((await refusal(checkXlsxLimits(xlsxRows(90, 12), limits))).code).toBe(
      "IMPORT_TOO_MANY_CELLS",
    );
    expect((await refusal(checkXlsxLimits(xlsxRows(10, 6), limits))).code).toBe(
      "IMPORT_TOO_MANY_COLUMNS",
    );
    const e = await refusal(parseLegacyXlsx(xlsxRows(101, 2), limits));
    expect(e.message).toBe(
      "Berkas memuat lebih dari 100 baris; pecah berkas menjadi beberapa unggahan",
    );
  });

  it("reads a workbook written by exceljs (shared strings, styles) within the limits", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("2023-01");
    for (let r = 0; r < 300; r++) ws.addRow(["NO", "NAMA", new Date(Date.UTC(2023, 0, 4)), r]);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const census = await checkXlsxLimits(bytes);
    expect(census).toMatchObject({ sheets: 1, rows: 300, maxColumn: 4, maxRow: 300 });
  });

  it("names a broken archive a format error, not a limit", async () => {
    const bytes = xlsxRows(3);
    await expect(checkXlsxLimits(bytes.subarray(0, bytes.length - 30))).rejects.toBeInstanceOf(
      ZipFormatError,
    );
  });
});

describe("text limits", () => {
  it("counts lines and tab fields on the bytes", () => {
    const limits = { ...DEFAULT_IMPORT_LIMITS, maxRows: 3, maxCells: 8 };
    expect(checkTextLimits(Buffer.from("a\tb\nc\td\ne"), limits, "\t")).toEqual({
      lines: 3,
      fields: 5,
    });
    expect(() => checkTextLimits(Buffer.from("a\nb\nc\nd\n"), limits)).toThrow(ImportLimitError);
    expect(() => checkTextLimits(Buffer.from("a\tb\tc\td\te\tf\tg\th\ti"), limits, "\t")).toThrow(
      /lebih dari 8 sel/,
    );
  });

  it("the CSV parser stops at the row, cell and column limits", () => {
    const limits = { ...DEFAULT_IMPORT_LIMITS, maxRows: 2, maxCells: 10, maxColumns: 3 };
    expect(parseCsv("a;b\n1;2\n", limits)).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(() => parseCsv("a;b\n1;2\n3;4\n", limits)).toThrow(/lebih dari 2 baris/);
    expect(() => parseCsv("a;b;c;d\n", limits)).toThrow(/lebih dari 3 kolom/);
    expect(() => parseCsv('a;b\n"1\n2";3\n', { ...limits, maxCells: 3 })).toThrow(
      /lebih dari 3 sel/,
    );
  });
});
