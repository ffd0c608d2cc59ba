// Issue 13, item 2 (application level): two offices on one hub. Every finding of the issue
// is reproduced here with a user of office A (the default office, Tabalong) and of office
// B (Balangan): B must not see, change or count anything of A, and the reverse.
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import {
  PASSWORD,
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { main } from "../../../src/cli/main.js";
import { ingestInbound } from "../../../src/services/inbound.service.js";
import { recordDeadLetter } from "../../../src/sync/dead-letters.js";
import { witaYear } from "../../../src/domain/time.js";
import { migrationFiles } from "../../../src/db/migrate.js";
import { collectSubjectData } from "../../../src/pdp/subject-export.js";
import { addFinding, NIK_A } from "../pdp/pdp-fixtures.js";

const A = "6309-DINSOS";
const B = "6311-DINSOS";

type Client = ReturnType<typeof apiClient>;
let hub: TestHub;
let now = new Date("2026-11-20T02:00:00Z");

beforeAll(async () => {
  hub = await startTestHub({ name: "offices", clock: () => now });
});
afterAll(async () => {
  await hub?.close();
});
beforeEach(async () => {
  now = new Date("2026-11-20T02:00:00Z");
  await resetDb(hub);
});

async function as(
  username: string,
  role: Parameters<typeof userWithToken>[2],
  instansi: string,
  bidang?: string,
): Promise<Client & { id: string; token: string }> {
  const u = await userWithToken(hub, username, role, bidang, instansi);
  return Object.assign(apiClient(hub, u.token), { id: u.id, token: u.token });
}

async function deskCase(
  fo: Client,
  over: Record<string, unknown> = {},
): Promise<{ id: string; number: string; parties: { id: string; role: string }[] }> {
  const r = await fo.post<{ id: string; number: string; parties: { id: string; role: string }[] }>(
    "/api/v1/cases",
    {
      channel: "datang_langsung",
      pelapor: { name: "Warga", phone: "0812-5110-7788" },
      keperluan: "Saldo BPNT tidak masuk",
      ...over,
    },
  );
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function importCsv(token: Client, csv: string) {
  return token.post<Record<string, unknown>>("/api/v1/imports/lapor-export", csv, {
    "content-type": "text/csv",
    "x-file-name": "ekspor.csv",
  });
}

const exportCsv = (rows: string[]) =>
  ["No. Tracking;Tanggal Masuk;Kategori;Isi Laporan;Status", ...rows].join("\n");

describe("users API", () => {
  it("an admin lists, changes and creates users of its own office only", async () => {
    const adminA = await as("adm-a", "admin", A);
    const adminB = await as("adm-b", "admin", B);
    const foA = await as("fo-a", "front_office", A);
    await as("fo-b", "front_office", B);

    const listB = await adminB.get<{ data: { username: string }[] }>("/api/v1/users");
    expect(listB.status).toBe(200);
    expect(listB.body.data.map((u) => u.username)).toEqual(["adm-b", "fo-b"]);
    const listA = await adminA.get<{ data: { username: string }[] }>("/api/v1/users");
    expect(listA.body.data.map((u) => u.username)).toEqual(["adm-a", "fo-a"]);

    // A's user answers 404 to B's admin, as if absent, and nothing changes.
    const before = await hub.ctx.db.prisma.user.findUniqueOrThrow({ where: { id: foA.id } });
    const patch = await adminB.patch<{ code: string }>(`/api/v1/users/${foA.id}`, {
      password: "kata-sandi-baru-yang-panjang",
      role: "admin",
    });
    expect(patch.status).toBe(404);
    const after = await hub.ctx.db.prisma.user.findUniqueOrThrow({ where: { id: foA.id } });
    expect(after).toMatchObject({ role: "front_office", passwordHash: before.passwordHash });
    // A's user still logs in with the old password.
    const login = await apiClient(hub).post("/api/v1/auth/login", {
      username: "fo-a",
      password: PASSWORD,
    });
    expect(login.status).toBe(200);

    const created = await adminB.post<{ id: string }>("/api/v1/users", {
      username: "koor-b",
      password: "kata-sandi-koor-b-123",
      role: "koordinator",
    });
    expect(created.status).toBe(201);
    const row = await hub.ctx.db.prisma.user.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.instansi).toBe(B);
  });

  it("aduan-hub user add --instansi puts the user in that office; the default office otherwise", async () => {
    async function cli(args: string[]): Promise<{ out: string; code: number }> {
      const lines: string[] = [];
      const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => {
        lines.push(a.map(String).join(" "));
      });
      const errs = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => {
        lines.push(a.map(String).join(" "));
      });
      const prev = { ...process.env };
      process.exitCode = undefined;
      Object.assign(process.env, {
        DATABASE_URL: hub.ctx.config.DATABASE_URL,
        ADUAN_ENCRYPTION_KEY: hub.ctx.config.ADUAN_ENCRYPTION_KEY,
        ADUAN_HASH_KEY: hub.ctx.config.ADUAN_HASH_KEY,
        ...(hub.ctx.config.ADUAN_AUDIT_KEY
          ? { ADUAN_AUDIT_KEY: hub.ctx.config.ADUAN_AUDIT_KEY }
          : {}),
        ADUAN_PASSWORD: "kata-sandi-cli-yang-panjang",
        LOG_LEVEL: "silent",
      });
      try {
        await main(args);
      } finally {
        process.env = prev;
        log.mockRestore();
        errs.mockRestore();
      }
      const code = Number(process.exitCode ?? 0);
      process.exitCode = undefined;
      return { out: lines.join("\n"), code };
    }
    const b = await cli(["user", "add", "admin-balangan", "--role", "admin", "--instansi", B]);
    expect(b.code).toBe(0);
    expect(b.out).toContain(`instansi ${B}`);
    const d = await cli(["user", "add", "admin-tabalong", "--role", "admin"]);
    expect(d.code).toBe(0);
    const bad = await cli(["user", "add", "admin-x", "--role", "admin", "--instansi", "balangan"]);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain("INSTANSI_INVALID");
    const rows = await hub.ctx.db.prisma.user.findMany({
      select: { username: true, instansi: true },
      orderBy: { username: "asc" },
    });
    expect(rows).toEqual([
      { username: "admin-balangan", instansi: B },
      { username: "admin-tabalong", instansi: A },
    ]);
  });
});

describe("case numbers", () => {
  it("are counted per office: each office starts at 1", async () => {
    const foA = await as("fo-a", "front_office", A);
    const foB = await as("fo-b", "front_office", B);
    const year = witaYear(now);
    const a1 = await deskCase(foA);
    const b1 = await deskCase(foB);
    const a2 = await deskCase(foA);
    expect([a1.number, b1.number, a2.number]).toEqual([
      `ADU-${year}-000001`,
      `ADU-${year}-000001`,
      `ADU-${year}-000002`,
    ]);
    // The same number in two offices: each office reads its own case.
    const gotB = await foB.get<{ id: string }[]>(`/api/v1/cases?q=${b1.number}`);
    expect(gotB.status).toBe(200);
    expect(JSON.stringify(gotB.body)).not.toContain(a1.id);
  });
});

describe("case numbers migration", () => {
  it("keeps the shared counter for the default office and starts every other office after its highest number", async () => {
    const adminUrl = inject("adminUrl");
    const name = `aduan_offices_mig_${process.pid}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    const db = new pg.Client({ connectionString: adminUrl.replace(/\/[^/]*$/, `/${name}`) });
    await db.connect();
    try {
      const files = migrationFiles();
      const mine = files.findIndex((f) => f.name.startsWith("20261206130000_"));
      expect(mine).toBeGreaterThan(0);
      for (const f of files.slice(0, mine)) await db.query(f.sql);
      // Before: one counter for every office; B holds numbers 2 and 5 of the shared series.
      await db.query(`INSERT INTO "CaseCounter" (year, last) VALUES (2025, 7), (2026, 3)`);
      const kase = (instansi: string, number: string) =>
        db.query(
          `INSERT INTO "Case" (id, instansi, number, channel, "externalId", keperluan, "receivedAt", "updatedAt")
           VALUES (gen_random_uuid(), $1, $2, 'datang_langsung', $2, 'x', now(), now())`,
          [instansi, number],
        );
      await kase(A, "ADU-2026-000001");
      await kase(B, "ADU-2026-000002");
      await kase(B, "ADU-2025-000005");
      await kase(A, "ADU-2026-000003");
      for (const f of files.slice(mine)) await db.query(f.sql);
      const counters = await db.query<{ instansi: string; year: number; last: number }>(
        `SELECT instansi, year, last FROM "CaseCounter" ORDER BY instansi, year`,
      );
      expect(counters.rows).toEqual([
        { instansi: A, year: 2025, last: 7 },
        { instansi: A, year: 2026, last: 3 },
        { instansi: B, year: 2025, last: 5 },
        { instansi: B, year: 2026, last: 2 },
      ]);
      // One number per office: another office may reuse it, the same office may not.
      await kase(B, "ADU-2026-000001");
      await expect(kase(B, "ADU-2026-000001")).rejects.toThrow(/duplicate key/);
    } finally {
      await db.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe("PDP subject requests", () => {
  it("B's kadis finds and exports nothing of A's person, and a deletion leaves A's cases alone", async () => {
    const foA = await as("fo-a", "front_office", A);
    const kadisA = await as("kadis-a", "kadis", A);
    const kadisB = await as("kadis-b", "kadis", B);
    const c = await deskCase(foA, {
      atasNama: { name: "Rahmah", nik: NIK_A },
    });
    await hub.ctx.db.prisma.case.update({ where: { id: c.id }, data: { status: "selesai" } });
    await addFinding(hub.ctx, c.id, NIK_A, "Rahmah");

    const access = await kadisB.post<{ id: string }>("/api/v1/pdp/requests", {
      kind: "access",
      nik: NIK_A,
      note: "permintaan akses",
    });
    expect(access.status).toBe(201);
    const zip = await fetch(`${hub.url}/api/v1/pdp/requests/${access.body.id}/export`, {
      headers: { authorization: `Bearer ${kadisB.token}` },
    });
    expect(zip.status).toBe(200);
    const stored = await hub.ctx.db.prisma.subjectRequest.findUniqueOrThrow({
      where: { id: access.body.id },
    });
    expect(stored.result).toMatchObject({ exportedCases: 0 });
    const data = await collectSubjectData(hub.ctx, access.body.id);
    expect(data.kasus).toEqual([]);
    expect(JSON.stringify(data)).not.toContain(NIK_A);

    // A's own kadis finds the person (the office scope does not hide one's own).
    const own = await kadisA.post<{ id: string }>("/api/v1/pdp/requests", {
      kind: "access",
      nik: NIK_A,
      note: "permintaan akses",
    });
    const ownZip = await fetch(`${hub.url}/api/v1/pdp/requests/${own.body.id}/export`, {
      headers: { authorization: `Bearer ${kadisA.token}` },
    });
    expect(ownZip.status).toBe(200);
    const ownStored = await hub.ctx.db.prisma.subjectRequest.findUniqueOrThrow({
      where: { id: own.body.id },
    });
    expect(ownStored.result).toMatchObject({ exportedCases: 1 });

    // Lists, reads, exports and completions of another office's request: absent.
    const listB = await kadisB.get<{ data: { id: string }[] }>("/api/v1/pdp/requests");
    expect(listB.body.data.map((r) => r.id)).toEqual([access.body.id]);
    expect((await kadisB.get(`/api/v1/pdp/requests/${own.body.id}`)).status).toBe(404);
    const crossZip = await fetch(`${hub.url}/api/v1/pdp/requests/${own.body.id}/export`, {
      headers: { authorization: `Bearer ${kadisB.token}` },
    });
    expect(crossZip.status).toBe(404);
    expect(
      (await kadisB.post(`/api/v1/pdp/requests/${own.body.id}/complete`, { note: "x" })).status,
    ).toBe(404);

    for (const kind of ["deletion", "restriction"] as const) {
      const del = await kadisB.post<{ id: string }>("/api/v1/pdp/requests", {
        kind,
        nik: NIK_A,
        note: `permintaan ${kind}`,
      });
      const done = await kadisB.post<{ result: Record<string, number> }>(
        `/api/v1/pdp/requests/${del.body.id}/complete`,
        {},
      );
      expect(done.status).toBe(200);
    }
    const party = await hub.ctx.db.prisma.party.findFirstOrThrow({
      where: { caseId: c.id, role: "atas_nama" },
    });
    expect(party).toMatchObject({ name: "Rahmah", restricted: false });
    expect(party.nikHash).not.toBeNull();
    const finding = await hub.ctx.db.prisma.finding.findFirstOrThrow({ where: { caseId: c.id } });
    expect(finding.personName).toBe("Rahmah");
  });
});

describe("LAPOR! export import", () => {
  it("B's import leaves A's case of the same tracking id untouched", async () => {
    const foA = await as("fo-a", "front_office", A);
    const foB = await as("fo-b", "front_office", B);
    const first = await importCsv(
      foA,
      exportCsv(["77701001;05/03/2024 09:15;Bantuan Sosial;BPNT belum cair;Terdisposisi"]),
    );
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ created: 1 });
    const caseA = await hub.ctx.db.prisma.case.findFirstOrThrow({
      where: { channel: "lapor", externalId: "77701001" },
    });
    expect(caseA).toMatchObject({ instansi: A, status: "diterima" });

    const second = await importCsv(
      foB,
      exportCsv(["77701001;05/03/2024 09:15;Bantuan Sosial;BPNT belum cair;Selesai"]),
    );
    expect(second.status).toBe(200);
    const afterA = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: caseA.id } });
    expect(afterA).toMatchObject({
      status: "diterima",
      version: caseA.version,
      upstreamStatus: "Terdisposisi",
      closedAt: null,
    });
    expect(await hub.ctx.db.prisma.caseEvent.count({ where: { caseId: caseA.id } })).toBe(1);
    // For B the tracking id was absent: it is B's own case now.
    const inB = await hub.ctx.db.prisma.case.findMany({
      where: { instansi: B, channel: "lapor" },
    });
    expect(inB).toHaveLength(1);
    // Import runs are the importer's office's.
    const runs = await hub.ctx.db.prisma.importRun.findMany({
      select: { instansi: true, actorId: true },
      orderBy: { startedAt: "asc" },
    });
    expect(runs.map((r) => r.instansi).sort()).toEqual([A, B]);
  });

  it("a status change it applies is the importer's, on the timeline and in the audit trail", async () => {
    const foA = await as("fo-a", "front_office", A);
    await importCsv(
      foA,
      exportCsv(["77701002;05/03/2024 09:15;Bantuan Sosial;PKH belum cair;Terdisposisi"]),
    );
    const c = await hub.ctx.db.prisma.case.findFirstOrThrow({ where: { externalId: "77701002" } });
    const r = await importCsv(
      foA,
      exportCsv(["77701002;05/03/2024 09:15;Bantuan Sosial;PKH belum cair;Selesai"]),
    );
    expect(r.body).toMatchObject({ updated: 1 });
    const after = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.status).toBe("selesai");
    const ev = await hub.ctx.db.prisma.caseEvent.findFirstOrThrow({
      where: { caseId: c.id, type: "status.changed" },
    });
    expect(ev.actorId).toBe(foA.id);
    // diterima → selesai is no step of the workflow: an explicit upstream jump.
    expect(ev.data).toMatchObject({
      from: "diterima",
      to: "selesai",
      kind: "upstream",
      workflowStep: null,
      skipped: ["diverifikasi", "didisposisi", "ditindaklanjuti"],
      upstream: { statusFrom: "Terdisposisi", statusTo: "Selesai" },
    });
    const trail = await hub.ctx.db.prisma.auditLog.findFirstOrThrow({
      where: { caseId: c.id, action: "case.transition" },
    });
    expect(trail).toMatchObject({ actorId: foA.id, actorName: "fo-a", instansi: A });
    expect(trail.data).toMatchObject({ from: "diterima", to: "selesai", upstream: true });
  });
});

describe("party links", () => {
  it("never suggest, show or confirm another office's people", async () => {
    const foB = await as("fo-b", "front_office", B);
    const koorA = await as("koor-a", "koordinator", A);
    const koorB = await as("koor-b", "koordinator", B);
    const caseB = await deskCase(foB, { pelapor: { name: "Warga B", phone: "0812-5110-7788" } });
    // A WhatsApp message of the same phone opens a case in the default office (A).
    const r = await ingestInbound(hub.ctx, {
      channel: "whatsapp",
      externalId: "wamid.offices-1",
      rawMessageId: null,
      receivedAt: now,
      from: { name: "Warga A", phoneE164: "+6281251107788", waId: "6281251107788" },
      text: "Bantuan PKH belum cair",
      lockKey: "wa:6281251107788",
      ackKind: null,
    });
    expect(r.status).toBe("created");
    const links = await koorA.get<{ items: { otherCase: { id: string } }[] }>(
      `/api/v1/cases/${r.caseId}/party-links`,
    );
    expect(links.status).toBe(200);
    expect(links.body.items).toEqual([]);
    expect(await hub.ctx.db.prisma.partyLink.count()).toBe(0);

    // A link made before offices were kept apart: neither listed nor decidable across.
    const pA = await hub.ctx.db.prisma.party.findFirstOrThrow({ where: { caseId: r.caseId } });
    const link = await hub.ctx.db.prisma.partyLink.create({
      data: { partyId: pA.id, otherPartyId: caseB.parties[0]!.id, basis: "phone" },
    });
    const listed = await koorA.get<{ items: unknown[] }>(`/api/v1/cases/${r.caseId}/party-links`);
    expect(listed.body.items).toEqual([]);
    expect((await koorB.post(`/api/v1/party-links/${link.id}/confirm`)).status).toBe(404);
    expect((await koorA.post(`/api/v1/party-links/${link.id}/confirm`)).status).toBe(404);
    const still = await hub.ctx.db.prisma.partyLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(still.status).toBe("suggested");
  });
});

describe("lists that were global", () => {
  it("case counts, dead letters, outbox and import runs show the caller's office only", async () => {
    const foA = await as("fo-a", "front_office", A);
    const foB = await as("fo-b", "front_office", B);
    const adminA = await as("adm-a", "admin", A);
    const adminB = await as("adm-b", "admin", B);
    const koorB = await as("koor-b", "koordinator", B);
    const a1 = await deskCase(foA);
    await deskCase(foA);
    await deskCase(foB);

    const countsB = await foB.get<{ total: number }>("/api/v1/console/case-counts");
    expect(countsB.status).toBe(200);
    expect(countsB.body.total).toBe(1);
    const countsA = await foA.get<{ total: number }>("/api/v1/console/case-counts");
    expect(countsA.body.total).toBe(2);

    // Dead letters: one of the system stream (default office), one of B's own import.
    await recordDeadLetter(hub.ctx.db.prisma, {
      source: "lapor",
      externalId: "88800001",
      rawMessageId: null,
      payload: { tracking_id: "88800001", isi: "data pribadi" },
      errorClass: "mapping",
      error: "baris rusak",
      at: now,
    });
    const imp = await importCsv(
      foB,
      exportCsv(["88800002;bukan tanggal;Lainnya;Isi laporan;Terdisposisi"]),
    );
    expect(imp.body).toMatchObject({ failed: 1 });
    const dlA = await adminA.get<{ data: { externalId: string }[] }>("/api/v1/dead-letters");
    const dlB = await adminB.get<{ data: { externalId: string; id: string }[] }>(
      "/api/v1/dead-letters",
    );
    expect(dlA.body.data.map((d) => d.externalId)).toEqual(["88800001"]);
    expect(dlB.body.data.map((d) => d.externalId)).toEqual(["88800002"]);
    const aLetter = await hub.ctx.db.prisma.deadLetter.findFirstOrThrow({
      where: { externalId: "88800001" },
    });
    expect((await adminB.post(`/api/v1/dead-letters/${aLetter.id}/replay`)).status).toBe(404);
    const all = await adminB.post<{ data: { id: string }[] }>("/api/v1/dead-letters/replay-all");
    expect(all.body.data.map((o) => o.id)).not.toContain(aLetter.id);
    expect(
      (await hub.ctx.db.prisma.deadLetter.findUniqueOrThrow({ where: { id: aLetter.id } })).status,
    ).toBe("open");

    // Outbox: an entry of A's case is A's.
    await hub.ctx.db.prisma.outbox.create({
      data: {
        caseId: a1.id,
        kind: "email.reply",
        target: "warga@example.id",
        payload: {},
        idempotencyKey: "offices-outbox-1",
      },
    });
    const obB = await koorB.get<{ data: unknown[] }>("/api/v1/outbox");
    expect(obB.status).toBe(200);
    expect(obB.body.data).toEqual([]);
    const obA = await adminA.get<{ data: { caseId: string }[] }>("/api/v1/outbox");
    expect(obA.body.data.map((o) => o.caseId)).toEqual([a1.id]);

    // Import runs: B's run is not A's to read.
    const runB = await hub.ctx.db.prisma.importRun.findFirstOrThrow({ where: { instansi: B } });
    expect((await adminA.get(`/api/v1/imports/${runB.id}`)).status).toBe(404);
  });
});

describe("recap push", () => {
  // Targets per office, and another office's target refused: recap-offices.integration.
  it("with no target configured, an office's koordinator is told so, nothing queued", async () => {
    const koorB = await as("koor-b-recap", "koordinator", B);
    const before = await hub.ctx.db.prisma.outbox.count();
    const r = await koorB.post<{ code: string }>("/api/v1/recap/push", { periode: "2026-10" });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("REKAP_NOT_CONFIGURED");
    expect(await hub.ctx.db.prisma.outbox.count()).toBe(before);
  });
});
