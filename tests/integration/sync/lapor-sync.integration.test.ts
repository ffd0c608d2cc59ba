import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetDb } from "../../helpers/test-hub.js";
import { count, startHarness, type Harness } from "./lapor-harness.js";
import { randomUUID } from "node:crypto";
import { suggestJenis } from "../../../src/domain/jenis.js";
import { suggestBidang } from "../../../src/domain/workflow.js";
import { clockFor } from "../../../src/services/sla.service.js";
import { loadIntakeEnv } from "../../../src/intake/env.js";
import { intakePort } from "../../../src/intake/upstream.js";
import { inPageTransaction } from "../../../src/sync/page-tx.js";
import type { UpstreamCase } from "../../../src/ports/intake.port.js";

describe("LAPOR! sync against the sandbox on real PostgreSQL", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ name: "lapor-sync", count: 500 });
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    await resetDb(h.hub);
    h.faults({});
  });

  it("creates exactly one case per report, then rewrites nothing on a re-read", async () => {
    const first = await h.sync();
    expect(first).toMatchObject({ status: "succeeded", added: 500, updated: 0, failed: 0 });
    expect(await count(h, "Case", `channel = 'lapor'`)).toBe(500);
    expect(await count(h, "RawMessage", `channel = 'lapor'`)).toBe(500);
    const run = await h.hub.ctx.db.prisma.syncRun.findFirstOrThrow({
      where: { id: first.runId as string },
    });
    expect(run).toMatchObject({
      status: "succeeded",
      added: 500,
      updated: 0,
      unchanged: 0,
      failed: 0,
    });
    expect(run.durationMs).toBeGreaterThanOrEqual(0);

    const numbers = await h.hub.ctx.db.sql.query<{ n: string }>(
      `SELECT count(DISTINCT number)::text AS n FROM "Case"`,
    );
    expect(Number(numbers[0]?.n)).toBe(500);

    // Incremental: only the overlap window is re-read, all of it unchanged.
    const second = await h.sync();
    expect(second).toMatchObject({ status: "succeeded", added: 0, updated: 0, failed: 0 });
    // Full re-read: every row compared by content hash, none rewritten.
    const versionsBefore = await h.hub.ctx.db.sql.query<{ v: string }>(
      `SELECT sum(version)::text AS v FROM "Case"`,
    );
    const full = await h.sync({ full: true });
    expect(full).toMatchObject({ added: 0, updated: 0, unchanged: 500, failed: 0 });
    const versionsAfter = await h.hub.ctx.db.sql.query<{ v: string }>(
      `SELECT sum(version)::text AS v FROM "Case"`,
    );
    expect(versionsAfter).toEqual(versionsBefore);
    expect(await count(h, "RawMessage")).toBe(500);
  });

  it("maps rahasia, anonim, status, lokasi, sumber and tindak lanjut", async () => {
    await h.sync();
    const ids = h.sandbox.state.orderedTrackingIds();
    const reports = ids.map((id) => h.sandbox.state.getReport(id)!);
    const rahasia = reports.filter((r) => r.rahasia);
    const anonim = reports.filter((r) => r.anonim);
    expect(rahasia.length).toBeGreaterThan(0);
    expect(anonim.length).toBeGreaterThan(0);
    // rahasia → no identity at all
    const rahasiaParties = await h.hub.ctx.db.sql.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM "Party" p JOIN "Case" c ON c.id = p."caseId" WHERE c.rahasia`,
    );
    expect(Number(rahasiaParties[0]?.n)).toBe(0);
    expect(await count(h, "Case", "rahasia")).toBe(rahasia.length);
    // anonim → no name
    const named = await h.hub.ctx.db.sql.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM "Party" p JOIN "Case" c ON c.id = p."caseId" WHERE c.anonim AND p.name IS NOT NULL`,
    );
    expect(Number(named[0]?.n)).toBe(0);

    const sample =
      reports.find(
        (r) => !r.rahasia && !r.anonim && r.lokasi?.desa && (r.tindak_lanjut?.length ?? 0) > 0,
      ) ?? reports[0]!;
    const c = await h.hub.ctx.db.prisma.case.findFirstOrThrow({
      where: { channel: "lapor", externalId: sample.tracking_id },
      include: { parties: true, events: true, messages: true },
    });
    expect(c).toMatchObject({
      sumber: sample.sumber,
      upstreamStatus: sample.status,
      klasifikasi: sample.klasifikasi,
      kategori: sample.kategori?.nama ?? null,
      desa: sample.lokasi?.desa ?? null,
      kecamatan: sample.lokasi?.kecamatan ?? null,
    });
    expect(c.number).toMatch(/^ADU-\d{4}-\d{6}$/);
    expect(c.events.map((e) => e.type)).toContain("case.created");
    expect(c.parties.filter((p) => p.role === "pelapor")).toHaveLength(sample.pelapor ? 1 : 0);
    expect(c.messages.map((m) => m.externalId).sort()).toEqual(
      (sample.tindak_lanjut ?? []).map((t) => t.id).sort(),
    );
    expect(c.messages.every((m) => m.direction === "out" && m.channel === "lapor")).toBe(true);
  });

  it("a report updated during the sync is updated, not duplicated; duplicates across pages are absorbed", async () => {
    await h.sync();
    const victim = h.sandbox.state.orderedTrackingIds()[0]!;
    h.sandbox.state.bump(victim, { status: "Selesai" });
    h.faults({ updateDuringSync: 2, duplicateAcrossPages: true });
    const full = await h.sync({ full: true });
    expect(full.status).toBe("succeeded");
    expect(full.added).toBe(0);
    expect(full.updated).toBeGreaterThanOrEqual(2); // the bumped one, and the one bumped mid-sync
    expect(await count(h, "Case")).toBe(500);
    const c = await h.hub.ctx.db.prisma.case.findFirstOrThrow({
      where: { externalId: victim },
      include: { events: true },
    });
    expect(c).toMatchObject({ upstreamStatus: "Selesai", status: "selesai" });
    expect(c.closedAt).not.toBeNull();
    const ev = c.events.find((e) => e.type === "lapor.status_changed");
    expect(ev?.data).toMatchObject({ upstreamStatusTo: "Selesai", statusTo: "selesai" });
    expect(h.sandbox.state.stats.bumped).toHaveLength(1);
    // A later incremental run picks up anything moved behind the cursor; still no duplicate.
    await h.sync();
    expect(await count(h, "Case")).toBe(500);
  });

  // Pages after the first are prepared ahead (src/intake/upstream.ts prepareUpstream)
  // while the page before is written: what they hold must be what each page would make.
  it("every page's cases, prepared ahead or not, carry the jenis, bidang and deadline of their own text and dates", async () => {
    const r = await h.sync();
    expect(r).toMatchObject({ added: 500, failed: 0 });
    const env = await loadIntakeEnv(h.hub.ctx);
    const rows = await h.hub.ctx.db.sql.query<{
      title: string | null;
      keperluan: string;
      status: string;
      receivedAt: Date;
      upstreamUpdatedAt: Date;
      jenis: string | null;
      jenisSuggested: string | null;
      jenisRule: string | null;
      dueAt: Date | null;
      currentStep: string | null;
      stepStartedAt: Date | null;
      bidangSuggested: string | null;
    }>(
      `SELECT c.title, c.keperluan, c.status, c."receivedAt", c."upstreamUpdatedAt", c.jenis,
              c."jenisSuggested", c."jenisRule", c."dueAt", c."currentStep", c."stepStartedAt",
              e.data->>'bidangSuggested' AS "bidangSuggested"
         FROM "Case" c JOIN "CaseEvent" e ON e."caseId" = c.id AND e.type = 'case.created'
        WHERE c.channel = 'lapor'`,
    );
    expect(rows).toHaveLength(500);
    for (const c of rows) {
      const s = suggestJenis(c.title ? `${c.title}\n${c.keperluan}` : c.keperluan);
      expect({ jenis: c.jenis, rule: c.jenisRule }).toEqual({ jenis: s.jenis, rule: s.rule });
      expect(c.bidangSuggested).toBe(suggestBidang(s.jenis, env.bidangTable));
      const clock = clockFor(env.policy, env.calendar, {
        channel: "lapor",
        status: c.status as Parameters<typeof clockFor>[2]["status"],
        receivedAt: c.receivedAt,
        stepStartedAt: c.status === "diterima" ? c.receivedAt : c.upstreamUpdatedAt,
        now: new Date(),
      });
      expect({ due: c.dueAt, step: c.currentStep, at: c.stepStartedAt }).toEqual({
        due: clock.dueAt,
        step: clock.currentStep,
        at: clock.stepStartedAt,
      });
    }
  });

  it("a case prepared ahead under a bidang table that changed before its page is prepared again", async () => {
    const ctx = h.hub.ctx;
    await loadIntakeEnv(ctx);
    const port = intakePort(ctx);
    const record: UpstreamCase = {
      channel: "lapor",
      externalId: `AHEAD-${randomUUID().slice(0, 8)}`,
      title: "PKH tidak cair",
      keperluan: "Bantuan PKH saya tidak cair sejak tiga bulan",
      klasifikasi: null,
      kategori: null,
      upstreamStatus: "Belum Diverifikasi",
      hubStatus: "diterima",
      rahasia: false,
      anonim: false,
      sumber: "web",
      receivedAt: new Date(),
      upstreamUpdatedAt: new Date(),
      reporter: null,
      lokasi: { kecamatan: null, desa: null },
      attachments: [],
      tindakLanjut: [],
      contentHash: "ahead",
    };
    await port.prepareUpstream([record], { origin: "api" });
    // The admin moves PKH to another bidang between the preparation and the page.
    await ctx.db.prisma.catalogueVersion.create({
      data: {
        kind: "bidang_table",
        version: 9001,
        source: "admin",
        data: { PKH: "REHSOS" },
      },
    });
    await loadIntakeEnv(ctx);
    const result = await inPageTransaction(ctx, (tx) =>
      port.applyUpstream(tx, [{ record, rawMessageId: randomUUID(), existingCaseId: null }], {
        origin: "api",
      }),
    );
    expect(result.added).toBe(1);
    const ev = await ctx.db.prisma.caseEvent.findFirstOrThrow({
      where: { type: "case.created", case: { externalId: record.externalId } },
    });
    expect(ev.data).toMatchObject({ jenis: "PKH", bidangSuggested: "REHSOS" });
  });

  it("never moves a case the hub closed backwards", async () => {
    await h.sync();
    const id = h.sandbox.state.orderedTrackingIds()[3]!;
    await h.hub.ctx.db.prisma.case.update({
      where: {
        instansi_channel_externalId: { instansi: "6309-DINSOS", channel: "lapor", externalId: id },
      },
      data: { status: "selesai", closedAt: new Date() },
    });
    h.sandbox.state.bump(id, { status: "Ditindaklanjuti" });
    const r = await h.sync();
    expect(r.updated).toBe(1);
    const c = await h.hub.ctx.db.prisma.case.findFirstOrThrow({ where: { externalId: id } });
    expect(c).toMatchObject({ status: "selesai", upstreamStatus: "Ditindaklanjuti" });
  });
});
