// bench/lapor-sync: N reports from the LAPOR! sandbox into PostgreSQL through the real sync
// engine, against a baseline measured in the same run: the same pages fetched and mapped
// by the same client and mapper, written with one raw `pg` batched INSERT … ON CONFLICT
// per page (200 rows) into a scratch table, the next page fetched while one is written
// (as the engine does). Three processes: this one (baseline), the sandbox, the hub (built,
// from dist/). Rerun: npm run build && BENCH_PG_ADMIN_URL=postgresql://postgres@127.0.0.1:5432/postgres \
//          npx tsx bench/lapor-sync/lapor-sync.bench.ts [count=100000]
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { toSourceItem } from "../../adapters/lapor/lapor.sync.js";
import { LaporClient } from "../../adapters/lapor/lapor.client.js";
import type { LaporanPage } from "../../adapters/lapor/lapor.dto.js";
import type { SyncSummary } from "../../src/sync/sync-engine.js";
import { hubNodeFlags, spawnTarget } from "../lib/spawn-target.js";

const N = Number(process.argv[2] ?? 100_000);
const TOKEN = "bench-token";
const ADMIN = process.env.BENCH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const dbName = `aduan_bench_lapor_${process.pid}`;

type HubResult = {
  first: SyncSummary;
  firstMs: number;
  second: SyncSummary;
  secondMs: number;
  written: Record<string, number>;
  cases: number;
  peakRssMb: number;
};

function runHub(env: Record<string, string>): Promise<HubResult> {
  const child = spawn(
    process.execPath,
    // BENCH_HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": flags for the hub process only.
    [...hubNodeFlags(), fileURLToPath(new URL("./hub-sync.target.mjs", import.meta.url))],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    // With BENCH_HUB_NODE_ARGS=--trace-gc the hub's GC lines go to stdout: pass them on.
    if (process.env.BENCH_HUB_NODE_ARGS?.includes("--trace-gc")) process.stderr.write(d);
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      const m = out.match(/^RESULT (.+)$/m);
      if (code === 0 && m) resolve(JSON.parse(m[1] as string) as HubResult);
      else reject(new Error(`hub process exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

// The hub runs from dist/ (as in production): refuse a missing or stale build.
const built = fileURLToPath(new URL("../../dist/src/sync/sync-engine.js", import.meta.url));
const sourceFile = fileURLToPath(new URL("../../src/sync/sync-engine.ts", import.meta.url));
if (!existsSync(built) || statSync(built).mtimeMs < statSync(sourceFile).mtimeMs) {
  console.error("bench/lapor-sync runs the built hub: run `npm run build` first");
  process.exit(1);
}

const admin = new pg.Client({ connectionString: ADMIN });
await admin.connect();
await admin.query(`CREATE DATABASE "${dbName}"`);
const url = ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
const sandbox = await spawnTarget(new URL("./sandbox.target.ts", import.meta.url), [
  String(N),
  TOKEN,
]);
let stopped: Promise<{ peakRssMb: number }> | null = null;
const stopSandbox = () => (stopped ??= sandbox.stop());
try {
  const client = new LaporClient({ baseUrl: sandbox.url, token: TOKEN });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  await pool.query(`CREATE TABLE bench_case (channel text, "externalId" text, title text, keperluan text,
    status text, "upstreamStatus" text, "contentHash" text, "receivedAt" timestamptz, "upstreamUpdatedAt" timestamptz,
    PRIMARY KEY (channel, "externalId"))`);
  const t0 = performance.now();
  let baseRows = 0;
  let pending: Promise<LaporanPage> = client.listLaporan({ limit: 200 });
  for (;;) {
    const page = await pending;
    if (page.nextCursor) pending = client.listLaporan({ limit: 200, cursor: page.nextCursor });
    const rows = page.items.map(toSourceItem).flatMap((i) => (i.mapped.ok ? [i.mapped.value] : []));
    if (rows.length) {
      const values: unknown[] = [];
      const tuples = rows.map((r, k) => {
        values.push(
          r.externalId,
          r.title,
          r.keperluan,
          r.hubStatus,
          r.upstreamStatus,
          r.contentHash,
          r.receivedAt,
          r.upstreamUpdatedAt,
        );
        const b = k * 8;
        return `('lapor',$${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8})`;
      });
      await pool.query(
        `INSERT INTO bench_case VALUES ${tuples.join(",")} ON CONFLICT (channel, "externalId") DO UPDATE SET
          title = EXCLUDED.title, keperluan = EXCLUDED.keperluan, status = EXCLUDED.status,
          "upstreamStatus" = EXCLUDED."upstreamStatus", "contentHash" = EXCLUDED."contentHash"
          WHERE bench_case."contentHash" IS DISTINCT FROM EXCLUDED."contentHash"`,
        values,
      );
      baseRows += rows.length;
    }
    if (!page.nextCursor) break;
  }
  const baseMs = performance.now() - t0;
  await pool.end();

  const hub = await runHub({
    DATABASE_URL: url,
    LAPOR_BASE_URL: sandbox.url,
    LAPOR_TOKEN: TOKEN,
    LAPOR_PAGE_SIZE: process.env.BENCH_PAGE_SIZE ?? "200",
    LAPOR_ATTACHMENTS: "false",
    LAPOR_SYNC_CRON: "off",
    ADUAN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
    ADUAN_HASH_KEY: Buffer.alloc(32, 9).toString("base64"),
    ADUAN_AUDIT_KEY: Buffer.alloc(32, 11).toString("base64"),
    LOG_LEVEL: "warn",
  });
  const { peakRssMb: sandboxRssMb } = await stopSandbox();

  const hubRate = hub.first.added / (hub.firstMs / 1000);
  const baseRate = baseRows / (baseMs / 1000);
  const rewritten = Object.values(hub.written).reduce((a, b) => a + b, 0);
  console.log(`reports: ${N}; cases in DB: ${hub.cases}`);
  console.log(
    `baseline raw pg batched INSERT … ON CONFLICT: ${baseRate.toFixed(0)} rows/s (${(baseMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    `hub sync (first):  ${hubRate.toFixed(0)} cases/s (${(hub.firstMs / 1000).toFixed(1)} s)  added ${hub.first.added} failed ${hub.first.failed}`,
  );
  console.log(`ratio hub/baseline: ${(hubRate / baseRate).toFixed(2)} (aim ≥ 0.35)`);
  console.log(
    `second full sync, nothing changed: ${(hub.secondMs / 1000).toFixed(1)} s = ${(hub.secondMs / hub.firstMs).toFixed(2)} of the first (aim ≤ 0.20); ` +
      `unchanged ${hub.second.unchanged}, reported added+updated ${hub.second.added + hub.second.updated}, ` +
      `rows written to case tables ${rewritten}`,
  );
  console.log(
    `peak RSS of the hub process: ${hub.peakRssMb} MB (aim < 300 MB); sandbox process: ${sandboxRssMb} MB (not counted)`,
  );
} finally {
  await stopSandbox();
  // BENCH_KEEP_DB=1 keeps the scratch database for EXPLAIN and friends.
  if (process.env.BENCH_KEEP_DB === "1") console.log(`kept database ${dbName}`);
  else await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
}
