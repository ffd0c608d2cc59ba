import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { AxiosInstance, AxiosResponse } from "axios";
import { z } from "zod";
import {
  withRetry,
  type AttemptInfo,
  type RetryClass,
  type RetryPolicy,
} from "../../src/domain/retry-policy.js";
import {
  GRAPH_READ_RETRY_POLICY,
  GRAPH_SEND_RETRY_POLICY,
  baseUrlSchema,
  classifyGraphFailure,
  createGraphHttp,
  definedOnly,
  graphVersionSchema,
  parseGraphError,
  parseJsonOrNull,
  readCapped,
  responseText,
  retryAfterOf,
  timeoutSchema,
  tokenSchema,
  transientNetworkReason,
  type GraphClassifyRules,
  type GraphErrorInfo,
} from "../meta/meta.client.js";

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
// Errors: stable codes for the Outbox and alerting. Messages carry Graph codes and the
// fbtrace_id for Meta support, never the Graph message (it can quote the phone number).
// ---------------------------------------------------------------------------------------

export abstract class WhatsAppError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  readonly status: number | null;
  readonly graph: GraphErrorInfo | null;

  constructor(
    message: string,
    status: number | null,
    graph: GraphErrorInfo | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.status = status;
    this.graph = graph;
  }
}

function graphSuffix(graph: GraphErrorInfo | null): string {
  if (!graph || graph.code === null) return "";
  const sub = graph.subcode !== null ? `/${graph.subcode}` : "";
  const trace = graph.fbtraceId !== null ? `, fbtrace_id ${graph.fbtraceId}` : "";
  return ` (Graph code ${graph.code}${sub}${trace})`;
}

/** 401 or Graph code 190: the token is invalid or expired. */
export class WhatsAppAuthError extends WhatsAppError {
  readonly code = "WHATSAPP_AUTH";
  readonly retryable = false;
  readonly marksStreamUnhealthy = true;
  constructor(status: number, graph: GraphErrorInfo | null) {
    super(
      `WhatsApp Cloud API rejected the access token${graphSuffix(graph)}: renew WHATSAPP_ACCESS_TOKEN`,
      status,
      graph,
    );
  }
}

export class WhatsAppRateLimitError extends WhatsAppError {
  readonly code = "WHATSAPP_RATE_LIMIT";
  readonly retryable = true;
  constructor(
    status: number,
    graph: GraphErrorInfo | null,
    readonly retryAfterMs: number | null,
  ) {
    super(`WhatsApp rate limit (HTTP ${status})${graphSuffix(graph)}`, status, graph);
  }
}

export class WhatsAppTransientError extends WhatsAppError {
  readonly code = "WHATSAPP_TRANSIENT";
  readonly retryable = true;
  constructor(
    readonly reason: string,
    status: number | null,
    graph: GraphErrorInfo | null,
    options?: { cause?: unknown },
  ) {
    super(`WhatsApp transient failure: ${reason}${graphSuffix(graph)}`, status, graph, options);
  }
}

/** More than 24 h since the citizen's last message: resend as an approved template. */
export class WhatsAppWindowClosedError extends WhatsAppError {
  readonly code = "WHATSAPP_WINDOW_CLOSED";
  readonly retryable = false;
  constructor(status: number, graph: GraphErrorInfo | null) {
    super(
      `WhatsApp refused free text: outside the 24-hour window, a template is required${graphSuffix(graph)}`,
      status,
      graph,
    );
  }
}

/** Any other 4xx: final (bad number, template not approved, parameter mismatch, ...). */
export class WhatsAppPermanentError extends WhatsAppError {
  readonly code = "WHATSAPP_PERMANENT";
  readonly retryable = false;
  constructor(status: number, graph: GraphErrorInfo | null) {
    super(`WhatsApp refused the request (HTTP ${status})${graphSuffix(graph)}`, status, graph);
  }
}

export class WhatsAppMediaTooLargeError extends WhatsAppError {
  readonly code = "WHATSAPP_MEDIA_TOO_LARGE";
  readonly retryable = false;
  constructor(readonly maxBytes: number) {
    super(`WhatsApp media exceeds the ${maxBytes}-byte cap; download aborted`, null, null);
  }
}

export class WhatsAppProtocolError extends WhatsAppError {
  readonly code = "WHATSAPP_PROTOCOL";
  readonly retryable = false;
  constructor(message: string, status: number | null) {
    super(`WhatsApp protocol error: ${message}`, status, null);
  }
}

export class WhatsAppTextTooLongError extends WhatsAppError {
  readonly code = "WHATSAPP_TEXT_TOO_LONG";
  readonly retryable = false;
  constructor(
    readonly length: number,
    readonly max: number,
  ) {
    super(`text has ${length} characters, WhatsApp accepts at most ${max}`, null, null);
  }
}

export class WhatsAppConfigError extends Error {
  readonly code = "WHATSAPP_CONFIG_INVALID";
  constructor(message: string) {
    super(message);
    this.name = "WhatsAppConfigError";
  }
}

export function classifyWhatsAppError(error: unknown): RetryClass {
  return error instanceof WhatsAppError && error.retryable ? "retry" : "stop";
}

const WHATSAPP_RULES: GraphClassifyRules = {
  windowClosed: new Set(WHATSAPP_WINDOW_CLOSED_CODES.map(String)),
};

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

export interface DownloadedMedia {
  readonly bytes: Buffer;
  readonly mime: string;
  readonly sha256: string;
}

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

export class WhatsAppClient {
  private readonly http: AxiosInstance;
  private readonly sendRetryPolicy: RetryPolicy;
  private readonly readRetryPolicy: RetryPolicy;
  private readonly onRetry: ((event: WhatsAppRetryEvent) => void) | undefined;
  private readonly sleep: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  private readonly mediaOrigins: ReadonlySet<string>;
  readonly phoneNumberId: string;
  readonly graphVersion: string;
  readonly baseUrl: string;

  constructor(options: WhatsAppClientOptions) {
    const parsed = WhatsAppClient.parseConfig(options);
    this.phoneNumberId = parsed.phoneNumberId;
    this.graphVersion = parsed.graphVersion;
    this.baseUrl = parsed.baseUrl.replace(/\/+$/, "");
    this.sendRetryPolicy = options.sendRetryPolicy ?? GRAPH_SEND_RETRY_POLICY;
    this.readRetryPolicy = options.readRetryPolicy ?? GRAPH_READ_RETRY_POLICY;
    this.onRetry = options.onRetry;
    this.sleep = options.sleep;
    this.mediaOrigins = new Set([
      new URL(this.baseUrl).origin,
      ...WHATSAPP_MEDIA_ORIGINS,
      ...(options.mediaOrigins ?? []).map((o) => new URL(o).origin),
    ]);
    this.http = createGraphHttp({
      baseUrl: this.baseUrl,
      token: parsed.accessToken,
      timeoutMs: parsed.timeoutMs,
      userAgent: "aduan-hub/whatsapp-adapter",
    });
  }

  /** Boot-time construction from environment-like input; throws an operator-readable message. */
  static fromConfig(
    config: WhatsAppConfigInput,
    extra: Omit<WhatsAppClientOptions, keyof WhatsAppConfigInput> = {},
  ): WhatsAppClient {
    const parsed = WhatsAppClient.parseConfig(config);
    return new WhatsAppClient({ ...extra, ...parsed });
  }

  private static parseConfig(config: WhatsAppConfigInput): z.infer<typeof ConfigSchema> {
    const result = ConfigSchema.safeParse(
      definedOnly({
        accessToken: config.accessToken,
        phoneNumberId: config.phoneNumberId,
        graphVersion: config.graphVersion,
        baseUrl: config.baseUrl,
        timeoutMs: config.timeoutMs,
      }),
    );
    if (!result.success) {
      throw new WhatsAppConfigError(
        `WhatsApp adapter configuration is invalid: ${result.error.issues
          .map((i) => i.message)
          .join("; ")}`,
      );
    }
    return result.data;
  }

  /** Free text; valid only inside the 24 h window (see chooseReplyMode). */
  async sendText(toWaId: string, body: string): Promise<SentWhatsAppMessage> {
    assertWaId(toWaId);
    if (body.trim() === "") throw new RangeError("text body is empty");
    if (body.length > WHATSAPP_TEXT_MAX) {
      throw new WhatsAppTextTooLongError(body.length, WHATSAPP_TEXT_MAX);
    }
    return this.postMessage("sendText", {
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: toWaId,
      type: "text",
      // Previews would fetch links citizens paste back to us: keep replies plain.
      text: { preview_url: false, body },
    });
  }

  /** An approved template with positional body parameters ({{1}}, {{2}}, ...). */
  async sendTemplate(
    toWaId: string,
    templateName: string,
    languageCode: string,
    params: readonly string[],
  ): Promise<SentWhatsAppMessage> {
    assertWaId(toWaId);
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
      to: toWaId,
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
    return this.retrying("downloadMedia", this.readRetryPolicy, async () => {
      const controller = new AbortController();
      const response = await this.send({
        method: "GET",
        url: target.toString(),
        responseType: "stream",
        signal: controller.signal,
        headers: { Accept: "*/*" },
      });
      const stream = response.data as Readable;
      if (response.status < 200 || response.status >= 300) {
        const head = await readCapped(stream, 4096, controller, toError).catch(() => null);
        this.throwForStatus({ ...response, data: head?.toString("utf8") ?? "" });
        throw new WhatsAppPermanentError(response.status, null);
      }
      const declared = Number(response.headers["content-length"]);
      if (Number.isFinite(declared) && declared > maxBytes) {
        controller.abort();
        stream.destroy();
        throw new WhatsAppMediaTooLargeError(maxBytes);
      }
      const bytes = await readCapped(stream, maxBytes, controller, toError);
      if (bytes === null) throw new WhatsAppMediaTooLargeError(maxBytes);
      const contentType = response.headers["content-type"];
      const mime =
        typeof contentType === "string" && contentType.length > 0
          ? (contentType.split(";")[0] ?? "").trim().toLowerCase()
          : "application/octet-stream";
      return { bytes, mime, sha256: createHash("sha256").update(bytes).digest("hex") };
    });
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

  private retrying<T>(
    operation: WhatsAppRetryEvent["operation"],
    policy: RetryPolicy,
    fn: () => Promise<T>,
  ): Promise<T> {
    return withRetry(fn, policy, {
      classify: classifyWhatsAppError,
      onAttempt: (info) => this.onRetry?.({ ...info, operation }),
      ...(this.sleep ? { sleep: this.sleep } : {}),
    });
  }

  private async send(
    config: Parameters<AxiosInstance["request"]>[0],
  ): Promise<AxiosResponse<unknown>> {
    try {
      return await this.http.request<unknown>(config);
    } catch (error) {
      throw toError(error);
    }
  }

  private throwForStatus(response: AxiosResponse<unknown>): void {
    const { status } = response;
    if (status >= 200 && status < 300) return;
    const graph = parseGraphError(responseText(response));
    switch (classifyGraphFailure(status, graph, WHATSAPP_RULES)) {
      case "auth":
        throw new WhatsAppAuthError(status, graph);
      case "rate_limit":
        throw new WhatsAppRateLimitError(status, graph, retryAfterOf(response));
      case "transient":
        throw new WhatsAppTransientError(`HTTP ${status}`, status, graph);
      case "window_closed":
        throw new WhatsAppWindowClosedError(status, graph);
      case "permanent":
        throw new WhatsAppPermanentError(status, graph);
    }
  }
}

function toError(error: unknown): Error {
  if (error instanceof WhatsAppError) return error;
  const reason = transientNetworkReason(error);
  if (reason !== null) return new WhatsAppTransientError(reason, null, null, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

function assertWaId(waId: string): void {
  // A malformed recipient is a caller bug; the message names no digits on purpose.
  if (!WA_ID.test(waId)) throw new RangeError("recipient must be a wa_id (6-15 digits, no +)");
}
