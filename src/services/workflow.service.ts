// Carries a case through the SOP: status transitions (rules in src/domain/workflow.ts),
// disposition with a suggested bidang, replies, acknowledgement, and the SLA clock fields.
//
// Decisions:
// - `assigneeId` stays null: the decree assigns cases to a bidang, not to a person; the
//   penelaah of the bidang are notified as a group (see src/jobs/sla-breach.job.ts).
// - A re-disposition and a reopen restart the running step's clock at the transition.
// - A final transition ends an open pause (the case no longer waits for anything).
// - The version is checked before the transition rules: a client with a stale view first
//   reloads, then sees what is allowed now.
import type { HubContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { DomainError, notFound } from "../domain/errors.js";
import {
  bidangForbidden,
  allowedTransitions,
  BIDANG_CODES,
  checkTransition,
  defaultBidangTable,
  FINAL_STATUSES,
  findRule,
  isBidang,
  isCaseStatus,
  suggestBidang,
  type Bidang,
  type BidangTable,
  type CaseStatus,
  type Role,
  type TransitionError,
} from "../domain/workflow.js";
import type { AuthUser } from "./auth.service.js";
import { audit } from "./audit.service.js";
import { getCase, type CaseDto } from "./cases.service.js";
import {
  ACK_OUTBOUND_CHANNELS,
  ACKNOWLEDGEMENT_TEXT,
  replyLimits,
  replyRoute,
  validateReply,
  writeReply,
} from "./replies.service.js";
import {
  assertMay,
  caseForAction,
  casePauses,
  clockFor,
  latestCatalogue,
  loadCalendarCached,
  loadSlaPolicy,
  saveCatalogueVersion,
  versionConflict,
} from "./sla.service.js";

type Meta = { ip?: string | undefined; requestId?: string | undefined };

// ---- bidang table (jenis → bidang), CatalogueVersion kind "bidang_table" ----

const JENIS_CODE = /^[A-Z][A-Z0-9_]{1,39}$/;

export async function loadBidangTable(
  ctx: HubContext,
): Promise<{ table: BidangTable; version: number | null; source: "default" | "admin" }> {
  const row = await latestCatalogue(ctx.db.prisma, "bidang_table");
  if (!row) return { table: defaultBidangTable, version: null, source: "default" };
  return { table: row.data as BidangTable, version: row.version, source: "admin" };
}

export async function saveBidangTable(
  ctx: HubContext,
  user: AuthUser,
  body: { table: Record<string, unknown>; note?: string | undefined },
  meta: Meta,
): Promise<number> {
  const fields: { field: string; message: string }[] = [];
  const table: Record<string, Bidang | null> = {};
  for (const [k, v] of Object.entries(body.table)) {
    const key = k.trim().toUpperCase();
    if (!JENIS_CODE.test(key))
      fields.push({ field: `body.table.${k}`, message: "kode jenis tidak valid" });
    else if (v !== null && !isBidang(v))
      fields.push({
        field: `body.table.${k}`,
        message: `bidang harus salah satu dari ${BIDANG_CODES.join(", ")} atau null`,
      });
    else table[key] = v;
  }
  if (fields.length) {
    throw new DomainError(
      "BIDANG_TABLE_INVALID",
      fields.map((f) => `${f.field}: ${f.message}`).join("; "),
      { fields, allowed: [...BIDANG_CODES] },
    );
  }
  return saveCatalogueVersion(ctx, user, "bidang_table", table, body.note, meta);
}

// ---- transitions ----

export type TransitionBody = {
  to: string;
  version: number;
  note?: string | undefined;
  reason?: string | undefined;
  bidang?: string | undefined;
  reply?: string | undefined;
};

const STATUS_LABEL: Record<CaseStatus, string> = {
  diterima: "diterima",
  diverifikasi: "diverifikasi",
  didisposisi: "didisposisi",
  ditindaklanjuti: "ditindaklanjuti",
  selesai: "selesai",
  tidak_dapat_ditindaklanjuti: "tidak dapat ditindaklanjuti",
};

function transitionError(e: TransitionError): DomainError {
  switch (e.code) {
    case "TRANSITION_NOT_ALLOWED":
      return new DomainError(
        e.code,
        `Kasus berstatus ${STATUS_LABEL[e.from]} tidak dapat diubah menjadi ${STATUS_LABEL[e.to]}`,
        { allowed: e.allowed, fields: [{ field: "body.to", message: "tidak diizinkan" }] },
      );
    case "ROLE_NOT_ALLOWED":
      return new DomainError(e.code, `Peran ${e.role} tidak berwenang untuk perubahan ini`, {
        allowed: e.allowedRoles,
      });
    case "BIDANG_FORBIDDEN":
      return bidangForbidden(e.caseBidang);
    case "BIDANG_REQUIRED":
      return new DomainError(
        e.code,
        "Disposisi memerlukan bidang tujuan (tidak ada saran untuk jenis aduan ini)",
        { fields: [{ field: "body.bidang", message: "wajib diisi" }], allowed: e.allowedValues },
      );
    case "BIDANG_UNKNOWN":
      return new DomainError(e.code, `Bidang "${e.value}" tidak dikenal`, {
        fields: [{ field: "body.bidang", message: "bidang tidak dikenal" }],
        allowed: e.allowedValues,
      });
    case "REASON_REQUIRED":
      return new DomainError(
        e.code,
        e.message.startsWith("reopening")
          ? "Membuka kembali kasus memerlukan alasan"
          : "Menutup kasus sebagai tidak dapat ditindaklanjuti memerlukan alasan",
        { fields: [{ field: "body.reason", message: "wajib diisi" }] },
      );
  }
}

export async function transitionCase(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  body: TransitionBody,
  meta: Meta,
): Promise<CaseDto> {
  const [{ policy }, calendar, bidang] = await Promise.all([
    loadSlaPolicy(ctx),
    loadCalendarCached(ctx),
    loadBidangTable(ctx),
  ]);
  await ctx.db.prisma.$transaction(async (tx) => {
    const c = await tx.case.findUnique({ where: { id: caseId } });
    if (!c) throw notFound("Kasus");
    if (c.version !== body.version) throw versionConflict(body.version, c.version);
    if (!isCaseStatus(c.status) || !isCaseStatus(body.to)) {
      throw new DomainError("STATUS_UNKNOWN", `Status "${body.to}" tidak dikenal`);
    }
    const from = c.status;
    const to = body.to;
    let bidangTarget = body.bidang?.trim() || undefined;
    let suggested: Bidang | null = null;
    if (findRule(from, to)?.requiresBidang && !bidangTarget) {
      suggested = suggestBidang(c.jenis, bidang.table);
      if (suggested) bidangTarget = suggested;
    }
    const r = checkTransition({
      from,
      to,
      role: user.role as Role,
      userBidang: (user.bidang ?? null) as Bidang | null,
      caseBidang: (c.bidang ?? null) as Bidang | null,
      bidangTarget,
      reason: body.reason,
    });
    if (!r.ok) throw transitionError(r.error);
    // A public reply riding on the transition needs the reply permission as well (kadis
    // may close a case but not write to the complainant), checked before any write.
    if (body.reply !== undefined) assertMay(user, "reply", c.bidang);
    const replyText = body.reply !== undefined ? validateReply(c.channel, body.reply) : null;

    const now = ctx.clock();
    const final = (FINAL_STATUSES as readonly string[]).includes(to);
    const pauses = await casePauses(tx, caseId);
    const clock = clockFor(policy, calendar, {
      channel: c.channel,
      status: to,
      receivedAt: c.receivedAt,
      stepStartedAt: now,
      pauses,
      now,
    });
    const reason = body.reason?.trim() || null;
    const data: Prisma.CaseUpdateManyMutationInput = {
      status: to,
      bidang: r.value.bidang,
      closedAt: final ? now : null,
      currentStep: clock.currentStep,
      stepStartedAt: clock.stepStartedAt,
      dueAt: clock.dueAt,
      version: { increment: 1 },
    };
    if (to === "tidak_dapat_ditindaklanjuti") data.closeReason = reason;
    else if (r.value.rule.kind === "reopen") data.closeReason = null;
    if (final && c.pausedSince) data.pausedSince = null;
    // Compare-and-set: of two concurrent transitions exactly one wins.
    const res = await tx.case.updateMany({ where: { id: caseId, version: body.version }, data });
    if (res.count === 0) {
      const cur = await tx.case.findUnique({ where: { id: caseId }, select: { version: true } });
      throw versionConflict(body.version, cur?.version ?? body.version + 1);
    }
    if (final && c.pausedSince)
      await tx.casePause.updateMany({ where: { caseId, to: null }, data: { to: now } });
    await tx.caseEvent.create({
      data: {
        caseId,
        at: now,
        type: "status.changed",
        actorId: user.id,
        data: {
          from,
          to,
          kind: r.value.rule.kind,
          note: body.note?.trim() || null,
          reason,
          bidang: r.value.bidang,
          bidangSuggested: suggested,
          completedStep: r.value.completesStep,
          previousDueAt: c.dueAt?.toISOString() ?? null,
          late: c.dueAt !== null && !c.pausedSince && now.getTime() > c.dueAt.getTime(),
          step: clock.currentStep,
          dueAt: clock.dueAt?.toISOString() ?? null,
        },
      },
    });
    if (replyText !== null) {
      await writeReply(tx, c, {
        text: replyText,
        status: to,
        actorId: user.id,
        at: now,
        keyring: ctx.keyring,
        field: "body.reply",
        followUps: ctx.registry.followUps,
      });
    }
    await audit(tx, {
      actor: user,
      action: "case.transition",
      caseId,
      fields: replyText !== null ? ["reply"] : [],
      purpose: "penanganan aduan",
      data: { from, to, bidang: r.value.bidang },
      ...meta,
    });
  });
  return getCase(ctx, user, caseId, meta);
}

export type AllowedTransitionsDto = {
  caseId: string;
  status: CaseStatus;
  version: number;
  bidang: string | null;
  suggestedBidang: Bidang | null;
  transitions: {
    to: CaseStatus;
    kind: string;
    requiresBidang: boolean;
    requiresReason: boolean;
  }[];
  reply: { mode: "outbox" | "recorded"; min: number; max: number };
};

export async function listAllowedTransitions(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
): Promise<AllowedTransitionsDto> {
  const c = await ctx.db.prisma.case.findUnique({
    where: { id: caseId },
    select: { id: true, status: true, version: true, bidang: true, jenis: true, channel: true },
  });
  if (!c) throw notFound("Kasus");
  if (!isCaseStatus(c.status)) throw new DomainError("INTERNAL", "Status kasus rusak");
  const { table } = await loadBidangTable(ctx);
  const tos = allowedTransitions(
    c.status,
    user.role as Role,
    (user.bidang ?? null) as Bidang | null,
    (c.bidang ?? null) as Bidang | null,
  );
  const route = replyRoute(c.channel);
  const limits = replyLimits(c.channel);
  return {
    caseId: c.id,
    status: c.status,
    version: c.version,
    bidang: c.bidang,
    suggestedBidang: suggestBidang(c.jenis, table),
    transitions: tos.map((to) => {
      const r = findRule(c.status as CaseStatus, to)!;
      return {
        to,
        kind: r.kind,
        requiresBidang: r.requiresBidang,
        requiresReason: r.requiresReason,
      };
    }),
    reply: { mode: route.mode, min: limits.min, max: limits.max },
  };
}

// ---- replies without a status change, and the acknowledgement ----

export async function replyToCase(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  body: { text: string },
  meta: Meta,
): Promise<{ messageId: string; deliveryStatus: string; outboxId: string | null }> {
  return ctx.db.prisma.$transaction(async (tx) => {
    const c = await caseForAction(tx, user, caseId, "reply");
    const text = validateReply(c.channel, body.text, "body.text");
    const status = isCaseStatus(c.status) ? c.status : "diterima";
    const out = await writeReply(tx, c, {
      text,
      status,
      actorId: user.id,
      at: ctx.clock(),
      keyring: ctx.keyring,
      field: "body.text",
      followUps: ctx.registry.followUps,
    });
    await audit(tx, {
      actor: user,
      action: "case.reply",
      caseId,
      fields: ["reply"],
      purpose: "balasan kepada pelapor",
      ...meta,
    });
    return { messageId: out.messageId, deliveryStatus: out.deliveryStatus, outboxId: out.outboxId };
  });
}

export async function acknowledgeCase(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  meta: Meta,
): Promise<CaseDto> {
  await ctx.db.prisma.$transaction(async (tx) => {
    const c = await caseForAction(tx, user, caseId, "acknowledge");
    if ((FINAL_STATUSES as readonly string[]).includes(c.status)) {
      throw new DomainError("CASE_CLOSED", "Kasus sudah ditutup");
    }
    // The flag makes the acknowledgement happen once even when two officers click at once.
    const res = await tx.case.updateMany({
      where: { id: caseId, NOT: { flags: { has: "acknowledged" } } },
      data: { flags: { push: "acknowledged" } },
    });
    if (res.count === 0) {
      throw new DomainError("ALREADY_ACKNOWLEDGED", "Pengaduan ini sudah diberi tanda terima");
    }
    const now = ctx.clock();
    const outbound = ACK_OUTBOUND_CHANNELS.includes(c.channel);
    await tx.caseEvent.create({
      data: {
        caseId,
        at: now,
        type: "case.acknowledged",
        actorId: user.id,
        data: { channel: c.channel, sentToCitizen: outbound },
      },
    });
    if (outbound) {
      const status = isCaseStatus(c.status) ? c.status : "diterima";
      await writeReply(tx, c, {
        text: ACKNOWLEDGEMENT_TEXT(c.number),
        status,
        actorId: user.id,
        at: now,
        kind: "acknowledgement",
        followUps: ctx.registry.followUps,
      });
    }
    await audit(tx, {
      actor: user,
      action: "case.acknowledge",
      caseId,
      purpose: "tanda terima pengaduan",
      ...meta,
    });
  });
  return getCase(ctx, user, caseId, meta);
}
