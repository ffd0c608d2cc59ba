// The citizens' side of a case (issue 18): look-up by number + token, the status in plain
// words, the tanda terima (issue 15 item 2) and the token's life cycle. One token per case,
// stored only as its hash: handed out by the web form's answer, the desk's intake answer,
// the channel acknowledgement or a staff reissue (audited, the old one stops working).
import type { HubContext } from "../context.js";
import { asSystem } from "../db/scope.js";
import { notFound } from "../domain/errors.js";
import { CHANNEL_LABELS, type Channel } from "../domain/roles.js";
import { STATUS_LABELS, type CaseStatus, type ClockStep } from "../domain/workflow.js";
import { isJenisCode, jenisLabel } from "../domain/jenis.js";
import { channelGroup } from "../domain/sla-policy.js";
import {
  findPublicCases,
  publicCaseView,
  setPublicTokenHash,
  type PublicCase,
} from "../repos/cases.repo.js";
import type { ReceiptData } from "../reports/receipt/receipt.js";
import { newLookupToken, tokenMatches } from "../security/lookup-token.js";
import type { AuthUser } from "./auth.service.js";
import { recordAudit } from "./audit.service.js";
import { loadCalendarCached, loadSlaPolicy } from "./sla.service.js";

const NIL = "00000000-0000-0000-0000-000000000000";

/** The case this number and token open, or null (unknown number and wrong token alike). */
export async function findByToken(
  ctx: HubContext,
  number: string,
  token: string,
): Promise<PublicCase | null> {
  return asSystem("public-status", async () => {
    const candidates = await findPublicCases(ctx, number.trim().toUpperCase());
    let hit: PublicCase | null = null;
    // Every candidate is compared (and one dummy when there is none), constant-time each.
    for (const c of candidates.length ? candidates : [null]) {
      if (tokenMatches(c?.publicTokenHash ?? null, token) && c) hit = c;
    }
    return hit;
  });
}

export const STEP_WORDS: Readonly<Record<ClockStep, string>> = {
  verify: "verifikasi pengaduan oleh petugas",
  acknowledge: "penyampaian tanda terima",
  disposition: "penerusan ke bidang yang menangani",
  follow_up: "tindak lanjut oleh bidang yang menangani",
  close: "penyampaian jawaban dan penyelesaian",
};

const STATUS_WORDS: Readonly<Record<CaseStatus, string>> = {
  diterima: "Pengaduan diterima",
  diverifikasi: "Pengaduan diverifikasi petugas",
  didisposisi: "Pengaduan diteruskan ke bidang yang menangani",
  ditindaklanjuti: "Pengaduan sedang ditindaklanjuti",
  selesai: "Pengaduan selesai ditangani",
  tidak_dapat_ditindaklanjuti: "Pengaduan tidak dapat ditindaklanjuti",
};

export type PublicStatus = {
  number: string;
  status: string;
  statusLabel: string;
  receivedAt: Date;
  closedAt: Date | null;
  steps: { at: Date; text: string }[];
  replies: { at: Date; text: string }[];
};

/** What the status page shows: never staff names, notes, NIK or other people's data. */
export async function publicStatus(
  ctx: HubContext,
  c: PublicCase | null,
): Promise<PublicStatus | null> {
  const view = await asSystem("public-status", () => publicCaseView(ctx, c?.id ?? NIL));
  if (!c) return null;
  const steps: { at: Date; text: string }[] = [];
  for (const e of view.events) {
    let text: string | null = null;
    if (e.type === "case.created" || e.type === "case.imported") text = "Pengaduan diterima";
    else if (e.type === "case.acknowledged") text = "Tanda terima disampaikan";
    else if (e.type === "status.changed" && e.to && e.to in STATUS_WORDS)
      text = STATUS_WORDS[e.to as CaseStatus];
    else if (e.type === "sla.paused") text = "Menunggu kelengkapan dokumen";
    else if (e.type === "sla.resumed") text = "Penanganan dilanjutkan";
    if (text && steps.at(-1)?.text !== text) steps.push({ at: e.at, text });
  }
  for (const r of view.replies) steps.push({ at: r.at, text: "Jawaban petugas disampaikan" });
  steps.sort((a, b) => a.at.getTime() - b.at.getTime());
  return {
    number: c.number,
    status: c.status,
    statusLabel: STATUS_LABELS[c.status as CaseStatus] ?? c.status,
    receivedAt: c.receivedAt,
    closedAt: c.closedAt,
    steps,
    replies: view.replies.map((r) => ({ at: r.at, text: r.body })),
  };
}

/** The citizens' page address: configured, else where the request came, else HOST:PORT. */
export function publicBaseUrl(ctx: HubContext, requestOrigin?: string): string {
  return (
    ctx.config.ADUAN_PUBLIC_URL ?? requestOrigin ?? `http://${ctx.config.HOST}:${ctx.config.PORT}`
  );
}

type ReceiptCase = {
  id: string;
  number: string;
  channel: string;
  jenis: string | null;
  receivedAt: Date;
  currentStep: string | null;
  dueAt: Date | null;
  publicTokenHash?: string | null;
};

/** The tanda terima of a case, with the token when this print is the one handing it out. */
export async function receiptData(
  ctx: HubContext,
  c: ReceiptCase,
  opts: { lookupToken: string | null; baseUrl: string },
): Promise<ReceiptData> {
  const { policy } = await loadSlaPolicy(ctx);
  const calendar = await loadCalendarCached(ctx);
  const longest = policy.classTargets.khusus.maxWorkingDays;
  const group = channelGroup(policy, c.channel as Channel);
  const step = c.currentStep as ClockStep | null;
  return {
    office: {
      name: ctx.config.ADUAN_OFFICE_NAME,
      address: ctx.config.ADUAN_OFFICE_ADDRESS,
      phone: ctx.config.ADUAN_OFFICE_PHONE,
      email: ctx.config.ADUAN_OFFICE_EMAIL,
    },
    number: c.number,
    receivedAt: c.receivedAt,
    channelLabel: CHANNEL_LABELS[c.channel as Channel] ?? c.channel,
    jenisLabel: c.jenis && isJenisCode(c.jenis) ? jenisLabel(c.jenis) : c.jenis,
    nextStep: step && step in STEP_WORDS ? { label: STEP_WORDS[step], dueAt: c.dueAt } : null,
    target:
      group && longest
        ? { workingDays: longest, by: calendar.dueDate(c.receivedAt, longest) }
        : null,
    statusUrl: `${opts.baseUrl}/pengaduan/status`,
    lookupToken: opts.lookupToken,
    printedAt: ctx.clock(),
  };
}

/** Loads what the receipt needs (in the caller's scope). */
export async function receiptCase(ctx: HubContext, caseId: string): Promise<ReceiptCase> {
  const c = await ctx.db.prisma.case.findUnique({
    where: { id: caseId },
    select: {
      id: true,
      number: true,
      channel: true,
      jenis: true,
      receivedAt: true,
      currentStep: true,
      dueAt: true,
      publicTokenHash: true,
    },
  });
  if (!c) throw notFound("Kasus");
  return c;
}

/** Is this the case's current token? (The desk's print right after intake passes it.) */
export async function caseTokenMatches(
  ctx: HubContext,
  caseId: string,
  token: string,
): Promise<boolean> {
  const c = await ctx.db.prisma.case.findUnique({
    where: { id: caseId },
    select: { publicTokenHash: true },
  });
  return tokenMatches(c?.publicTokenHash ?? null, token);
}

/**
 * A new token for a case whose token is lost (reprint): the old one stops working at once.
 * Audited (who, when, which case); the token itself is in no log, row or event.
 */
export async function reissueLookupToken(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  meta: { ip?: string | undefined; requestId?: string | undefined },
): Promise<{ number: string; lookupToken: string }> {
  const c = await receiptCase(ctx, caseId);
  const { token, hash } = newLookupToken();
  await ctx.db.prisma.$transaction(async (tx) => {
    await tx.case.update({ where: { id: caseId }, data: { publicTokenHash: hash } });
    await tx.caseEvent.create({
      data: { caseId, type: "lookup_token.reissued", actorId: user.id, data: {} },
    });
  });
  await recordAudit(ctx, {
    actor: user,
    action: "case.lookup_token_reissued",
    caseId,
    purpose: "token pelacakan baru untuk pelapor (token lama tidak berlaku)",
    ip: meta.ip,
    requestId: meta.requestId,
    data: { number: c.number, hadToken: c.publicTokenHash !== null },
  });
  return { number: c.number, lookupToken: token };
}

/**
 * The token an automatic acknowledgement carries: minted when the acknowledgement is sent
 * (the outbox entry holds no secret), replacing any earlier one of the case.
 */
export async function mintAckToken(ctx: HubContext, caseId: string): Promise<string> {
  const { token, hash } = newLookupToken();
  await setPublicTokenHash(ctx, caseId, hash);
  return token;
}
