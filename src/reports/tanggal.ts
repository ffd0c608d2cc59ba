/**
 * Indonesian date formatting without Intl/ICU: Node builds with small-icu print
 * English names, and report bytes must not depend on the runtime's ICU data.
 */
import { BULAN, HARI } from "../domain/legacy/indonesian-date.js";
import type { PlainDate } from "./report.types.js";

// The names the old monthly logs are parsed with are the ones the reports print.
export const NAMA_HARI = HARI;
export const NAMA_BULAN = BULAN;

/** WITA has no daylight saving, so a fixed offset is exact. */
const WITA_OFFSET_MS = 8 * 60 * 60 * 1000;

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parsePlainDate(value: PlainDate): CalendarDate {
  const m = PLAIN_DATE.exec(value);
  if (!m) throw new RangeError(`Tanggal tidak valid (harus YYYY-MM-DD): ${value}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== day
  ) {
    throw new RangeError(`Tanggal tidak ada di kalender: ${value}`);
  }
  return { year, month, day };
}

/** The calendar date in WITA of an instant, or the plain date itself. */
export function toCalendarDate(value: Date | PlainDate): CalendarDate {
  if (typeof value === "string") return parsePlainDate(value);
  if (Number.isNaN(value.getTime())) throw new RangeError("Tanggal tidak valid (Invalid Date)");
  const wita = new Date(value.getTime() + WITA_OFFSET_MS);
  return { year: wita.getUTCFullYear(), month: wita.getUTCMonth() + 1, day: wita.getUTCDate() };
}

export function namaBulan(month: number): string {
  const nama = NAMA_BULAN[month - 1];
  if (nama === undefined) throw new RangeError(`Bulan tidak valid: ${month}`);
  return nama;
}

function namaHari(d: CalendarDate): string {
  const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return NAMA_HARI[weekday] ?? "";
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** "Rabu, 04 Januari 2023": the HARI/ TANGGAL column of the monthly table. */
export function formatTanggalIndonesia(value: Date | PlainDate): string {
  const d = toCalendarDate(value);
  return `${namaHari(d)}, ${pad2(d.day)} ${namaBulan(d.month)} ${d.year}`;
}

/** "31 Desember 2023": the date line of a signature block. */
export function formatTanggalPanjang(value: Date | PlainDate): string {
  const d = toCalendarDate(value);
  return `${d.day} ${namaBulan(d.month)} ${d.year}`;
}

/**
 * The fixed instant used for document metadata (PDF CreationDate, XLSX created):
 * midnight WITA of the sign date, so re-issuing the same report gives the same bytes.
 */
export function metadataDate(signDate: PlainDate): Date {
  const d = parsePlainDate(signDate);
  return new Date(Date.UTC(d.year, d.month - 1, d.day) - WITA_OFFSET_MS);
}
