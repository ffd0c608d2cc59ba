// @ts-check
/* global document, CSS */
// issue 15 (text): staff read Bahasa only, and a field by its label, never by its code
// ("body.reason"). The request validator answers in English; its usual sentences are
// translated here, anything else becomes a plain "isian tidak valid".

/** Labels of fields that are not on the page as a labelled control. */
const LABELS = {
  q: "Kata pencarian",
  receivedAt: "Tanggal diterima",
  receivedFrom: "Tanggal awal",
  receivedTo: "Tanggal akhir",
  reason: "Alasan",
  note: "Catatan",
  keperluan: "Keperluan",
  name: "Nama",
  nik: "NIK",
  phone: "Nomor telepon",
  email: "Surel",
  password: "Kata sandi",
  username: "Nama pengguna",
  purpose: "Keperluan",
  jenis: "Jenis",
  bidang: "Bidang",
  status: "Status",
  channel: "Kanal",
  version: "Versi data",
  cursor: "Halaman",
  limit: "Jumlah per halaman",
  year: "Tahun",
  body: "Isian",
};

/**
 * A Bahasa sentence for every error code of the API (src/domain/errors.ts ERROR_CODES; a unit
 * test holds the two lists equal). Shown when the server's own message is not fit for staff
 * (English, or naming a field by its code).
 * @type {Record<string, string>}
 */
export const CODE_MESSAGES = {
  VALIDATION_FAILED: "Isian tidak valid; periksa kembali formulir.",
  INVALID_JSON: "Data yang dikirim tidak dapat dibaca.",
  PAYLOAD_TOO_LARGE: "Ukuran data terlalu besar.",
  UNSUPPORTED_MEDIA_TYPE: "Jenis berkas atau data tidak diterima.",
  METHOD_NOT_ALLOWED: "Tindakan ini tidak tersedia di alamat tersebut.",
  NOT_FOUND: "Data tidak ditemukan.",
  UNAUTHENTICATED: "Sesi Anda berakhir; silakan masuk lagi.",
  INVALID_CREDENTIALS: "Nama pengguna atau kata sandi salah.",
  FORBIDDEN: "Anda tidak berwenang melakukan tindakan ini.",
  CSRF_TOKEN_INVALID: "Sesi halaman kedaluwarsa; muat ulang halaman lalu coba lagi.",
  RATE_LIMITED: "Terlalu banyak percobaan; tunggu sebentar lalu coba lagi.",
  CURSOR_INVALID: "Halaman daftar tidak dapat dibaca; mulai lagi dari halaman pertama.",
  SPAM_SUSPECTED: "Kiriman tampak otomatis dan ditolak.",
  SIGNATURE_MISSING: "Tanda tangan kiriman tidak ada.",
  SIGNATURE_INVALID: "Tanda tangan kiriman tidak cocok.",
  CHANNEL_NOT_CONFIGURED: "Kanal ini belum dikonfigurasi di server.",
  IDEMPOTENCY_IN_PROGRESS: "Permintaan yang sama masih diproses; coba lagi sebentar lagi.",
  IDEMPOTENCY_KEY_REUSED: "Permintaan ini bertabrakan dengan kiriman lain; muat ulang halaman.",
  VERSION_CONFLICT: "Data ini baru saja diubah orang lain; muat ulang halaman lalu ulangi.",
  NIK_INVALID: "NIK tidak valid (16 angka dengan kode wilayah dan tanggal lahir yang benar).",
  PHONE_INVALID: "Nomor telepon tidak dapat dibaca.",
  PERSON_NOT_ON_CASE: "Orang tersebut bukan pihak dalam kasus ini.",
  IDENTITY_CONFIDENTIAL: "Identitas pelapor dirahasiakan dan tidak dapat ditampilkan.",
  PURPOSE_REQUIRED: "Sebutkan keperluan membuka data pribadi.",
  CASE_NOT_RAHASIA: "Tindakan ini hanya untuk kasus yang dirahasiakan.",
  STATUS_UNKNOWN: "Status tujuan tidak dikenal.",
  TRANSITION_NOT_ALLOWED: "Kasus tidak dapat dipindahkan ke status itu dari status sekarang.",
  ROLE_NOT_ALLOWED: "Peran Anda tidak dapat melakukan perubahan ini.",
  BIDANG_FORBIDDEN: "Kasus ini bukan bidang Anda.",
  BIDANG_REQUIRED: "Bidang wajib dipilih.",
  BIDANG_UNKNOWN: "Bidang tidak dikenal.",
  BIDANG_TABLE_INVALID: "Tabel jenis ke bidang menyebut bidang yang tidak dikenal.",
  REASON_REQUIRED: "Alasan wajib diisi.",
  CASE_CLOSED: "Kasus sudah ditutup.",
  ALREADY_ACKNOWLEDGED: "Tanda terima pengaduan sudah dikirim.",
  ALREADY_PAUSED: "Tenggat kasus ini sudah dihentikan sementara.",
  NOT_PAUSED: "Tenggat kasus ini tidak sedang dihentikan.",
  JENIS_UNKNOWN: "Jenis tidak ada dalam katalog.",
  LINK_ALREADY_DECIDED: "Kemungkinan orang yang sama ini sudah diputuskan.",
  REPLY_TOO_SHORT: "Balasan terlalu pendek.",
  REPLY_TOO_LONG: "Balasan terlalu panjang untuk kanal ini.",
  REPLY_CONTAINS_PERSONAL_DATA: "Balasan memuat NIK atau data pribadi lain; hapus dulu.",
  NOTE_REQUIRED: "Catatan telaah wajib diisi.",
  CASE_NOT_DISPOSED: "Kasus belum didisposisikan ke bidang.",
  AUDIT_ALREADY_DECIDED: "Rekomendasi telaah sudah diputuskan.",
  RECOMMENDATION_REQUIRED: "Kasus belum memiliki rekomendasi telaah.",
  REASON_CODE_UNKNOWN: "Kode alasan tidak ada dalam katalog.",
  REASON_CODE_PROGRAMME_MISMATCH: "Kode alasan tidak berlaku untuk program itu.",
  NARASI_VARIABLE_MISSING: "Ada isian narasi yang belum terisi.",
  NARASI_TEMPLATE_INVALID: "Templat narasi tidak dapat dibaca.",
  EVIDENCE_NOT_FOUND: "Berkas bukti bukan lampiran kasus ini.",
  MEDIA_NOT_APPLICABLE:
    "Media hanya dicatat untuk kasus impor; kanal kasus ini sudah menjadi medianya.",
  ATTACHMENT_TOO_LARGE: "Lampiran terlalu besar.",
  ATTACHMENT_TYPE_REFUSED: "Jenis lampiran tidak diterima.",
  STORAGE_FULL: "Penyimpanan berkas penuh; hubungi admin.",
  STORAGE_ERROR: "Penyimpanan berkas gagal; coba lagi atau hubungi admin.",
  CATALOGUE_INVALID: "Isi katalog tidak valid.",
  CATALOGUE_CONFLICT: "Katalog baru saja diubah orang lain; muat ulang halaman.",
  SLA_POLICY_INVALID: "Aturan tenggat tidak valid.",
  TEMPLATE_INVALID: "Templat laporan tahunan tidak valid.",
  REKAP_NOT_CONFIGURED: "Tujuan rekap belum dikonfigurasi (REKAP_TARGETS).",
  RECAP_OTHER_OFFICE:
    "Kantor Anda belum punya tujuan rekap; rekap tiap kantor dikirim oleh kantor itu sendiri.",
  USERNAME_INVALID: "Nama pengguna tidak dapat dipakai.",
  USERNAME_TAKEN: "Nama pengguna sudah dipakai.",
  ROLE_UNKNOWN: "Peran tidak dikenal.",
  INSTANSI_INVALID: "Kode instansi tidak valid.",
  PASSWORD_TOO_SHORT: "Kata sandi terlalu pendek.",
  PASSWORD_WEAK: "Kata sandi terlalu mudah ditebak.",
  PASSWORD_INCORRECT: "Kata sandi sekarang salah.",
  SELF_LOCKOUT: "Admin tidak dapat mencabut aksesnya sendiri.",
  ALREADY_COMPLETED: "Permintaan subjek data sudah selesai.",
  EXPORT_REQUIRED: "Ekspor data dulu sebelum permintaan akses diselesaikan.",
  NOT_ACCESS_REQUEST: "Hanya permintaan akses yang dapat diekspor.",
  IMPORT_TOO_LARGE: "Berkas impor terlalu besar.",
  IMPORT_EMPTY: "Berkas impor tidak berisi baris.",
  IMPORT_UNREADABLE: "Berkas impor tidak dapat dibaca.",
  IMPORT_UNZIPPED_TOO_LARGE: "Isi lembar kerja terlalu besar.",
  IMPORT_COMPRESSION_SUSPICIOUS: "Lembar kerja tampak mencurigakan dan ditolak.",
  IMPORT_TOO_MANY_ENTRIES: "Lembar kerja berisi terlalu banyak bagian.",
  IMPORT_TOO_MANY_SHEETS: "Lembar kerja berisi terlalu banyak lembar.",
  IMPORT_TOO_MANY_ROWS: "Berkas berisi terlalu banyak baris.",
  IMPORT_TOO_MANY_CELLS: "Berkas berisi terlalu banyak sel.",
  IMPORT_TOO_MANY_COLUMNS: "Berkas berisi terlalu banyak kolom.",
  EXPORT_UNREADABLE: "Berkas ekspor LAPOR! bukan CSV atau XLSX yang dapat dibaca.",
  EXPORT_COLUMNS_MISSING: "Berkas ekspor LAPOR! kekurangan kolom wajib.",
  DEAD_LETTER_CLOSED: "Surat mati ini sudah diselesaikan.",
  DATABASE_UNAVAILABLE: "Basis data sedang tidak dapat dijangkau; coba lagi sebentar lagi.",
  INTERNAL: "Terjadi kesalahan pada server; coba lagi atau hubungi admin.",
};

/** @type {[RegExp, string | ((...m: string[]) => string)][]} */
const ENGLISH = [
  [/must NOT have fewer than (\d+) characters?/i, (_, n) => `minimal ${n} karakter`],
  [/must NOT have more than (\d+) characters?/i, (_, n) => `maksimal ${n} karakter`],
  [/must NOT have fewer than (\d+) items?/i, (_, n) => `minimal ${n} pilihan`],
  [/must NOT have more than (\d+) items?/i, (_, n) => `maksimal ${n} pilihan`],
  [/must have required property/i, "wajib diisi"],
  [/must be equal to one of the allowed values/i, "pilihan tidak dikenal"],
  [/must match format "?date-time"?/i, "format tanggal dan jam tidak valid"],
  [/must match format "?date"?/i, "format tanggal tidak valid"],
  [/must match format "?email"?/i, "format surel tidak valid"],
  [/must match format "?uuid"?/i, "pengenal tidak valid"],
  [/must match pattern/i, "format tidak valid"],
  [/must be (integer|number)/i, "harus berupa angka"],
  [/must be boolean/i, "harus ya atau tidak"],
  [/must be string/i, "harus berupa teks"],
  [/must be >= (\d+)/i, (_, n) => `minimal ${n}`],
  [/must be <= (\d+)/i, (_, n) => `maksimal ${n}`],
  [/must NOT have additional properties/i, "ada isian yang tidak dikenal"],
  [/must be url encoded|reserved characters/i, "berisi karakter yang tidak diizinkan"],
  [/Unknown query parameter/i, "parameter tidak dikenal"],
];

/** English function words; Bahasa sentences have none of them. */
const LOOKS_ENGLISH =
  /\b(the|is|are|was|were|be|been|not|must|should|cannot|can't|does|did|has|have|required|invalid|unknown|allowed|expected|error|failed|wrong|please|with|from|this|that|of|and|to|for|an)\b/i;

/** A server sentence in Bahasa. @param {string} msg */
export function bahasa(msg) {
  const text = String(msg || "");
  for (const [re, out] of ENGLISH) {
    const m = text.match(re);
    if (m) return typeof out === "string" ? out : out(...m);
  }
  return LOOKS_ENGLISH.test(text) ? "isian tidak valid" : text;
}

/**
 * The label staff know a field by: the page's own label for the control the path names,
 * else a known label, else "" (the code is never shown).
 * @param {string} path e.g. "body.pelapor.nik", "query.q"
 */
export function fieldLabel(path) {
  const rest = String(path || "").replace(/^(body|query|path|params)\.?/, "");
  if (!rest) return path === "body" ? LABELS.body : "";
  const id = rest.replace(/\./g, "-").replace("atasNama", "atasnama");
  const label =
    typeof document !== "undefined" && typeof CSS !== "undefined"
      ? document.querySelector(`label[for="${CSS.escape(id)}"]`)
      : null;
  if (label && label.textContent) return label.textContent.replace(/\s*\(wajib\)\s*$/, "").trim();
  const last = rest.split(".").pop() || "";
  return Object.prototype.hasOwnProperty.call(LABELS, last)
    ? LABELS[/** @type {keyof typeof LABELS} */ (last)]
    : "";
}

/** Anything that still names a field by its code. */
const FIELD_CODE = /\b(body|query|path)(\.[A-Za-z0-9_]+)+/;

/**
 * The message of an API error for staff: Bahasa, fields by label.
 * @param {{ code?: string, message: string, fields?: { field: string, message: string }[] }} e
 */
export function staffMessage(e) {
  const fields = (e.fields || []).map((f) => {
    const label = fieldLabel(f.field);
    return `${label ? label + ": " : ""}${bahasa(f.message)}`;
  });
  const message = String(e.message || "");
  if (fields.length && (FIELD_CODE.test(message) || LOOKS_ENGLISH.test(message)))
    return fields.join("; ");
  const byCode =
    e.code && Object.prototype.hasOwnProperty.call(CODE_MESSAGES, e.code)
      ? CODE_MESSAGES[e.code]
      : null;
  // The server's own sentence (translated when it is one of the validator's) when it is fit
  // for staff, else the code's.
  const translated = FIELD_CODE.test(message) || !message.trim() ? null : bahasa(message);
  const own =
    translated === null || translated === "isian tidak valid"
      ? byCode || "Isian tidak valid"
      : translated;
  const extra = fields.join("; ");
  return extra && !own.includes(extra) ? `${own} (${extra})` : own;
}
