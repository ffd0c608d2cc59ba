import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetDb } from "../../helpers/test-hub.js";
import { count, startHarness, type Harness } from "./lapor-harness.js";
import { enqueueLaporTindakLanjut } from "../../../adapters/lapor/lapor.outbox.js";
import { flushOutbox } from "../../../src/outbox/outbox.worker.js";
import type { HubContext } from "../../../src/context.js";

const ISI = "Bantuan sudah diverifikasi dan akan disalurkan minggu depan oleh Dinas Sosial.";

describe("outbox worker with the LAPOR! tindak lanjut handler", () => {
  let h: Harness;
  let now = new Date();
  let ctx: HubContext;
  beforeAll(async () => {
    h = await startHarness({ name: "lapor-outbox", count: 60 });
    ctx = { ...h.hub.ctx, clock: () => new Date(Math.max(now.getTime(), Date.now() + 1000)) };
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    await resetDb(h.hub);
    h.faults({});
    now = new Date();
    await h.sync();
  });

  const openCase = async (
    upstream: string[] = ["Terdisposisi", "Terverifikasi", "Belum Terverifikasi"],
  ) => {
    const c = await h.hub.ctx.db.prisma.case.findFirstOrThrow({
      where: { channel: "lapor", upstreamStatus: { in: upstream } },
      orderBy: { number: "asc" },
    });
    return c;
  };

  it("sends entries of a case strictly in order, even when the first one has to be retried", async () => {
    const c = await openCase();
    const [first, second] = await h.hub.ctx.db.prisma.$transaction(async (tx) => [
      await enqueueLaporTindakLanjut(tx, {
        caseId: c.id,
        trackingId: c.externalId,
        isi: ISI,
        status: "Ditindaklanjuti",
      }),
      await enqueueLaporTindakLanjut(tx, {
        caseId: c.id,
        trackingId: c.externalId,
        isi: `${ISI} Kasus ditutup.`,
        status: "Selesai",
      }),
    ]);
    h.faults({ fail503Burst: 10 });
    const s1 = await flushOutbox(ctx);
    expect(s1).toMatchObject({ claimed: 1, retried: 1, sent: 0 }); // only the head was tried
    h.faults({});
    // The first is waiting for its backoff: the second must not overtake it.
    const s2 = await flushOutbox(ctx);
    expect(s2.claimed).toBe(0);
    let rows = await h.hub.ctx.db.prisma.outbox.findMany({ orderBy: { seq: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["pending", "pending"]);
    expect(rows[0]?.lastError).toContain("503");
    now = new Date(now.getTime() + 2 * 3600_000);
    const s3 = await flushOutbox(ctx);
    expect(s3).toMatchObject({ sent: 2 });
    rows = await h.hub.ctx.db.prisma.outbox.findMany({ orderBy: { seq: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent"]);
    expect(rows[0]!.sentAt!.getTime()).toBeLessThanOrEqual(rows[1]!.sentAt!.getTime());
    const report = h.sandbox.state.getReport(c.externalId)!;
    expect(report.status).toBe("Selesai");
    const tl = report.tindak_lanjut ?? [];
    expect(tl.slice(-2).map((t) => t.isi)).toEqual([ISI, `${ISI} Kasus ditutup.`]);
    expect(first.idempotencyKey).not.toBe(second.idempotencyKey);
  });

  it("a replayed send (same Idempotency-Key) does not post twice", async () => {
    const c = await openCase();
    const e = await enqueueLaporTindakLanjut(h.hub.ctx.db.prisma, {
      caseId: c.id,
      trackingId: c.externalId,
      isi: ISI,
      status: "Ditindaklanjuti",
    });
    await flushOutbox(ctx);
    const before = h.sandbox.state.getReport(c.externalId)!.tindak_lanjut!.length;
    // Simulate a lost answer: the entry is pending again and sent once more.
    await h.hub.ctx.db.prisma.outbox.update({
      where: { id: e.id },
      data: { status: "pending", nextAttemptAt: now },
    });
    const s = await flushOutbox(ctx);
    expect(s.sent).toBe(1);
    expect(h.sandbox.state.getReport(c.externalId)!.tindak_lanjut!.length).toBe(before);
    const row = await h.hub.ctx.db.prisma.outbox.findUniqueOrThrow({ where: { id: e.id } });
    expect(row.response).toMatchObject({ created: false });
    // The next sync stores the follow-up once as a Message.
    await h.sync();
    expect(
      await count(h, "Message", `"caseId" = '${c.id}' AND "externalId" LIKE 'TL-%'`),
    ).toBeGreaterThanOrEqual(1);
  });

  it("409 marks the entry conflict and raises an alert", async () => {
    const c = await openCase();
    h.sandbox.state.bump(c.externalId, { status: "Diarsipkan" });
    await enqueueLaporTindakLanjut(h.hub.ctx.db.prisma, {
      caseId: c.id,
      trackingId: c.externalId,
      isi: ISI,
      status: "Ditindaklanjuti",
    });
    const s = await flushOutbox(ctx);
    expect(s.conflict).toBe(1);
    expect(await count(h, "Outbox", `status = 'conflict'`)).toBe(1);
    expect(await count(h, "Alert", `kind = 'outbox.conflict' AND "resolvedAt" IS NULL`)).toBe(1);
  });

  it("422 moves the entry to a dead letter with the reason", async () => {
    const c = await openCase();
    await enqueueLaporTindakLanjut(h.hub.ctx.db.prisma, {
      caseId: c.id,
      trackingId: c.externalId,
      isi: "terlalu pendek",
      status: "Ditindaklanjuti",
    });
    const s = await flushOutbox(ctx);
    expect(s.dead).toBe(1);
    const dl = await h.hub.ctx.db.prisma.deadLetter.findFirstOrThrow({
      where: { errorClass: "push" },
    });
    expect(dl.source).toBe("outbox:lapor.tindak_lanjut");
    expect(dl.error).toContain("isi");
    expect(await count(h, "Outbox", `status = 'dead'`)).toBe(1);
  });
});
