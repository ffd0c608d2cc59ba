import { createHash } from "node:crypto";
import ExcelJS from "exceljs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { writeMonthlyXlsx } from "../../../src/reports/monthly.xlsx.js";
import { januaryInput } from "./report-fixtures.js";

async function load(buf: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("Laporan");
  if (!ws) throw new Error("sheet Laporan missing");
  return ws;
}

const text = (ws: ExcelJS.Worksheet, r: number, c: number): unknown => ws.getCell(r, c).value;
const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

afterEach(() => {
  vi.useRealTimers();
});

describe("writeMonthlyXlsx", () => {
  it("lays out title, header, column numbers and rows like the seed, NO as a number", async () => {
    const ws = await load(await writeMonthlyXlsx(januaryInput));
    expect(text(ws, 1, 1)).toBe("LAPORAN PELAYANAN PENGADUAN SLRT SERASI KABUPATEN TABALONG");
    expect(text(ws, 2, 1)).toBe("BULAN JANUARI TAHUN 2023");
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((c) => text(ws, 4, c))).toEqual([
      "NO",
      "HARI/ TANGGAL",
      "NAMA",
      "NO HP",
      "ALAMAT",
      "KEPERLUAN",
      "TINDAK LANJUT",
      "NARASI",
    ]);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((c) => text(ws, 5, c))).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
    ]);
    expect(text(ws, 6, 1)).toBe(1);
    expect(ws.getCell(6, 1).type).toBe(ExcelJS.ValueType.Number);
    expect(text(ws, 6, 2)).toBe("Rabu, 04 Januari 2023");
    expect(text(ws, 6, 3)).toBe("Hadi Wiyono");
    expect(text(ws, 6, 4)).toBe("081254224300, 085248019792");
    expect(ws.getCell(6, 4).type).toBe(ExcelJS.ValueType.String);
    expect(ws.getCell(6, 8).alignment.wrapText).toBe(true);
    expect(ws.getCell(6, 8).border.left?.style).toBe("thin");
  });

  it("prints NIHIL for an empty month and footnotes marked rows", async () => {
    const empty = await load(await writeMonthlyXlsx({ ...januaryInput, rows: [] }));
    expect(text(empty, 6, 1)).toBe("NIHIL");
    const rows = januaryInput.rows.map((r, i) =>
      i === 1 ? { ...r, review: ['hari "senin" tidak cocok dengan tanggal'] } : r,
    );
    const ws = await load(await writeMonthlyXlsx({ ...januaryInput, rows }));
    expect(text(ws, 7, 1)).toBe(2);
    expect(ws.getCell(7, 1).numFmt).toBe('0"*"');
    expect(ws.getCell(6, 1).numFmt).not.toBe('0"*"');
    const all: string[] = [];
    ws.eachRow((row) => all.push(String(row.getCell(1).value ?? "")));
    expect(all).toContain('No. 2*: hari "senin" tidak cocok dengan tanggal.');
  });

  it("hides the identity of a rahasia row", async () => {
    const ws = await load(await writeMonthlyXlsx(januaryInput));
    expect([3, 4, 5].map((c) => text(ws, 8, c))).toEqual([
      "(dirahasiakan)",
      "(dirahasiakan)",
      "(dirahasiakan)",
    ]);
    const all: string[] = [];
    ws.eachRow((row) => row.eachCell((cell) => all.push(String(cell.value))));
    expect(all.join("|")).not.toContain("Rusmailin");
  });

  it("guards formula-like cells and keeps them as strings", async () => {
    const ws = await load(await writeMonthlyXlsx(januaryInput));
    const cell = ws.getCell(9, 6);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(String(cell.value).startsWith("'=HYPERLINK")).toBe(true);
  });

  it("sets A4 landscape printing with the two header rows repeated", async () => {
    const ws = await load(await writeMonthlyXlsx(januaryInput));
    expect(ws.pageSetup.paperSize).toBe(9);
    expect(ws.pageSetup.orientation).toBe("landscape");
    expect(ws.pageSetup.printTitlesRow).toBe("4:5");
  });

  it("ends with the signature block of the Kepala Dinas", async () => {
    const ws = await load(await writeMonthlyXlsx(januaryInput));
    const col7: string[] = [];
    ws.eachRow((row, r) => {
      if (r > 9) col7.push(String(row.getCell(7).value ?? ""));
    });
    expect(col7).toEqual(
      expect.arrayContaining([
        "Tabalong, 31 Januari 2023",
        "KEPALA DINAS SOSIAL",
        "KABUPATEN TABALONG",
        "Drs. H. Abu Bakar Sidiq",
        "Pembina Utama Muda (IV/c)",
        "NIP. 19670720 199103 1 014",
      ]),
    );
  });

  it("is byte-identical when the same input is written at different times", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2020-05-05T01:02:03Z"));
    const a = await writeMonthlyXlsx(januaryInput);
    vi.setSystemTime(new Date("2031-11-11T11:11:11Z"));
    const b = await writeMonthlyXlsx(januaryInput);
    expect(sha(a)).toBe(sha(b));
    const c = await writeMonthlyXlsx({ ...januaryInput, rows: januaryInput.rows.slice(1) });
    expect(sha(c)).not.toBe(sha(a));
  });
});
