import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { parseLegacyText } from "../../../../src/domain/legacy/legacy-log.parser.js";
import { parseLegacyXlsx } from "../../../../src/domain/legacy/legacy-xlsx.parser.js";

const seed = readFileSync(new URL("../../../fixtures/seed-2023.txt", import.meta.url), "utf8");

async function toBuffer(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe("parseLegacyXlsx", () => {
  it("reads typed cells, lenient headers and the month from the sheet name", async () => {
    const workbook = new ExcelJS.Workbook();
    const jan = workbook.addWorksheet("Januari 2023");
    jan.addRow([
      "No.",
      "Tanggal",
      "Nama Pelapor",
      "No. Telp",
      "Alamat",
      "Perihal",
      "Tindak Lanjut",
      "Narasi",
    ]);
    jan.addRow([
      1,
      new Date(Date.UTC(2023, 0, 4)),
      "Hadi Wiyono",
      81254224300,
      "Kel Mabuun Rt 03 Kec Murung Pudak",
      "Bantuan ODKB",
      "Selesai",
      "Petugas menerima aduan dari bapak Hadi Wiyono.",
    ]);
    jan.addRow([
      "S",
      "Kamis 26 Januari 2023",
      { richText: [{ text: "Mo" }, { text: "gi" }] },
      null,
      "Ds. Uwie Kec. Muara Uya",
      "Ingin Mengaktifkan Bpjs",
      "Selesai",
      "Petugas\tmenerima\ntamu.",
    ]);
    const feb = workbook.addWorksheet("Lembar2");
    feb.addRow([
      "LAPORAN PELAYANAN PENGADUAN SLRT SERASI KABUPATEN TABALONG BULAN FEBRUARI TAHUN 2023",
    ]);
    feb.addRow([
      "NO",
      "HARI/ TANGGAL",
      "NAMA",
      "NO HP",
      "ALAMAT",
      "KEPERLUAN",
      "TINDAK LANJUT",
      "NARASI",
    ]);
    feb.addRow([1, 2, 3, 4, 5, 6, 7, 8]);
    feb.addRow([
      1,
      "Senin, 01 Februari 2023",
      "Lamiah",
      "085241891683",
      "Ds. Purai RT 05 Kec. Banua Lawas",
      "Mengaktifkan BPJS",
      "Selesai",
      "-",
    ]);
    feb.addRow([]);
    feb.addRow(["KEPALA DINAS SOSIAL"]);

    const { rows, anomalies } = await parseLegacyXlsx(await toBuffer(workbook));
    expect(rows.map((r) => [r.sheet, r.rowIndex, r.nama, r.date])).toEqual([
      ["2023-01", 1, "Hadi Wiyono", "2023-01-04"],
      ["2023-01", 2, "Mogi", "2023-01-26"],
      ["2023-02", 1, "Lamiah", "2023-02-01"],
    ]);
    expect(rows[0]?.phones).toEqual(["081254224300"]);
    expect(rows[0]?.rawDate).toBe("04 Januari 2023");
    expect(rows[1]?.narasi).toBe("Petugas menerima tamu.");
    expect(rows[1]?.kecamatan).toBe("Muara Uya");
    expect(anomalies).toContainEqual({
      sheet: "2023-01",
      row: 2,
      field: "no",
      problem: 'nomor baris bukan angka: "S"',
      action: "posisi baris 2 dipakai",
    });
    expect(
      anomalies.filter((a) => a.sheet === "2023-02" && a.field === "tanggal").map((a) => a.problem),
    ).toEqual(['hari "senin" tidak cocok dengan tanggal 1 Februari 2023 (Rabu)']);
  });

  it("gives the same rows and fingerprints as the text for the seed's tables", async () => {
    const fromText = parseLegacyText(seed);
    const workbook = new ExcelJS.Workbook();
    let sheet: ExcelJS.Worksheet | null = null;
    for (const line of seed.split("\n")) {
      const title = /BULAN\s+([A-Z]+)\s+TAHUN\s+(\d{4})/.exec(line);
      if (title) {
        sheet = workbook.addWorksheet(`${title[1]} ${title[2]}`);
        sheet.addRow([line.replace(/\*/g, "")]);
        continue;
      }
      // Everything after a title goes in, prose and signature included, as in the file.
      if (sheet) sheet.addRow(line.split("\t"));
    }
    const fromXlsx = await parseLegacyXlsx(await toBuffer(workbook));
    expect(fromXlsx.rows).toHaveLength(43);
    expect(fromXlsx.rows).toEqual(fromText.rows);
    expect(fromXlsx.anomalies).toEqual(fromText.anomalies);
  });

  it("reports a workbook without a log table", async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("Rekap").addRow(["No", "Jenis Pengaduan", "Jumlah"]);
    const r = await parseLegacyXlsx(await toBuffer(workbook));
    expect(r.rows).toEqual([]);
    expect(r.anomalies[0]?.field).toBe("berkas");
  });
});
