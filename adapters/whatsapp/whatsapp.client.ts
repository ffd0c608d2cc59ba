import { z } from "zod";
import { isBsuid } from "../../src/domain/bsuid.js";
import type { AttemptInfo, RetryPolicy } from "../../src/domain/retry-policy.js";
import { downloadCapped, type CappedDownload } from "../kit/capped-stream.js";
import { definedOnly, parseAdapterConfig } from "../kit/config.js";
import {
  GRAPH_READ_RETRY_POLICY,
  baseUrlSchema,
  graphVersionSchema,
  timeoutSchema,
  tokenSchema,
} from "../kit/graph.js";
import { GraphClient } from "../kit/graph-client.js";
import { graphErrorFamily } from "../kit/graph-errors.js";
import { parseJsonOrNull, responseText } from "../kit/http.js";

/** WhatsApp refuses text bodies longer than this. */
export const WHATSAPP_TEXT_MAX = 4096;

/** Free-form replies are allowed only this long after the citizen's last message. */
export const WHATSAPP_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * 131047 "Re-engagement message": more than 24 h since the citizen wrote. It comes back
 * either on the send call or later in a `failed` status webhook; both mean "use a template".
 */
export const WHATSAPP_WINDOW_CLOSED_CODES: readonly number[] = [131047];

/** Where Meta hosts media behind `getMediaUrl`; our bearer token may only go there. */
export const WHATSAPP_MEDIA_ORIGINS: readonly string[] = ["https://lookaside.fbsbx.com"];

// ---------------------------------------------------------------------------------------
// Errors: the Graph error tree of adapters/kit, named for WhatsApp. Stable codes for the
// Outbox and alerting; messages carry Graph codes and the fbtrace_id for Meta support,
// never the Graph message (it can quote the phone number).
// ---------------------------------------------------------------------------------------

const errors = graphErrorFamily({
  className: "WhatsApp",
  codePrefix: "WHATSAPP",
  service: "WhatsApp",
  authRejected: "WhatsApp Cloud API rejected the access token",
  tokenVariable: "WHATSAPP_ACCESS_TOKEN",
  windowClosed: "WhatsApp refused free text: outside the 24-hour window, a template is required",
  windowClosedCodes: new Set(WHATSAPP_WINDOW_CLOSED_CODES.map(String)),
  textTooLong: (length, max) => `text has ${length} characters, WhatsApp accepts at most ${max}`,
  tooLarge: {
    className: "MediaTooLarge",
    code: "MEDIA_TOO_LARGE",
    message: (maxBytes) => `WhatsApp media exceeds the ${maxBytes}-byte cap; download aborted`,
  },
});

export const WhatsAppError = errors.Error;
export type WhatsAppError = InstanceType<typeof WhatsAppError>;
/** 401 or Graph code 190: the token is invalid or expired. */
export const WhatsAppAuthError = errors.AuthError;
export type WhatsAppAuthError = InstanceType<typeof WhatsAppAuthError>;
export const WhatsAppRateLimitError = errors.RateLimitError;
export type WhatsAppRateLimitError = InstanceType<typeof WhatsAppRateLimitError>;
export const WhatsAppTransientError = errors.TransientError;
export type WhatsAppTransientError = InstanceType<typeof WhatsAppTransientError>;
/** More than 24 h since the citizen's last message: resend as an approved template. */
export const WhatsAppWindowClosedError = errors.WindowClosedError;
export type WhatsAppWindowClosedError = InstanceType<typeof WhatsAppWindowClosedError>;
/** Any other 4xx: final (bad number, template not approved, parameter mismatch, ...). */
export const WhatsAppPermanentError = errors.PermanentError;
export type WhatsAppPermanentError = InstanceType<typeof WhatsAppPermanentError>;
export const WhatsAppMediaTooLargeError = errors.TooLargeError;
export type WhatsAppMediaTooLargeError = InstanceType<typeof WhatsAppMediaTooLargeError>;
export const WhatsAppProtocolError = errors.ProtocolError;
export type WhatsAppProtocolError = InstanceType<typeof WhatsAppProtocolError>;
export const WhatsAppTextTooLongError = errors.TextTooLongError;
export type WhatsAppTextTooLongError = InstanceType<typeof WhatsAppTextTooLongError>;
export const WhatsAppConfigError = errors.ConfigError;
export type WhatsAppConfigError = InstanceType<typeof WhatsAppConfigError>;

export const classifyWhatsAppError = errors.classify;

// ---------------------------------------------------------------------------------------
// Reply mode
// ---------------------------------------------------------------------------------------

/**
 * Free text only within 24 h of the citizen's last message; otherwise (or when they
 * never wrote, e.g. a case from another channel) an approved template.
 */
export function chooseReplyMode(lastInboundAt: Date | null, now: Date): "text" | "template" {
  if (lastInboundAt === null) return "template";
  return now.getTime() - lastInboundAt.getTime() < WHATSAPP_SERVICE_WINDOW_MS ? "text" : "template";
}

// ---------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------

export interface WhatsAppRetryEvent extends AttemptInfo {
  readonly operation: "sendText" | "sendTemplate" | "getMediaUrl" | "downloadMedia";
}

export interface WhatsAppClientOptions {
  readonly accessToken: string;
  readonly phoneNumberId: string;
  readonly graphVersion?: string;
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  /** Default: no retry of sends (a lost answer would deliver the reply twice). */
  readonly sendRetryPolicy?: RetryPolicy;
  /** Media look-ups and downloads are reads: retried by default. */
  readonly readRetryPolicy?: RetryPolicy;
  readonly onRetry?: (event: WhatsAppRetryEvent) => void;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Extra origins allowed to receive the token on media downloads (tests, proxies). */
  readonly mediaOrigins?: readonly string[];
}

export interface WhatsAppConfigInput {
  readonly accessToken: unknown;
  readonly phoneNumberId: unknown;
  readonly graphVersion?: unknown;
  readonly baseUrl?: unknown;
  readonly timeoutMs?: unknown;
}

const ConfigSchema = z.object({
  accessToken: tokenSchema(
    "WHATSAPP_ACCESS_TOKEN",
    "set the permanent system-user token of the WhatsApp Business app (Meta Business Suite → System users)",
  ),
  phoneNumberId: z
    .string({
      error:
        "WHATSAPP_PHONE_NUMBER_ID is required: the numeric Phone number ID from WhatsApp Manager → API Setup (not the phone number itself)",
    })
    .trim()
    .regex(/^\d{5,20}$/, {
      message:
        "WHATSAPP_PHONE_NUMBER_ID must be the numeric Phone number ID from WhatsApp Manager → API Setup (not the phone number itself)",
    }),
  graphVersion: graphVersionSchema("WHATSAPP_GRAPH_VERSION"),
  baseUrl: baseUrlSchema("WHATSAPP_GRAPH_BASE_URL"),
  timeoutMs: timeoutSchema("WHATSAPP_TIMEOUT_MS"),
});

export interface SentWhatsAppMessage {
  /** wamid: `statuses[]` webhooks refer to it. */
  readonly externalId: string;
  /** The wa_id WhatsApp resolved the recipient to (may differ in format from the input). */
  readonly waId: string | null;
}

export interface MediaInfo {
  readonly url: string;
  readonly mime: string | null;
  readonly sha256: string | null;
  readonly fileSize: number | null;
}

export type DownloadedMedia = CappedDownload;

const SendResponseSchema = z.object({
  contacts: z.array(z.object({ wa_id: z.string().optional() })).optional(),
  messages: z.array(z.object({ id: z.string().min(1) })).min(1),
});

const MediaInfoSchema = z.object({
  url: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  file_size: z.union([z.number(), z.string()]).optional(),
});

const WA_ID = /^\d{6,15}$/;

// ---------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------

export class WhatsAppClient extends GraphClient<WhatsAppRetryEvent["operation"]> {
  private readonly readRetryPolicy: RetryPolicy;
  private readonly mediaOrigins: ReadonlySet<string>;
  readonly phoneNumberId: string;

  constructor(options: WhatsAppClientOptions) {
    const parsed = WhatsAppClient.parseConfig(options);
    super(
      { ...parsed, token: parsed.accessToken, userAgent: "aduan-hub/whatsapp-adapter" },
      options,
      errors,
    );
    this.phoneNumberId = parsed.phoneNumberId;
    this.readRetryPolicy = options.readRetryPolicy ?? GRAPH_READ_RETRY_POLICY;
    this.mediaOrigins = new Set([
      new URL(this.baseUrl).origin,
      ...WHATSAPP_MEDIA_ORIGINS,
      ...(options.mediaOrigins ?? []).map((o) => new URL(o).origin),
    ]);
  }

  /** Boot-time construction from environment-like input; throws an operator-readable message. */
  static fromConfig(
    config: WhatsAppConfigInput,
    extra: Omit<WhatsAppClientOptions, keyof WhatsAppConfigInput> = {},
  ): WhatsAppClient {
    return new WhatsAppClient({ ...extra, ...WhatsAppClient.parseConfig(config) });
  }

  private static parseConfig(config: WhatsAppConfigInput): z.infer<typeof ConfigSchema> {
    // The schema keeps its own keys only: client options passed along are dropped.
    return parseAdapterConfig(
      ConfigSchema,
      definedOnly({ ...config }),
      "WhatsApp adapter",
      (message) => new WhatsAppConfigError(message),
    );
  }

  /** Free text; valid only inside the 24 h window (see chooseReplyMode). recipientId: wa_id or BSUID. */
  async sendText(recipientId: string, body: string): Promise<SentWhatsAppMessage> {
    const to = recipientFields(recipientId);
    if (body.trim() === "") throw new RangeError("text body is empty");
    if (body.length > WHATSAPP_TEXT_MAX) {
      throw new WhatsAppTextTooLongError(body.length, WHATSAPP_TEXT_MAX);
    }
    return this.postMessage("sendText", {
      messaging_product: "whatsapp",
      recipient_type: "individual",
      ...to,
      type: "text",
      // Previews would fetch links citizens paste back to us: keep replies plain.
      text: { preview_url: false, body },
    });
  }

  /** An approved template with positional body parameters ({{1}}, {{2}}, ...). */
  async sendTemplate(
    recipientId: string,
    templateName: string,
    languageCode: string,
    params: readonly string[],
  ): Promise<SentWhatsAppMessage> {
    const to = recipientFields(recipientId);
    if (!/^[a-z0-9_]{1,512}$/.test(templateName)) {
      throw new RangeError("template name must be lowercase letters, digits and underscores");
    }
    if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(languageCode)) {
      throw new RangeError('language code must look like "id" or "en_US"');
    }
    const components =
      params.length > 0
        ? [{ type: "body", parameters: params.map((text) => ({ type: "text", text })) }]
        : [];
    return this.postMessage("sendTemplate", {
      messaging_product: "whatsapp",
      recipient_type: "individual",
      ...to,
      type: "template",
      template: {
        name: templateName,
        language: { code: languageCode },
        ...(components.length > 0 ? { components } : {}),
      },
    });
  }

  /** Media ids from webhooks resolve to a short-lived URL (about 5 minutes). */
  async getMediaUrl(mediaId: string): Promise<MediaInfo> {
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(mediaId)) throw new RangeError("media id is malformed");
    return this.retrying("getMediaUrl", this.readRetryPolicy, async () => {
      const response = await this.send({
        method: "GET",
        url: `/${this.graphVersion}/${encodeURIComponent(mediaId)}`,
        params: { phone_number_id: this.phoneNumberId },
      });
      this.throwForStatus(response);
      const parsed = MediaInfoSchema.safeParse(parseJsonOrNull(responseText(response)));
      if (!parsed.success) {
        throw new WhatsAppProtocolError("media response has no url", response.status);
      }
      const size = Number(parsed.data.file_size);
      return {
        url: parsed.data.url,
        mime: parsed.data.mime_type ?? null,
        sha256: parsed.data.sha256 ?? null,
        fileSize: Number.isFinite(size) && size >= 0 ? size : null,
      };
    });
  }

  /**
   * Streams the file with the bearer token and aborts as soon as it passes `maxBytes`
   * (Content-Length first, then while counting), so a huge video never sits in memory.
   */
  async downloadMedia(url: string, options: { maxBytes: number }): Promise<DownloadedMedia> {
    const { maxBytes } = options;
    if (!Number.isInteger(maxBytes) || maxBytes <= 0) {
      throw new RangeError("maxBytes must be a positive integer");
    }
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new WhatsAppProtocolError("media URL is not absolute", null);
    }
    if (target.protocol !== "https:" && target.origin !== new URL(this.baseUrl).origin) {
      throw new WhatsAppProtocolError("media URL is not https; refusing to send the token", null);
    }
    if (!this.mediaOrigins.has(target.origin)) {
      throw new WhatsAppProtocolError(
        `media URL origin ${target.origin} is not a Meta media host; refusing to send the token`,
        null,
      );
    }
    return this.retrying("downloadMedia", this.readRetryPolicy, () =>
      downloadCapped((config) => this.send(config), target.toString(), maxBytes, {
        tooLarge: () => new WhatsAppMediaTooLargeError(maxBytes),
        toError,
        rejectStatus: (response, head) => {
          this.throwForStatus({ ...response, data: head });
          throw new WhatsAppPermanentError(response.status, null);
        },
      }),
    );
  }

  /** getMediaUrl + downloadMedia, refusing early when Meta already reports a larger file. */
  async fetchMedia(mediaId: string, options: { maxBytes: number }): Promise<DownloadedMedia> {
    const info = await this.getMediaUrl(mediaId);
    if (info.fileSize !== null && info.fileSize > options.maxBytes) {
      throw new WhatsAppMediaTooLargeError(options.maxBytes);
    }
    return this.downloadMedia(info.url, options);
  }

  // -------------------------------------------------------------------------------------

  private async postMessage(
    operation: "sendText" | "sendTemplate",
    payload: Record<string, unknown>,
  ): Promise<SentWhatsAppMessage> {
    return this.retrying(operation, this.sendRetryPolicy, async () => {
      const response = await this.send({
        method: "POST",
        url: `/${this.graphVersion}/${encodeURIComponent(this.phoneNumberId)}/messages`,
        data: JSON.stringify(payload),
        headers: { "Content-Type": "application/json" },
      });
      this.throwForStatus(response);
      const parsed = SendResponseSchema.safeParse(parseJsonOrNull(responseText(response)));
      const first = parsed.success ? parsed.data.messages[0] : undefined;
      if (!parsed.success || first === undefined) {
        throw new WhatsAppProtocolError("send response has no messages[0].id", response.status);
      }
      return { externalId: first.id, waId: parsed.data.contacts?.[0]?.wa_id ?? null };
    });
  }
}

const toError = errors.fromRequestFailure;

/**
 * A phone-number wa_id goes in `to`; a business-scoped user ID (a user known by a WhatsApp
 * username, issue 19) goes in `recipient`, as Meta's BSUID documentation says.
 */
function recipientFields(id: string): { to: string } | { recipient: string } {
  if (WA_ID.test(id)) return { to: id };
  if (isBsuid(id)) return { recipient: id };
  // A malformed recipient is a caller bug; the message names no digits on purpose.
  throw new RangeError(
    "recipient must be a wa_id (6-15 digits, no +) or a business-scoped user ID",
  );
}
