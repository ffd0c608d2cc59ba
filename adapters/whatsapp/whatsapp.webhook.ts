// Processing of a stored WhatsApp webhook (RawMessage, channel "whatsapp"): mapped with
// mapWhatsAppPayload, each message joined to the sender's open case or opening one,
// media fetched through the Graph API afterwards (a failed fetch keeps the message), and
// statuses[] applied to our outbound Message rows. Runs from the stored bytes only, so the
// HTTP answer never waits for it and a crash in between loses nothing (webhook.process).
import type { HubContext, HubServices } from "../../src/ports/hub.port.js";
import type {
  WebhookChannel,
  WebhookProcessSummary,
} from "../../src/ports/webhook-channel.port.js";
import { err, ok } from "../../src/domain/result.js";
import {
  META_SIGNATURE_HEADER,
  verifyHandshake,
  verifyMetaSignature,
} from "../meta/meta.signature.js";
import {
  mapWhatsAppPayload,
  senderKey,
  type DeliveryStatus,
  type IdentityUpdate,
  type InboundMessage,
} from "./whatsapp.mapper.js";
import { WhatsAppClient, WhatsAppMediaTooLargeError } from "./whatsapp.client.js";

const clients = new WeakMap<object, WhatsAppClient>();

/** null when WHATSAPP_ACCESS_TOKEN / WHATSAPP_PHONE_NUMBER_ID are not set. */
export function whatsappClient(ctx: HubContext): WhatsAppClient | null {
  const c = ctx.config;
  if (!c.WHATSAPP_ACCESS_TOKEN || !c.WHATSAPP_PHONE_NUMBER_ID) return null;
  let client = clients.get(c);
  if (!client) {
    client = WhatsAppClient.fromConfig({
      accessToken: c.WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: c.WHATSAPP_PHONE_NUMBER_ID,
      graphVersion: c.WHATSAPP_GRAPH_VERSION,
    });
    clients.set(c, client);
  }
  return client;
}

const MEDIA_LABEL: Record<string, string> = {
  image: "gambar",
  document: "dokumen",
  audio: "pesan suara",
  video: "video",
  sticker: "stiker",
};

/** What staff read on the case for one inbound message. */
export function whatsappMessageText(m: InboundMessage): string {
  const parts: string[] = [];
  if (m.kind === "unknown") {
    parts.push(
      `[Pesan WhatsApp jenis "${m.unknownType ?? "?"}" tidak dapat ditampilkan; ` +
        "isi aslinya tersimpan untuk diperiksa petugas]",
    );
  }
  for (const media of m.media) {
    const name = media.fileName ? `: ${media.fileName}` : "";
    parts.push(`[Lampiran ${MEDIA_LABEL[media.mediaType] ?? media.mediaType}${name}]`);
  }
  if (m.location) {
    const l = m.location;
    const label = [l.name, l.address].filter(Boolean).join(", ");
    parts.push(`[Lokasi ${l.latitude}, ${l.longitude}${label ? ` (${label})` : ""}]`);
  }
  if (m.text) parts.push(m.text);
  return parts.join("\n");
}

export type ProcessSummary = WebhookProcessSummary;

/** The webhook channel of the WhatsApp Cloud API (signed like every Meta webhook). */
export function createWhatsAppWebhook(deps: HubServices): WebhookChannel {
  return {
    channel: "whatsapp",
    path: "/webhooks/whatsapp",
    signatureHeader: META_SIGNATURE_HEADER,
    secret: (config) => config.WHATSAPP_APP_SECRET,
    verifyToken: (config) => config.WHATSAPP_VERIFY_TOKEN,
    verifyHandshake,
    verifySignature: verifyMetaSignature,
    parse: parseWebhookJson,
    process: (ctx, rawMessageId, json) => processWhatsAppPayload(deps, ctx, rawMessageId, json),
  };
}

/** Both Meta webhooks carry JSON; anything else is kept quarantined for the operator. */
export function parseWebhookJson(body: Buffer): ReturnType<WebhookChannel["parse"]> {
  try {
    return ok(JSON.parse(body.toString("utf8")) as unknown);
  } catch {
    return err({ code: "INVALID_JSON" });
  }
}

export async function processWhatsAppPayload(
  deps: HubServices,
  ctx: HubContext,
  rawMessageId: string,
  json: unknown,
): Promise<ProcessSummary> {
  const mapped = mapWhatsAppPayload(json);
  const summary: ProcessSummary = {
    messages: mapped.messages.length,
    created: 0,
    joined: 0,
    duplicates: 0,
    statuses: 0,
    problems: mapped.problems.length,
    caseId: null,
  };
  // Identity links first: a message in the same webhook then finds the linked party.
  for (const u of mapped.identityUpdates) await applyIdentityUpdate(ctx, u);
  for (const m of mapped.messages) {
    // A sender is known by BSUID, by phone, or both (issue 19): the open case of either
    // is theirs, and both identifiers are locked so a burst never opens two cases.
    const keys = [
      ...(m.from.bsuid ? [{ field: "bsuid" as const, value: m.from.bsuid }] : []),
      ...(m.from.waId ? [{ field: "waId" as const, value: m.from.waId }] : []),
    ];
    const r = await deps.ingestInbound(ctx, {
      channel: "whatsapp",
      externalId: m.externalId,
      rawMessageId,
      receivedAt: m.receivedAt,
      from: {
        name: m.from.name,
        waId: m.from.waId,
        bsuid: m.from.bsuid,
        phoneE164: m.from.phoneE164,
      },
      text: whatsappMessageText(m),
      openCaseBy: keys,
      flags: m.kind === "unknown" ? [deps.flagUnknownType] : [],
      ackKind: "whatsapp.ack",
      lockKey: `inbound:whatsapp:${senderKey(m.from)}`,
      extraLockKeys: keys.map((k) => `inbound:whatsapp:${k.value}`),
    });
    summary.caseId ??= r.caseId;
    if (r.status === "duplicate") summary.duplicates += 1;
    else if (r.status === "created") summary.created += 1;
    else summary.joined += 1;
    // Also on a duplicate: a crash after the message row but before the download must
    // not lose the file on the replay.
    await fetchMissingMedia(deps, ctx, rawMessageId, r.caseId, m);
  }
  for (const s of mapped.statuses) {
    if (await applyDeliveryStatus(ctx, s)) summary.statuses += 1;
  }
  return summary;
}

async function fetchMissingMedia(
  deps: HubServices,
  ctx: HubContext,
  rawMessageId: string,
  caseId: string,
  m: InboundMessage,
): Promise<void> {
  for (const media of m.media) {
    const known = await ctx.db.prisma.attachment.findFirst({
      where: { source: "whatsapp", externalId: media.mediaId, caseId },
      select: { id: true },
    });
    if (known) continue;
    const rec = {
      caseId,
      rawMessageId,
      source: "whatsapp",
      externalId: media.mediaId,
      fileName: media.fileName,
      mime: media.mime,
    };
    const label = MEDIA_LABEL[media.mediaType] ?? media.mediaType;
    const client = whatsappClient(ctx);
    if (!client) {
      await deps.recordAttachmentProblem(
        ctx,
        rec,
        "failed",
        `Lampiran ${label} dari WhatsApp tidak dapat diunduh: akses WhatsApp belum dikonfigurasi`,
      );
      continue;
    }
    const max = ctx.config.WHATSAPP_MEDIA_MAX_BYTES;
    try {
      const file = await client.fetchMedia(media.mediaId, { maxBytes: max });
      await deps.storeAttachmentFile(ctx, { ...rec, mime: file.mime || media.mime }, file.bytes);
    } catch (e) {
      if (e instanceof WhatsAppMediaTooLargeError) {
        await deps.recordAttachmentProblem(
          ctx,
          rec,
          "refused",
          `Lampiran ${label} dari WhatsApp ditolak: ukurannya melebihi batas ${max} byte. ` +
            "Mintalah pelapor mengirim ulang dalam ukuran lebih kecil.",
        );
      } else {
        const reason = e instanceof Error ? e.name : "error";
        ctx.logger.warn(
          { err: reason, mediaType: media.mediaType, caseId },
          "whatsapp media fetch failed",
        );
        await deps.recordAttachmentProblem(
          ctx,
          rec,
          "failed",
          `Lampiran ${label} dari WhatsApp gagal diunduh (${reason}); pesan tetap tersimpan.`,
        );
      }
    }
  }
}

/**
 * `user_id_update` (issue 19): the WhatsApp parties of the user named by phone (wa_id) or
 * by their previous BSUID now carry the new BSUID, so the next BSUID-only message joins
 * their open case and person-link suggestions see it. The party is updated, never copied.
 * Returns how many parties changed.
 */
export async function applyIdentityUpdate(ctx: HubContext, u: IdentityUpdate): Promise<number> {
  const who = [
    ...(u.waId ? [{ waId: u.waId }] : []),
    ...(u.previousBsuid ? [{ bsuid: u.previousBsuid }] : []),
  ];
  if (who.length === 0) return 0;
  const r = await ctx.db.prisma.party.updateMany({
    where: { case: { channel: "whatsapp" }, OR: who },
    data: { bsuid: u.bsuid },
  });
  return r.count;
}

const RANK: Record<string, number> = { queued: 0, sent: 1, delivered: 2, read: 3 };

/**
 * Forward only: a late "delivered" never overwrites "read"; "failed" always lands.
 * One conditional UPDATE, so two statuses of one message processed at the same time
 * (Meta sends them in separate webhooks, the queue runs them concurrently) cannot
 * overwrite each other in the wrong order.
 */
export async function applyDeliveryStatus(ctx: HubContext, s: DeliveryStatus): Promise<boolean> {
  // The current status must rank below the new one; a status outside RANK (none yet,
  // "failed") ranks as "queued".
  let guard = {};
  if (s.status !== "failed") {
    const rank = RANK[s.status] ?? 0;
    if (rank === 0) return false;
    const notBelow = Object.keys(RANK).filter((k) => (RANK[k] ?? 0) >= rank);
    guard = { OR: [{ deliveryStatus: null }, { deliveryStatus: { notIn: notBelow } }] };
  }
  const r = await ctx.db.prisma.message.updateMany({
    where: { channel: "whatsapp", externalId: s.externalId, direction: "out", ...guard },
    data: { deliveryStatus: s.status, deliveryError: s.status === "failed" ? s.error : null },
  });
  return r.count > 0;
}
