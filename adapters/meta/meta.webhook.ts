// Processing of a stored Messenger / Instagram webhook (RawMessage, channel "meta"): the
// same pattern as WhatsApp. Echoes of our own replies, read/delivery receipts and the like
// are ignored by the mapper with a reason; each message joins the sender's open case on
// the same channel (by PSID/IGSID) or opens one, deduped on mid.
import type { HubContext, HubServices } from "../../src/ports/hub.port.js";
import type { WebhookChannel } from "../../src/ports/webhook-channel.port.js";
import { META_SIGNATURE_HEADER, verifyHandshake, verifyMetaSignature } from "./meta.signature.js";
import { downloadMetaAttachment, MetaAttachmentTooLargeError } from "./meta.client.js";
import { parseWebhookJson, type ProcessSummary } from "../whatsapp/whatsapp.webhook.js";
import { mapMetaPayload, type MetaInboundMessage } from "./meta.mapper.js";

export function metaMessageText(m: MetaInboundMessage): string {
  const parts: string[] = [];
  if (m.kind === "unknown") {
    parts.push(
      `[Pesan jenis "${m.unknownType ?? "?"}" tidak dapat ditampilkan; ` +
        "periksa percakapan di Meta Business Suite]",
    );
  }
  for (const media of m.media) parts.push(`[Lampiran ${media.type}]`);
  if (m.location) parts.push(`[Lokasi ${m.location.latitude}, ${m.location.longitude}]`);
  if (m.text) parts.push(m.text);
  return parts.join("\n");
}

/** The webhook channel of Messenger and Instagram (one Meta app). */
export function createMetaWebhook(deps: HubServices): WebhookChannel {
  return {
    channel: "meta",
    path: "/webhooks/meta",
    signatureHeader: META_SIGNATURE_HEADER,
    secret: (config) => config.META_APP_SECRET,
    verifyToken: (config) => config.META_VERIFY_TOKEN,
    verifyHandshake,
    verifySignature: verifyMetaSignature,
    parse: parseWebhookJson,
    process: (ctx, rawMessageId, json) => processMetaPayload(deps, ctx, rawMessageId, json),
  };
}

export async function processMetaPayload(
  deps: HubServices,
  ctx: HubContext,
  rawMessageId: string,
  json: unknown,
): Promise<ProcessSummary> {
  const mapped = mapMetaPayload(json);
  const summary: ProcessSummary = {
    messages: mapped.messages.length,
    created: 0,
    joined: 0,
    duplicates: 0,
    // Ignored events (echoes, receipts) count as handled: the payload was understood.
    statuses: mapped.ignored.length,
    problems: mapped.problems.length,
    caseId: null,
  };
  for (const m of mapped.messages) {
    const r = await deps.ingestInbound(ctx, {
      channel: m.channel,
      externalId: m.externalId,
      rawMessageId,
      receivedAt: m.receivedAt,
      from: { name: null, metaId: m.from.id },
      text: metaMessageText(m),
      openCaseBy: { field: "metaId", value: m.from.id },
      flags: m.kind === "unknown" ? [deps.flagUnknownType] : [],
      ackKind: "meta.ack",
      lockKey: `inbound:${m.channel}:${m.from.id}`,
    });
    summary.caseId ??= r.caseId;
    if (r.status === "duplicate") {
      summary.duplicates += 1;
      continue;
    }
    if (r.status === "created") summary.created += 1;
    else summary.joined += 1;
    await storeMetaMedia(deps, ctx, m, r.caseId, rawMessageId);
  }
  return summary;
}

/**
 * Attachments are fetched at once from their signed CDN links (they expire), size-capped
 * and stored encrypted like every other file; a refused or failed fetch keeps the message
 * and leaves a note on the case.
 */
async function storeMetaMedia(
  deps: HubServices,
  ctx: HubContext,
  m: MetaInboundMessage,
  caseId: string,
  rawMessageId: string,
): Promise<void> {
  const where = m.channel === "facebook" ? "Facebook" : "Instagram";
  const max = ctx.config.META_MEDIA_MAX_BYTES;
  for (const [i, media] of m.media.entries()) {
    const externalId = `${m.externalId}#${i}`;
    const known = await ctx.db.prisma.attachment.findFirst({
      where: { source: m.channel, externalId, caseId, status: "stored" },
      select: { id: true },
    });
    if (known) continue;
    const rec = { caseId, rawMessageId, source: m.channel, externalId, fileName: null, mime: null };
    try {
      const file = await downloadMetaAttachment(media.url, { maxBytes: max });
      await deps.storeAttachmentFile(ctx, { ...rec, mime: file.mime }, file.bytes);
    } catch (e) {
      if (e instanceof MetaAttachmentTooLargeError) {
        await deps.recordAttachmentProblem(
          ctx,
          rec,
          "refused",
          `Lampiran ${media.type} dari ${where} ditolak: ukurannya melebihi batas ${max} byte.`,
        );
      } else {
        const reason = e instanceof Error ? e.name : "error";
        ctx.logger.warn({ err: reason, caseId }, "meta attachment fetch failed");
        await deps.recordAttachmentProblem(
          ctx,
          rec,
          "failed",
          `Lampiran ${media.type} dari ${where} gagal diunduh (${reason}); pesan tetap tersimpan. ` +
            "Periksa percakapan di Meta Business Suite.",
        );
      }
    }
  }
}
