// LAPOR! admin-panel export (CSV or XLSX) → the same page upsert as the API sync, deduped
// by tracking id. Until the office has API credentials this is how LAPOR! reports arrive.
// Columns are matched leniently (case, spacing, punctuation, Indonesian/English synonyms).
import { createHash } from "node:crypto";
import ExcelJS from "exceljs";
import type { HubContext } from "../../src/ports/hub.port.js";
import type { ChannelSource, SourceItem } from "../../src/ports/channel-source.port.js";
import type { ErrorCode, FieldError } from "../../src/domain/errors.js";
import {
  checkSheetExtent,
  checkTextLimits,
  checkXlsxLimits,
  DEFAULT_IMPORT_LIMITS,
  ImportLimitError,
  importLimitsOf,
  limitErrors,
  type ImportLimits,
} from "../../src/domain/uploads/import-limits.js";
import { TRACKING_ID_PATTERN } from "./lapor.dto.js";
import { contentHashOf, type CaseUpsert } from "./lapor.mapper.js";
import { laporToHubStatus } from "./lapor.status-map.js";
import { DEFAULT_INSTANSI } from "../../src/domain/instansi.js";
import { LAPOR_CHANNEL } from "./lapor.sync.js";

export class LaporExportError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = "LaporExportError";
  }
}

type Column = "trackingId" | "tanggal" | "kategori" | "isi" | "status" | "instansi" | "judul";

const SYNONYMS: Record<Column, string[]> = {
  trackingId: [
    "trackingid",
    "tracking",
    "notracking",
    "nomortracking",
    "idlaporan",
    "nolaporan",
    "nomorlaporan",
    "kodetracking",
    "id",
  ],
  tanggal: [
    "tanggalmasuk",
    "tglmasuk",
    "tanggal",
    "tanggallaporan",
    "tgl",
    "dibuatpada",
    "waktumasuk",
    "createdat",
    "date",
  ],
  kategori: ["kategori", "kategorilaporan", "category"],
  isi: ["isilaporan", "isi", "laporan", "uraian", "uraianlaporan", "deskripsi", "content"],
  status: ["status", "statuslaporan"],
  instansi: [
    "instansiterdisposisi",
    "instansi",
    "instansitujuan",
    "disposisi",
    "terdisposisike",
    "opd",
  ],
  judul: ["judul", "judullaporan", "title", "subject"],
};
const REQUIRED: Column[] = ["trackingId", "tanggal", "isi", "status"];

const norm = (s: string) =>
  s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]/g, "");

export function matchColumns(headers: string[]): {
  map: Partial<Record<Column, number>>;
  missing: Column[];
} {
  const map: Partial<Record<Column, number>> = {};
  const normalized = headers.map((h) => norm(h));
  for (const col of Object.keys(SYNONYMS) as Column[]) {
    for (const syn of SYNONYMS[col]) {
      const i = normalized.findIndex((h, k) => h === syn && !Object.values(map).includes(k));
      if (i >= 0) {
        map[col] = i;
        break;
      }
    }
  }
  return { map, missing: REQUIRED.filter((c) => map[c] === undefined) };
}

/**
 * RFC 4180 CSV with the delimiter guessed from the header line (`,` `;` or tab). Rows,
 * fields and columns are counted as they are read; past a limit it stops with
 * ImportLimitError instead of building the rest.
 */
export function parseCsv(text: string, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): string[][] {
  const src = text.replace(/^\uFEFF/, "");
  const firstLine = src.split(/\r?\n/, 1)[0] ?? "";
  const delim = [";", "\t", ","].reduce(
    (best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best),
    ",",
  );
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let fields = 0;
  const endField = () => {
    row.push(field);
    field = "";
    if (++fields > limits.maxCells) throw limitErrors.cells(limits);
    if (row.length > limits.maxColumns) throw limitErrors.columns(limits);
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delim) endField();
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      endField();
      rows.push(row);
      if (rows.length > limits.maxRows) throw limitErrors.rows(limits);
      row = [];
    } else field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ""));
}

async function parseXlsx(bytes: Buffer, limits: ImportLimits): Promise<(string | Date)[][]> {
  await checkXlsxLimits(bytes, limits);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) return [];
  checkSheetExtent(ws, limits);
  // columnCount walks every row: read once, not per cell.
  const width = ws.columnCount;
  const rows: (string | Date)[][] = [];
  ws.eachRow({ includeEmpty: false }, (r) => {
    const cells: (string | Date)[] = [];
    for (let c = 1; c <= width; c++) {
      const v = r.getCell(c).value;
      if (v instanceof Date) cells.push(v);
      else if (v === null || v === undefined) cells.push("");
      else if (typeof v === "object" && "text" in v)
        cells.push(String((v as { text: unknown }).text));
      else if (typeof v === "object" && "result" in v)
        cells.push(String((v as { result: unknown }).result ?? ""));
      else if (typeof v === "object" && "richText" in v)
        cells.push((v as { richText: { text: string }[] }).richText.map((t) => t.text).join(""));
      else cells.push(String(v));
    }
    rows.push(cells);
  });
  return rows;
}

/** "2024-03-05", "05/03/2024", "5-3-2024 14:20", ISO with zone; no zone = WITA (UTC+8). */
export function parseExportDate(v: string | Date): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  const s = v.trim();
  if (!s) return null;
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(s)) {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  let y: number,
    mo: number,
    d: number,
    hh = 0,
    mi = 0,
    ss = 0;
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    [hh, mi, ss] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  } else {
    m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ ,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$/.exec(
      s,
    );
    if (!m) return null;
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    [hh, mi, ss] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mi > 59 || ss > 59) return null;
  const date = new Date(Date.UTC(y, mo - 1, d, hh - 8, mi, ss));
  return date;
}

type ExportRow = Record<Column, string> & { tanggalRaw: string | Date };

function toItem(row: ExportRow, line: number): SourceItem<CaseUpsert> {
  const raw = {
    origin: "lapor_admin_export",
    line,
    tracking_id: row.trackingId,
    tanggal_masuk: row.tanggalRaw instanceof Date ? row.tanggalRaw.toISOString() : row.tanggalRaw,
    kategori: row.kategori,
    isi: row.isi,
    status: row.status,
    instansi: row.instansi,
    judul: row.judul,
  };
  const ext = row.trackingId.trim();
  const fail = (
    code: string,
    field: string,
    message: string,
    q = false,
  ): SourceItem<CaseUpsert> => ({
    externalId: TRACKING_ID_PATTERN.test(ext) ? ext : null,
    raw,
    mapped: {
      ok: false,
      error: {
        code,
        disposition: q ? "quarantine" : "dead_letter",
        field,
        message: `baris ${line}: ${message}`,
      },
    },
  });
  if (!ext) return fail("LAPOR_TRACKING_ID_MISSING", "tracking id", "tracking id kosong");
  if (!TRACKING_ID_PATTERN.test(ext))
    return fail("LAPOR_TRACKING_ID_INVALID", "tracking id", "tracking id harus 5–12 angka");
  const receivedAt = parseExportDate(row.tanggalRaw);
  if (!receivedAt)
    return fail(
      "LAPOR_DATE_INVALID",
      "tanggal masuk",
      `tanggal "${String(row.tanggalRaw)}" tidak dikenali`,
    );
  if (!row.isi.trim()) return fail("LAPOR_SCHEMA_INVALID", "isi laporan", "isi laporan kosong");
  const status = laporToHubStatus(row.status.trim());
  if (!status.ok) return fail("LAPOR_STATUS_UNKNOWN", "status", status.error.message, true);
  const isi = row.isi.trim();
  const fields: Omit<CaseUpsert, "contentHash"> = {
    channel: "lapor",
    externalId: ext,
    title: (row.judul.trim() || isi.slice(0, 80)).trim(),
    keperluan: isi,
    klasifikasi: "pengaduan",
    kategori: row.kategori.trim() || null,
    upstreamStatus: row.status.trim(),
    hubStatus: status.value,
    // The export carries no flags: no identity is imported at all, which is also what
    // rahasia requires; the API sync fills flags and reporter later.
    rahasia: false,
    anonim: false,
    sumber: "lapor_admin_export",
    receivedAt,
    upstreamUpdatedAt: receivedAt,
    reporter: null,
    lokasi: { kecamatan: null, desa: null },
    attachments: [],
    tindakLanjut: [],
  };
  return {
    externalId: ext,
    raw,
    mapped: { ok: true, value: { ...fields, contentHash: contentHashOf(fields) } },
  };
}

export type LaporExportResult = {
  importRunId: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  columns: Partial<Record<Column, string>>;
};

/** The staff user importing: their office scopes the import, they are its actor. */
export type ExportImporter = { id: string; username: string; instansi: string };

export async function importLaporExport(
  ctx: HubContext,
  bytes: Buffer,
  // No actor: the CLI, an operator importing into --instansi (else the default office).
  opts: { fileName: string; actor?: ExportImporter | null; instansi?: string | undefined },
): Promise<LaporExportResult> {
  const actor = opts.actor ?? null;
  const instansi = actor?.instansi ?? opts.instansi ?? DEFAULT_INSTANSI;
  const isXlsx = bytes.subarray(0, 2).toString("latin1") === "PK";
  const limits = importLimitsOf(ctx.config);
  let table: (string | Date)[][];
  try {
    if (isXlsx) table = await parseXlsx(bytes, limits);
    else {
      checkTextLimits(bytes, limits);
      table = parseCsv(bytes.toString("utf8"), limits);
    }
  } catch (e) {
    // A limit says which one and is answered 413/422 by the caller, not "unreadable".
    if (e instanceof ImportLimitError) throw e;
    throw new LaporExportError(
      "EXPORT_UNREADABLE",
      "Berkas bukan CSV atau XLSX yang dapat dibaca",
      [{ field: "body", message: "kirim ekspor LAPOR! dalam format CSV atau XLSX" }],
    );
  }
  const header = (table[0] ?? []).map((c) => String(c));
  const { map, missing } = matchColumns(header);
  if (missing.length) {
    throw new LaporExportError(
      "EXPORT_COLUMNS_MISSING",
      `Kolom wajib tidak ditemukan: ${missing.join(", ")}`,
      missing.map((c) => ({ field: c, message: `kolom ${c} tidak ada di baris judul` })),
    );
  }
  const cell = (r: (string | Date)[], c: Column): string => {
    const i = map[c];
    const v = i === undefined ? "" : r[i];
    return v instanceof Date ? v.toISOString() : (v ?? "");
  };
  const items = table.slice(1).map((r, k) =>
    toItem(
      {
        trackingId: cell(r, "trackingId"),
        tanggal: cell(r, "tanggal"),
        tanggalRaw: map.tanggal !== undefined ? (r[map.tanggal] ?? "") : "",
        kategori: cell(r, "kategori"),
        isi: cell(r, "isi"),
        status: cell(r, "status"),
        instansi: cell(r, "instansi"),
        judul: cell(r, "judul"),
      },
      k + 2,
    ),
  );
  const run = await ctx.db.prisma.importRun.create({
    data: {
      kind: "lapor_export",
      fileName: opts.fileName,
      fileSha256: createHash("sha256").update(bytes).digest("hex"),
      actorId: actor?.id ?? null,
      instansi,
      startedAt: ctx.clock(),
      rows: items.length,
    },
  });
  const source: ChannelSource<CaseUpsert> = {
    stream: "lapor-export",
    channel: LAPOR_CHANNEL,
    instansi,
    overlapMs: 0,
    fetchPage: () => Promise.reject(new Error("not a pull stream")),
    mapRaw: () => {
      throw new Error("not a pull stream");
    },
    classify: () => "fatal",
    describe: () => "impor ekspor LAPOR! gagal",
    applyPage: (tx, _c, list, intake) =>
      intake.applyUpstream(tx, list, {
        origin: "export",
        instansi,
        actor: actor ? { id: actor.id, username: actor.username, instansi } : null,
      }),
  };
  const totals = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  try {
    for (let i = 0; i < items.length; i += 200) {
      const chunk = items.slice(i, i + 200);
      const r = await ctx.registry.services.applyImportChunk(ctx, source, chunk);
      totals.created += r.added;
      totals.updated += r.updated;
      totals.unchanged += r.unchanged;
      totals.failed += r.failed;
    }
    await ctx.db.prisma.importRun.update({
      where: { id: run.id },
      data: { ...totals, status: "succeeded", finishedAt: ctx.clock() },
    });
  } catch (e) {
    await ctx.db.prisma.importRun.update({
      where: { id: run.id },
      data: { ...totals, status: "failed", finishedAt: ctx.clock(), error: (e as Error).name },
    });
    throw e;
  }
  const columns: Partial<Record<Column, string>> = {};
  for (const [k, v] of Object.entries(map)) columns[k as Column] = header[v as number] ?? "";
  return { importRunId: run.id, rows: items.length, ...totals, columns };
}
