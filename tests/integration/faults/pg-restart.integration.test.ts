// PostgreSQL "restarts" in the middle of a LAPOR! sync run by a real `serve --role worker`
// process: the worker talks to the database through a loopback TCP proxy that the test
// cuts for about a second (the machine's real PostgreSQL is shared with other runs and is
// never touched). The test observes the database directly, around the proxy.
import { afterAll, beforeAll, expect, it } from "vitest";
import { testDatabaseUrl } from "../../helpers/test-db.js";
import { startTcpProxy } from "../../helpers/tcp-proxy.js";
import { killAllServe, spawnServe, type ServeProcess } from "../../helpers/processes.js";
import type { Db } from "../../../src/db/database.js";
import {
  laporCaseCounts,
  observer,
  reportsCoveredBy,
  scalar,
  sleep,
  startCountingSandbox,
  truncateAll,
  waitFor,
  type CountingSandbox,
} from "./fault-kit.js";

const COUNT = 200;

/** The process must still be running; if not, say how it died (its last output). */
function expectAlive(p: ServeProcess): void {
  const gone = p.child.exitCode ?? p.child.signalCode;
  expect(
    gone,
    `${p.name} died (${String(gone)}) when PostgreSQL went away:\n${p.output().slice(-1200)}`,
  ).toBeNull();
}
let sb: CountingSandbox;
let db: Db;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;

beforeAll(async () => {
  db = await observer();
  await truncateAll(db);
  sb = await startCountingSandbox({ count: COUNT, seed: 21 });
  const target = new URL(testDatabaseUrl());
  proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
});

afterAll(async () => {
  await killAllServe();
  await proxy?.close();
  await sb?.close();
  await db?.close();
});

it("a worker cut off from PostgreSQL mid-sync stays up, keeps only whole pages, and its next run completes exactly once", async () => {
  const viaProxy = new URL(testDatabaseUrl());
  viaProxy.port = String(proxy.port);
  // 10 pages of 20 at ~300 ms each: a run takes about three seconds.
  sb.faults({ slowMs: 300 });
  const worker = spawnServe(
    "worker",
    {
      DATABASE_URL: viaProxy.href,
      LAPOR_BASE_URL: sb.url,
      LAPOR_TOKEN: sb.token,
      LAPOR_PAGE_SIZE: "20",
      LAPOR_ATTACHMENTS: "false",
      LAPOR_SYNC_CRON: "* * * * * *",
      OUTBOX_FLUSH_CRON: "0 0 1 1 *",
    },
    "faults-pg-restart-worker",
  );
  const url = await worker.url;
  expect((await fetch(`${url}/api/v1/health`)).status).toBe(200);
  await waitFor("a few stored pages", async () => (await laporCaseCounts(db)).total >= 60, 25_000);

  proxy.cut();
  // Nothing of the worker reaches PostgreSQL now: what is stored is final for this run.
  await sleep(300);
  expectAlive(worker);
  const down = await fetch(`${url}/api/v1/health`);
  expect(down.status).toBe(503);
  expect(((await down.json()) as { database: { reachable: boolean } }).database.reachable).toBe(
    false,
  );
  const afterCut = await laporCaseCounts(db);
  const state = await db.sql.query<{ cursor: unknown }>(
    `SELECT cursor FROM "SyncState" WHERE stream = 'lapor'`,
  );
  expect(afterCut.total).toBeGreaterThan(0);
  expect(afterCut.total).toBeLessThan(COUNT);
  expect(afterCut.distinct).toBe(afterCut.total);
  // Whole pages only: the cursor covers exactly the committed cases, not one more.
  expect(reportsCoveredBy(sb, state[0]?.cursor)).toBe(afterCut.total);
  await sleep(700);
  proxy.restore();

  // The same process serves again once the database is back…
  await waitFor(
    "worker health 200 again",
    async () =>
      worker.child.exitCode === null && (await fetch(`${url}/api/v1/health`)).status === 200,
    10_000,
    200,
  ).catch((e: Error) => {
    throw new Error(
      `${e.message}; worker exit=${String(worker.child.exitCode ?? worker.child.signalCode)}; ` +
        `last output: ${worker.output().slice(-1500)}`,
    );
  });
  // …and its next scheduled run finishes the feed.
  sb.faults({});
  await waitFor(
    "a succeeded run after the restore",
    async () =>
      (await scalar(
        db,
        `SELECT count(*)::text AS n FROM "SyncRun" WHERE stream = 'lapor' AND status = 'succeeded'`,
      )) > 0,
    20_000,
    200,
  );
  expectAlive(worker);
  expect(await laporCaseCounts(db)).toEqual({ total: COUNT, distinct: COUNT });
  expect(
    await scalar(db, `SELECT count(*)::text AS n FROM "RawMessage" WHERE channel = 'lapor'`),
  ).toBe(COUNT);

  // The operator sees the interrupted run as failed with a reason; none is left "running".
  const runs = await db.sql.query<{ status: string; error: string | null }>(
    `SELECT status, error FROM "SyncRun" WHERE stream = 'lapor' ORDER BY "startedAt"`,
  );
  expect(runs[0]?.status).toBe("failed");
  expect(runs[0]?.error).toBeTruthy();
  expect(runs.filter((r) => r.status === "running")).toEqual([]);
  expect(runs.at(-1)).toEqual({ status: "succeeded", error: null });
}, 60_000);
