// Outbox handler of kind `rekap.push`: sends one stored recap body to its target and maps
// the answer onto the outbox outcome. The body in the entry is the exact string that was
// signed the first time, so a resend is byte-identical (same signature, same key).
import type { HubContext, Prisma } from "../../src/ports/hub.port.js";
import type { OutboxOutcome, OutboxRow, Publisher } from "../../src/ports/publisher.port.js";
import {
  REKAP_OUTBOX_KIND,
  RekapOutboxPayloadSchema,
  type RekapOutboxPayload,
} from "../../src/domain/rekap.js";
import { pushRekap, type RekapPushResult, type RekapTargetConfig } from "./rekap.client.js";

// The payload is written by the recap service: its schema is in src/domain/rekap.ts.
export { REKAP_OUTBOX_KIND, RekapOutboxPayloadSchema, type RekapOutboxPayload };

async function storeReceipt(
  ctx: HubContext,
  entry: OutboxRow,
  p: RekapOutboxPayload,
  status: string,
  receiptId: string | null,
  response: unknown,
): Promise<void> {
  const json = (response ?? null) as Prisma.InputJsonValue | null;
  const data = {
    receiptId,
    status,
    outboxId: entry.id,
    ...(json !== null ? { response: json } : {}),
  };
  await ctx.db.prisma.recapReceipt.upsert({
    where: {
      target_periode_revision: { target: entry.target, periode: p.periode, revision: p.revision },
    },
    create: { target: entry.target, periode: p.periode, revision: p.revision, ...data },
    // A replay confirms the first receipt; it never turns an accepted one into a rejection.
    update: status === "accepted" ? data : status === "replayed" ? { receiptId } : {},
  });
}

export async function rekapPushHandler(ctx: HubContext, entry: OutboxRow): Promise<OutboxOutcome> {
  const parsed = RekapOutboxPayloadSchema.safeParse(entry.payload);
  if (!parsed.success) return { status: "dead", error: "rekap.push: payload tidak valid" };
  const p = parsed.data;
  const target: RekapTargetConfig | undefined = ctx.config.REKAP_TARGETS.find(
    (t) => t.name === entry.target,
  );
  if (!target) {
    return { status: "dead", error: `rekap target "${entry.target}" tidak ada di REKAP_TARGETS` };
  }
  const result: RekapPushResult = await pushRekap(target, p.body, p.idempotencyKey);
  const log = { target: target.name, periode: p.periode, revision: p.revision, outboxId: entry.id };
  switch (result.kind) {
    case "accepted": {
      const status = result.status === 201 ? "accepted" : "replayed";
      await storeReceipt(ctx, entry, p, status, result.receiptId, result.response);
      ctx.logger.info({ ...log, status: result.status }, "rekap push accepted");
      return {
        status: "sent",
        response: { status: result.status, receipt_id: result.receiptId },
      };
    }
    case "transient":
      ctx.logger.warn({ ...log, status: result.status, error: result.error }, "rekap push retry");
      return {
        status: "retry",
        error: result.error,
        ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
      };
    case "unauthorized":
      await ctx.db.prisma.alert.create({
        data: {
          kind: "rekap.unauthorized",
          source: `rekap:${target.name}`,
          message: `Penerima rekap "${target.name}" menolak tanda tangan/kunci (HTTP ${result.status}); periksa kunci di REKAP_TARGETS`,
          data: { ...log, status: result.status },
        },
      });
      await storeReceipt(ctx, entry, p, "unauthorized", null, { status: result.status });
      ctx.logger.error({ ...log, status: result.status }, "rekap push unauthorized");
      return { status: "dead", error: result.error };
    case "rejected":
      await storeReceipt(ctx, entry, p, "rejected", null, result.response);
      ctx.logger.error(
        { ...log, status: result.status, error: result.error },
        "rekap push rejected",
      );
      return { status: "dead", error: result.error };
  }
}

export function createRekapPublisher(): Publisher {
  return { kinds: [REKAP_OUTBOX_KIND], send: rekapPushHandler };
}
