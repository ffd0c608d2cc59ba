import type { Readable } from "node:stream";
import axios, { type AxiosResponse } from "axios";
import { z } from "zod";
import type { AttemptInfo, RetryPolicy } from "../../src/domain/retry-policy.js";
import { readCappedBody } from "../kit/capped-stream.js";
import { definedOnly, parseAdapterConfig } from "../kit/config.js";
import { baseUrlSchema, graphVersionSchema, timeoutSchema, tokenSchema } from "../kit/graph.js";
import { GraphClient } from "../kit/graph-client.js";
import { graphErrorFamily } from "../kit/graph-errors.js";
import { parseJsonOrNull, responseText, transientNetworkReason } from "../kit/http.js";

// =======================================================================================
// Messenger / Instagram Send API
// =======================================================================================

/** Messenger and Instagram refuse longer text messages. */
export const MESSENGER_TEXT_MAX = 2000;

// Errors: the Graph error tree of adapters/kit, named for Meta.
const errors = graphErrorFamily({
  className: "Meta",
  codePrefix: "META",
  service: "Meta",
  authRejected: "Meta rejected the page access token",
  tokenVariable: "META_PAGE_ACCESS_TOKEN",
  windowClosed: "Meta refused the message: outside the 24-hour messaging window",
  // Messenger: 10/2018278 "outside of allowed window", 551 "person isn't available".
  // Instagram: 10/2534022 "outside of allowed window".
  windowClosedCodes: new Set(["10:2018278", "10:2534022", "551"]),
  textTooLong: (length, max) =>
    `message has ${length} characters, Messenger/Instagram accept at most ${max}`,
  tooLarge: {
    className: "AttachmentTooLarge",
    code: "ATTACHMENT_TOO_LARGE",
    message: (maxBytes) => `Meta attachment exceeds ${maxBytes} bytes`,
  },
});

export const MetaError = errors.Error;
export type MetaError = InstanceType<typeof MetaError>;
export const MetaAuthError = errors.AuthError;
export type MetaAuthError = InstanceType<typeof MetaAuthError>;
export const MetaRateLimitError = errors.RateLimitError;
export type MetaRateLimitError = InstanceType<typeof MetaRateLimitError>;
export const MetaTransientError = errors.TransientError;
export type MetaTransientError = InstanceType<typeof MetaTransientError>;
/** Outside Messenger's 24 h standard window (or the person can no longer be reached). */
export const MetaWindowClosedError = errors.WindowClosedError;
export type MetaWindowClosedError = InstanceType<typeof MetaWindowClosedError>;
export const MetaPermanentError = errors.PermanentError;
export type MetaPermanentError = InstanceType<typeof MetaPermanentError>;
export const MetaProtocolError = errors.ProtocolError;
export type MetaProtocolError = InstanceType<typeof MetaProtocolError>;
export const MetaTextTooLongError = errors.TextTooLongError;
export type MetaTextTooLongError = InstanceType<typeof MetaTextTooLongError>;
export const MetaAttachmentTooLargeError = errors.TooLargeError;
export type MetaAttachmentTooLargeError = InstanceType<typeof MetaAttachmentTooLargeError>;
export const MetaConfigError = errors.ConfigError;
export type MetaConfigError = InstanceType<typeof MetaConfigError>;

export const classifyMetaError = errors.classify;

export interface MetaRetryEvent extends AttemptInfo {
  readonly operation: "sendMessage";
}

export interface MetaClientOptions {
  readonly pageAccessToken: string;
  readonly graphVersion?: string;
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  /** Default: no retry inside the client (a lost answer would send the reply twice). */
  readonly sendRetryPolicy?: RetryPolicy;
  readonly onRetry?: (event: MetaRetryEvent) => void;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface MetaConfigInput {
  readonly pageAccessToken: unknown;
  readonly graphVersion?: unknown;
  readonly baseUrl?: unknown;
  readonly timeoutMs?: unknown;
}

const MetaConfigSchema = z.object({
  pageAccessToken: tokenSchema(
    "META_PAGE_ACCESS_TOKEN",
    "set the long-lived Page access token of the office's Facebook Page (Meta Business Suite → System users)",
  ),
  graphVersion: graphVersionSchema("META_GRAPH_VERSION"),
  baseUrl: baseUrlSchema("META_GRAPH_BASE_URL"),
  timeoutMs: timeoutSchema("META_TIMEOUT_MS"),
});

export interface SendMessageOptions {
  /**
   * "RESPONSE" (default) inside the 24 h window; "HUMAN_AGENT" tag extends it to 7 days
   * when the app has that permission.
   */
  readonly tag?: "HUMAN_AGENT";
}

export interface SentMessage {
  readonly recipientId: string;
  /** mid of our message: echoes and delivery events refer to it. */
  readonly externalId: string;
}

const SendResponseSchema = z.object({
  recipient_id: z.string().min(1),
  message_id: z.string().min(1),
});

export class MetaClient extends GraphClient<MetaRetryEvent["operation"]> {
  constructor(options: MetaClientOptions) {
    const parsed = MetaClient.parseConfig(options);
    super(
      { ...parsed, token: parsed.pageAccessToken, userAgent: "aduan-hub/meta-adapter" },
      options,
      errors,
    );
  }

  /** Boot-time construction from environment-like input; throws an operator-readable message. */
  static fromConfig(
    config: MetaConfigInput,
    extra: Omit<MetaClientOptions, keyof MetaConfigInput> = {},
  ): MetaClient {
    return new MetaClient({ ...extra, ...MetaClient.parseConfig(config) });
  }

  private static parseConfig(config: MetaConfigInput): z.infer<typeof MetaConfigSchema> {
    // The schema keeps its own keys only: client options passed along are dropped.
    return parseAdapterConfig(
      MetaConfigSchema,
      definedOnly({ ...config }),
      "Meta (Facebook/Instagram) adapter",
      (message) => new MetaConfigError(message),
    );
  }

  /**
   * One text message to a PSID (Messenger) or IGSID (Instagram): both go through the
   * same `/me/messages` endpoint of the Page the token belongs to.
   */
  async sendMessage(
    recipientId: string,
    text: string,
    options: SendMessageOptions = {},
  ): Promise<SentMessage> {
    if (recipientId.trim() === "") throw new RangeError("recipientId is empty");
    if (text.trim() === "") throw new RangeError("message text is empty");
    // Counted in UTF-16 units like Meta does; staff text is split by the caller.
    if (text.length > MESSENGER_TEXT_MAX) {
      throw new MetaTextTooLongError(text.length, MESSENGER_TEXT_MAX);
    }
    const body = {
      recipient: { id: recipientId },
      ...(options.tag
        ? { messaging_type: "MESSAGE_TAG", tag: options.tag }
        : { messaging_type: "RESPONSE" }),
      message: { text },
    };
    return this.retrying("sendMessage", this.sendRetryPolicy, async () => {
      const response = await this.send({
        method: "POST",
        url: `/${this.graphVersion}/me/messages`,
        data: JSON.stringify(body),
        headers: { "Content-Type": "application/json" },
      });
      this.throwForStatus(response);
      const parsed = SendResponseSchema.safeParse(parseJsonOrNull(responseText(response)));
      if (!parsed.success) {
        throw new MetaProtocolError(
          "send response has no recipient_id/message_id",
          response.status,
        );
      }
      return { recipientId: parsed.data.recipient_id, externalId: parsed.data.message_id };
    });
  }
}

// ---------------------------------------------------------------------------------------
// Attachments of Messenger / Instagram messages
// ---------------------------------------------------------------------------------------

// Attachment payload URLs are signed CDN links that need no token; only Meta's own media
// hosts are fetched, so a crafted payload cannot make the hub fetch arbitrary URLs.
const META_MEDIA_HOST =
  /(^|\.)(fbcdn\.net|fbsbx\.com|cdninstagram\.com|facebook\.com|instagram\.com)$/i;

export async function downloadMetaAttachment(
  url: string,
  options: { maxBytes: number; timeoutMs?: number; allowHost?: (host: string) => boolean },
): Promise<{ bytes: Buffer; mime: string | null; sha256: string }> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new MetaProtocolError("attachment URL is not absolute", null);
  }
  const allowed = options.allowHost ?? ((h: string) => META_MEDIA_HOST.test(h));
  if (target.protocol !== "https:" || !allowed(target.hostname)) {
    throw new MetaProtocolError(
      `attachment host ${target.hostname} is not a Meta media host`,
      null,
    );
  }
  const controller = new AbortController();
  let response: AxiosResponse<unknown>;
  try {
    response = await axios.get(target.toString(), {
      responseType: "stream",
      timeout: options.timeoutMs ?? 30_000,
      maxRedirects: 3,
      proxy: false,
      signal: controller.signal,
      validateStatus: () => true,
    });
  } catch (e) {
    throw new MetaTransientError(transientNetworkReason(e) ?? "network error", null, null, {
      cause: e,
    });
  }
  const stream = response.data as Readable;
  if (response.status < 200 || response.status >= 300) {
    stream.destroy();
    if (response.status >= 500 || response.status === 429) {
      throw new MetaTransientError(`HTTP ${response.status}`, response.status, null);
    }
    throw new MetaProtocolError(
      `attachment download answered HTTP ${response.status}`,
      response.status,
    );
  }
  const { bytes, sha256 } = await readCappedBody(response, controller, options.maxBytes, {
    tooLarge: () => new MetaAttachmentTooLargeError(options.maxBytes),
    toError: (e) =>
      new MetaTransientError(transientNetworkReason(e) ?? "stream error", null, null, {
        cause: e,
      }),
  });
  const ct = response.headers["content-type"];
  return {
    bytes,
    mime: typeof ct === "string" ? (ct.split(";")[0]?.trim() ?? null) : null,
    sha256,
  };
}
