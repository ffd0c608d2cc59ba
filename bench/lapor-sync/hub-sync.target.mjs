// The hub side of bench/lapor-sync, alone in its process and running the BUILT hub
// (dist/, as `npm start` and production run it; the tsx loader alone adds ~45 MB RSS):
// a first sync of the whole sandbox feed, then a second `--full` sync with nothing
// changed. Prints one JSON line (RESULT {...}) with timings, the rows the second sync
// wrote, and this process's peak RSS.
import { performance } from "node:perf_hooks";
import { setInterval, clearInterval } from "node:timers";
import { parseConfig } from "../../dist/src/config/config.js";
import { buildContext } from "../../dist/src/hub.js";
import { createLogger } from "../../dist/src/logger.js";
import { createLaporSource } from "../../dist/adapters/lapor/lapor.sync.js";
import { runSync } from "../../dist/src/sync/sync-engine.js";

let peakRss = process.memoryUsage().rss;
let stage = "start";
// Where the peak sits (heap vs off-heap, which sync), for BENCH_MEM_TRACE.
let atPeak = null;
const sample = () => {
  const m = process.memoryUsage();
  if (m.rss > peakRss || atPeak === null) {
    peakRss = Math.max(peakRss, m.rss);
    atPeak = { stage, ...m };
  }
};
const rssTimer = setInterval(sample, 50);

// BENCH_MEM_TRACE=1: memory at each stage on stderr (where the RSS goes).
const trace = (stage) => {
  if (process.env.BENCH_MEM_TRACE !== "1") return;
  globalThis.gc?.();
  const m = process.memoryUsage();
  const mb = (n) => Math.round(n / 1024 / 1024);
  process.stderr.write(
    `mem ${stage}: rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}\n`,
  );
};
trace("start");
const config = parseConfig(process.env);
const ctx = await buildContext(config, { logger: createLogger("warn") });
const source = createLaporSource(ctx);
trace("context ready");

const WRITTEN_TABLES = [
  "Case",
  "Party",
  "CaseEvent",
  "RawMessage",
  "Message",
  "Attachment",
  "DeadLetter",
  "CaseCounter",
];
// Rows inserted or updated since a transaction id: a row's xmin is the transaction that
// wrote its current version, so this counts every rewrite, not only what the run reports.
async function rowsWrittenSince(xid) {
  const out = {};
  for (const t of WRITTEN_TABLES) {
    const rows = await ctx.db.sql.query(
      `SELECT count(*)::int AS n FROM "${t}" WHERE xmin::text::bigint >= $1::bigint`,
      [xid],
    );
    out[t] = rows[0]?.n ?? 0;
  }
  return out;
}
const xidNow = async () =>
  (await ctx.db.sql.query(`SELECT (txid_current() % 4294967296)::text AS x`))[0]?.x ?? "0";

stage = "first sync";
const t1 = performance.now();
const first = await runSync(ctx, source, {});
const firstMs = performance.now() - t1;
sample();
trace("after first sync");
const xid = await xidNow();
stage = "second sync";
const t2 = performance.now();
const second = await runSync(ctx, source, { full: true });
const secondMs = performance.now() - t2;
sample();
trace("after second sync");
const written = await rowsWrittenSince(xid);
const cases = await ctx.db.sql.query(`SELECT count(*)::int AS n FROM "Case"`);
clearInterval(rssTimer);
if (process.env.BENCH_MEM_TRACE === "1" && atPeak) {
  const mb = (n) => Math.round(n / 1024 / 1024);
  process.stderr.write(
    `mem at peak (${atPeak.stage}): rss ${mb(atPeak.rss)} heapTotal ${mb(atPeak.heapTotal)} heapUsed ${mb(atPeak.heapUsed)} external ${mb(atPeak.external)} arrayBuffers ${mb(atPeak.arrayBuffers)}\n`,
  );
}
process.stdout.write(
  `RESULT ${JSON.stringify({
    first,
    firstMs,
    second,
    secondMs,
    written,
    cases: cases[0]?.n ?? 0,
    peakRssMb: Math.round(peakRss / 1024 / 1024),
  })}\n`,
);
await ctx.db.close();
