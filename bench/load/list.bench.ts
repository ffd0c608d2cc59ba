// bench/load list: GET /api/v1/cases under load over 1,000,000 cases (and their pelapor
// parties): first page, a filtered page (status + jenis), a deep cursor page and a text
// search `q`, each against a bare express handler running the equivalent hand-written SQL
// over `pg`, measured in the same run; servers in their own processes.
// Run: npx tsx bench/load/list.bench.ts   (BENCH_CASES, BENCH_SECONDS, BENCH_RESEED=1)
// The database aduan_bench_load_list is kept between runs (seeding 1M rows takes a while);
// BENCH_RESEED=1 or a different BENCH_CASES rebuilds it.
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

const DB = "aduan_bench_load_list";
const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const url = dbUrl(DB);
const env = hubEnv(url);

async function seed(): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const t0 = Date.now();
  // Statuses, jenis, channels and names in realistic proportions; 1 in 2,000 pelapor has
  // the rare surname the text search looks for, so `q` must find 26 matches among ~52,000.
  await c.query(
    `INSERT INTO "Case" (id, number, channel, "externalId", keperluan, jenis, status, "receivedAt", "updatedAt")
     SELECT gen_random_uuid(), n, ch, n,
            'Mohon bantuan, ' || (ARRAY['saldo BPNT tidak masuk','PKH belum cair','kartu PBI JK nonaktif','minta masuk DTKS','bantuan lansia terlambat'])[1 + g % 5]
              || ' di desa ' || (ARRAY['Sungai Ulin','Loktabat','Guntung Manggis','Cempaka','Landasan Ulin','Martapura'])[1 + (g / 5) % 6] || ', nomor ' || g,
            (ARRAY['BPNT','PKH','PBI_JK_REAKTIVASI','DTKS','ASLUT'])[1 + g % 5],
            (ARRAY['selesai','selesai','selesai','selesai','diterima','diverifikasi','didisposisi','ditindaklanjuti','tidak_dapat_ditindaklanjuti','selesai'])[1 + (g / 7) % 10],
            now() - (g * interval '30 seconds'), now()
     FROM (SELECT g, 'ADU-B-' || lpad(g::text, 7, '0') AS n,
                  (ARRAY['datang_langsung','telepon','whatsapp','lapor','email'])[1 + (g / 3) % 5] AS ch
           FROM generate_series(1, $1::int) g) s`,
    [CASES],
  );
  await c.query(
    `INSERT INTO "Party" (id, "caseId", role, name, "phoneE164")
     SELECT gen_random_uuid(), id,  'pelapor',
            (ARRAY['Siti','Ahmad','Nur','Muhammad','Rina','Hendra','Fitri','Rahmat','Dewi','Budi'])[1 + (h % 10)] || ' ' ||
            CASE WHEN h % 2000 = 7 THEN 'Juwairiyah' ELSE (ARRAY['Rahman','Hidayat','Aulia','Saputra','Lestari','Kurniawan','Wahyuni','Pratama'])[1 + (h / 10) % 8] END,
            '+6281200000001'
     FROM (SELECT id, abs(hashtext(number)) AS h FROM "Case") s`,
  );
  await c.query("ANALYZE");
  await c.end();
  console.log(`seeded ${CASES} cases + parties in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

async function main() {
  let fresh = process.env.BENCH_RESEED === "1";
  if (!fresh) {
    await scratchDb(DB, false);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const n = await c
      .query<{ n: string }>(`SELECT count(*) AS n FROM "Case"`)
      .then((r) => Number(r.rows[0]!.n))
      .catch(() => -1);
    await c.end();
    fresh = n !== CASES;
  }
  if (fresh) await scratchDb(DB, true);
  const hub = track(
    await spawnTarget(new URL("./targets.ts", import.meta.url), ["hub"], env, hubNodeFlags()),
  );
  if (fresh) await seed();
  await addStaff(env, [{ username: "bench-fo", role: "front_office" }]);
  const base = track(await spawnTarget(new URL("./targets.ts", import.meta.url), ["list"], env));
  const headers = { authorization: `Bearer ${await login(hub.url, "bench-fo")}` };

  // The deep page: a cursor 90% of the way down the inbox.
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const deep = await c.query<{ r: Date; id: string }>(
    `SELECT "receivedAt" AS r, id FROM "Case" ORDER BY "receivedAt" DESC, id DESC OFFSET $1 LIMIT 1`,
    [Math.floor(CASES * 0.9)],
  );
  await c.end();
  const cursor = Buffer.from(
    JSON.stringify([deep.rows[0]!.r.toISOString(), deep.rows[0]!.id]),
  ).toString("base64url");

  console.log(
    `${CASES} cases, 20 connections, ${SECONDS}s per run, baseline = bare express + hand-written SQL over pg`,
  );
  const scenarios: [string, string][] = [
    ["first page", "limit=25"],
    ["filtered (status=diterima, jenis=PKH)", "status=diterima&jenis=PKH&limit=25"],
    ["deep cursor (90% down)", `cursor=${cursor}&limit=25`],
    ["text search q=Juwairiyah (1 in 2,000 pelapor)", "q=Juwairiyah&limit=25"],
  ];
  for (const [label, qs] of scenarios) {
    const b = await load({ url: `${base.url}/cases?${qs}` });
    const h = await load({ url: `${hub.url}/api/v1/cases?${qs}`, headers });
    report(label, b, h);
  }
  await stopAll({ baseline: base, hub });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
