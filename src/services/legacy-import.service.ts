// Import of the office's old monthly complaint logs (TSV, the whole seed document, or
// XLSX) as closed cases. The parser (src/domain/legacy) reads the rows and reports every
// anomaly; this service maps rows to cases in ONE transaction per file, adds its own
// anomalies (phones it cannot use, dates it had to assume, unusual TINDAK LANJUT) and
// stores the run with its full report. Re-importing the same rows is a no-op: the row
// fingerprint is the case's external id.
import { createHash } from "node:crypto";
import type { HubContext } from "../context.js";
import type { components } from "../generated/api.js";
import type { Prisma } from "../generated/prisma/client.js";
import {
  parseLegacyText,
  type ImportAnomaly,
  type LegacyRow,
} from "../domain/legacy/legacy-log.parser.js";
import { parseLegacyXlsx } from "../domain/legacy/legacy-xlsx.parser.js";
import {
  checkTextLimits,
  ImportLimitError,
  importLimitsOf,
} from "../domain/uploads/import-limits.js";
import { normalizePhone } from "../domain/phone.js";
import { inferReasonCode } from "../domain/reason-inference.js";
import { WITA_OFFSET_MS } from "../domain/time.js";
import { DomainError, notFound } from "../domain/errors.js";
import { audit } from "./audit.service.js";
import type { AuthUser } from "./auth.service.js";
import { intakeActor } from "./cases.service.js";
import {
  loadIntakeEnv,
  prepareIntake,
  SYSTEM_ACTORS,
  writeIntake,
  type CaseDraft,
  type IntakeActor,
} from "../intake/pipeline.js";
import { DEFAULT_INSTANSI } from "../domain/instansi.js";
import { currentReasonCatalogue } from "./catalogue.service.js";
import { CLOSED_AT_UNRECORDED, type Media } from "../domain/legacy/legacy-case.js";

export type ImportRunDto = components["schemas"]["ImportRun"];
export const IMPORT_KIND_LEGACY = "legacy_log";
export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

type CaseStatus = "selesai" | "tidak_dapat_ditindaklanjuti" | "ditindaklanjuti";

/** XLSX by its zip magic bytes or its extension; everything else is read as UTF-8 text. */
export function detectFormat(bytes: Buffer, fileName: string): "xlsx" | "text" {
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return "xlsx";
  return /\.xlsx$/i.test(fileName) ? "xlsx" : "text";
}

// The monthly logs only list complaints that were served, so "Selesai" is the norm; other
// wording is mapped by meaning and always reported.
export function mapTindakLanjut(label: string): {
  status: CaseStatus;
  anomaly: { problem: string; action: string } | null;
} {
  const t = label.replace(/\s+/g, " ").trim().toLowerCase();
  if (t === "selesai") return { status: "selesai", anomaly: null };
  if (t === "")
    return {
      status: "selesai",
      anomaly: {
        problem: "TINDAK LANJUT kosong",
        action: "dicatat selesai: log bulanan hanya memuat aduan yang telah dilayani",
      },
    };
  if (/tidak (dapat|bisa)|ditolak|tidak memenuhi|bukan kewenangan/.test(t))
    return {
      status: "tidak_dapat_ditindaklanjuti",
      anomaly: {
        problem: `TINDAK LANJUT "${label}" bukan "Selesai"`,
        action: "dicatat tidak dapat ditindaklanjuti",
      },
    };
  if (/proses|menunggu|dirujuk|rujuk|diteruskan|belum/.test(t))
    return {
      status: "ditindaklanjuti",
      anomaly: {
        problem: `TINDAK LANJUT "${label}" bukan "Selesai"`,
        action: "dicatat masih ditindaklanjuti (kasus dibiarkan terbuka, tanpa tanggal selesai)",
      },
    };
  return {
    status: "selesai",
    anomaly: {
      problem: `TINDAK LANJUT "${label}" tidak dikenal`,
      action: "dicatat selesai; label asli disimpan pada kasus",
    },
  };
}

// 08:00 WITA, the office's opening hour: the logs carry a date, not a time.
function atOpening(date: string): Date {
  return new Date(Date.parse(`${date}T08:00:00Z`) - WITA_OFFSET_MS);
}

type Draft = {
  row: LegacyRow;
  receivedAt: Date;
  status: CaseStatus;
  phone: string | null;
  altPhones: string[];
  reasonCode: string | null;
};

function draftRow(
  row: LegacyRow,
  knownCodes: ReadonlySet<string>,
  anomalies: ImportAnomaly[],
): Draft | null {
  const add = (field: string, problem: string, action: string) =>
    anomalies.push({ sheet: row.sheet, row: row.rowIndex, field, problem, action });
  let date = row.date;
  if (date === null) {
    const sheet = /^(\d{4})-(\d{2})$/.exec(row.sheet);
    if (!sheet) {
      add(
        "tanggal",
        `tanggal "${row.rawDate}" tidak terbaca dan bulan lembar tidak diketahui`,
        "baris tidak diimpor",
      );
      return null;
    }
    date = `${sheet[1]}-${sheet[2]}-01`;
    add(
      "tanggal",
      row.rawDate.trim() === "" ? "tanggal kosong" : `tanggal "${row.rawDate}" tidak terbaca`,
      `dipakai tanggal 1 bulan lembar (${date})`,
    );
  }
  const valid: string[] = [];
  for (const raw of row.phones) {
    const r = normalizePhone(raw);
    if (r.ok) {
      if (!valid.includes(r.value)) valid.push(r.value);
    } else add("noHp", `nomor HP tidak valid: "${raw}"`, "nomor tidak disimpan");
  }
  const tl = mapTindakLanjut(row.tindakLanjut);
  if (tl.anomaly) add("tindakLanjut", tl.anomaly.problem, tl.anomaly.action);
  let reasonCode = row.narasi.trim() ? inferReasonCode(row.narasi) : null;
  if (reasonCode !== null && !knownCodes.has(reasonCode)) {
    add(
      "narasi",
      `kode alasan ${reasonCode} dikenali dari narasi tetapi tidak ada di katalog saat ini`,
      "kode alasan dikosongkan",
    );
    reasonCode = null;
  }
  return {
    row,
    receivedAt: atOpening(date),
    status: tl.status,
    phone: valid[0] ?? null,
    altPhones: valid.slice(1),
    reasonCode,
  };
}

export type ImportInput = {
  bytes: Buffer;
  fileName: string;
  actor: AuthUser | null;
  /** With no actor (the CLI's --instansi): the office imported into; default office else. */
  instansi?: string | undefined;
  meta?: { ip?: string | undefined; requestId?: string | undefined };
};

export async function importLegacy(ctx: HubContext, input: ImportInput): Promise<ImportRunDto> {
  if (input.bytes.length === 0)
    throw new DomainError("IMPORT_EMPTY", "Berkas kosong", {
      fields: [{ field: "body", message: "berkas kosong" }],
    });
  const fileSha256 = createHash("sha256").update(input.bytes).digest("hex");
  const format = detectFormat(input.bytes, input.fileName);
  const run = await ctx.db.prisma.importRun.create({
    data: {
      kind: IMPORT_KIND_LEGACY,
      fileName: input.fileName,
      fileSha256,
      actorId: input.actor?.id ?? null,
      instansi: input.actor?.instansi ?? input.instansi ?? DEFAULT_INSTANSI,
      startedAt: ctx.clock(),
    },
  });
  try {
    let parsed;
    const limits = importLimitsOf(ctx.config);
    try {
      if (format === "xlsx") parsed = await parseLegacyXlsx(input.bytes, limits);
      else {
        checkTextLimits(input.bytes, limits, "\t");
        parsed = parseLegacyText(input.bytes.toString("utf8"));
      }
    } catch (e) {
      if (e instanceof ImportLimitError) throw e;
      throw new DomainError(
        "IMPORT_UNREADABLE",
        `Berkas ${format === "xlsx" ? "XLSX" : "teks"} tidak dapat dibaca: ${e instanceof Error ? e.message : String(e)}`,
        { fields: [{ field: "body", message: "format tidak terbaca" }] },
      );
    }
    const anomalies: ImportAnomaly[] = [...parsed.anomalies];
    const catalogue = await currentReasonCatalogue(ctx);
    const known = new Set(catalogue.codes.map((c) => c.id));
    const drafts: Draft[] = [];
    let failed = 0;
    for (const row of parsed.rows) {
      const d = draftRow(row, known, anomalies);
      if (d) drafts.push(d);
      else failed++;
    }

    const instansi = input.actor?.instansi ?? input.instansi ?? DEFAULT_INSTANSI;
    const caseDrafts: CaseDraft[] = drafts.map((d) => ({
      channel: "legacy_import",
      externalId: d.row.fingerprint,
      // The cases belong to the importing admin's office; the CLI's to --instansi (default).
      instansi,
      receivedAt: d.receivedAt,
      status: d.status,
      // The logs do not say when a complaint was completed. closedAt is kept at the day of
      // receipt (retention counts from it) but flagged as not recorded: the completion-time
      // figures (table 3.4) count only closures that were recorded.
      closedAt: d.status !== "ditindaklanjuti" ? d.receivedAt : null,
      ...(d.status !== "ditindaklanjuti" ? { flags: [CLOSED_AT_UNRECORDED] } : {}),
      keperluan: d.row.keperluan,
      desa: d.row.desa ?? null,
      kecamatan: d.row.kecamatan ?? null,
      legacy: {
        historicalNarasi: d.row.narasi.trim() || null,
        tindakLanjutLabel: d.row.tindakLanjut.trim() || null,
        reasonCode: d.reasonCode,
        sumber: `impor ${input.fileName} ${d.row.sheet} baris ${d.row.rowIndex}`,
        // The row stays in the report of the sheet it was filed in, whatever its date says.
        period: /^\d{4}-\d{2}$/.test(d.row.sheet) ? d.row.sheet : null,
        info: { rowNo: d.row.rowIndex, tanggal: d.row.rawDate, review: d.row.review },
      },
      parties: [
        {
          role: "pelapor",
          name: d.row.nama || null,
          phoneE164: d.phone,
          altPhones: d.altPhones,
          alamat: d.row.alamat || null,
          desa: d.row.desa ?? null,
          kecamatan: d.row.kecamatan ?? null,
        },
      ],
      eventType: "case.imported",
      eventData: { importRunId: run.id, sheet: d.row.sheet, row: d.row.rowIndex },
      purpose: "impor log pengaduan lama",
    }));
    const env = await loadIntakeEnv(ctx);
    const actor: IntakeActor = input.actor
      ? intakeActor(input.actor)
      : { kind: "system", name: SYSTEM_ACTORS.legacy };
    const counts = await ctx.db.prisma.$transaction(
      async (tx) => {
        const existing = await tx.case.findMany({
          where: {
            instansi,
            channel: "legacy_import",
            externalId: { in: caseDrafts.map((d) => d.externalId as string) },
          },
          select: { externalId: true },
        });
        const seen = new Set(existing.map((e) => e.externalId));
        const fresh = caseDrafts.filter((d) => !seen.has(d.externalId as string));
        const prepared = prepareIntake(ctx, env, fresh);
        const written = await writeIntake(tx, ctx, actor, prepared.cases, input.meta ?? {});
        const created = written.filter((w) => w !== null).length;
        await audit(tx, {
          actor: input.actor,
          action: "import.legacy",
          fields: created > 0 ? ["name", "phone", "alamat"] : [],
          purpose: "impor log pengaduan lama",
          data: { importRunId: run.id, created, fileSha256 },
          ...(input.meta ?? {}),
        });
        return { created, unchanged: drafts.length - created };
      },
      // One file, one transaction: a few thousand rows must fit.
      { timeout: 120_000, maxWait: 10_000 },
    );

    const done = await ctx.db.prisma.importRun.update({
      where: { id: run.id },
      data: {
        status: "succeeded",
        finishedAt: ctx.clock(),
        rows: parsed.rows.length,
        created: counts.created,
        unchanged: counts.unchanged,
        failed,
        anomalies: reportOf(anomalies) as unknown as Prisma.InputJsonValue,
      },
    });
    ctx.logger.info(
      {
        importRunId: run.id,
        rows: done.rows,
        created: done.created,
        unchanged: done.unchanged,
        failed: done.failed,
        anomalies: anomalies.length,
      },
      "legacy import finished",
    );
    return toDto(done);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await ctx.db.prisma.importRun.update({
      where: { id: run.id },
      data: { status: "failed", finishedAt: ctx.clock(), error: message.slice(0, 2000) },
    });
    throw e;
  }
}

// A file of 20,000 odd rows yields ~100,000 anomalies quoting whole lines: stored and
// answered in full that was a 30 MB JSON report and a hub past 1.5 GB. The report keeps the
// first ones, each text cut to a readable length, and says how many more there were.
export const MAX_REPORTED_ANOMALIES = 1000;
const MAX_ANOMALY_TEXT = 500;

function reportOf(anomalies: ImportAnomaly[]): ImportAnomaly[] {
  const cut = (t: string) =>
    t.length > MAX_ANOMALY_TEXT ? `${t.slice(0, MAX_ANOMALY_TEXT - 1)}…` : t;
  const kept = anomalies.slice(0, MAX_REPORTED_ANOMALIES).map((a) => ({
    ...a,
    problem: cut(a.problem),
    action: cut(a.action),
    ...(a.raw !== undefined ? { raw: cut(a.raw) } : {}),
  }));
  const more = anomalies.length - kept.length;
  if (more > 0)
    kept.push({
      sheet: "-",
      row: null,
      field: "-",
      problem: `${more.toLocaleString("id-ID")} anomali lain tidak dimuat dalam laporan`,
      action: "perbaiki anomali di atas lalu impor ulang berkas untuk melihat sisanya",
    });
  return kept;
}

type RunRow = Prisma.ImportRunGetPayload<object>;

function toDto(r: RunRow): ImportRunDto {
  return {
    id: r.id,
    kind: r.kind,
    fileName: r.fileName,
    fileSha256: r.fileSha256,
    status: r.status as ImportRunDto["status"],
    rows: r.rows,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    failed: r.failed,
    anomalies: (Array.isArray(r.anomalies) ? r.anomalies : []) as ImportRunDto["anomalies"],
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    error: r.error,
  };
}

export async function getImportRun(
  ctx: HubContext,
  user: AuthUser,
  id: string,
  meta: { ip?: string | undefined; requestId?: string | undefined } = {},
): Promise<ImportRunDto> {
  // Another office's import run answers 404 as if absent.
  const r = await ctx.db.prisma.importRun.findFirst({ where: { id, instansi: user.instansi } });
  if (!r) throw notFound("Impor");
  // The report quotes names and phone numbers of the rows.
  await audit(ctx.db.prisma, {
    actor: user,
    action: "import.read",
    fields: ["name", "phone"],
    purpose: "pemeriksaan laporan impor",
    data: { importRunId: id },
    ...meta,
  });
  return toDto(r);
}

const STATUS_LABEL: Record<ImportRunDto["status"], string> = {
  running: "berjalan",
  succeeded: "berhasil",
  failed: "gagal",
};

/** The report as a readable table (Bahasa Indonesia) for the CLI. */
export function formatImportReport(run: ImportRunDto): string {
  const lines: string[] = [];
  const rows = run.anomalies.map((a) => [
    a.sheet,
    a.row === null ? "-" : String(a.row),
    a.field,
    a.problem,
    a.action,
  ]);
  const head = ["Lembar", "Baris", "Kolom", "Masalah", "Tindakan"];
  if (rows.length > 0) {
    const widths = head.map((h, i) =>
      Math.min(i >= 3 ? 70 : 20, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))),
    );
    const fmt = (cells: string[]) =>
      cells
        // Long problems are not cut: the report is read by people who must act on it.
        .map((c, i) => c.padEnd(widths[i] ?? 10))
        .join("  ")
        .trimEnd();
    lines.push("Anomali:");
    lines.push(fmt(head));
    lines.push(widths.map((w) => "-".repeat(w)).join("  "));
    for (const r of rows) lines.push(fmt(r));
    lines.push("");
  } else {
    lines.push("Tidak ada anomali.");
  }
  lines.push(
    `Ringkasan impor ${run.fileName} (${STATUS_LABEL[run.status]}): ${run.rows} baris dibaca, ` +
      `${run.created} kasus baru, ${run.unchanged} sudah ada (tidak diubah), ` +
      `${run.failed} gagal, ${run.anomalies.length} anomali. ID impor: ${run.id}`,
  );
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------
// The medium of imported cases (table 3.2): the logs have no media column, so it stays
// "tidak tercatat" until staff record it, per case or in bulk, each change audited.

export type MediaInput = { caseIds: string[]; media: Media; note?: string | undefined };

export async function setImportedMedia(
  ctx: HubContext,
  user: AuthUser,
  input: MediaInput,
  meta: { ip?: string | undefined; requestId?: string | undefined } = {},
): Promise<{ updated: number; unchanged: number }> {
  const ids = [...new Set(input.caseIds)];
  return ctx.db.prisma.$transaction(async (tx) => {
    const cases = await tx.case.findMany({
      where: { id: { in: ids }, instansi: user.instansi },
      select: { id: true, channel: true, media: true },
    });
    // Another office's case answers as if absent.
    const missing = ids.filter((id) => !cases.some((c) => c.id === id));
    if (missing.length > 0) {
      throw new DomainError("NOT_FOUND", "Kasus tidak ditemukan", {
        fields: missing.slice(0, 20).map((id) => ({ field: "body.caseIds", message: id })),
      });
    }
    const other = cases.filter((c) => c.channel !== "legacy_import");
    if (other.length > 0) {
      throw new DomainError(
        "MEDIA_NOT_APPLICABLE",
        "Media hanya dicatat untuk kasus hasil impor log lama; kanal kasus lain adalah medianya",
        {
          fields: other
            .slice(0, 20)
            .map((c) => ({ field: "body.caseIds", message: `${c.id} (kanal ${c.channel})` })),
        },
      );
    }
    const changed = cases.filter((c) => c.media !== input.media);
    if (changed.length > 0) {
      await tx.case.updateMany({
        where: { id: { in: changed.map((c) => c.id) }, instansi: user.instansi },
        data: { media: input.media, version: { increment: 1 } },
      });
      await tx.caseEvent.createMany({
        data: changed.map((c) => ({
          caseId: c.id,
          type: "case.media_set",
          actorId: user.id,
          data: { from: c.media, to: input.media, ...(input.note ? { note: input.note } : {}) },
        })),
      });
      for (const c of changed) {
        await audit(tx, {
          actor: user,
          action: "case.media.set",
          caseId: c.id,
          purpose: "pencatatan media pengaduan",
          data: { from: c.media, to: input.media, bulk: ids.length > 1 },
          ...meta,
        });
      }
    }
    return { updated: changed.length, unchanged: cases.length - changed.length };
  });
}

// ---------------------------------------------------------------------------------------
// Review points of imported rows: open ones mark the row in the monthly report; staff close
// them once the row has been checked against the paper.

type ReviewPoint = {
  code: string;
  text: string;
  resolvedAt?: string;
  resolvedBy?: string;
  note?: string;
};

export type ReviewInput = { caseIds: string[]; codes?: string[] | undefined; note: string };

export async function resolveImportReview(
  ctx: HubContext,
  user: AuthUser,
  input: ReviewInput,
  meta: { ip?: string | undefined; requestId?: string | undefined } = {},
): Promise<{ updated: number; unchanged: number }> {
  const ids = [...new Set(input.caseIds)];
  const now = ctx.clock().toISOString();
  return ctx.db.prisma.$transaction(async (tx) => {
    const cases = await tx.case.findMany({
      where: { id: { in: ids }, instansi: user.instansi },
      select: { id: true, legacyInfo: true },
    });
    const missing = ids.filter((id) => !cases.some((c) => c.id === id));
    if (missing.length > 0) {
      throw new DomainError("NOT_FOUND", "Kasus tidak ditemukan", {
        fields: missing.slice(0, 20).map((id) => ({ field: "body.caseIds", message: id })),
      });
    }
    let updated = 0;
    for (const c of cases) {
      const info = (c.legacyInfo ?? null) as { review?: ReviewPoint[] } | null;
      const review = Array.isArray(info?.review) ? info.review : [];
      const closing = review.filter(
        (r) => !r.resolvedAt && (!input.codes || input.codes.includes(r.code)),
      );
      if (closing.length === 0) continue;
      updated++;
      const next = review.map((r) =>
        closing.includes(r)
          ? { ...r, resolvedAt: now, resolvedBy: user.username, note: input.note }
          : r,
      );
      await tx.case.update({
        where: { id: c.id },
        data: {
          legacyInfo: { ...(info ?? {}), review: next } as Prisma.InputJsonValue,
          version: { increment: 1 },
        },
      });
      await tx.caseEvent.create({
        data: {
          caseId: c.id,
          type: "import.review_resolved",
          actorId: user.id,
          data: { codes: closing.map((r) => r.code), note: input.note },
        },
      });
      await audit(tx, {
        actor: user,
        action: "import.review.resolve",
        caseId: c.id,
        purpose: "pemeriksaan baris impor log lama",
        data: { codes: closing.map((r) => r.code) },
        ...meta,
      });
    }
    return { updated, unchanged: cases.length - updated };
  });
}
