/**
 * Inputs of the report writers. Writers are pure (data in → bytes out): the lead's
 * aggregation layer builds these from the database; nothing here knows about Prisma.
 */

/** Calendar date as printed on the report, `YYYY-MM-DD`, no time zone attached. */
export type PlainDate = string;

export interface KepalaDinas {
  name: string;
  /** e.g. "Pembina Utama Muda (IV/c)"; the monthly tables of the seed omit it. */
  pangkat?: string;
  /** As printed, e.g. "19670720 199103 1 014". */
  nip: string;
}

export interface OfficeInfo {
  kabupaten: "TABALONG";
  kepalaDinas: KepalaDinas;
  /** Place in the signature block (`ADUAN_REPORT_PLACE`, default "Tabalong"). */
  place: string;
  /** Date printed above the signature; also the source of every fixed metadata date. */
  signDate: PlainDate;
}

export interface MonthlyRow {
  /** A Date is read in WITA (Asia/Makassar); a string is a plain calendar date. */
  receivedAt: Date | PlainDate;
  nama: string | null;
  phones: readonly string[];
  alamat: string | null;
  keperluan: string;
  tindakLanjut: string;
  narasi: string;
  /** Perpres 76/2013: the complainant's identity must not appear in the report. */
  rahasia: boolean;
  /**
   * HARI/ TANGGAL exactly as the office filed it (imported rows); printed instead of the
   * date formatted from receivedAt.
   */
  tanggalText?: string | null;
  /**
   * Open review points of an imported row (a date outside the sheet's month, another
   * person's name in the narasi, ...): the row is marked and the points printed below the
   * table.
   */
  review?: readonly string[];
}

export interface MonthlyReportInput {
  year: number;
  /** 1–12. */
  month: number;
  /** Replaces the first title line; the month line is always generated. */
  title?: string;
  office: OfficeInfo;
  rows: readonly MonthlyRow[];
}

export interface AnnualTemplate {
  /** Stable key so the lead can store admin-edited versions, e.g. "bab_3". */
  id: string;
  /** May contain "\n" (printed as separate centred lines) and placeholders. */
  title: string;
  /**
   * Paragraphs separated by blank lines. Line markers: "## " sub-heading, "- " bullet,
   * "1. " numbered item. Block tokens on their own line: [[tabel:3.1]] … [[tabel:3.4]],
   * [[grafik:jenis]], [[grafik:bulan]], [[tanda_tangan]]. Placeholders: {{name}}.
   */
  body: string;
}

export interface JenisCount {
  kode: string;
  nama: string;
  jumlah: number;
}

export interface MediaCount {
  media: string;
  nama: string;
  jumlah: number;
}

export interface StatusCounts {
  selesai: number;
  dalamProses: number;
  tidakDapatDitindaklanjuti: number;
}

export type PerMonth = readonly [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

export interface WaktuPenyelesaian {
  /** Working days; null when nothing was closed in the year. */
  rataRata: number | null;
  median: number | null;
  /** Number of closed cases within each SOP class and over the 14-day limit. */
  perKelas: { ringan: number; sedang: number; khusus: number; melewatiBatas: number };
  /** Closed cases whose completion time was never recorded (imported rows). */
  tidakTercatat?: number;
}

export interface AnnualReportInput {
  year: number;
  office: OfficeInfo;
  perJenis: readonly JenisCount[];
  perMedia: readonly MediaCount[];
  perStatus: StatusCounts;
  perMonth: PerMonth;
  waktuPenyelesaian: WaktuPenyelesaian;
  chapters: readonly AnnualTemplate[];
}
