// Decree 21/2023: the penelaah of the bidang reports the telaah with a recommendation
// (audit or dihentikan, KETIGA 4) and the kadis decides on the audit (KETIGA 1b).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";
import { invalidateSlaCaches } from "../../../src/services/sla.service.js";
import {
  move,
  staff,
  walkIn,
  type CaseBody,
  type ErrorBody,
  type Staff,
} from "./workflow-helpers.js";

type Telaah = CaseBody &
  ErrorBody & { telaah: { recommendation: string | null; decision: string | null } };

let hub: TestHub;
let s: Staff;

beforeAll(async () => {
  hub = await startTestHub({ name: "workflow-telaah" });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  await resetDb(hub);
  invalidateSlaCaches(hub.ctx);
  s = await staff(hub);
});

/** A walk-in PKH case disposed to Linjamsos (version 3). */
async function disposed(): Promise<CaseBody> {
  const c = await walkIn(s.fo);
  expect((await move(s.fo, c.id, { to: "diverifikasi", version: 1 })).status).toBe(200);
  const d = await move(s.koor, c.id, { to: "didisposisi", version: 2, bidang: "LINJAMSOS" });
  expect(d.status).toBe(200);
  return d.body;
}

const recommend = (api: Staff["fo"], id: string, body: Record<string, unknown>) =>
  api.post<Telaah>(`/api/v1/cases/${id}/recommendation`, body);
const decide = (api: Staff["fo"], id: string, body: Record<string, unknown>) =>
  api.post<Telaah>(`/api/v1/cases/${id}/audit-decision`, body);

describe("telaah and audit decision", () => {
  it("penelaah recommends, kadis decides once; both on the timeline and in the audit trail", async () => {
    const c = await disposed();
    const first = await recommend(s.linjam, c.id, {
      recommendation: "dihentikan",
      note: "Data sudah padan; cukup diberi penjelasan",
      version: 3,
    });
    expect(first.status).toBe(200);
    expect(first.body.telaah).toEqual({ recommendation: "dihentikan", decision: null });
    expect(first.body.status).toBe("didisposisi");
    // A later telaah replaces the earlier recommendation; both stay on the timeline.
    const second = await recommend(s.linjam, c.id, {
      recommendation: "audit",
      note: "Ditemukan dugaan penyaluran ganda di desa; perlu audit",
      version: 4,
    });
    expect(second.status).toBe(200);
    expect(second.body.telaah).toEqual({ recommendation: "audit", decision: null });

    const decided = await decide(s.kadis, c.id, {
      decision: "audit",
      note: "Terbitkan surat tugas Tim Audit",
      version: 5,
    });
    expect(decided.status).toBe(200);
    expect(decided.body.telaah).toEqual({ recommendation: "audit", decision: "audit" });
    expect(decided.body.version).toBe(6);
    const timeline = decided.body.events.filter(
      (e) => e.type.startsWith("telaah.") || e.type === "audit.decided",
    );
    expect(timeline.map((e) => [e.type, e.data.recommendation ?? e.data.decision])).toEqual([
      ["telaah.recommended", "dihentikan"],
      ["telaah.recommended", "audit"],
      ["audit.decided", "audit"],
    ]);
    expect(timeline[1]?.actorId).toBe(s.ids.linjam);
    expect(timeline[2]?.actorId).toBe(s.ids.kadis);

    // Decided once: neither a new recommendation nor a second decision changes it.
    const again = await decide(s.kadis, c.id, { decision: "dihentikan", note: "x", version: 6 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("AUDIT_ALREADY_DECIDED");
    const late = await recommend(s.linjam, c.id, { recommendation: "dihentikan", note: "x" });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe("AUDIT_ALREADY_DECIDED");

    const trail = await hub.ctx.db.prisma.auditLog.findMany({
      where: { caseId: c.id, action: { in: ["case.recommend", "case.audit_decision"] } },
      orderBy: { at: "asc" },
    });
    expect(trail.map((a) => [a.action, a.actorName])).toEqual([
      ["case.recommend", "linjam1"],
      ["case.recommend", "linjam1"],
      ["case.audit_decision", "kadis1"],
    ]);
  });

  it("follows the decree: who may recommend or decide, and when", async () => {
    const fresh = await walkIn(s.fo);
    // Before disposition there is no telaah yet.
    const early = await recommend(s.koor, fresh.id, { recommendation: "audit", note: "x" });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe("CASE_NOT_DISPOSED");

    const c = await disposed();
    // Another bidang's penelaah, the front office and the kadis do not write the telaah.
    const other = await recommend(s.rehsos, c.id, { recommendation: "audit", note: "x" });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe("BIDANG_FORBIDDEN");
    expect((await recommend(s.fo, c.id, { recommendation: "audit", note: "x" })).status).toBe(403);
    expect((await recommend(s.kadis, c.id, { recommendation: "audit", note: "x" })).status).toBe(
      403,
    );
    // No decision without a telaah, and only the kadis decides.
    const blind = await decide(s.kadis, c.id, { decision: "audit", note: "x" });
    expect(blind.status).toBe(409);
    expect(blind.body.code).toBe("RECOMMENDATION_REQUIRED");
    expect(
      (await recommend(s.koor, c.id, { recommendation: "audit", note: "telaah koordinator" }))
        .status,
    ).toBe(200);
    const byKoor = await decide(s.koor, c.id, { decision: "audit", note: "x" });
    expect(byKoor.status).toBe(403);
    expect(byKoor.body.code).toBe("FORBIDDEN");
  });

  it("refuses bad input and stale versions, changing nothing", async () => {
    const c = await disposed();
    const before = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    const blank = await recommend(s.linjam, c.id, { recommendation: "audit", note: "   " });
    expect(blank.status).toBe(422);
    expect(blank.body.fields?.[0]?.field).toBe("body.note");
    const unknown = await recommend(s.linjam, c.id, { recommendation: "lanjut", note: "x" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe("VALIDATION_FAILED");
    const stale = await recommend(s.linjam, c.id, {
      recommendation: "audit",
      note: "x",
      version: 1,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe("VERSION_CONFLICT");
    const after = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(after).toEqual(before);
    expect(
      await hub.ctx.db.prisma.caseEvent.count({
        where: { caseId: c.id, type: "telaah.recommended" },
      }),
    ).toBe(0);
  });
});
