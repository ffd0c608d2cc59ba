// @ts-check
// Client-side mirrors of the server's NIK and phone rules, for feedback while typing.
// The server re-validates every field and stays the authority.

const PROVINCES = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
  71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97,
]);

/** { ok, partial, message }: partial = still being typed (fewer than 16 digits, all digits). */
/** @param {string | null | undefined} raw */
export function checkNik(raw) {
  const nik = String(raw || "").replace(/[\s.-]/g, "");
  if (!nik) return { ok: true, empty: true, message: "" };
  if (/\D/.test(nik)) return { ok: false, message: "NIK hanya berisi angka" };
  if (nik.length > 16) return { ok: false, message: "NIK harus 16 digit (terlalu panjang)" };
  if (nik.length >= 2 && !PROVINCES.has(Number(nik.slice(0, 2))))
    return { ok: false, message: "kode provinsi NIK tidak dikenal" };
  if (nik.length >= 4 && nik.slice(2, 4) === "00")
    return { ok: false, message: "kode kabupaten/kota NIK tidak valid" };
  if (nik.length >= 8) {
    const d = Number(nik.slice(6, 8));
    if (!((d >= 1 && d <= 31) || (d >= 41 && d <= 71)))
      return { ok: false, message: "tanggal lahir pada NIK tidak valid (1–31, perempuan 41–71)" };
  }
  if (nik.length >= 10) {
    const m = Number(nik.slice(8, 10));
    if (m < 1 || m > 12) return { ok: false, message: "bulan lahir pada NIK tidak valid" };
  }
  if (nik.length < 16) return { ok: false, partial: true, message: `${nik.length} dari 16 digit` };
  if (nik.slice(12) === "0000") return { ok: false, message: "nomor urut NIK tidak boleh 0000" };
  const day = Number(nik.slice(6, 8));
  return { ok: true, nik, sex: day > 40 ? "P" : "L", message: "" };
}

/** Accepts 08…, 62…, +62…, 0062… with spaces or dashes; returns the E.164 form when valid. */
/** @param {string | null | undefined} raw */
export function checkPhone(raw) {
  let s = String(raw || "")
    .trim()
    .replace(/[\s().-]/g, "");
  if (!s) return { ok: true, empty: true, message: "" };
  if (s.startsWith("00")) s = "+" + s.slice(2);
  else if (/^62\d/.test(s)) s = "+" + s;
  else if (s.startsWith("0")) s = "+62" + s.slice(1);
  if (!/^\+\d+$/.test(s)) return { ok: false, message: "nomor telepon hanya berisi angka" };
  if (!s.startsWith("+62")) return { ok: false, message: "gunakan nomor Indonesia (08…, +62…)" };
  const national = s.slice(3);
  const mobile = /^8[1-9]\d{7,10}$/.test(national);
  const fixed = /^[2-7]\d{7,10}$/.test(national) || /^9\d{7,10}$/.test(national);
  if (mobile || fixed) return { ok: true, e164: s, message: "" };
  if (national.length < 9)
    return { ok: false, partial: true, message: "nomor telepon belum lengkap" };
  return { ok: false, message: "nomor telepon tidak valid" };
}
