import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  mentionedNames,
  namesMatch,
  parseAlamat,
  parseLegacyText,
  type ImportAnomaly,
} from "../../../../src/domain/legacy/legacy-log.parser.js";

const seed = readFileSync(new URL("../../../fixtures/seed-2023.txt", import.meta.url), "utf8");
const parsed = parseLegacyText(seed);
const { rows, anomalies } = parsed;

const rowOf = (nama: string) => {
  const row = rows.find((r) => r.nama === nama);
  if (!row) throw new Error(nama);
  return row;
};
const anomaliesOf = (nama: string, field?: string): ImportAnomaly[] => {
  const row = rowOf(nama);
  return anomalies.filter(
    (a) => a.sheet === row.sheet && a.row === row.rowIndex && (!field || a.field === field),
  );
};

const HEADER = "NO\tHARI/ TANGGAL\tNAMA\tNO HP\tALAMAT\tKEPERLUAN\tTINDAK LANJUT\tNARASI";

describe("parseLegacyText on the whole seed document", () => {
  it("finds the 43 rows of the 9 monthly tables and nothing else", () => {
    expect(rows).toHaveLength(43);
    const perSheet = Object.fromEntries(
      [...new Set(rows.map((r) => r.sheet))].map((s) => [
        s,
        rows.filter((r) => r.sheet === s).length,
      ]),
    );
    expect(perSheet).toEqual({
      "2023-01": 14,
      "2023-02": 3,
      "2023-03": 9,
      "2023-04": 4,
      "2023-05": 6,
      "2023-06": 1,
      "2023-08": 1,
      "2023-10": 4,
      "2023-12": 1,
    });
    // Nothing was skipped: the prose, the 3.x tables and the SK table are not data rows.
    expect(anomalies.filter((a) => a.action === "dilewati")).toEqual([]);
    expect(rows.every((r) => r.tindakLanjut === "Selesai")).toBe(true);
  });

  it("keeps every field of a row", () => {
    expect(rows[0]).toMatchObject({
      sheet: "2023-01",
      rowIndex: 1,
      no: "1",
      rawDate: "Rabu 04 Januari 2023",
      date: "2023-01-04",
      nama: "Hadi Wiyono",
      phones: ["081254224300", "085248019792"],
      alamat: "Kel Mabuun Rt 03 Kec Murung Pudak",
      desa: "Mabuun",
      kecamatan: "Murung Pudak",
      tindakLanjut: "Selesai",
    });
    expect(rows[0]?.keperluan).toMatch(/^Atas Nama Agxelo Gilang Prudeka/);
    expect(rows[0]?.narasi).toMatch(/^Petugas menerima aduan dari bapak Hadi Wiyono/);
    expect(rows[0]?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives stable, unique fingerprints", () => {
    const again = parseLegacyText(seed);
    expect(again.rows.map((r) => r.fingerprint)).toEqual(rows.map((r) => r.fingerprint));
    expect(new Set(rows.map((r) => r.fingerprint)).size).toBe(43);
  });

  it("records the row number 'S' and uses the position", () => {
    const mogi = rowOf("Mogi");
    expect(mogi).toMatchObject({ no: "S", rowIndex: 12, sheet: "2023-01", date: "2023-01-26" });
    expect(anomaliesOf("Mogi", "no")).toEqual([
      {
        sheet: "2023-01",
        row: 12,
        field: "no",
        problem: 'nomor baris bukan angka: "S"',
        action: "posisi baris 12 dipakai",
      },
    ]);
  });

  it("records the date anomalies of the seed", () => {
    const p = (nama: string) => anomaliesOf(nama, "tanggal").map((a) => a.problem);
    expect(rowOf("Rina Yuliani").date).toBe("2023-04-18");
    expect(p("Rina Yuliani")).toEqual([
      "tahun tidak ditulis",
      "tanggal 18 April 2023 di luar bulan lembar (Januari 2023)",
      'hari "senin" tidak cocok dengan tanggal 18 April 2023 (Selasa); hari Senin cocok dengan 18 April 2022',
    ]);
    // The weekday of "kamis 28 april" is 2022's too: a hint, the date itself is kept.
    expect(p("Faizah")).toContain(
      'hari "kamis" tidak cocok dengan tanggal 28 April 2023 (Jumat); hari Kamis cocok dengan 28 April 2022',
    );
    expect(rowOf("Rina Yuliani").review.map((r) => r.code)).toEqual([
      "tanggal_di_luar_bulan",
      "hari_tidak_cocok",
      "selesai_bertentangan",
    ]);
    expect(p("Faizah")).toContain("tahun tidak ditulis");
    expect(p("Lamiah")).toEqual(['hari "senin" tidak cocok dengan tanggal 1 Februari 2023 (Rabu)']);
    expect(p("Rahmadiansyah")[0]).toMatch(/spasi antara tanggal dan bulan hilang/);
    expect(p("Halimah")).toEqual([
      'angka tanggal salah ketik: "016"',
      'spasi antara tanggal dan bulan hilang: "016februari"',
    ]);
    expect(p("Ardani")).toEqual(['hari "kamis" tidak cocok dengan tanggal 2 Agustus 2023 (Rabu)']);
    expect(rows.every((r) => r.date !== null)).toBe(true);
  });

  it("normalises the Cyrillic look-alike letters of 'Mahrита'", () => {
    const row = rowOf("Mahrita");
    expect(row.nama).toBe("Mahrita");
    expect(row.narasi).toContain("atas nama Mahrita,");
    expect(anomaliesOf("Mahrita", "nama")).toEqual([
      {
        sheet: "2023-10",
        row: 2,
        field: "nama",
        problem: 'nama memuat huruf non-Latin yang mirip huruf Latin: "Mahrита"',
        action: 'dinormalisasi ke huruf Latin: "Mahrita"',
      },
    ]);
  });

  it("records empty phones and addresses", () => {
    expect(rowOf("Yadi").phones).toEqual([]);
    // One summary line for the file, not one line per row.
    expect(anomaliesOf("Yadi", "noHp")).toEqual([]);
    const empty = rows.filter((r) => r.phones.length === 0);
    const summary = anomalies.filter((a) => a.field === "noHp" && a.row === null);
    expect(summary).toHaveLength(1);
    expect(summary[0]?.problem).toMatch(
      new RegExp(`^nomor HP kosong pada ${empty.length} baris: `),
    );
    expect(summary[0]?.problem).toContain("2023-01 baris 7, 9, 10, 11, 12, 13, 14;");
    expect(anomalies.filter((a) => a.problem === "nomor HP kosong")).toEqual([]);
    const faizul = rowOf("Faizul Rukiyah");
    expect(faizul.alamat).toBe("");
    expect(faizul.desa).toBeUndefined();
    expect(anomaliesOf("Faizul Rukiyah", "alamat").map((a) => a.problem)).toEqual([
      "alamat kosong",
    ]);
  });

  it("records one phone shared by several people, on each of their rows", () => {
    for (const nama of ["Hainani", "Hernianti", "Hamdanah"]) {
      const shared = anomaliesOf(nama, "noHp");
      expect(shared, nama).toHaveLength(1);
      expect(shared[0]?.problem).toMatch(/^nomor HP 085251658119 dipakai bersama/);
    }
    expect(anomaliesOf("Rusmailin", "noHp")[0]?.problem).toMatch(
      /082152201870.*Hairudin \(2023-01 baris 6\)/,
    );
  });

  it("records narratives that name another person than NAMA", () => {
    const narasi = anomalies.filter(
      (a) => a.field === "narasi" && a.problem.startsWith("narasi menyebut nama lain"),
    );
    expect(narasi.map((a) => `${a.sheet}#${a.row}`)).toEqual([
      "2023-01#9",
      "2023-03#8",
      "2023-03#9",
    ]);
    expect(anomaliesOf("Rohani", "narasi")[0]?.problem).toContain('"Hadiansyah"');
    expect(anomaliesOf("Siti Ratul Juwita", "narasi")[0]?.problem).toContain('"Arsiah"');
    // Typos of the same name are not copy-paste errors, but are reported as spelling variants.
    expect(anomaliesOf("Hernianti", "narasi").map((a) => a.problem)).toEqual([
      'ejaan nama berbeda: "Herniati" di NARASI, "Hernianti" di NAMA',
    ]);
    expect(anomaliesOf("Fatmawati dan Yunita Diana", "narasi")).toEqual([]);
  });

  it("reports spelling variants, two complainants, contradicted Selesai and rows out of order", () => {
    const codes = (nama: string) => rowOf(nama).review.map((r) => r.code);
    expect(anomaliesOf("Lamiah", "narasi").map((a) => a.problem)).toEqual([
      'ejaan nama berbeda: "Laminah" di NARASI, "Lamiah" di NAMA',
    ]);
    expect(anomaliesOf("Siti Salihah", "keperluan").map((a) => a.problem)).toEqual([
      'ejaan nama berbeda: "Siti Salhah" di KEPERLUAN, "Siti Salihah" di NAMA',
    ]);
    expect(codes("Fatmawati dan Yunita Diana")).toEqual(["dua_pelapor"]);
    expect(anomaliesOf("Fatmawati dan Yunita Diana", "nama")[0]?.problem).toBe(
      '2 pelapor dalam satu baris: "Fatmawati", "Yunita Diana"',
    );
    // "Selesai" while the narasi says the matter is still running.
    expect(codes("Hartati")).toContain("selesai_bertentangan");
    expect(codes("Rina Yuliani")).toContain("selesai_bertentangan");
    // May: 23 Mei is filed after 24 Mei.
    expect(codes("Rahmah")).toEqual(["tanggal_tidak_urut"]);
    expect(anomaliesOf("Rahmah", "tanggal")[0]?.problem).toBe(
      "baris tidak urut tanggal: 23 Mei 2023 sesudah 24 Mei 2023 (baris 5)",
    );
    expect(codes("Rahman")).toEqual([]);
    // The January rows dated in April do not make the next January row "out of order".
    expect(codes("Syahran")).toEqual([]);
    expect(codes("Rohani")).toEqual(["nama_lain_di_narasi"]);
  });

  it("extracts desa and kecamatan and normalises 'Murung Puduk'", () => {
    expect(rowOf("Rahmadiansyah")).toMatchObject({ desa: "Belimbing", kecamatan: "Murung Pudak" });
    expect(anomaliesOf("Rahmadiansyah", "alamat")).toEqual([
      {
        sheet: "2023-02",
        row: 2,
        field: "alamat",
        problem: 'nama kecamatan salah ketik: "Murung Puduk"',
        action: 'dinormalisasi menjadi "Murung Pudak" (daftar kecamatan Tabalong)',
      },
    ]);
    expect(rowOf("Ardani")).toMatchObject({ desa: "Tanta Hulu", kecamatan: "Tanta" });
    expect(rowOf("Mogi")).toMatchObject({ desa: "Uwie", kecamatan: "Muara Uya" });
    expect(rowOf("Abdul Gani")).toMatchObject({ desa: "Jaro", kecamatan: "Jaro" });
    expect(rows.filter((r) => r.alamat !== "").every((r) => r.kecamatan !== undefined)).toBe(true);
  });
});

describe("parseLegacyText on a single table", () => {
  const table = [
    "**LAPORAN PELAYANAN PENGADUAN SLRT SERASI KABUPATEN TABALONG",
    "BULAN JUNI TAHUN 2023**",
    HEADER,
    "1\t2\t3\t4\t5\t6\t7\t8",
    "1\tSenin 5 Juni 2023\tNorhasanah\t082253676899 / 0811 2222 333; 0812\tDs Jaro Rt 11 Kec Jaro\tSaldo BPNT 0\tSelesai\tPetugas menerima aduan.",
    "2\tSelasa 6 Juni 2023\t\t",
    "3\tRabu 7 Juni 2023\tBudi\t\tDs X Kec Tanjunk\tBpjs\tSelesai\tPetugas menerima aduan dari bapak Budi.",
    "",
    "KEPALA DINAS SOSIAL",
    "1\tbukan data\tsesudah tanda tangan",
  ].join("\n");

  it("parses the rows and splits phones on , / ;", () => {
    const r = parseLegacyText(table);
    expect(r.rows.map((x) => x.nama)).toEqual(["Norhasanah", "Budi"]);
    expect(r.rows[0]?.phones).toEqual(["082253676899", "0811 2222 333", "0812"]);
    expect(r.rows[1]).toMatchObject({ rowIndex: 2, no: "3", kecamatan: "Tanjung" });
    // A row with a name but no keperluan is kept, with the gap reported.
    const partial = parseLegacyText(
      table.replace("2\tSelasa 6 Juni 2023\t\t", "2\tSelasa 6 Juni 2023\tAmat"),
    );
    expect(partial.rows.map((x) => x.nama)).toEqual(["Norhasanah", "Amat", "Budi"]);
    expect(partial.anomalies).toContainEqual({
      sheet: "2023-06",
      row: 2,
      field: "keperluan",
      problem: "keperluan kosong",
      action: "dibiarkan kosong",
    });
  });

  it("never drops a data-looking line silently", () => {
    const r = parseLegacyText(table);
    const skipped = r.anomalies.filter((a) => a.action === "dilewati");
    expect(skipped).toEqual([
      {
        sheet: "2023-06",
        row: null,
        field: "baris",
        problem: "baris di dalam tabel tidak memiliki kolom yang cukup",
        action: "dilewati",
        raw: "2\tSelasa 6 Juni 2023\t\t",
      },
    ]);
  });

  it("infers the sheet month from the dates when the title is missing", () => {
    const r = parseLegacyText(
      [
        HEADER,
        "1\tRabu 04 Januari 2023\tHadi\t\tKel Mabuun Kec Murung Pudak\tBpjs\tSelesai\t-",
      ].join("\n"),
    );
    expect(r.rows[0]?.sheet).toBe("2023-01");
    expect(r.anomalies[0]).toMatchObject({
      field: "judul",
      action: "bulan lembar disimpulkan dari tanggal baris",
    });
  });

  it("reports a file without any table", () => {
    const r = parseLegacyText("hanya teks\nbiasa");
    expect(r.rows).toEqual([]);
    expect(r.anomalies).toMatchObject([
      { field: "berkas", action: "tidak ada baris yang diimpor" },
    ]);
  });

  it("fingerprint changes with the content it covers", () => {
    const a = parseLegacyText(table).rows[0]?.fingerprint;
    const b = parseLegacyText(table.replace("Saldo BPNT 0", "Saldo BPNT kosong")).rows[0]
      ?.fingerprint;
    expect(a).not.toBe(b);
  });
});

describe("helpers", () => {
  it("parseAlamat reads the seed's address forms", () => {
    expect(parseAlamat("Ds Takulat Rt 01 Kec Kelua")).toMatchObject({
      desa: "Takulat",
      kecamatan: "Kelua",
      anomalies: [],
    });
    expect(parseAlamat("Kel. Mabuun Rt 11 Kec. Murung Pudak")).toMatchObject({
      desa: "Mabuun",
      kecamatan: "Murung Pudak",
    });
    expect(parseAlamat("Ds Tanta Hulu Rt 01 KecTanta")).toMatchObject({
      desa: "Tanta Hulu",
      kecamatan: "Tanta",
    });
    expect(parseAlamat("Ds. Hariang Rt. 06 Kec. Banua Lawas")).toMatchObject({
      desa: "Hariang",
      kecamatan: "Banua Lawas",
    });
    expect(parseAlamat("Ds Kecapi Rt 2")).toMatchObject({ desa: "Kecapi" });
    expect(parseAlamat("Ds Kecapi Rt 2").kecamatan).toBeUndefined();
    expect(parseAlamat("Ds A Kec Banjarbaru").anomalies[0]?.problem).toMatch(/tidak dikenal/);
  });

  it("mentionedNames finds the complainant slots of a narrative", () => {
    expect(mentionedNames("Petugas menerima aduan dari bapak Hadi Wiyono Terkait bantuan")).toEqual(
      [{ name: "Hadi Wiyono", via: "dari" }],
    );
    expect(
      mentionedNames("dari ibu Fatmawati dan Ibu Yunita Diana yang di usir").map((m) => m.name),
    ).toEqual(["Fatmawati", "Yunita Diana"]);
    expect(
      mentionedNames("aparat desa Pamarangan Kanan yakni bapak Yadi, dari desa Tanta"),
    ).toEqual([]);
    expect(mentionedNames("meminta data atas nama pemilik tersebut")).toEqual([]);
  });

  it("namesMatch is loose on typos, strict on different people", () => {
    expect(namesMatch("Hernianti", "Herniati")).toBe(true);
    expect(namesMatch("Siti Salihah", "Siti")).toBe(true);
    expect(namesMatch("Siti Ratul Juwita", "Arsiah")).toBe(false);
    expect(namesMatch("Rohani", "Hadiansyah")).toBe(false);
  });
});
