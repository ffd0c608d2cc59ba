// bench/webhooks: accepted signed WhatsApp webhooks/s (signature over the raw bytes, raw
// payload stored in PostgreSQL, 200, processing after the answer) against a bare express
// handler that only verifies the signature, measured in the same run, each server in its
// own process. Every request carries a distinct wamid (a real burst, not one replay).
// Run: npx tsx bench/webhooks/webhooks.bench.ts (BENCH_PG_URL, BENCH_SECONDS).
import autocannon from "autocannon";
import pg from "pg";
import { dbUrl as benchDbUrl, hubEnv, scratchDb } from "../lib/scratch-db.js";
import { hubNodeFlags, spawnTarget } from "../lib/spawn-target.js";
import { signedWhatsAppText } from "../lib/whatsapp-payload.js";

const DB = "aduan_bench_webhooks";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 20;
const SECRET = "bench-app-secret-123";

let counter = 0;
function signedBody(): { body: string; headers: Record<string, string> } {
  counter += 1;
  const from = `62812${String(1_000_000 + (counter % 5000)).padStart(7, "0")}`;
  return signedWhatsAppText(
    {
      from,
      wamid: `wamid.BENCH${process.pid}x${counter}`,
      text: `Saldo BPNT belum masuk, pesan ${counter}`,
    },
    SECRET,
  );
}

async function load(url: string) {
  const r = await autocannon({
    url,
    method: "POST",
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, ...signedBody() }) }],
  });
  if (r.non2xx || r.errors)
    throw new Error(`bench target failed: non2xx=${r.non2xx} errors=${r.errors}`);
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
  };
}

async function main() {
  await scratchDb(DB);
  const dbUrl = benchDbUrl(DB);
  const env = hubEnv(dbUrl, {
    WHATSAPP_APP_SECRET: SECRET,
  });

  const bare = await spawnTarget(new URL("./targets.ts", import.meta.url), ["bare", SECRET]);
  const base = await load(`${bare.url}/webhooks/whatsapp`);
  const bareMem = await bare.stop();
  const hub = await spawnTarget(
    new URL("./targets.ts", import.meta.url),
    ["hub"],
    env,
    hubNodeFlags(),
  );
  const hubRes = await load(`${hub.url}/webhooks/whatsapp`);
  const hubMem = await hub.stop();

  const check = new pg.Client({ connectionString: dbUrl });
  await check.connect();
  const stored = await check.query<{ n: string }>(`SELECT count(*) AS n FROM "RawMessage"`);
  const processed = await check.query<{ n: string }>(
    `SELECT count(*) AS n FROM "RawMessage" WHERE status IN ('processed', 'quarantined')`,
  );
  await check.end();

  console.log(
    `${CONNECTIONS} connections, ${SECONDS}s each, distinct signed payloads, servers in their own process`,
  );
  console.log(
    `baseline bare express (verify only) : ${base.rps.toFixed(0)} req/s  p50 ${base.p50} ms  p99 ${base.p99} ms  peak RSS ${bareMem.peakRssMb} MB`,
  );
  console.log(
    `hub POST /webhooks/whatsapp         : ${hubRes.rps.toFixed(0)} req/s  p50 ${hubRes.p50} ms  p99 ${hubRes.p99} ms  peak RSS ${hubMem.peakRssMb} MB`,
  );
  console.log(
    `accepted and stored by the hub      : ${hubRes.total} answered 200, ${stored.rows[0]?.n} RawMessage rows`,
  );
  console.log(
    `processed meanwhile (case/message)  : ${processed.rows[0]?.n} (the rest stays "stored" for webhook.process; bench/load/webhooks-burst.bench.ts times the full drain)`,
  );
  console.log(
    `ratio hub/baseline                  : ${(hubRes.rps / base.rps).toFixed(2)} (aim >= 0.30)`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
