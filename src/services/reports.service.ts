// Issuing the office's two documents from the cases: the monthly SLRT SERASI table and the
// annual report. Every issue is stored in `Report` with its parameters, the catalogue
// versions, a hash of the data it used and a checksum of the bytes, so a re-issue can be
// compared byte for byte and a change in the data since the last issue is visible.
import { DEFAULT_INSTANSI } from "../domain/instansi.js";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Config } from "../config/config.js";
import type { HubContext } from "../context.js";
import type { components } from "../generated/api.js";
import { WITA_OFFSET_MS } from "../domain/time.js";
import { DomainError } from "../domain/errors.js";
import {
  TemplateError,
  defaultAnnualTemplates,
  renderChapters,
} from "../reports/annual.templates.js";
import { writeAnnualPdf } from "../reports/annual.pdf.js";
import { writeAnnualXlsx } from "../reports/annual.xlsx.js";
import { writeMonthlyCsv } from "../reports/monthly.csv.js";
import { writeMonthlyPdf } from "../reports/monthly.pdf.js";
import { writeMonthlyXlsx } from "../reports/monthly.xlsx.js";
import { scrubPersons, type Identity } from "../reports/columns.js";
import { identityAccess } from "../pdp/confidential.js";
import type {
  AnnualReportInput,
  AnnualTemplate,
  MonthlyRow,
  OfficeInfo,
  PerMonth,
  PlainDate,
} from "../reports/report.types.js";
import { annualCounts, type AnnualCounts } from "./annual-counts.service.js";
import { audit } from "./audit.service.js";
import { loadCalendar } from "./calendar.service.js";

export type ReportKind = "monthly" | "annual";
export type ReportFormat = "csv" | "xlsx" | "pdf" | "json";

export const MONTHLY_FORMATS: readonly ReportFormat[] = ["xlsx", "pdf", "csv"];
export const ANNUAL_FORMATS: readonly ReportFormat[] = ["json", "pdf", "xlsx"];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
  json: "application/json; charset=utf-8",
};

// The office a report is about: the caller's instansi over the API, this default from the CLI.

export type Actor = { id: string; username: string } | null;

export type IssueRequest = {
  kind: ReportKind;
  format: ReportFormat;
  year: number;
  /** 1–12, monthly only. */
  month?: number;
  /** `YYYY-MM-DD`; default the last day of the period. */
  signDate?: PlainDate;
  /** Tenant; defaults to DEFAULT_INSTANSI. */
  instansi?: string;
  actor: Actor;
  ip?: string | undefined;
  requestId?: string | undefined;
};

export type IssuedReport = {
  id: string;
  kind: ReportKind;
  format: ReportFormat;
  fileName: string;
  contentType: string;
  bytes: Buffer;
  checksum: string;
  dataHash: string;
  /** The data differs from the previous issue of the same report (kind and period). */
  dataChanged: boolean;
  previousReportId: string | null;
  /** Annual only: the figures (the JSON format's body). */
  counts?: AnnualCounts;
};

// ---------------------------------------------------------------------------------------
// Periods and the office block

const pad2 = (n: number): string => String(n).padStart(2, "0");

export function monthBounds(year: number, month: number): { from: Date; to: Date } {
  return {
    from: new Date(Date.UTC(year, month - 1, 1) - WITA_OFFSET_MS),
    to: new Date(Date.UTC(year, month, 1) - WITA_OFFSET_MS),
  };
}

export function lastDayOfMonth(year: number, month: number): PlainDate {
  const d = new Date(Date.UTC(year, month, 0));
  return `${year}-${pad2(month)}-${pad2(d.getUTCDate())}`;
}

/**
 * The default sign date of a monthly report: the last working day of the month by the
 * hub's working-day calendar (holidays, cuti bersama and the admin's overrides), never a
 * Sunday or a holiday.
 */
export async function lastWorkingDayOfMonth(
  ctx: HubContext,
  year: number,
  month: number,
): Promise<PlainDate> {
  const calendar = await loadCalendar(ctx);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  for (let day = last; day >= 1; day--) {
    const iso = `${year}-${pad2(month)}-${pad2(day)}`;
    if (calendar.isWorkingDay(iso)) return iso;
  }
  return lastDayOfMonth(year, month);
}

export function parseMonth(value: string, field = "month"): { year: number; month: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(value);
  const year = m ? Number(m[1]) : NaN;
  const month = m ? Number(m[2]) : NaN;
  if (!m || month < 1 || month > 12 || year < 2000 || year > 2100) {
    throw new DomainError("VALIDATION_FAILED", "Bulan harus berbentuk YYYY-MM", {
      fields: [{ field, message: "format YYYY-MM, mis. 2023-01" }],
    });
  }
  return { year, month };
}

export function parseSignDate(value: string, field = "signDate"): PlainDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.toISOString().slice(0, 10) !== value) {
    throw new DomainError("VALIDATION_FAILED", "Tanggal tanda tangan harus YYYY-MM-DD", {
      fields: [{ field, message: "tanggal YYYY-MM-DD yang ada, mis. 2023-01-31" }],
    });
  }
  return value;
}

export function officeInfo(config: Config, signDate: PlainDate): OfficeInfo {
  return {
    kabupaten: "TABALONG",
    kepalaDinas: {
      name: config.ADUAN_KEPALA_DINAS_NAME,
      pangkat: config.ADUAN_KEPALA_DINAS_PANGKAT,
      nip: config.ADUAN_KEPALA_DINAS_NIP,
    },
    place: config.ADUAN_REPORT_PLACE,
    signDate,
  };
}

// ---------------------------------------------------------------------------------------
// Monthly rows

const STATUS_LABEL: Record<string, string> = {
  selesai: "Selesai",
  tidak_dapat_ditindaklanjuti: "Tidak Dapat Ditindaklanjuti",
};

function contains(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

// An address that already names a kecamatan or a desa/kelurahan (however misspelt: "Kec.
// Murung Puduk", "KecTanta") is printed as written; the corrected name is not appended.
const NAMES_KECAMATAN = /(?:^|[^A-Za-z])(?:[Kk]ec(?:amatan)?|KEC(?:AMATAN)?)(?![a-z])/;
const NAMES_DESA = /(?:^|[^A-Za-z])(?:[Dd]s|[Dd]esa|[Kk]el|[Kk]elurahan|DS|DESA|KEL)(?![a-z])/;

/** ALAMAT as written, completed with desa/kecamatan when the address does not name them. */
export function alamatOf(p: {
  alamat: string | null;
  desa: string | null;
  kecamatan: string | null;
}): string | null {
  const parts: string[] = [];
  const alamat = p.alamat?.trim() ?? "";
  if (alamat) parts.push(alamat);
  if (p.desa && !contains(alamat, p.desa) && !NAMES_DESA.test(alamat)) parts.push(`Desa ${p.desa}`);
  if (p.kecamatan && !contains(alamat, p.kecamatan) && !NAMES_KECAMATAN.test(alamat))
    parts.push(`Kec. ${p.kecamatan}`);
  return parts.length ? parts.join(", ") : null;
}

type LegacyInfo = { rowNo: number; tanggal: string | null; review: { text: string }[] };

function legacyInfoOf(value: unknown): LegacyInfo | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Partial<Record<keyof LegacyInfo, unknown>>;
  return {
    rowNo: typeof v.rowNo === "number" ? v.rowNo : 0,
    tanggal: typeof v.tanggal === "string" ? v.tanggal : null,
    // Only the open points: those staff checked (resolvedAt) no longer mark the row.
    review: Array.isArray(v.review)
      ? v.review
          .filter(
            (r): r is { text: string } =>
              typeof (r as { text?: unknown })?.text === "string" &&
              !(r as { resolvedAt?: unknown }).resolvedAt,
          )
          .map((r) => ({ text: r.text }))
      : [],
  };
}

/**
 * The rows of one WITA month. A row imported from the old logs belongs to the month of the
 * sheet it was filed in (legacyPeriod), in the sheet's order, whatever date it carries (a
 * doubtful date is a review point, printed below the table); every other case belongs to
 * the month of its receipt, ordered by receivedAt, after the imported rows.
 */
export async function monthlyRows(
  ctx: HubContext,
  year: number,
  month: number,
  instansi = DEFAULT_INSTANSI,
): Promise<{ rows: MonthlyRow[]; caseIds: string[] }> {
  const { from, to } = monthBounds(year, month);
  const period = `${year}-${pad2(month)}`;
  const found = await ctx.db.prisma.case.findMany({
    where: {
      instansi,
      OR: [{ legacyPeriod: period }, { legacyPeriod: null, receivedAt: { gte: from, lt: to } }],
    },
    orderBy: [{ receivedAt: "asc" }, { number: "asc" }],
    include: {
      parties: { orderBy: { createdAt: "asc" } },
      findings: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1 },
    },
  });
  const info = new Map(found.map((c) => [c.id, legacyInfoOf(c.legacyInfo)]));
  const legacyRows = found
    .filter((c) => c.legacyPeriod !== null)
    .sort((a, b) => (info.get(a.id)?.rowNo ?? 0) - (info.get(b.id)?.rowNo ?? 0));
  const cases = [...legacyRows, ...found.filter((c) => c.legacyPeriod === null)];
  const rows = cases.map((c): MonthlyRow => {
    const legacy = c.legacyPeriod !== null ? info.get(c.id) : null;
    const p = c.parties.find((x) => x.role === "pelapor");
    const f = c.findings[0];
    const phones = p ? [p.phoneE164, ...p.altPhones].filter((x): x is string => !!x) : [];
    // A party under a UU PDP restriction is not exported: whoever it is (pelapor, atas nama,
    // a further pelapor), its name and phones are scrubbed from the free text, and the
    // identity columns (the pelapor's) are hidden when the pelapor is restricted.
    const restricted = c.parties.filter((x) => x.restricted);
    const hidden: Identity[] = restricted.map((x) => ({
      nama: x.name,
      phones: [x.phoneE164, ...x.altPhones].filter((v): v is string => !!v),
    }));
    // The finding names its person as recorded on the finding (it may be spelled
    // differently from the party): hidden too when it is about a restricted party.
    if (
      f?.personName &&
      restricted.some((x) => x.role === f.personRole || (!!x.nikHash && x.nikHash === f.nikHash))
    ) {
      hidden.push({ nama: f.personName, phones: [] });
    }
    const scrub = (text: string) => (hidden.length ? scrubPersons(text, hidden) : text);
    return {
      receivedAt: c.receivedAt,
      nama: p?.name ?? null,
      phones,
      alamat: p
        ? alamatOf({
            alamat: p.alamat,
            desa: p.desa ?? c.desa,
            kecamatan: p.kecamatan ?? c.kecamatan,
          })
        : alamatOf({ alamat: null, desa: c.desa, kecamatan: c.kecamatan }),
      keperluan: scrub(c.keperluan),
      tindakLanjut: scrub(STATUS_LABEL[c.status] ?? c.tindakLanjutLabel ?? "Dalam Proses"),
      narasi: scrub(f ? (f.narasiEdited ?? f.narasiGenerated) : (c.historicalNarasi ?? "")),
      // The identity columns are masked (and the pelapor scrubbed from the text) when the
      // rahasia rule hides the pelapor from exports (rahasia, anonim) or the pelapor is
      // restricted (UU PDP).
      rahasia: !identityAccess(null, c, "pelapor", "export").contact || (p?.restricted ?? false),
      ...(legacy?.tanggal ? { tanggalText: legacy.tanggal } : {}),
      ...(legacy?.review.length ? { review: legacy.review.map((r) => scrub(r.text)) } : {}),
    };
  });
  return { rows, caseIds: cases.map((c) => c.id) };
}

function canonicalMonthlyRows(rows: readonly MonthlyRow[]): unknown[] {
  return rows.map((r) => [
    r.receivedAt instanceof Date ? r.receivedAt.toISOString() : r.receivedAt,
    r.nama,
    [...r.phones],
    r.alamat,
    r.keperluan,
    r.tindakLanjut,
    r.narasi,
    r.rahasia,
    // Only imported rows carry these: native rows hash as they always did.
    ...(r.tanggalText || r.review?.length ? [r.tanggalText ?? null, [...(r.review ?? [])]] : []),
  ]);
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

// ---------------------------------------------------------------------------------------
// Catalogues

const CATALOGUE_KINDS = ["reason_codes", "jenis", "annual_templates"] as const;

/** Current version per catalogue kind: "db:<n>" from CatalogueVersion, else "file:1". */
export async function catalogueVersions(ctx: HubContext): Promise<Record<string, string>> {
  const rows = await ctx.db.sql.query<{ kind: string; version: number }>(
    `SELECT kind, max(version)::int AS version FROM "CatalogueVersion" GROUP BY kind ORDER BY kind`,
  );
  const out: Record<string, string> = {};
  for (const k of CATALOGUE_KINDS) out[k] = "file:1";
  for (const r of rows) out[r.kind.replace(/-/g, "_")] = `db:${r.version}`;
  return out;
}

export const AnnualTemplatesSchema = z
  .array(
    z
      .object({
        id: z.string().regex(/^[a-z0-9_]{1,40}$/, "huruf kecil, angka dan _ saja"),
        title: z.string().min(1).max(200),
        body: z.string().max(50_000),
      })
      .strict(),
  )
  .min(1)
  .max(30)
  .refine((a) => new Set(a.map((t) => t.id)).size === a.length, "id bab harus unik");

export type AnnualTemplatesState = {
  version: number | null;
  source: "file" | "admin";
  templates: AnnualTemplate[];
  createdAt: Date | null;
};

export async function loadAnnualTemplates(ctx: HubContext): Promise<AnnualTemplatesState> {
  const row = await ctx.db.prisma.catalogueVersion.findFirst({
    where: { kind: "annual_templates" },
    orderBy: { version: "desc" },
  });
  if (!row) {
    return {
      version: null,
      source: "file",
      templates: defaultAnnualTemplates.map((t) => ({ ...t })),
      createdAt: null,
    };
  }
  const parsed = AnnualTemplatesSchema.safeParse(row.data);
  if (!parsed.success) {
    // A stored version is validated on write; a broken row is a bug worth stopping for.
    throw new DomainError("INTERNAL", "Templat laporan tahunan tersimpan tidak valid");
  }
  return {
    version: row.version,
    source: row.source === "file" ? "file" : "admin",
    templates: parsed.data,
    createdAt: row.createdAt,
  };
}

const EMPTY_FIGURES: Omit<AnnualReportInput, "chapters" | "office"> = {
  year: 2000,
  perJenis: [{ kode: "X", nama: "X", jumlah: 0 }],
  perMedia: [{ media: "x", nama: "X", jumlah: 0 }],
  perStatus: { selesai: 0, dalamProses: 0, tidakDapatDitindaklanjuti: 0 },
  perMonth: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  waktuPenyelesaian: {
    rataRata: null,
    median: null,
    perKelas: { ringan: 0, sedang: 0, khusus: 0, melewatiBatas: 0 },
  },
};

/** Validates with the renderer itself, so anything it accepts here it can print later. */
export function validateAnnualTemplates(config: Config, input: unknown): AnnualTemplate[] {
  const parsed = AnnualTemplatesSchema.safeParse(input);
  if (!parsed.success) {
    throw new DomainError("VALIDATION_FAILED", "Templat laporan tahunan tidak valid", {
      fields: parsed.error.issues.map((i) => ({
        field: ["body", "templates", ...i.path].join("."),
        message: i.message,
      })),
    });
  }
  parsed.data.forEach((t, i) => {
    try {
      renderChapters({
        ...EMPTY_FIGURES,
        office: officeInfo(config, "2000-12-31"),
        chapters: [t],
      });
    } catch (e) {
      if (e instanceof TemplateError) {
        throw new DomainError("TEMPLATE_INVALID", e.message, {
          fields: [{ field: `body.templates.${i}`, message: e.message }],
        });
      }
      throw e;
    }
  });
  return parsed.data;
}

export async function saveAnnualTemplates(
  ctx: HubContext,
  input: unknown,
  opts: { actor: Actor; note?: string | undefined; ip?: string | undefined; requestId?: string },
): Promise<AnnualTemplatesState> {
  const templates = validateAnnualTemplates(ctx.config, input);
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const last = await tx.catalogueVersion.findFirst({
      where: { kind: "annual_templates" },
      orderBy: { version: "desc" },
      select: { version: true },
    });
    const created = await tx.catalogueVersion.create({
      data: {
        kind: "annual_templates",
        version: (last?.version ?? 0) + 1,
        source: "admin",
        data: templates.map((t) => ({ id: t.id, title: t.title, body: t.body })),
        note: opts.note ?? null,
        createdById: opts.actor?.id ?? null,
      },
    });
    await audit(tx, {
      actor: opts.actor,
      action: "catalogue.annual_templates.update",
      purpose: "ubah templat laporan tahunan",
      ip: opts.ip,
      requestId: opts.requestId,
      data: { version: created.version },
    });
    return created;
  });
  return { version: row.version, source: "admin", templates, createdAt: row.createdAt };
}

// ---------------------------------------------------------------------------------------
// Issuing

function periodeOf(year: number, month?: number): string {
  return month === undefined ? String(year) : `${year}-${pad2(month)}`;
}

export function reportFileName(kind: ReportKind, periode: string, format: ReportFormat): string {
  return kind === "monthly"
    ? `laporan-pengaduan-slrt-serasi-${periode}.${format}`
    : `laporan-tahunan-pengaduan-${periode}.${format}`;
}

function annualInput(
  counts: AnnualCounts,
  office: OfficeInfo,
  chapters: AnnualTemplate[],
): AnnualReportInput {
  return {
    year: counts.year,
    office,
    perJenis: counts.perJenis,
    perMedia: counts.perMedia,
    perStatus: {
      selesai: counts.perStatus.selesai,
      dalamProses: counts.perStatus.dalamProses,
      tidakDapatDitindaklanjuti: counts.perStatus.tidakDapatDitindaklanjuti,
    },
    perMonth: counts.perMonth as unknown as PerMonth,
    waktuPenyelesaian: {
      rataRata: counts.waktuPenyelesaian.rataRata,
      median: counts.waktuPenyelesaian.median,
      perKelas: counts.waktuPenyelesaian.perKelas,
      tidakTercatat: counts.waktuPenyelesaian.tidakTercatat,
    },
    chapters,
  };
}

export async function issueReport(ctx: HubContext, req: IssueRequest): Promise<IssuedReport> {
  const instansi = req.instansi ?? DEFAULT_INSTANSI;
  const allowed = req.kind === "monthly" ? MONTHLY_FORMATS : ANNUAL_FORMATS;
  if (!allowed.includes(req.format)) {
    throw new DomainError("VALIDATION_FAILED", `Format tidak didukung: ${req.format}`, {
      fields: [{ field: "format", message: `salah satu dari ${allowed.join(", ")}` }],
      allowed: [...allowed],
    });
  }
  if (req.kind === "monthly" && req.month === undefined) {
    throw new DomainError("VALIDATION_FAILED", "Bulan wajib diisi", {
      fields: [{ field: "month", message: "YYYY-MM" }],
    });
  }
  const periode = periodeOf(req.year, req.kind === "monthly" ? req.month : undefined);
  const signDate =
    req.signDate ??
    (req.kind === "monthly"
      ? await lastWorkingDayOfMonth(ctx, req.year, req.month!)
      : `${req.year}-12-31`);
  const office = officeInfo(ctx.config, signDate);
  const versions = await catalogueVersions(ctx);

  let bytes: Buffer;
  let dataHash: string;
  let counts: AnnualCounts | undefined;
  let rowCount: number;
  // The cases whose rows are in the file (monthly only: the annual report is counts).
  let caseIds: string[] = [];
  if (req.kind === "monthly") {
    const monthly = await monthlyRows(ctx, req.year, req.month!, instansi);
    const rows = monthly.rows;
    caseIds = monthly.caseIds;
    rowCount = rows.length;
    dataHash = sha256(JSON.stringify(canonicalMonthlyRows(rows)));
    const input = { year: req.year, month: req.month!, office, rows };
    bytes =
      req.format === "csv"
        ? await writeMonthlyCsv(input)
        : req.format === "xlsx"
          ? await writeMonthlyXlsx(input)
          : await writeMonthlyPdf(input);
  } else {
    counts = await annualCounts(ctx, req.year, instansi);
    rowCount = counts.total;
    dataHash = sha256(JSON.stringify(counts));
    if (req.format === "json") {
      bytes = Buffer.from(JSON.stringify(counts), "utf8");
    } else {
      const { templates } = await loadAnnualTemplates(ctx);
      const input = annualInput(counts, office, templates);
      bytes = req.format === "xlsx" ? await writeAnnualXlsx(input) : await writeAnnualPdf(input);
    }
  }
  const checksum = sha256(bytes);
  const fileName = reportFileName(req.kind, periode, req.format);
  const params = { periode, format: req.format, signDate };

  const { report, previous } = await ctx.db.prisma.$transaction(async (tx) => {
    // The previous issue of the same report over the same period, whatever its format or
    // sign date: the data behind it does not depend on either.
    const prev = await tx.report.findFirst({
      where: {
        instansi,
        kind: req.kind,
        params: { path: ["periode"], equals: periode },
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true, dataHash: true },
    });
    const created = await tx.report.create({
      data: {
        instansi,
        kind: req.kind,
        format: req.format,
        params,
        catalogueVersions: versions,
        dataHash,
        checksum,
        fileName,
        size: bytes.length,
        content: new Uint8Array(bytes),
        createdById: req.actor?.id ?? null,
      },
      select: { id: true },
    });
    // The file holds names, phones and addresses (monthly) of many people: audited as one
    // export of personal data. The case ids (ids only, never names) let the breach report
    // and a subject access export name the people whose rows were in it.
    await audit(tx, {
      actor: req.actor,
      instansi,
      action: `report.${req.kind}.export`,
      fields: req.kind === "monthly" ? ["nama", "phone", "alamat", "keperluan", "narasi"] : [],
      purpose: req.kind === "monthly" ? "laporan bulanan SLRT SERASI" : "laporan tahunan",
      ip: req.ip,
      requestId: req.requestId,
      data: {
        reportId: created.id,
        periode,
        format: req.format,
        rows: rowCount,
        checksum,
        ...(req.kind === "monthly" ? { caseIds } : {}),
      },
    });
    return { report: created, previous: prev };
  });
  return {
    id: report.id,
    kind: req.kind,
    format: req.format,
    fileName,
    contentType: CONTENT_TYPES[req.format],
    bytes,
    checksum,
    dataHash,
    dataChanged: previous !== null && previous.dataHash !== dataHash,
    previousReportId: previous?.id ?? null,
    ...(counts ? { counts } : {}),
  };
}

/** A stored report as the list shows it (the spec's IssuedReport). */
export type ReportSummary = components["schemas"]["IssuedReport"];

export async function listReports(
  ctx: HubContext,
  filter: { kind?: string | undefined; limit?: number | undefined; instansi?: string | undefined },
): Promise<ReportSummary[]> {
  const rows = await ctx.db.sql.query<
    Omit<ReportSummary, "createdAt" | "createdBy"> & { createdAt: Date; username: string | null }
  >(
    `SELECT r.id, r.kind, r.format, r.params, r."catalogueVersions", r."dataHash", r.checksum,
            r."fileName", r.size, r."createdAt", u.username
     FROM "Report" r LEFT JOIN "User" u ON u.id = r."createdById"
     WHERE r.instansi = $1 AND ($2::text IS NULL OR r.kind = $2)
     ORDER BY r."createdAt" DESC, r.id DESC
     LIMIT $3`,
    [filter.instansi ?? DEFAULT_INSTANSI, filter.kind ?? null, filter.limit ?? 100],
  );
  return rows.map(({ createdAt, username, ...r }) => ({
    ...r,
    createdAt: new Date(createdAt).toISOString(),
    createdBy: username,
  }));
}

/**
 * The case ids recorded when a stored report was issued (its export row is written in the
 * same transaction as the Report row, so it is looked for around the report's createdAt);
 * null for reports issued before the ids were recorded.
 */
async function exportedCaseIds(
  ctx: HubContext,
  report: { id: string; kind: string; createdAt: Date },
): Promise<string[] | null> {
  const margin = 60 * 60 * 1000;
  const rows = await ctx.db.prisma.auditLog.findMany({
    where: {
      action: `report.${report.kind}.export`,
      caseId: null,
      at: {
        gte: new Date(report.createdAt.getTime() - margin),
        lte: new Date(report.createdAt.getTime() + margin),
      },
      data: { path: ["reportId"], equals: report.id },
    },
    select: { data: true },
    take: 1,
  });
  const ids = (rows[0]?.data as { caseIds?: unknown } | null | undefined)?.caseIds;
  return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === "string") : null;
}

export async function reportFile(
  ctx: HubContext,
  id: string,
  opts: {
    actor: Actor;
    instansi?: string | undefined;
    ip?: string | undefined;
    requestId?: string | undefined;
  },
): Promise<{ fileName: string; contentType: string; bytes: Buffer; checksum: string }> {
  const row = await ctx.db.prisma.report.findFirst({
    where: { id, instansi: opts.instansi ?? DEFAULT_INSTANSI },
  });
  if (!row) throw new DomainError("NOT_FOUND", "Laporan tidak ditemukan");
  // A download hands out the same people as the issue did: its row carries the same case ids.
  const caseIds = row.kind === "monthly" ? await exportedCaseIds(ctx, row) : null;
  await audit(ctx.db.prisma, {
    actor: opts.actor,
    instansi: row.instansi,
    action: `report.${row.kind}.download`,
    fields: row.kind === "monthly" ? ["nama", "phone", "alamat", "keperluan", "narasi"] : [],
    purpose: "unduh laporan tersimpan",
    ip: opts.ip,
    requestId: opts.requestId,
    data: { reportId: row.id, checksum: row.checksum, ...(caseIds ? { caseIds } : {}) },
  });
  const format = row.format as ReportFormat;
  return {
    fileName: row.fileName,
    contentType: CONTENT_TYPES[format] ?? "application/octet-stream",
    bytes: Buffer.from(row.content),
    checksum: row.checksum,
  };
}
