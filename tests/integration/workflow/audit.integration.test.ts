import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";
import { invalidateSlaCaches } from "../../../src/services/sla.service.js";
import { MovableClock, move, staff, walkIn, type Staff } from "./workflow-helpers.js";

type Entry = {
  id: string;
  at: string;
  action: string;
  caseId: string | null;
  actorName: string;
  fields: string[];
};
type Page = { data: Entry[]; nextCursor: string | null };

let hub: TestHub;
let s: Staff;
const clock = new MovableClock(new Date("2026-03-17T01:00:00Z"));

beforeAll(async () => {
  hub = await startTestHub({
    name: "workflow-audit",
    clock: clock.fn,
    env: { ADUAN_SESSION_TTL_HOURS: "720" },
  });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  clock.set("2026-03-17T01:00:00Z");
  await resetDb(hub);
  invalidateSlaCaches(hub.ctx);
  s = await staff(hub);
});

describe("GET /api/v1/audit", () => {
  it("filters by case, user, action and time, newest first, with keyset pagination", async () => {
    const a = await walkIn(s.fo);
    const b = await walkIn(s.fo);
    await move(s.fo, a.id, { to: "diverifikasi", version: 1 });
    // Rows take the database clock; the window below is measured on it.
    const mid = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await move(s.koor, a.id, { to: "didisposisi", version: 2, bidang: "LINJAMSOS" });
    await s.linjam.get(`/api/v1/cases/${a.id}`); // a read of personal data

    const byCase = await s.kadis.get<Page>(`/api/v1/audit?case=${a.id}`);
    expect(byCase.status).toBe(200);
    expect(byCase.body.data.every((e) => e.caseId === a.id)).toBe(true);
    expect(byCase.body.data.map((e) => e.action)).toEqual(
      expect.arrayContaining(["case.create", "case.transition", "case.read"]),
    );
    const ids = byCase.body.data.map((e) => BigInt(e.id));
    expect([...ids].sort((x, y) => (x > y ? -1 : 1))).toEqual(ids);
    const read = byCase.body.data.find(
      (e) => e.action === "case.read" && e.actorName === "linjam1",
    )!;
    expect(read.fields).toEqual(expect.arrayContaining(["name", "phone"]));

    const byUser = await s.admin.get<Page>(`/api/v1/audit?user=koor1&action=case.transition`);
    expect(byUser.body.data.map((e) => [e.actorName, e.caseId])).toEqual([["koor1", a.id]]);
    const byUserId = await s.admin.get<Page>(`/api/v1/audit?user=${s.ids.fo}&action=case.*`);
    expect(byUserId.status).toBe(200);
    expect(byUserId.body.data.map((e) => e.action).sort()).toEqual([
      "case.create",
      "case.create",
      "case.read", // the transition's answer carries the case, so it is a read too
      "case.transition",
    ]);
    expect(byUserId.body.data.some((e) => e.caseId === b.id)).toBe(true);

    const since = await s.admin.get<Page>(
      `/api/v1/audit?from=${encodeURIComponent(mid.toISOString())}&action=case.transition`,
    );
    expect(since.body.data.map((e) => e.actorName)).toEqual(["koor1"]);
    const until = await s.admin.get<Page>(
      `/api/v1/audit?to=${encodeURIComponent(mid.toISOString())}&action=case.transition`,
    );
    expect(until.body.data.map((e) => e.actorName)).toEqual(["fo1"]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Page } = await s.kadis.get<Page>(
        `/api/v1/audit?case=${a.id}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(byCase.body.data.map((e) => e.id));

    const bad = await s.kadis.get(`/api/v1/audit?cursor=bm9wZQ`);
    expect(bad.status).toBe(400);
  });

  it("is for kadis and admin only, and reading it is itself audited", async () => {
    for (const api of [s.fo, s.koor, s.linjam])
      expect((await api.get("/api/v1/audit")).status).toBe(403);
    await s.kadis.get("/api/v1/audit?action=case.create");
    const reads = await hub.ctx.db.prisma.auditLog.findMany({ where: { action: "audit.read" } });
    expect(reads.map((r) => r.actorName)).toEqual(["kadis1"]);
  });
  it("records each inbox page as a read, with the ids shown and no search term", async () => {
    const a = await walkIn(s.fo);
    const b = await walkIn(s.fo, { pelapor: { name: "Juwairiyah", phone: "0812-5000-1111" } });
    const page = await s.koor.get<{ data: { id: string }[] }>("/api/v1/cases?q=Juwairiyah");
    expect(page.body.data.map((c) => c.id)).toEqual([b.id]);
    const page2 = await s.koor.get<{ data: { id: string }[] }>("/api/v1/cases?limit=10");
    expect(page2.body.data.map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
    const rows = await hub.ctx.db.prisma.auditLog.findMany({
      where: { action: "case.list" },
      orderBy: { id: "asc" },
    });
    expect(rows.map((r) => [r.actorName, r.fields, r.data])).toEqual([
      ["koor1", ["pelapor_name", "keperluan"], { caseIds: [b.id], search: true }],
      ["koor1", ["pelapor_name", "keperluan"], { caseIds: page2.body.data.map((c) => c.id) }],
    ]);
    expect(JSON.stringify(rows.map((r) => [r.fields, r.data, r.purpose]))).not.toContain(
      "Juwairiyah",
    );
    // An empty page reads nobody's data and is not recorded.
    await s.koor.get("/api/v1/cases?q=TidakAdaNamaIni");
    expect(await hub.ctx.db.prisma.auditLog.count({ where: { action: "case.list" } })).toBe(2);
  });
});
