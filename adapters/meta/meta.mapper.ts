import { issuesToProblems, type PayloadProblem } from "../whatsapp/whatsapp.dto.js";
import { stripNul } from "../../src/domain/text.js";
import {
  MetaMessagingEventSchema,
  MetaWebhookSchema,
  type MetaMessageDto,
  type MetaObject,
} from "./meta.dto.js";

export type { PayloadProblem } from "../whatsapp/whatsapp.dto.js";

export type MetaChannel = "facebook" | "instagram";

const CHANNEL_OF: Record<MetaObject, MetaChannel> = { page: "facebook", instagram: "instagram" };

export type MetaInboundKind = "text" | "media" | "location" | "unknown";

export interface MetaInboundMedia {
  /** image, video, audio, file. */
  readonly type: string;
  /** Meta CDN URL (expires after a while): fetch soon, without our token. */
  readonly url: string;
}

export interface MetaInboundMessage {
  readonly channel: MetaChannel;
  /** mid: the dedupe key (Meta redelivers on non-2xx for days). */
  readonly externalId: string;
  /** Our Page (or Instagram professional account) id the message reached. */
  readonly pageId: string;
  readonly from: {
    /** Page-scoped id (PSID, Messenger) or Instagram-scoped id (IGSID). */
    readonly id: string;
    readonly idType: "psid" | "igsid";
  };
  readonly receivedAt: Date;
  readonly kind: MetaInboundKind;
  readonly text: string | null;
  readonly media: readonly MetaInboundMedia[];
  readonly location: { readonly latitude: number; readonly longitude: number } | null;
  readonly replyToExternalId: string | null;
  /** Attachment/message type we do not read (share, story_mention, unsupported, ...). */
  readonly unknownType: string | null;
}

export type MetaIgnoredReason =
  | "echo"
  | "read"
  | "delivery"
  | "reaction"
  | "postback"
  | "deleted"
  | "changes"
  | "standby"
  | "unsupported_event";

export interface MetaIgnored {
  readonly reason: MetaIgnoredReason;
  /** mid when the event has one, so an operator can trace it; null for watermarks. */
  readonly externalId: string | null;
  readonly path: string;
}

export interface MetaMapResult {
  readonly object: MetaObject | null;
  readonly messages: MetaInboundMessage[];
  /** Events deliberately not turned into messages, each with why: nothing vanishes. */
  readonly ignored: MetaIgnored[];
  readonly problems: PayloadProblem[];
}

const MEDIA_TYPES: ReadonlySet<string> = new Set(["image", "video", "audio", "file"]);

function orNull(value: string | undefined): string | null {
  if (value === undefined) return null;
  return value.trim() === "" ? null : value;
}

type Content = Pick<MetaInboundMessage, "kind" | "text" | "media" | "location" | "unknownType">;

function contentOf(message: MetaMessageDto, path: string, problems: PayloadProblem[]): Content {
  const text = orNull(message.text);
  if (message.is_unsupported) {
    return { kind: "unknown", text, media: [], location: null, unknownType: "unsupported" };
  }
  const media: MetaInboundMedia[] = [];
  let location: Content["location"] = null;
  let unknownType: string | null = null;
  for (const [i, a] of (message.attachments ?? []).entries()) {
    const url = a.payload?.url;
    if (MEDIA_TYPES.has(a.type)) {
      if (url === undefined || url === "") {
        problems.push({
          path: `${path}.attachments.${i}.payload.url`,
          message: "attachment has no url",
        });
        unknownType ??= a.type;
        continue;
      }
      // Stored as attachment columns: PostgreSQL text takes no NUL.
      media.push({ type: a.type, url: stripNul(url) });
      continue;
    }
    if (a.type === "location" && a.payload?.coordinates) {
      location = { latitude: a.payload.coordinates.lat, longitude: a.payload.coordinates.long };
      continue;
    }
    unknownType ??= a.type;
  }
  if (media.length > 0) return { kind: "media", text, media, location, unknownType };
  if (location !== null) return { kind: "location", text, media, location, unknownType };
  if (unknownType !== null) return { kind: "unknown", text, media, location, unknownType };
  if (text !== null) return { kind: "text", text, media, location, unknownType: null };
  return { kind: "unknown", text: null, media, location, unknownType: "empty" };
}

/**
 * Pure: one Messenger or Instagram webhook body (already signature-checked and parsed)
 * → inbound messages, the events ignored on purpose (echoes of our own replies, read and
 * delivery receipts, ...) and problems for anything unreadable.
 */
export function mapMetaPayload(json: unknown): MetaMapResult {
  const messages: MetaInboundMessage[] = [];
  const ignored: MetaIgnored[] = [];
  const problems: PayloadProblem[] = [];

  const envelope = MetaWebhookSchema.safeParse(json);
  if (!envelope.success) {
    return { object: null, messages, ignored, problems: issuesToProblems("", envelope.error) };
  }
  const object = envelope.data.object;
  const channel = CHANNEL_OF[object];

  envelope.data.entry.forEach((entry, e) => {
    if (entry.changes && entry.changes.length > 0) {
      ignored.push({ reason: "changes", externalId: null, path: `entry.${e}.changes` });
    }
    // Standby = another app (e.g. Meta Inbox) owns the thread; the owner app answers it.
    if (entry.standby && entry.standby.length > 0) {
      ignored.push({ reason: "standby", externalId: null, path: `entry.${e}.standby` });
    }
    (entry.messaging ?? []).forEach((raw, m) => {
      const path = `entry.${e}.messaging.${m}`;
      const parsed = MetaMessagingEventSchema.safeParse(raw);
      if (!parsed.success) {
        problems.push(...issuesToProblems(path, parsed.error));
        return;
      }
      const event = parsed.data;
      if (event.message) {
        const message = event.message;
        // Our own outbound messages come back as echoes: not a citizen speaking.
        if (message.is_echo) {
          ignored.push({ reason: "echo", externalId: message.mid, path });
          return;
        }
        if (message.is_deleted) {
          ignored.push({ reason: "deleted", externalId: message.mid, path });
          return;
        }
        const receivedAt = new Date(event.timestamp);
        if (Number.isNaN(receivedAt.getTime())) {
          problems.push({ path: `${path}.timestamp`, message: "timestamp is not a valid date" });
          return;
        }
        messages.push({
          channel,
          externalId: message.mid,
          pageId: event.recipient.id,
          from: { id: event.sender.id, idType: object === "page" ? "psid" : "igsid" },
          receivedAt,
          ...contentOf(message, `${path}.message`, problems),
          replyToExternalId: orNull(
            message.reply_to?.mid ? stripNul(message.reply_to.mid) : undefined,
          ),
        });
        return;
      }
      if (event.read) {
        ignored.push({ reason: "read", externalId: event.read.mid ?? null, path });
      } else if (event.delivery) {
        ignored.push({ reason: "delivery", externalId: event.delivery.mids?.[0] ?? null, path });
      } else if (event.reaction) {
        ignored.push({ reason: "reaction", externalId: event.reaction.mid ?? null, path });
      } else if (event.postback) {
        ignored.push({ reason: "postback", externalId: event.postback.mid ?? null, path });
      } else {
        ignored.push({ reason: "unsupported_event", externalId: null, path });
      }
    });
  });

  return { object, messages, ignored, problems };
}
