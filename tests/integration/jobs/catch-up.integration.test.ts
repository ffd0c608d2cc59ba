// Jobs with memory (issue 17): a period that passed while no hub process ran is caught up
// at the next start, once. The clock is the hub's (ctx.clock), moved by the test; each
// "start" is a job runner started and stopped on the same database, as `serve` does.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startJobRunner } from "../../../src/jobs/runner.js";
import { recapMonthlyJob } from "../../../src/jobs/recap-monthly.job.js";
import { retentionJob } from "../../../src/jobs/retention.job.js";
import { auditSealJob } from "../../../src/jobs/audit-seal.job.js";
import type { JobDefinition } from "../../../src/jobs/job.js";
import { REKAP_OUTBOX_KIND } from "../../../src/domain/rekap.js";
import { resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";

const TARGETS = [
  {
    name: "provinsi",
    baseUrl: "http://127.0.0.1:9/rekap",
    key: "kunci-rekap-1",
    instansiKode: "6309-DINSOS",
  },
  {
    name: "nasional",
    baseUrl: "http://127.0.0.1:9/rekap",
    key: "kunci-rekap-2",
    instansiKode: "6309-DINSOS",
  },
];

let now = new Date("2026-11-20T10:00:00+08:00");
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({
    name: "jobs-catch-up",
    clock: () => now,
    env: { REKAP_TARGETS: JSON.stringify(TARGETS), REKAP_CRON: "0 2 1 * *" },
  });
});
afterAll(async () => hub?.close());
beforeEach(async () => {
  await resetDb(hub);
  await hub.ctx.db.sql.exec(`TRUNCATE "JobState"`);
});

/** One hub start: the runner catches up, then the process stops. */
async function startAndStop(jobs: JobDefinition<never>[]): Promise<void> {
  const runner = await startJobRunner(hub.ctx, jobs);
  await runner.caughtUp;
  await runner.stop();
}

async function recapRows(): Promise<{ periode: string; target: string }[]> {
  return hub.ctx.db.sql.query(
    `SELECT payload->>'periode' AS periode, target FROM "Outbox" WHERE kind = $1 ORDER BY seq`,
    [REKAP_OUTBOX_KIND],
  );
}

const recap = recapMonthlyJob as unknown as JobDefinition<never>;

describe("recap.monthly catches up after downtime", () => {
  it("hub down across the 1st, started on the 3rd: last month's recap is queued once", async () => {
    now = new Date("2026-11-20T10:00:00+08:00");
    await startAndStop([recap]); // running in November: October's recap is on record
    expect((await recapRows()).map((r) => r.periode)).toEqual(["2026-10", "2026-10"]);

    // Off from the 30th to the 3rd: the 1st 02:00 WITA fire never happened.
    now = new Date("2026-12-03T08:15:00+08:00");
    await startAndStop([recap]);
    const rows = await recapRows();
    expect(rows.filter((r) => r.periode === "2026-11")).toHaveLength(TARGETS.length);
    expect(
      rows
        .filter((r) => r.periode === "2026-11")
        .map((r) => r.target)
        .sort(),
    ).toEqual(["nasional", "provinsi"]);

    // A second start (and a third, later the same month) queues nothing more.
    await startAndStop([recap]);
    now = new Date("2026-12-28T23:59:00+08:00");
    await startAndStop([recap]);
    expect(await recapRows()).toHaveLength(rows.length);
    const state = await hub.ctx.db.sql.query<{ lastPeriod: string }>(
      `SELECT "lastPeriod" FROM "JobState" WHERE job = 'recap.monthly'`,
    );
    expect(state[0]?.lastPeriod).toBe("2026-11");
  });

  it("every month not yet pushed runs once, in order", async () => {
    await hub.ctx.db.sql.query(
      `INSERT INTO "JobState" (job, "lastPeriod", "completedAt") VALUES ('recap.monthly', '2026-08', now())`,
    );
    now = new Date("2026-12-01T01:59:00+08:00"); // a minute before December's fire
    await startAndStop([recap]);
    const first = (await recapRows()).map((r) => r.periode);
    expect(first).toEqual(["2026-09", "2026-09", "2026-10", "2026-10"]);
    now = new Date("2026-12-01T02:00:00+08:00");
    await startAndStop([recap]);
    expect((await recapRows()).map((r) => r.periode)).toEqual([...first, "2026-11", "2026-11"]);
  });

  it("a first start on an empty database pushes only the latest due month", async () => {
    now = new Date("2026-12-03T08:15:00+08:00");
    await startAndStop([recap]);
    expect([...new Set((await recapRows()).map((r) => r.periode))]).toEqual(["2026-11"]);
  });
});

describe("the sweep of a running hub", () => {
  it("runs a period whose run failed once the cause is gone, without a restart", async () => {
    now = new Date("2026-11-20T10:00:00+08:00");
    const runner = await startJobRunner(hub.ctx, [recap]);
    try {
      await runner.caughtUp; // October on record
      // 1 December 02:00: the outbox table is unreachable, the run fails and records nothing.
      now = new Date("2026-12-01T02:00:00+08:00");
      await hub.ctx.db.sql.exec(`ALTER TABLE "Outbox" RENAME TO "OutboxAway"`);
      try {
        await runner.catchUp();
      } finally {
        await hub.ctx.db.sql.exec(`ALTER TABLE "OutboxAway" RENAME TO "Outbox"`);
      }
      expect((await recapRows()).map((r) => r.periode)).toEqual(["2026-10", "2026-10"]);
      // The next sweep, minutes later: November goes out, once.
      now = new Date("2026-12-01T02:10:00+08:00");
      await runner.catchUp();
      await runner.catchUp();
      expect((await recapRows()).map((r) => r.periode)).toEqual([
        "2026-10",
        "2026-10",
        "2026-11",
        "2026-11",
      ]);
    } finally {
      await runner.stop();
    }
  });
});

describe("a forced run", () => {
  it("runs now but never moves the period on record", async () => {
    now = new Date("2026-11-20T10:00:00+08:00");
    const runner = await startJobRunner(hub.ctx, [recap]);
    try {
      await runner.caughtUp;
      now = new Date("2026-11-25T10:00:00+08:00");
      expect(await runner.runNow("recap.monthly")).toBe("ran");
      const state = await hub.ctx.db.sql.query<{ lastPeriod: string; completedAt: Date }>(
        `SELECT "lastPeriod", "completedAt" FROM "JobState" WHERE job = 'recap.monthly'`,
      );
      expect(state[0]?.lastPeriod).toBe("2026-10");
      expect(new Date(state[0]!.completedAt).toISOString()).toBe(now.toISOString());
      // December's fire still owes November.
      now = new Date("2026-12-01T02:00:00+08:00");
      await runner.catchUp();
      expect((await recapRows()).filter((r) => r.periode === "2026-11")).toHaveLength(2);
    } finally {
      await runner.stop();
    }
  });
});

describe("retention and the audit seal catch up once", () => {
  it("runs each missed job once at start and records the period", async () => {
    await hub.ctx.db.sql.query(
      `INSERT INTO "JobState" (job, "lastPeriod", "completedAt") VALUES
         ('pdp.retention', '2026-11-27', now()), ('audit.seal', '2026-11-27T23:59', now())`,
    );
    now = new Date("2026-12-03T08:15:00+08:00");
    await startAndStop([retentionJob, auditSealJob]);
    const state = await hub.ctx.db.sql.query<{ job: string; lastPeriod: string }>(
      `SELECT job, "lastPeriod" FROM "JobState" ORDER BY job`,
    );
    // Retention fires at 01:30 WITA: today's run is the one due; the seal's last minute.
    expect(state).toEqual([
      { job: "audit.seal", lastPeriod: "2026-12-03T00:15" },
      { job: "pdp.retention", lastPeriod: "2026-12-03" },
    ]);
    const finished = hub.logs
      .text()
      .split("\n")
      .filter((l) => l.includes('"job finished"') && l.includes('"job":"pdp.retention"'));
    expect(finished).toHaveLength(1);
    await startAndStop([retentionJob, auditSealJob]);
    const again = hub.logs
      .text()
      .split("\n")
      .filter((l) => l.includes('"job finished"') && l.includes('"job":"pdp.retention"'));
    expect(again).toHaveLength(1);
  });
});
