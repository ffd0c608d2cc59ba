// Telaah and the audit decision (Keputusan Kepala Dinas 21/2023): the Tim Penelaah
// "melaporkan hasil telaah pengaduan masuk ke Penanggung Jawab dengan rekomendasi
// diteruskan dengan audit atau dihentikan" (KETIGA 4), and the Penanggung Jawab (kadis)
// "memutuskan pengaduan yang akan dilanjutkan dengan proses audit setelah mempertimbangkan
// hasil telaah" (KETIGA 1b). Neither changes the case status; both are on the timeline
// and in the audit trail.
import type { HubContext } from "../context.js";
import { DomainError, notFound } from "../domain/errors.js";
import { FINAL_STATUSES } from "../domain/workflow.js";
import type { AuthUser } from "./auth.service.js";
import { audit } from "./audit.service.js";
import { getCase, type CaseDto } from "./cases.service.js";
import { assertMay, versionConflict } from "./sla.service.js";

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

export async function recommendCase(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  body: { recommendation: TelaahOutcome; note: string; version?: number | undefined },
  meta: Meta,
): Promise<CaseDto> {
  const note = requireNote(body.note);
  await ctx.db.prisma.$transaction(async (tx) => {
    const c = await tx.case.findUnique({ where: { id: caseId } });
    if (!c) throw notFound("Kasus");
    assertMay(
      user,
      body.recommendation === "audit" ? "recommend_audit" : "recommend_stop",
      c.bidang,
    );
    if (c.auditDecision) throw alreadyDecided(c.auditDecision);
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
    // Guarded on the version and on "not decided yet": a decision taken meanwhile wins.
    const res = await tx.case.updateMany({
      where: {
        id: caseId,
        auditDecision: null,
        ...(body.version !== undefined ? { version: body.version } : {}),
      },
      data: { auditRecommendation: body.recommendation, version: { increment: 1 } },
    });
    if (res.count === 0) throw versionConflict(body.version ?? 0, c.version);
    const now = ctx.clock();
    await tx.caseEvent.create({
      data: {
        caseId,
        at: now,
        type: "telaah.recommended",
        actorId: user.id,
        data: {
          recommendation: body.recommendation,
          note,
          ...(c.auditRecommendation ? { replaces: c.auditRecommendation } : {}),
        },
      },
    });
    await audit(tx, {
      actor: user,
      action: "case.recommend",
      caseId,
      fields: ["auditRecommendation"],
      purpose: "hasil telaah pengaduan",
      data: { recommendation: body.recommendation },
      ...meta,
    });
  });
  return getCase(ctx, user, caseId, meta);
}

export async function decideCaseAudit(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  body: { decision: TelaahOutcome; note: string; version?: number | undefined },
  meta: Meta,
): Promise<CaseDto> {
  const note = requireNote(body.note);
  await ctx.db.prisma.$transaction(async (tx) => {
    const c = await tx.case.findUnique({ where: { id: caseId } });
    if (!c) throw notFound("Kasus");
    assertMay(user, "decide_audit", c.bidang);
    if (c.auditDecision) throw alreadyDecided(c.auditDecision);
    if (!c.auditRecommendation) {
      throw new DomainError(
        "RECOMMENDATION_REQUIRED",
        "Belum ada hasil telaah dari Tim Penelaah; keputusan audit diambil setelah telaah",
      );
    }
    const res = await tx.case.updateMany({
      where: {
        id: caseId,
        auditDecision: null,
        ...(body.version !== undefined ? { version: body.version } : {}),
      },
      data: { auditDecision: body.decision, version: { increment: 1 } },
    });
    if (res.count === 0) throw versionConflict(body.version ?? 0, c.version);
    await tx.caseEvent.create({
      data: {
        caseId,
        at: ctx.clock(),
        type: "audit.decided",
        actorId: user.id,
        data: { decision: body.decision, recommendation: c.auditRecommendation, note },
      },
    });
    await audit(tx, {
      actor: user,
      action: "case.audit_decision",
      caseId,
      fields: ["auditDecision"],
      purpose: "keputusan audit pengaduan",
      data: { decision: body.decision },
      ...meta,
    });
  });
  return getCase(ctx, user, caseId, meta);
}
