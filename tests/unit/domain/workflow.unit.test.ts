import { describe, expect, it } from "vitest";
import {
  actionTable,
  allowedTransitions,
  BIDANG,
  CASE_ACTIONS,
  CASE_STATUSES,
  checkAction,
  checkTransition,
  pendingStep,
  ROLES,
  suggestBidang,
  transitionTable,
  type Bidang,
  type CaseStatus,
  type Role,
} from "../../../src/domain/workflow.js";

// The expected matrix, written out independently of transitionTable.
const ALLOWED: Record<string, Role[]> = {
  "diterima>diverifikasi": ["front_office", "koordinator"],
  "diterima>tidak_dapat_ditindaklanjuti": ["front_office", "koordinator", "kadis"],
  "diverifikasi>didisposisi": ["koordinator"],
  "diverifikasi>tidak_dapat_ditindaklanjuti": ["koordinator", "kadis"],
  "didisposisi>didisposisi": ["koordinator"],
  "didisposisi>ditindaklanjuti": ["penelaah", "koordinator"],
  "didisposisi>tidak_dapat_ditindaklanjuti": ["penelaah", "koordinator", "kadis"],
  "ditindaklanjuti>selesai": ["penelaah", "koordinator", "kadis"],
  "ditindaklanjuti>tidak_dapat_ditindaklanjuti": ["penelaah", "koordinator", "kadis"],
  "ditindaklanjuti>didisposisi": ["koordinator"],
  "selesai>diverifikasi": ["koordinator"],
  "tidak_dapat_ditindaklanjuti>diverifikasi": ["koordinator"],
};

const triples = CASE_STATUSES.flatMap((from) =>
  CASE_STATUSES.flatMap((to) => ROLES.map((role) => ({ from, to, role }))),
);

// A well-formed request so only the (from, to, role) triple decides.
const full = (from: CaseStatus, to: CaseStatus, role: Role) => ({
  from,
  to,
  role,
  userBidang: role === "penelaah" ? ("LINJAMSOS" as Bidang) : null,
  caseBidang: "LINJAMSOS" as Bidang,
  bidangTarget: "REHSOS",
  reason: "dokumen tidak lengkap",
});

describe("checkTransition: every (from, to, role)", () => {
  it("covers all 180 triples", () => {
    expect(triples).toHaveLength(6 * 6 * 5);
  });

  it.each(triples)("$from → $to as $role", ({ from, to, role }) => {
    const key = `${from}>${to}`;
    const roles = ALLOWED[key];
    const result = checkTransition(full(from, to, role));
    if (!roles) {
      expect(result).toMatchObject({
        ok: false,
        error: { code: "TRANSITION_NOT_ALLOWED" },
      });
      const allowed = Object.keys(ALLOWED)
        .filter((k) => k.startsWith(`${from}>`))
        .map((k) => k.split(">")[1]);
      if (!result.ok && result.error.code === "TRANSITION_NOT_ALLOWED")
        expect(result.error.allowed).toEqual(allowed);
    } else if (roles.includes(role)) {
      expect(result.ok).toBe(true);
    } else {
      expect(result).toMatchObject({
        ok: false,
        error: { code: "ROLE_NOT_ALLOWED" },
      });
      if (!result.ok && result.error.code === "ROLE_NOT_ALLOWED") {
        expect([...result.error.allowedRoles].sort()).toEqual([...roles].sort());
      }
    }
  });

  it("the table has exactly the expected transitions", () => {
    expect(transitionTable.map((r) => `${r.from}>${r.to}`).sort()).toEqual(
      Object.keys(ALLOWED).sort(),
    );
  });

  it("admin never works a case", () => {
    for (const from of CASE_STATUSES) expect(allowedTransitions(from, "admin")).toEqual([]);
  });
});

describe("checkTransition: bidang, reason, scope", () => {
  it("a penelaah acts only on its own bidang", () => {
    const r = checkTransition({
      ...full("didisposisi", "ditindaklanjuti", "penelaah"),
      userBidang: "DAYASOS",
    });
    expect(r).toMatchObject({ ok: false, error: { code: "BIDANG_FORBIDDEN" } });
    const none = checkTransition({
      ...full("ditindaklanjuti", "selesai", "penelaah"),
      userBidang: null,
    });
    expect(none).toMatchObject({ ok: false, error: { code: "BIDANG_FORBIDDEN" } });
  });

  it("disposition needs a known bidang, and the result carries it", () => {
    const base = full("diverifikasi", "didisposisi", "koordinator");
    expect(checkTransition({ ...base, bidangTarget: undefined })).toMatchObject({
      ok: false,
      error: { code: "BIDANG_REQUIRED", field: "bidang" },
    });
    expect(checkTransition({ ...base, bidangTarget: "  " })).toMatchObject({
      ok: false,
      error: { code: "BIDANG_REQUIRED" },
    });
    expect(checkTransition({ ...base, bidangTarget: "SOSIAL" })).toMatchObject({
      ok: false,
      error: { code: "BIDANG_UNKNOWN", field: "bidang", value: "SOSIAL" },
    });
    expect(checkTransition({ ...base, caseBidang: null, bidangTarget: "REHSOS" })).toMatchObject({
      ok: true,
      value: { bidang: "REHSOS", completesStep: "disposition" },
    });
  });

  it("tidak_dapat_ditindaklanjuti and reopen need a reason", () => {
    for (const [from, to] of [
      ["diterima", "tidak_dapat_ditindaklanjuti"],
      ["ditindaklanjuti", "tidak_dapat_ditindaklanjuti"],
      ["selesai", "diverifikasi"],
      ["tidak_dapat_ditindaklanjuti", "diverifikasi"],
    ] as const) {
      const r = checkTransition({ ...full(from, to, "koordinator"), reason: " " });
      expect(r, `${from}>${to}`).toMatchObject({
        ok: false,
        error: { code: "REASON_REQUIRED", field: "reason" },
      });
    }
    expect(
      checkTransition({ ...full("ditindaklanjuti", "selesai", "kadis"), reason: null }).ok,
    ).toBe(true);
  });

  it("checks the role before the payload (403 before 422)", () => {
    const r = checkTransition({
      ...full("diverifikasi", "didisposisi", "front_office"),
      bidangTarget: null,
    });
    expect(r).toMatchObject({ ok: false, error: { code: "ROLE_NOT_ALLOWED" } });
  });

  it("reports the SLA step each transition completes", () => {
    const step = (from: CaseStatus, to: CaseStatus) => {
      const r = checkTransition(full(from, to, "koordinator"));
      return r.ok ? r.value.completesStep : "error";
    };
    expect(step("diterima", "diverifikasi")).toBe("verify");
    expect(step("diverifikasi", "didisposisi")).toBe("disposition");
    expect(step("didisposisi", "ditindaklanjuti")).toBe("follow_up");
    expect(step("ditindaklanjuti", "selesai")).toBe("close");
    expect(step("selesai", "diverifikasi")).toBeNull();
    expect(pendingStep("diterima")).toBe("verify");
    expect(pendingStep("didisposisi")).toBe("follow_up");
    expect(pendingStep("selesai")).toBeNull();
  });
});

describe("allowedTransitions", () => {
  it("lists what each role may do", () => {
    expect(allowedTransitions("diterima", "front_office")).toEqual([
      "diverifikasi",
      "tidak_dapat_ditindaklanjuti",
    ]);
    expect(allowedTransitions("didisposisi", "penelaah", "LINJAMSOS", "LINJAMSOS")).toEqual([
      "ditindaklanjuti",
      "tidak_dapat_ditindaklanjuti",
    ]);
    expect(allowedTransitions("didisposisi", "penelaah", "DAYASOS", "LINJAMSOS")).toEqual([]);
    expect(allowedTransitions("selesai", "koordinator")).toEqual(["diverifikasi"]);
    expect(allowedTransitions("selesai", "kadis")).toEqual([]);
  });
});

describe("actions", () => {
  it("has one rule per action", () => {
    expect(actionTable.map((a) => a.action).sort()).toEqual([...CASE_ACTIONS].sort());
  });

  it("kadis decides audit, penelaah of the bidang recommends, admin manages", () => {
    expect(checkAction({ action: "decide_audit", role: "kadis" }).ok).toBe(true);
    expect(checkAction({ action: "decide_audit", role: "koordinator" })).toMatchObject({
      ok: false,
      error: { code: "ROLE_NOT_ALLOWED", allowedRoles: ["kadis"] },
    });
    expect(
      checkAction({
        action: "recommend_audit",
        role: "penelaah",
        userBidang: "REHSOS",
        caseBidang: "REHSOS",
      }).ok,
    ).toBe(true);
    expect(
      checkAction({
        action: "recommend_stop",
        role: "penelaah",
        userBidang: "DAYASOS",
        caseBidang: "REHSOS",
      }),
    ).toMatchObject({
      ok: false,
      error: { code: "BIDANG_FORBIDDEN" },
    });
    expect(checkAction({ action: "manage_users", role: "admin" }).ok).toBe(true);
    expect(checkAction({ action: "register", role: "admin" }).ok).toBe(false);
    expect(checkAction({ action: "acknowledge", role: "front_office" }).ok).toBe(true);
  });
});

describe("bidang", () => {
  it("has the three bidang of the decree with labels", () => {
    expect(BIDANG).toEqual({
      DAYASOS: "Pemberdayaan Sosial",
      REHSOS: "Rehabilitasi Sosial",
      LINJAMSOS: "Perlindungan dan Jaminan Sosial",
    });
  });

  it("suggests a bidang from the jenis, null when the koordinator must choose", () => {
    expect(suggestBidang("PKH")).toBe("LINJAMSOS");
    expect(suggestBidang("pbi_jk_reaktivasi")).toBe("LINJAMSOS");
    expect(suggestBidang("KKS_HILANG")).toBe("LINJAMSOS");
    expect(suggestBidang("ASLUT")).toBe("REHSOS");
    expect(suggestBidang("ODKB")).toBe("REHSOS");
    expect(suggestBidang("RUTILAHU")).toBe("DAYASOS");
    expect(suggestBidang("LAIN_LAIN")).toBeNull();
    expect(suggestBidang("UNKNOWN")).toBeNull();
    expect(suggestBidang(null)).toBeNull();
    expect(suggestBidang("PKH", { PKH: "DAYASOS" })).toBe("DAYASOS");
  });
});
