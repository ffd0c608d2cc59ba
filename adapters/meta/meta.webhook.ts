// Processing of a stored Messenger / Instagram webhook (RawMessage, channel "meta"): the
// same pattern as WhatsApp. Echoes of our own replies, read/delivery receipts and the like
// are ignored by the mapper with a reason; each message joins the sender's open case on
// the same channel (by PSID/IGSID) or opens one, deduped on mid.
import type { HubContext } from "../../src/context.js";
import {
  FLAG_UNKNOWN_TYPE,
  ingestInbound,
  recordAttachmentProblem,
} from "../../src/services/inbound.service.js";
import type { ProcessSummary } from "../whatsapp/whatsapp.webhook.js";
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

export async function processMetaPayload(
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
    const r = await ingestInbound(ctx, {
      channel: m.channel,
      externalId: m.externalId,
      rawMessageId,
      receivedAt: m.receivedAt,
      from: { name: null, metaId: m.from.id },
      text: metaMessageText(m),
      openCaseBy: { field: "metaId", value: m.from.id },
      flags: m.kind === "unknown" ? [FLAG_UNKNOWN_TYPE] : [],
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
    for (const media of m.media) {
      // Meta CDN links expire and are not ours to mirror without review: staff open them
      // in Meta Business Suite; the case says so instead of silently lacking the file.
      await recordAttachmentProblem(
        ctx,
        { caseId: r.caseId, rawMessageId, source: m.channel, externalId: m.externalId, mime: null },
        "failed",
        `Lampiran ${media.type} dari ${m.channel === "facebook" ? "Facebook" : "Instagram"} ` +
          "tidak diunduh otomatis; buka percakapan di Meta Business Suite.",
      );
    }
  }
  return summary;
}
