import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseLegacyText } from "../../../src/domain/legacy/legacy-log.parser.js";
import { defaultCatalogue } from "../../../src/domain/reason-codes.js";
import { inferReasonCode } from "../../../src/domain/reason-inference.js";

const seed = readFileSync(new URL("../../fixtures/seed-2023.txt", import.meta.url), "utf8");
const rows = parseLegacyText(seed).rows;

// The reason each seed narrative states ("sheet#row", NAMA, expected code).
const SEED_REASONS: Array<[string, string, string | null]> = [
  ["2023-01#1", "Hadi Wiyono", "TIDAK_DIUSULKAN_DESA"],
  // Forwarded to the head of office; nobody judged her "tidak layak" (catalogue v2).
  ["2023-01#2", "Hatmiati", "DITERUSKAN_KEPADA_PIMPINAN"],
  ["2023-01#3", "Rusmailin", "PBI_JK_NONAKTIF_REAKTIVASI"],
  ["2023-01#4", "Hainani", "EXCLUDE_MAMPU_MUSDES"],
  ["2023-01#5", "Hernianti", "EXCLUDE_MAMPU_MUSDES"],
  ["2023-01#6", "Hairudin", "PBI_JK_NONAKTIF_REAKTIVASI"],
  ["2023-01#7", "Yadi", "RUJUKAN_LINJAMSOS_BENCANA"],
  ["2023-01#8", "Bambang", "TIDAK_DIUSULKAN_DESA"],
  ["2023-01#9", "Rohani", "PBI_JK_NONAKTIF_PUSAT"],
  ["2023-01#10", "Rina Yuliani", "BANTUAN_BERPROSES"],
  ["2023-01#11", "Syahran", "PBI_JK_NONAKTIF_REAKTIVASI"],
  ["2023-01#12", "Mogi", "PBI_JK_NONAKTIF_REAKTIVASI"],
  ["2023-01#13", "Nina Fahlea", "PBI_JK_NONAKTIF_REAKTIVASI"],
  ["2023-01#14", "Faizah", "DATA_SEDANG_DIPERBAIKI"],
  ["2023-02#1", "Lamiah", "PBI_JK_NONAKTIF_REAKTIVASI"],
  ["2023-02#2", "Rahmadiansyah", "PBI_JK_NONAKTIF_REAKTIVASI"],
  ["2023-02#3", "Halimah", "PBI_JK_NONAKTIF_REAKTIVASI"],
  ["2023-03#1", "Fatmawati dan Yunita Diana", "RUMAH_SINGGAH"],
  ["2023-03#2", "Lamisah", "PERMOHONAN_MELALUI_DESA"],
  ["2023-03#3", "Yulianarti", "PERMOHONAN_MELALUI_DESA"],
  ["2023-03#4", "Sumiati", "BELUM_TERDAFTAR_DTSEN"],
  ["2023-03#5", "Siti Maslina", "EXCLUDE_TANPA_KETERANGAN"],
  ["2023-03#6", "Julaiha", "EXCLUDE_TANPA_KETERANGAN"],
  ["2023-03#7", "Arsiah", "EXCLUDE_MAMPU_MUSDES"],
  ["2023-03#8", "Siti Ratul Juwita", "EXCLUDE_MAMPU_MUSDES"],
  ["2023-03#9", "Purnama", "EXCLUDE_MAMPU_MUSDES"],
  ["2023-04#1", "Nurhayati", "EXCLUDE_TANPA_KETERANGAN"],
  ["2023-04#2", "Fatimah", "PINDAH_DOMISILI_PEMADANAN"],
  ["2023-04#3", "Rahmadi", "PERMOHONAN_MELALUI_DESA"],
  ["2023-04#4", "Siti Salihah", "PBI_JK_NONAKTIF_REAKTIVASI"],
  ["2023-05#1", "Hamdanah", "TIDAK_LAYAK_SK_KEMISKINAN"],
  ["2023-05#2", "Rahmat", "KOMPONEN_PKH_HABIS"],
  ["2023-05#3", "Abdul Gani", "EXCLUDE_TANPA_KETERANGAN"],
  // Coordination with the bidang, no SIKS-NG check stated.
  ["2023-05#4", "Hartati", "BERPROSES_TANPA_CEK_SIKS"],
  ["2023-05#5", "Rahman", "BANSOS_SEMENTARA"],
  ["2023-05#6", "Rahmah", "BERPROSES_TANPA_CEK_SIKS"],
  ["2023-06#1", "Norhasanah", "DATA_TIDAK_PADAN_DUKCAPIL"],
  ["2023-08#1", "Ardani", "PBI_JK_NONAKTIF_REAKTIVASI"],
  ["2023-10#1", "Faizul Rukiyah", "KKS_HILANG_CETAK_ULANG"],
  ["2023-10#2", "Mahrita", "EXCLUDE_MAMPU_MUSDES"],
  ["2023-10#3", "Mariyam Uzaman", "EXCLUDE_MAMPU_VERIFIKASI"],
  ["2023-10#4", "Barsiah", "KKS_HILANG_CETAK_ULANG"],
  ["2023-12#1", "Humairan", "PBI_JK_NONAKTIF_REAKTIVASI"],
];

describe("inferReasonCode over the seed narratives", () => {
  it.each(SEED_REASONS)("%s %s → %s", (where, nama, expected) => {
    const row = rows.find((r) => `${r.sheet}#${r.rowIndex}` === where);
    expect(row?.nama).toBe(nama);
    expect(inferReasonCode(row?.narasi ?? "")).toBe(expected);
  });

  it("only ever returns codes of the catalogue", () => {
    const catalogue = defaultCatalogue();
    for (const row of rows) {
      const code = inferReasonCode(row.narasi);
      if (code !== null) expect(catalogue.byId.has(code), code).toBe(true);
    }
  });

  it("never picks a code whose text claims a check or a judgement the narasi does not state", () => {
    const catalogue = defaultCatalogue();
    expect(catalogue.version).toBe(2);
    for (const row of rows) {
      const code = inferReasonCode(row.narasi);
      if (code === null) continue;
      const text = row.narasi.toLowerCase();
      const template = catalogue.byId.get(code)?.narasi ?? "";
      // The code's text says SIKS-NG was checked: so does the office's narasi.
      if (/pengecekan (data )?pada SIKS-NG|penelusuran data pada SIKS-NG/.test(template))
        expect(text, `${row.sheet}#${row.rowIndex} ${code}`).toMatch(/siks?[\s-]?ng|exclude/);
      if (/tidak layak/.test(template)) expect(text).toContain("tidak layak");
      // Nothing the office did not write: no "pencairan tahap selanjutnya" out of thin air.
      if (/tahap selanjutnya/.test(template)) expect(text).toContain("tahap selanjutnya");
    }
    expect(inferReasonCode("Petugas melakukan koordinasi dengan bidang terkait.")).toBe(
      "KOORDINASI_BIDANG",
    );
    // Without "tidak layak" an SK kemiskinan look-up proves no judgement: no code.
    expect(inferReasonCode("Petugas menelusuri SK kemiskinan desa, belum masuk SK.")).toBeNull();
    expect(inferReasonCode("hasilnya saat ini sedang berproses")).toBe("BERPROSES_TANPA_CEK_SIKS");
    expect(inferReasonCode("pengecekan pada siks ng, hasilnya sedang berproses")).toBe(
      "BANTUAN_BERPROSES",
    );
  });

  it("prefers the specific PBI finding over the generic reactivation (Rohani)", () => {
    const rohani = rows.find((r) => r.nama === "Rohani");
    expect(rohani?.narasi).toContain("BPJS");
    expect(inferReasonCode(rohani?.narasi ?? "")).toBe("PBI_JK_NONAKTIF_PUSAT");
  });
});

describe("inferReasonCode on other wording", () => {
  it.each([
    ["hasilnya exclude karena penerima sudah meninggal dunia", "EXCLUDE_MENINGGAL"],
    ["hasilnya EXCLUDE, ada anggota keluarga berstatus PNS", "EXCLUDE_ASN_TNI_POLRI"],
    ["status EXCLUDE karena gagal cek rekening", "EXCLUDE_GAGAL_CEK_REKENING"],
    ["kartu PBI dinonaktifkan pusat", "PBI_JK_NONAKTIF_PUSAT"],
    ["NIK tidak padan dengan data Dukcapil", "DATA_TIDAK_PADAN_DUKCAPIL"],
    ["yang bersangkutan belum terdaftar di DTSEN", "BELUM_TERDAFTAR_DTSEN"],
    ["rumah terbakar, kebakaran, dirujuk ke Linjamsos untuk santunan", "RUJUKAN_LINJAMSOS_BENCANA"],
    ["Petugas menerima tamu dan memberikan informasi jadwal", null],
    ["", null],
  ])("%j → %s", (text, expected) => {
    expect(inferReasonCode(text)).toBe(expected);
  });

  it("does not read a coordination with Linjamsos as a disaster referral", () => {
    expect(
      inferReasonCode(
        "koordinasi dengan bidang Linjamsos, bansos Rasda bulan Mei sedang berlangsung",
      ),
      // Nor as a SIKS-NG check (catalogue v2): coordination only.
    ).toBe("BERPROSES_TANPA_CEK_SIKS");
  });
});
