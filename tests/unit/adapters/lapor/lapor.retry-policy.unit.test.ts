import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  classifyHttpStatus,
  withRetry,
  type AttemptInfo,
  type RetryPolicy,
} from "../../../../src/sync/retry-policy.js";

const policy: RetryPolicy = {
  retries: 3,
  minTimeoutMs: 100,
  maxTimeoutMs: 250,
  factor: 2,
  jitter: false,
};

class Http extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs?: number,
    readonly code = `HTTP_${status}`,
  ) {
    super(`HTTP ${status}`);
  }
}
const classify = (e: unknown) => (e instanceof Http ? classifyHttpStatus(e.status) : "retry");

function harness() {
  const sleeps: number[] = [];
  const attempts: AttemptInfo[] = [];
  return {
    sleeps,
    attempts,
    options: {
      classify,
      onAttempt: (info: AttemptInfo) => attempts.push(info),
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
    },
  };
}

describe("withRetry", () => {
  it("retries with exponential backoff capped at maxTimeout, then returns the value", async () => {
    const h = harness();
    let calls = 0;
    const value = await withRetry(
      async (attempt) => {
        calls++;
        if (attempt < 4) throw new Http(503);
        return "ok";
      },
      policy,
      h.options,
    );
    expect(value).toBe("ok");
    expect(calls).toBe(4);
    expect(h.sleeps).toEqual([100, 200, 250]);
    expect(h.attempts.map((a) => `${a.attempt}/${a.maxAttempts} ${a.decision}`)).toEqual([
      "1/4 retry",
      "2/4 retry",
      "3/4 retry",
    ]);
  });

  it("stops at once on a 'stop' error and rethrows the original error", async () => {
    const h = harness();
    const boom = new Http(401);
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw boom;
        },
        policy,
        h.options,
      ),
    ).rejects.toBe(boom);
    expect(calls).toBe(1);
    expect(h.attempts).toMatchObject([
      { attempt: 1, maxAttempts: 4, decision: "stop", errorCode: "HTTP_401" },
    ]);
  });

  it("treats 408 and 429 as retryable and other 4xx as final", () => {
    expect([400, 401, 403, 404, 409, 422].map(classifyHttpStatus)).toEqual(Array(6).fill("stop"));
    expect([408, 429, 500, 502, 503, 504].map(classifyHttpStatus)).toEqual(Array(6).fill("retry"));
  });

  it("waits at least Retry-After even when the backoff is shorter", async () => {
    const h = harness();
    let calls = 0;
    await withRetry(
      async () => {
        if (calls++ === 0) throw new Http(429, 1500);
        return 1;
      },
      policy,
      h.options,
    );
    expect(h.sleeps).toEqual([1500]);
    expect(h.attempts[0]).toMatchObject({ decision: "retry", retryAfterMs: 1500, delayMs: 1500 });
  });

  it("gives up when Retry-After exceeds the policy's cap instead of holding the worker", async () => {
    const h = harness();
    const error = new Http(429, 3_600_000);
    await expect(
      withRetry(
        async () => {
          throw error;
        },
        { ...policy, maxRetryAfterMs: 60_000 },
        h.options,
      ),
    ).rejects.toBe(error);
    expect(h.sleeps).toEqual([]);
    expect(h.attempts.map((a) => a.decision)).toEqual(["give_up"]);
  });

  it("after the last attempt logs give_up and rethrows the last error", async () => {
    const h = harness();
    const errors: Http[] = [];
    const last = await withRetry(
      async () => {
        const e = new Http(500);
        errors.push(e);
        throw e;
      },
      { ...policy, retries: 2 },
      h.options,
    ).catch((e: unknown) => e);
    expect(last).toBe(errors[2]);
    expect(h.attempts.map((a) => a.decision)).toEqual(["retry", "retry", "give_up"]);
  });

  it("retries a TypeError when classified retryable (p-retry alone would not)", async () => {
    const h = harness();
    let calls = 0;
    const value = await withRetry(
      async () => {
        if (calls++ === 0) throw new TypeError("fetch failed");
        return "ok";
      },
      policy,
      h.options,
    );
    expect(value).toBe("ok");
  });

  it("jitter stays within [1, 2) × backoff and under maxTimeout", () => {
    const jittered: RetryPolicy = { ...policy, jitter: true, maxTimeoutMs: 10_000 };
    expect(backoffDelayMs(jittered, 1, () => 0)).toBe(100);
    expect(backoffDelayMs(jittered, 1, () => 0.999)).toBe(200);
    expect(backoffDelayMs(jittered, 2, () => 0.5)).toBe(300);
    expect(backoffDelayMs({ ...jittered, maxTimeoutMs: 150 }, 3, () => 0.5)).toBe(150);
  });

  it("minTimeoutMs 0 runs without waiting and rejects a nonsense policy", async () => {
    let calls = 0;
    await withRetry(
      async () => {
        if (calls++ < 2) throw new Http(503);
      },
      { retries: 2, minTimeoutMs: 0, maxTimeoutMs: 0, factor: 2, jitter: true },
      { classify },
    );
    expect(calls).toBe(3);
    await expect(
      withRetry(async () => 1, { ...policy, retries: -1 }, { classify }),
    ).rejects.toThrow(/retries/);
  });

  it("an abort signal ends the wait", async () => {
    const controller = new AbortController();
    const run = withRetry(
      async () => {
        throw new Http(503);
      },
      { ...policy, minTimeoutMs: 60_000, maxTimeoutMs: 60_000 },
      { classify, signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error("shutdown")), 10);
    await expect(run).rejects.toThrow("shutdown");
  });
});
