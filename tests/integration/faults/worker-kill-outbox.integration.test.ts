// A `serve --role worker` process is SIGKILLed while it sends LAPOR! tindak lanjut from
// the outbox (one POST in flight); a second worker finishes the job. Every entry must end
// `sent`, with exactly one tindak lanjut per entry at LAPOR! (a re-send under the same
// Idempotency-Key is LAPOR!'s 200 replay, not a second follow-up).
import { afterAll, beforeAll, expect, it } from "vitest";
import { apiClient, startTestHub, userWithToken, type TestHub } from "../../helpers/test-hub.js";
import { killAllServe, killHard, spawnServe } from "../../helpers/processes.js";
import { createLaporSource } from "../../../adapters/lapor/lapor.sync.js";
import { runSync } from "../../../src/sync/sync-engine.js";
import { OUTBOX_LEASE_MS } from "../../../src/outbox/outbox.worker.js";
import type { Db } from "../../../src/db/database.js";
import {
  ISI,
  observer,
  scalar,
  startCountingSandbox,
  tindakLanjutSuffix,
  truncateAll,
  waitFor,
  type CountingSandbox,
} from "./fault-kit.js";

const N = 12;
let sb: CountingSandbox;
let db: Db;
let hub: TestHub;

beforeAll(async () => {
  db = await observer();
  await truncateAll(db);
  sb = await startCountingSandbox({ count: 60, seed: 22 });
  hub = await startTestHub({
    name: "faults-outbox-api",
    env: { LAPOR_BASE_URL: sb.url, LAPOR_TOKEN: sb.token, LAPOR_ATTACHMENTS: "false" },
  });
});

afterAll(async () => {
  await killAllServe();
  await hub?.close();
  await sb?.close();
  await db?.close();
});

type OutboxRow = {
  id: string;
  status: string;
  idempotencyKey: string;
  target: string;
  attempts: number;
  nextAttemptAt: Date;
  response: { created?: boolean; tindakLanjut?: { id: string } } | null;
};
const outboxRows = () =>
  db.sql.query<OutboxRow>(
    `SELECT id, status, "idempotencyKey", target, attempts, "nextAttemptAt", response
       FROM "Outbox" ORDER BY seq`,
  );
const sentCount = () =>
  scalar(db, `SELECT count(*)::text AS n FROM "Outbox" WHERE status = 'sent'`);

it("a worker killed mid-outbox loses nothing; the next worker sends every entry exactly once", async () => {
  expect((await runSync(hub.ctx, createLaporSource(hub.ctx))).status).toBe("succeeded");
  const open = await db.sql.query<{ id: string; externalId: string }>(
    `SELECT id, "externalId" FROM "Case" WHERE channel = 'lapor'
        AND "upstreamStatus" IN ('Belum Terverifikasi', 'Terverifikasi', 'Terdisposisi')
        AND status NOT IN ('selesai', 'tidak_dapat_ditindaklanjuti')
      ORDER BY number LIMIT ${N}`,
  );
  expect(open).toHaveLength(N);
  const before = new Map(
    open.map((c) => [
      c.externalId,
      sb.sandbox.state.getReport(c.externalId)?.tindak_lanjut?.length ?? 0,
    ]),
  );
  const koordinator = apiClient(hub, (await userWithToken(hub, "koord-kill", "koordinator")).token);
  for (const [i, c] of open.entries()) {
    const r = await koordinator.post<{ outboxId: string }>(`/api/v1/cases/${c.id}/replies`, {
      text: `${ISI} (balasan ${i + 1})`,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.outboxId).toBeTruthy();
  }
  expect((await outboxRows()).map((r) => r.status)).toEqual(Array(N).fill("pending"));

  // Every LAPOR! request takes 600 ms: the worker sends slowly enough to be killed mid-way.
  sb.faults({ slowMs: 600 });
  const env = {
    DATABASE_URL: hub.ctx.config.DATABASE_URL ?? "",
    LAPOR_BASE_URL: sb.url,
    LAPOR_TOKEN: sb.token,
    LAPOR_ATTACHMENTS: "false",
    // Once a year: this test is about the outbox only ("off" is refused by the config).
    LAPOR_SYNC_CRON: "0 0 1 1 *",
    OUTBOX_FLUSH_CRON: "* * * * * *",
  };
  const first = spawnServe("worker", env, "faults-outbox-worker-1");
  await first.url;
  // Kill while a POST is in flight: LAPOR! has seen more keys than the hub has settled.
  await waitFor(
    "3 entries sent and a 4th POST in flight",
    async () => {
      const sent = await sentCount();
      return sent >= 3 && sb.posts.size > sent;
    },
    30_000,
    25,
  );
  await killHard(first);
  const atKill = await outboxRows();
  const sentAtKill = atKill.filter((r) => r.status === "sent").length;
  expect(sentAtKill).toBeGreaterThanOrEqual(3);
  expect(sentAtKill).toBeLessThan(N);
  // Nothing is lost: the unsent entries are pending, leased by the dead worker.
  const leased = atKill.filter((r) => r.status === "pending");
  expect(leased.length).toBe(N - sentAtKill);
  for (const r of leased)
    expect(r.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + OUTBOX_LEASE_MS - 60_000);

  const second = spawnServe("worker", env, "faults-outbox-worker-2");
  await second.url;
  // The lease is OUTBOX_LEASE_MS (5 minutes) in real time; the test moves the clock
  // forward instead of waiting: the entries become due exactly as if the lease ran out.
  await db.sql.query(
    `UPDATE "Outbox" SET "nextAttemptAt" = now() WHERE status = 'pending' AND "nextAttemptAt" > now()`,
  );
  await waitFor("every entry sent", async () => (await sentCount()) === N, 30_000, 100);

  const rows = await outboxRows();
  expect(rows.map((r) => r.status)).toEqual(Array(N).fill("sent"));
  for (const r of rows) {
    // Exactly one tindak lanjut per entry at LAPOR!, whatever the number of POSTs.
    const tl = sb.sandbox.state.getReport(r.target)?.tindak_lanjut ?? [];
    expect(tl.filter((t) => t.id.endsWith(tindakLanjutSuffix(r.idempotencyKey)))).toHaveLength(1);
    expect(sb.posts.get(r.idempotencyKey)).toBeGreaterThanOrEqual(1);
  }
  for (const [trackingId, n] of before)
    expect(sb.sandbox.state.getReport(trackingId)?.tindak_lanjut?.length).toBe(n + 1);
  // The POST in flight at the kill was sent again under its key and answered as a replay.
  const replayed = rows.filter((r) => (sb.posts.get(r.idempotencyKey) ?? 0) > 1);
  expect(replayed.length).toBeGreaterThanOrEqual(1);
  for (const r of replayed) {
    expect(r.attempts).toBeGreaterThanOrEqual(2);
    expect(r.response?.created).toBe(false);
  }
  // Each reply's Message carries LAPOR!'s id and is marked sent.
  expect(
    await scalar(
      db,
      `SELECT count(*)::text AS n FROM "Message" m JOIN "Outbox" o ON o.id = m."outboxId"
        WHERE m."deliveryStatus" = 'sent' AND m."externalId" = o.response->'tindakLanjut'->>'id'`,
    ),
  ).toBe(N);
  // The second worker keeps serving.
  expect((await fetch(`${await second.url}/api/v1/health/ready`)).status).toBe(200);
}, 60_000);
