// The words staff read for the legacy import (issue 16): the review points of an imported
// row and the fields the import report names. One list here; the console reads them from
// GET /api/v1/catalogue/labels (`reviewPoints`, `importFields`), the parser's ReviewCode
// type is taken from REVIEW_CODES.

export const REVIEW_CODES = [
  "tanggal_di_luar_bulan",
  "hari_tidak_cocok",
  "tanggal_tidak_urut",
  "nama_lain_di_narasi",
  "ejaan_nama_berbeda",
  "dua_pelapor",
  "selesai_bertentangan",
] as const;
export type ReviewCode = (typeof REVIEW_CODES)[number];

export const REVIEW_CODE_LABELS: Record<ReviewCode, string> = {
  tanggal_di_luar_bulan: "Tanggal di luar bulan lembar",
  hari_tidak_cocok: "Hari tidak cocok dengan tanggal",
  tanggal_tidak_urut: "Tanggal tidak urut",
  nama_lain_di_narasi: "Nama lain disebut di narasi",
  ejaan_nama_berbeda: "Ejaan nama berbeda",
  dua_pelapor: "Dua pelapor dalam satu baris",
  selesai_bertentangan: "\u201cSelesai\u201d bertentangan dengan narasi",
};

/** The `field` values of the import report (parser and service) → the column staff know. */
export const IMPORT_FIELD_LABELS: Record<string, string> = {
  berkas: "Berkas",
  judul: "Judul lembar",
  baris: "Baris",
  no: "Nomor urut",
  tanggal: "Hari/tanggal",
  nama: "Nama",
  noHp: "Nomor HP",
  alamat: "Alamat",
  keperluan: "Keperluan",
  tindakLanjut: "Tindak lanjut",
  narasi: "Narasi",
  "-": "Lainnya",
};
