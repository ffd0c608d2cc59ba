import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  JENIS,
  jenisLabel,
  normaliseForMatching,
  suggestJenis,
  type JenisCode,
} from "../../../src/domain/jenis.js";
import { parseLegacyText } from "../../../src/domain/legacy/legacy-log.parser.js";

const seed = readFileSync(new URL("../../fixtures/seed-2023.txt", import.meta.url), "utf8");

// Every KEPERLUAN of the seed's monthly tables, with the jenis the office counted it
// under in table 3.1 ("sheet#row").
const SEED_KEPERLUAN: Array<[string, string, JenisCode]> = [
  [
    "2023-01#1",
    "Atas Nama Agxelo Gilang Prudeka Penerima Bantuan ODKB Sudah Tidak Menerima Bantuan Lagi Sejak Tahun 2019",
    "LAIN_LAIN",
  ],
  [
    "2023-01#2",
    "Datang Ke Dinas Sosial Ingin melapor supaya mendapat bantuan karena tida pernah mendapat bantuan sama sekali di desa. datang kedesa aparat desa banyak alasan tidak ingin memnerikan jawaban atau keterangan kenapa tidak bisa mendapatkan bantuan dan juga mengeluhkan kenapa banyak yang mendapat bantuan yang mampu",
    "LAIN_LAIN",
  ],
  ["2023-01#3", "Ingin Mengaktifkan BPJS Atas Nama Rusmailin", "PBI_JK_REAKTIVASI"],
  [
    "2023-01#4",
    "BPNT 2022 Sudah Tidak Masuk Lagi Sampai Sekarang Padahal Anak Masih Sekolah dan Butuh Biaya Karna Ayah Dan Ibunya Hanya Buruh Penghasilan Sedikit.",
    "BPNT",
  ],
  [
    "2023-01#5",
    "Dapat BPNT dari 2021, Sejak Januari 2022 Sampai Sekarang Tidak Masuk Lagi Atas Nama Hernianti Desa Takulat Rt 01 Kec Kelua",
    "BPNT",
  ],
  ["2023-01#6", "Ingin Mengaktifkan Bpjs Dan Diusulkan A.n Muhammad Rizki", "PBI_JK_REAKTIVASI"],
  ["2023-01#7", "Melaporkan Kejadian Tanah Longsor", "LAIN_LAIN"],
  [
    "2023-01#8",
    "Anak kami berkebutuhan khusus/cacat, tapi sudah 2 tahun ini. Tidak dapat lagi bantuan , sementara anak2 yg lain masih dapat,. Apakah sudah di hapus bantuan untuk anak kami.",
    "LAIN_LAIN",
  ],
  ["2023-01#9", "Ingin Mengaktifkan Bpjs", "PBI_JK_REAKTIVASI"],
  ["2023-01#10", "Menanyakan Saldo Bpnt", "BPNT"],
  ["2023-01#11", "Ingin Mengaktifkan Kartu Bpjs", "PBI_JK_REAKTIVASI"],
  ["2023-01#12", "Ingin Mengaktifkan Bpjs", "PBI_JK_REAKTIVASI"],
  ["2023-01#13", "Ingin Mengaktifkan Bpjs", "PBI_JK_REAKTIVASI"],
  ["2023-01#14", "Menanyakan Saldo Bpnt 0 Selama 4 Bulan", "BPNT"],
  ["2023-02#1", "Mengaktifkan BPJS Atas Nama Lamiah", "PBI_JK_REAKTIVASI"],
  ["2023-02#2", "Ingin Mengaktifkan Bpjs Atas Nama Rahmadiansyah", "PBI_JK_REAKTIVASI"],
  ["2023-02#3", "Ingin Mengaktifkan Bpjs Atas Nama Halimah", "PBI_JK_REAKTIVASI"],
  [
    "2023-03#1",
    "Ingin Meminta Bantuan Karena Di Usir Dari Rumah Sewaan Dan tidak Bekerja Tidak Mempunyai Uang Sama Sekali",
    "LAIN_LAIN",
  ],
  ["2023-03#2", "Ingin Meminta BantuanApapun Yang Ada Di Dinas Sosial", "LAIN_LAIN"],
  ["2023-03#3", "Ingin Meminta Bantuan Apapun Yang Ada Di Dinas Sosial", "LAIN_LAIN"],
  ["2023-03#4", "Ingin Mendapat Bansos Tapi Belum Masuk DTKS", "LAIN_LAIN"],
  ["2023-03#5", "Saldo PKH Tidak Masuk Terakhir Januari 2022", "PKH"],
  ["2023-03#6", "Saldo PKH Tidak Masuk Terakhir Januari 2022", "PKH"],
  ["2023-03#7", "Saldo PKH Tidak Masuk Terakhir Januari 2022", "PKH"],
  ["2023-03#8", "BPNT Tidak Masuk (Terakhir 1 Tahun)", "BPNT"],
  ["2023-03#9", "Bpnt Tidak Masuk (Terakhir 1 Tahun)", "BPNT"],
  ["2023-04#1", "Menanyakan Saldo PKH Tidak Masuk Dari Tahun 2022", "PKH"],
  [
    "2023-04#2",
    "Ingin Melaporkan BPNT Yang Pindah Domisili Dari Pelaihari Ke Kasiau Murung Pudak",
    "BPNT",
  ],
  [
    "2023-04#3",
    "Menceritakan keadaan selama kurang lebih 3 bulan sudah kurang pendapatan, cum sekarang tidak dapat menutupi kebutuhan dan sakit kaki",
    "LAIN_LAIN",
  ],
  ["2023-04#4", "Ingin Mengaktifkan BPJS a. n Siti Salhah", "PBI_JK_REAKTIVASI"],
  ["2023-05#1", "Menanyakan Kenapa Bantuan Rasda Di Hapus", "RASDA"],
  [
    "2023-05#2",
    "Ingin Menanyakan Kenapa Bantuan PKH a.n Hartati Tidak Masuk Kurang Lebih 1 tahun Sedangkan BPNT Masuk Terus",
    "PKH",
  ],
  ["2023-05#3", "Menanyakan Saldo BPNT 0", "BPNT"],
  ["2023-05#4", "Menanyakan Masalah bantuan Aslut", "ASLUT"],
  [
    "2023-05#5",
    "Ingin Menanyakan Amsalah Saldo BPNT PPKM Tidak Masuk Kurang Lebih 2 Tahun",
    "BPNT",
  ],
  ["2023-05#6", "Menanyakan Bantuan Rasda Tidak Dapat Bulan Mei", "RASDA"],
  ["2023-06#1", "Menayakan Masalah BPNT Tidak Masuk Kurang Lebih 6 Bulan", "BPNT"],
  ["2023-08#1", "Ingin Mengaktifkan Bpjs atas Nama Fitri,ayu Nadia,Norita", "PBI_JK_REAKTIVASI"],
  ["2023-10#1", "Melaporkan Kartu KKS Hilang", "KKS_HILANG"],
  [
    "2023-10#2",
    "Menanyakan Masalah Bantuan BPNT PKH Sudah Tidak Masuk Selama Kurang Lebih 1 Tahun",
    "PKH",
  ],
  [
    "2023-10#3",
    "Menanyakan antensi Yatim Tidak masuk Lagi Terakhir masuk Bulan Mei/Juni 600.000",
    "LAIN_LAIN",
  ],
  ["2023-10#4", "Melaporkan Kehilangan KKS", "KKS_HILANG"],
  ["2023-12#1", "Ingin Mengaktifkan BPJS Atas Nama Japeri", "PBI_JK_REAKTIVASI"],
];

describe("jenis taxonomy", () => {
  it("has the table 3.1 labels in the report's order", () => {
    expect(JENIS.map((j) => j.label)).toEqual([
      "Reaktivasi kartu PBI JK",
      "Bantuan Asistensi Sosial Lanjut Usia Terlantar (ASLUT)",
      "Bantuan Pangan Non Tunai (BPNT)",
      "Bantuan Keluarga Harapan (PKH)",
      "Bantuan Pangan Daerah (RASDA)",
      "Bantuan Rumah Tidak Layak Huni (RUTILAHU)",
      "Kehilangan Kartu Keluarga Sejahtera (KKS)",
      "Lain-lain",
    ]);
    expect(jenisLabel("KKS_HILANG")).toBe("Kehilangan Kartu Keluarga Sejahtera (KKS)");
  });
});

describe("suggestJenis over the seed's 43 KEPERLUAN texts", () => {
  it.each(SEED_KEPERLUAN)("%s %s → %s", (_where, text, expected) => {
    expect(suggestJenis(text).jenis).toBe(expected);
  });

  it("reproduces table 3.1 exactly from the parsed seed file", () => {
    const { rows } = parseLegacyText(seed);
    expect(rows).toHaveLength(43);
    const totals = Object.fromEntries(JENIS.map((j) => [j.code, 0])) as Record<JenisCode, number>;
    for (const row of rows) totals[suggestJenis(row.keperluan).jenis] += 1;
    expect(totals).toEqual({
      PBI_JK_REAKTIVASI: 12,
      ASLUT: 1,
      BPNT: 10,
      PKH: 6,
      RASDA: 2,
      RUTILAHU: 0,
      KKS_HILANG: 2,
      LAIN_LAIN: 10,
    });
  });

  it("the table in this test is the seed's own text", () => {
    const { rows } = parseLegacyText(seed);
    expect(rows.map((r) => r.keperluan)).toEqual(SEED_KEPERLUAN.map(([, text]) => text));
  });
});

describe("suggestJenis variants (wording, abbreviations, case, typos)", () => {
  const VARIANTS: Array<[string, JenisCode]> = [
    ["Bpjs", "PBI_JK_REAKTIVASI"],
    ["BPJS JKN tidak aktif", "PBI_JK_REAKTIVASI"],
    ["mengaktifkan bpjs anak saya", "PBI_JK_REAKTIVASI"],
    ["kartu KIS tidak bisa dipakai berobat", "PBI_JK_REAKTIVASI"],
    ["reaktivasi PBI JK a.n ibu saya", "PBI_JK_REAKTIVASI"],
    ["bpsj mati", "PBI_JK_REAKTIVASI"],
    ["Kartu Indonesia Sehat nonaktif", "PBI_JK_REAKTIVASI"],
    ["Saldo Bpnt 0", "BPNT"],
    ["saldo bpnt0 sejak maret", "BPNT"],
    ["bnpt tidak cair", "BPNT"],
    ["bantuan sembako tidak masuk", "BPNT"],
    ["Bantuan Pangan Non Tunai belum cair", "BPNT"],
    ["BPNT PKH", "PKH"],
    ["PKH dan BPNT tidak masuk", "PKH"],
    ["pkh tidak cair 2 tahap", "PKH"],
    ["Program Keluarga Harapan dihentikan", "PKH"],
    ["Aslut", "ASLUT"],
    ["bantuan lansia terlantar belum masuk", "ASLUT"],
    ["asluT nenek saya", "ASLUT"],
    ["Rasda", "RASDA"],
    ["rasdaa bulan ini kosong", "RASDA"],
    ["beras daerah tidak dapat", "RASDA"],
    ["rutilahu / bedah rumah", "RUTILAHU"],
    ["mohon bantuan bedah rumah", "RUTILAHU"],
    ["RTLH belum ada kabar", "RUTILAHU"],
    ["kartu KKS hilang", "KKS_HILANG"],
    ["Kehilangan KKS", "KKS_HILANG"],
    ["kks hilng waktu banjir", "KKS_HILANG"],
    ["KKS hilang, saldo BPNT tidak bisa diambil", "KKS_HILANG"],
    ["kartu KKS diblokir", "LAIN_LAIN"],
    ["BPJS Ketenagakerjaan tidak cair", "LAIN_LAIN"],
    ["minta bantuan apa saja", "LAIN_LAIN"],
    ["merasa tidak pernah dapat bantuan", "LAIN_LAIN"],
    ["rumah kontrakan diusir", "LAIN_LAIN"],
    ["", "LAIN_LAIN"],
  ];
  it.each(VARIANTS)("%j → %s", (text, expected) => {
    expect(suggestJenis(text).jenis).toBe(expected);
  });

  it("does not read ordinary words as acronyms (rasa/rasda, pak/pkh)", () => {
    expect(suggestJenis("saya merasa pak kades tidak adil").jenis).toBe("LAIN_LAIN");
  });
});

describe("two programmes in one text", () => {
  it("drops a programme named as working in a contrast clause", () => {
    const s = suggestJenis("Bantuan PKH tidak masuk 1 tahun sedangkan BPNT masuk terus");
    expect(s.jenis).toBe("PKH");
    expect(s.rule).toContain("contrast-dropped:BPNT");
    expect(s.confidence).toBe("medium");
    // The contrast rule is about the clause, not the order of precedence.
    expect(suggestJenis("BPNT tidak masuk, padahal PKH lancar").jenis).toBe("BPNT");
  });

  it("keeps a programme whose contrast clause is itself a complaint", () => {
    expect(suggestJenis("BPNT masuk, tapi PKH tidak masuk").jenis).toBe("PKH");
  });

  it("otherwise follows KKS_HILANG > PKH > BPNT > ASLUT > RASDA > RUTILAHU > PBI JK", () => {
    expect(suggestJenis("BPNT PKH sudah tidak masuk").rule).toContain("precedence:PKH>BPNT");
    expect(suggestJenis("Rasda dan BPNT tidak dapat").jenis).toBe("BPNT");
    expect(suggestJenis("BPJS mati dan Aslut belum masuk").jenis).toBe("ASLUT");
    expect(suggestJenis("Rutilahu dan Aslut").jenis).toBe("ASLUT");
    // "lansia" describes the person; the named programme wins.
    expect(suggestJenis("rutilahu untuk lansia").jenis).toBe("RUTILAHU");
    expect(suggestJenis("bantuan lansia").rule).toBe("weak:lansia");
    expect(suggestJenis("PKH tidak masuk karena kartu KKS hilang").jenis).toBe("KKS_HILANG");
  });

  it("is confident only for a single exact keyword", () => {
    expect(suggestJenis("Menanyakan Saldo BPNT 0").confidence).toBe("high");
    expect(suggestJenis("bnpt tidak cair").confidence).toBe("medium");
    expect(suggestJenis("minta bantuan").confidence).toBe("low");
  });
});

describe("normaliseForMatching: the one-pass ASCII path equals the Unicode path", () => {
  // The Unicode path as it is written in src/domain/jenis.ts, applied to ASCII text.
  const reference = (text: string): string =>
    text
      .toLowerCase()
      .replace(/\ba\s*\.\s*n\b\.?/g, " an ")
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .replace(/(\p{L})(\p{N})/gu, "$1 $2")
      .replace(/(\p{N})(\p{L})/gu, "$1 $2")
      .replace(/\s+/g, " ")
      .trim();
  it("on 20,000 generated strings of letters, digits, spaces and punctuation", () => {
    const alphabet = "aAbBkKsS019 .,-/\t\n()a.nA. N.'\"_#";
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 20_000; i++) {
      let s = "";
      const n = Math.floor(next() * 24);
      for (let k = 0; k < n; k++) s += alphabet[Math.floor(next() * alphabet.length)];
      expect(normaliseForMatching(s), JSON.stringify(s)).toBe(reference(s));
    }
  });
  it("and a text with non-ASCII letters still takes the Unicode path", () => {
    expect(normaliseForMatching("Bantuan PKH-nya Mahrита 2x")).toBe("bantuan pkh nya mahrita 2 x");
    expect(normaliseForMatching("Ümit³a")).toBe("ümit 3 a"); // NFKC first
  });
});
