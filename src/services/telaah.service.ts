// Telaah and the audit decision (Keputusan Kepala Dinas 21/2023): the Tim Penelaah
// "melaporkan hasil telaah pengaduan masuk ke Penanggung Jawab dengan rekomendasi
// diteruskan dengan audit atau dihentikan" (KETIGA 4), and the Penanggung Jawab (kadis)
// "memutuskan pengaduan yang akan dilanjutkan dengan proses audit setelah mempertimbangkan
// hasil telaah" (KETIGA 1b). Neither changes the case status; both are on the timeline
// and in the audit trail.
import type { HubContext } from "../context.js";
import { DomainError } from "../domain/errors.js";
import { FINAL_STATUSES, type CaseAction } from "../domain/workflow.js";
import type { AuthUser } from "./auth.service.js";
import { audit } from "./audit.service.js";
import { getCase, type CaseDto } from "./cases.service.js";
import { caseForAction, versionConflict } from "./sla.service.js";

export type TelaahOutcome = "audit" | "dihentikan";
type Meta = { ip?: string | undefined; requestId?: string | undefined };

/** A recommendation is the telaah of a case that is with a bidang. */
const TELAAH_STATUSES = ["didisposisi", "ditindaklanjuti"];

function requireNote(note: string): string {
  const t = note.trim();
  if (!t) {
    throw new DomainError("NOTE_REQUIRED", "Catatan hasil telaah wajib diisi", {
      fields: [{ field: "body.note", message: "wajib diisi" }],
    });
  }
  return t;
}

function alreadyDecided(decision: string): DomainError {
  return new DomainError(
    "AUDIT_ALREADY_DECIDED",
    `Kepala Dinas sudah memutuskan (${decision === "audit" ? "diteruskan dengan audit" : "dihentikan"}); keputusan tidak dapat diubah`,
  );
}

type CaseRow = {
  id: string;
  bidang: string | null;
  status: string;
  version: number;
  auditRecommendation: string | null;
  auditDecision: string | null;
};

/**
 * One telaah step in one transaction: the case is read and checked, the field is written
 * guarded on the version and on "not decided yet" (a decision taken meanwhile wins), and
 * the step goes on the timeline and into the audit trail.
 */
async function telaahStep(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  version: number | undefined,
  meta: Meta,
  step: {
    action: CaseAction;
    check: (c: CaseRow) => void;
    set: { auditRecommendation: TelaahOutcome } | { auditDecision: TelaahOutcome };
    event: (c: CaseRow) => { type: string; data: Record<string, string | null> };
    audit: { action: string; purpose: string; data: Record<string, string> };
  },
): Promise<CaseDto> {
  await ctx.db.prisma.$transaction(async (tx) => {
    const c = await caseForAction(tx, user, caseId, step.action);
    // The kadis's decision closes the telaah: neither step is taken after it.
    if (c.auditDecision) throw alreadyDecided(c.auditDecision);
    step.check(c);
    const res = await tx.case.updateMany({
      where: {
        id: caseId,
        auditDecision: null,
        ...(version !== undefined ? { version } : {}),
      },
      data: { ...step.set, version: { increment: 1 } },
    });
    if (res.count === 0) throw versionConflict(version ?? 0, c.version);
    const event = step.event(c);
    await tx.caseEvent.create({
      data: { caseId, at: ctx.clock(), type: event.type, actorId: user.id, data: event.data },
    });
    await audit(tx, {
      actor: user,
      action: step.audit.action,
      caseId,
      fields: Object.keys(step.set),
      purpose: step.audit.purpose,
      data: step.audit.data,
      ...meta,
    });
  });
  return getCase(ctx, user, caseId, meta);
}

export async function recommendCase(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  body: { recommendation: TelaahOutcome; note: string; version?: number | undefined },
  meta: Meta,
): Promise<CaseDto> {
  const note = requireNote(body.note);
  return telaahStep(ctx, user, caseId, body.version, meta, {
    action: body.recommendation === "audit" ? "recommend_audit" : "recommend_stop",
    check: (c) => {
      if ((FINAL_STATUSES as readonly string[]).includes(c.status)) {
        throw new DomainError("CASE_CLOSED", "Kasus sudah ditutup");
      }
      if (!TELAAH_STATUSES.includes(c.status)) {
        throw new DomainError(
          "CASE_NOT_DISPOSED",
          "Telaah diberikan setelah kasus didisposisikan ke bidang",
          { allowed: TELAAH_STATUSES },
        );
      }
    },
    set: { auditRecommendation: body.recommendation },
    event: (c) => ({
      type: "telaah.recommended",
      data: {
        recommendation: body.recommendation,
        note,
        ...(c.auditRecommendation ? { replaces: c.auditRecommendation } : {}),
      },
    }),
    audit: {
      action: "case.recommend",
      purpose: "hasil telaah pengaduan",
      data: { recommendation: body.recommendation },
    },
  });
}

export async function decideCaseAudit(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  body: { decision: TelaahOutcome; note: string; version?: number | undefined },
  meta: Meta,
): Promise<CaseDto> {
  const note = requireNote(body.note);
  return telaahStep(ctx, user, caseId, body.version, meta, {
    action: "decide_audit",
    check: (c) => {
      if (!c.auditRecommendation) {
        throw new DomainError(
          "RECOMMENDATION_REQUIRED",
          "Belum ada hasil telaah dari Tim Penelaah; keputusan audit diambil setelah telaah",
        );
      }
    },
    set: { auditDecision: body.decision },
    event: (c) => ({
      type: "audit.decided",
      data: { decision: body.decision, recommendation: c.auditRecommendation, note },
    }),
    audit: {
      action: "case.audit_decision",
      purpose: "keputusan audit pengaduan",
      data: { decision: body.decision },
    },
  });
}
