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
  { code: "TIDAK_LAYAK_SK_KEMISKINAN", test: has(/sk kemiskinan|tidak layak menerima/) },
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
];

export function inferReasonCode(narasi: string): string | null {
  const text = foldLookalikes(narasi).text.toLowerCase().replace(/\s+/g, " ");
  for (const rule of RULES) if (rule.test(text)) return rule.code;
  return null;
}
