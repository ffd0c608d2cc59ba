import { z } from "zod";
import { StorableId } from "../whatsapp/whatsapp.dto.js";

/**
 * Wire shapes of the Messenger (object "page") and Instagram (object "instagram")
 * webhooks. Like the WhatsApp DTO, the envelope is strict and each `messaging[]` event is
 * parsed on its own, so one odd event never sinks the batch Meta would then redeliver.
 * Extra properties are ignored: Meta adds fields without notice.
 */

export const META_OBJECTS = ["page", "instagram"] as const;
export type MetaObject = (typeof META_OBJECTS)[number];

export const MetaAttachmentSchema = z.object({
  // Kept open: Instagram adds "share", "story_mention", "ig_reel", ... over time.
  type: z.string().min(1),
  payload: z
    .object({
      url: z.string().optional(),
      title: z.string().optional(),
      sticker_id: z.number().optional(),
      coordinates: z.object({ lat: z.number(), long: z.number() }).optional(),
    })
    .nullable()
    .optional(),
});
export type MetaAttachmentDto = z.infer<typeof MetaAttachmentSchema>;

export const MetaMessageSchema = z.object({
  mid: StorableId("message.mid is missing"),
  text: z.string().optional(),
  is_echo: z.boolean().optional(),
  is_deleted: z.boolean().optional(),
  is_unsupported: z.boolean().optional(),
  app_id: z.number().optional(),
  quick_reply: z.object({ payload: z.string() }).optional(),
  reply_to: z.object({ mid: z.string().optional(), story: z.unknown().optional() }).optional(),
  attachments: z.array(MetaAttachmentSchema).optional(),
});
export type MetaMessageDto = z.infer<typeof MetaMessageSchema>;

export const MetaMessagingEventSchema = z.object({
  sender: z.object({ id: z.string().min(1, "sender.id is missing") }),
  recipient: z.object({ id: z.string().min(1) }),
  /** Milliseconds since the epoch (unlike WhatsApp's seconds). */
  timestamp: z.number().int().nonnegative(),
  message: MetaMessageSchema.optional(),
  delivery: z
    .object({ mids: z.array(z.string()).optional(), watermark: z.number().optional() })
    .optional(),
  read: z.object({ watermark: z.number().optional(), mid: z.string().optional() }).optional(),
  reaction: z
    .object({
      mid: z.string().optional(),
      action: z.string().optional(),
      emoji: z.string().optional(),
    })
    .optional(),
  postback: z
    .object({
      mid: z.string().optional(),
      title: z.string().optional(),
      payload: z.string().optional(),
    })
    .optional(),
});
export type MetaMessagingEventDto = z.infer<typeof MetaMessagingEventSchema>;

export const MetaWebhookSchema = z.object({
  object: z.enum(META_OBJECTS, { error: 'object must be "page" or "instagram"' }),
  entry: z.array(
    z.object({
      id: z.string(),
      time: z.number().optional(),
      messaging: z.array(z.unknown()).optional(),
      // Feed/comment changes arrive here when subscribed; they are not messages.
      changes: z.array(z.unknown()).optional(),
      standby: z.array(z.unknown()).optional(),
    }),
  ),
});
export type MetaWebhookDto = z.infer<typeof MetaWebhookSchema>;
