// Parses the hand-typed HARI/TANGGAL cells of the old monthly logs ("Rabu 04 Januari
// 2023", "Senin, 02Februari 2023", "Kamis 016Februari 2023", "SENIN 18 APRIL").
//
// Policy: the written day-month(-year) wins. The weekday is redundant, typed from
// memory, and contradicts the date in several seed rows; the date itself is what the
// office counted in its reports. Every correction or doubt becomes an anomaly so the
// import report shows it; nothing is changed silently.
import { editDistance, foldLookalikes } from "../jenis.js";

export type DateAnomaly = { field: string; problem: string; action: string };
export type DateContext = { sheetYear: number; sheetMonth: number };
export type ParsedDate = { date: string | null; anomalies: DateAnomaly[] };

export const BULAN = [
  "Januari",
  "Februari",
  "Maret",
  "April",
  "Mei",
  "Juni",
  "Juli",
  "Agustus",
  "September",
  "Oktober",
  "November",
  "Desember",
] as const;

/** The months as tables and charts abbreviate them: the first three letters ("Agu", "Okt"). */
export const BULAN_SINGKAT: readonly string[] = BULAN.map((b) => b.slice(0, 3));

export const HARI = ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"] as const;

// Full names, the usual abbreviations and the old spellings still common in offices
// ("Pebruari", "Nopember").
// prettier-ignore
const MONTH_ALIASES: Record<string, number> = {
  januari: 1, jan: 1, january: 1,
  februari: 2, pebruari: 2, feb: 2, peb: 2, february: 2,
  maret: 3, mar: 3, march: 3,
  april: 4, apr: 4,
  mei: 5, may: 5,
  juni: 6, jun: 6, june: 6,
  juli: 7, jul: 7, july: 7,
  agustus: 8, agu: 8, agt: 8, ags: 8, agst: 8, agus: 8, aug: 8, august: 8,
  september: 9, sep: 9, sept: 9, spt: 9,
  oktober: 10, okt: 10, oct: 10, october: 10,
  november: 11, nopember: 11, nov: 11, nop: 11,
  desember: 12, des: 12, dec: 12, december: 12,
};

// prettier-ignore
const WEEKDAY_ALIASES: Record<string, number> = {
  minggu: 0, ahad: 0, senin: 1, senen: 1, selasa: 2, rabu: 3, kamis: 4, jumat: 5, sabtu: 6,
};

const FIELD = "tanggal";

export function monthFromName(raw: string): { month: number; typo: boolean } | null {
  const key = raw.toLowerCase().replace(/[^a-z]/g, "");
  const exact = MONTH_ALIASES[key];
  if (exact !== undefined) return { month: exact, typo: false };
  if (key.length < 5) return null;
  for (const [index, name] of BULAN.entries()) {
    if (name.length >= 5 && editDistance(key, name.toLowerCase()) === 1)
      return { month: index + 1, typo: true };
  }
  return null;
}

function weekdayFromName(raw: string): { weekday: number; typo: boolean } | null {
  const key = raw.toLowerCase().replace(/[^a-z]/g, "");
  const exact = WEEKDAY_ALIASES[key];
  if (exact !== undefined) return { weekday: exact, typo: false };
  if (key.length < 4) return null;
  for (const [name, weekday] of Object.entries(WEEKDAY_ALIASES)) {
    if (editDistance(key, name) === 1) return { weekday, typo: true };
  }
  return null;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function isoOf(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
    return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

function weekdayOf(iso: string): number {
  return new Date(`${iso}T00:00:00Z`).getUTCDay();
}

function human(year: number, month: number, day: number): string {
  return `${day} ${BULAN[month - 1] ?? month} ${year}`;
}

export function parseIndonesianDate(raw: string, ctx: DateContext): ParsedDate {
  const anomalies: DateAnomaly[] = [];
  const add = (problem: string, action: string): void => {
    anomalies.push({ field: FIELD, problem, action });
  };
  const text = foldLookalikes(raw).text.replace(/\s+/g, " ").trim();
  if (text.length === 0) {
    add("tanggal kosong", "tanggal dibiarkan kosong");
    return { date: null, anomalies };
  }
  const fail = (): ParsedDate => {
    add(`format tanggal tidak dikenali: "${raw}"`, "tanggal dibiarkan kosong");
    return { date: null, anomalies };
  };

  let lower = text.toLowerCase().replace(/['’`]/g, "");
  let weekday: number | null = null;
  let weekdayWord: string | null = null;
  const lead = /^(\p{L}+)[\s,.]*(?=\d)/u.exec(lower);
  if (lead?.[1]) {
    const found = weekdayFromName(lead[1]);
    if (!found) return fail();
    weekday = found.weekday;
    weekdayWord = lead[1];
    if (found.typo)
      add(`nama hari salah ketik: "${lead[1]}"`, `dibaca sebagai ${HARI[found.weekday]}`);
    lower = lower.slice(lead[0].length);
  }

  let year: number | null = null;
  let month: number;
  let day: number;

  const numeric = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2}|\d{4})$/.exec(lower);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(lower);
  if (iso) {
    year = Number(iso[1]);
    month = Number(iso[2]);
    day = Number(iso[3]);
  } else if (numeric) {
    day = Number(numeric[1]);
    month = Number(numeric[2]);
    year = Number(numeric[3]);
    if ((numeric[3] ?? "").length === 2) {
      year += 2000;
      add(`tahun ditulis dua digit: "${numeric[3]}"`, `dibaca sebagai ${year}`);
    }
  } else {
    const m = /^(\d{1,3})(\s*)([\p{L}]+)[\s,.]*(\d{2,4})?\.?$/u.exec(lower);
    if (!m) return fail();
    const dayRaw = m[1] ?? "";
    const monthRaw = m[3] ?? "";
    const yearRaw = m[4];
    day = Number(dayRaw);
    if (dayRaw.length === 3) {
      if (!dayRaw.startsWith("0")) return fail();
      add(`angka tanggal salah ketik: "${dayRaw}"`, `dibaca sebagai ${day}`);
    }
    if (m[2] === "")
      add(`spasi antara tanggal dan bulan hilang: "${dayRaw}${monthRaw}"`, "dibaca terpisah");
    const found = monthFromName(monthRaw);
    if (!found) return fail();
    month = found.month;
    if (found.typo)
      add(`nama bulan salah ketik: "${monthRaw}"`, `dibaca sebagai ${BULAN[month - 1] ?? month}`);
    if (yearRaw === undefined) {
      year = null;
    } else if (yearRaw.length === 2) {
      year = 2000 + Number(yearRaw);
      add(`tahun ditulis dua digit: "${yearRaw}"`, `dibaca sebagai ${year}`);
    } else if (yearRaw.length === 4) {
      year = Number(yearRaw);
    } else {
      return fail();
    }
  }

  const yearWritten = year !== null;
  if (year === null) {
    year = ctx.sheetYear;
    add("tahun tidak ditulis", `tahun diambil dari judul lembar (${ctx.sheetYear})`);
  }
  const date = isoOf(year, month, day);
  if (date === null) {
    add(`tanggal tidak ada di kalender: "${raw}"`, "tanggal dibiarkan kosong");
    return { date: null, anomalies };
  }
  if (year !== ctx.sheetYear || month !== ctx.sheetMonth) {
    add(
      `tanggal ${human(year, month, day)} di luar bulan lembar (${BULAN[ctx.sheetMonth - 1] ?? ctx.sheetMonth} ${ctx.sheetYear})`,
      "baris tetap dilaporkan pada bulan lembarnya; tanggal tertulis disimpan di sampingnya dan perlu diperiksa",
    );
  }
  if (weekday !== null && weekdayOf(date) !== weekday) {
    // A date written without its year may belong to a neighbouring year (a row copied from
    // last year's log): when the weekday fits that year's date it is said as a hint, never
    // applied. A written year is not second-guessed.
    const hint = yearWritten
      ? undefined
      : [year - 1, year + 1]
          .map((y) => isoOf(y, month, day))
          .find((d): d is string => d !== null && weekdayOf(d) === weekday);
    add(
      `hari "${weekdayWord ?? ""}" tidak cocok dengan tanggal ${human(year, month, day)} (${HARI[weekdayOf(date)] ?? ""})` +
        (hint
          ? `; hari ${HARI[weekday] ?? ""} cocok dengan ${human(Number(hint.slice(0, 4)), month, day)}`
          : ""),
      "tanggal tertulis dipakai, nama hari diabaikan",
    );
  }
  return { date, anomalies };
}
