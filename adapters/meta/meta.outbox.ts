// Outbox handlers `meta.ack` (acknowledgement when a Messenger/Instagram message opens a
// case) and `meta.reply` (staff answer, payload { caseId, text, messageId, channel }),
// sent through the Send API of the office's Page to the sender's PSID/IGSID. Outside the
// 24 h window Meta refuses with a window error: the entry dies with that reason (staff
// then answer by another channel) instead of retrying for days.
import type { HubContext, HubServices } from "../../src/ports/hub.port.js";
import type { OutboxOutcome, OutboxRow, Publisher } from "../../src/ports/publisher.port.js";
import { MetaClient, MetaError, MetaRateLimitError, MESSENGER_TEXT_MAX } from "./meta.client.js";

const clients = new WeakMap<object, MetaClient>();

export function metaClient(ctx: HubContext): MetaClient | null {
  const c = ctx.config;
  if (!c.META_PAGE_ACCESS_TOKEN) return null;
  let client = clients.get(c);
  if (!client) {
    client = MetaClient.fromConfig({
      pageAccessToken: c.META_PAGE_ACCESS_TOKEN,
      graphVersion: c.META_GRAPH_VERSION,
    });
    clients.set(c, client);
  }
  return client;
}

export const metaAckText = (number: string, statusLink: string | null = null): string =>
  `Terima kasih, pengaduan Anda telah kami terima dengan nomor ${number}. ` +
  "Petugas kami akan menindaklanjuti dan menjawab melalui pesan ini." +
  (statusLink ? ` Pantau perkembangannya di ${statusLink}` : "");

export async function sendMetaEntry(
  deps: HubServices,
  ctx: HubContext,
  entry: OutboxRow,
  kind: "ack" | "reply",
): Promise<OutboxOutcome> {
  const client = metaClient(ctx);
  if (!client) {
    return {
      status: "retry",
      error: "META_PAGE_ACCESS_TOKEN belum diatur",
      retryAfterMs: 15 * 60_000,
    };
  }
  const prep = await deps.prepareOutbound(ctx, entry, kind);
  if (prep.stop) return prep.stop;
  const { c, pelapor } = prep;
  const recipient = pelapor?.metaId;
  if (!recipient) return { status: "dead", error: "pelapor tidak punya id Messenger/Instagram" };
  const text = kind === "ack" ? metaAckText(c.number, prep.statusLink?.url) : prep.text!;
  // The stored copy never holds the token (only its hash is kept).
  const stored = kind === "ack" ? metaAckText(c.number, prep.statusLink?.masked) : prep.text!;
  if (text.length > MESSENGER_TEXT_MAX) {
    return { status: "dead", error: `teks melebihi ${MESSENGER_TEXT_MAX} karakter` };
  }
  try {
    const sent = await client.sendMessage(recipient, text);
    await deps.recordOutboundSent(
      ctx,
      { ...entry, caseId: c.id },
      { channel: c.channel, externalId: sent.externalId, body: stored },
    );
    return { status: "sent", response: { externalId: sent.externalId } };
  } catch (e) {
    if (e instanceof MetaError) {
      const error = `${e.code}${e.status !== null ? ` HTTP ${e.status}` : ""}`;
      if (e instanceof MetaRateLimitError) {
        return { status: "retry", error, retryAfterMs: e.retryAfterMs ?? 60_000 };
      }
      if (e.retryable) return { status: "retry", error };
      await deps.recordOutboundFailed(ctx, entry, error);
      return { status: "dead", error };
    }
    throw e;
  }
}

/** `meta.ack` and `meta.reply`, sent through the hub's services. */
export function createMetaPublisher(deps: HubServices): Publisher {
  return {
    kinds: ["meta.ack", "meta.reply"],
    send: (ctx, entry) =>
      sendMetaEntry(deps, ctx, entry, entry.kind === "meta.ack" ? "ack" : "reply"),
  };
}
