// The SLA clock on cases: which step runs, since when, and when it is due, from the SLA
// policy (defaults from the SOPs, admin override as CatalogueVersion kind "sla_policy") and
// the working-day calendar (shipped holidays + CalendarOverride rows).
//
// Decisions:
// - The running step is `pendingStep(status)`. When the policy sets no target for it on the
//   case's channel (LAPOR!: disposition and closing happen inside the agency without an
//   upstream deadline), the next step that has one is used, so a LAPOR! case in
//   `diverifikasi` is measured against the 5-day follow-up deadline counted from receipt.
//   `currentStep` stores the step whose target gives `dueAt`.
// - Pauses (waiting for documents from the citizen) are CasePause rows. While one is open the
//   stored `dueAt` keeps its pre-pause value and the case is excluded from the overdue list
//   (unless it was already late when paused: a late case stays late); on resume `dueAt` is
//   recomputed with every closed pause of the case.
// - Policy and calendar are cached per context for 30 s (the inbox reads them on every
//   page); an admin change through this process invalidates at once, other processes pick it
//   up within the TTL.
import type { HubContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { DomainError, notFound } from "../domain/errors.js";
import type { Pause, WorkingCalendar } from "../domain/calendar/working-days.js";
import {
  computeDue,
  defaultSlaPolicy,
  resolveSlaPolicy,
  slaState,
  targetFor,
  type Channel,
  type SlaPolicy,
  type SlaState,
} from "../domain/sla-policy.js";
import {
  bidangForbidden,
  checkAction,
  CLOCK_STEPS,
  FINAL_STATUSES,
  isCaseStatus,
  pendingStep,
  type Bidang,
  type CaseAction,
  type CaseStatus,
  type ClockStep,
  type Role,
} from "../domain/workflow.js";
import type { AuthUser } from "./auth.service.js";
import { audit } from "./audit.service.js";
import { loadCalendar } from "./calendar.service.js";

type Tx = Prisma.TransactionClient;
type Meta = { ip?: string | undefined; requestId?: string | undefined };

const CACHE_TTL_MS = 30_000;

export type LoadedPolicy = {
  policy: SlaPolicy;
  /** CatalogueVersion.version of the override in force; null = the SOP defaults. */
  version: number | null;
  override: unknown;
};

const policyCache = new WeakMap<HubContext, { at: number; value: LoadedPolicy }>();
const calendarCache = new WeakMap<HubContext, { at: number; value: WorkingCalendar }>();

export function invalidateSlaCaches(ctx: HubContext): void {
  policyCache.delete(ctx);
  calendarCache.delete(ctx);
}

// ---- versioned catalogues (shared with the bidang table) ----

export async function latestCatalogue(
  db: Pick<Tx, "catalogueVersion">,
  kind: string,
): Promise<{
  version: number;
  data: unknown;
  source: string;
  createdAt: Date;
  note: string | null;
} | null> {
  return db.catalogueVersion.findFirst({
    where: { kind },
    orderBy: { version: "desc" },
    select: { version: true, data: true, source: true, createdAt: true, note: true },
  });
}

/** A catalogue version's content as stored (JSON). */
export type CatalogueData = Prisma.InputJsonValue;

export async function saveCatalogueVersion(
  ctx: HubContext,
  user: AuthUser,
  kind: string,
  data: CatalogueData,
  note: string | undefined,
  meta: Meta,
): Promise<number> {
  try {
    return await ctx.db.prisma.$transaction(async (tx) => {
      const last = await latestCatalogue(tx, kind);
      const version = (last?.version ?? 0) + 1;
      await tx.catalogueVersion.create({
        data: { kind, version, source: "admin", data, note: note ?? null, createdById: user.id },
      });
      await audit(tx, {
        actor: user,
        action: `catalogue.${kind}.update`,
        purpose: "pengelolaan katalog",
        data: { version },
        ...meta,
      });
      return version;
    });
  } catch (e) {
    // Two admins saving at once: (kind, version) is unique, the second one must reload.
    if ((e as { code?: string }).code === "P2002") {
      throw new DomainError("VERSION_CONFLICT", "Katalog baru saja diubah admin lain; muat ulang");
    }
    throw e;
  }
}

// ---- policy and calendar ----

export async function loadSlaPolicy(ctx: HubContext): Promise<LoadedPolicy> {
  const hit = policyCache.get(ctx);
  if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.value;
  const row = await latestCatalogue(ctx.db.prisma, "sla_policy");
  let value: LoadedPolicy = { policy: defaultSlaPolicy, version: null, override: null };
  if (row) {
    const r = resolveSlaPolicy(row.data);
    if (r.ok) value = { policy: r.value, version: row.version, override: row.data };
    // A stored override is validated before it is saved; if a later code change makes it
    // invalid the defaults apply and the operator is told, rather than no clock at all.
    else
      ctx.logger.error(
        { version: row.version, error: r.error.message },
        "stored SLA policy override is invalid; using the SOP defaults",
      );
  }
  policyCache.set(ctx, { at: Date.now(), value });
  return value;
}

export async function loadCalendarCached(ctx: HubContext): Promise<WorkingCalendar> {
  const hit = calendarCache.get(ctx);
  if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.value;
  const value = await loadCalendar(ctx);
  calendarCache.set(ctx, { at: Date.now(), value });
  return value;
}

// ---- the clock ----

export type ClockFields = {
  currentStep: ClockStep | null;
  stepStartedAt: Date | null;
  dueAt: Date | null;
};

const STEP_ORDER: readonly ClockStep[] = CLOCK_STEPS.filter((s) => s !== "acknowledge");

export function clockFor(
  policy: SlaPolicy,
  calendar: WorkingCalendar,
  input: {
    channel: string;
    status: CaseStatus;
    receivedAt: Date;
    stepStartedAt: Date;
    pauses?: readonly Pause[];
    now: Date;
  },
): ClockFields {
  const pending = pendingStep(input.status);
  if (!pending) return { currentStep: null, stepStartedAt: null, dueAt: null };
  const channel = input.channel as Channel;
  // Closed pauses only: an open pause leaves the due date where it was (see header).
  const pauses = (input.pauses ?? []).filter((p) => p.to !== null);
  for (const step of STEP_ORDER.slice(STEP_ORDER.indexOf(pending))) {
    if (!targetFor(policy, channel, step)) continue;
    const dueAt = computeDue(policy, calendar, {
      channel,
      step,
      startedAt: input.stepStartedAt,
      receivedAt: input.receivedAt,
      pauses,
      now: input.now,
    });
    return { currentStep: step, stepStartedAt: input.stepStartedAt, dueAt };
  }
  // No target at all (legacy imports): the step still runs, without a due date.
  return { currentStep: pending, stepStartedAt: input.stepStartedAt, dueAt: null };
}

export async function casePauses(tx: Pick<Tx, "casePause">, caseId: string): Promise<Pause[]> {
  const rows = await tx.casePause.findMany({ where: { caseId }, orderBy: { from: "asc" } });
  return rows.map((p) => ({ from: p.from, to: p.to }));
}

/** on_time / near / late of a case summary row; null when no clock runs. */
export function slaStateOf(
  c: {
    status: string;
    dueAt: Date | null;
    stepStartedAt?: Date | null;
    receivedAt: Date;
    pausedSince?: Date | null;
  },
  now: Date,
  nearThresholdFraction: number,
): SlaState | null {
  if (!c.dueAt || (FINAL_STATUSES as readonly string[]).includes(c.status)) return null;
  // While the clock is paused the case cannot become late, unless it already was.
  if (c.pausedSince && c.pausedSince.getTime() <= c.dueAt.getTime()) return "on_time";
  return slaState({
    startedAt: c.stepStartedAt ?? c.receivedAt,
    due: c.dueAt,
    now,
    nearThresholdFraction,
  });
}

/** Cached near-threshold for list pages (avoids a policy query per request). */
export async function nearThreshold(ctx: HubContext): Promise<number> {
  return (await loadSlaPolicy(ctx)).policy.nearThresholdFraction;
}

/**
 * Recomputes `dueAt` of open cases after a policy or calendar change (bounded batches).
 * Returns how many cases changed.
 */
export async function recomputeOpenCases(ctx: HubContext, batch = 500): Promise<number> {
  invalidateSlaCaches(ctx);
  const [{ policy }, calendar] = await Promise.all([loadSlaPolicy(ctx), loadCalendarCached(ctx)]);
  let changed = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const rows = await ctx.db.prisma.case.findMany({
      where: {
        id: { gt: after },
        status: { notIn: [...FINAL_STATUSES] },
      },
      orderBy: { id: "asc" },
      take: batch,
      select: {
        id: true,
        channel: true,
        status: true,
        receivedAt: true,
        stepStartedAt: true,
        dueAt: true,
        currentStep: true,
        pauses: { select: { from: true, to: true } },
      },
    });
    if (!rows.length) break;
    for (const r of rows) {
      if (!isCaseStatus(r.status)) continue;
      const next = clockFor(policy, calendar, {
        channel: r.channel,
        status: r.status,
        receivedAt: r.receivedAt,
        stepStartedAt: r.stepStartedAt ?? r.receivedAt,
        pauses: r.pauses,
        now: ctx.clock(),
      });
      if (
        next.dueAt?.getTime() !== r.dueAt?.getTime() ||
        next.currentStep !== r.currentStep ||
        r.stepStartedAt === null
      ) {
        // Only the clock columns change; version is left alone so open consoles stay valid.
        await ctx.db.prisma.case.update({ where: { id: r.id }, data: next });
        changed++;
      }
    }
    after = rows[rows.length - 1]!.id;
  }
  return changed;
}

// ---- pause / resume ----

const asRole = (r: string) => r as Role;
const asBidang = (b: string | null) => (b ?? null) as Bidang | null;

export async function pauseCase(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  body: { reason: string; version?: number | undefined },
  meta: Meta,
): Promise<void> {
  const reason = body.reason.trim();
  if (!reason) {
    throw new DomainError("REASON_REQUIRED", "Alasan penghentian sementara wajib diisi", {
      fields: [{ field: "body.reason", message: "wajib diisi" }],
    });
  }
  await ctx.db.prisma.$transaction(async (tx) => {
    const c = await caseForAction(tx, user, caseId, "pause_clock");
    if ((FINAL_STATUSES as readonly string[]).includes(c.status)) {
      throw new DomainError("CASE_CLOSED", "Kasus sudah ditutup; jam SLA tidak berjalan");
    }
    const now = ctx.clock();
    // Atomic: only one open pause per case, whoever comes first.
    const res = await tx.case.updateMany({
      where: {
        id: caseId,
        pausedSince: null,
        ...(body.version !== undefined ? { version: body.version } : {}),
      },
      data: { pausedSince: now, version: { increment: 1 } },
    });
    if (res.count === 0) {
      if (c.pausedSince) {
        throw new DomainError("ALREADY_PAUSED", "Jam SLA kasus ini sudah dihentikan sementara");
      }
      throw versionConflict(body.version ?? 0, c.version);
    }
    await tx.casePause.create({ data: { caseId, from: now, reason, actorId: user.id } });
    await tx.caseEvent.create({
      data: {
        caseId,
        at: now,
        type: "sla.paused",
        actorId: user.id,
        data: { reason, step: c.currentStep, dueAt: c.dueAt?.toISOString() ?? null },
      },
    });
    await audit(tx, {
      actor: user,
      action: "case.pause",
      caseId,
      purpose: "menunggu kelengkapan dokumen dari pelapor",
      ...meta,
    });
  });
}

export async function resumeCase(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  body: { version?: number | undefined; note?: string | undefined },
  meta: Meta,
): Promise<void> {
  const [{ policy }, calendar] = await Promise.all([loadSlaPolicy(ctx), loadCalendarCached(ctx)]);
  await ctx.db.prisma.$transaction(async (tx) => {
    const c = await caseForAction(tx, user, caseId, "pause_clock");
    if (!c.pausedSince) {
      throw new DomainError("NOT_PAUSED", "Jam SLA kasus ini tidak sedang dihentikan");
    }
    const now = ctx.clock();
    await tx.casePause.updateMany({ where: { caseId, to: null }, data: { to: now } });
    const pauses = await casePauses(tx, caseId);
    const status = isCaseStatus(c.status) ? c.status : "diterima";
    const clock = clockFor(policy, calendar, {
      channel: c.channel,
      status,
      receivedAt: c.receivedAt,
      stepStartedAt: c.stepStartedAt ?? c.receivedAt,
      pauses,
      now,
    });
    const res = await tx.case.updateMany({
      where: {
        id: caseId,
        pausedSince: { not: null },
        ...(body.version !== undefined ? { version: body.version } : {}),
      },
      data: { pausedSince: null, dueAt: clock.dueAt, version: { increment: 1 } },
    });
    if (res.count === 0) throw versionConflict(body.version ?? 0, c.version);
    await tx.caseEvent.create({
      data: {
        caseId,
        at: now,
        type: "sla.resumed",
        actorId: user.id,
        data: {
          pausedSince: c.pausedSince.toISOString(),
          dueBefore: c.dueAt?.toISOString() ?? null,
          dueAt: clock.dueAt?.toISOString() ?? null,
          ...(body.note ? { note: body.note } : {}),
        },
      },
    });
    await audit(tx, { actor: user, action: "case.resume", caseId, ...meta });
  });
}

/** The case, read in the transaction, once the caller may take `action` on it. */
export async function caseForAction(
  tx: Pick<Tx, "case">,
  user: AuthUser,
  caseId: string,
  action: CaseAction,
) {
  const c = await tx.case.findUnique({ where: { id: caseId } });
  if (!c) throw notFound("Kasus");
  assertMay(user, action, c.bidang);
  return c;
}

export function assertMay(user: AuthUser, action: CaseAction, caseBidang: string | null): void {
  const r = checkAction({
    action,
    role: asRole(user.role),
    userBidang: asBidang(user.bidang ?? null),
    caseBidang: asBidang(caseBidang),
  });
  if (!r.ok) {
    if (r.error.code === "ROLE_NOT_ALLOWED") {
      throw new DomainError(
        "ROLE_NOT_ALLOWED",
        `Peran ${user.role} tidak berwenang untuk tindakan ini`,
        { allowed: r.error.allowedRoles },
      );
    }
    throw bidangForbidden(r.error.caseBidang);
  }
}

export function versionConflict(sent: number, current: number): DomainError {
  return new DomainError(
    "VERSION_CONFLICT",
    `Kasus sudah diubah orang lain (versi sekarang ${current}); muat ulang`,
    {
      fields: [
        { field: "body.version", message: `versi ${sent} sudah usang; sekarang ${current}` },
      ],
    },
  );
}
