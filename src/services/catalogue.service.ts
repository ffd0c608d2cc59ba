// Versioned catalogues in the database: SIKS-NG reason codes and the jenis (complaint type)
// list. The repository ships version 1 of each (adapters/siks-ng/reason-codes.v<N>.json and
// JENIS in src/domain/jenis.ts); admin edits through the API add versions with history,
// never rewrite one. Findings record the version they were rendered with, so retiring or
// rewording a code later does not change what a finding said.
import {
  IMPORT_FIELD_LABELS,
  REVIEW_CODE_LABELS,
  REVIEW_CODES,
} from "../domain/legacy/import-labels.js";
import { readdirSync, readFileSync } from "node:fs";
import { z } from "zod";
import type { HubContext } from "../context.js";
import type { Db } from "../db/database.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { components } from "../generated/api.js";
import { JENIS } from "../domain/jenis.js";
import {
  BIDANG,
  BIDANG_CODES,
  CHANNEL_LABELS,
  CHANNELS,
  INTAKE_CHANNELS,
  ROLE_LABELS,
  ROLES,
} from "../domain/roles.js";
import { CASE_STATUSES, FINAL_STATUSES, STATUS_LABELS } from "../domain/workflow.js";
import { CASE_EVENT_LABELS } from "../domain/case-events.js";
import { kecamatanNames } from "../domain/nik.js";
import { BULAN, BULAN_SINGKAT } from "../domain/legacy/indonesian-date.js";
import { PROGRAMME_STAFF_LABELS, PROGRAMMES } from "../domain/narasi.js";
import {
  CatalogueError,
  parseCatalogue,
  STATUS_SEEN,
  STATUS_SEEN_LABELS,
  type Catalogue,
  type CatalogueIssue,
  type ReasonCode,
} from "../domain/reason-codes.js";
import { DomainError, notFound, type FieldError } from "../domain/errors.js";
import { fromRoot } from "../util/package-root.js";
import { audit } from "./audit.service.js";
import type { AuthUser } from "./auth.service.js";

export const KIND_REASON_CODES = "reason_codes";
export const KIND_JENIS = "jenis";
type Kind = typeof KIND_REASON_CODES | typeof KIND_JENIS;

// The shipped jenis list has no file of its own; bump this when JENIS changes so running
// hubs pick the new list up as a new version.
export const JENIS_FILE_VERSION = 1;

const codeId = z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/, "kode harus huruf besar, angka dan _");

const jenisCatalogueSchema = z.object({
  version: z.number().int().positive(),
  codes: z
    .array(z.object({ code: codeId, label: z.string().trim().min(1).max(120) }))
    .min(1)
    .superRefine((codes, c) => {
      const seen = new Set<string>();
      codes.forEach((j, i) => {
        if (seen.has(j.code))
          c.addIssue({ code: "custom", path: [i, "code"], message: `kode ganda: ${j.code}` });
        seen.add(j.code);
      });
    }),
});

export type JenisEntry = { code: string; label: string };
export type JenisCatalogue = {
  version: number;
  codes: readonly JenisEntry[];
  byCode: ReadonlyMap<string, JenisEntry>;
};

type VersionMeta = {
  version: number;
  source: string;
  note: string | null;
  createdAt: Date;
  createdById: string | null;
};

type Loaded<T> = { key: string; value: T; meta: VersionMeta };
type DbCache = {
  ensured?: Promise<void>;
  reason?: Loaded<Catalogue>;
  jenis?: Loaded<JenisCatalogue>;
};
// Per database handle (tests run several hubs in one process).
const caches = new WeakMap<Db, DbCache>();

function cacheOf(db: Db): DbCache {
  let c = caches.get(db);
  if (!c) {
    c = {};
    caches.set(db, c);
  }
  return c;
}

function issuesToText(issues: readonly CatalogueIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join("; ");
}

export function parseJenisCatalogue(
  json: unknown,
): { ok: true; value: JenisCatalogue } | { ok: false; error: CatalogueIssue[] } {
  const parsed = jenisCatalogueSchema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      error: parsed.error.issues.map((i) => ({
        path: ["codes", ...i.path.slice(1)].map(String).join("."),
        message: i.message,
      })),
    };
  const codes = parsed.data.codes;
  return {
    ok: true,
    value: {
      version: parsed.data.version,
      codes,
      byCode: new Map(codes.map((j) => [j.code, j])),
    },
  };
}

// ---------------------------------------------------------------------------------------
// Seeding from the repository.

type FileSeed = { kind: Kind; fileVersion: number; codes: unknown; note: string };

function reasonCodeFiles(): { file: string; version: number }[] {
  const dir = fromRoot("adapters", "siks-ng");
  return readdirSync(dir)
    .map((file) => ({ file, m: /^reason-codes\.v(\d+)\.json$/.exec(file) }))
    .filter((f): f is { file: string; m: RegExpExecArray } => f.m !== null)
    .map((f) => ({ file: f.file, version: Number(f.m[1]) }))
    .sort((a, b) => a.version - b.version);
}

function fileSeeds(): FileSeed[] {
  const files = reasonCodeFiles();
  const newest = files[files.length - 1];
  if (!newest) throw new Error("adapters/siks-ng/reason-codes.v<N>.json tidak ditemukan");
  const json = JSON.parse(
    readFileSync(fromRoot("adapters", "siks-ng", newest.file), "utf8"),
  ) as unknown;
  const fileVersion =
    typeof json === "object" && json !== null && "version" in json
      ? Number((json as { version: unknown }).version)
      : newest.version;
  return [
    {
      kind: KIND_JENIS,
      fileVersion: JENIS_FILE_VERSION,
      codes: JENIS.map((j) => ({ code: j.code, label: j.label })),
      note: `daftar jenis bawaan (src/domain/jenis.ts, versi berkas ${JENIS_FILE_VERSION})`,
    },
    {
      kind: KIND_REASON_CODES,
      fileVersion,
      codes: (json as { codes?: unknown }).codes,
      note: `berkas adapters/siks-ng/${newest.file} (versi berkas ${fileVersion})`,
    },
  ];
}

/**
 * Loads the shipped catalogues as a new "file" version when the database has none of
 * that kind, or when the repository's version is newer than the newest file-sourced one
 * (admin edits made in between stay in the history). Idempotent and safe to run from
 * several processes at once: a lost race is a skipped duplicate.
 */
export async function ensureCatalogues(
  ctx: HubContext,
): Promise<{ kind: string; version: number }[]> {
  const added: { kind: string; version: number }[] = [];
  // jenis first: the reason codes are validated against it.
  for (const seed of fileSeeds()) {
    const [state] = await ctx.db.sql.query<{ max: number | null; maxFile: number | null }>(
      `SELECT max(version)::int AS max,
              max(CASE WHEN source = 'file' THEN (data->>'fileVersion')::int END)::int AS "maxFile"
       FROM "CatalogueVersion" WHERE kind = $1`,
      [seed.kind],
    );
    const max = state?.max ?? 0;
    const maxFile = state?.maxFile ?? 0;
    if (max > 0 && seed.fileVersion <= maxFile) continue;
    const version = max + 1;
    const data = {
      version,
      fileVersion: seed.fileVersion,
      codes: seed.codes as Prisma.InputJsonValue,
    };
    if (seed.kind === KIND_REASON_CODES) {
      const jenis = await loadLatest(ctx, KIND_JENIS);
      const known = jenis ? parseJenisCatalogue(jenis.data) : null;
      const parsed = parseCatalogue(data, {
        knownJenis: known?.ok ? known.value.codes.map((j) => j.code) : JENIS.map((j) => j.code),
      });
      // A broken shipped catalogue is a deployment bug: stop with the paths at fault.
      if (!parsed.ok) throw new CatalogueError(parsed.error);
    } else {
      const parsed = parseJenisCatalogue(data);
      if (!parsed.ok) throw new Error(`daftar jenis tidak valid: ${issuesToText(parsed.error)}`);
    }
    const res = await ctx.db.prisma.catalogueVersion.createMany({
      data: [{ kind: seed.kind, version, source: "file", data, note: seed.note }],
      skipDuplicates: true,
    });
    if (res.count > 0) {
      added.push({ kind: seed.kind, version });
      ctx.logger.info({ kind: seed.kind, version }, "catalogue version loaded from file");
    }
  }
  return added;
}

async function loadLatest(
  ctx: HubContext,
  kind: Kind,
  tx?: Prisma.TransactionClient,
): Promise<(VersionMeta & { data: unknown }) | null> {
  const row = await (tx ?? ctx.db.prisma).catalogueVersion.findFirst({
    where: { kind },
    orderBy: { version: "desc" },
  });
  return row
    ? {
        version: row.version,
        source: row.source,
        note: row.note,
        createdAt: row.createdAt,
        createdById: row.createdById,
        data: row.data,
      }
    : null;
}

// ---------------------------------------------------------------------------------------
// Current versions, cached per process.

type Current = { reason: Loaded<Catalogue>; jenis: Loaded<JenisCatalogue> };

// One small statement decides whether the cached parse is still current: the newest
// version number and a digest of its data per kind (a digest, not the row id, because a
// reset database can reuse ids and version numbers for different content).
async function latestKeys(ctx: HubContext): Promise<Map<string, string>> {
  const rows = await ctx.db.sql.query<{ kind: string; key: string }>(
    `SELECT DISTINCT ON (kind) kind, version::text || ':' || md5(data::text) AS key
     FROM "CatalogueVersion" WHERE kind IN ('reason_codes', 'jenis')
     ORDER BY kind, version DESC`,
    [],
    { prepare: true },
  );
  return new Map(rows.map((r) => [r.kind, r.key]));
}

async function current(ctx: HubContext): Promise<Current> {
  const cache = cacheOf(ctx.db);
  cache.ensured ??= ensureCatalogues(ctx).then(
    () => undefined,
    (e: unknown) => {
      delete cache.ensured;
      throw e;
    },
  );
  await cache.ensured;
  let keys = await latestKeys(ctx);
  if (!keys.has(KIND_JENIS) || !keys.has(KIND_REASON_CODES)) {
    // The table was emptied under a running hub (tests, a restore): seed again.
    await ensureCatalogues(ctx);
    keys = await latestKeys(ctx);
  }
  const jenisKey = keys.get(KIND_JENIS) ?? "";
  if (cache.jenis?.key !== jenisKey) {
    const row = await loadLatest(ctx, KIND_JENIS);
    if (!row) throw new Error("katalog jenis kosong");
    const parsed = parseJenisCatalogue(row.data);
    if (!parsed.ok) throw new Error(`katalog jenis tidak valid: ${issuesToText(parsed.error)}`);
    cache.jenis = { key: jenisKey, value: parsed.value, meta: row };
  }
  const reasonKey = `${keys.get(KIND_REASON_CODES) ?? ""}|${jenisKey}`;
  if (cache.reason?.key !== reasonKey) {
    const row = await loadLatest(ctx, KIND_REASON_CODES);
    if (!row) throw new Error("katalog kode alasan kosong");
    const parsed = parseCatalogue(row.data, {
      knownJenis: cache.jenis.value.codes.map((j) => j.code),
    });
    if (!parsed.ok) throw new CatalogueError(parsed.error);
    cache.reason = { key: reasonKey, value: parsed.value, meta: row };
  }
  return { reason: cache.reason, jenis: cache.jenis };
}

export async function currentReasonCatalogue(ctx: HubContext): Promise<Catalogue> {
  return (await current(ctx)).reason.value;
}

export async function currentJenisCatalogue(ctx: HubContext): Promise<JenisCatalogue> {
  return (await current(ctx)).jenis.value;
}

// ---------------------------------------------------------------------------------------
// API views.

type Who = { id: string; username: string } | null;

async function usersById(ctx: HubContext, ids: (string | null)[]): Promise<Map<string, Who>> {
  const wanted = [...new Set(ids.filter((i): i is string => i !== null))];
  if (wanted.length === 0) return new Map();
  const users = await ctx.db.prisma.user.findMany({
    where: { id: { in: wanted } },
    select: { id: true, username: true },
  });
  return new Map(users.map((u) => [u.id, u]));
}

function metaView(meta: VersionMeta, who: Map<string, Who>) {
  return {
    version: meta.version,
    source: meta.source as "file" | "admin",
    note: meta.note,
    createdAt: meta.createdAt.toISOString(),
    createdBy: meta.createdById ? (who.get(meta.createdById) ?? null) : null,
  };
}

export async function reasonCodesView(ctx: HubContext) {
  const { reason } = await current(ctx);
  const who = await usersById(ctx, [reason.meta.createdById]);
  return { kind: KIND_REASON_CODES, ...metaView(reason.meta, who), codes: [...reason.value.codes] };
}

/** The closed vocabularies with their labels, in their domain order (the console's source). */
export function labelsView(): components["schemas"]["Labels"] {
  return {
    events: Object.entries(CASE_EVENT_LABELS).map(([code, label]) => ({ code, label })),
    roles: ROLES.map((code) => ({ code, label: ROLE_LABELS[code] })),
    bidang: BIDANG_CODES.map((code) => ({ code, label: BIDANG[code] })),
    channels: CHANNELS.map((code) => ({ code, label: CHANNEL_LABELS[code] })),
    intakeChannels: [...INTAKE_CHANNELS],
    statuses: CASE_STATUSES.map((code) => ({ code, label: STATUS_LABELS[code] })),
    finalStatuses: [...FINAL_STATUSES],
    programmes: PROGRAMMES.map((code) => ({ code, label: PROGRAMME_STAFF_LABELS[code] })),
    statusSeen: STATUS_SEEN.map((code) => ({ code, label: STATUS_SEEN_LABELS[code] })),
    kecamatan: kecamatanNames(),
    months: [...BULAN],
    monthsShort: [...BULAN_SINGKAT],
    reviewPoints: REVIEW_CODES.map((code) => ({ code, label: REVIEW_CODE_LABELS[code] })),
    importFields: Object.entries(IMPORT_FIELD_LABELS).map(([code, label]) => ({ code, label })),
  };
}

export async function jenisView(ctx: HubContext) {
  const { jenis } = await current(ctx);
  const who = await usersById(ctx, [jenis.meta.createdById]);
  return { kind: KIND_JENIS, ...metaView(jenis.meta, who), codes: [...jenis.value.codes] };
}

export async function catalogueHistory(ctx: HubContext, kind: Kind) {
  await current(ctx);
  const rows = await ctx.db.prisma.catalogueVersion.findMany({
    where: { kind },
    orderBy: { version: "desc" },
    select: { version: true, source: true, note: true, createdAt: true, createdById: true },
  });
  const who = await usersById(
    ctx,
    rows.map((r) => r.createdById),
  );
  return { kind, versions: rows.map((r) => metaView(r, who)) };
}

// ---------------------------------------------------------------------------------------
// Admin edits: each one validates the whole resulting catalogue and stores it as a new
// version, or stores nothing.

export type ReasonCodeInput = Omit<ReasonCode, "id"> & { note?: string | undefined };
type Meta = { ip?: string | undefined; requestId?: string | undefined };

function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2002";
}

// Issues inside the edited entry point at the request body; others at the catalogue.
function issuesToFields(issues: readonly CatalogueIssue[], editedIndex: number): FieldError[] {
  const prefix = `codes.${editedIndex}`;
  return issues.map((i) => {
    let field = `catalogue.${i.path}`;
    if (i.path === `${prefix}.id` || i.path === `${prefix}.code`) field = "params.code";
    else if (i.path.startsWith(`${prefix}.`)) field = `body.${i.path.slice(prefix.length + 1)}`;
    return { field, message: i.message, code: "CATALOGUE_INVALID" };
  });
}

async function writeVersion(
  ctx: HubContext,
  user: AuthUser,
  kind: Kind,
  build: (
    latest: VersionMeta & { data: unknown },
    tx: Prisma.TransactionClient,
  ) => Promise<{ codes: unknown; note: string; validate: (data: unknown) => FieldError[] }>,
  auditAction: string,
  auditData: Record<string, string>,
  meta: Meta,
): Promise<number> {
  await current(ctx);
  try {
    return await ctx.db.prisma.$transaction(async (tx) => {
      const latest = await loadLatest(ctx, kind, tx);
      if (!latest) throw new Error(`katalog ${kind} kosong`);
      const next = await build(latest, tx);
      const version = latest.version + 1;
      const data = { version, codes: next.codes as Prisma.InputJsonValue };
      const fields = next.validate(data);
      if (fields.length > 0)
        throw new DomainError(
          "CATALOGUE_INVALID",
          `Katalog tidak valid: ${fields.map((f) => `${f.field}: ${f.message}`).join("; ")}`,
          { fields },
        );
      await tx.catalogueVersion.create({
        data: { kind, version, source: "admin", data, note: next.note, createdById: user.id },
      });
      await audit(tx, {
        actor: user,
        action: auditAction,
        purpose: "pengelolaan katalog",
        data: { kind, version, ...auditData },
        ...meta,
      });
      return version;
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw new DomainError(
        "CATALOGUE_CONFLICT",
        "Katalog baru saja diubah admin lain; muat ulang lalu ulangi perubahan",
      );
    throw e;
  }
}

async function jenisCodesIn(
  ctx: HubContext,
  tx: Prisma.TransactionClient,
): Promise<readonly string[]> {
  const row = await loadLatest(ctx, KIND_JENIS, tx);
  const parsed = row ? parseJenisCatalogue(row.data) : null;
  return parsed?.ok ? parsed.value.codes.map((j) => j.code) : JENIS.map((j) => j.code);
}

function codesOf(data: unknown): unknown[] {
  const codes = (data as { codes?: unknown }).codes;
  return Array.isArray(codes) ? (codes as unknown[]) : [];
}

const idOf = (entry: unknown): unknown => (entry as { id?: unknown }).id;

/** Replaces the entry `same` finds, or appends it; says where it stands now. */
function putEntry<T>(
  list: T[],
  entry: T,
  same: (e: T) => boolean,
): { index: number; replaced: boolean } {
  const found = list.findIndex(same);
  if (found < 0) return { index: list.push(entry) - 1, replaced: false };
  list[found] = entry;
  return { index: found, replaced: true };
}

/**
 * The check of a reason-code catalogue against the jenis current in the same transaction;
 * its issues point at the entry at `index` (-1: at none).
 */
async function reasonCodesCheck(
  ctx: HubContext,
  tx: Prisma.TransactionClient,
  index: number,
): Promise<(data: unknown) => FieldError[]> {
  const knownJenis = await jenisCodesIn(ctx, tx);
  return (data) => {
    const parsed = parseCatalogue(data, { knownJenis });
    return parsed.ok ? [] : issuesToFields(parsed.error, index);
  };
}

export async function putReasonCode(
  ctx: HubContext,
  user: AuthUser,
  id: string,
  input: ReasonCodeInput,
  meta: Meta = {},
) {
  const { note, ...fields } = input;
  let replaced = false;
  await writeVersion(
    ctx,
    user,
    KIND_REASON_CODES,
    async (latest, tx) => {
      const codes = codesOf(latest.data);
      const put = putEntry(codes, { id, ...fields }, (c) => idOf(c) === id);
      replaced = put.replaced;
      return {
        codes,
        note: note?.trim() || `${replaced ? "ubah" : "tambah"} kode ${id}`,
        validate: await reasonCodesCheck(ctx, tx, put.index),
      };
    },
    "catalogue.reason_code.put",
    { code: id },
    meta,
  );
  return { ...(await reasonCodesView(ctx)), created: !replaced };
}

export async function retireReasonCode(
  ctx: HubContext,
  user: AuthUser,
  id: string,
  note: string | undefined,
  meta: Meta = {},
) {
  await writeVersion(
    ctx,
    user,
    KIND_REASON_CODES,
    async (latest, tx) => {
      const codes = codesOf(latest.data);
      const kept = codes.filter((c) => idOf(c) !== id);
      if (kept.length === codes.length) throw notFound(`Kode alasan ${id}`);
      return {
        codes: kept,
        note: note?.trim() || `pensiunkan kode ${id}`,
        validate: await reasonCodesCheck(ctx, tx, -1),
      };
    },
    "catalogue.reason_code.retire",
    { code: id },
    meta,
  );
  return reasonCodesView(ctx);
}

export async function putJenis(
  ctx: HubContext,
  user: AuthUser,
  code: string,
  input: { label: string; note?: string | undefined },
  meta: Meta = {},
) {
  let replaced = false;
  await writeVersion(
    ctx,
    user,
    KIND_JENIS,
    (latest) => {
      const codes = codesOf(latest.data) as JenisEntry[];
      const put = putEntry(codes, { code, label: input.label.trim() }, (c) => c.code === code);
      replaced = put.replaced;
      return Promise.resolve({
        codes,
        note: input.note?.trim() || `${replaced ? "ubah nama" : "tambah"} jenis ${code}`,
        validate: (data: unknown) => {
          const parsed = parseJenisCatalogue(data);
          return parsed.ok ? [] : issuesToFields(parsed.error, put.index);
        },
      });
    },
    "catalogue.jenis.put",
    { code },
    meta,
  );
  return { ...(await jenisView(ctx)), created: !replaced };
}
