// Outbox handlers `whatsapp.ack` (automatic acknowledgement when a case is opened) and
// `whatsapp.reply` (staff answer, payload { caseId, text, messageId }). Free text inside
// the 24 h customer-service window, else the approved template (WHATSAPP_TEMPLATE_NAME,
// body {{1}} case number, {{2}} text). The client never retries a send: the outbox decides,
// and a Message that already carries a wamid is never sent twice.
import type { HubContext, HubServices } from "../../src/ports/hub.port.js";
import { phoneToWaId } from "../../src/domain/phone.js";
import type { OutboxOutcome, OutboxRow, Publisher } from "../../src/ports/publisher.port.js";
import {
  chooseReplyMode,
  WhatsAppError,
  WhatsAppRateLimitError,
  WhatsAppWindowClosedError,
  WHATSAPP_TEXT_MAX,
} from "./whatsapp.client.js";
import { whatsappClient } from "./whatsapp.webhook.js";

export const whatsappAckText = (number: string, statusLink: string | null = null): string =>
  `Terima kasih, pengaduan Anda telah kami terima dengan nomor ${number}. ` +
  "Mohon cantumkan nomor tersebut bila menghubungi kami kembali. Petugas kami akan " +
  "menindaklanjuti dan menyampaikan jawaban melalui WhatsApp ini. Layanan ini tidak " +
  "dipungut biaya." +
  (statusLink ? ` Pantau perkembangan pengaduan Anda di ${statusLink}` : "");

/** Template parameters are single-line and capped by Meta (1024 characters). */
function templateParam(text: string): string {
  const one = text.replace(/\s*[\r\n]+\s*/g, " ").trim();
  return one.length > 1000 ? `${one.slice(0, 997)}...` : one;
}

export async function sendWhatsAppEntry(
  deps: HubServices,
  ctx: HubContext,
  entry: OutboxRow,
  kind: "ack" | "reply",
): Promise<OutboxOutcome> {
  const client = whatsappClient(ctx);
  if (!client) {
    return { status: "retry", error: "WhatsApp belum dikonfigurasi", retryAfterMs: 15 * 60_000 };
  }
  const prep = await deps.prepareOutbound(ctx, entry, kind);
  if (prep.stop) return prep.stop;
  const { c, pelapor } = prep;
  // A phone number when there is one (Meta recommends it); else the business-scoped user
  // ID of a citizen who hides their number behind a WhatsApp username (issue 19).
  const waId =
    pelapor?.waId ??
    (pelapor?.phoneE164 ? phoneToWaId(pelapor.phoneE164) : null) ??
    pelapor?.bsuid ??
    null;
  if (!waId) return { status: "dead", error: "pelapor tidak punya nomor WhatsApp" };
  const text = kind === "ack" ? whatsappAckText(c.number, prep.statusLink?.url) : prep.text!;
  // The stored copy never holds the token (only its hash is kept).
  const stored = kind === "ack" ? whatsappAckText(c.number, prep.statusLink?.masked) : prep.text!;
  if (text.length > WHATSAPP_TEXT_MAX) {
    return { status: "dead", error: `teks melebihi ${WHATSAPP_TEXT_MAX} karakter` };
  }
  let mode = chooseReplyMode(c.lastInboundAt, ctx.clock());
  const template = () =>
    client.sendTemplate(
      waId,
      ctx.config.WHATSAPP_TEMPLATE_NAME,
      ctx.config.WHATSAPP_TEMPLATE_LANG,
      [c.number, templateParam(text)],
    );
  try {
    let sent;
    if (mode === "text") {
      try {
        sent = await client.sendText(waId, text);
      } catch (e) {
        // Our clock and Meta's disagree on the window: Meta refused before sending, so
        // the template is not a second copy.
        if (!(e instanceof WhatsAppWindowClosedError)) throw e;
        mode = "template";
        sent = await template();
      }
    } else {
      sent = await template();
    }
    await deps.recordOutboundSent(
      ctx,
      { ...entry, caseId: c.id },
      { channel: "whatsapp", externalId: sent.externalId, body: stored },
    );
    return { status: "sent", response: { externalId: sent.externalId, mode } };
  } catch (e) {
    if (e instanceof WhatsAppError) {
      const error = `${e.code}${e.status !== null ? ` HTTP ${e.status}` : ""}`;
      if (e instanceof WhatsAppRateLimitError) {
        return { status: "retry", error, retryAfterMs: e.retryAfterMs ?? 60_000 };
      }
      if (e.retryable) return { status: "retry", error };
      await deps.recordOutboundFailed(ctx, entry, error);
      return { status: "dead", error };
    }
    if (e instanceof RangeError) {
      await deps.recordOutboundFailed(ctx, entry, e.message);
      return { status: "dead", error: e.message };
    }
    throw e;
  }
}

/** `whatsapp.ack` and `whatsapp.reply`, sent through the hub's services. */
export function createWhatsAppPublisher(deps: HubServices): Publisher {
  return {
    kinds: ["whatsapp.ack", "whatsapp.reply"],
    send: (ctx, entry) =>
      sendWhatsAppEntry(deps, ctx, entry, entry.kind === "whatsapp.ack" ? "ack" : "reply"),
  };
}
