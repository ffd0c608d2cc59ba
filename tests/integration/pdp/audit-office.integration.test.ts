// The processing record is per office: every row carries the office (instansi) of its actor
// (system rows: of their case), GET /api/v1/audit shows a kadis only their own office's
// rows, and the hash chain covers the office for old and new rows alike.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  PASSWORD,
  apiClient,
  resetDb,
  startTestHub,
  type TestHub,
} from "../../helpers/test-hub.js";
import { addUser } from "../../../src/services/auth.service.js";
import { audit } from "../../../src/services/audit.service.js";
import { sealAuditChain, verifyAuditChain } from "../../../src/pdp/audit-chain.js";
import { breachReport } from "../../../src/pdp/breach.js";

type Entry = { id: string; action: string; caseId: string | null; actorName: string };
type Page = { data: Entry[]; nextCursor: string | null };

const TABALONG = "6309-DINSOS";
const BALANGAN = "6311-DINSOS";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ name: "pdp-audit-office" });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  await resetDb(hub);
});

async function login(username: string, instansi: string, role: "front_office" | "kadis") {
  await addUser(hub.ctx, { username, password: PASSWORD, role, instansi });
  const r = await apiClient(hub).post<{ token: string }>("/api/v1/auth/login", {
    username,
    password: PASSWORD,
  });
  expect(r.status).toBe(200);
  return apiClient(hub, r.body.token);
}

async function twoOffices() {
  const foT = await login("fo-tabalong", TABALONG, "front_office");
  const foB = await login("fo-balangan", BALANGAN, "front_office");
  const kadisT = await login("kadis-tabalong", TABALONG, "kadis");
  const kadisB = await login("kadis-balangan", BALANGAN, "kadis");
  const caseT = await foT.post<{ id: string; number: string }>("/api/v1/cases", {
    channel: "datang_langsung",
    pelapor: { name: "Warga Tanjung", phone: "0812-5110-7788" },
    keperluan: "Saldo BPNT tidak masuk",
  });
  const caseB = await foB.post<{ id: string; number: string }>("/api/v1/cases", {
    channel: "datang_langsung",
    pelapor: { name: "Warga Paringin", phone: "0858-4524-0653" },
    keperluan: "Kartu KKS hilang",
  });
  expect([caseT.status, caseB.status]).toEqual([201, 201]);
  // A read of personal data in each office.
  expect((await foT.get(`/api/v1/cases/${caseT.body.id}`)).status).toBe(200);
  expect((await foB.get(`/api/v1/cases/${caseB.body.id}`)).status).toBe(200);
  return { foT, foB, kadisT, kadisB, caseT: caseT.body, caseB: caseB.body };
}

describe("audit trail per office", () => {
  it("records the actor's office on every row, and the case's office for system rows", async () => {
    const { caseT, caseB } = await twoOffices();
    await audit(hub.ctx.db.prisma, { actor: null, action: "case.read", caseId: caseB.id });
    await audit(hub.ctx.db.prisma, { actor: null, action: "sync.run" });
    // An actor given without its office (as the report and recap handlers pass it).
    const fo = await hub.ctx.db.prisma.user.findUniqueOrThrow({
      where: { username: "fo-balangan" },
    });
    await audit(hub.ctx.db.prisma, {
      actor: { id: fo.id, username: fo.username },
      action: "recap.push.enqueue",
    });

    const rows = await hub.ctx.db.prisma.auditLog.findMany({ orderBy: { id: "asc" } });
    const byCase = (id: string) => rows.filter((r) => r.caseId === id).map((r) => r.instansi);
    expect(byCase(caseT.id).length).toBeGreaterThan(0);
    expect(new Set(byCase(caseT.id))).toEqual(new Set([TABALONG]));
    expect(byCase(caseB.id).length).toBeGreaterThan(1);
    expect(new Set(byCase(caseB.id))).toEqual(new Set([BALANGAN]));
    expect(rows.find((r) => r.action === "sync.run")?.instansi).toBe(TABALONG);
    expect(rows.find((r) => r.action === "recap.push.enqueue")?.instansi).toBe(BALANGAN);
  });

  it("each kadis sees only their own office's audit rows", async () => {
    const { kadisT, kadisB, caseT, caseB } = await twoOffices();

    const t = await kadisT.get<Page>("/api/v1/audit?limit=200");
    const b = await kadisB.get<Page>("/api/v1/audit?limit=200");
    expect([t.status, b.status]).toEqual([200, 200]);
    const casesOf = (p: Page) => new Set(p.data.map((e) => e.caseId).filter(Boolean));
    expect(casesOf(t.body)).toEqual(new Set([caseT.id]));
    expect(casesOf(b.body)).toEqual(new Set([caseB.id]));
    expect(t.body.data.map((e) => e.actorName)).not.toContain("fo-balangan");
    expect(b.body.data.map((e) => e.actorName)).not.toContain("fo-tabalong");
    expect(b.body.data.map((e) => e.action)).toEqual(
      expect.arrayContaining(["case.create", "case.read"]),
    );

    // Asking for the other office's case or user by name finds nothing.
    const other = await kadisT.get<Page>(`/api/v1/audit?case=${caseB.id}`);
    expect(other.body.data).toEqual([]);
    const otherUser = await kadisT.get<Page>(`/api/v1/audit?user=fo-balangan`);
    expect(otherUser.body.data).toEqual([]);
    // The other office's reading of its own trail is not in this office's trail either.
    const reads = await kadisT.get<Page>(`/api/v1/audit?action=audit.read`);
    expect(reads.body.data.map((e) => e.actorName)).toEqual(
      expect.arrayContaining(["kadis-tabalong"]),
    );
    expect(reads.body.data.map((e) => e.actorName)).not.toContain("kadis-balangan");
  });

  it("hides rows written before the office was recorded when they name another office", async () => {
    const { kadisT, caseB } = await twoOffices();
    const foB = await hub.ctx.db.prisma.user.findUniqueOrThrow({
      where: { username: "fo-balangan" },
    });
    // Old rows: the column default, whatever office the case or actor was in.
    await hub.ctx.db.prisma.auditLog.createMany({
      data: [
        { actorName: "system", action: "case.read", caseId: caseB.id },
        { actorId: foB.id, actorName: foB.username, action: "report.monthly.export" },
        { actorName: "system", action: "sync.run" },
      ],
    });
    const t = await kadisT.get<Page>("/api/v1/audit?limit=200");
    expect(t.body.data.some((e) => e.caseId === caseB.id)).toBe(false);
    expect(t.body.data.map((e) => e.action)).not.toContain("report.monthly.export");
    expect(t.body.data.map((e) => e.action)).toContain("sync.run");
  });

  it("keeps the hash chain verifiable over rows before and after the office was recorded", async () => {
    await hub.ctx.db.prisma.auditLog.create({
      data: { actorName: "system", action: "case.read", purpose: "baris lama" },
    });
    await sealAuditChain(hub.ctx);
    await twoOffices();
    await sealAuditChain(hub.ctx);
    const v = await verifyAuditChain(hub.ctx);
    expect(v).toMatchObject({ ok: true, unsealed: 0 });
    const offices = await hub.ctx.db.prisma.auditLog.findMany({
      select: { instansi: true },
      distinct: ["instansi"],
    });
    expect(offices.map((o) => o.instansi).sort()).toEqual([TABALONG, BALANGAN]);
  });

  it("the operator's breach report spans offices and names each row's office", async () => {
    const since = new Date(Date.now() - 1000);
    const { caseT, caseB } = await twoOffices();
    await audit(hub.ctx.db.prisma, { actor: null, action: "report.annual.export" });
    const r = await breachReport(hub.ctx, { since });
    const recs = Object.fromEntries(r.records.map((x) => [x.caseNumber, x.instansi]));
    expect(recs).toEqual({ [caseT.number]: TABALONG, [caseB.number]: BALANGAN });
    expect(r.people.map((p) => [p.name, p.instansi]).sort()).toEqual([
      ["Warga Paringin", BALANGAN],
      ["Warga Tanjung", TABALONG],
    ]);
    expect(r.other.map((o) => [o.action, o.instansi])).toEqual([
      ["report.annual.export", TABALONG],
    ]);
  });

  it("with no end given, a row stamped just past this process's clock is still reported", async () => {
    // The database stamps rows with its now() rounded to the millisecond: a row written a
    // moment before the report can carry a time up to half a millisecond past hub.ctx.clock().
    const now = hub.ctx.clock();
    await hub.ctx.db.prisma.auditLog.create({
      data: { actorName: "system", action: "report.monthly.export", at: new Date(+now + 1) },
    });
    // The report is asked at the instant "now": the row's stamp is 1 ms past it.
    const atNow = { ...hub.ctx, clock: () => now };
    const open = await breachReport(atNow, { since: new Date(+now - 1000) });
    expect(open.other.map((o) => o.action)).toEqual(["report.monthly.export"]);
    const closed = await breachReport(atNow, { since: new Date(+now - 1000), until: now });
    expect(closed.other).toEqual([]);
  });
});
