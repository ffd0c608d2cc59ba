// The outbox dispatcher. Entries are claimed in short transactions (FOR UPDATE SKIP
// LOCKED) by pushing their nextAttemptAt forward as a lease, then sent with no
// transaction open. Only the oldest unfinished entry of a case is ever eligible, so a
// newer update is never overtaken by an older retry; a crash mid-send only means the
// lease expires and the entry is sent again under the same idempotency key.
import type { HubContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { OutboxOutcome, OutboxRow } from "./outbox.js";
import { backoffDelayMs, type RetryPolicy } from "../sync/retry-policy.js";
import { raiseAlert } from "../sync/alerts.js";
import { recordDeadLetter } from "../sync/dead-letters.js";
import { DEFAULT_INSTANSI } from "../domain/instansi.js";

export const OUTBOX_RETRY_POLICY: RetryPolicy = Object.freeze({
  retries: 12,
  minTimeoutMs: 30_000,
  maxTimeoutMs: 60 * 60_000,
  factor: 2,
  jitter: true,
});
/** A claimed entry not finished within this is considered abandoned and re-sent. */
export const OUTBOX_LEASE_MS = 5 * 60_000;

export type FlushSummary = {
  claimed: number;
  sent: number;
  retried: number;
  conflict: number;
  dead: number;
  /** Entries of a kind no publisher sends: put back untouched and alerted. */
  unpublished: number;
};

/** How long an entry of a kind without a publisher waits before it is looked at again. */
export const UNPUBLISHED_RECHECK_MS = 15 * 60_000;

type ClaimedRow = { id: string };

async function claim(
  ctx: HubContext,
  now: Date,
  limit: number,
  caseId: string | undefined,
  kinds: readonly string[] | undefined,
): Promise<OutboxRow[]> {
  return ctx.db.prisma.$transaction(async (tx) => {
    // The per-case order below spans every kind: an older pending entry of another kind
    // still holds back a newer one of the kinds asked for.
    const rows = await tx.$queryRawUnsafe<ClaimedRow[]>(
      `SELECT o.id FROM "Outbox" o
        WHERE o.status = 'pending' AND o."nextAttemptAt" <= $1::timestamptz
          AND ($2::uuid IS NULL OR o."caseId" = $2::uuid)
          AND ($4::text[] IS NULL OR o.kind = ANY($4::text[]))
          AND (o."caseId" IS NULL OR NOT EXISTS (
                SELECT 1 FROM "Outbox" p WHERE p."caseId" = o."caseId" AND p.status = 'pending' AND p.seq < o.seq))
        ORDER BY o.seq LIMIT $3::int
        FOR UPDATE SKIP LOCKED`,
      now.toISOString(),
      caseId ?? null,
      limit,
      kinds ? [...kinds] : null,
    );
    if (!rows.length) return [];
    const lease = new Date(now.getTime() + OUTBOX_LEASE_MS);
    await tx.outbox.updateMany({
      where: { id: { in: rows.map((r) => r.id) } },
      data: { nextAttemptAt: lease, attempts: { increment: 1 } },
    });
    return tx.outbox.findMany({
      where: { id: { in: rows.map((r) => r.id) } },
      orderBy: { seq: "asc" },
    });
  });
}

function errorName(e: unknown): string {
  return e instanceof Error ? `${e.name}: handler failed` : "handler failed";
}

async function settle(ctx: HubContext, entry: OutboxRow, outcome: OutboxOutcome): Promise<void> {
  const now = ctx.clock();
  const { prisma } = ctx.db;
  if (outcome.status === "sent") {
    await prisma.outbox.update({
      where: { id: entry.id },
      data: {
        status: "sent",
        sentAt: now,
        lastError: null,
        ...(outcome.response !== undefined ? { response: outcome.response } : {}),
      },
    });
    return;
  }
  if (outcome.status === "retry" && entry.attempts <= OUTBOX_RETRY_POLICY.retries) {
    const delay = Math.max(
      backoffDelayMs(OUTBOX_RETRY_POLICY, entry.attempts),
      outcome.retryAfterMs ?? 0,
    );
    await prisma.outbox.update({
      where: { id: entry.id },
      data: { lastError: outcome.error, nextAttemptAt: new Date(now.getTime() + delay) },
    });
    return;
  }
  if (outcome.status === "conflict") {
    await prisma.$transaction(async (tx) => {
      await tx.outbox.update({
        where: { id: entry.id },
        data: { status: "conflict", lastError: outcome.error },
      });
      await raiseAlert(tx, {
        kind: "outbox.conflict",
        source: entry.kind,
        key: entry.id,
        message: `Kiriman ${entry.kind} untuk ${entry.target} ditolak karena konflik: ${outcome.error}`,
        data: { outboxId: entry.id, caseId: entry.caseId, target: entry.target },
      });
    });
    return;
  }
  // dead, or a retry whose budget is spent
  const error =
    outcome.status === "dead"
      ? outcome.error
      : `percobaan habis (${entry.attempts}x): ${outcome.error}`;
  await prisma.$transaction(async (tx) => {
    await tx.outbox.update({ where: { id: entry.id }, data: { status: "dead", lastError: error } });
    // The letter belongs to the entry's case's office (it names the case and its payload).
    const office = entry.caseId
      ? await tx.case.findUnique({ where: { id: entry.caseId }, select: { instansi: true } })
      : null;
    await recordDeadLetter(tx, {
      instansi: office?.instansi ?? DEFAULT_INSTANSI,
      source: `outbox:${entry.kind}`,
      externalId: entry.id,
      rawMessageId: null,
      payload: {
        outboxId: entry.id,
        caseId: entry.caseId,
        target: entry.target,
        payload: entry.payload,
      },
      errorClass: "push",
      error,
      at: now,
    });
    await raiseAlert(tx, {
      kind: "outbox.dead",
      source: entry.kind,
      key: entry.id,
      message: `Kiriman ${entry.kind} untuk ${entry.target} gagal permanen: ${error}`,
      data: { outboxId: entry.id, caseId: entry.caseId },
    });
  });
}

/**
 * No publisher sends this kind (a wiring bug, or an entry written by a newer hub): the
 * entry keeps its attempts and waits, and an operator alert names the kind. Retrying it
 * would only spend its budget and end in a dead letter for something never tried.
 */
async function holdUnpublished(ctx: HubContext, entry: OutboxRow): Promise<void> {
  const now = ctx.clock();
  const error = `tidak ada pengirim untuk jenis ${entry.kind}`;
  ctx.logger.error({ outboxId: entry.id, kind: entry.kind }, "outbox kind has no publisher");
  await ctx.db.prisma.$transaction(async (tx) => {
    await tx.outbox.update({
      where: { id: entry.id },
      data: {
        attempts: { decrement: 1 },
        lastError: error,
        nextAttemptAt: new Date(now.getTime() + UNPUBLISHED_RECHECK_MS),
      },
    });
    await raiseAlert(tx, {
      kind: "outbox.no_publisher",
      source: entry.kind,
      key: entry.kind,
      message: `Kiriman jenis ${entry.kind} tidak dapat dikirim: tidak ada pengirim untuk jenis ini di proses ini`,
      data: { kind: entry.kind },
    });
  });
}

/**
 * Sends every due entry (at most `limit`), oldest first, one per case at a time. `kinds`
 * restricts the claim to those kinds (e.g. a CLI process that registered only the recap
 * sender); entries of other kinds are left as they are, attempts untouched.
 */
export async function flushOutbox(
  ctx: HubContext,
  opts: { caseId?: string; limit?: number; kinds?: readonly string[] } = {},
): Promise<FlushSummary> {
  const limit = opts.limit ?? 500;
  const summary: FlushSummary = {
    claimed: 0,
    sent: 0,
    retried: 0,
    conflict: 0,
    dead: 0,
    unpublished: 0,
  };
  while (summary.claimed < limit) {
    const batch = await claim(
      ctx,
      ctx.clock(),
      Math.min(50, limit - summary.claimed),
      opts.caseId,
      opts.kinds,
    );
    if (!batch.length) break;
    summary.claimed += batch.length;
    for (const entry of batch) {
      const send = ctx.registry.publisher(entry.kind);
      if (!send) {
        await holdUnpublished(ctx, entry);
        summary.unpublished++;
        continue;
      }
      let outcome: OutboxOutcome;
      try {
        outcome = await send(ctx, entry);
      } catch (e) {
        outcome = { status: "retry", error: errorName(e) };
      }
      await settle(ctx, entry, outcome);
      if (outcome.status === "sent") summary.sent++;
      else if (outcome.status === "conflict") summary.conflict++;
      else if (outcome.status === "dead" || entry.attempts > OUTBOX_RETRY_POLICY.retries)
        summary.dead++;
      else summary.retried++;
    }
  }
  if (summary.claimed || summary.unpublished) ctx.logger.info({ ...summary }, "outbox flushed");
  return summary;
}

export type OutboxView = {
  id: string;
  caseId: string | null;
  kind: string;
  target: string;
  status: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
  seq: number;
};

/**
 * `instansi` scopes the list to one office (the API: the caller's office; the CLI lists the
 * whole hub). An entry belongs to its case's office; an entry without a case (a recap push)
 * to the office it names (its recap target's).
 */
export async function listOutbox(
  ctx: HubContext,
  f: { status?: string; caseId?: string; limit?: number; instansi?: string },
): Promise<OutboxView[]> {
  const office: Prisma.OutboxWhereInput = !f.instansi
    ? {}
    : { OR: [{ case: { instansi: f.instansi } }, { caseId: null, instansi: f.instansi }] };
  const where: Prisma.OutboxWhereInput = {
    ...office,
    ...(f.status ? { status: f.status } : {}),
    ...(f.caseId ? { caseId: f.caseId } : {}),
  };
  const rows = await ctx.db.prisma.outbox.findMany({
    where,
    orderBy: { seq: "desc" },
    take: f.limit ?? 100,
  });
  return rows.map((r) => ({
    id: r.id,
    caseId: r.caseId,
    kind: r.kind,
    target: r.target,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt.toISOString(),
    lastError: r.lastError,
    sentAt: r.sentAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    seq: Number(r.seq),
  }));
}
