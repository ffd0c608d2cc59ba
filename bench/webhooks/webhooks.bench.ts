// bench/webhooks: accepted signed WhatsApp webhooks/s (signature over the raw bytes, raw
// payload stored in PostgreSQL, 200, processing after the answer) against a bare express
// handler that only verifies the signature, measured in the same run, each server in its
// own process. Every request carries a distinct wamid (a real burst, not one replay).
// Run: npx tsx bench/webhooks/webhooks.bench.ts (BENCH_PG_URL, BENCH_SECONDS).
import autocannon from "autocannon";
import pg from "pg";
import { spawnTarget } from "../lib/spawn-target.js";
import { computeMetaSignature } from "../../adapters/meta/meta.signature.js";

const ADMIN = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DB = "aduan_bench_webhooks";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 20;
const SECRET = "bench-app-secret-123";

let counter = 0;
function signedBody(): { body: string; headers: Record<string, string> } {
  counter += 1;
  const from = `62812${String(1_000_000 + (counter % 5000)).padStart(7, "0")}`;
  const body = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "6282150000000", phone_number_id: "1234567890" },
              contacts: [{ wa_id: from, profile: { name: "Warga Bench" } }],
              messages: [
                {
                  from,
                  id: `wamid.BENCH${process.pid}x${counter}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: "text",
                  text: { body: `Saldo BPNT belum masuk, pesan ${counter}` },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-hub-signature-256": computeMetaSignature(Buffer.from(body), SECRET),
    },
  };
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
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  const dbUrl = ADMIN.replace(/\/[^/]*$/, `/${DB}`);
  const env = {
    DATABASE_URL: dbUrl,
    ADUAN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
    ADUAN_HASH_KEY: Buffer.alloc(32, 2).toString("base64"),
    LOG_LEVEL: "info",
    // The hub's default pool (10) unless set: 20 backends on 2 shared cores cost more
    // than they wait.
    ...(process.env.DATABASE_POOL_SIZE
      ? { DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE }
      : {}),
    WHATSAPP_APP_SECRET: SECRET,
    WHATSAPP_VERIFY_TOKEN: "bench-verify-token",
  };
  const bare = await spawnTarget(new URL("./targets.ts", import.meta.url), ["bare", SECRET]);
  const base = await load(`${bare.url}/webhooks/whatsapp`);
  const bareMem = await bare.stop();
  const hub = await spawnTarget(new URL("./targets.ts", import.meta.url), ["hub"], env);
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
