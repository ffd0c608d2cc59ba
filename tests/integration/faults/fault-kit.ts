// Shared pieces of the fault tests: a LAPOR! sandbox that counts every tindak-lanjut POST
// per Idempotency-Key, a direct database handle that never goes through a test's TCP
// proxy, and small polling helpers.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import {} from "vitest";
import { testDatabaseUrl } from "../../helpers/test-db.js";
import {
  createLaporSandbox,
  decodeCursor,
  type LaporSandbox,
  type SandboxFaults,
} from "../../../adapters/lapor/sandbox/lapor-sandbox.js";
import { openPostgres, type Db } from "../../../src/db/database.js";

export const ISI =
  "Bantuan sudah diverifikasi oleh petugas dan akan disalurkan minggu depan oleh Dinas Sosial.";

export type CountingSandbox = {
  sandbox: LaporSandbox;
  url: string;
  token: string;
  /** POSTs of tindak lanjut that reached the sandbox, per Idempotency-Key (before slowMs). */
  posts: Map<string, number>;
  faults(f: SandboxFaults): void;
  close(): Promise<void>;
};

export async function startCountingSandbox(opts: {
  count: number;
  seed: number;
  faults?: SandboxFaults;
}): Promise<CountingSandbox> {
  const sandbox = createLaporSandbox({
    count: opts.count,
    seed: opts.seed,
    ...(opts.faults ? { faults: opts.faults } : {}),
  });
  const posts = new Map<string, number>();
  const outer = express();
  outer.use((req, _res, next) => {
    if (req.method === "POST" && /^\/api\/v1\/laporan\/[^/]+\/tindak-lanjut$/.test(req.path)) {
      const key = req.get("idempotency-key") ?? "";
      posts.set(key, (posts.get(key) ?? 0) + 1);
    }
    next();
  });
  outer.use(sandbox.app);
  const server: Server = createServer(outer);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    sandbox,
    url,
    token: sandbox.state.token,
    posts,
    faults: (f) => sandbox.state.setFaults(f),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** The sandbox's tindak lanjut id ends with the first 8 hex of sha256(Idempotency-Key). */
export function tindakLanjutSuffix(idempotencyKey: string): string {
  return createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 8);
}

/** A database handle straight to the test database (never through a proxy). */
export async function observer(): Promise<Db> {
  return openPostgres(testDatabaseUrl(), 3);
}

/** Empties every table (like resetDb, without a hub). */
export async function truncateAll(db: Db): Promise<void> {
  const rows = await db.sql.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE '\\_%'`,
  );
  if (rows.length)
    await db.sql.exec(
      `TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`,
    );
}

export async function scalar(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await db.sql.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

/** count(*) and count(DISTINCT "externalId") of the LAPOR! cases. */
export async function laporCaseCounts(db: Db): Promise<{ total: number; distinct: number }> {
  const rows = await db.sql.query<{ total: string; distinct: string }>(
    `SELECT count(*)::text AS total, count(DISTINCT "externalId")::text AS distinct
       FROM "Case" WHERE channel = 'lapor'`,
  );
  return { total: Number(rows[0]?.total ?? 0), distinct: Number(rows[0]?.distinct ?? 0) };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` returns a truthy value, or throws `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs: number,
  everyMs = 100,
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    let v: T | undefined;
    try {
      v = await check();
    } catch {
      v = undefined;
    }
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * How many sandbox reports a stored stream cursor covers: the reports at or before the
 * cursor key in serving order. A page commits its rows and the cursor together, so after
 * any crash this must equal the number of stored cases of a first sync.
 */
export function reportsCoveredBy(sb: CountingSandbox, cursor: unknown): number {
  const c = (cursor as { cursor?: string | null } | null)?.cursor;
  if (!c) return 0;
  const key = decodeCursor(c);
  if (!key) throw new Error("stored cursor is not a sandbox cursor");
  const order = sb.sandbox.state.orderedTrackingIds();
  const pos = order.indexOf(key.trackingId);
  if (pos < 0) throw new Error("cursor names an unknown report");
  return pos + 1;
}
