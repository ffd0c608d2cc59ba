// Retention: closed cases past N years are anonymised (persons, bodies, files, raw
// payloads) while the annual report figures of every year stay exactly the same.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";
import { annualCounts } from "../../../src/services/annual-counts.service.js";
import { runRetention } from "../../../src/pdp/retention.js";
import { retentionJob } from "../../../src/jobs/retention.job.js";
import { attachmentFile, writeFileAtomic } from "../../../src/pdp/files.js";
import { addFinding, newCase, NIK_A, NIK_B, staff } from "./pdp-fixtures.js";

const NOW = new Date("2026-11-27T03:00:00Z");
let hub: TestHub;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "aduan-ret-"));
  hub = await startTestHub({
    name: "pdp-retention",
    clock: () => NOW,
    // Cases from 2019 on (past the retention period) are entered through the intake.
    env: { ADUAN_DATA_DIR: dataDir, ADUAN_OFFICE_START: "2015-01-01" },
  });
  await resetDb(hub);
});
afterAll(async () => {
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("pdp retention", () => {
  it("anonymises closed cases past retention; annual counts are unchanged", async () => {
    const ctx = hub.ctx;
    const fo = await staff(ctx, "fo-ret", "front_office");
    const mk = async (received: string, closed: string | null, jenis: string, nik: string) => {
      const c = await newCase(ctx, fo, {
        pelapor: { name: "Hatmiati Binti Saman", phone: "0858-4524-0653" },
        atasNama: { name: "Muhammad Rizki", nik },
        receivedAt: new Date(received),
        keperluan: "Hatmiati minta PBI JK anaknya diaktifkan",
      });
      await ctx.db.prisma.case.update({
        where: { id: c.id },
        data: {
          jenis,
          ...(closed
            ? { status: "selesai", closedAt: new Date(closed) }
            : { status: "ditindaklanjuti" }),
        },
      });
      await ctx.db.prisma.message.create({
        data: {
          caseId: c.id,
          direction: "in",
          channel: "whatsapp",
          body: "isi pesan pribadi",
          at: new Date(received),
        },
      });
      await ctx.db.prisma.rawMessage.create({
        data: {
          channel: "whatsapp",
          body: Buffer.from('{"text":"pribadi"}'),
          sha256: "a",
          caseId: c.id,
          receivedAt: new Date(received),
        },
      });
      await addFinding(ctx, c.id, nik, "Muhammad Rizki");
      return c;
    };
    const old1 = await mk("2019-03-04T02:00:00Z", "2019-03-20T02:00:00Z", "PBI_JK", NIK_A);
    const old2 = await mk("2020-06-01T02:00:00Z", "2021-01-05T02:00:00Z", "BPNT", NIK_B);
    const oldOpen = await mk("2019-05-01T02:00:00Z", null, "PKH", NIK_A);
    const recent = await mk("2025-02-01T02:00:00Z", "2025-02-10T02:00:00Z", "PBI_JK", NIK_B);
    const rel = "files/old1.bin";
    writeFileAtomic(attachmentFile(ctx.config, rel), Buffer.from("ciphertext"));
    await ctx.db.prisma.attachment.create({
      data: {
        caseId: old1.id,
        source: "whatsapp",
        storagePath: rel,
        encrypted: true,
        keyId: "k1",
        status: "stored",
      },
    });
    // A raw payload older than a year on an open case: its own, shorter clock.
    await ctx.db.prisma.rawMessage.create({
      data: {
        channel: "email",
        body: Buffer.from("raw mail"),
        sha256: "b",
        receivedAt: new Date("2025-06-01T00:00:00Z"),
      },
    });

    await ctx.db.prisma.rawMessage.create({
      data: {
        channel: "email",
        body: Buffer.from("fresh"),
        sha256: "c",
        receivedAt: new Date("2026-06-01T00:00:00Z"),
      },
    });
    const years = [2019, 2020, 2021, 2025];
    const before = await Promise.all(years.map((y) => annualCounts(ctx, y)));

    const dry = await runRetention(ctx, { dryRun: true });
    expect(dry).toMatchObject({
      dryRun: true,
      cases: 2,
      parties: 4,
      findings: 2,
      messages: 2,
      attachments: 1,
    });
    expect(await ctx.db.prisma.case.count({ where: { anonymisedAt: { not: null } } })).toBe(0);
    expect(existsSync(attachmentFile(ctx.config, rel))).toBe(true);

    const r = await retentionJob.handler(ctx, undefined as never);
    expect(r).toMatchObject({ cases: 2, parties: 4, messages: 2, attachments: 1 });
    // raw: the two of anonymised cases, plus three more past one year; 2026-06 stays
    expect((r as { rawMessages: number }).rawMessages).toBe(5);

    const after = await Promise.all(years.map((y) => annualCounts(ctx, y)));
    expect(after).toEqual(before);
    expect(before[0]!.total).toBe(2);

    for (const id of [old1.id, old2.id]) {
      const c = await ctx.db.prisma.case.findUniqueOrThrow({
        where: { id },
        include: { parties: true, messages: true, findings: true, attachments: true },
      });
      expect(c.anonymisedAt).toEqual(NOW);
      expect(c.keperluan).not.toContain("Hatmiati");
      expect(c.parties.every((p) => p.name === "(dihapus)" && !p.phoneE164 && !p.nikCipher)).toBe(
        true,
      );
      expect(c.messages.every((m) => m.body !== "isi pesan pribadi")).toBe(true);
      expect(
        c.findings.every((f) => !f.narasiGenerated.includes("Muhammad Rizki") && !f.nikHash),
      ).toBe(true);
    }
    const att = await ctx.db.prisma.attachment.findFirstOrThrow();
    expect(att).toMatchObject({ storagePath: null, status: "deleted" });
    expect(existsSync(attachmentFile(ctx.config, rel))).toBe(false);
    for (const id of [oldOpen.id, recent.id]) {
      const c = await ctx.db.prisma.case.findUniqueOrThrow({
        where: { id },
        include: { parties: true },
      });
      expect(c.anonymisedAt).toBeNull();
      expect(c.parties.map((p) => p.name)).toContain("Muhammad Rizki");
    }
    const raws = await ctx.db.prisma.rawMessage.findMany({ orderBy: { receivedAt: "asc" } });
    expect(raws.filter((m) => m.body.length > 0).map((m) => m.sha256)).toEqual(["c"]);
    expect(raws.every((m) => m.sha256.length > 0)).toBe(true);
    expect(await ctx.db.prisma.auditLog.count({ where: { action: "pdp.retention" } })).toBe(1);

    expect(await runRetention(ctx)).toMatchObject({ cases: 0, rawMessages: 0 });
  });

  it("deletes login attempts older than the throttle reads, and keeps the rest", async () => {
    const ctx = hub.ctx;
    await ctx.db.prisma.loginAttempt.deleteMany();
    const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
    // A staff member's address became known 10 days ago; attempts of 31 and 40 days ago are
    // past what the throttle reads (its window, and 30 days for a known address).
    await ctx.db.prisma.loginAttempt.createMany({
      data: [
        { username: "fo-lama", ip: "10.0.0.9", at: daysAgo(40), success: false },
        { username: "fo-lama", ip: "10.0.0.9", at: daysAgo(31), success: true },
        { username: "fo-lama", ip: "10.0.0.9", at: daysAgo(10), success: true },
        { username: "fo-lama", ip: "10.0.0.9", at: daysAgo(0), success: false },
      ],
    });
    const dry = await runRetention(ctx, { dryRun: true });
    expect(dry.loginAttempts).toBe(2);
    expect(dry.cutoffs.loginAttempts).toBe(daysAgo(30).toISOString());
    expect(await ctx.db.prisma.loginAttempt.count()).toBe(4);
    const r = await retentionJob.handler(ctx, undefined as never);
    expect((r as { loginAttempts: number }).loginAttempts).toBe(2);
    const left = await ctx.db.prisma.loginAttempt.findMany({ orderBy: { at: "asc" } });
    expect(left.map((a) => a.at)).toEqual([daysAgo(10), daysAgo(0)]);
    expect((await runRetention(ctx)).loginAttempts).toBe(0);
  });
});
