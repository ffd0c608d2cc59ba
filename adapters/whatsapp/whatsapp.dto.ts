import { z } from "zod";
import { isStorableText } from "../../src/domain/text.js";
import { isBsuid } from "../../src/domain/bsuid.js";

// An id we look rows up by: text PostgreSQL can take (no NUL, no lone surrogate).
export const StorableId = (missing: string) =>
  z
    .string()
    .min(1, missing)
    .refine(isStorableText, "contains characters that cannot be stored (NUL or a lone surrogate)");

/**
 * Wire shapes of the WhatsApp Cloud API webhook (object "whatsapp_business_account").
 *
 * The envelope is checked strictly, but messages and statuses are kept as `unknown` there
 * and parsed one by one: a single odd message must not sink the other messages of the
 * batch (Meta retries the whole POST for days if we fail it). Unknown extra properties
 * are ignored because Meta adds fields without notice; an unknown message `type` is kept
 * as a string so the mapper can flag it for staff instead of losing it.
 */

export const WHATSAPP_OBJECT = "whatsapp_business_account";

export const WHATSAPP_MEDIA_TYPES = ["image", "document", "audio", "video", "sticker"] as const;
export type WhatsAppMediaType = (typeof WHATSAPP_MEDIA_TYPES)[number];

export const WHATSAPP_STATUSES = ["sent", "delivered", "read", "failed"] as const;
export type WhatsAppStatus = (typeof WHATSAPP_STATUSES)[number];

/** Unix seconds as a decimal string, as Meta sends it. */
const UnixSecondsString = z.string().regex(/^\d{1,12}$/, "timestamp must be Unix seconds");

export const WhatsAppErrorSchema = z.object({
  code: z.number().int(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
});
export type WhatsAppErrorDto = z.infer<typeof WhatsAppErrorSchema>;

export const WhatsAppMediaSchema = z.object({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  animated: z.boolean().optional(),
  voice: z.boolean().optional(),
});
export type WhatsAppMediaDto = z.infer<typeof WhatsAppMediaSchema>;

export const WhatsAppLocationSchema = z.object({
  latitude: z.number(),
  longitude: z.number(),
  name: z.string().optional(),
  address: z.string().optional(),
  url: z.string().optional(),
});

/** A phone-number wa_id: the digits of the E.164 number, no "+". */
export const WA_ID_DIGITS = /^\d{6,15}$/;

/**
 * A business-scoped user ID ("ID.9A8B…", issue 19): a user who adopted a WhatsApp username
 * may be named by it instead of a phone number (in `from`, `contacts[].wa_id`, `user_id`).
 */
const Bsuid = (what: string) =>
  z.string().refine(isBsuid, `${what} must be a business-scoped user ID (CC.alphanumerics)`);

export const WhatsAppMessageSchema = z.object({
  from: z
    .string()
    .refine(
      (v) => WA_ID_DIGITS.test(v) || isBsuid(v),
      "from must be the sender's wa_id (digits) or business-scoped user ID",
    ),
  /** The sender's BSUID beside a phone-number `from`, when Meta sends it. */
  from_user_id: Bsuid("from_user_id").optional(),
  id: StorableId("message id (wamid) is missing"),
  timestamp: UnixSecondsString,
  type: z.string().min(1),
  context: z.object({ from: z.string().optional(), id: z.string().optional() }).optional(),
  text: z.object({ body: z.string() }).optional(),
  image: WhatsAppMediaSchema.optional(),
  document: WhatsAppMediaSchema.optional(),
  audio: WhatsAppMediaSchema.optional(),
  video: WhatsAppMediaSchema.optional(),
  sticker: WhatsAppMediaSchema.optional(),
  location: WhatsAppLocationSchema.optional(),
  button: z.object({ text: z.string().optional(), payload: z.string().optional() }).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z
        .object({ id: z.string(), title: z.string(), description: z.string().optional() })
        .optional(),
    })
    .optional(),
  reaction: z
    .object({ message_id: z.string().optional(), emoji: z.string().optional() })
    .optional(),
  errors: z.array(WhatsAppErrorSchema).optional(),
});
export type WhatsAppMessageDto = z.infer<typeof WhatsAppMessageSchema>;

export const WhatsAppStatusSchema = z
  .object({
    id: StorableId("status id (wamid) is missing"),
    // Kept as a string: an unmapped status must be reported by the mapper, not vanish here.
    status: z.string().min(1),
    timestamp: UnixSecondsString,
    // A phone-number wa_id; absent when the message was sent to a BSUID and Meta does not
    // share the phone number (issue 19). One of the two recipient fields is required.
    recipient_id: StorableId("recipient_id is missing").optional(),
    recipient_user_id: Bsuid("recipient_user_id").optional(),
    errors: z.array(WhatsAppErrorSchema).optional(),
  })
  .refine((s) => s.recipient_id !== undefined || s.recipient_user_id !== undefined, {
    message: "recipient_id or recipient_user_id is missing",
    path: ["recipient_id"],
  });
export type WhatsAppStatusDto = z.infer<typeof WhatsAppStatusSchema>;

export const WhatsAppContactSchema = z.object({
  // The phone-number wa_id, or the BSUID when the user hides their number.
  wa_id: z.string().optional(),
  user_id: Bsuid("user_id").optional(),
  profile: z.object({ name: z.string().optional(), username: z.string().optional() }).optional(),
});
export type WhatsAppContactDto = z.infer<typeof WhatsAppContactSchema>;

export const WhatsAppValueSchema = z.object({
  messaging_product: z.literal("whatsapp").optional(),
  metadata: z.object({
    display_phone_number: z.string().optional(),
    phone_number_id: z.string().min(1),
  }),
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});
export type WhatsAppValueDto = z.infer<typeof WhatsAppValueSchema>;

/**
 * `user_id_update` (issue 19): Meta links a user's phone number to their BSUID, or tells
 * that a user's BSUID changed. Each entry names the user by wa_id (phone) and/or the
 * previous BSUID, and carries the current BSUID.
 */
export const WhatsAppUserIdUpdateSchema = z
  .object({
    wa_id: z.string().regex(WA_ID_DIGITS, "wa_id must be digits").optional(),
    user_id: Bsuid("user_id"),
    previous_user_id: Bsuid("previous_user_id").optional(),
    timestamp: UnixSecondsString.optional(),
  })
  .refine((u) => u.wa_id !== undefined || u.previous_user_id !== undefined, {
    message: "wa_id or previous_user_id is required to know whose user_id changed",
    path: ["wa_id"],
  });
export type WhatsAppUserIdUpdateDto = z.infer<typeof WhatsAppUserIdUpdateSchema>;

/**
 * The documented form of a BSUID change (Meta's changelog, Aug 2026: `user_id_update` is
 * not a subscribable field): a `type: "system"` message on the messages field whose
 * `system.type` is `user_changed_user_id` (only the BSUID changed) or
 * `user_changed_number` (a new phone, which also regenerates the BSUID), carrying
 * `previous_user_id` beside the new `user_id`. Parsed leniently: a field Meta leaves out
 * only means less to link.
 */
export const WhatsAppIdentitySystemSchema = z.object({
  type: z.enum(["user_changed_user_id", "user_changed_number"]),
  user_id: Bsuid("system.user_id").optional(),
  previous_user_id: Bsuid("system.previous_user_id").optional(),
  wa_id: z.string().regex(WA_ID_DIGITS, "wa_id must be digits").optional(),
});
export type WhatsAppIdentitySystemDto = z.infer<typeof WhatsAppIdentitySystemSchema>;

export const WhatsAppUserIdUpdateValueSchema = z.object({
  messaging_product: z.literal("whatsapp").optional(),
  metadata: z
    .object({ display_phone_number: z.string().optional(), phone_number_id: z.string() })
    .optional(),
  user_id_update: z.array(z.unknown()),
});

export const WhatsAppChangeSchema = z.object({
  field: z.string(),
  // Parsed by the mapper once `field` is known to be "messages".
  value: z.unknown(),
});

export const WhatsAppWebhookSchema = z.object({
  object: z.literal(WHATSAPP_OBJECT, {
    error: `object must be "${WHATSAPP_OBJECT}"`,
  }),
  entry: z.array(
    z.object({
      id: z.string(),
      changes: z.array(WhatsAppChangeSchema),
    }),
  ),
});
export type WhatsAppWebhookDto = z.infer<typeof WhatsAppWebhookSchema>;

/** zod issue path → "entry.0.changes.1.value" (the style of lapor.dto). */
export function joinPath(base: string, path: readonly PropertyKey[]): string {
  const tail = path.map((p) => String(p)).join(".");
  if (base === "") return tail;
  return tail === "" ? base : `${base}.${tail}`;
}

export interface PayloadProblem {
  /** Dotted path inside the payload, "" for the whole payload. */
  readonly path: string;
  /** Schema message only: never the offending value (it may be a body, phone or name). */
  readonly message: string;
}

export function issuesToProblems(base: string, error: z.ZodError): PayloadProblem[] {
  return error.issues.map((issue) => ({
    path: joinPath(base, issue.path),
    message: issue.message,
  }));
}
