// GET /metrics (issue 17): scraped over real HTTP in Prometheus text format; the series
// come from rows this test writes, so each value is checked against what it must count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";

const NOW = new Date("2026-12-03T10:00:00+08:00");
const TOKEN = "token-metrik-uji-0123456789";
let hub: TestHub;

/** `name{a="1",b="2"}` → value, labels in the order written. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

async function scrape(headers: Record<string, string> = {}) {
  const res = await fetch(`${hub.url}/metrics`, { headers });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

beforeAll(async () => {
  hub = await startTestHub({
    name: "metrics",
    clock: () => NOW,
    env: { ADUAN_METRICS_TOKEN: TOKEN },
  });
  await resetDb(hub);
  const { prisma } = hub.ctx.db;
  await hub.ctx.db.sql.exec(`TRUNCATE "JobState"`);
  const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
  await prisma.syncRun.createMany({
    data: [
      { stream: "lapor", status: "succeeded", added: 5, updated: 2, unchanged: 10, failed: 0 },
      { stream: "lapor", status: "succeeded", added: 1, updated: 0, unchanged: 16, failed: 1 },
      { stream: "lapor", status: "failed", added: 0, updated: 0, unchanged: 0, failed: 3 },
      { stream: "email:inbox", status: "succeeded", added: 4, updated: 0, unchanged: 0, failed: 0 },
    ],
  });
  await prisma.syncState.create({ data: { stream: "lapor", lastSuccessAt: minutesAgo(5) } });
  const outbox = (kind: string, key: string, status: string, created: Date) => ({
    kind,
    target: "uji",
    payload: {},
    idempotencyKey: key,
    status,
    createdAt: created,
  });
  await prisma.outbox.createMany({
    data: [
      outbox("lapor.followup", "k1", "pending", minutesAgo(30)),
      outbox("lapor.followup", "k2", "pending", minutesAgo(10)),
      outbox("lapor.followup", "k3", "sent", minutesAgo(90)),
      outbox("whatsapp.reply", "k4", "pending", minutesAgo(2)),
    ],
  });
  await prisma.deadLetter.createMany({
    data: [
      { source: "lapor", payload: {}, errorClass: "MappingError", error: "x" },
      { source: "lapor", payload: {}, errorClass: "MappingError", error: "x" },
      { source: "lapor", payload: {}, errorClass: "MappingError", error: "x", status: "replayed" },
    ],
  });
  await hub.ctx.db.sql.query(
    `INSERT INTO "JobState" (job, "lastPeriod", "completedAt") VALUES ('recap.monthly', '2026-11', $1)`,
    [minutesAgo(60)],
  );
  const kase = (n: number, instansi: string, due: Date, status = "diverifikasi") => ({
    instansi,
    number: `ADU-2026-9${n}`,
    channel: "desk",
    externalId: `metrics-${n}`,
    keperluan: "uji",
    status,
    receivedAt: minutesAgo(10_000),
    dueAt: due,
    currentStep: "disposition",
  });
  await prisma.case.createMany({
    data: [
      kase(1, "6309-DINSOS", minutesAgo(60)),
      kase(2, "6309-DINSOS", minutesAgo(1)),
      kase(3, "6310-DINSOS", minutesAgo(120)),
      kase(4, "6309-DINSOS", new Date(NOW.getTime() + 3_600_000)), // not yet due
      kase(5, "6309-DINSOS", minutesAgo(60), "selesai"), // closed
    ],
  });
});
afterAll(async () => hub?.close());

describe("GET /metrics", () => {
  it("serves every documented series with the values of the database", async () => {
    await fetch(`${hub.url}/api/v1/health`);
    await fetch(`${hub.url}/api/v1/health`);
    await fetch(`${hub.url}/api/v1/cases`); // 401: labelled by its operation all the same
    const r = await scrape();
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parse(r.text);
    const at = (k: string) => {
      expect(m.has(k), `series ${k} in\n${r.text.slice(0, 400)}`).toBe(true);
      return m.get(k);
    };
    expect(
      at(
        'aduan_http_request_duration_seconds_count{operation="getHealth",method="GET",status="200"}',
      ),
    ).toBe(2);
    expect(
      at(
        'aduan_http_request_duration_seconds_count{operation="listCases",method="GET",status="401"}',
      ),
    ).toBe(1);
    expect(at('aduan_sync_runs{stream="lapor",status="succeeded"}')).toBe(2);
    expect(at('aduan_sync_runs{stream="lapor",status="failed"}')).toBe(1);
    expect(at('aduan_sync_runs{stream="email:inbox",status="succeeded"}')).toBe(1);
    expect(at('aduan_sync_records{stream="lapor",result="added"}')).toBe(6);
    expect(at('aduan_sync_records{stream="lapor",result="unchanged"}')).toBe(26);
    expect(at('aduan_sync_records{stream="lapor",result="failed"}')).toBe(4);
    expect(at('aduan_sync_last_success_timestamp_seconds{stream="lapor"}')).toBe(
      NOW.getTime() / 1000 - 300,
    );
    expect(at('aduan_outbox_backlog{kind="lapor.followup"}')).toBe(2);
    expect(at('aduan_outbox_backlog{kind="whatsapp.reply"}')).toBe(1);
    expect(at('aduan_outbox_oldest_age_seconds{kind="lapor.followup"}')).toBe(1800);
    expect(at('aduan_outbox_oldest_age_seconds{kind="whatsapp.reply"}')).toBe(120);
    expect(at('aduan_dead_letters_open{source="lapor"}')).toBe(2);
    expect(at('aduan_job_last_success_timestamp_seconds{job="recap.monthly"}')).toBe(
      NOW.getTime() / 1000 - 3600,
    );
    expect(at('aduan_sla_breaches_open{instansi="6309-DINSOS"}')).toBe(2);
    expect(at('aduan_sla_breaches_open{instansi="6310-DINSOS"}')).toBe(1);
    expect(at("aduan_process_resident_memory_bytes")).toBeGreaterThan(0);
    // Aggregates only: no case number or text of any row.
    expect(r.text).not.toContain("ADU-2026-9");
  });

  it("a relayed caller needs the token; the token is compared exactly", async () => {
    const relayed = { "x-forwarded-for": "203.0.113.9" };
    expect((await scrape(relayed)).status).toBe(401);
    expect((await scrape({ ...relayed, authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await scrape({ ...relayed, authorization: `Bearer ${TOKEN.slice(1)}` })).status).toBe(
      401,
    );
    expect((await scrape({ ...relayed, authorization: TOKEN })).status).toBe(401);
    const ok = await scrape({ ...relayed, authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("aduan_outbox_backlog");
  });

  it("only the exact path serves metrics", async () => {
    for (const p of ["/Metrics", "/metrics/", "/api/v1/metrics"]) {
      const res = await fetch(`${hub.url}${p}`);
      expect(await res.text(), p).not.toContain("aduan_outbox_backlog");
    }
  });
});
