// Parser of the office's old monthly complaint logs ("LAPORAN PELAYANAN PENGADUAN SLRT
// SERASI", columns NO, HARI/TANGGAL, NAMA, NO HP, ALAMAT, KEPERLUAN, TINDAK LANJUT,
// NARASI). Input is either one tab-separated table or a whole document holding several
// monthly tables between prose and signature blocks. Pure: text in, rows + anomalies out.
//
// Principle: nothing is dropped or corrected silently. Every line that looks like data
// and cannot be used, and every correction made, becomes an anomaly for the import
// report.
import type { ReviewCode } from "./import-labels.js";
import { createHash } from "node:crypto";
import { editDistance, foldLookalikes } from "../jenis.js";
import { TABALONG_KECAMATAN } from "../nik.js";
import { BULAN, monthFromName, parseIndonesianDate } from "./indonesian-date.js";

export type LegacyRow = {
  /** "YYYY-MM" of the monthly table the row sits in (from its title). */
  sheet: string;
  /** 1-based position of the row in its table; the NO column is not trusted. */
  rowIndex: number;
  no: string;
  rawDate: string;
  date: string | null;
  nama: string;
  phones: string[];
  alamat: string;
  desa?: string;
  kecamatan?: string;
  keperluan: string;
  tindakLanjut: string;
  narasi: string;
  /** sha256 of (sheet, rowIndex, nama, rawDate, keperluan): the import's external id. */
  fingerprint: string;
  /**
   * What staff must look at before the printed row can be trusted (dates, names,
   * contradictions); each point is also an anomaly of the import report.
   */
  review: ReviewPoint[];
};

/** One open doubt about an imported row, printed as a footnote of the monthly report. */
export type ReviewPoint = { code: ReviewCode; text: string };
export type { ReviewCode };

export type ImportAnomaly = {
  sheet: string;
  /** rowIndex of the row concerned; null for lines that never became a row. */
  row: number | null;
  field: string;
  problem: string;
  action: string;
  raw?: string;
};

export type LegacyParseResult = { rows: LegacyRow[]; anomalies: ImportAnomaly[] };

/** One line of a grid: cells as text plus the raw line for the report. */
export type LegacyLine = { cells: string[]; raw: string };

/** A source grid (the text document, or one XLSX worksheet). */
export type LegacyGrid = { name?: string; lines: LegacyLine[] };

type Column =
  "no" | "tanggal" | "nama" | "noHp" | "alamat" | "keperluan" | "tindakLanjut" | "narasi";
type ColumnMap = Partial<Record<Column, number>>;

const UNKNOWN_SHEET = "tidak-diketahui";

function headerKey(cell: string): string {
  return cell
    .toLowerCase()
    .replace(/[^a-z]+/g, " ")
    .trim();
}

// Lenient: exports rename columns ("Tgl", "No. Telp", "Isi Aduan"). Order of the tests
// matters: "no hp" is the phone column, not the row number.
function columnOf(cell: string): Column | null {
  const k = headerKey(cell);
  if (k === "") return null;
  if (/\b(hp|telp|telepon|tlp|wa|whatsapp|kontak|handphone)\b/.test(k)) return "noHp";
  if (/^(no|nomor|no urut|nomor urut)$/.test(k)) return "no";
  if (/tanggal|\btgl\b|\bhari\b|waktu/.test(k)) return "tanggal";
  if (/tindak/.test(k)) return "tindakLanjut";
  if (/narasi|uraian|keterangan/.test(k)) return "narasi";
  if (/keperluan|perihal|aduan|\bisi\b/.test(k)) return "keperluan";
  if (/alamat/.test(k)) return "alamat";
  if (/nama/.test(k)) return "nama";
  return null;
}

export function mapHeader(cells: readonly string[]): ColumnMap | null {
  const map: ColumnMap = {};
  // A header is short labels only: a data row whose free text happens to contain "aduan",
  // "tanggal" or "nama" must not be taken for one (found by the property tests).
  for (const cell of cells) {
    if (cell.trim() === "") continue;
    if (cell.length > 40 || cell.trim().split(/\s+/).length > 4 || columnOf(cell) === null)
      return null;
  }
  cells.forEach((cell, index) => {
    const column = columnOf(cell);
    if (column !== null && map[column] === undefined) map[column] = index;
  });
  const required: Column[] = ["nama", "tanggal", "keperluan"];
  return required.every((c) => map[c] !== undefined) ? map : null;
}

const TITLE = /\bBULAN\s+([A-Za-z]+)\s+TAHUN\s+(\d{4})\b/i;

export function titleOf(text: string): { year: number; month: number } | null {
  const m = TITLE.exec(text.replace(/\*/g, " "));
  if (!m) return null;
  const month = monthFromName(m[1] ?? "");
  if (!month) return null;
  return { year: Number(m[2]), month: month.month };
}

// A worksheet named "Januari 2023" / "Jan-2023" stands in for a missing title row.
function titleFromName(name: string | undefined): { year: number; month: number } | null {
  if (!name) return null;
  const m = /([A-Za-z]+)[\s_-]*(\d{4})/.exec(name);
  if (!m) return null;
  const month = monthFromName(m[1] ?? "");
  return month ? { year: Number(m[2]), month: month.month } : null;
}

const SIGNATURE = /kepala dinas|\bnip\b|mengetahui|^\s*(drs?|dis)\.?\s+h\./i;

function isColumnNumberRow(cells: readonly string[]): boolean {
  const filled = cells.map((c) => c.trim()).filter((c) => c !== "");
  return filled.length >= 3 && filled.every((c, i) => c === String(i + 1));
}

type RawRow = { cells: string[]; raw: string };
type SheetDraft = {
  title: { year: number; month: number } | null;
  columns: ColumnMap;
  rows: RawRow[];
  skipped: Array<{ raw: string; problem: string }>;
};

function collectSheets(grid: LegacyGrid): SheetDraft[] {
  const sheets: SheetDraft[] = [];
  let pendingTitle = titleFromName(grid.name);
  let current: SheetDraft | null = null;
  for (const line of grid.lines) {
    const cells = line.cells.map((c) => c.replace(/\s+/g, " ").trim());
    const joined = cells.filter((c) => c !== "").join(" ");
    const filledCells = cells.filter((c) => c !== "").length;
    // Inside a table only a single-cell line is a new title: "…bulan Maret tahun 2023…" in
    // a KEPERLUAN cell is data.
    const title = !current || filledCells === 1 ? titleOf(joined) : null;
    if (title) {
      pendingTitle = title;
      current = null;
      continue;
    }
    const header = mapHeader(cells);
    if (header) {
      current = { title: pendingTitle, columns: header, rows: [], skipped: [] };
      sheets.push(current);
      continue;
    }
    if (!current || joined === "") continue;
    if (isColumnNumberRow(cells)) continue;
    const filled = cells.filter((c) => c !== "").length;
    if (filled === 1 && SIGNATURE.test(joined)) {
      // The signature block closes the table; prose after it is not data.
      current = null;
      continue;
    }
    if (filled < 3) {
      current.skipped.push({
        raw: line.raw,
        problem: "baris di dalam tabel tidak memiliki kolom yang cukup",
      });
      continue;
    }
    current.rows.push({ cells, raw: line.raw });
  }
  return sheets;
}

const HONORIFICS = new Set([
  "bapak",
  "ibu",
  "bu",
  "pak",
  "sdr",
  "sdri",
  "saudara",
  "saudari",
  "ny",
  "nyonya",
  "tn",
  "tuan",
]);
// prettier-ignore
const NAME_STOP = new Set([
  "terkait", "yang", "dan", "dari", "pada", "untuk", "di", "ke", "dengan", "hilang", "tersebut", "ingin", "agar",
  "sebagai", "selaku", "bahwa", "tidak", "sudah", "menyampaikan", "desa", "kelurahan",
]);

type NameMention = { name: string; via: "dari" | "atas nama" };

/** Names introduced by "dari <sapaan> X" or "atas nama [<sapaan>] X" in a narrative. */
export function mentionedNames(text: string): NameMention[] {
  const found: NameMention[] = [];
  const folded = foldLookalikes(text).text;
  const re = /\b(dari|atas nama|a\.\s?n\.?)\s+/gi;
  for (let m = re.exec(folded); m !== null; m = re.exec(folded)) {
    const via = (m[1] ?? "").toLowerCase() === "dari" ? "dari" : "atas nama";
    const words = folded.slice(m.index + m[0].length).split(/\s+/);
    let i = 0;
    const takeName = (needHonorific: boolean): string | null => {
      const first = (words[i] ?? "").replace(/[.,]/g, "").toLowerCase();
      const hasHonorific = HONORIFICS.has(first);
      if (hasHonorific) i++;
      else if (needHonorific) return null;
      const parts: string[] = [];
      while (i < words.length) {
        const word = words[i] ?? "";
        const bare = word.replace(/[^\p{L}'’-]/gu, "");
        if (bare === "" || !/^\p{Lu}/u.test(bare) || NAME_STOP.has(bare.toLowerCase())) break;
        parts.push(bare);
        i++;
        if (/[.,;:]$/.test(word)) break;
      }
      return parts.length > 0 ? parts.join(" ") : null;
    };
    // "dari desa X", "dari aparat desa" are places, not people: a sapaan is required.
    const first = takeName(via === "dari");
    if (!first) continue;
    found.push({ name: first, via });
    // "dari ibu Fatmawati dan Ibu Yunita Diana": two complainants.
    while ((words[i] ?? "").toLowerCase() === "dan") {
      i++;
      const next = takeName(true);
      if (!next) break;
      found.push({ name: next, via });
    }
  }
  return found;
}

function nameKey(name: string): string {
  return foldLookalikes(name)
    .text.toLowerCase()
    .replace(/[^\p{L}]+/gu, " ")
    .trim();
}

/** Loose: same person despite a typo ("Herniati"/"Hernianti") or a shortened name. */
export function namesMatch(a: string, b: string): boolean {
  const x = nameKey(a);
  const y = nameKey(b);
  if (x === "" || y === "") return false;
  if (x === y) return true;
  const xs = x.split(" ");
  const ys = y.split(" ");
  const [shorter, longer] = xs.length <= ys.length ? [xs, ys] : [ys, xs];
  if (shorter.every((w, i) => longer[i] === w)) return true;
  const limit = Math.min(x.length, y.length) >= 6 ? 2 : 1;
  return editDistance(x, y) <= limit;
}

function splitPeople(nama: string): string[] {
  return nama
    .split(/\s+dan\s+|&|,|\//i)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

const KECAMATAN = Object.values(TABALONG_KECAMATAN);

type Place = {
  desa?: string;
  kecamatan?: string;
  anomalies: Array<{ problem: string; action: string }>;
};

// Kecamatan marker: "Kec", "Kec.", "Kecamatan", also glued to a capitalised name
// ("KecTanta"), but not the start of a word such as "Kecapi".
const KEC_MARKER = /(?:^|[\s,])(?:[Kk]ecamatan|KECAMATAN|[Kk]ec|KEC)(?:\.\s*|\s+|(?=[A-Z]))/g;

export function parseAlamat(alamat: string): Place {
  const place: Place = { anomalies: [] };
  const text = foldLookalikes(alamat).text.replace(/\s+/g, " ").trim();
  if (text === "") return place;
  let kecStart = -1;
  let kecRaw = "";
  for (const m of text.matchAll(KEC_MARKER)) {
    kecStart = m.index;
    kecRaw = text.slice(m.index + m[0].length);
  }
  const before = kecStart >= 0 ? text.slice(0, kecStart) : text;
  const desaMatch = /^(?:ds|desa|kel|kelurahan)\b\.?\s*(.*)$/i.exec(before.trim());
  if (desaMatch) {
    const desa = (desaMatch[1] ?? "").split(/\s+(?:rt|rw)\b\.?\s*\d*|,/i)[0]?.trim() ?? "";
    if (desa !== "") place.desa = desa;
  }
  kecRaw = kecRaw.replace(/[.,;]+$/, "").trim();
  if (kecRaw === "") {
    place.anomalies.push({
      problem: "kecamatan tidak tercantum di alamat",
      action: "kecamatan dibiarkan kosong",
    });
    return place;
  }
  const key = kecRaw.toLowerCase().replace(/[^a-z]/g, "");
  const exact = KECAMATAN.find((k) => k.toLowerCase().replace(/[^a-z]/g, "") === key);
  if (exact) {
    place.kecamatan = exact;
    return place;
  }
  const scored = KECAMATAN.map((k) => ({
    k,
    d: editDistance(key, k.toLowerCase().replace(/[^a-z]/g, "")),
  })).sort((a, b) => a.d - b.d);
  const best = scored[0];
  const second = scored[1];
  if (best && best.d <= (key.length >= 6 ? 2 : 1) && (!second || second.d > best.d)) {
    place.kecamatan = best.k;
    place.anomalies.push({
      problem: `nama kecamatan salah ketik: "${kecRaw}"`,
      action: `dinormalisasi menjadi "${best.k}" (daftar kecamatan Tabalong)`,
    });
    return place;
  }
  place.kecamatan = kecRaw;
  place.anomalies.push({
    problem: `kecamatan tidak dikenal dalam daftar Kabupaten Tabalong: "${kecRaw}"`,
    action: "dicatat apa adanya",
  });
  return place;
}

export function splitPhones(raw: string): string[] {
  return raw
    .split(/[,;/]/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

function phoneKey(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  if (digits.startsWith("62")) return `0${digits.slice(2)}`;
  return digits;
}

export function fingerprintOf(parts: {
  sheet: string;
  rowIndex: number;
  nama: string;
  rawDate: string;
  keperluan: string;
}): string {
  return createHash("sha256")
    .update(
      JSON.stringify([parts.sheet, parts.rowIndex, parts.nama, parts.rawDate, parts.keperluan]),
    )
    .digest("hex");
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function humanDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${d} ${BULAN[(m ?? 1) - 1] ?? m} ${y}`;
}

// The narasi says the matter is still running although the row is filed "Selesai".
const STILL_RUNNING =
  /sedang (berproses|diproses|dalam proses)|masih (dalam )?proses|belum selesai/;

/** Same letters after folding look-alikes, case and punctuation ("Ibu Hainani" ≠ spelling). */
function sameSpelling(a: string, b: string): boolean {
  const x = nameKey(a).split(" ");
  const y = nameKey(b).split(" ");
  // A shortened name ("Siti" for "Siti Salihah") is not a spelling variant.
  const [shorter, longer] = x.length <= y.length ? [x, y] : [y, x];
  return shorter.every((w, i) => longer[i] === w);
}

// A table without a title row: take the month most dates in it name explicitly.
function inferTitle(draft: SheetDraft): { year: number; month: number } | null {
  const col = draft.columns.tanggal;
  if (col === undefined) return null;
  const counts = new Map<string, number>();
  for (const row of draft.rows) {
    const m = /([A-Za-z]+)\s*(\d{4})\b/.exec(row.cells[col] ?? "");
    const month = m ? monthFromName(m[1] ?? "") : null;
    if (m && month) {
      const key = `${m[2]}-${pad(month.month)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  if (!best) return null;
  const [year, month] = best[0].split("-").map(Number);
  return year !== undefined && month !== undefined ? { year, month } : null;
}

type TextField = "nama" | "alamat" | "keperluan" | "tindakLanjut" | "narasi";
const FIELD_LABEL: Record<TextField, string> = {
  nama: "nama",
  alamat: "alamat",
  keperluan: "keperluan",
  tindakLanjut: "tindakLanjut",
  narasi: "narasi",
};

function buildSheetRows(draft: SheetDraft, usedSheets: Map<string, number>): LegacyParseResult {
  const rows: LegacyRow[] = [];
  const anomalies: ImportAnomaly[] = [];
  let title = draft.title;
  let sheet: string;
  if (!title) {
    title = inferTitle(draft);
    sheet = title ? `${title.year}-${pad(title.month)}` : UNKNOWN_SHEET;
    anomalies.push({
      sheet,
      row: null,
      field: "judul",
      problem: 'judul "BULAN ... TAHUN ..." tidak ditemukan',
      action: title
        ? "bulan lembar disimpulkan dari tanggal baris"
        : "bulan lembar tidak diketahui; tanggal tanpa tahun dikosongkan",
    });
  } else {
    sheet = `${title.year}-${pad(title.month)}`;
  }
  // Two tables for the same month continue the numbering so fingerprints stay unique.
  const offset = usedSheets.get(sheet) ?? 0;

  for (const skipped of draft.skipped) {
    anomalies.push({
      sheet,
      row: null,
      field: "baris",
      problem: skipped.problem,
      action: "dilewati",
      raw: skipped.raw,
    });
  }

  const cell = (raw: RawRow, column: Column): string => {
    const index = draft.columns[column];
    return index === undefined ? "" : (raw.cells[index] ?? "").trim();
  };

  let position = offset;
  // The last date seen inside the sheet's month: a row dated before it is out of order.
  let lastInPeriod: { date: string; rowIndex: number } | null = null;
  for (const raw of draft.rows) {
    const namaRaw = cell(raw, "nama");
    const keperluanRaw = cell(raw, "keperluan");
    if (namaRaw === "" && keperluanRaw === "") {
      anomalies.push({
        sheet,
        row: null,
        field: "baris",
        problem: "baris tanpa nama dan keperluan",
        action: "dilewati",
        raw: raw.raw,
      });
      continue;
    }
    position += 1;
    const rowIndex = position;
    const add = (field: string, problem: string, action: string): void => {
      anomalies.push({ sheet, row: rowIndex, field, problem, action });
    };
    const review: ReviewPoint[] = [];
    const flag = (code: ReviewCode, field: string, problem: string, action: string): void => {
      review.push({ code, text: problem });
      add(field, problem, action);
    };
    const addDate = (a: { field: string; problem: string; action: string }): void => {
      if (a.problem.includes("di luar bulan lembar"))
        flag("tanggal_di_luar_bulan", a.field, a.problem, a.action);
      else if (a.problem.includes("tidak cocok dengan tanggal"))
        flag("hari_tidak_cocok", a.field, a.problem, a.action);
      else add(a.field, a.problem, a.action);
    };

    const texts = {} as Record<TextField, string>;
    for (const field of ["nama", "alamat", "keperluan", "tindakLanjut", "narasi"] as const) {
      const original = cell(raw, field);
      const folded = foldLookalikes(original);
      texts[field] = folded.text;
      if (folded.changed) {
        // Long fields: quote only the affected words, the report is read by people.
        const words = original.split(/\s+/).filter((w) => foldLookalikes(w).changed);
        const shown = field === "nama" ? [original] : words;
        add(
          FIELD_LABEL[field],
          `${field} memuat huruf non-Latin yang mirip huruf Latin: "${shown.join(" ")}"`,
          `dinormalisasi ke huruf Latin: "${shown.map((w) => foldLookalikes(w).text).join(" ")}"`,
        );
      }
    }

    const no = cell(raw, "no");
    if (!/^\d+$/.test(no)) {
      add(
        "no",
        no === "" ? "nomor baris kosong" : `nomor baris bukan angka: "${no}"`,
        `posisi baris ${rowIndex - offset} dipakai`,
      );
    } else if (Number(no) !== rowIndex - offset) {
      add(
        "no",
        `nomor baris ${no} tidak sesuai urutan (posisi ${rowIndex - offset})`,
        `posisi baris ${rowIndex - offset} dipakai`,
      );
    }

    const rawDate = cell(raw, "tanggal");
    let date: string | null = null;
    if (title) {
      const parsed = parseIndonesianDate(rawDate, {
        sheetYear: title.year,
        sheetMonth: title.month,
      });
      date = parsed.date;
      for (const a of parsed.anomalies) addDate(a);
      const inPeriod = date !== null && date.startsWith(`${title.year}-${pad(title.month)}-`);
      if (date !== null && inPeriod) {
        if (lastInPeriod && date < lastInPeriod.date) {
          flag(
            "tanggal_tidak_urut",
            "tanggal",
            `baris tidak urut tanggal: ${humanDate(date)} sesudah ${humanDate(lastInPeriod.date)} (baris ${lastInPeriod.rowIndex - offset})`,
            "urutan lembar dipertahankan",
          );
        }
        if (!lastInPeriod || date >= lastInPeriod.date) lastInPeriod = { date, rowIndex };
      }
    } else {
      // No sheet month to lean on: only complete dates are usable.
      const parsed = parseIndonesianDate(rawDate, { sheetYear: 0, sheetMonth: 0 });
      const guessedYear = parsed.anomalies.some((a) => a.problem === "tahun tidak ditulis");
      date = guessedYear ? null : parsed.date;
      for (const a of parsed.anomalies) {
        if (a.problem.includes("di luar bulan lembar")) continue;
        addDate({
          field: a.field,
          problem: a.problem,
          action:
            guessedYear && a.problem === "tahun tidak ditulis"
              ? "tanggal dibiarkan kosong"
              : a.action,
        });
      }
    }

    if (texts.nama === "") add("nama", "nama kosong", "dibiarkan kosong");
    if (texts.keperluan === "") add("keperluan", "keperluan kosong", "dibiarkan kosong");

    // An empty phone is the norm in these logs: one summary line for the file, not one
    // line per row (parseLegacyGrids).
    const phones = splitPhones(cell(raw, "noHp"));

    const alamat = texts.alamat.replace(/\s+/g, " ").trim();
    const place = parseAlamat(alamat);
    if (alamat === "") add("alamat", "alamat kosong", "desa dan kecamatan dibiarkan kosong");
    for (const a of place.anomalies) add("alamat", a.problem, a.action);

    // Copy-paste errors: the narrative names someone else than this row's complainant
    // (or the person concerned named in the keperluan).
    const people = splitPeople(texts.nama);
    if (people.length > 1) {
      flag(
        "dua_pelapor",
        "nama",
        `${people.length} pelapor dalam satu baris: ${people.map((x) => `"${x}"`).join(", ")}`,
        "dicatat sebagai satu kasus dengan nama apa adanya; perlu diperiksa petugas",
      );
    }
    const concernedMentions = mentionedNames(texts.keperluan);
    const concerned = concernedMentions.map((m) => m.name);
    const variants = new Set<string>();
    // A name spelled differently in another column is the same person by the loose match
    // but still a doubt worth a look ("Hernianti"/"Herniati", "Lamiah"/"Laminah").
    const checkSpelling = (name: string, where: string): void => {
      const same = people.find((x) => namesMatch(x, name));
      if (!same || sameSpelling(same, name) || variants.has(nameKey(name))) return;
      variants.add(nameKey(name));
      flag(
        "ejaan_nama_berbeda",
        where === "narasi" ? "narasi" : "keperluan",
        `ejaan nama berbeda: "${name}" di ${where.toUpperCase()}, "${same}" di NAMA`,
        "nama di kolom NAMA dipakai; perlu diperiksa petugas",
      );
    };
    for (const m of concernedMentions) checkSpelling(m.name, "keperluan");
    for (const mention of mentionedNames(texts.narasi)) {
      const allowed = mention.via === "dari" ? people : [...people, ...concerned];
      if (!allowed.some((p) => namesMatch(p, mention.name))) {
        flag(
          "nama_lain_di_narasi",
          "narasi",
          `narasi menyebut nama lain ("${mention.name}") dari nama pelapor "${texts.nama}"`,
          "narasi historis disimpan apa adanya; perlu diperiksa petugas",
        );
      } else checkSpelling(mention.name, "narasi");
    }
    if (
      /^selesai$/i.test(texts.tindakLanjut.trim()) &&
      STILL_RUNNING.test(texts.narasi.toLowerCase())
    ) {
      flag(
        "selesai_bertentangan",
        "tindakLanjut",
        `TINDAK LANJUT "Selesai" bertentangan dengan narasi ("${STILL_RUNNING.exec(texts.narasi.toLowerCase())?.[0] ?? ""}")`,
        "dicatat selesai seperti lembar; perlu diperiksa petugas",
      );
    }

    const row: LegacyRow = {
      sheet,
      rowIndex,
      no,
      rawDate,
      date,
      nama: texts.nama.replace(/\s+/g, " ").trim(),
      phones,
      alamat,
      keperluan: texts.keperluan,
      tindakLanjut: texts.tindakLanjut,
      narasi: texts.narasi,
      // The folded name is hashed so that a later clean copy of the same sheet maps to
      // the same case.
      fingerprint: fingerprintOf({
        sheet,
        rowIndex,
        nama: texts.nama.trim(),
        rawDate,
        keperluan: texts.keperluan,
      }),
      review,
    };
    if (place.desa !== undefined) row.desa = place.desa;
    if (place.kecamatan !== undefined) row.kecamatan = place.kecamatan;
    rows.push(row);
  }
  usedSheets.set(sheet, position);
  return { rows, anomalies };
}

function sharedPhoneAnomalies(rows: readonly LegacyRow[]): ImportAnomaly[] {
  const byPhone = new Map<string, LegacyRow[]>();
  for (const row of rows) {
    for (const phone of new Set(row.phones.map(phoneKey))) {
      if (phone === "") continue;
      byPhone.set(phone, [...(byPhone.get(phone) ?? []), row]);
    }
  }
  const anomalies: ImportAnomaly[] = [];
  for (const [phone, group] of byPhone) {
    const names = new Set(group.map((r) => nameKey(r.nama)));
    if (names.size < 2) continue;
    for (const row of group) {
      const others = group
        .filter((o) => o !== row)
        .map((o) => `${o.nama} (${o.sheet} baris ${o.rowIndex})`)
        .join(", ");
      anomalies.push({
        sheet: row.sheet,
        row: row.rowIndex,
        field: "noHp",
        problem: `nomor HP ${phone} dipakai bersama oleh beberapa orang; juga: ${others}`,
        action: "nomor tetap dicatat; tidak dianggap sebagai orang yang sama",
      });
    }
  }
  return anomalies;
}

/** Shared core of the text and XLSX parsers. */
export function parseLegacyGrids(grids: readonly LegacyGrid[]): LegacyParseResult {
  const rows: LegacyRow[] = [];
  const anomalies: ImportAnomaly[] = [];
  const usedSheets = new Map<string, number>();
  let tables = 0;
  for (const grid of grids) {
    for (const draft of collectSheets(grid)) {
      tables++;
      const result = buildSheetRows(draft, usedSheets);
      rows.push(...result.rows);
      anomalies.push(...result.anomalies);
    }
  }
  if (tables === 0) {
    anomalies.push({
      sheet: UNKNOWN_SHEET,
      row: null,
      field: "berkas",
      problem: "tidak ditemukan tabel dengan kolom NO, HARI/TANGGAL, NAMA, ..., KEPERLUAN",
      action: "tidak ada baris yang diimpor",
    });
  }
  anomalies.push(...sharedPhoneAnomalies(rows));
  const sorted = sortAnomalies(anomalies);
  const noPhone = rows.filter((r) => r.phones.length === 0);
  if (noPhone.length > 0) {
    // One line for the whole file, after the row anomalies: the logs often record no phone.
    const bySheet = new Map<string, number[]>();
    for (const r of noPhone) bySheet.set(r.sheet, [...(bySheet.get(r.sheet) ?? []), r.rowIndex]);
    sorted.push({
      sheet: "-",
      row: null,
      field: "noHp",
      problem: `nomor HP kosong pada ${noPhone.length} baris: ${[...bySheet]
        .map(([sheet, idx]) => `${sheet} baris ${idx.join(", ")}`)
        .join("; ")}`,
      action: "dibiarkan kosong",
    });
  }
  return { rows, anomalies: sorted };
}

function sortAnomalies(anomalies: ImportAnomaly[]): ImportAnomaly[] {
  return anomalies
    .map((a, i) => ({ a, i }))
    .sort(
      (x, y) => x.a.sheet.localeCompare(y.a.sheet) || (x.a.row ?? 0) - (y.a.row ?? 0) || x.i - y.i,
    )
    .map(({ a }) => a);
}

export function parseLegacyText(text: string): LegacyParseResult {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .map((raw) => ({ raw, cells: raw.split("\t") }));
  return parseLegacyGrids([{ lines }]);
}
