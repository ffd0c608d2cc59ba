// Outbox handlers `email.ack` (automatic acknowledgement, once per case: the outbox key is
// `email.ack:<caseId>`, and autoresponders never get one) and `email.reply` (staff answer,
// payload { caseId, text, messageId }), threaded with In-Reply-To/References under the
// citizen's mail. Our own Message-ID is generated here and stored on the outbound Message,
// so a citizen answering our mail joins the case by its headers.
import nodemailer, { type Transporter } from "nodemailer";
import type { HubContext, HubServices } from "../../src/ports/hub.port.js";
import type { OutboxOutcome, OutboxRow, Publisher } from "../../src/ports/publisher.port.js";
import { renderAcknowledgementEmail, renderStaffReplyEmail } from "./email.templates.js";

const transports = new WeakMap<object, Transporter>();

export function smtpTransport(ctx: HubContext): Transporter | null {
  const c = ctx.config;
  if (!c.SMTP_HOST) return null;
  let t = transports.get(c);
  if (!t) {
    t = nodemailer.createTransport({
      host: c.SMTP_HOST,
      port: c.SMTP_PORT,
      secure: c.SMTP_SECURE,
      ...(c.SMTP_USER && c.SMTP_PASSWORD
        ? { auth: { user: c.SMTP_USER, pass: c.SMTP_PASSWORD } }
        : {}),
      // Loopback relays (tests, a local postfix) speak plain SMTP.
      ...(c.SMTP_HOST === "127.0.0.1" ? { ignoreTLS: true } : {}),
    });
    transports.set(c, t);
  }
  return t;
}

function fromDomain(from: string): string {
  const m = /@([A-Za-z0-9.-]+)/.exec(from);
  return m?.[1] ?? "aduan-hub.invalid";
}

export async function sendEmailEntry(
  deps: HubServices,
  ctx: HubContext,
  entry: OutboxRow,
  kind: "ack" | "reply",
): Promise<OutboxOutcome> {
  const transport = smtpTransport(ctx);
  if (!transport) {
    return { status: "retry", error: "SMTP_HOST belum diatur", retryAfterMs: 15 * 60_000 };
  }
  const prep = await deps.prepareOutbound(ctx, entry, kind, "messageId");
  if (prep.stop) return prep.stop;
  const { c, pelapor } = prep;
  if (!pelapor?.email) return { status: "dead", error: "pelapor tidak punya alamat email" };
  // Thread under the citizen's latest mail; References carry the whole conversation.
  const inbound = await ctx.db.prisma.message.findMany({
    where: { caseId: c.id, channel: "email", externalId: { not: null } },
    orderBy: [{ at: "asc" }, { createdAt: "asc" }],
    select: { externalId: true, direction: true },
  });
  const ids = inbound.map((m) => m.externalId!).filter((id) => !id.startsWith("fp:"));
  const lastIn = [...inbound]
    .reverse()
    .find((m) => m.direction === "in" && !m.externalId!.startsWith("fp:"));
  const office = {
    name: ctx.config.ADUAN_OFFICE_NAME,
    address: ctx.config.ADUAN_OFFICE_ADDRESS,
    phone: ctx.config.ADUAN_OFFICE_PHONE,
    email: ctx.config.ADUAN_OFFICE_EMAIL,
  };
  let rendered;
  // The stored copy never holds the token (only its hash is kept).
  let stored: string | null = null;
  if (kind === "ack") {
    const ack = (statusLink: string | null) =>
      renderAcknowledgementEmail({
        caseNumber: c.number,
        receivedAt: c.receivedAt,
        citizenName: pelapor.name,
        citizenMessageId: lastIn?.externalId ?? null,
        citizenReferences: ids,
        office,
        statusLink,
      });
    rendered = ack(prep.statusLink?.url ?? null);
    stored = ack(prep.statusLink?.masked ?? null).text;
  } else {
    const text = prep.text!;
    rendered = renderStaffReplyEmail({
      caseNumber: c.number,
      originalSubject: c.title,
      body: text,
      citizenName: pelapor.name,
      citizenMessageId: lastIn?.externalId ?? null,
      citizenReferences: ids,
      office,
    });
  }
  // Stable per outbox entry: a retry after a lost answer sends the same Message-ID, which
  // receiving servers and clients collapse.
  const messageId = `${entry.id}@${fromDomain(ctx.config.SMTP_FROM)}`;
  try {
    await transport.sendMail({
      from: ctx.config.SMTP_FROM,
      to: pelapor.name ? { name: pelapor.name, address: pelapor.email } : pelapor.email,
      subject: rendered.subject,
      text: rendered.text,
      headers: { ...rendered.headers },
      messageId: `<${messageId}>`,
    });
  } catch (e) {
    const err = e as { responseCode?: number; code?: string; name?: string };
    const error = `${err.code ?? err.name ?? "SMTP"}${err.responseCode ? ` ${err.responseCode}` : ""}`;
    // 5xx = the address or content is refused for good; everything else may pass later.
    if (err.responseCode !== undefined && err.responseCode >= 500) {
      await deps.recordOutboundFailed(ctx, entry, error);
      return { status: "dead", error };
    }
    return { status: "retry", error };
  }
  await deps.recordOutboundSent(
    ctx,
    { ...entry, caseId: c.id },
    { channel: "email", externalId: messageId, body: stored ?? rendered.text },
  );
  return { status: "sent", response: { messageId } };
}

/** `email.ack` and `email.reply`, sent through the hub's services. */
export function createEmailPublisher(deps: HubServices): Publisher {
  return {
    kinds: ["email.ack", "email.reply"],
    send: (ctx, entry) =>
      sendEmailEntry(deps, ctx, entry, entry.kind === "email.ack" ? "ack" : "reply"),
  };
}
