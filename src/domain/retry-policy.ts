import pRetry, { AbortError } from "p-retry";

/**
 * Retry policy as data, so each adapter declares it next to its config and the sync
 * runner can log/inspect it. Delays are computed here (not by p-retry) so that
 * `Retry-After` and jitter combine in one place and tests can inject `sleep`.
 */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 = one attempt only. */
  readonly retries: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
  readonly factor: number;
  /** Multiply each backoff by a random factor in [1, 2) so parallel workers spread out. */
  readonly jitter: boolean;
  /**
   * An upstream asking us to wait longer than this is treated as final: the run fails
   * and is retried by the next scheduled sync instead of holding a worker for an hour.
   */
  readonly maxRetryAfterMs?: number;
}

export type RetryClass = "retry" | "stop";

export type RetryDecision =
  /** Will wait `delayMs` and try again. */
  | "retry"
  /** Classified as final (e.g. 401, 4xx other than 408/429): no further attempts. */
  | "stop"
  /** Retryable, but the budget is spent (or Retry-After exceeds the cap). */
  | "give_up";

export interface AttemptInfo {
  /** 1-based number of the attempt that just failed. */
  readonly attempt: number;
  /** Total attempts the policy allows (retries + 1). */
  readonly maxAttempts: number;
  readonly decision: RetryDecision;
  /** Wait before the next attempt (0 unless decision is "retry"). */
  readonly delayMs: number;
  /** Set when the error carried a server-requested wait. */
  readonly retryAfterMs: number | null;
  /** Stable code of the error when it has one (never the message: it may carry data). */
  readonly errorCode: string | null;
  readonly error: unknown;
}

export interface WithRetryOptions {
  classify(error: unknown): RetryClass;
  onAttempt?(info: AttemptInfo): void;
  /** Injectable for tests; defaults to a real timer honouring `signal`. */
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
  /** Injectable for deterministic jitter in tests; must return [0, 1). */
  random?(): number;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Reasonable default for HTTP upstreams polled every few minutes. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  retries: 5,
  minTimeoutMs: 500,
  maxTimeoutMs: 30_000,
  factor: 2,
  jitter: true,
  maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS,
});

/** 408 and 429 are the only 4xx that may succeed on a later try; 5xx are transient. */
export function classifyHttpStatus(status: number): RetryClass {
  if (status === 408 || status === 429) return "retry";
  if (status >= 500) return "retry";
  return "stop";
}

/** Backoff for the n-th retry (1-based), before Retry-After is applied. */
export function backoffDelayMs(
  policy: RetryPolicy,
  retryNumber: number,
  random: () => number = Math.random,
): number {
  const base = policy.minTimeoutMs * policy.factor ** Math.max(0, retryNumber - 1);
  const jittered = policy.jitter ? base * (1 + random()) : base;
  return Math.round(Math.min(jittered, policy.maxTimeoutMs));
}

function readRetryAfterMs(error: unknown): number | null {
  if (typeof error !== "object" || error === null || !("retryAfterMs" in error)) return null;
  const value = (error as { retryAfterMs: unknown }).retryAfterMs;
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : null;
}

function readErrorCode(error: unknown): string | null {
  if (typeof error !== "object" || error === null || !("code" in error)) return null;
  const value = (error as { code: unknown }).code;
  return typeof value === "string" ? value : null;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Carries a retryable failure through p-retry. p-retry refuses to retry plain
 * TypeErrors and would normalise non-Error throws; wrapping keeps the classification
 * ours and lets us rethrow the caller's original error untouched.
 */
class RetryableFailure extends Error {
  constructor(readonly original: unknown) {
    super("retryable failure");
    this.name = "RetryableFailure";
  }
}

function validatePolicy(policy: RetryPolicy): void {
  const numbers: Array<[string, number]> = [
    ["retries", policy.retries],
    ["minTimeoutMs", policy.minTimeoutMs],
    ["maxTimeoutMs", policy.maxTimeoutMs],
    ["factor", policy.factor],
  ];
  for (const [name, value] of numbers) {
    if (!Number.isFinite(value) || value < 0) {
      throw new TypeError(
        `retry policy: ${name} must be a finite number >= 0, got ${String(value)}`,
      );
    }
  }
  if (!Number.isInteger(policy.retries))
    throw new TypeError("retry policy: retries must be an integer");
}

/**
 * Runs `fn` under `policy`. Errors classified "stop" end at once; retryable ones wait
 * max(backoff, Retry-After) and try again until the budget is spent. Whatever happens,
 * the caller receives the original error of the last attempt, and every decision goes
 * through `onAttempt` with attempt/max so the sync log can show it.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: WithRetryOptions,
): Promise<T> {
  validatePolicy(policy);
  const maxAttempts = policy.retries + 1;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const maxRetryAfterMs = policy.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;

  const report = (
    attempt: number,
    decision: RetryDecision,
    delayMs: number,
    error: unknown,
  ): void => {
    options.onAttempt?.({
      attempt,
      maxAttempts,
      decision,
      delayMs,
      retryAfterMs: readRetryAfterMs(error),
      errorCode: readErrorCode(error),
      error,
    });
  };

  try {
    return await pRetry(
      async (attempt: number) => {
        try {
          return await fn(attempt);
        } catch (error) {
          if (options.classify(error) === "stop") {
            report(attempt, "stop", 0, error);
            throw new AbortError(new RetryableFailure(error));
          }
          const retryAfterMs = readRetryAfterMs(error);
          if (retryAfterMs !== null && retryAfterMs > maxRetryAfterMs) {
            report(attempt, "give_up", 0, error);
            throw new AbortError(new RetryableFailure(error));
          }
          throw new RetryableFailure(error);
        }
      },
      {
        retries: policy.retries,
        // Waiting happens in onFailedAttempt so Retry-After and jitter are applied once.
        minTimeout: 0,
        maxTimeout: 0,
        randomize: false,
        ...(options.signal ? { signal: options.signal } : {}),
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          const original = error instanceof RetryableFailure ? error.original : error;
          if (retriesLeft <= 0) {
            report(attemptNumber, "give_up", 0, original);
            return;
          }
          const retryAfterMs = readRetryAfterMs(original) ?? 0;
          const delayMs = Math.max(backoffDelayMs(policy, attemptNumber, random), retryAfterMs);
          report(attemptNumber, "retry", delayMs, original);
          if (delayMs > 0) await sleep(delayMs, options.signal);
        },
      },
    );
  } catch (error) {
    throw error instanceof RetryableFailure ? error.original : error;
  }
}
