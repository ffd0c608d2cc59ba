import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import { z } from "zod";
import {
  DEFAULT_MAX_RETRY_AFTER_MS,
  type AttemptInfo,
  type RetryClass,
  type RetryPolicy,
} from "../../src/domain/retry-policy.js";
import {
  TindakLanjutSchema,
  formatIssuePath,
  parseLaporanItem,
  parseLaporanPage,
  type ItemIssue,
  type LaporanItemResult,
  type LaporanPage,
  type PostTindakLanjutBody,
  type TindakLanjutDto,
} from "./lapor.dto.js";
import { downloadCapped, type CappedDownload } from "../kit/capped-stream.js";
import { parseAdapterConfig } from "../kit/config.js";
import { isHttpUrl, responseText, transientNetworkReason } from "../kit/http.js";
import { retryOperation } from "../kit/retry.js";
import { parseRetryAfterMs } from "../kit/retry-after.js";

// ---------------------------------------------------------------------------------------
// Errors: one class per upstream behaviour of the contract, each with a stable `code` the
// sync engine and the alerting switch on. Messages never carry response bodies (they may
// hold personal data); the bodies stay on properties for the dead letter.
// ---------------------------------------------------------------------------------------

export abstract class LaporError extends Error {
  abstract readonly code: string;
  /** Whether the default retry classification retries it. */
  abstract readonly retryable: boolean;
  readonly status: number | null;

  constructor(message: string, status: number | null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.status = status;
  }
}

/** 401: the token is wrong or expired. Never retried; the stream must be marked unhealthy. */
export class LaporAuthError extends LaporError {
  readonly code = "LAPOR_AUTH";
  readonly retryable = false;
  readonly marksStreamUnhealthy = true;
  constructor(status = 401) {
    super("LAPOR! rejected the token (401): check LAPOR_TOKEN", status);
  }
}

export class LaporRateLimitError extends LaporError {
  readonly code = "LAPOR_RATE_LIMIT";
  readonly retryable = true;
  constructor(readonly retryAfterMs: number | null) {
    super(`LAPOR! rate limit (429), retry after ${retryAfterMs ?? "?"} ms`, 429);
  }
}

export class LaporTransientError extends LaporError {
  readonly code = "LAPOR_TRANSIENT";
  readonly retryable = true;
  /** HTTP status, or the socket error code (ECONNRESET, ETIMEDOUT, ...). */
  constructor(
    readonly reason: string,
    status: number | null,
    options?: { cause?: unknown },
  ) {
    super(`LAPOR! transient failure: ${reason}`, status, options);
  }
}

/** 400 on a list call with a cursor: the caller restarts from `updated_since`. */
export class LaporBadCursorError extends LaporError {
  readonly code = "LAPOR_BAD_CURSOR";
  readonly retryable = false;
  constructor(readonly body: unknown) {
    super("LAPOR! rejected the cursor (400): restart from updated_since", 400);
  }
}

/** 409 on POST: the report is already Selesai or Diarsipkan upstream. */
export class LaporConflictError extends LaporError {
  readonly code = "LAPOR_CONFLICT";
  readonly retryable = false;
  constructor(readonly body: unknown) {
    super("LAPOR! refused the follow-up (409): report already Selesai or Diarsipkan", 409);
  }
}

export class LaporValidationError extends LaporError {
  readonly code = "LAPOR_VALIDATION";
  readonly retryable = false;
  constructor(readonly reason: unknown) {
    super("LAPOR! rejected the request body (422)", 422);
  }
}

export class LaporNotFoundError extends LaporError {
  readonly code = "LAPOR_NOT_FOUND";
  readonly retryable = false;
  constructor(readonly resource: string) {
    super(`LAPOR! has no ${resource} for this agency (404)`, 404);
  }
}

/** The response is not JSON, or not the documented envelope/shape. */
export class LaporProtocolError extends LaporError {
  readonly code = "LAPOR_PROTOCOL";
  readonly retryable = false;
  constructor(
    message: string,
    readonly issues: readonly ItemIssue[],
    readonly bodySnippet: string | null,
    status: number | null,
  ) {
    super(`LAPOR! protocol error: ${message}`, status);
  }
}

/** Any other 4xx (e.g. 400 on a parameter, 403): final. */
export class LaporHttpError extends LaporError {
  readonly code = "LAPOR_HTTP";
  readonly retryable = false;
  constructor(
    status: number,
    readonly body: unknown,
  ) {
    super(`LAPOR! answered HTTP ${status}`, status);
  }
}

export class LaporAttachmentTooLargeError extends LaporError {
  readonly code = "LAPOR_ATTACHMENT_TOO_LARGE";
  readonly retryable = false;
  constructor(readonly maxBytes: number) {
    super(`LAPOR! attachment exceeds the ${maxBytes}-byte cap; download aborted`, null);
  }
}

export class LaporConfigError extends Error {
  readonly code = "LAPOR_CONFIG_INVALID";
  constructor(message: string) {
    super(message);
    this.name = "LaporConfigError";
  }
}

/** Default classification for withRetry: only our retryable classes are retried. */
export function classifyLaporError(error: unknown): RetryClass {
  return error instanceof LaporError && error.retryable ? "retry" : "stop";
}

const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

// ---------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------

export const LAPOR_RETRY_POLICY: RetryPolicy = Object.freeze({
  retries: 5,
  minTimeoutMs: 500,
  maxTimeoutMs: 30_000,
  factor: 2,
  jitter: true,
  maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS,
});

export interface LaporRetryEvent extends AttemptInfo {
  readonly operation: "listLaporan" | "getLaporan" | "postTindakLanjut" | "downloadAttachment";
}

export interface LaporClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly timeoutMs?: number;
  /** `{ retries: 0, ... }` disables retries (the caller then retries itself). */
  readonly retryPolicy?: RetryPolicy;
  readonly onRetry?: (event: LaporRetryEvent) => void;
  /** Injectable wait for tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly userAgent?: string;
  /**
   * Origins besides `baseUrl` allowed to receive the bearer token on attachment
   * downloads. Empty by default: a payload must not be able to send our token elsewhere.
   */
  readonly attachmentOrigins?: readonly string[];
}

const httpUrl = (envName: string) =>
  z.string({ error: `${envName} is required` }).refine(isHttpUrl, {
    message: `${envName} is not a valid URL (expected http(s)://host[:port][/path])`,
  });

const ConfigSchema = z.object({
  baseUrl: httpUrl("LAPOR_BASE_URL"),
  token: z
    .string({ error: "LAPOR_TOKEN is required" })
    .trim()
    .min(1, {
      message: "LAPOR_TOKEN is empty: set the bearer token issued by the LAPOR! admin portal",
    })
    .refine((t) => !/\s/.test(t), { message: "LAPOR_TOKEN must not contain whitespace" }),
  timeoutMs: z.coerce
    .number({ error: "LAPOR_TIMEOUT_MS must be a number of milliseconds" })
    .int({ message: "LAPOR_TIMEOUT_MS must be a whole number of milliseconds" })
    .min(100, { message: "LAPOR_TIMEOUT_MS must be at least 100" })
    .max(600_000, { message: "LAPOR_TIMEOUT_MS must be at most 600000 (10 minutes)" })
    .default(15_000),
});

export interface LaporConfigInput {
  readonly baseUrl: unknown;
  readonly token: unknown;
  readonly timeoutMs?: unknown;
}

export interface ListLaporanParams {
  readonly updatedSince?: Date | string;
  readonly cursor?: string;
  readonly limit?: number;
}

export interface PostTindakLanjutResult {
  /** false when LAPOR! replayed an earlier request with the same Idempotency-Key (200). */
  readonly created: boolean;
  readonly tindakLanjut: TindakLanjutDto;
}

export type DownloadedAttachment = CappedDownload;

const SNIPPET_LENGTH = 200;

function snippet(text: string): string {
  return text.length > SNIPPET_LENGTH ? `${text.slice(0, SNIPPET_LENGTH)}…` : text;
}

function parseBodyLoosely(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return snippet(text);
  }
}

// ---------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------

export class LaporClient {
  private readonly http: AxiosInstance;
  private readonly token: string;
  private readonly retryPolicy: RetryPolicy;
  private readonly onRetry: ((event: LaporRetryEvent) => void) | undefined;
  private readonly sleep: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  private readonly allowedOrigins: ReadonlySet<string>;
  readonly baseUrl: string;
  readonly timeoutMs: number;

  constructor(options: LaporClientOptions) {
    const parsed = LaporClient.parseConfig(options);
    this.baseUrl = parsed.baseUrl.replace(/\/+$/, "");
    this.token = parsed.token;
    this.timeoutMs = parsed.timeoutMs;
    this.retryPolicy = options.retryPolicy ?? LAPOR_RETRY_POLICY;
    this.onRetry = options.onRetry;
    this.sleep = options.sleep;
    this.allowedOrigins = new Set([
      new URL(this.baseUrl).origin,
      ...(options.attachmentOrigins ?? []).map((o) => new URL(o).origin),
    ]);
    this.http = axios.create({
      baseURL: this.baseUrl,
      timeout: this.timeoutMs,
      // Status handling is ours: every code maps to a typed error below.
      validateStatus: () => true,
      // Environment proxies must not capture a loopback sandbox or the upstream.
      proxy: false,
      maxRedirects: 0,
      transitional: {
        clarifyTimeoutError: true,
        forcedJSONParsing: false,
        silentJSONParsing: false,
      },
      headers: {
        Authorization: `Bearer ${this.token}`,
        Accept: "application/json",
        "User-Agent": options.userAgent ?? "aduan-hub/lapor-adapter",
      },
    });
  }

  /** Boot-time construction from environment-like input; throws an operator-readable message. */
  static fromConfig(
    config: LaporConfigInput,
    extra: Omit<LaporClientOptions, "baseUrl" | "token" | "timeoutMs"> = {},
  ): LaporClient {
    return new LaporClient({ ...extra, ...LaporClient.parseConfig(config) });
  }

  private static parseConfig(config: LaporConfigInput): z.infer<typeof ConfigSchema> {
    return parseAdapterConfig(
      ConfigSchema,
      {
        baseUrl: config.baseUrl,
        token: config.token,
        ...(config.timeoutMs === undefined || config.timeoutMs === ""
          ? {}
          : { timeoutMs: config.timeoutMs }),
      },
      "LAPOR! adapter",
      (message) => new LaporConfigError(message),
    );
  }

  /**
   * One page in (diperbarui_pada, tracking_id) order. Items are parsed one by one; the
   * caller stores the good ones and dead-letters the rest. Loop until `nextCursor` is null.
   */
  async listLaporan(params: ListLaporanParams = {}): Promise<LaporanPage> {
    const query: Record<string, string> = {};
    if (params.updatedSince !== undefined) {
      query.updated_since =
        params.updatedSince instanceof Date
          ? params.updatedSince.toISOString()
          : params.updatedSince;
    }
    if (params.cursor !== undefined) query.cursor = params.cursor;
    if (params.limit !== undefined) query.limit = String(params.limit);
    const hasCursor = params.cursor !== undefined;

    return this.retrying("listLaporan", async () => {
      const response = await this.send({ method: "GET", url: "/api/v1/laporan", params: query });
      if (response.status === 400 && hasCursor)
        throw new LaporBadCursorError(parseBodyLoosely(responseText(response)));
      this.throwForStatus(response, "laporan list");
      const body = this.parseJson(response);
      const page = parseLaporanPage(body);
      if (!page.ok) {
        throw new LaporProtocolError(
          "page is not the {data, next_cursor} envelope",
          page.issues,
          null,
          response.status,
        );
      }
      return page.page;
    });
  }

  async getLaporan(trackingId: string): Promise<LaporanItemResult> {
    return this.retrying("getLaporan", async () => {
      const response = await this.send({
        method: "GET",
        url: `/api/v1/laporan/${encodeURIComponent(trackingId)}`,
      });
      this.throwForStatus(response, `laporan ${trackingId}`);
      return parseLaporanItem(this.parseJson(response));
    });
  }

  /**
   * Retrying a POST is safe only because of the Idempotency-Key: if a first attempt
   * landed but its answer was lost, the retry comes back as a 200 replay (created=false).
   */
  async postTindakLanjut(
    trackingId: string,
    body: PostTindakLanjutBody,
    idempotencyKey: string,
  ): Promise<PostTindakLanjutResult> {
    if (idempotencyKey.length === 0 || idempotencyKey.length > 128) {
      throw new RangeError("Idempotency-Key must be 1..128 characters");
    }
    return this.retrying("postTindakLanjut", async () => {
      const response = await this.send({
        method: "POST",
        url: `/api/v1/laporan/${encodeURIComponent(trackingId)}/tindak-lanjut`,
        data: JSON.stringify({ isi: body.isi, status: body.status }),
        headers: { "Content-Type": "application/json", "Idempotency-Key": idempotencyKey },
      });
      const text = responseText(response);
      if (response.status === 409) throw new LaporConflictError(parseBodyLoosely(text));
      if (response.status === 422) throw new LaporValidationError(parseBodyLoosely(text));
      this.throwForStatus(response, `laporan ${trackingId}`);
      if (response.status !== 200 && response.status !== 201) {
        throw new LaporProtocolError(
          `unexpected status ${response.status} for POST tindak-lanjut`,
          [],
          null,
          response.status,
        );
      }
      const parsed = TindakLanjutSchema.safeParse(this.parseJson(response));
      if (!parsed.success) {
        throw new LaporProtocolError(
          "tindak lanjut response does not match the TindakLanjut schema",
          parsed.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message })),
          null,
          response.status,
        );
      }
      return { created: response.status === 201, tindakLanjut: parsed.data };
    });
  }

  /**
   * Streams an attachment with the bearer token and aborts as soon as it passes
   * `maxBytes` (checked against Content-Length first, then while counting), so a huge
   * or endless file never sits in memory.
   */
  async downloadAttachment(url: string, options: { maxBytes: number }): Promise<CappedDownload> {
    const { maxBytes } = options;
    if (!Number.isInteger(maxBytes) || maxBytes <= 0)
      throw new RangeError("maxBytes must be a positive integer");
    const target = new URL(url, `${this.baseUrl}/`);
    if (!this.allowedOrigins.has(target.origin)) {
      throw new LaporProtocolError(
        `attachment URL origin ${target.origin} is not the LAPOR! origin; refusing to send the token`,
        [{ path: "url", message: "foreign origin" }],
        null,
        null,
      );
    }
    return this.retrying("downloadAttachment", () =>
      downloadCapped((config) => this.send(config), target.toString(), maxBytes, {
        tooLarge: () => new LaporAttachmentTooLargeError(maxBytes),
        toError: toNetworkError,
        rejectStatus: (response, head) => {
          this.throwForStatus({ ...response, data: head }, "attachment");
          throw new LaporHttpError(response.status, snippet(head));
        },
      }),
    );
  }

  // -------------------------------------------------------------------------------------

  private retrying<T>(operation: LaporRetryEvent["operation"], fn: () => Promise<T>): Promise<T> {
    const hooks = { classify: classifyLaporError, onRetry: this.onRetry, sleep: this.sleep };
    return retryOperation(operation, this.retryPolicy, hooks, fn);
  }

  private async send(
    config: Parameters<AxiosInstance["request"]>[0],
  ): Promise<AxiosResponse<unknown>> {
    try {
      // Decoded chunk by chunk: axios' "text" mode first copies the whole body into one
      // more Buffer (Buffer.concat) per page, off-heap garbage that V8 only reclaims at a
      // full GC — a third of the sync's peak RSS was such buffers.
      const response = await this.http.request<Readable>({
        transformResponse: [(d: unknown) => d],
        ...config,
        responseType: "stream",
      });
      // Attachment downloads read (and cap) the stream themselves.
      if (config?.responseType === "stream") return response;
      return { ...response, data: await readText(response.data, this.timeoutMs) };
    } catch (error) {
      throw toNetworkError(error);
    }
  }

  private throwForStatus(response: AxiosResponse<unknown>, resource: string): void {
    const { status } = response;
    if (status >= 200 && status < 300) return;
    if (status === 401) throw new LaporAuthError();
    if (status === 429)
      throw new LaporRateLimitError(parseRetryAfterMs(response.headers["retry-after"]));
    if (TRANSIENT_STATUSES.has(status)) throw new LaporTransientError(`HTTP ${status}`, status);
    if (status === 404) throw new LaporNotFoundError(resource);
    if (status === 422) throw new LaporValidationError(parseBodyLoosely(responseText(response)));
    if (status === 409) throw new LaporConflictError(parseBodyLoosely(responseText(response)));
    throw new LaporHttpError(status, parseBodyLoosely(responseText(response)));
  }

  private parseJson(response: AxiosResponse<unknown>): unknown {
    const text = responseText(response);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new LaporProtocolError("response is not JSON", [], snippet(text), response.status);
    }
  }
}

function toNetworkError(error: unknown): Error {
  const reason = transientNetworkReason(error);
  if (reason !== null) return new LaporTransientError(reason, null, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The body as UTF-8 text; a body cut short (reset) is a network error. axios' timeout stops
 * at the headers in stream mode, so a body idle for `idleMs` is a timeout here, as it was.
 */
function readText(stream: Readable, idleMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder("utf8");
    let text = "";
    let done = false;
    const fail = (error: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(error);
    };
    const idle = () => {
      fail(new LaporTransientError("ETIMEDOUT", null));
      stream.destroy();
    };
    const timer = setTimeout(idle, idleMs);
    stream.on("data", (chunk: Buffer | string) => {
      text += typeof chunk === "string" ? chunk : decoder.write(chunk);
      timer.refresh();
    });
    stream.once("end", () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(text + decoder.end());
    });
    stream.once("error", (error: unknown) => fail(toNetworkError(error)));
    stream.once("close", () => fail(new LaporTransientError("ECONNRESET", null)));
  });
}
