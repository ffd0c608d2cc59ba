/**
 * The eight columns of the "Laporan Pelayanan Pengaduan SLRT SERASI" table, declared
 * once so CSV, XLSX and PDF cannot drift apart.
 */
import type { MonthlyRow } from "./report.types.js";
import { formatTanggalIndonesia, namaBulan } from "./tanggal.js";

export const DIRAHASIAKAN = "(dirahasiakan)";

/** Marks a row with open review points; the points are printed below the table. */
export const REVIEW_MARK = "*";

/** Printed in place of the table's rows for a month without complaints. */
export const NIHIL = "NIHIL";

/**
 * The footnote under the table: one line per marked row, naming what is unresolved.
 * Empty when no row is marked.
 */
export function monthlyFootnotes(rows: readonly MonthlyRow[]): string[] {
  const lines: string[] = [];
  rows.forEach((row, index) => {
    if (!row.review?.length) return;
    const points = row.review.map((t) => scrubIdentity(t, row));
    lines.push(`No. ${index + 1}${REVIEW_MARK}: ${points.join("; ")}.`);
  });
  if (lines.length === 0) return [];
  return [
    `${REVIEW_MARK} Baris bertanda ${REVIEW_MARK} berasal dari log lama yang diimpor dan memuat hal yang belum diperiksa petugas:`,
    ...lines,
  ];
}

export type MonthlyColumnKey =
  "no" | "tanggal" | "nama" | "noHp" | "alamat" | "keperluan" | "tindakLanjut" | "narasi";

export interface MonthlyColumn {
  key: MonthlyColumnKey;
  /** Exactly as in the seed's header row. */
  header: string;
  /** The printed column-number row ("1" … "8"). */
  number: string;
  /** Excel character width; the PDF shares out the page width in the same proportion. */
  width: number;
  align: "left" | "center";
  value: (row: MonthlyRow, index: number) => string;
}

/**
 * Office style "0812…" for Indonesian numbers stored as E.164 (+62…) or WhatsApp digits
 * (62…); anything else is left as given.
 */
export function formatPhoneDisplay(phone: string): string {
  const compact = phone.replace(/[\s-]/g, "");
  const m = /^(?:\+|00)?62(8\d{6,12})$/.exec(compact);
  return m ? `0${m[1]}` : phone.trim();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A person's identity strings as they may appear in free text. */
export interface Identity {
  nama: string | null;
  phones: readonly string[];
}

/**
 * A phone as it may be typed in free text: the local "08…" form or "+62"/"62", digits
 * optionally separated by spaces, dots or dashes ("0812-5110-7788", "+62 812 5110 7788").
 */
function phonePattern(phone: string): string | null {
  const local = formatPhoneDisplay(phone).replace(/\D/g, "");
  if (local.length < 6) return null;
  const sep = "[\\s.-]?";
  const rest = (digits: string) => digits.split("").join(sep);
  return /^08/.test(local) ? `(?:(?:\\+|00)?62${sep}|0)${rest(local.slice(1))}` : rest(local);
}

/** Replaces every known name (3+ characters) and phone (6+ digits) of the persons. */
export function scrubPersons(text: string, persons: readonly Identity[]): string {
  const names: string[] = [];
  const phones: string[] = [];
  for (const person of persons) {
    if (person.nama && person.nama.trim().length >= 3) names.push(person.nama.trim());
    for (const p of person.phones) {
      const pattern = phonePattern(p);
      if (pattern) phones.push(pattern);
    }
  }
  // Longest first, so a full name is replaced before a shorter name inside it.
  names.sort((a, b) => b.length - a.length);
  let out = text;
  for (const pattern of [...names.map(escapeRegExp), ...phones]) {
    out = out.replace(new RegExp(pattern, "gi"), DIRAHASIAKAN);
  }
  return out;
}

/**
 * Narratives are typed with the complainant's name and phone in them ("menerima aduan
 * dari bapak Hadi Wiyono"); for a rahasia case hiding only the identity columns would
 * still leak it, so known identity strings are scrubbed from the free text too.
 */
export function scrubIdentity(text: string, row: MonthlyRow): string {
  if (!row.rahasia) return text;
  return scrubPersons(text, [row]);
}

function identity(row: MonthlyRow, value: string | null): string {
  if (row.rahasia) return DIRAHASIAKAN;
  return value ?? "";
}

export const MONTHLY_COLUMNS: readonly MonthlyColumn[] = [
  {
    key: "no",
    header: "NO",
    number: "1",
    width: 5,
    align: "center",
    value: (row, index) => `${index + 1}${row.review?.length ? REVIEW_MARK : ""}`,
  },
  {
    key: "tanggal",
    header: "HARI/ TANGGAL",
    number: "2",
    width: 19,
    align: "left",
    value: (row) => row.tanggalText?.trim() || formatTanggalIndonesia(row.receivedAt),
  },
  {
    key: "nama",
    header: "NAMA",
    number: "3",
    width: 16,
    align: "left",
    value: (row) => identity(row, row.nama),
  },
  {
    key: "noHp",
    header: "NO HP",
    number: "4",
    width: 15,
    align: "left",
    value: (row) => identity(row, row.phones.map(formatPhoneDisplay).join(", ")),
  },
  {
    key: "alamat",
    header: "ALAMAT",
    number: "5",
    width: 20,
    align: "left",
    value: (row) => identity(row, row.alamat),
  },
  {
    key: "keperluan",
    header: "KEPERLUAN",
    number: "6",
    width: 28,
    align: "left",
    value: (row) => scrubIdentity(row.keperluan, row),
  },
  {
    key: "tindakLanjut",
    header: "TINDAK LANJUT",
    number: "7",
    width: 12,
    align: "center",
    value: (row) => scrubIdentity(row.tindakLanjut, row),
  },
  {
    key: "narasi",
    header: "NARASI",
    number: "8",
    width: 41,
    align: "left",
    value: (row) => scrubIdentity(row.narasi, row),
  },
];

/** The cells of one data row, in column order, before any format-specific guarding. */
export function monthlyRowCells(row: MonthlyRow, index: number): string[] {
  return MONTHLY_COLUMNS.map((c) => c.value(row, index));
}

/** Title lines shared by XLSX and PDF. */
export function monthlyTitleLines(input: {
  year: number;
  month: number;
  title?: string;
}): [string, string] {
  if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2999) {
    throw new RangeError(`Tahun tidak valid: ${input.year}`);
  }
  return [
    input.title ?? "LAPORAN PELAYANAN PENGADUAN SLRT SERASI KABUPATEN TABALONG",
    `BULAN ${namaBulan(input.month).toUpperCase()} TAHUN ${input.year}`,
  ];
}
