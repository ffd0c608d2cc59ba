// The "Done when": two `serve --role worker` processes and one `serve --role api`
// process on one database run the LAPOR! sandbox end to end (300 reports) while staff
// reply on LAPOR! cases through the api process; the worker holding the sync is SIGKILLed
// half-way. Every report becomes exactly one case and every outbox entry is sent once.
import { afterAll, beforeAll, expect, it } from "vitest";
import { testDatabaseUrl } from "../../helpers/test-db.js";
import { killAllServe, killHard, spawnServe, type ServeProcess } from "../../helpers/processes.js";
import { PASSWORD, TEST_KEYS } from "../../helpers/test-hub.js";
import { parseConfig } from "../../../src/config/config.js";
import { buildContext } from "../../../src/hub.js";
import { createLogger } from "../../../src/logger.js";
import { addUser } from "../../../src/services/auth.service.js";
import type { HubContext } from "../../../src/context.js";
import type { Db } from "../../../src/db/database.js";
import {
  ISI,
  laporCaseCounts,
  observer,
  scalar,
  startCountingSandbox,
  tindakLanjutSuffix,
  truncateAll,
  waitFor,
  type CountingSandbox,
} from "./fault-kit.js";

const COUNT = 300;
let sb: CountingSandbox;
let db: Db;
let ctx: HubContext;

beforeAll(async () => {
  db = await observer();
  await truncateAll(db);
  sb = await startCountingSandbox({ count: COUNT, seed: 25 });
  ctx = await buildContext(parseConfig({ ...TEST_KEYS, DATABASE_URL: testDatabaseUrl() }), {
    logger: createLogger("silent"),
    migrate: false,
  });
});

afterAll(async () => {
  await killAllServe();
  await ctx?.db.close();
  await sb?.close();
  await db?.close();
});

function dbUrlNamed(name: string): string {
  const u = new URL(testDatabaseUrl());
  u.searchParams.set("application_name", name);
  return u.href;
}

/** The application_name of the session holding the LAPOR! stream lock, if any. */
async function syncHolder(): Promise<string | null> {
  const rows = await db.sql.query<{ app: string }>(
    `SELECT a.application_name AS app FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 20264
        AND l.objid::bigint = (hashtext('sync:lapor')::bigint & 4294967295)`,
  );
  return rows[0]?.app ?? null;
}

it("2 workers + 1 api on one database: a worker SIGKILLed half-way, cases exactly once, every outbox entry sent once", async () => {
  // 30 pages of 10 at ~300 ms each: long enough to kill the holder half-way even when the
  // write path is fast and the machine is busy.
  sb.faults({ slowMs: 300 });
  const common = {
    LAPOR_BASE_URL: sb.url,
    LAPOR_TOKEN: sb.token,
    LAPOR_PAGE_SIZE: "10",
    LAPOR_ATTACHMENTS: "false",
    LAPOR_SYNC_CRON: "*/2 * * * * *",
    OUTBOX_FLUSH_CRON: "* * * * * *",
  };
  const api = spawnServe(
    "api",
    { ...common, DATABASE_URL: dbUrlNamed("e2e-api") },
    "faults-e2e-api",
  );
  const workers = new Map<string, ServeProcess>(
    ["e2e-worker-a", "e2e-worker-b"].map((n) => [
      n,
      spawnServe("worker", { ...common, DATABASE_URL: dbUrlNamed(n) }, `faults-${n}`),
    ]),
  );
  const apiUrl = await api.url;
  for (const w of workers.values()) await w.url;

  // Staff reply on LAPOR! cases through the api process while the sync is running.
  await addUser(ctx, { username: "koord-e2e", password: PASSWORD, role: "koordinator" });
  const login = await fetch(`${apiUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "koord-e2e", password: PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const repliedTo = new Set<string>();
  const reply = async (n: number) => {
    const open = await db.sql.query<{ id: string; externalId: string }>(
      `SELECT id, "externalId" FROM "Case" WHERE channel = 'lapor'
          AND "upstreamStatus" IN ('Belum Terverifikasi', 'Terverifikasi', 'Terdisposisi')
          AND status NOT IN ('selesai', 'tidak_dapat_ditindaklanjuti')
          AND NOT ("externalId" = ANY($1::text[]))
        ORDER BY number LIMIT ${n}`,
      [[...repliedTo]],
    );
    expect(open).toHaveLength(n);
    for (const c of open) {
      const r = await fetch(`${apiUrl}/api/v1/cases/${c.id}/replies`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ text: `${ISI} (e2e ${c.externalId})` }),
      });
      expect(r.status).toBe(201);
      repliedTo.add(c.externalId);
    }
  };
  await waitFor("the first cases", async () => (await laporCaseCounts(db)).total >= 60, 30_000);
  await reply(8);

  // Half-way: kill whichever worker holds the stream right now.
  await waitFor(
    "half the feed",
    async () => (await laporCaseCounts(db)).total >= COUNT / 3,
    30_000,
    50,
  );
  const holder = await waitFor("the sync holder", syncHolder, 15_000, 20);
  const victim = workers.get(holder);
  expect(victim, `lock held by ${holder}`).toBeDefined();
  // While the victim holds the stream, its run is the only one running.
  const killedRun = await db.sql.query<{ id: string }>(
    `SELECT id FROM "SyncRun" WHERE stream = 'lapor' AND status = 'running'`,
  );
  expect(killedRun).toHaveLength(1);
  await killHard(victim!);
  const atKill = (await laporCaseCounts(db)).total;
  expect(atKill).toBeLessThan(COUNT);
  const survivor = [...workers.values()].find((w) => w !== victim)!;

  await reply(6);
  // Entries the victim had claimed wait for their lease (OUTBOX_LEASE_MS, 5 minutes) in
  // real time; move the clock for them instead of waiting (a no-op if it held none).
  await db.sql.query(
    `UPDATE "Outbox" SET "nextAttemptAt" = now() WHERE status = 'pending' AND "nextAttemptAt" > now() + interval '1 minute'`,
  );

  await waitFor(
    "the survivor to finish the feed",
    async () => (await laporCaseCounts(db)).total === COUNT,
    30_000,
    200,
  );
  await waitFor(
    "a succeeded sync run",
    async () =>
      (await scalar(
        db,
        `SELECT count(*)::text AS n FROM "SyncRun" WHERE stream = 'lapor' AND status = 'succeeded'`,
      )) > 0,
    30_000,
    200,
  );
  await waitFor(
    "every outbox entry sent",
    async () =>
      (await scalar(db, `SELECT count(*)::text AS n FROM "Outbox" WHERE status <> 'sent'`)) === 0,
    30_000,
    200,
  );

  expect(await laporCaseCounts(db)).toEqual({ total: COUNT, distinct: COUNT });
  const entries = await db.sql.query<{ idempotencyKey: string; target: string }>(
    `SELECT "idempotencyKey", target FROM "Outbox" ORDER BY seq`,
  );
  expect(entries).toHaveLength(14);
  for (const e of entries) {
    const tl = sb.sandbox.state.getReport(e.target)?.tindak_lanjut ?? [];
    expect(tl.filter((t) => t.id.endsWith(tindakLanjutSuffix(e.idempotencyKey)))).toHaveLength(1);
  }
  // The killed run is closed as failed by the next holder, with the reason; at most the
  // survivor's current run is running (it keeps syncing every 2 s).
  const runs = await db.sql.query<{ id: string; status: string; error: string | null }>(
    `SELECT id, status, error FROM "SyncRun" WHERE stream = 'lapor' ORDER BY "startedAt"`,
  );
  expect(runs.find((r) => r.id === killedRun[0]?.id)).toMatchObject({
    status: "failed",
    error: "terputus: proses berhenti sebelum sinkronisasi selesai",
  });
  expect(runs.filter((r) => r.status === "running").length).toBeLessThanOrEqual(1);
  expect(runs.some((r) => r.status === "succeeded")).toBe(true);
  // Both survivors keep serving.
  expect(survivor.child.exitCode).toBeNull();
  expect(api.child.exitCode).toBeNull();
  expect((await fetch(`${await survivor.url}/api/v1/health/ready`)).status).toBe(200);
  expect((await fetch(`${apiUrl}/api/v1/health/ready`)).status).toBe(200);
}, 60_000);
