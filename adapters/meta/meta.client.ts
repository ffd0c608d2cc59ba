import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import axios, { AxiosError, type AxiosInstance, type AxiosResponse } from "axios";
import { z } from "zod";
import { parseRetryAfterMs } from "../lapor/lapor.client.js";
import {
  withRetry,
  type AttemptInfo,
  type RetryClass,
  type RetryPolicy,
} from "../../src/domain/retry-policy.js";

// =======================================================================================
// Graph API plumbing shared by the Messenger/Instagram client (below) and the WhatsApp
// Cloud API client: both speak the same error envelope
// `{ error: { message, type, code, error_subcode, fbtrace_id } }`.
// =======================================================================================

export const GRAPH_BASE_URL = "https://graph.facebook.com";
export const DEFAULT_GRAPH_VERSION = "v21.0";
export const GRAPH_VERSION_PATTERN = /^v\d{1,3}\.\d{1,2}$/;

/** What we keep of a Graph error. Its `message` is dropped: it can quote a phone number. */
export interface GraphErrorInfo {
  readonly code: number | null;
  readonly subcode: number | null;
  readonly type: string | null;
  readonly fbtraceId: string | null;
}

const GraphErrorEnvelope = z.object({
  error: z.object({
    code: z.number().int().optional(),
    error_subcode: z.number().int().optional(),
    type: z.string().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

export function parseGraphError(text: string): GraphErrorInfo {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    return { code: null, subcode: null, type: null, fbtraceId: null };
  }
  const parsed = GraphErrorEnvelope.safeParse(json);
  if (!parsed.success) return { code: null, subcode: null, type: null, fbtraceId: null };
  const e = parsed.data.error;
  return {
    code: e.code ?? null,
    subcode: e.error_subcode ?? null,
    type: e.type ?? null,
    fbtraceId: e.fbtrace_id ?? null,
  };
}

export type GraphFailureKind = "auth" | "rate_limit" | "transient" | "window_closed" | "permanent";

// Graph codes documented as throttling: 4 app, 17 user, 32 page, 613 calls, 80007 WABA,
// 130429 Cloud API throughput, 131048 spam rate limit, 131056 pair rate limit.
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80007, 130429, 131048, 131056]);
// 1/2 unknown/service errors, 131000 "something went wrong", 131016 service unavailable.
const TRANSIENT_CODES = new Set([1, 2, 131000, 131016]);
// 190 expired/invalid token, 102 session, 10/200-299 permission (token lacks a scope).
const AUTH_CODES = new Set([102, 190]);

export interface GraphClassifyRules {
  /** Codes or `code:subcode` pairs meaning "outside the customer-service window". */
  readonly windowClosed: ReadonlySet<string>;
}

/** One place decides what a Graph failure means; both clients map the kind to classes. */
export function classifyGraphFailure(
  status: number,
  info: GraphErrorInfo,
  rules: GraphClassifyRules,
): GraphFailureKind {
  if (
    info.code !== null &&
    (rules.windowClosed.has(String(info.code)) ||
      (info.subcode !== null && rules.windowClosed.has(`${info.code}:${info.subcode}`)))
  ) {
    return "window_closed";
  }
  if (status === 401 || (info.code !== null && AUTH_CODES.has(info.code))) return "auth";
  if (status === 429 || (info.code !== null && RATE_LIMIT_CODES.has(info.code))) {
    return "rate_limit";
  }
  if (status === 408 || status >= 500) return "transient";
  if (info.code !== null && TRANSIENT_CODES.has(info.code)) return "transient";
  return "permanent";
}

const TRANSIENT_SOCKET_CODES = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "ECONNABORTED",
  "ECONNREFUSED",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);

/** Socket-level failure reason when it is one worth retrying, else null. */
export function transientNetworkReason(error: unknown): string | null {
  if (!(error instanceof AxiosError)) return null;
  const code = error.code ?? "";
  if (TRANSIENT_SOCKET_CODES.has(code)) return code;
  if (/socket hang up/i.test(error.message)) return "socket hang up";
  const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
  if (typeof causeCode === "string" && TRANSIENT_SOCKET_CODES.has(causeCode)) return causeCode;
  return null;
}

export function createGraphHttp(options: {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  userAgent: string;
}): AxiosInstance {
  return axios.create({
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    // Status handling is ours: every code maps to a typed error.
    validateStatus: () => true,
    proxy: false,
    maxRedirects: 0,
    responseType: "text",
    transformResponse: [(d: unknown) => d],
    transitional: { clarifyTimeoutError: true, forcedJSONParsing: false, silentJSONParsing: false },
    headers: {
      // Header, not `?access_token=`: tokens must never land in URLs, proxies or logs.
      Authorization: `Bearer ${options.token}`,
      Accept: "application/json",
      "User-Agent": options.userAgent,
    },
  });
}

export function responseText(response: AxiosResponse<unknown>): string {
  const data = response.data;
  if (typeof data === "string") return data;
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  return "";
}

export function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function retryAfterOf(response: AxiosResponse<unknown>): number | null {
  return parseRetryAfterMs(response.headers["retry-after"]);
}

/** Resolves the bytes, or null once more than `maxBytes` arrived (the request is aborted). */
export function readCapped(
  stream: Readable,
  maxBytes: number,
  controller: AbortController,
  toError: (error: unknown) => Error,
): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (value: Buffer | null, error?: Error): void => {
      if (settled) return;
      settled = true;
      stream.removeAllListeners("data");
      if (error !== undefined) reject(error);
      else resolve(value);
    };
    stream.on("data", (chunk: Buffer | string) => {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      total += buffer.length;
      if (total > maxBytes) {
        // Settle first: aborting makes axios destroy the stream with a CanceledError.
        finish(null);
        controller.abort();
        stream.destroy();
        return;
      }
      chunks.push(buffer);
    });
    stream.once("end", () => finish(Buffer.concat(chunks, total)));
    stream.once("error", (error: unknown) => finish(null, toError(error)));
  });
}

/** Sends are not idempotent on Meta's side: by default the Outbox, not the client, retries. */
export const GRAPH_SEND_RETRY_POLICY: RetryPolicy = Object.freeze({
  retries: 0,
  minTimeoutMs: 500,
  maxTimeoutMs: 10_000,
  factor: 2,
  jitter: true,
});

export const GRAPH_READ_RETRY_POLICY: RetryPolicy = Object.freeze({
  retries: 3,
  minTimeoutMs: 500,
  maxTimeoutMs: 10_000,
  factor: 2,
  jitter: true,
});

export function graphVersionSchema(envName: string) {
  return z
    .string({ error: `${envName} must be a string like "${DEFAULT_GRAPH_VERSION}"` })
    .trim()
    .regex(GRAPH_VERSION_PATTERN, {
      message: `${envName} must look like "${DEFAULT_GRAPH_VERSION}" (v<major>.<minor>)`,
    })
    .default(DEFAULT_GRAPH_VERSION);
}

export function tokenSchema(envName: string, what: string) {
  return z
    .string({ error: `${envName} is required: ${what}` })
    .trim()
    .min(1, { message: `${envName} is empty: ${what}` })
    .refine((t) => !/\s/.test(t), { message: `${envName} must not contain whitespace` });
}

export function baseUrlSchema(envName: string) {
  return z
    .string({ error: `${envName} must be a URL` })
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return url.protocol === "http:" || url.protocol === "https:";
        } catch {
          return false;
        }
      },
      { message: `${envName} is not a valid URL (expected https://host)` },
    )
    .default(GRAPH_BASE_URL);
}

export function timeoutSchema(envName: string) {
  return z.coerce
    .number({ error: `${envName} must be a number of milliseconds` })
    .int({ message: `${envName} must be a whole number of milliseconds` })
    .min(100, { message: `${envName} must be at least 100` })
    .max(120_000, { message: `${envName} must be at most 120000` })
    .default(15_000);
}

/** Drops undefined/"" so zod defaults apply to unset environment variables. */
export function definedOnly(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined && v !== null && v !== ""),
  );
}

// =======================================================================================
// Messenger / Instagram Send API
// =======================================================================================

/** Messenger and Instagram refuse longer text messages. */
export const MESSENGER_TEXT_MAX = 2000;

export abstract class MetaError extends Error {
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

export class MetaAuthError extends MetaError {
  readonly code = "META_AUTH";
  readonly retryable = false;
  readonly marksStreamUnhealthy = true;
  constructor(status: number, graph: GraphErrorInfo | null) {
    super(
      `Meta rejected the page access token${graphSuffix(graph)}: renew META_PAGE_ACCESS_TOKEN`,
      status,
      graph,
    );
  }
}

export class MetaRateLimitError extends MetaError {
  readonly code = "META_RATE_LIMIT";
  readonly retryable = true;
  constructor(
    status: number,
    graph: GraphErrorInfo | null,
    readonly retryAfterMs: number | null,
  ) {
    super(`Meta rate limit (HTTP ${status})${graphSuffix(graph)}`, status, graph);
  }
}

export class MetaTransientError extends MetaError {
  readonly code = "META_TRANSIENT";
  readonly retryable = true;
  constructor(
    readonly reason: string,
    status: number | null,
    graph: GraphErrorInfo | null,
    options?: { cause?: unknown },
  ) {
    super(`Meta transient failure: ${reason}${graphSuffix(graph)}`, status, graph, options);
  }
}

/** Outside Messenger's 24 h standard window (or the person can no longer be reached). */
export class MetaWindowClosedError extends MetaError {
  readonly code = "META_WINDOW_CLOSED";
  readonly retryable = false;
  constructor(status: number, graph: GraphErrorInfo | null) {
    super(
      `Meta refused the message: outside the 24-hour messaging window${graphSuffix(graph)}`,
      status,
      graph,
    );
  }
}

export class MetaPermanentError extends MetaError {
  readonly code = "META_PERMANENT";
  readonly retryable = false;
  constructor(status: number, graph: GraphErrorInfo | null) {
    super(`Meta refused the request (HTTP ${status})${graphSuffix(graph)}`, status, graph);
  }
}

export class MetaProtocolError extends MetaError {
  readonly code = "META_PROTOCOL";
  readonly retryable = false;
  constructor(message: string, status: number | null) {
    super(`Meta protocol error: ${message}`, status, null);
  }
}

export class MetaTextTooLongError extends MetaError {
  readonly code = "META_TEXT_TOO_LONG";
  readonly retryable = false;
  constructor(
    readonly length: number,
    readonly max: number,
  ) {
    super(
      `message has ${length} characters, Messenger/Instagram accept at most ${max}`,
      null,
      null,
    );
  }
}

export class MetaConfigError extends Error {
  readonly code = "META_CONFIG_INVALID";
  constructor(message: string) {
    super(message);
    this.name = "MetaConfigError";
  }
}

export function classifyMetaError(error: unknown): RetryClass {
  return error instanceof MetaError && error.retryable ? "retry" : "stop";
}

// Messenger: 10/2018278 "outside of allowed window", 551 "person isn't available".
// Instagram: 10/2534022 "outside of allowed window".
const META_WINDOW_RULES: GraphClassifyRules = {
  windowClosed: new Set(["10:2018278", "10:2534022", "551"]),
};

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

export class MetaClient {
  private readonly http: AxiosInstance;
  private readonly sendRetryPolicy: RetryPolicy;
  private readonly onRetry: ((event: MetaRetryEvent) => void) | undefined;
  private readonly sleep: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  readonly graphVersion: string;
  readonly baseUrl: string;

  constructor(options: MetaClientOptions) {
    const parsed = MetaClient.parseConfig(options);
    this.graphVersion = parsed.graphVersion;
    this.baseUrl = parsed.baseUrl.replace(/\/+$/, "");
    this.sendRetryPolicy = options.sendRetryPolicy ?? GRAPH_SEND_RETRY_POLICY;
    this.onRetry = options.onRetry;
    this.sleep = options.sleep;
    this.http = createGraphHttp({
      baseUrl: this.baseUrl,
      token: parsed.pageAccessToken,
      timeoutMs: parsed.timeoutMs,
      userAgent: "aduan-hub/meta-adapter",
    });
  }

  /** Boot-time construction from environment-like input; throws an operator-readable message. */
  static fromConfig(
    config: MetaConfigInput,
    extra: Omit<MetaClientOptions, keyof MetaConfigInput> = {},
  ): MetaClient {
    const parsed = MetaClient.parseConfig(config);
    return new MetaClient({ ...extra, ...parsed });
  }

  private static parseConfig(config: MetaConfigInput): z.infer<typeof MetaConfigSchema> {
    const result = MetaConfigSchema.safeParse(
      definedOnly({
        pageAccessToken: config.pageAccessToken ?? undefined,
        graphVersion: config.graphVersion,
        baseUrl: config.baseUrl,
        timeoutMs: config.timeoutMs,
      }),
    );
    if (!result.success) {
      throw new MetaConfigError(
        `Meta (Facebook/Instagram) adapter configuration is invalid: ${result.error.issues
          .map((i) => i.message)
          .join("; ")}`,
      );
    }
    return result.data;
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
    return withRetry(
      async () => {
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
      },
      this.sendRetryPolicy,
      {
        classify: classifyMetaError,
        onAttempt: (info) => this.onRetry?.({ ...info, operation: "sendMessage" }),
        ...(this.sleep ? { sleep: this.sleep } : {}),
      },
    );
  }

  private async send(
    config: Parameters<AxiosInstance["request"]>[0],
  ): Promise<AxiosResponse<unknown>> {
    try {
      return await this.http.request<unknown>(config);
    } catch (error) {
      const reason = transientNetworkReason(error);
      if (reason !== null) throw new MetaTransientError(reason, null, null, { cause: error });
      throw error instanceof Error ? error : new Error(String(error));
    }
  }

  private throwForStatus(response: AxiosResponse<unknown>): void {
    const { status } = response;
    if (status >= 200 && status < 300) return;
    const graph = parseGraphError(responseText(response));
    switch (classifyGraphFailure(status, graph, META_WINDOW_RULES)) {
      case "auth":
        throw new MetaAuthError(status, graph);
      case "rate_limit":
        throw new MetaRateLimitError(status, graph, retryAfterOf(response));
      case "transient":
        throw new MetaTransientError(`HTTP ${status}`, status, graph);
      case "window_closed":
        throw new MetaWindowClosedError(status, graph);
      case "permanent":
        throw new MetaPermanentError(status, graph);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Attachments of Messenger / Instagram messages
// ---------------------------------------------------------------------------------------

export class MetaAttachmentTooLargeError extends MetaError {
  readonly code = "META_ATTACHMENT_TOO_LARGE";
  readonly retryable = false;
  constructor(readonly maxBytes: number) {
    super(`Meta attachment exceeds ${maxBytes} bytes`, null, null);
  }
}

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
  const declared = Number(response.headers["content-length"]);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    controller.abort();
    stream.destroy();
    throw new MetaAttachmentTooLargeError(options.maxBytes);
  }
  const bytes = await readCapped(
    stream,
    options.maxBytes,
    controller,
    (e) =>
      new MetaTransientError(transientNetworkReason(e) ?? "stream error", null, null, { cause: e }),
  );
  if (bytes === null) throw new MetaAttachmentTooLargeError(options.maxBytes);
  const ct = response.headers["content-type"];
  return {
    bytes,
    mime: typeof ct === "string" ? (ct.split(";")[0]?.trim() ?? null) : null,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}
