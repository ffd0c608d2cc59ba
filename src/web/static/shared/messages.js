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

const LOOKS_ENGLISH = /\b(must|should|is required|invalid|unknown|not allowed|expected)\b/i;

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
 * @param {{ message: string, fields?: { field: string, message: string }[] }} e
 */
export function staffMessage(e) {
  const fields = (e.fields || []).map((f) => {
    const label = fieldLabel(f.field);
    return `${label ? label + ": " : ""}${bahasa(f.message)}`;
  });
  const message = String(e.message || "");
  if (fields.length && (FIELD_CODE.test(message) || LOOKS_ENGLISH.test(message)))
    return fields.join("; ");
  const own = FIELD_CODE.test(message) ? "Isian tidak valid" : bahasa(message);
  const extra = fields.join("; ");
  return extra && !own.includes(extra) ? `${own} (${extra})` : own;
}
