import { spawn } from "node:child_process";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetDb } from "../../helpers/test-hub.js";
import { count, FAST_RETRY, startHarness, type Harness } from "./lapor-harness.js";
import { LaporClient } from "../../../adapters/lapor/lapor.client.js";
import { createLaporSource } from "../../../adapters/lapor/lapor.sync.js";
import { runSync } from "../../../src/sync/sync-engine.js";
import { replayAllDeadLetters, replayDeadLetter } from "../../../src/sync/dead-letters.js";
import { buildContext } from "../../../src/hub.js";
import { createLogger } from "../../../src/logger.js";

describe("LAPOR! sync faults", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ name: "lapor-faults", count: 200 });
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    await resetDb(h.hub);
    h.faults({});
  });

  const state = () =>
    h.hub.ctx.db.prisma.syncState.findUniqueOrThrow({ where: { stream: "lapor" } });

  it("broken items go to dead letters, unknown status is quarantined with an alert, replay after the fix creates the case", async () => {
    h.faults({ badItemEvery: 10 }); // 20 broken: 10 without tracking_id, 10 with status "Dibekukan"
    const r = await h.sync();
    expect(r).toMatchObject({ status: "succeeded", added: 180, failed: 20 });
    expect(await count(h, "Case")).toBe(180);
    expect(await count(h, "DeadLetter", `status = 'open' AND "errorClass" = 'mapping'`)).toBe(10);
    expect(await count(h, "DeadLetter", `status = 'open' AND "errorClass" = 'quarantine'`)).toBe(
      10,
    );
    expect(await count(h, "Alert", `kind = 'sync.quarantine' AND "resolvedAt" IS NULL`)).toBe(10);
    expect(await count(h, "RawMessage", `status = 'quarantined'`)).toBe(10);
    const dl = await h.hub.ctx.db.prisma.deadLetter.findFirstOrThrow({
      where: { errorClass: "quarantine" },
    });
    expect(dl.error).toContain("LAPOR_STATUS_UNKNOWN");
    expect(dl.rawMessageId).not.toBeNull();
    expect(dl.externalId).toMatch(/^\d{9}$/);

    // Re-sync while upstream is still broken: same letters, attempts grow, no duplicates.
    await h.sync({ full: true });
    expect(await count(h, "DeadLetter")).toBe(20);
    expect(await count(h, "Case")).toBe(180);

    // Still broken upstream: replay fails and keeps the letter open.
    const still = await replayDeadLetter(h.hub.ctx, dl.id);
    expect(still.result).toBe("failed");

    // Upstream fixed: replay refetches the report and creates the case; alert resolved.
    h.faults({});
    const ok = await replayDeadLetter(h.hub.ctx, dl.id);
    expect(ok.result).toBe("replayed");
    expect(await count(h, "Case", `"externalId" = '${dl.externalId}'`)).toBe(1);
    expect(await count(h, "Alert", `kind = 'sync.quarantine' AND "resolvedAt" IS NULL`)).toBe(9);
    const all = await replayAllDeadLetters(h.hub.ctx);
    expect(all.filter((o) => o.result === "replayed")).toHaveLength(9);
    // The 10 letters without tracking_id cannot be refetched; a full sync now stores them.
    const full = await h.sync({ full: true });
    expect(full.failed).toBe(0);
    expect(await count(h, "Case")).toBe(200);
  });

  it("401 stops the stream at once, marks it unhealthy with the reason and alerts; success heals it", async () => {
    const bad = new LaporClient({
      baseUrl: h.running.url,
      token: "wrong-token",
      retryPolicy: FAST_RETRY,
    });
    const before = h.sandbox.state.stats.apiRequests;
    const r = await h.sync({ client: bad });
    expect(r.status).toBe("failed");
    expect(r.unhealthy).toBe(true);
    expect(h.sandbox.state.stats.apiRequests - before).toBe(1); // no retry
    const s = await state();
    expect(s.healthy).toBe(false);
    expect(s.lastError).toBe("Token LAPOR! ditolak (401): perbarui LAPOR_TOKEN");
    expect(await count(h, "Alert", `kind = 'sync.auth' AND "resolvedAt" IS NULL`)).toBe(1);
    const ok = await h.sync();
    expect(ok.status).toBe("succeeded");
    expect((await state()).healthy).toBe(true);
    expect(await count(h, "Alert", `kind = 'sync.auth' AND "resolvedAt" IS NULL`)).toBe(0);
  });

  it("a 503 burst is retried and the run succeeds", async () => {
    h.faults({ fail503Burst: 3 });
    const r = await h.sync();
    expect(r).toMatchObject({ status: "succeeded", added: 200 });
    expect(h.sandbox.state.stats.status503).toBe(3);
  });

  it("429 waits at least Retry-After before the next attempt", async () => {
    const waits: number[] = [];
    const client = new LaporClient({
      baseUrl: h.running.url,
      token: h.sandbox.state.token,
      retryPolicy: FAST_RETRY,
      sleep: async (ms) => {
        waits.push(ms);
        await new Promise((res) => setTimeout(res, 5));
      },
    });
    h.faults({ rateLimitEvery: 2 });
    const r = await h.sync({ client });
    expect(r.status).toBe("succeeded");
    expect(h.sandbox.state.stats.status429).toBeGreaterThan(0);
    expect(waits.length).toBe(h.sandbox.state.stats.status429);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000); // Retry-After: 1
    expect(await count(h, "Case")).toBe(200);
  });

  it("when retries are spent the run fails and the cursor stays where the last stored page left it", async () => {
    await h.sync({ maxPages: 2 }); // 100 stored, as if stopped
    const cursorBefore = (await state()).cursor;
    expect(await count(h, "Case")).toBe(100);
    h.faults({ fail503Burst: 1000 });
    const r = await h.sync();
    expect(r.status).toBe("failed");
    expect(r.error).toContain("tidak dapat dihubungi");
    const s = await state();
    expect(s.cursor).toEqual(cursorBefore);
    expect(s.lastError).toContain("HTTP 503");
    h.faults({});
    const again = await h.sync();
    expect(again).toMatchObject({ status: "succeeded", added: 100 });
    expect(await count(h, "Case")).toBe(200);
  });

  it("a rejected cursor restarts from updated_since minus the overlap", async () => {
    await h.sync({ maxPages: 2 });
    await h.hub.ctx.db.prisma.syncState.update({
      where: { stream: "lapor" },
      data: {
        cursor: {
          cursor: "not-a-cursor!",
          since: ((await state()).cursor as { since: string }).since,
        },
      },
    });
    const r = await h.sync();
    expect(r.status).toBe("succeeded");
    expect(await count(h, "Case")).toBe(200);
  });

  it("a failed attachment download keeps the report and is retried by a later sync", async () => {
    class Flaky extends LaporClient {
      failing = true;
      override async downloadAttachment(url: string, o: { maxBytes: number }) {
        if (this.failing) throw new Error("simulated network failure");
        return super.downloadAttachment(url, o);
      }
    }
    const flaky = new Flaky({
      baseUrl: h.running.url,
      token: h.sandbox.state.token,
      retryPolicy: FAST_RETRY,
    });
    const r = await h.sync({ client: flaky });
    expect(r).toMatchObject({ status: "succeeded", added: 200 });
    const failed = await count(h, "Attachment", `status = 'failed'`);
    expect(failed).toBeGreaterThan(0);
    expect(await count(h, "Attachment", `status = 'stored'`)).toBe(0);
    flaky.failing = false;
    await h.sync({ client: flaky });
    expect(await count(h, "Attachment", `status = 'failed'`)).toBe(0);
    expect(await count(h, "Attachment", `status = 'stored'`)).toBe(failed);
    const a = await h.hub.ctx.db.prisma.attachment.findFirstOrThrow({
      where: { status: "stored" },
    });
    expect(a).toMatchObject({ encrypted: true, keyId: "k1" });
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(["image/jpeg", "application/pdf"]).toContain(a.mime);
  });

  it("two concurrent syncs with separate contexts: one holds the stream, no duplicates", async () => {
    const other = await buildContext(h.hub.ctx.config, {
      logger: createLogger("silent"),
      migrate: false,
    });
    try {
      h.faults({ slowMs: 20 });
      const [a, b] = await Promise.all([
        h.sync(),
        runSync(other, createLaporSource(other, { client: h.client() })),
      ]);
      expect([a.status, b.status].sort()).toEqual(["skipped", "succeeded"]);
      h.faults({});
      const c = await runSync(other, createLaporSource(other, { client: h.client() }));
      expect(c.status).toBe("succeeded");
      expect(await count(h, "Case")).toBe(200);
    } finally {
      await other.db.close();
    }
  });

  it("a process killed mid-sync and restarted loses nothing and duplicates nothing", async () => {
    h.faults({ slowMs: 150 });
    const env = {
      ...process.env,
      DATABASE_URL: h.hub.ctx.config.DATABASE_URL ?? "",
      LAPOR_BASE_URL: h.running.url,
      LAPOR_TOKEN: h.sandbox.state.token,
      LAPOR_PAGE_SIZE: "20",
      LAPOR_ATTACHMENTS: "false",
      ADUAN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      ADUAN_HASH_KEY: Buffer.alloc(32, 9).toString("base64"),
      ADUAN_AUDIT_KEY: Buffer.alloc(32, 11).toString("base64"),
      LOG_LEVEL: "silent",
    };
    const runCli = () =>
      spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "-e",
          `import("./src/cli/main.ts").then((m) => m.main(["sync", "lapor", "--once"]))`,
        ],
        { env, stdio: ["ignore", "pipe", "pipe"] },
      );
    const child = runCli();
    // Kill once some pages are stored but before the end (10 pages of 20).
    for (let i = 0; i < 200; i++) {
      await new Promise((res) => setTimeout(res, 100));
      const n = await count(h, "Case");
      if (n >= 60) break;
    }
    child.kill("SIGKILL");
    await new Promise((res) => child.once("exit", res));
    const partial = await count(h, "Case");
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(200);

    h.faults({});
    const second = runCli();
    let out = "";
    second.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((res) => second.once("exit", res));
    expect(code).toBe(0);
    expect(out).toMatch(/sync lapor: succeeded/);
    expect(out).toMatch(/added \d+/);
    expect(await count(h, "Case")).toBe(200);
    const runs = await h.hub.ctx.db.prisma.syncRun.findMany({ orderBy: { startedAt: "asc" } });
    expect(runs[0]?.status).toBe("failed"); // the killed one, closed by the restart
    expect(runs.at(-1)?.status).toBe("succeeded");
  });
});
