// Maps a historical hand-typed narasi (the old monthly logs) to a reason code when its
// wording clearly states one finding; otherwise null, and the imported case keeps only
// its historical text. Rules are ordered from the most specific wording to the most
// generic one, because the narratives mention several things ("BPJS ... penonaktifan
// oleh pusat" is the specific PBI finding, not the generic reactivation request).
import { foldLookalikes } from "./jenis.js";

type Rule = { code: string; test: (t: string) => boolean };

const has = (re: RegExp) => (t: string) => re.test(t);

const EXCLUDE = /\bexclude\b|di\s?keluarkan/;

const RULES: readonly Rule[] = [
  {
    code: "KKS_HILANG_CETAK_ULANG",
    test: has(
      /cetak (ulang|baru) kks|kks\b.*\bhilang.*kepolisian|keterangan (hilang|kehilangan) dari kepolisian/,
    ),
  },
  { code: "RUMAH_SINGGAH", test: has(/rumah singgah/) },
  {
    code: "RUJUKAN_LINJAMSOS_BENCANA",
    test: (t) =>
      /\b(bencana|longsor|banjir|kebakaran|puting beliung)\b/.test(t) &&
      /linjamsos|santunan/.test(t),
  },
  {
    code: "PBI_JK_NONAKTIF_PUSAT",
    test: has(
      /penonaktifan oleh pusat|dinonaktifkan (oleh )?pusat|tidak dipergunakan .*selama 6 bulan|tidak digunakan .*6 bulan/,
    ),
  },
  {
    code: "KOMPONEN_PKH_HABIS",
    test: has(/komponen\w* (pkh )?(telah |sudah )?habis|habis (masa )?komponen/),
  },
  { code: "BANSOS_SEMENTARA", test: has(/sifatnya (hanya )?sementara|bersifat sementara/) },
  {
    code: "DATA_TIDAK_PADAN_DUKCAPIL",
    test: has(/tidak padan (dengan )?(data )?(dukcapil|capil)/),
  },
  { code: "PINDAH_DOMISILI_PEMADANAN", test: has(/pindah domisili|pemadanan data/) },
  {
    code: "TIDAK_DIUSULKAN_DESA",
    test: has(/(desa|kelurahan) tidak mengusulkan (kembali|ulang)|tidak diusulkan (kembali|ulang)/),
  },
  {
    code: "BELUM_TERDAFTAR_DTSEN",
    test: has(/belum (terdaftar|masuk) (pada |di |dalam )?(dtks|dtsen)/),
  },
  {
    code: "EXCLUDE_MAMPU_MUSDES",
    test: (t) => EXCLUDE.test(t) && /musdes|musyawarah desa/.test(t),
  },
  // "… belum masuk sk kemiskinan desa, dan menyampaikan aduan tersebut kepada pimpinan":
  // the office forwarded the complaint, it judged nothing (catalogue version 2).
  {
    code: "DITERUSKAN_KEPADA_PIMPINAN",
    test: has(/(menyampaikan|meneruskan|diteruskan|disampaikan)\b.{0,40}\bkepada pimpinan/),
  },
  { code: "TIDAK_LAYAK_SK_KEMISKINAN", test: has(/tidak layak menerima/) },
  { code: "EXCLUDE_MENINGGAL", test: (t) => EXCLUDE.test(t) && /meninggal/.test(t) },
  {
    code: "EXCLUDE_ASN_TNI_POLRI",
    test: (t) => EXCLUDE.test(t) && /\b(asn|pns|tni|polri)\b/.test(t),
  },
  {
    code: "EXCLUDE_GAGAL_CEK_REKENING",
    test: (t) => EXCLUDE.test(t) && /gagal cek rekening|rekening/.test(t),
  },
  { code: "EXCLUDE_MAMPU_VERIFIKASI", test: (t) => EXCLUDE.test(t) && /\bmampu\b/.test(t) },
  { code: "EXCLUDE_TANPA_KETERANGAN", test: (t) => EXCLUDE.test(t) },
  {
    code: "DATA_SEDANG_DIPERBAIKI",
    test: has(/belum diperbaiki|sedang diperbaiki|sinkron(isasi)? (data )?capil/),
  },
  {
    code: "BANTUAN_BERPROSES",
    test: (t) =>
      SIKS_CHECK.test(t) &&
      /sedang (berproses|diproses|berlangsung)|tahap pencairan|proses pencairan/.test(t),
  },
  // The same outcome learnt by coordinating with a bidang, without a SIKS-NG check.
  {
    code: "BERPROSES_TANPA_CEK_SIKS",
    test: has(/sedang (berproses|diproses|berlangsung)|tahap pencairan|proses pencairan/),
  },
  {
    code: "PBI_JK_NONAKTIF_REAKTIVASI",
    test: (t) =>
      /\b(bpjs|pbi|jkn|kis)\b/.test(t) &&
      /tidak aktif|nonaktif|non aktif|mengaktifkan|reaktivasi/.test(t),
  },
  {
    code: "PERMOHONAN_MELALUI_DESA",
    test: has(/(mengajukan|melakukan|membuat) permohonan\b.{0,60}\b(desa|kelurahan)\b/),
  },
  { code: "KOORDINASI_BIDANG", test: has(/koordinasi dengan bidang/) },
];

// What a code's narasi claims beyond the complaint itself. Inference never picks a code
// whose text states a check or a judgement the historical narasi does not: no code is
// better than a wrong one (the printed narasi would say something the office never did).
// An EXCLUDE result is itself read in SIKS-NG, so it counts as the check.
// Statuses only SIKS-NG shows (EXCLUDE, deactivation by the centre, not matched with
// Dukcapil, not in DTKS/DTSEN, PKH components exhausted) are read there, so they count too.
const SIKS_CHECK =
  /\bsiks?[\s-]?ng\b|\bexclude\b|nonaktif\w* (oleh )?pusat|penonaktifan|tidak padan|belum (terdaftar|masuk) (pada |di |dalam )?(dtks|dtsen)|komponen/;
const CLAIMS: Readonly<Record<string, RegExp>> = {
  TIDAK_LAYAK_SK_KEMISKINAN: /tidak layak/,
  EXCLUDE_MAMPU_VERIFIKASI: /\bmampu\b/,
  EXCLUDE_MAMPU_MUSDES: /musdes|musyawarah desa/,
};
/** Codes whose narasi (catalogue version 2) says SIKS-NG was checked. */
export const CODES_CLAIMING_SIKS_CHECK: ReadonlySet<string> = new Set([
  "EXCLUDE_MAMPU_MUSDES",
  "EXCLUDE_MAMPU_VERIFIKASI",
  "EXCLUDE_TANPA_KETERANGAN",
  "EXCLUDE_GAGAL_CEK_REKENING",
  "EXCLUDE_MENINGGAL",
  "EXCLUDE_ASN_TNI_POLRI",
  "KOMPONEN_PKH_HABIS",
  "DATA_TIDAK_PADAN_DUKCAPIL",
  "DATA_SEDANG_DIPERBAIKI",
  "PBI_JK_NONAKTIF_PUSAT",
  "BELUM_TERDAFTAR_DTSEN",
  "BANTUAN_BERPROSES",
]);

function claimsHold(code: string, text: string): boolean {
  if (CODES_CLAIMING_SIKS_CHECK.has(code) && !SIKS_CHECK.test(text)) return false;
  const claim = CLAIMS[code];
  return claim === undefined || claim.test(text);
}

export function inferReasonCode(narasi: string): string | null {
  const text = foldLookalikes(narasi).text.toLowerCase().replace(/\s+/g, " ");
  for (const rule of RULES) {
    if (rule.test(text)) return claimsHold(rule.code, text) ? rule.code : null;
  }
  return null;
}
