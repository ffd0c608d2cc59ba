import type { HubContext } from "../context.js";
import { newLookupToken } from "../security/lookup-token.js";
import type { components } from "../generated/api.js";
import type { Prisma } from "../generated/prisma/client.js";
import { DomainError, notFound, validationFailed, type FieldError } from "../domain/errors.js";
import {
  identityAccess,
  listedPelaporName,
  mayRevealIdentity,
  RAHASIA_LABEL,
  scrubText,
  type ConfidentialityFlags,
  type IdentityView,
} from "../pdp/confidential.js";
import type { Identity } from "../reports/columns.js";
import { maskPhone, normalizePhone } from "../domain/phone.js";
import { maskBsuid } from "../domain/bsuid.js";
import { parseNik } from "../domain/nik.js";
import { decodeCursor, encodeCursor } from "../domain/cursor.js";
import { isUuid } from "../domain/uuid.js";
import { keyedHash } from "../security/crypto.js";
import { CASE_WORKER_ROLES } from "../domain/roles.js";
import { FINAL_STATUSES_SQL } from "../repos/status-sql.js";
import type { AuthUser } from "./auth.service.js";
import { appendAudit, audit } from "./audit.service.js";
// issue 5: SLA clock on intake and SLA fields on summaries
import { nearThreshold, slaStateOf } from "./sla.service.js";
import {
  loadIntakeEnv,
  prepareIntake,
  writeIntake,
  type CaseDraft,
  type IntakeActor,
  type PartyDraft,
} from "../intake/pipeline.js";
import { assertKnownJenis } from "./jenis-hook.js";
import { queryFlag } from "../domain/query-flag.js";

type CaseIntake = components["schemas"]["CaseIntake"];
type PersonInput = components["schemas"]["PersonInput"];
export type CaseDto = components["schemas"]["Case"];
export type CaseSummaryDto = components["schemas"]["CaseSummary"];
type TelaahOutcome = components["schemas"]["TelaahOutcome"];

export type IntakeHooks = {
  /** Runs last inside the intake's transaction (an Idempotency-Key commits with the case). */
  inTransaction?: (tx: Prisma.TransactionClient, caseId: string) => Promise<void>;
};

const personDraft = (role: "pelapor" | "atas_nama", p: PersonInput): PartyDraft => ({
  role,
  name: p.name,
  nik: p.nik ?? null,
  phone: p.phone ?? null,
  sex: p.sex ?? null,
  email: p.email ?? null,
  alamat: p.alamat ?? null,
  desa: p.desa ?? null,
  kecamatan: p.kecamatan ?? null,
});

/** The desk's intake (front office): a case through the intake pipeline (src/intake). */
export async function createCase(
  ctx: HubContext,
  user: AuthUser,
  input: CaseIntake,
  hooks: IntakeHooks = {},
  meta: { ip?: string | undefined; requestId?: string | undefined } = {},
): Promise<CaseDto & { lookupToken: string }> {
  const errors: FieldError[] = [];
  const receivedAt = input.receivedAt ? new Date(input.receivedAt) : ctx.clock();
  // Every case gets the citizen's look-up token (issue 18): shown once in this answer and
  // on the desk's tanda terima, stored only as its hash.
  const lookup = newLookupToken();
  if (receivedAt.getTime() > ctx.clock().getTime() + 5 * 60_000) {
    errors.push({ field: "body.receivedAt", message: "tidak boleh di masa depan" });
  }
  // Nothing the office recorded predates its start (a typo like 1900-01-01 would sort the
  // case out of every report); midnight WITA, the office's day. Legacy imports bypass this.
  const officeStart = new Date(`${ctx.config.ADUAN_OFFICE_START}T00:00:00+08:00`);
  if (receivedAt.getTime() < officeStart.getTime()) {
    errors.push({
      field: "body.receivedAt",
      message: `tidak boleh sebelum ${ctx.config.ADUAN_OFFICE_START} (awal pencatatan kantor)`,
    });
  }
  const maxAgeDays = ctx.config.ADUAN_INTAKE_MAX_AGE_DAYS;
  // One message per field: a date before the office's start is not also "too old".
  if (
    receivedAt.getTime() >= officeStart.getTime() &&
    receivedAt.getTime() < ctx.clock().getTime() - maxAgeDays * 86_400_000
  ) {
    errors.push({
      field: "body.receivedAt",
      message: `tidak boleh lebih dari ${maxAgeDays} hari yang lalu`,
    });
  }
  if (input.jenis) await assertKnownJenis(ctx, input.jenis);
  const parties = [personDraft("pelapor", input.pelapor)];
  if (input.atasNama) parties.push(personDraft("atas_nama", input.atasNama));
  const draft: CaseDraft = {
    channel: input.channel,
    externalId: null,
    instansi: user.instansi,
    receivedAt,
    keperluan: input.keperluan,
    jenis: input.jenis ?? null,
    rahasia: input.rahasia ?? false,
    desa: input.pelapor.desa?.trim() || null,
    kecamatan: input.pelapor.kecamatan?.trim() || null,
    parties,
    purpose: "pencatatan aduan",
    publicTokenHash: lookup.hash,
  };
  const fail = (all: FieldError[]): never => {
    const first = all[0]!;
    throw new DomainError(
      first.code ?? "VALIDATION_FAILED",
      all.map((e) => `${e.field}: ${e.message}`).join("; "),
      { fields: all },
    );
  };
  const prepared = prepareIntake(ctx, await loadIntakeEnv(ctx), [draft], (_i, p) => partyPath(p));
  const all = [...errors, ...(prepared.errors[0] ?? [])];
  if (all.length) fail(all);
  const id = await ctx.db.prisma.$transaction(async (tx) => {
    const [written] = await writeIntake(tx, ctx, intakeActor(user), prepared.cases, meta);
    // The desk's externalId is the fresh number: no other writer can hold it.
    if (!written) throw new Error("case number already taken");
    await hooks.inTransaction?.(tx, written.caseId);
    return written.caseId;
  });
  return { ...(await getCaseInternal(ctx, user, id)), lookupToken: lookup.token };
}

const partyPath = (p: number) => (p === 0 ? "body.pelapor" : "body.atasNama");

export const intakeActor = (user: AuthUser): IntakeActor => ({
  kind: "user",
  id: user.id,
  username: user.username,
  instansi: user.instansi,
});

const canSeeContacts = (user: AuthUser) => CASE_WORKER_ROLES.includes(user.role);

type CaseRow = Prisma.CaseGetPayload<{ include: { parties: true; events: true } }>;
type PartyRow = CaseRow["parties"][number];
type PartyDto = CaseDto["parties"][number];

/**
 * One party as this user may see it in this view (src/pdp/confidential.ts decides). A
 * masked pelapor keeps only its id and role: the name is the fixed label (rahasia) or null
 * (anonim), everything that could identify a person in a village (phone, e-mail, NIK, sex,
 * address, desa) is absent.
 */
export function toPartyDto(
  p: PartyRow,
  user: AuthUser,
  c: ConfidentialityFlags,
  view: IdentityView,
): PartyDto {
  const a = identityAccess(user, c, p.role, view);
  const contacts = canSeeContacts(user);
  return {
    id: p.id,
    role: p.role as "pelapor" | "atas_nama",
    name: a.name ? p.name : c.rahasia ? RAHASIA_LABEL : null,
    sex: a.contact ? p.sex : null,
    phone: a.contact && p.phoneE164 ? (contacts ? p.phoneE164 : maskPhone(p.phoneE164)) : null,
    bsuid: a.contact && p.bsuid ? (contacts ? p.bsuid : maskBsuid(p.bsuid)) : null,
    email: a.contact ? p.email : null,
    nikMasked: a.contact ? p.nikMasked : null,
    alamat: a.contact ? p.alamat : null,
    desa: a.contact ? p.desa : null,
    kecamatan: a.contact ? p.kecamatan : null,
    identityHidden: !a.name || !a.contact,
    identityRevealable: a.revealable,
  };
}

/** Identity strings of the parties masked in this view, to scrub from the case's free text. */
export function hiddenIdentities(
  parties: readonly Pick<PartyRow, "role" | "name" | "phoneE164" | "altPhones">[],
  user: AuthUser | null,
  c: ConfidentialityFlags,
  view: IdentityView,
): Identity[] {
  return parties
    .filter((p) => {
      const a = identityAccess(user, c, p.role, view);
      return !a.name || !a.contact;
    })
    .map((p) => ({
      nama: p.name,
      phones: [p.phoneE164, ...p.altPhones].filter((v): v is string => !!v),
    }));
}

function toSummary(
  c: Omit<CaseRow, "events" | "parties">,
  pelaporName: string | null,
  sla: { now: Date; near: number } | null = null, // issue 5
): CaseSummaryDto {
  return {
    id: c.id,
    number: c.number,
    channel: c.channel as CaseSummaryDto["channel"],
    externalId: c.externalId,
    status: c.status as CaseSummaryDto["status"],
    jenis: c.jenis,
    jenisSuggested: c.jenisSuggested,
    jenisDecision: c.jenisDecision,
    bidang: c.bidang,
    title: c.title,
    keperluan: c.keperluan,
    pelaporName,
    rahasia: c.rahasia,
    anonim: c.anonim,
    receivedAt: c.receivedAt.toISOString(),
    closedAt: c.closedAt?.toISOString() ?? null,
    dueAt: c.dueAt?.toISOString() ?? null,
    // issue 5
    slaState: sla ? slaStateOf(c, sla.now, sla.near) : null,
    pausedSince: c.pausedSince?.toISOString() ?? null,
    flags: c.flags,
    version: c.version,
  };
}

/** The case as its creator's intake answered it (an idempotent replay); no read audit. */
export const getCreatedCase = (ctx: HubContext, user: AuthUser, id: string) =>
  getCaseInternal(ctx, user, id);

async function getCaseInternal(ctx: HubContext, user: AuthUser, id: string): Promise<CaseDto> {
  const c = await ctx.db.prisma.case.findUnique({
    where: { id },
    include: { parties: { orderBy: { createdAt: "asc" } }, events: { orderBy: { id: "asc" } } },
  });
  if (!c) throw notFound("Kasus");
  const pelapor = c.parties.find((p) => p.role === "pelapor");
  const sla = { now: ctx.clock(), near: await nearThreshold(ctx) }; // issue 5
  // Who did each step: the staff of the case's office (the hub itself has no actor).
  const actorIds = [...new Set(c.events.flatMap((e) => (e.actorId ? [e.actorId] : [])))];
  const actors = new Map(
    actorIds.length
      ? (
          await ctx.db.prisma.user.findMany({
            where: { id: { in: actorIds }, instansi: c.instansi },
            select: { id: true, username: true, displayName: true },
          })
        ).map((u) => [u.id, u.displayName || u.username])
      : [],
  );
  // The detail never shows a rahasia pelapor; koordinator and kadis use the reveal.
  const hidden = hiddenIdentities(c.parties, user, c, "detail");
  const summary = toSummary(c, listedPelaporName(user, c, pelapor?.name ?? null), sla);
  return {
    ...summary,
    title: scrubText(summary.title ?? null, hidden),
    keperluan: scrubText(summary.keperluan, hidden),
    sumber: c.sumber,
    // The case's desa/kecamatan is where the matter is (needed to handle it) and stays.
    desa: c.desa,
    kecamatan: c.kecamatan,
    historicalNarasi: scrubText(c.historicalNarasi, hidden),
    telaah: {
      recommendation: c.auditRecommendation as TelaahOutcome | null,
      decision: c.auditDecision as TelaahOutcome | null,
    },
    parties: c.parties.map((p) => toPartyDto(p, user, c, "detail")),
    events: c.events.map((e) => ({
      id: e.id.toString(),
      at: e.at.toISOString(),
      type: e.type,
      actorId: e.actorId,
      actorName: e.actorId ? (actors.get(e.actorId) ?? null) : null,
      data: e.data as Record<string, unknown>,
    })),
  };
}

export async function getCase(
  ctx: HubContext,
  user: AuthUser,
  id: string,
  meta: { ip?: string | undefined; requestId?: string | undefined } = {},
): Promise<CaseDto> {
  const dto = await getCaseInternal(ctx, user, id);
  const fields = new Set<string>();
  for (const p of dto.parties) {
    if (p.name && !p.identityHidden) fields.add("name");
    if (p.phone) fields.add(canSeeContacts(user) ? "phone" : "phone_masked");
    if (p.bsuid) fields.add(canSeeContacts(user) ? "bsuid" : "bsuid_masked");
    if (p.email) fields.add("email");
    if (p.nikMasked) fields.add("nik_masked");
    if (p.alamat || p.desa) fields.add("alamat");
  }
  // issue 15: the inbox's unread marker is per user.
  await ctx.db.sql.query(
    `INSERT INTO "CaseSeen" ("userId", "caseId", "seenAt") VALUES ($1::uuid, $2::uuid, $3)
     ON CONFLICT ("userId", "caseId") DO UPDATE SET "seenAt" = EXCLUDED."seenAt"`,
    [user.id, id, ctx.clock()],
    { prepare: true },
  );
  if (fields.size) {
    await audit(ctx.db.prisma, {
      actor: user,
      action: "case.read",
      caseId: id,
      fields: [...fields],
      purpose: "penanganan aduan",
      ...meta,
    });
  }
  return dto;
}

export type ListFilter = {
  status?: string | undefined;
  channel?: string | undefined;
  jenis?: string | undefined;
  bidang?: string | undefined;
  receivedFrom?: string | undefined;
  receivedTo?: string | undefined;
  q?: string | undefined;
  overdue?: boolean | string | undefined; // issue 5
  cursor?: string | undefined;
  limit?: number | undefined;
  /** issue 15: "arrival" (when the hub got it) or "received" (the upstream/letter date, default) */
  sort?: "arrival" | "received" | undefined;
  /** issue 15: also answer the total and the counts (one grouped query more) */
  counts?: boolean | string | undefined;
  /** issue 15: only cases with no jenis / no bidang (not with `jenis` / `bidang`) */
  noJenis?: boolean | string | undefined;
  noBidang?: boolean | string | undefined;
};

/** issue 15: what a search term matched on a listed case. */
export type SearchMatch = "nomor" | "pelacakan" | "nama" | "keperluan" | "nik" | "telepon";

/** The sort key of the last case listed: a timestamp PostgreSQL can hold (JS dates reach
 * years PostgreSQL cannot) and a real UUID (36 dashes passed an old pattern, then failed the
 * ::uuid cast with a 500). */
const readCursor = (cursor: string): { r: Date; id: string } =>
  decodeCursor(cursor, ([r, id, ...rest]) => {
    if (typeof r !== "string" || !isUuid(id) || rest.length) return null;
    const d = new Date(r);
    const year = d.getUTCFullYear();
    return Number.isNaN(d.getTime()) || year < 1 || year > 9999 ? null : { r: d, id };
  });

// Timestamps leave PostgreSQL as epoch milliseconds (float8): a number costs neither
// server (to_char, json_build_object measured 4× the execution time of the plain SELECT)
// nor client (postgres-date's parse) more than a parseFloat; the ISO string is built here.
const epochMs = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`;

type SummaryRow = {
  id: string;
  number: string;
  channel: CaseSummaryDto["channel"];
  externalId: string;
  status: CaseSummaryDto["status"];
  jenis: string | null;
  jenisSuggested: string | null;
  jenisDecision: string | null;
  bidang: string | null;
  title: string | null;
  keperluan: string;
  rahasia: boolean;
  anonim: boolean;
  receivedAt: number;
  closedAt: number | null;
  dueAt: number | null;
  stepStartedAt: number | null; // issue 5
  pausedSince: number | null; // issue 5
  flags: string[];
  version: number;
  pelaporName: string | null;
  sortKey: number; // issue 15: receivedAt or createdAt, per the sort asked
  matchedBy: SearchMatch[] | null; // issue 15
  unread: boolean; // issue 15
  /** rahasia/anonim rows only: [name, phone, altPhones] of each pelapor, to scrub the text. */
  hiddenPelapor: [string | null, string | null, string[]][] | null;
};

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

type Param = (v: unknown) => string;

/** The FROM-side filters of the inbox except status and overdue (the counts follow these). */
function baseFilters(
  ctx: HubContext,
  user: AuthUser,
  f: ListFilter,
  p: Param,
): { where: string[]; matchers: [SearchMatch, string][]; nik: boolean } {
  const where: string[] = [];
  // Tenant isolation: an office only ever sees its own cases.
  where.push(`c.instansi = ${p(user.instansi)}`);
  if (f.channel) where.push(`c.channel = ${p(f.channel)}`);
  if (f.jenis) where.push(`c.jenis = ${p(f.jenis)}`);
  if (f.bidang) where.push(`c.bidang = ${p(f.bidang)}`);
  // issue 15: cases nobody classified yet / not disposed to a bidang yet.
  if (queryFlag(f.noJenis)) where.push(`c.jenis IS NULL`);
  if (queryFlag(f.noBidang)) where.push(`c.bidang IS NULL`);
  if (f.receivedFrom) where.push(`c."receivedAt" >= ${p(new Date(f.receivedFrom))}`);
  if (f.receivedTo) where.push(`c."receivedAt" < ${p(new Date(f.receivedTo))}`);
  const matchers: [SearchMatch, string][] = [];
  let nik = false;
  const text = f.q?.trim().replace(/\s+/g, " ") ?? "";
  if (text.length >= 2) {
    const esc = (t: string) => t.replace(/[\\%_]/g, (m) => "\\" + m);
    const like = p(`%${esc(text)}%`);
    // Words in any order ("Aisyah Siti" finds "Siti Aisyah"); at most 6, each its own ILIKE.
    const words = text.split(" ").slice(0, 6);
    const wordLikes = words.length > 1 ? words.map((w) => p(`%${esc(w)}%`)) : [like];
    const all = (col: string) => wordLikes.map((w) => `${col} ILIKE ${w}`).join(" AND ");
    // The name of a rahasia or anonim pelapor is not searchable, neither in the party nor in
    // the free text that mentions it: a hit would tell who filed the case.
    const hiddenName = `((c.rahasia OR c.anonim) AND EXISTS (SELECT 1 FROM "Party" h
        WHERE h."caseId" = c.id AND h.role = 'pelapor' AND ${all("h.name")}))`;
    matchers.push(["nomor", `c.number ILIKE ${like}`]);
    const compact = text.replace(/\s/g, "");
    if (/^\d{5,12}$/.test(compact))
      matchers.push(["pelacakan", `(c.channel = 'lapor' AND c."externalId" = ${p(compact)})`]);
    matchers.push([
      "nama",
      `EXISTS (SELECT 1 FROM "Party" q WHERE q."caseId" = c.id AND ${all("q.name")}
        AND NOT (q.role = 'pelapor' AND (c.rahasia OR c.anonim)))`,
    ]);
    matchers.push([
      "keperluan",
      `(((${all("c.keperluan")}) OR (${all("c.title")})) AND NOT ${hiddenName})`,
    ]);
    // An exact NIK or phone number finds the case whatever its flags (a rahasia pelapor asking
    // at the desk about their case); the hit is listed masked like any other row.
    const exact = exactIdentifier(ctx, text);
    if (exact.nikHash) {
      nik = true;
      matchers.push([
        "nik",
        `c.id IN (SELECT "caseId" FROM "Party" WHERE "nikHash" = ${p(exact.nikHash)})`,
      ]);
    }
    if (exact.phone) {
      const ph = p(exact.phone);
      matchers.push([
        "telepon",
        `c.id IN (SELECT "caseId" FROM "Party" WHERE "phoneE164" = ${ph} OR ${ph} = ANY("altPhones"))`,
      ]);
    }
    where.push(`(${matchers.map((m) => m[1]).join(" OR ")})`);
  }
  return { where, matchers, nik };
}

// issue 5: past due, still open, clock running (a case paused after its due date stays late)
const overdueSql = (p: Param, now: Date) =>
  `(c."dueAt" < ${p(now)} AND c.status NOT IN ${FINAL_STATUSES_SQL}
    AND (c."pausedSince" IS NULL OR c."pausedSince" > c."dueAt"))`;

function paramList(): { params: unknown[]; p: Param } {
  const params: unknown[] = [];
  return {
    params,
    p: (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    },
  };
}

export type CaseListCounts = { perStatus: Record<string, number>; overdue: number };

/**
 * issue 15: the inbox's counts under the same filters: per status (ignoring the status
 * filter, so each is a click away) and overdue; and the total of the list as filtered.
 */
async function listCounts(
  ctx: HubContext,
  user: AuthUser,
  f: ListFilter,
  now: Date,
  overdueOnly: boolean,
): Promise<{ total: number; counts: CaseListCounts }> {
  const { params, p } = paramList();
  const { where } = baseFilters(ctx, user, f, p);
  const rows = await ctx.db.sql.query<{ status: string; n: number; late: number }>(
    `SELECT c.status, count(*)::int AS n, count(*) FILTER (WHERE ${overdueSql(p, now)})::int AS late
       FROM "Case" c WHERE ${where.join(" AND ")} GROUP BY c.status`,
    params,
  );
  const perStatus: Record<string, number> = {};
  let total = 0;
  let overdue = 0;
  for (const r of rows) {
    perStatus[r.status] = overdueOnly ? r.late : r.n;
    if (f.status && f.status !== r.status) continue;
    total += overdueOnly ? r.late : r.n;
    overdue += r.late;
  }
  return { total, counts: { perStatus, overdue } };
}

// The inbox is the hottest read: one hand-written statement on the (receivedAt, id) index,
// keyset pagination, pelapor name by a lateral look-up of the page's rows only (measured
// in bench/api and bench/load).
export async function listCases(
  ctx: HubContext,
  user: AuthUser,
  f: ListFilter,
  meta: { ip?: string | undefined; requestId?: string | undefined } = {},
): Promise<{
  data: CaseSummaryDto[];
  nextCursor: string | null;
  total?: number;
  counts?: CaseListCounts;
}> {
  const limit = f.limit ?? 25;
  const now = ctx.clock();
  const both = [
    ...(queryFlag(f.noJenis) && f.jenis ? ["noJenis"] : []),
    ...(queryFlag(f.noBidang) && f.bidang ? ["noBidang"] : []),
  ];
  if (both.length)
    throw validationFailed(
      both.map((k) => ({
        field: `query.${k}`,
        message: `tidak dapat digabung dengan ${k === "noJenis" ? "jenis" : "bidang"}`,
      })),
    );
  const { params, p } = paramList();
  const { where, matchers, nik } = baseFilters(ctx, user, f, p);
  if (f.status) where.push(`c.status = ${p(f.status)}`);
  const overdueOnly = queryFlag(f.overdue);
  if (overdueOnly) where.push(overdueSql(p, now));
  // issue 15: by arrival in the hub, or by the date the complaint was received upstream.
  const key = f.sort === "arrival" ? `c."createdAt"` : `c."receivedAt"`;
  if (f.cursor) {
    const c = readCursor(f.cursor);
    where.push(`(${key}, c.id) < (${p(c.r)}, ${p(c.id)}::uuid)`);
  }
  const matched = matchers.length
    ? `array_remove(ARRAY[${matchers.map(([k, sql]) => `CASE WHEN ${sql} THEN '${k}' END`).join(", ")}]::text[], NULL)`
    : "NULL::text[]";
  // The page is cut first (index order, LIMIT) and only its rows look up their pelapor.
  const sql = `
    SELECT c.id, c.number, c.channel, c."externalId", c.status, c.jenis, c."jenisSuggested",
           c."jenisDecision", c.bidang, c.title, c.keperluan, c.rahasia, c.anonim,
           ${epochMs('c."receivedAt"')} AS "receivedAt", ${epochMs('c."closedAt"')} AS "closedAt",
           ${epochMs('c."dueAt"')} AS "dueAt", ${epochMs('c."stepStartedAt"')} AS "stepStartedAt",
           ${epochMs('c."pausedSince"')} AS "pausedSince", c.flags, c.version,
           ${epochMs("c.k")} AS "sortKey", c."matchedBy",
           (s."seenAt" IS NULL OR s."seenAt" < c."updatedAt") AS unread,
           pl.name AS "pelaporName", hp.hidden AS "hiddenPelapor"
    FROM (
      SELECT c.id, c.number, c.channel, c."externalId", c.status, c.jenis, c."jenisSuggested",
             c."jenisDecision", c.bidang, c.title, c.keperluan, c.rahasia, c.anonim,
             c."receivedAt", c."closedAt", c."dueAt", c."stepStartedAt", c."pausedSince",
             c.flags, c.version, c."updatedAt", ${key} AS k, ${matched} AS "matchedBy"
      FROM "Case" c
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY ${key} DESC, c.id DESC
      LIMIT ${p(limit + 1)}
    ) c
    LEFT JOIN "CaseSeen" s ON s."userId" = ${p(user.id)}::uuid AND s."caseId" = c.id
    LEFT JOIN LATERAL (
      SELECT name FROM "Party" x WHERE x."caseId" = c.id AND x.role = 'pelapor' ORDER BY x."createdAt" LIMIT 1
    ) pl ON true
    LEFT JOIN LATERAL (
      SELECT json_agg(json_build_array(x.name, x."phoneE164", x."altPhones")) AS hidden
      FROM "Party" x WHERE (c.rahasia OR c.anonim) AND x."caseId" = c.id AND x.role = 'pelapor'
    ) hp ON true
    ORDER BY c.k DESC, c.id DESC`;
  // The counts are asked for, not paid by every page (the inbox asks on its first page).
  const withCounts = queryFlag(f.counts);
  const [rows, totals] = await Promise.all([
    ctx.db.sql.query<SummaryRow>(sql, params, { prepare: true }),
    withCounts ? listCounts(ctx, user, f, now, overdueOnly) : null,
  ]);
  const n = Math.min(rows.length, limit);
  const near = await nearThreshold(ctx); // issue 5
  const data = new Array<CaseSummaryDto>(n);
  for (let i = 0; i < n; i++) {
    const c = rows[i]!;
    const receivedAt = new Date(c.receivedAt);
    const h = hiddenOnRow(user, c);
    // Same fields, same order as toSummary.
    data[i] = {
      id: c.id,
      number: c.number,
      channel: c.channel,
      externalId: c.externalId,
      status: c.status,
      jenis: c.jenis,
      jenisSuggested: c.jenisSuggested,
      jenisDecision: c.jenisDecision,
      bidang: c.bidang,
      title: scrubText(c.title, h),
      keperluan: scrubText(c.keperluan, h),
      pelaporName: listedPelaporName(user, c, c.pelaporName),
      rahasia: c.rahasia,
      anonim: c.anonim,
      receivedAt: receivedAt.toISOString(),
      closedAt: isoOrNull(c.closedAt),
      dueAt: isoOrNull(c.dueAt),
      // issue 5
      slaState:
        c.dueAt === null
          ? null
          : slaStateOf(
              {
                status: c.status,
                dueAt: new Date(c.dueAt),
                receivedAt,
                stepStartedAt: c.stepStartedAt === null ? null : new Date(c.stepStartedAt),
                pausedSince: c.pausedSince === null ? null : new Date(c.pausedSince),
              },
              now,
              near,
            ),
      pausedSince: isoOrNull(c.pausedSince),
      flags: c.flags,
      version: c.version,
      unread: c.unread,
      ...(c.matchedBy ? { matchedBy: c.matchedBy } : {}),
    };
  }
  // A page shows pelapor names and keperluan: a read of personal data (UU PDP), recorded
  // once per page with the ids it showed (the breach report expands them into people).
  // The search term is not kept: it is often a name.
  if (n > 0) {
    const names = data.some((d) => d.pelaporName !== null && d.pelaporName !== RAHASIA_LABEL);
    await appendAudit(ctx.db.sql, {
      actor: user,
      action: "case.list",
      fields: names ? ["pelapor_name", "keperluan"] : ["keperluan"],
      purpose: "penanganan aduan",
      data: { caseIds: data.map((d) => d.id), ...(f.q ? { search: true } : {}) },
      ...meta,
    });
  }
  // issue 15: a search by NIK asks "does this person have a case here": recorded whether or
  // not it found one (the NIK itself is not kept).
  if (nik) {
    await appendAudit(ctx.db.sql, {
      actor: user,
      action: "case.search.nik",
      fields: ["nik"],
      purpose: "pencarian aduan",
      data: { caseIds: data.filter((d) => d.matchedBy?.includes("nik")).map((d) => d.id) },
      ...meta,
    });
  }
  const last = rows[n - 1];
  return {
    data,
    nextCursor:
      rows.length > limit && last
        ? encodeCursor([new Date(last.sortKey).toISOString(), last.id])
        : null,
    ...(totals ? { total: totals.total, counts: totals.counts } : {}),
  };
}

function exactIdentifier(ctx: HubContext, q: string): { nikHash?: string; phone?: string } {
  const compact = q.trim().replace(/[\s().-]/g, "");
  if (/^\d{16}$/.test(compact)) {
    const nik = parseNik(compact);
    if (nik.ok) return { nikHash: keyedHash(ctx.keyring, nik.value.nik) };
  }
  if (/^(\+|00)?\d{8,15}$/.test(compact)) {
    const phone = normalizePhone(compact);
    if (phone.ok) return { phone: phone.value };
  }
  return {};
}

/**
 * The identities to scrub from a listed row's free text: its pelapor when masked in lists.
 * They come with the page itself (a lateral look-up that runs for rahasia/anonim rows
 * only; a second query per page measured +2.6 ms).
 */
function hiddenOnRow(user: AuthUser, r: SummaryRow): Identity[] {
  if (!r.hiddenPelapor) return [];
  return hiddenIdentities(
    r.hiddenPelapor.map(([name, phoneE164, altPhones]) => ({
      role: "pelapor",
      name,
      phoneE164,
      altPhones: altPhones ?? [],
    })),
    user,
    r,
    "list",
  );
}

export type CasePatch = { version: number; jenis?: string; title?: string; rahasia?: boolean };

export async function updateCase(
  ctx: HubContext,
  user: AuthUser,
  id: string,
  patch: CasePatch,
  meta: { ip?: string | undefined; requestId?: string | undefined } = {},
): Promise<CaseDto> {
  if (patch.jenis !== undefined) await assertKnownJenis(ctx, patch.jenis);
  await ctx.db.prisma.$transaction(async (tx) => {
    const current = await tx.case.findUnique({
      where: { id },
      select: {
        version: true,
        jenis: true,
        jenisSuggested: true,
        jenisDecision: true,
        rahasia: true,
      },
    });
    if (!current) throw notFound("Kasus");
    // Taking the flag off shows the pelapor to everyone: only those who may reveal it.
    if (patch.rahasia === false && current.rahasia && !mayRevealIdentity(user)) {
      throw new DomainError(
        "IDENTITY_CONFIDENTIAL",
        "Status rahasia hanya dapat dicabut oleh koordinator atau kepala dinas",
      );
    }
    const data: Prisma.CaseUpdateManyMutationInput = { version: { increment: 1 } };
    const changed: Record<string, unknown> = {};
    if (patch.jenis !== undefined && patch.jenis !== current.jenis) {
      data.jenis = patch.jenis;
      data.jenisDecision = patch.jenis === current.jenisSuggested ? "accepted" : "overridden";
      changed.jenis = { from: current.jenis, to: patch.jenis };
    } else if (
      patch.jenis !== undefined &&
      patch.jenis === current.jenisSuggested &&
      current.jenisDecision === "suggested"
    ) {
      // The suggestion was applied on intake; staff sending it back confirm it.
      data.jenisDecision = "accepted";
      changed.jenisDecision = "accepted";
    }
    if (patch.title !== undefined) {
      data.title = patch.title;
      changed.title = true;
    }
    if (patch.rahasia !== undefined) {
      data.rahasia = patch.rahasia;
      changed.rahasia = patch.rahasia;
    }
    // Compare-and-set on version: of two concurrent edits exactly one wins.
    const res = await tx.case.updateMany({ where: { id, version: patch.version }, data });
    if (res.count === 0) {
      throw new DomainError(
        "VERSION_CONFLICT",
        `Kasus sudah diubah orang lain (versi sekarang ${current.version}); muat ulang`,
        {
          fields: [
            {
              field: "body.version",
              message: `versi ${patch.version} sudah usang; sekarang ${current.version}`,
            },
          ],
        },
      );
    }
    await tx.caseEvent.create({
      data: {
        caseId: id,
        type: "case.updated",
        actorId: user.id,
        data: changed as Prisma.InputJsonValue,
      },
    });
    await audit(tx, {
      actor: user,
      action: "case.update",
      caseId: id,
      fields: Object.keys(changed),
      purpose: "penanganan aduan",
      ...meta,
    });
  });
  return getCaseInternal(ctx, user, id);
}

/** The case's flags and pelapor identities, for masking its texts (404 when absent). */
async function caseForMasking(ctx: HubContext, caseId: string) {
  const c = await ctx.db.prisma.case.findUnique({
    where: { id: caseId },
    select: {
      rahasia: true,
      anonim: true,
      parties: {
        where: { role: "pelapor" },
        select: { role: true, name: true, phoneE164: true, altPhones: true },
      },
    },
  });
  if (!c) throw notFound("Kasus");
  return c;
}

/** One read of personal data on a case (UU PDP processing record). */
async function auditCaseRead(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  action: string,
  field: string,
  meta: { ip?: string | undefined; requestId?: string | undefined },
): Promise<void> {
  await audit(ctx.db.prisma, {
    actor: user,
    action,
    caseId,
    fields: [field],
    purpose: "penanganan aduan",
    ...meta,
  });
}

export async function listCaseMessages(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  meta: { ip?: string | undefined; requestId?: string | undefined } = {},
) {
  const c = await caseForMasking(ctx, caseId);
  const rows = await ctx.db.prisma.message.findMany({
    where: { caseId },
    orderBy: [{ at: "asc" }, { createdAt: "asc" }],
  });
  if (rows.length)
    await auditCaseRead(ctx, user, caseId, "case.messages.read", "message_body", meta);
  // A case flagged rahasia after its messages came in: the pelapor wrote them (the author is
  // their profile name) and often signed them.
  const hidden = hiddenIdentities(c.parties, user, c, "detail");
  return rows.map((m) => ({
    id: m.id,
    direction: m.direction as "in" | "out",
    channel: m.channel,
    author:
      hidden.length && m.direction === "in"
        ? listedPelaporName(user, c, m.author)
        : scrubText(m.author, hidden),
    body: scrubText(m.body, hidden),
    at: m.at.toISOString(),
    deliveryStatus: m.deliveryStatus,
    deliveryError: m.deliveryError,
  }));
}

export async function listCaseAttachments(
  ctx: HubContext,
  caseId: string,
  user: AuthUser,
  meta: { ip?: string | undefined; requestId?: string | undefined } = {},
) {
  const c = await caseForMasking(ctx, caseId);
  const rows = await ctx.db.prisma.attachment.findMany({
    where: { caseId },
    orderBy: { createdAt: "asc" },
  });
  // File names are what citizens called their documents (often their own name).
  if (rows.length)
    await auditCaseRead(ctx, user, caseId, "case.attachments.read", "attachment_name", meta);
  const hidden = hiddenIdentities(c.parties, user, c, "detail");
  return rows.map((a) => ({
    id: a.id,
    source: a.source,
    fileName: scrubText(a.fileName, hidden),
    mime: a.mime,
    size: a.size,
    status: a.status,
    error: a.error,
    createdAt: a.createdAt.toISOString(),
  }));
}
