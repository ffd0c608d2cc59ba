// bench/load writes: concurrent staff writes by 20 connections — POST /api/v1/cases (intake
// with a pelapor, case number, SLA clock, event and audit rows in one transaction) and
// POST /api/v1/cases/{id}/transitions (diterima → diverifikasi, compare-and-set on version)
// — against a bare express handler doing one raw INSERT (or one raw UPDATE … WHERE version)
// over `pg`, measured in the same run; servers in their own processes.
// Run: npx tsx bench/load/writes.bench.ts   (BENCH_SECONDS)
import pg from "pg";
import { hubNodeFlags, spawnTarget } from "../lib/spawn-target.js";
import {
  track,
  addStaff,
  dbUrl,
  hubEnv,
  load,
  login,
  report,
  scratchDb,
  stopAll,
  SECONDS,
} from "./lib.js";

const DB = "aduan_bench_load_writes";
const url = dbUrl(DB);
const env = hubEnv(url);
// Enough untouched cases that neither side runs out in SECONDS of transitions.
const TRANSITION_CASES = 60_000;

async function caseIds(c: pg.Client, prefix: string): Promise<string[]> {
  await c.query(
    `INSERT INTO "Case" (id, number, channel, "externalId", keperluan, jenis, status, "receivedAt", "updatedAt",
                         "currentStep", "stepStartedAt", "dueAt")
     SELECT gen_random_uuid(), $2 || g, 'datang_langsung', $2 || g, 'Saldo BPNT tidak masuk, nomor ' || g,
            'BPNT', 'diterima', now() - interval '1 hour', now(), 'verify', now() - interval '1 hour',
            now() + interval '2 days'
     FROM generate_series(1, $1::int) g`,
    [TRANSITION_CASES, prefix],
  );
  const r = await c.query<{ id: string }>(`SELECT id FROM "Case" WHERE number LIKE $1 || '%'`, [
    prefix,
  ]);
  return r.rows.map((x) => x.id);
}

function cycler(ids: string[]) {
  let i = 0;
  return () => {
    const id = ids[i++];
    if (!id) throw new Error("ran out of cases to transition; raise TRANSITION_CASES");
    return id;
  };
}

const intake = (n: number) =>
  JSON.stringify({
    channel: "datang_langsung",
    pelapor: {
      name: "Warga Bench",
      phone: "0821 5220 1870",
      desa: "Loktabat",
      kecamatan: "Banjarbaru Utara",
    },
    keperluan: `Saldo BPNT tidak masuk sejak tiga bulan, permintaan ${n}`,
  });

async function main() {
  await scratchDb(DB, true);
  const hub = track(
    await spawnTarget(new URL("./targets.ts", import.meta.url), ["hub"], env, hubNodeFlags()),
  );
  await addStaff(env, [
    { username: "bench-fo", role: "front_office" },
    { username: "bench-koor", role: "koordinator" },
  ]);
  const base = track(await spawnTarget(new URL("./targets.ts", import.meta.url), ["write"], env));
  const fo = await login(hub.url, "bench-fo");
  const koor = await login(hub.url, "bench-koor");
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const forBase = cycler(await caseIds(c, "TB-"));
  const forHub = cycler(await caseIds(c, "TH-"));
  await c.query("ANALYZE");

  console.log(
    `20 connections, ${SECONDS}s per run, baseline = bare express + one raw INSERT / UPDATE over pg`,
  );
  let n = 0;
  const post = (path: string, auth?: string) => ({
    method: "POST" as const,
    headers: {
      "content-type": "application/json",
      ...(auth ? { authorization: `Bearer ${auth}` } : {}),
    },
    requests: [{ setupRequest: (r: object) => ({ ...r, path, body: intake((n += 1)) }) }],
  });
  const bCreate = await load({ url: `${base.url}/cases`, ...post("/cases") });
  const hCreate = await load({ url: `${hub.url}/api/v1/cases`, ...post("/api/v1/cases", fo) });
  report("POST /api/v1/cases (intake)", bCreate, hCreate);

  const transition = (prefix: string, next: () => string, auth?: string) => ({
    method: "POST" as const,
    headers: {
      "content-type": "application/json",
      ...(auth ? { authorization: `Bearer ${auth}` } : {}),
    },
    body: "{}",
    requests: [
      {
        setupRequest: (r: object) => ({
          ...r,
          path: `${prefix}/cases/${next()}/transitions`,
          body: JSON.stringify({ to: "diverifikasi", version: 1, note: "berkas lengkap" }),
        }),
      },
    ],
  });
  const bT = await load({ url: `${base.url}/cases`, ...transition("", forBase) });
  const hT = await load({ url: `${hub.url}/api/v1/cases`, ...transition("/api/v1", forHub, koor) });
  report("POST /api/v1/cases/{id}/transitions (diterima → diverifikasi)", bT, hT);

  const check = await c.query<{ status: string; n: string }>(
    `SELECT status, count(*) AS n FROM "Case" WHERE number LIKE 'TH-%' GROUP BY 1 ORDER BY 1`,
  );
  console.log(
    `hub transitions applied: ${check.rows.map((r) => `${r.status} ${r.n}`).join(", ")} ` +
      `(every 200 is one version step; no conflicts expected)`,
  );
  await c.end();
  await stopAll({ baseline: base, hub });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
