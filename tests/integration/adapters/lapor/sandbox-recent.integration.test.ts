// Sandbox realism (issue 17): with `relativeTo` (what npm start passes) the reports are from
// the last six weeks and a first sync looks like a live office, a few cases late; the fixed
// dates of the test sandbox (2025–2026) made every open case hundreds of days late.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLaporSandbox,
  type RunningSandbox,
} from "../../../../adapters/lapor/sandbox/lapor-sandbox.js";
import { createLaporSource } from "../../../../adapters/lapor/lapor.sync.js";
import { runSync } from "../../../../src/sync/sync-engine.js";
import { readMetricsSnapshot } from "../../../../src/repos/metrics.repo.js";
import { asSystem } from "../../../../src/db/scope.js";
import { resetDb, startTestHub, type TestHub } from "../../../helpers/test-hub.js";

const NOW = Date.parse("2026-12-03T10:00:00+08:00");
const COUNT = 500;

async function firstStart(relativeTo: number | undefined) {
  const sandbox = createLaporSandbox({
    count: COUNT,
    seed: 1,
    now: () => NOW,
    ...(relativeTo !== undefined ? { relativeTo } : {}),
  });
  const running: RunningSandbox = await sandbox.start(0, "127.0.0.1");
  const hub: TestHub = await startTestHub({
    name: "lapor-sandbox-recent",
    clock: () => new Date(NOW),
    env: { LAPOR_BASE_URL: running.url, LAPOR_TOKEN: sandbox.state.token, LAPOR_PAGE_SIZE: "100" },
  });
  try {
    await resetDb(hub);
    const summary = await runSync(hub.ctx, createLaporSource(hub.ctx));
    expect(summary.added).toBe(COUNT);
    const snap = await asSystem("test", () => readMetricsSnapshot(hub.ctx));
    const late = snap.slaBreaches.reduce((n, r) => n + r.open, 0);
    const span = await hub.ctx.db.sql.query<{ oldest: Date; newest: Date }>(
      `SELECT min("receivedAt") AS oldest, max("receivedAt") AS newest FROM "Case"`,
    );
    return { late, oldest: new Date(span[0]!.oldest), newest: new Date(span[0]!.newest) };
  } finally {
    await hub.close();
    await running.close();
  }
}

describe("LAPOR! sandbox dated relative to now", () => {
  let recent: Awaited<ReturnType<typeof firstStart>>;
  let fixed: Awaited<ReturnType<typeof firstStart>>;
  beforeAll(async () => {
    recent = await firstStart(NOW);
    fixed = await firstStart(undefined);
  });
  afterAll(() => undefined);

  it("dates every report within the last six weeks", () => {
    expect(recent.newest.getTime()).toBeLessThanOrEqual(NOW);
    expect(recent.oldest.getTime()).toBeGreaterThanOrEqual(NOW - 42 * 86_400_000);
    expect(NOW - recent.newest.getTime()).toBeLessThan(2 * 86_400_000);
  });

  it("shows a few late cases on a first start, where the fixed dates show hundreds", () => {
    expect(recent.late).toBeGreaterThan(0);
    expect(recent.late).toBeLessThanOrEqual(COUNT * 0.05);
    expect(fixed.late).toBeGreaterThan(100);
  });
});
