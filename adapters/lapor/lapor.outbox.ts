// Push-back of tindak lanjut to LAPOR! through the outbox: one entry per follow-up or
// closing, posted with the entry's stable Idempotency-Key, so a retry after a lost answer
// comes back as LAPOR!'s 200 replay instead of a second follow-up.
import { randomUUID } from "node:crypto";
import type { HubContext, HubServices, Prisma } from "../../src/ports/hub.port.js";
import type {
  OutboxOutcome,
  OutboxRow,
  OutboxWriter,
  Publisher,
  UpstreamFollowUp,
} from "../../src/ports/publisher.port.js";
import {
  LaporAuthError,
  LaporConflictError,
  LaporNotFoundError,
  LaporRateLimitError,
  LaporTransientError,
  LaporValidationError,
} from "./lapor.client.js";
import { LAPOR_PUSH_STATUSES } from "./lapor.dto.js";
import { hubToLaporStatus, type HubStatus, type LaporPushStatus } from "./lapor.status-map.js";
import { createLaporClient, describeLaporError } from "./lapor.sync.js";

export const LAPOR_TINDAK_LANJUT = "lapor.tindak_lanjut";

/**
 * Call in the same transaction as the hub change (a tindak lanjut recorded on a LAPOR!
 * case, or its closing). `status`: Ditindaklanjuti, or Selesai when the case is closed
 * (see HUB_TO_LAPOR). `isi` must be 20–5000 characters for LAPOR! (else dead letter).
 */
export async function enqueueLaporTindakLanjut(
  tx: OutboxWriter,
  e: { caseId: string; trackingId: string; isi: string; status: LaporPushStatus },
): Promise<OutboxRow> {
  if (!(LAPOR_PUSH_STATUSES as readonly string[]).includes(e.status))
    throw new RangeError(`LAPOR! push status must be one of ${LAPOR_PUSH_STATUSES.join(", ")}`);
  return tx.outbox.create({
    data: {
      caseId: e.caseId,
      kind: LAPOR_TINDAK_LANJUT,
      target: e.trackingId,
      payload: { trackingId: e.trackingId, isi: e.isi, status: e.status },
      idempotencyKey: `lapor-tl:${randomUUID()}`,
    },
  });
}

/** A staff reply on a LAPOR! case goes back upstream as a tindak lanjut. */
export const laporFollowUp: UpstreamFollowUp = {
  kind: LAPOR_TINDAK_LANJUT,
  enqueue: (tx, e) =>
    enqueueLaporTindakLanjut(tx, {
      caseId: e.caseId,
      trackingId: e.externalId,
      isi: e.text,
      // Internal statuses are not pushable; a tindak lanjut message is by nature a follow-up.
      status: hubToLaporStatus(e.hubStatus as HubStatus) ?? "Ditindaklanjuti",
    }),
};

export function createLaporPublisher(deps: HubServices): Publisher {
  return {
    kinds: [LAPOR_TINDAK_LANJUT],
    send: (ctx, entry) => sendLaporEntry(deps, ctx, entry),
  };
}

function payloadOf(
  entry: OutboxRow,
): { trackingId: string; isi: string; status: LaporPushStatus } | null {
  const p = entry.payload as Record<string, unknown> | null;
  if (!p || typeof p.trackingId !== "string" || typeof p.isi !== "string") return null;
  if (p.status !== "Ditindaklanjuti" && p.status !== "Selesai") return null;
  return { trackingId: p.trackingId, isi: p.isi, status: p.status };
}

function reasonOf(e: LaporValidationError): string {
  const r = e.reason as { error?: { issues?: { path?: string; message?: string }[] } } | null;
  const issues = r?.error?.issues;
  return issues?.length
    ? issues.map((i) => `${i.path ?? "?"}: ${i.message ?? "?"}`).join("; ")
    : "LAPOR! menolak isi kiriman (422)";
}

export async function sendLaporEntry(
  deps: HubServices,
  ctx: HubContext,
  entry: OutboxRow,
): Promise<OutboxOutcome> {
  const p = payloadOf(entry);
  if (!p) return { status: "dead", error: "payload kiriman LAPOR! tidak lengkap" };
  // UU PDP: checked when queued (writeReply), again now since a restriction may be newer.
  // Only `isi` and `status` go to LAPOR! (the tracking id is LAPOR!'s own): nothing else of
  // the pelapor or other parties is pushed, so there is nothing further to strip.
  const refused = await deps.outboundRefusal(ctx, entry.caseId, p.isi);
  if (refused) {
    await ctx.db.prisma.message.updateMany({
      where: { outboxId: entry.id },
      data: { deliveryStatus: "failed", deliveryError: refused },
    });
    return { status: "dead", error: refused };
  }
  if (!ctx.config.LAPOR_BASE_URL) return { status: "retry", error: "LAPOR_BASE_URL belum diatur" };
  // The worker owns the retry schedule; the client only absorbs a quick blip.
  const client = createLaporClient(ctx, {
    retryPolicy: {
      retries: 1,
      minTimeoutMs: 200,
      maxTimeoutMs: 1000,
      factor: 2,
      jitter: true,
      maxRetryAfterMs: 0,
    },
  });
  try {
    const result = await client.postTindakLanjut(
      p.trackingId,
      { isi: p.isi, status: p.status },
      entry.idempotencyKey,
    );
    await linkMessage(ctx, entry, result.tindakLanjut.id);
    const response: Prisma.InputJsonValue = {
      created: result.created,
      tindakLanjut: { ...result.tindakLanjut },
    };
    return { status: "sent", response };
  } catch (e) {
    if (e instanceof LaporConflictError) return { status: "conflict", error: describeConflict() };
    if (e instanceof LaporValidationError) return { status: "dead", error: reasonOf(e) };
    if (e instanceof LaporNotFoundError)
      return { status: "dead", error: `laporan ${p.trackingId} tidak ada di LAPOR! (404)` };
    if (e instanceof LaporRateLimitError)
      return {
        status: "retry",
        error: describeLaporError(e),
        ...(e.retryAfterMs !== null ? { retryAfterMs: e.retryAfterMs } : {}),
      };
    if (e instanceof LaporTransientError || e instanceof LaporAuthError)
      return { status: "retry", error: describeLaporError(e) };
    return { status: "retry", error: describeLaporError(e) };
  }
}

function describeConflict(): string {
  return "laporan sudah Selesai atau Diarsipkan di LAPOR! (409)";
}

/** The hub's own Message for this follow-up takes LAPOR!'s id, so the next sync dedupes it. */
async function linkMessage(
  ctx: HubContext,
  entry: OutboxRow,
  tindakLanjutId: string,
): Promise<void> {
  try {
    await ctx.db.prisma.message.updateMany({
      where: { outboxId: entry.id },
      data: { externalId: tindakLanjutId, deliveryStatus: "sent" },
    });
  } catch {
    // The sync already stored this follow-up under its id: keep that one, mark ours sent.
    await ctx.db.prisma.message.updateMany({
      where: { outboxId: entry.id },
      data: { deliveryStatus: "sent" },
    });
  }
}
