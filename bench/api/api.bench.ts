// bench/api: requests/s of GET /api/v1/cases over 10,000 cases against a bare express
// handler serving a page of the same shape from memory, measured in the same run, each
// server in its own process. Run: npm run bench:api (BENCH_PG_URL, BENCH_CASES, BENCH_SECONDS).
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { dbUrl as benchDbUrl, hubEnv, scratchDb } from "../lib/scratch-db.js";
import { hubNodeFlags, spawnTarget } from "../lib/spawn-target.js";

const DB = "aduan_bench_api";
const CASES = Number(process.env.BENCH_CASES ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 20;

async function load(url: string, headers: Record<string, string> = {}) {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  if (r.non2xx || r.errors)
    throw new Error(`bench target failed: non2xx=${r.non2xx} errors=${r.errors}`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

async function main() {
  await scratchDb(DB);
  const dbUrl = benchDbUrl(DB);
  const env = hubEnv(dbUrl);

  const hub = await spawnTarget(
    new URL("./targets.ts", import.meta.url),
    ["hub"],
    env,
    hubNodeFlags(),
  );
  const seed = new pg.Client({ connectionString: dbUrl });
  await seed.connect();
  await seed.query(
    `INSERT INTO "Case" (id, number, channel, "externalId", keperluan, jenis, status, "receivedAt", "updatedAt")
     SELECT gen_random_uuid(), 'ADU-2026-' || lpad(g::text, 6, '0'), 'datang_langsung', 'ADU-2026-' || lpad(g::text, 6, '0'),
            'Saldo BPNT tidak masuk sejak tiga bulan, mohon dicek nomor ' || g, 'BPNT', 'diterima',
            now() - (g || ' minutes')::interval, now()
     FROM generate_series(1, $1) g`,
    [CASES],
  );
  await seed.query(
    `INSERT INTO "Party" (id, "caseId", role, name, "phoneE164")
     SELECT gen_random_uuid(), id, 'pelapor', 'Warga ' || number, '+6281200000001' FROM "Case"`,
  );
  await seed.query("ANALYZE");
  await seed.end();
  const { addUser } = await import("../../src/services/auth.service.js");
  const { buildContext } = await import("../../src/hub.js");
  const { parseConfig } = await import("../../src/config/config.js");
  const ctx = await buildContext(parseConfig(env), { migrate: false });
  await addUser(ctx, { username: "bench", password: "bench-password-1", role: "front_office" });
  await ctx.db.close();
  const login = await fetch(`${hub.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "bench", password: "bench-password-1" }),
  });
  const { token } = (await login.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const pageFile = join(tmpdir(), "aduan-bench-page.json");
  writeFileSync(
    pageFile,
    await (await fetch(`${hub.url}/api/v1/cases?limit=25`, { headers: auth })).text(),
  );

  const bare = await spawnTarget(new URL("./targets.ts", import.meta.url), ["bare", pageFile]);
  const base = await load(`${bare.url}/cases`);
  const bareMem = await bare.stop();
  const hubRes = await load(`${hub.url}/api/v1/cases?limit=25`, auth);
  const hubMem = await hub.stop();
  console.log(
    `cases in database: ${CASES}, ${CONNECTIONS} connections, ${SECONDS}s each, servers in their own process`,
  );
  console.log(
    `baseline bare express : ${base.rps.toFixed(0)} req/s  p50 ${base.p50} ms  p99 ${base.p99} ms  peak RSS ${bareMem.peakRssMb} MB`,
  );
  console.log(
    `hub GET /api/v1/cases : ${hubRes.rps.toFixed(0)} req/s  p50 ${hubRes.p50} ms  p99 ${hubRes.p99} ms  peak RSS ${hubMem.peakRssMb} MB`,
  );
  console.log(`ratio hub/baseline    : ${(hubRes.rps / base.rps).toFixed(2)} (aim >= 0.30)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
