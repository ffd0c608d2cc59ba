// The Graph API error tree, shared by the WhatsApp Cloud API client and the
// Messenger/Instagram client: both speak the same error envelope
// `{ error: { message, type, code, error_subcode, fbtrace_id } }` and fail in the same
// ways. Each client gets its own family of classes (own names, codes and messages, own
// `instanceof` base) from `graphErrorFamily`; what a failure means is decided once, in
// `classifyGraphFailure`.
import { z } from "zod";
import { transientNetworkReason } from "./http.js";

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

const NO_GRAPH_INFO: GraphErrorInfo = { code: null, subcode: null, type: null, fbtraceId: null };

export function parseGraphError(text: string): GraphErrorInfo {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    return { ...NO_GRAPH_INFO };
  }
  const parsed = GraphErrorEnvelope.safeParse(json);
  if (!parsed.success) return { ...NO_GRAPH_INFO };
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

/** One place decides what a Graph failure means; each client maps the kind to its classes. */
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

/** Graph code, subcode and fbtrace_id for Meta support; never the Graph message. */
export function graphSuffix(graph: GraphErrorInfo | null): string {
  if (!graph || graph.code === null) return "";
  const sub = graph.subcode !== null ? `/${graph.subcode}` : "";
  const trace = graph.fbtraceId !== null ? `, fbtrace_id ${graph.fbtraceId}` : "";
  return ` (Graph code ${graph.code}${sub}${trace})`;
}

/** A failure of a Graph API call, with a stable code for the Outbox and alerting. */
export abstract class GraphApiError extends Error {
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

/** How one Graph product names itself in class names, error codes and messages. */
export interface GraphChannel {
  /** Class names: `${className}AuthError`, … */
  readonly className: string;
  /** Error codes: `${codePrefix}_AUTH`, … */
  readonly codePrefix: string;
  /** The product in messages ("WhatsApp", "Meta"). */
  readonly service: string;
  /** "… rejected the … token": the auth message up to the Graph suffix. */
  readonly authRejected: string;
  readonly tokenVariable: string;
  /** The window-closed message up to the Graph suffix. */
  readonly windowClosed: string;
  readonly windowClosedCodes: ReadonlySet<string>;
  readonly textTooLong: (length: number, max: number) => string;
  /** A download over its cap: class/code part (e.g. "MediaTooLarge"/"MEDIA_TOO_LARGE"). */
  readonly tooLarge: {
    readonly className: string;
    readonly code: string;
    readonly message: (maxBytes: number) => string;
  };
}

function named<T extends abstract new (...args: never[]) => unknown>(cls: T, name: string): T {
  Object.defineProperty(cls, "name", { value: name });
  return cls;
}

/** The error classes of one Graph product; see the file comment. */
export function graphErrorFamily(channel: GraphChannel) {
  const p = channel.codePrefix;
  const n = channel.className;

  abstract class ChannelError extends GraphApiError {}

  class AuthError extends ChannelError {
    readonly code = `${p}_AUTH`;
    readonly retryable = false;
    readonly marksStreamUnhealthy = true;
    constructor(status: number, graph: GraphErrorInfo | null) {
      super(
        `${channel.authRejected}${graphSuffix(graph)}: renew ${channel.tokenVariable}`,
        status,
        graph,
      );
    }
  }

  class RateLimitError extends ChannelError {
    readonly code = `${p}_RATE_LIMIT`;
    readonly retryable = true;
    constructor(
      status: number,
      graph: GraphErrorInfo | null,
      readonly retryAfterMs: number | null,
    ) {
      super(`${channel.service} rate limit (HTTP ${status})${graphSuffix(graph)}`, status, graph);
    }
  }

  class TransientError extends ChannelError {
    readonly code = `${p}_TRANSIENT`;
    readonly retryable = true;
    constructor(
      readonly reason: string,
      status: number | null,
      graph: GraphErrorInfo | null,
      options?: { cause?: unknown },
    ) {
      super(
        `${channel.service} transient failure: ${reason}${graphSuffix(graph)}`,
        status,
        graph,
        options,
      );
    }
  }

  class WindowClosedError extends ChannelError {
    readonly code = `${p}_WINDOW_CLOSED`;
    readonly retryable = false;
    constructor(status: number, graph: GraphErrorInfo | null) {
      super(`${channel.windowClosed}${graphSuffix(graph)}`, status, graph);
    }
  }

  /** Any other 4xx: final (bad recipient, template not approved, parameter mismatch, …). */
  class PermanentError extends ChannelError {
    readonly code = `${p}_PERMANENT`;
    readonly retryable = false;
    constructor(status: number, graph: GraphErrorInfo | null) {
      super(
        `${channel.service} refused the request (HTTP ${status})${graphSuffix(graph)}`,
        status,
        graph,
      );
    }
  }

  class ProtocolError extends ChannelError {
    readonly code = `${p}_PROTOCOL`;
    readonly retryable = false;
    constructor(message: string, status: number | null) {
      super(`${channel.service} protocol error: ${message}`, status, null);
    }
  }

  class TextTooLongError extends ChannelError {
    readonly code = `${p}_TEXT_TOO_LONG`;
    readonly retryable = false;
    constructor(
      readonly length: number,
      readonly max: number,
    ) {
      super(channel.textTooLong(length, max), null, null);
    }
  }

  class TooLargeError extends ChannelError {
    readonly code = `${p}_${channel.tooLarge.code}`;
    readonly retryable = false;
    constructor(readonly maxBytes: number) {
      super(channel.tooLarge.message(maxBytes), null, null);
    }
  }

  class ConfigError extends Error {
    readonly code = `${p}_CONFIG_INVALID`;
    constructor(message: string) {
      super(message);
      this.name = `${n}ConfigError`;
    }
  }

  const rules: GraphClassifyRules = { windowClosed: channel.windowClosedCodes };

  return {
    Error: named(ChannelError, `${n}Error`),
    AuthError: named(AuthError, `${n}AuthError`),
    RateLimitError: named(RateLimitError, `${n}RateLimitError`),
    TransientError: named(TransientError, `${n}TransientError`),
    WindowClosedError: named(WindowClosedError, `${n}WindowClosedError`),
    PermanentError: named(PermanentError, `${n}PermanentError`),
    ProtocolError: named(ProtocolError, `${n}ProtocolError`),
    TextTooLongError: named(TextTooLongError, `${n}TextTooLongError`),
    TooLargeError: named(TooLargeError, `${n}${channel.tooLarge.className}Error`),
    ConfigError: named(ConfigError, `${n}ConfigError`),
    /** The typed error for a non-2xx Graph answer (`text` is its body). */
    forStatus(status: number, text: string, retryAfterMs: number | null): ChannelError {
      const graph = parseGraphError(text);
      switch (classifyGraphFailure(status, graph, rules)) {
        case "auth":
          return new AuthError(status, graph);
        case "rate_limit":
          return new RateLimitError(status, graph, retryAfterMs);
        case "transient":
          return new TransientError(`HTTP ${status}`, status, graph);
        case "window_closed":
          return new WindowClosedError(status, graph);
        case "permanent":
          return new PermanentError(status, graph);
      }
    },
    /** A failed request (no answer): socket failures worth a retry become TransientError. */
    fromRequestFailure(error: unknown): Error {
      if (error instanceof ChannelError) return error;
      const reason = transientNetworkReason(error);
      if (reason !== null) return new TransientError(reason, null, null, { cause: error });
      return error instanceof Error ? error : new Error(String(error));
    },
    /** Retry classification for withRetry: only this family's retryable errors. */
    classify(error: unknown): "retry" | "stop" {
      return error instanceof ChannelError && error.retryable ? "retry" : "stop";
    },
  };
}

export type GraphErrorFamily = ReturnType<typeof graphErrorFamily>;
