// bench/reports: (1) annualCounts over 1,000,000 generated cases against the hand-written
// SQL GROUP BY that any implementation must run at least (same database, same run, median
// of BENCH_RUNS after a warm-up); (2) the monthly PDF of 2,000 rows issued through
// issueReport in a child process, with its time and peak RSS.
// Run: npx tsx bench/reports/reports.bench.ts (BENCH_PG_URL, BENCH_CASES, BENCH_RUNS).
import { execFileSync } from "node:child_process";
import pg from "pg";
import { dbUrl as benchDbUrl, hubEnv, scratchDb } from "../lib/scratch-db.js";

const DB = "aduan_bench_reports";
const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MONTHLY_ROWS = 2_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up: plans, buffers, the holiday table
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function main() {
  await scratchDb(DB);
  const dbUrl = benchDbUrl(DB);
  const env = hubEnv(dbUrl, {
    LOG_LEVEL: "warn",
  });

  const { buildContext } = await import("../../src/hub.js");
  const { parseConfig } = await import("../../src/config/config.js");
  const { createLogger } = await import("../../src/logger.js");
  const { annualCounts } = await import("../../src/services/annual-counts.service.js");
  const ctx = await buildContext(parseConfig(env), { logger: createLogger("warn") });

  const seed = new pg.Client({ connectionString: dbUrl });
  await seed.connect();
  let t = performance.now();
  // One statement: 1M cases spread over 2025 (WITA), 8 jenis, 6 channels, 3 status groups;
  // closed ones finish 0–20 days later.
  await seed.query(
    `INSERT INTO "Case" (id, number, channel, "externalId", keperluan, jenis, status, "receivedAt", "closedAt", "updatedAt")
     SELECT gen_random_uuid(), 'B-' || g, (ARRAY['datang_langsung','whatsapp','lapor','email','telepon','facebook'])[1 + g % 6],
            'b-' || g, 'keperluan ' || g,
            (ARRAY['PBI_JK_REAKTIVASI','ASLUT','BPNT','PKH','RASDA','RUTILAHU','KKS_HILANG','LAIN_LAIN'])[1 + g % 8],
            CASE WHEN g % 10 < 7 THEN 'selesai' WHEN g % 10 < 9 THEN 'ditindaklanjuti' ELSE 'tidak_dapat_ditindaklanjuti' END,
            r.at,
            CASE WHEN g % 10 < 7 THEN r.at + ((g::bigint * 7919) % 21 || ' days')::interval + interval '3 hours' END,
            now()
     FROM generate_series(1, $1) g
     CROSS JOIN LATERAL (SELECT timestamptz '2025-01-01 00:00:00+08' + ((g::bigint * 104729) % 31536000 || ' seconds')::interval AS at) r`,
    [CASES],
  );
  // 2,000 cases with a party and a long narasi in June 2026 for the monthly PDF.
  await seed.query(
    `WITH c AS (
       INSERT INTO "Case" (id, number, channel, "externalId", keperluan, jenis, status, "receivedAt", "historicalNarasi", "updatedAt")
       SELECT gen_random_uuid(), 'M-' || g, 'datang_langsung', 'm-' || g,
              'Menanyakan bantuan BPNT yang tidak masuk sejak beberapa bulan, nomor ' || g, 'BPNT', 'selesai',
              timestamptz '2026-06-01 08:00:00+08' + (g * 1200 || ' seconds')::interval,
              repeat('Petugas menerima aduan dan melakukan pengecekan data pada SIKS-NG, hasilnya data tidak padan capil. ', 1 + g % 4),
              now()
       FROM generate_series(1, $1) g RETURNING id, number)
     INSERT INTO "Party" (id, "caseId", role, name, "phoneE164", alamat, kecamatan)
     SELECT gen_random_uuid(), id, 'pelapor', 'Warga ' || number, '+6281200000001', 'Desa Contoh RT 0' || (length(number) % 9), 'Tanjung' FROM c`,
    [MONTHLY_ROWS],
  );
  await seed.query("ANALYZE");
  console.log(
    `seeded ${CASES.toLocaleString("en")} cases in ${Math.round(performance.now() - t)} ms`,
  );

  const handSql = () =>
    seed.query(
      `SELECT jenis, channel, status, EXTRACT(MONTH FROM ("receivedAt" AT TIME ZONE 'Asia/Makassar'))::int AS month, count(*)::int
       FROM "Case" WHERE instansi = '6309-DINSOS' AND "receivedAt" >= '2024-12-31 16:00:00Z' AND "receivedAt" < '2025-12-31 16:00:00Z'
       GROUP BY 1, 2, 3, 4`,
    );
  const baseline = await time(handSql);
  const ours = await time(() => annualCounts(ctx, 2025));
  const counts = await annualCounts(ctx, 2025);
  t = median(ours) / median(baseline);
  console.log(
    `\nannual aggregation over ${counts.total.toLocaleString("en")} cases (median of ${RUNS})`,
  );
  console.log(`  hand-written SQL GROUP BY   ${median(baseline).toFixed(0).padStart(6)} ms`);
  console.log(
    `  annualCounts (+ working days, ${counts.waktuPenyelesaian.jumlahKasusSelesai.toLocaleString("en")} closed) ${median(ours).toFixed(0).padStart(6)} ms`,
  );
  console.log(`  ratio ${t.toFixed(2)}× (aim ≤ 1.5×)`);
  await seed.end();
  await ctx.db.close();

  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", new URL("./monthly-pdf.target.ts", import.meta.url).pathname],
    { env: { ...process.env, ...env }, encoding: "utf8" },
  );
  const r = JSON.parse(out.trim().split("\n").at(-1)!) as {
    rows: number;
    ms: number;
    bytes: number;
    pages: number;
    rssBeforeMb: number;
    peakRssMb: number;
  };
  console.log(`\nmonthly PDF of ${r.rows} rows (issueReport, child process)`);
  console.log(`  ${r.ms.toFixed(0)} ms, ${(r.bytes / 1024).toFixed(0)} KiB`);
  console.log(`  RSS before ${r.rssBeforeMb.toFixed(0)} MB, peak ${r.peakRssMb.toFixed(0)} MB`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
