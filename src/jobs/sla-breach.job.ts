// sla.breach: every 15 minutes, e-mail the people responsible for each case whose running
// SLA step is past due, once per breach, and escalate to the kadis when a breach is still
// open ADUAN_SLA_ESCALATE_WORKING_DAYS working days later.
//
// Once: a SlaNotification row (caseId, step, dueAt) is inserted BEFORE sending (ON CONFLICT
// DO NOTHING claims the breach, so two runs or two processes never both send); if the SMTP
// send fails the row is deleted again so the next run retries. The escalation uses the step
// key "<step>:eskalasi" under the same unique index.
//
// Recipients: the assignee, else the penelaah of the case's bidang, else (not yet disposed)
// the front office; their head is the koordinator (ketua tim); escalations go to the kadis.
// All of them from the case's own office (instansi): one office never mails another's staff.
//
// The batch holds only breaches with a notice still to send (the plain notice, or the
// escalation once it is due), so old breaches that stay open never crowd newer ones out.
// The mail carries the case number, jenis, step and due date only: no citizen data.
import type { HubContext } from "../context.js";
import { toWitaDate, witaInstant, type WorkingCalendar } from "../domain/calendar/working-days.js";
import { createMailer, type Mailer } from "../notify/mailer.js";
import { loadCalendarCached } from "../services/sla.service.js";
import { backfillIntake } from "../intake/backfill.js";
import { FINAL_STATUSES_SQL } from "../repos/status-sql.js";
import { defineJob } from "./job.js";

const BATCH = 200;

const STEP_LABEL: Record<string, string> = {
  verify: "verifikasi",
  acknowledge: "tanda terima",
  disposition: "disposisi ke bidang",
  follow_up: "tindak lanjut",
  close: "penyelesaian dan pelaporan",
};

type BreachRow = {
  id: string;
  instansi: string;
  number: string;
  jenis: string | null;
  status: string;
  bidang: string | null;
  assigneeId: string | null;
  currentStep: string;
  dueAt: Date;
};

type Recipient = { username: string; email: string | null; role: string };

function witaStamp(d: Date): string {
  const local = new Date(d.getTime() + 8 * 3_600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)} WITA`;
}

async function usersWhere(
  ctx: HubContext,
  where: { instansi: string; id?: string; role?: string; bidang?: string },
): Promise<Recipient[]> {
  return ctx.db.prisma.user.findMany({
    where: { ...where, active: true },
    select: { username: true, email: true, role: true },
    orderBy: { username: "asc" },
  });
}

async function recipientsFor(
  ctx: HubContext,
  c: BreachRow,
  escalation: boolean,
): Promise<{ to: Recipient[]; cc: Recipient[] }> {
  const { instansi } = c;
  let responsible: Recipient[] = [];
  if (c.assigneeId) responsible = await usersWhere(ctx, { instansi, id: c.assigneeId });
  if (!responsible.length && c.bidang)
    responsible = await usersWhere(ctx, { instansi, role: "penelaah", bidang: c.bidang });
  if (!responsible.length) responsible = await usersWhere(ctx, { instansi, role: "front_office" });
  const koordinator = await usersWhere(ctx, { instansi, role: "koordinator" });
  if (!escalation) return { to: responsible, cc: koordinator };
  const kadis = await usersWhere(ctx, { instansi, role: "kadis" });
  return { to: kadis, cc: [...koordinator, ...responsible] };
}

function render(c: BreachRow, lateDays: number, escalation: boolean) {
  const step = STEP_LABEL[c.currentStep] ?? c.currentStep;
  const subject = escalation
    ? `[Aduan] Eskalasi: ${c.number} terlambat ${lateDays} hari kerja (${step})`
    : `[Aduan] Lewat batas waktu: ${c.number} (${step})`;
  const text = [
    escalation
      ? `Kasus ${c.number} masih melewati batas waktu langkah "${step}" setelah ${lateDays} hari kerja dan dieskalasi kepada Kepala Dinas.`
      : `Kasus ${c.number} melewati batas waktu langkah "${step}".`,
    "",
    `Jenis aduan : ${c.jenis ?? "-"}`,
    `Status      : ${c.status}`,
    `Bidang      : ${c.bidang ?? "belum didisposisi"}`,
    `Batas waktu : ${witaStamp(c.dueAt)}`,
    "",
    "Silakan buka konsol aduan-hub untuk menindaklanjuti.",
    "",
    "-- pesan otomatis aduan-hub, Dinas Sosial Kabupaten Tabalong",
  ].join("\n");
  return { subject, text };
}

async function claim(
  ctx: HubContext,
  caseId: string,
  step: string,
  dueAt: Date,
): Promise<string | null> {
  const rows = await ctx.db.sql.query<{ id: string }>(
    `INSERT INTO "SlaNotification" ("id", "caseId", "step", "dueAt", "notifiedAt")
     VALUES (gen_random_uuid(), $1::uuid, $2, $3, $4)
     ON CONFLICT ("caseId", "step", "dueAt") DO NOTHING RETURNING id`,
    [caseId, step, dueAt, ctx.clock()],
  );
  return rows[0]?.id ?? null;
}

/**
 * The instant before which a due date is at least `days` working days late at `now`
 * (lateness counts whole WITA days, so it only grows as the due date moves back); null
 * when no due date within a year back is that late.
 */
function escalationCutoff(calendar: WorkingCalendar, now: Date, days: number): Date | null {
  for (let k = 0; k <= 366; k++) {
    const day = new Date(now.getTime() - k * 86_400_000);
    if (calendar.elapsedWorkingDays(day, now, []) >= days) {
      // Every instant up to the end of that WITA day is late enough.
      return new Date(witaInstant(toWitaDate(day)).getTime() + 86_400_000);
    }
  }
  return null;
}

export async function runSlaBreach(
  ctx: HubContext,
  opts: { mailer?: Mailer | null } = {},
): Promise<Record<string, unknown>> {
  // Cases from before the intake pipeline: jenis suggestion and clock, all in this run.
  const filled = await backfillIntake(ctx);
  const backfilled = filled.clock;
  const now = ctx.clock();
  const calendar = await loadCalendarCached(ctx);
  const escalateAfter = ctx.config.ADUAN_SLA_ESCALATE_WORKING_DAYS;
  const cutoff = escalationCutoff(calendar, now, escalateAfter);
  // Only breaches with a notice still to send: the plain one not yet recorded, or the
  // escalation due (dueAt before the cutoff) and not yet recorded. The LIMIT then never
  // fills up with breaches that were already mailed.
  const rows = await ctx.db.sql.query<BreachRow>(
    `SELECT c.id, c.instansi, c.number, c.jenis, c.status, c.bidang, c."assigneeId",
            c."currentStep", c."dueAt"
       FROM "Case" c
      WHERE c."dueAt" < $1
        AND c.status NOT IN ${FINAL_STATUSES_SQL}
        AND (c."pausedSince" IS NULL OR c."pausedSince" > c."dueAt")
        AND c."currentStep" IS NOT NULL
        AND (NOT EXISTS (SELECT 1 FROM "SlaNotification" n
                          WHERE n."caseId" = c.id AND n.step = c."currentStep"
                            AND n."dueAt" = c."dueAt")
             OR (c."dueAt" < $2::timestamptz
                 AND NOT EXISTS (SELECT 1 FROM "SlaNotification" n
                                  WHERE n."caseId" = c.id
                                    AND n.step = c."currentStep" || ':eskalasi'
                                    AND n."dueAt" = c."dueAt")))
      ORDER BY c."dueAt" ASC
      LIMIT ${BATCH}`,
    [now, cutoff],
  );
  const summary = {
    backfilled,
    jenisBackfilled: filled.jenis,
    breaches: rows.length,
    sent: 0,
    failed: 0,
    noRecipient: 0,
    smtp: true,
  };
  if (!rows.length) return summary;
  const mailer = opts.mailer === undefined ? createMailer(ctx.config) : opts.mailer;
  if (!mailer) {
    // Leave the breaches unclaimed: they are mailed once SMTP is configured.
    ctx.logger.warn({ breaches: rows.length }, "sla.breach: SMTP_HOST not set, no e-mail sent");
    return { ...summary, smtp: false };
  }
  try {
    for (const c of rows) {
      const dueAt = new Date(c.dueAt);
      const lateDays = calendar.elapsedWorkingDays(dueAt, now, []);
      const notices: { step: string; escalation: boolean }[] = [
        { step: c.currentStep, escalation: false },
      ];
      if (lateDays >= escalateAfter)
        notices.push({ step: `${c.currentStep}:eskalasi`, escalation: true });
      for (const n of notices) {
        const id = await claim(ctx, c.id, n.step, dueAt);
        if (!id) continue;
        const { to, cc } = await recipientsFor(ctx, { ...c, dueAt }, n.escalation);
        const toAddr = [...new Set(to.flatMap((u) => (u.email ? [u.email] : [])))];
        const ccAddr = [...new Set(cc.flatMap((u) => (u.email ? [u.email] : [])))].filter(
          (a) => !toAddr.includes(a),
        );
        if (!toAddr.length && !ccAddr.length) {
          summary.noRecipient++;
          ctx.logger.warn(
            { caseNumber: c.number, step: n.step },
            "sla.breach: nobody with an e-mail address to notify; breach recorded without mail",
          );
          continue;
        }
        const mail = render({ ...c, dueAt }, lateDays, n.escalation);
        try {
          await mailer.send({
            to: toAddr.length ? toAddr : ccAddr,
            cc: toAddr.length ? ccAddr : [],
            ...mail,
          });
          await ctx.db.prisma.slaNotification.update({
            where: { id },
            data: { recipients: [...toAddr, ...ccAddr] },
          });
          summary.sent++;
        } catch (e) {
          // Give the claim back so the next run tries again.
          await ctx.db.prisma.slaNotification.delete({ where: { id } });
          summary.failed++;
          ctx.logger.error(
            { caseNumber: c.number, step: n.step, err: { message: (e as Error).message } },
            "sla.breach: e-mail failed; will retry on the next run",
          );
        }
      }
    }
  } finally {
    if (opts.mailer === undefined) mailer.close();
  }
  ctx.logger.info({ ...summary, due: toWitaDate(now) }, "sla.breach run");
  return summary;
}

export const slaBreachJob = defineJob<never>({
  id: "sla.breach",
  schedule: (ctx) => ctx.config.ADUAN_SLA_BREACH_CRON,
  handler: (ctx) => runSlaBreach(ctx),
});
