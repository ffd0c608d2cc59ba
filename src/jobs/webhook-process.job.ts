// Webhook bodies are stored first (RawMessage "stored") and processed right after the HTTP
// answer; this job is the safety net that picks up anything still "stored" (a crash or a
// restart between store and process), so no accepted webhook is ever lost.
import type { HubContext } from "../context.js";
import { defineJob } from "./job.js";

export type RawProcessOutcome = "processed" | "failed" | "skipped";

/**
 * Processes one stored webhook. Claims it with a conditional update first, so the
 * immediate run and the job never process the same row at the same time.
 */
export async function processRawMessage(ctx: HubContext, id: string): Promise<RawProcessOutcome> {
  const claimed = await ctx.db.prisma.rawMessage.updateMany({
    where: { id, status: "stored" },
    data: { status: "processing" },
  });
  if (claimed.count === 0) return "skipped";
  const raw = await ctx.db.prisma.rawMessage.findUniqueOrThrow({ where: { id } });
  try {
    const json: unknown = JSON.parse(Buffer.from(raw.body).toString("utf8"));
    const webhook = ctx.registry.webhooks[raw.channel];
    if (!webhook) throw new Error(`no processor for channel ${raw.channel}`);
    const summary = await webhook.process(ctx, id, json);
    // Problems name paths and schema messages only (never values): safe to keep and log.
    const quarantined = summary.messages === 0 && summary.statuses === 0 && summary.problems > 0;
    await ctx.db.prisma.rawMessage.update({
      where: { id },
      data: {
        status: quarantined ? "quarantined" : "processed",
        processedAt: ctx.clock(),
        caseId: summary.caseId,
        error: summary.problems > 0 ? `${summary.problems} bagian tidak terbaca` : null,
      },
    });
    ctx.logger.info({ rawMessageId: id, channel: raw.channel, ...summary }, "webhook processed");
    return "processed";
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    // Back to "stored" so the job retries: the failure is most likely the database.
    await ctx.db.prisma.rawMessage
      .update({ where: { id }, data: { status: "stored", error: message.slice(0, 500) } })
      .catch(() => undefined);
    ctx.logger.error(
      { rawMessageId: id, channel: raw.channel, err: message },
      "webhook processing failed",
    );
    return "failed";
  }
}

export async function processStoredWebhooks(
  ctx: HubContext,
  limit = 200,
): Promise<{ processed: number; failed: number }> {
  // "processing" older than 5 minutes: the process that claimed it died.
  const stale = new Date(ctx.clock().getTime() - 5 * 60_000);
  await ctx.db.prisma.rawMessage.updateMany({
    where: {
      status: "processing",
      channel: { in: Object.keys(ctx.registry.webhooks) },
      receivedAt: { lt: stale },
    },
    data: { status: "stored" },
  });
  const rows = await ctx.db.prisma.rawMessage.findMany({
    where: { status: "stored", channel: { in: Object.keys(ctx.registry.webhooks) } },
    orderBy: { receivedAt: "asc" },
    take: limit,
    select: { id: true },
  });
  let processed = 0;
  let failed = 0;
  for (const r of rows) {
    const outcome = await processRawMessage(ctx, r.id);
    if (outcome === "processed") processed += 1;
    else if (outcome === "failed") failed += 1;
  }
  return { processed, failed };
}

export const webhookProcessJob = defineJob<never>({
  id: "webhook.process",
  schedule: () => "* * * * *",
  handler: async (ctx) => processStoredWebhooks(ctx),
});
