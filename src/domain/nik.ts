// NIK (Nomor Induk Kependudukan): 16 digits PP KK CC DD MM YY SSSS. No check digit, so
// validation is structural: province code, birth day (+40 for women), month, serial ≠ 0000.
import { err, ok, type Result } from "./result.js";

// Province codes of Indonesia (BPS/Kemendagri), including the 2022 Papua provinces.
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
  71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97,
]);

// Kecamatan of Kabupaten Tabalong (63.09), DOMAIN.md.
export const TABALONG_KECAMATAN: Record<string, string> = {
  "01": "Banua Lawas",
  "02": "Kelua",
  "03": "Tanta",
  "04": "Tanjung",
  "05": "Haruai",
  "06": "Murung Pudak",
  "07": "Muara Uya",
  "08": "Muara Harus",
  "09": "Pugaan",
  "10": "Upau",
  "11": "Jaro",
  "12": "Bintang Ara",
};

/** The kecamatan names sorted as staff and citizens pick them (Indonesian collation). */
export function kecamatanNames(): string[] {
  return Object.values(TABALONG_KECAMATAN).sort((a, b) => a.localeCompare(b, "id"));
}

export type NikInfo = {
  nik: string;
  sex: "L" | "P";
  birthDay: number;
  birthMonth: number;
  birthYear2: number;
  warnings: string[];
};

export type NikError = { code: "NIK_INVALID"; message: string };

export function parseNik(raw: string): Result<NikInfo, NikError> {
  const nik = raw.replace(/[\s.-]/g, "");
  const fail = (message: string) => err<NikError>({ code: "NIK_INVALID", message });
  if (!/^\d{16}$/.test(nik)) return fail("NIK harus 16 digit angka");
  const province = Number(nik.slice(0, 2));
  if (!PROVINCES.has(province)) return fail("kode provinsi NIK tidak dikenal");
  if (nik.slice(2, 4) === "00") return fail("kode kabupaten/kota NIK tidak valid");
  let day = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  const sex: "L" | "P" = day > 40 ? "P" : "L";
  if (day > 40) day -= 40;
  if (day < 1 || day > 31) return fail("tanggal lahir pada NIK tidak valid");
  if (month < 1 || month > 12) return fail("bulan lahir pada NIK tidak valid");
  if (nik.slice(12) === "0000") return fail("nomor urut NIK tidak boleh 0000");
  const warnings: string[] = [];
  // Old kecamatan codes stay in NIKs after a split, so an unknown one is a warning only.
  if (nik.startsWith("6309") && !TABALONG_KECAMATAN[nik.slice(4, 6)]) {
    warnings.push(`kode kecamatan ${nik.slice(4, 6)} di luar daftar kecamatan Tabalong saat ini`);
  }
  return ok({
    nik,
    sex,
    birthDay: day,
    birthMonth: month,
    birthYear2: Number(nik.slice(10, 12)),
    warnings,
  });
}

export function maskNik(nik: string): string {
  return nik.slice(0, 4) + "*".repeat(Math.max(0, nik.length - 8)) + nik.slice(-4);
}
