// Public replies to the citizen. Each reply goes out on the case's own channel: online
// channels through the Outbox (written in the caller's transaction), walk-in and phone cases
// are recorded as delivered in person / by phone by the officer who gave it. Every reply is a
// Message (direction out) plus a CaseEvent on the timeline.
//
// Outbox kinds and payloads (handlers: LAPOR! by issue 4, the others by issue 6):
//   lapor.tindak_lanjut  (enqueueLaporTindakLanjut of issue 4) { trackingId, isi, status }
//   whatsapp.reply       target whatsapp  { caseId, text, messageId }
//   email.reply          target email     { caseId, text, messageId }
//   meta.reply           target meta      { caseId, text, messageId, channel }
// `messageId` lets a handler update Message.deliveryStatus (the LAPOR! handler finds the
// Message by its outboxId); the idempotency key of the channel replies is
// `<kind>:<caseId>:<eventId>` with the reply's CaseEvent id, stable per reply.
//
// UU PDP outbound minimisation: every reply that leaves the hub (outbox channels, and the
// website status page the citizen reads) is checked before it is written: no data of a
// restricted person, no NIK or phone number of anyone but the pelapor it goes to
// (src/pdp/restriction.ts). The outbox handlers check again at send time.
import { randomUUID } from "node:crypto";
import type { Prisma } from "../generated/prisma/client.js";
import { DomainError } from "../domain/errors.js";
import { enqueueOutbox } from "../outbox/outbox.js";
import type { Registry } from "../ports/registry.port.js";
import type { CaseStatus } from "../domain/workflow.js";
import type { Keyring } from "../security/crypto.js";
import {
  describePersonalData,
  findOutboundPersonalData,
  loadGuardParties,
  REPLY_CONTAINS_PERSONAL_DATA,
} from "../pdp/restriction.js";

type Tx = Prisma.TransactionClient;

export type ReplyRoute =
  | { mode: "outbox"; kind: string; target: string }
  | { mode: "recorded"; deliveryStatus: "delivered_in_person" | "delivered_by_phone" | "recorded" };

export type ReplyLimits = { min: number; max: number };

// LAPOR! isi 20–5000 (contract), WhatsApp text 4096, Messenger/Instagram 2000, e-mail 20000
// (our own cap for a readable mail); recorded replies are notes of what was said.
const LIMITS: Record<string, ReplyLimits> = {
  lapor: { min: 20, max: 5000 },
  whatsapp: { min: 1, max: 4096 },
  facebook: { min: 1, max: 2000 },
  instagram: { min: 1, max: 2000 },
  email: { min: 1, max: 20000 },
};
const RECORDED_LIMITS: ReplyLimits = { min: 1, max: 10000 };

export function replyLimits(channel: string): ReplyLimits {
  return LIMITS[channel] ?? RECORDED_LIMITS;
}

export function replyRoute(channel: string): ReplyRoute {
  switch (channel) {
    case "lapor":
      return { mode: "outbox", kind: "lapor.tindak_lanjut", target: "lapor" };
    case "whatsapp":
      return { mode: "outbox", kind: "whatsapp.reply", target: "whatsapp" };
    case "email":
      return { mode: "outbox", kind: "email.reply", target: "email" };
    case "facebook":
    case "instagram":
      return { mode: "outbox", kind: "meta.reply", target: "meta" };
    case "telepon":
      return { mode: "recorded", deliveryStatus: "delivered_by_phone" };
    case "website":
      // The public form has no outbound channel: the citizen reads the status page.
      return { mode: "recorded", deliveryStatus: "recorded" };
    default:
      // datang_langsung, kotak_saran, legacy_import: told in person at the desk.
      return { mode: "recorded", deliveryStatus: "delivered_in_person" };
  }
}

/** Throws 422 REPLY_TOO_SHORT / REPLY_TOO_LONG (nothing written yet). Returns the trimmed text. */
export function validateReply(channel: string, text: string, field = "body.reply"): string {
  const t = text.trim();
  const { min, max } = replyLimits(channel);
  if (t.length < min) {
    throw new DomainError(
      "REPLY_TOO_SHORT",
      `Balasan untuk kanal ${channel} minimal ${min} karakter (sekarang ${t.length})`,
      {
        fields: [{ field, message: `minimal ${min} karakter`, code: "REPLY_TOO_SHORT" }],
      },
    );
  }
  if (t.length > max) {
    throw new DomainError(
      "REPLY_TOO_LONG",
      `Balasan untuk kanal ${channel} maksimal ${max} karakter (sekarang ${t.length})`,
      { fields: [{ field, message: `maksimal ${max} karakter`, code: "REPLY_TOO_LONG" }] },
    );
  }
  return t;
}

/** Replies the citizen receives (or reads on the status page), as opposed to desk notes. */
export function replyLeavesHub(channel: string): boolean {
  return replyRoute(channel).mode === "outbox" || channel === "website";
}

/**
 * Throws 422 REPLY_CONTAINS_PERSONAL_DATA (naming `field`, never the value) when the text
 * carries personal data that must not go to this case's pelapor. Without a keyring a NIK
 * is recognised by its stored mask (see findOutboundPersonalData).
 */
export async function assertReplyFreeOfPersonalData(
  tx: Pick<Tx, "party">,
  caseId: string,
  text: string,
  opts: { field: string; keyring?: Keyring | null | undefined },
): Promise<void> {
  const parties = await loadGuardParties(tx, caseId);
  const hits = findOutboundPersonalData(text, parties, { keyring: opts.keyring ?? null });
  if (!hits.length) return;
  const what = describePersonalData(hits);
  throw new DomainError(
    REPLY_CONTAINS_PERSONAL_DATA,
    `Balasan memuat data pribadi yang tidak boleh dikirim: ${what}. ` +
      "Hapus data tersebut dari teks balasan, lalu kirim lagi.",
    {
      fields: [
        {
          field: opts.field,
          message: `hapus ${what} dari teks balasan`,
          code: REPLY_CONTAINS_PERSONAL_DATA,
        },
      ],
    },
  );
}

export type RecordedReply = {
  messageId: string;
  eventId: bigint;
  outboxId: string | null;
  deliveryStatus: string;
};

/**
 * Writes one reply inside the caller's transaction. `status` is the case status after any
 * transition that carries the reply (LAPOR! needs a push status with every tindak lanjut).
 */
export async function writeReply(
  tx: Tx,
  c: { id: string; channel: string; externalId: string; number: string; status?: string },
  input: {
    text: string;
    status: CaseStatus;
    actorId: string;
    at: Date;
    kind?: "reply" | "acknowledgement";
    /** Exact NIK comparison; without it the NIK check falls back to the stored mask. */
    keyring?: Keyring;
    /** Request field the text came from, for the 422; see replyField. */
    field?: string;
    /** ctx.registry.followUps: needed for a case whose channel pushes replies upstream. */
    followUps?: Registry["followUps"];
  },
): Promise<RecordedReply> {
  const route = replyRoute(c.channel);
  if (replyLeavesHub(c.channel)) {
    await assertReplyFreeOfPersonalData(tx, c.id, input.text, {
      field: input.field ?? replyField(c, input.status),
      keyring: input.keyring,
    });
  }
  const messageId = randomUUID();
  const eventType = route.mode === "outbox" ? "reply.queued" : "reply.sent";
  const deliveryStatus = route.mode === "outbox" ? "queued" : route.deliveryStatus;
  const event = await tx.caseEvent.create({
    data: {
      caseId: c.id,
      at: input.at,
      type: eventType,
      actorId: input.actorId,
      data: {
        messageId,
        channel: c.channel,
        deliveryStatus,
        kind: input.kind ?? "reply",
        text: input.text,
      },
    },
  });
  let outboxId: string | null = null;
  if (route.mode === "outbox") {
    let row: { id: string };
    const followUp = Object.values(input.followUps ?? {}).find((f) => f.kind === route.kind);
    if (route.kind === "lapor.tindak_lanjut" && !followUp) {
      // A programming error: without it the push would be written in another shape.
      throw new Error(`writeReply: no upstream follow-up for ${route.kind} (pass ctx.registry)`);
    }
    if (followUp) {
      row = await followUp.enqueue(tx, {
        caseId: c.id,
        externalId: c.externalId,
        text: input.text,
        hubStatus: input.status,
      });
    } else {
      row = await enqueueOutbox(tx, {
        caseId: c.id,
        kind: route.kind,
        target: route.target,
        payload: {
          caseId: c.id,
          text: input.text,
          messageId,
          ...(route.kind === "meta.reply" ? { channel: c.channel } : {}),
        },
        idempotencyKey: `${route.kind}:${c.id}:${event.id}`,
      });
    }
    outboxId = row.id;
  }
  await tx.message.create({
    data: {
      id: messageId,
      caseId: c.id,
      direction: "out",
      channel: c.channel,
      body: input.text,
      at: input.at,
      deliveryStatus,
      outboxId,
      actorId: input.actorId,
    },
  });
  return { messageId, eventId: event.id, outboxId, deliveryStatus };
}

/**
 * The request field a reply came from when the caller does not say: a transition passes the
 * case as read before the change and the new status (`reply` of POST …/transitions), a plain
 * reply keeps the status (`text` of POST …/replies).
 */
function replyField(c: { status?: string }, status: CaseStatus): string {
  return c.status !== undefined && c.status !== status ? "body.reply" : "body.text";
}

export const ACKNOWLEDGEMENT_TEXT = (number: string) =>
  `Pengaduan Anda telah kami terima dengan nomor ${number} dan akan segera diproses.`;

/** Channels where the acknowledgement is sent to the citizen (LAPOR! acknowledges upstream). */
export const ACK_OUTBOUND_CHANNELS = ["whatsapp", "email", "facebook", "instagram"];
