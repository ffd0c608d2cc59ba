import { normalizePhone } from "../../src/domain/phone.js";
import { stripNul } from "../../src/domain/text.js";
import { isBsuid } from "../../src/domain/bsuid.js";
import {
  WA_ID_DIGITS,
  WHATSAPP_MEDIA_TYPES,
  WHATSAPP_STATUSES,
  WhatsAppContactSchema,
  WhatsAppMessageSchema,
  WhatsAppStatusSchema,
  WhatsAppUserIdUpdateSchema,
  WhatsAppUserIdUpdateValueSchema,
  WhatsAppIdentitySystemSchema,
  WhatsAppValueSchema,
  WhatsAppWebhookSchema,
  issuesToProblems,
  type PayloadProblem,
  type WhatsAppErrorDto,
  type WhatsAppMediaDto,
  type WhatsAppMediaType,
  type WhatsAppMessageDto,
  type WhatsAppStatus,
} from "./whatsapp.dto.js";

export type { PayloadProblem } from "./whatsapp.dto.js";

export type InboundKind = "text" | "media" | "location" | "unknown";

export interface InboundMedia {
  /** Graph API media id: fetched later with getMediaUrl + downloadMedia. */
  readonly mediaId: string;
  readonly mediaType: WhatsAppMediaType;
  readonly mime: string | null;
  readonly fileName: string | null;
  readonly caption: string | null;
  /** sha256 Meta computed over the file (base64 or hex as sent); compared after download. */
  readonly sha256: string | null;
}

export interface InboundLocation {
  readonly latitude: number;
  readonly longitude: number;
  readonly name: string | null;
  readonly address: string | null;
}

export interface InboundMessage {
  readonly channel: "whatsapp";
  /** wamid: the dedupe key (Meta redelivers the same message for days on non-2xx). */
  readonly externalId: string;
  /** The business number it reached, for offices running more than one number. */
  readonly phoneNumberId: string;
  readonly from: {
    /** Phone-number wa_id (digits); null when the user hides their number (issue 19). */
    readonly waId: string | null;
    /** Business-scoped user ID ("ID.9A8B…") when Meta sends one. */
    readonly bsuid: string | null;
    /** null when the wa_id is not a valid phone number (never guessed). */
    readonly phoneE164: string | null;
    readonly name: string | null;
  };
  readonly receivedAt: Date;
  readonly kind: InboundKind;
  /** Body, media caption, or the title of a tapped button; null when there is none. */
  readonly text: string | null;
  readonly media: readonly InboundMedia[];
  readonly location: InboundLocation | null;
  /** wamid of our message the citizen replied to, when WhatsApp says so. */
  readonly replyToExternalId: string | null;
  /** The raw `type` when kind is "unknown", so the case is flagged for staff. */
  readonly unknownType: string | null;
}

export interface DeliveryStatus {
  /** wamid of our outbound message. */
  readonly externalId: string;
  readonly status: WhatsAppStatus;
  readonly at: Date;
  /** Phone-number wa_id of the recipient; null when the message went to a BSUID only. */
  readonly recipientWaId: string | null;
  readonly recipientBsuid: string | null;
  /** "131047 Re-engagement message" style: code and title only, never details. */
  readonly error: string | null;
  readonly errorCodes: readonly number[];
}

/**
 * A BSUID change (a `user_changed_user_id`/`user_changed_number` system message, or a
 * `user_id_update` entry): the user named by waId / previousBsuid is now known by bsuid.
 */
export interface IdentityUpdate {
  readonly waId: string | null;
  readonly previousBsuid: string | null;
  readonly bsuid: string;
}

/** The identity a sender's messages are serialised and threaded by: BSUID, else phone. */
export function senderKey(from: { waId: string | null; bsuid: string | null }): string {
  return from.bsuid ?? from.waId ?? "";
}

export interface WhatsAppMapResult {
  readonly messages: InboundMessage[];
  readonly statuses: DeliveryStatus[];
  readonly identityUpdates: IdentityUpdate[];
  readonly problems: PayloadProblem[];
}

const MEDIA_TYPES: ReadonlySet<string> = new Set(WHATSAPP_MEDIA_TYPES);
const STATUSES: ReadonlySet<string> = new Set(WHATSAPP_STATUSES);

function orNull(value: string | undefined): string | null {
  if (value === undefined) return null;
  return value.trim() === "" ? null : value;
}

function fromUnixSeconds(value: string): Date | null {
  const date = new Date(Number(value) * 1000);
  return Number.isNaN(date.getTime()) ? null : date;
}

function isMediaType(type: string): type is WhatsAppMediaType {
  return MEDIA_TYPES.has(type);
}

function isStatus(status: string): status is WhatsAppStatus {
  return STATUSES.has(status);
}

export function describeWhatsAppErrors(
  errors: readonly WhatsAppErrorDto[] | undefined,
): string | null {
  if (!errors || errors.length === 0) return null;
  return errors.map((e) => (e.title ? `${e.code} ${e.title}` : String(e.code))).join("; ");
}

// Text that ends up in a column (error titles, media fields): PostgreSQL text has no NUL.
const stripNulOrNull = (s: string | null) => (s === null ? null : stripNul(s));

// Media fields become Attachment columns (PostgreSQL text: no NUL). A mangled id then
// fails its download, which is noted on the case; the message itself is kept.
function mediaOf(type: WhatsAppMediaType, dto: WhatsAppMediaDto): InboundMedia {
  return {
    mediaId: stripNul(dto.id),
    mediaType: type,
    mime: stripNulOrNull(orNull(dto.mime_type)),
    fileName: stripNulOrNull(orNull(dto.filename)),
    caption: stripNulOrNull(orNull(dto.caption)),
    sha256: stripNulOrNull(orNull(dto.sha256)),
  };
}

type Content = Pick<InboundMessage, "kind" | "text" | "media" | "location" | "unknownType">;

const UNKNOWN_CONTENT = (type: string, text: string | null = null): Content => ({
  kind: "unknown",
  text,
  media: [],
  location: null,
  unknownType: type,
});

/** Decides kind/text/media; anything we cannot read becomes "unknown", never nothing. */
function contentOf(dto: WhatsAppMessageDto, path: string, problems: PayloadProblem[]): Content {
  const none = { media: [], location: null, unknownType: null } as const;
  const type = dto.type;
  if (type === "text") {
    if (!dto.text) {
      problems.push({
        path: `${path}.text`,
        message: "type is text but the text object is missing",
      });
      return UNKNOWN_CONTENT(type);
    }
    return { ...none, kind: "text", text: dto.text.body };
  }
  if (isMediaType(type)) {
    const media = dto[type];
    if (!media) {
      problems.push({
        path: `${path}.${type}`,
        message: `type is ${type} but the ${type} object is missing`,
      });
      return UNKNOWN_CONTENT(type);
    }
    return { ...none, kind: "media", text: orNull(media.caption), media: [mediaOf(type, media)] };
  }
  if (type === "location" && dto.location) {
    const l = dto.location;
    return {
      ...none,
      kind: "location",
      text: null,
      location: {
        latitude: l.latitude,
        longitude: l.longitude,
        name: orNull(l.name),
        address: orNull(l.address),
      },
    };
  }
  // A tapped quick-reply is what the citizen "said": keep it as text.
  if (type === "button" && dto.button?.text !== undefined) {
    return { ...none, kind: "text", text: dto.button.text };
  }
  if (type === "interactive" && dto.interactive) {
    const reply = dto.interactive.button_reply ?? dto.interactive.list_reply;
    if (reply) return { ...none, kind: "text", text: reply.title };
  }
  // reaction, contacts, order, system, unsupported, and whatever Meta adds next.
  return UNKNOWN_CONTENT(type, type === "reaction" ? orNull(dto.reaction?.emoji) : null);
}

/**
 * Pure: one webhook body (already signature-checked and JSON-parsed) → inbound messages,
 * delivery statuses of our outbound messages, and problems (path + schema message) for
 * every part that could not be read. A broken item never hides the good ones.
 */
export function mapWhatsAppPayload(json: unknown): WhatsAppMapResult {
  const messages: InboundMessage[] = [];
  const statuses: DeliveryStatus[] = [];
  const identityUpdates: IdentityUpdate[] = [];
  const problems: PayloadProblem[] = [];

  const envelope = WhatsAppWebhookSchema.safeParse(json);
  if (!envelope.success) {
    return { messages, statuses, identityUpdates, problems: issuesToProblems("", envelope.error) };
  }

  envelope.data.entry.forEach((entry, e) => {
    entry.changes.forEach((change, c) => {
      const base = `entry.${e}.changes.${c}`;
      if (change.field === "user_id_update") {
        mapUserIdUpdates(change.value, `${base}.value`, identityUpdates, problems);
        return;
      }
      // Other subscribed fields (templates, account updates) are not complaints.
      if (change.field !== "messages") return;
      const value = WhatsAppValueSchema.safeParse(change.value);
      if (!value.success) {
        problems.push(...issuesToProblems(`${base}.value`, value.error));
        return;
      }
      const v = value.data;
      const vpath = `${base}.value`;

      // A contact is found by its wa_id (phone or BSUID) or its user_id (BSUID).
      const contacts = new Map<
        string,
        { name: string | null; waId: string | null; bsuid: string | null }
      >();
      (v.contacts ?? []).forEach((raw, i) => {
        const contact = WhatsAppContactSchema.safeParse(raw);
        if (!contact.success) {
          problems.push(...issuesToProblems(`${vpath}.contacts.${i}`, contact.error));
          return;
        }
        const k = contact.data;
        const waId = k.wa_id !== undefined && WA_ID_DIGITS.test(k.wa_id) ? k.wa_id : null;
        const bsuid = k.user_id ?? (k.wa_id !== undefined && isBsuid(k.wa_id) ? k.wa_id : null);
        const entry = { name: orNull(k.profile?.name), waId, bsuid };
        for (const key of [k.wa_id, k.user_id]) if (key) contacts.set(key, entry);
      });

      (v.messages ?? []).forEach((raw, i) => {
        const path = `${vpath}.messages.${i}`;
        const parsed = WhatsAppMessageSchema.safeParse(raw);
        if (!parsed.success) {
          problems.push(...issuesToProblems(path, parsed.error));
          return;
        }
        const dto = parsed.data;
        // A user's BSUID changed: an identity update, not a complaint (no case, no message).
        if (dto.type === "system") {
          const sys = WhatsAppIdentitySystemSchema.safeParse((raw as { system?: unknown }).system);
          if (sys.success) {
            const s = sys.data;
            const previous = s.previous_user_id ?? null;
            const oldPhone = WA_ID_DIGITS.test(dto.from) ? dto.from : null;
            if (s.user_id && (previous || oldPhone))
              identityUpdates.push({ waId: oldPhone, previousBsuid: previous, bsuid: s.user_id });
            return;
          }
        }
        const receivedAt = fromUnixSeconds(dto.timestamp);
        if (receivedAt === null) {
          problems.push({ path: `${path}.timestamp`, message: "timestamp is not a valid date" });
          return;
        }
        // Sender: phone + BSUID, phone only, or BSUID only (a username user, issue 19).
        const contact = contacts.get(dto.from) ?? null;
        const waId = WA_ID_DIGITS.test(dto.from) ? dto.from : (contact?.waId ?? null);
        const bsuid = dto.from_user_id ?? contact?.bsuid ?? (isBsuid(dto.from) ? dto.from : null);
        const phone = waId === null ? null : normalizePhone(`+${waId}`);
        messages.push({
          channel: "whatsapp",
          externalId: dto.id,
          phoneNumberId: v.metadata.phone_number_id,
          from: {
            waId,
            bsuid,
            phoneE164: phone?.ok ? phone.value : null,
            name: contact?.name ?? null,
          },
          receivedAt,
          ...contentOf(dto, path, problems),
          replyToExternalId: stripNulOrNull(orNull(dto.context?.id)),
        });
      });

      (v.statuses ?? []).forEach((raw, i) => {
        const path = `${vpath}.statuses.${i}`;
        const parsed = WhatsAppStatusSchema.safeParse(raw);
        if (!parsed.success) {
          problems.push(...issuesToProblems(path, parsed.error));
          return;
        }
        const dto = parsed.data;
        const at = fromUnixSeconds(dto.timestamp);
        if (at === null) {
          problems.push({ path: `${path}.timestamp`, message: "timestamp is not a valid date" });
          return;
        }
        // An unmapped status is reported, never defaulted (design: quarantine + alert).
        if (!isStatus(dto.status)) {
          problems.push({ path: `${path}.status`, message: `unmapped status "${dto.status}"` });
          return;
        }
        statuses.push({
          externalId: dto.id,
          status: dto.status,
          at,
          recipientWaId: dto.recipient_id ?? null,
          recipientBsuid: dto.recipient_user_id ?? null,
          error: stripNulOrNull(describeWhatsAppErrors(dto.errors)),
          errorCodes: (dto.errors ?? []).map((x) => x.code),
        });
      });
    });
  });

  return { messages, statuses, identityUpdates, problems };
}

function mapUserIdUpdates(
  json: unknown,
  vpath: string,
  out: IdentityUpdate[],
  problems: PayloadProblem[],
): void {
  const value = WhatsAppUserIdUpdateValueSchema.safeParse(json);
  if (!value.success) {
    problems.push(...issuesToProblems(vpath, value.error));
    return;
  }
  value.data.user_id_update.forEach((raw, i) => {
    const parsed = WhatsAppUserIdUpdateSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...issuesToProblems(`${vpath}.user_id_update.${i}`, parsed.error));
      return;
    }
    const u = parsed.data;
    out.push({
      waId: u.wa_id ?? null,
      previousBsuid: u.previous_user_id ?? null,
      bsuid: u.user_id,
    });
  });
}
