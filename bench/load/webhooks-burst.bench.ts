// bench/load webhook burst: a burst of BENCH_BURST signed WhatsApp webhooks (10% replays of
// an earlier wamid, BENCH_BURST/4 senders) fired by 50 connections at (1) a bare express
// handler that verifies the signature and INSERTs the raw body over `pg` and (2) the real
// hub (verify, store raw, 200, process from the stored row), measured in the same run.
// Then waits for the hub to finish processing the burst and checks the outcome: one case
// per sender, one Message per distinct wamid, nothing left unprocessed.
// Run: npx tsx bench/load/webhooks-burst.bench.ts   (BENCH_BURST default 3000)
import pg from "pg";
import { signedWhatsAppText } from "../lib/whatsapp-payload.js";
import { hubNodeFlags, spawnTarget } from "../lib/spawn-target.js";
import { track, dbUrl, hubEnv, load, report, scratchDb, stopAll } from "./lib.js";

const DB = "aduan_bench_load_webhooks";
const BURST = Number(process.env.BENCH_BURST ?? 3000);
const SENDERS = Math.max(1, Math.floor(BURST / 4));
const sender = (k: number) => `62812${String(1_000_000 + (k % SENDERS)).padStart(7, "0")}`;
// Request i carries wamid k(i): every tenth replays the wamid of the request five before.
const wamidOf = (i: number) => (i % 10 === 0 ? i - 5 : i);
const SECRET = "bench-app-secret-123";
const url = dbUrl(DB);
const env = hubEnv(url, { WHATSAPP_APP_SECRET: SECRET, WHATSAPP_VERIFY_TOKEN: "bench-verify" });

function burst(tag: string) {
  let i = 0;
  return () => {
    i += 1;
    const k = wamidOf(i);
    const from = sender(k);
    return signedWhatsAppText(
      { from, wamid: `wamid.${tag}${k}`, text: `Saldo BPNT belum masuk, pesan ${k}` },
      SECRET,
    );
  };
}

const fire = (target: string, tag: string) => {
  const next = burst(tag);
  return load({
    url: `${target}/webhooks/whatsapp`,
    method: "POST",
    connections: 50,
    amount: BURST,
    requests: [{ setupRequest: (r: object) => ({ ...r, ...next() }) }],
  });
};

async function main() {
  await scratchDb(DB, true);
  const hub = track(
    await spawnTarget(new URL("./targets.ts", import.meta.url), ["hub"], env, hubNodeFlags()),
  );
  const base = track(
    await spawnTarget(new URL("./targets.ts", import.meta.url), ["webhook", SECRET], env),
  );
  const c = new pg.Client({ connectionString: url });
  await c.connect();

  const b = await fire(base.url, "BASE");
  const t0 = Date.now();
  const h = await fire(hub.url, "HUB");
  const acceptedIn = Date.now() - t0;
  console.log(`burst of ${BURST} signed webhooks (${BURST / 10} replays), 50 connections`);
  report("POST /webhooks/whatsapp (accepted/s)", b, h);

  // Drain: the hub keeps processing the stored rows after the last answer.
  let left = -1;
  for (let i = 0; i < 600; i++) {
    const r = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM "RawMessage" WHERE channel = 'whatsapp' AND status IN ('stored', 'processing')`,
    );
    left = Number(r.rows[0]!.n);
    if (left === 0) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  const processedIn = Date.now() - t0;
  const counts = await c.query<{ cases: string; messages: string; raw: string }>(
    `SELECT (SELECT count(*) FROM "Case" WHERE channel = 'whatsapp') AS cases,
            (SELECT count(*) FROM "Message" WHERE channel = 'whatsapp' AND direction = 'in') AS messages,
            (SELECT count(*) FROM "RawMessage" WHERE channel = 'whatsapp' AND status <> 'baseline') AS raw`,
  );
  const row = counts.rows[0]!;
  const wamids = new Set<number>();
  for (let i = 1; i <= BURST; i++) wamids.add(wamidOf(i));
  const senders = new Set([...wamids].map(sender));
  console.log(
    `  hub burst accepted in ${(acceptedIn / 1000).toFixed(1)} s; all processed after ${(processedIn / 1000).toFixed(1)} s ` +
      `(${left} left) → ${(BURST / (processedIn / 1000)).toFixed(0)} webhooks/s end to end`,
  );
  console.log(
    `  outcome: ${row.raw} RawMessage rows, ${row.messages} inbound messages (expected ${wamids.size}), ` +
      `${row.cases} cases (expected ${senders.size}, one per sender)`,
  );
  await c.end();
  await stopAll({ baseline: base, hub });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
