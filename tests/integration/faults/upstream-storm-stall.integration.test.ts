// LAPOR! misbehaving: a storm of 503s longer than the retry policy, and 30-second stalls
// against a low client timeout. The run must end (failed, with the reason in Bahasa
// Indonesia where the operator looks), the cursor must not move, and the scheduler must
// go on to the next run.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiClient, startTestHub, userWithToken, type TestHub } from "../../helpers/test-hub.js";
import { LAPOR_RETRY_POLICY, LaporClient } from "../../../adapters/lapor/lapor.client.js";
import { createLaporSource } from "../../../adapters/lapor/lapor.sync.js";
import { runSync } from "../../../src/sync/sync-engine.js";
import { startJobRunner } from "../../../src/jobs/runner.js";
import { laporSyncJob } from "../../../src/jobs/lapor-sync.job.js";
import type { Db } from "../../../src/db/database.js";
import {
  laporCaseCounts,
  observer,
  startCountingSandbox,
  truncateAll,
  waitFor,
  type CountingSandbox,
} from "./fault-kit.js";

const COUNT = 120;
const TIMEOUT_MS = 500;
let sb: CountingSandbox;
let db: Db;
let hub: TestHub;

beforeAll(async () => {
  db = await observer();
  await truncateAll(db);
  sb = await startCountingSandbox({ count: COUNT, seed: 23 });
  hub = await startTestHub({
    name: "faults-upstream",
    env: {
      LAPOR_BASE_URL: sb.url,
      LAPOR_TOKEN: sb.token,
      LAPOR_PAGE_SIZE: "50",
      LAPOR_ATTACHMENTS: "false",
      LAPOR_TIMEOUT_MS: String(TIMEOUT_MS),
      LAPOR_SYNC_CRON: "* * * * * *",
    },
  });
});

afterAll(async () => {
  await hub?.close();
  await sb?.close();
  await db?.close();
});

type Run = {
  id: string;
  status: string;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
};
const runs = () =>
  db.sql.query<Run>(
    `SELECT id, status, error, "startedAt", "finishedAt", "durationMs" FROM "SyncRun"
      WHERE stream = 'lapor' ORDER BY "startedAt"`,
  );
const stateRow = async () =>
  (
    await db.sql.query<{ cursor: unknown; lastError: string | null; healthy: boolean }>(
      `SELECT cursor, "lastError", healthy FROM "SyncState" WHERE stream = 'lapor'`,
    )
  )[0];

describe("upstream faults", () => {
  beforeEach(async () => {
    sb.faults({});
    await db.sql.exec(`TRUNCATE "Case", "RawMessage", "SyncRun", "SyncState" CASCADE`);
  });

  it("a 503 storm longer than the retry policy fails the run with the reason, the cursor stays, the hub keeps serving", async () => {
    // Half the feed stored, as after an earlier run.
    const part = await runSync(hub.ctx, createLaporSource(hub.ctx), { maxPages: 1 });
    expect(part.status).toBe("failed");
    const stored = (await laporCaseCounts(db)).total;
    expect(stored).toBe(50);
    const cursorBefore = (await stateRow())?.cursor;

    // The production policy (LAPOR_RETRY_POLICY), with its waits recorded instead of slept.
    const waits: number[] = [];
    const client = LaporClient.fromConfig(
      { baseUrl: sb.url, token: sb.token, timeoutMs: TIMEOUT_MS },
      {
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    sb.faults({ fail503Burst: 1000 });
    const r = await runSync(hub.ctx, createLaporSource(hub.ctx, { client }));
    const expected =
      "LAPOR! tidak dapat dihubungi (HTTP 503) setelah beberapa kali dicoba; dicoba lagi pada jadwal berikutnya";
    expect(r).toMatchObject({ status: "failed", error: expected, added: 0 });
    // Exactly the policy: 1 + retries attempts, exponential waits within the jitter band.
    expect(sb.sandbox.state.stats.status503).toBe(LAPOR_RETRY_POLICY.retries + 1);
    expect(waits).toHaveLength(LAPOR_RETRY_POLICY.retries);
    waits.forEach((w, i) => {
      const base = LAPOR_RETRY_POLICY.minTimeoutMs * LAPOR_RETRY_POLICY.factor ** i;
      expect(w).toBeGreaterThanOrEqual(base);
      expect(w).toBeLessThanOrEqual(Math.min(2 * base, LAPOR_RETRY_POLICY.maxTimeoutMs));
    });
    const last = (await runs()).at(-1);
    expect(last).toMatchObject({ status: "failed", error: expected });
    const s = await stateRow();
    expect(s?.cursor).toEqual(cursorBefore);
    expect(s?.lastError).toBe(expected);
    expect((await laporCaseCounts(db)).total).toBe(stored);

    // The operator's view, over HTTP, from the same process.
    const api = apiClient(
      hub,
      (await userWithToken(hub, `koord-storm-${Date.now()}`, "koordinator")).token,
    );
    expect((await api.get("/api/v1/health")).status).toBe(200);
    const health = await api.get<{
      data: { stream: string; lastError: string | null; lastRun: { status: string } | null }[];
    }>("/api/v1/channels/health");
    expect(health.status).toBe(200);
    expect(health.body.data.find((c) => c.stream === "lapor")).toMatchObject({
      lastError: expected,
      lastRun: { status: "failed" },
    });

    // The storm passes: the next run resumes at the cursor and completes exactly once.
    sb.faults({});
    const again = await runSync(hub.ctx, createLaporSource(hub.ctx, { client }));
    expect(again).toMatchObject({ status: "succeeded", added: COUNT - stored });
    expect(await laporCaseCounts(db)).toEqual({ total: COUNT, distinct: COUNT });
    expect((await stateRow())?.lastError).toBeNull();
  });

  it("a 30-second stall ends in a timeout error within the client timeout and retry budget, and the scheduler's next run starts", async () => {
    sb.faults({ slowMs: 30_000 });
    // The real job, on its cron (every second), with LAPOR_TIMEOUT_MS = 500.
    const runner = await startJobRunner(hub.ctx, [laporSyncJob]);
    try {
      // 6 attempts × 0.5 s + backoff 0.5…31 s (LAPOR_RETRY_POLICY): well under 45 s.
      const failed = await waitFor(
        "the stalled run to end",
        async () => (await runs()).find((r) => r.status === "failed"),
        45_000,
        200,
      );
      expect(failed.error).toBe(
        "LAPOR! tidak dapat dihubungi (ETIMEDOUT) setelah beberapa kali dicoba; dicoba lagi pada jadwal berikutnya",
      );
      expect(failed.durationMs).toBeGreaterThanOrEqual(
        (LAPOR_RETRY_POLICY.retries + 1) * TIMEOUT_MS,
      );
      expect((await stateRow())?.cursor).toMatchObject({ cursor: null });
      expect((await laporCaseCounts(db)).total).toBe(0);
      // No hung job: the next run starts on the next tick and, upstream healthy, completes.
      await waitFor("a second run", async () => (await runs()).length >= 2, 5_000, 100);
      sb.faults({});
      const ok = await waitFor(
        "a succeeded run",
        async () => (await runs()).find((r) => r.status === "succeeded"),
        20_000,
        200,
      );
      expect(ok.startedAt.getTime()).toBeGreaterThanOrEqual(failed.finishedAt!.getTime());
      expect(await laporCaseCounts(db)).toEqual({ total: COUNT, distinct: COUNT });
    } finally {
      sb.faults({});
      await runner.stop();
    }
    expect((await runs()).filter((r) => r.status === "running")).toEqual([]);
  }, 60_000);
});
