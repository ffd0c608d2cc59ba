// Case reads that answer a page directly: the console's status counts and the public
// status look-up of the web form.
import type { Db } from "../db/database.js";
import { FINAL_STATUSES } from "../domain/workflow.js";

export type StatusCount = { status: string; n: number; overdue: number };

/** One office's cases per status, with how many open ones (not final) are past their deadline at `now`. */
export async function caseCountsByStatus(
  ctx: { db: Db },
  instansi: string,
  now: Date,
): Promise<StatusCount[]> {
  return ctx.db.sql.query<StatusCount>(
    `SELECT status, count(*)::int AS n,
              count(*) FILTER (WHERE "dueAt" < $1 AND status <> ALL($3::text[]))::int AS overdue
       FROM "Case" WHERE instansi = $2 GROUP BY status`,
    [now, instansi, FINAL_STATUSES],
  );
}

export type PublicCase = {
  id: string;
  number: string;
  status: string;
  receivedAt: Date;
  closedAt: Date | null;
  publicTokenHash: string | null;
};

/**
 * The cases that carry a public look-up token under this number (numbers are counted per
 * office, so there may be one per office).
 */
export async function findPublicCases(ctx: { db: Db }, number: string): Promise<PublicCase[]> {
  return ctx.db.prisma.case.findMany({
    where: { number, publicTokenHash: { not: null } },
    select: {
      id: true,
      number: true,
      status: true,
      receivedAt: true,
      closedAt: true,
      publicTokenHash: true,
    },
  });
}

/**
 * What the citizens' status page may show of a case: status, dated steps (event types and
 * target status only: never notes, actors or data) and the office's replies, without the
 * automatic acknowledgements. Runs the same queries whether or not the case exists (a nil
 * id), so a wrong token costs what a right one does.
 */
export async function publicCaseView(
  ctx: { db: Db },
  caseId: string,
): Promise<{
  events: { at: Date; type: string; to: string | null }[];
  replies: { at: Date; body: string }[];
}> {
  const [events, messages, acks] = await Promise.all([
    ctx.db.prisma.caseEvent.findMany({
      where: { caseId },
      orderBy: [{ at: "asc" }, { id: "asc" }],
      select: { at: true, type: true, data: true },
    }),
    ctx.db.prisma.message.findMany({
      where: { caseId, direction: "out", deliveryStatus: { not: "failed" } },
      orderBy: { at: "asc" },
      select: { at: true, body: true, outboxId: true },
    }),
    ctx.db.prisma.outbox.findMany({
      where: { caseId, kind: { endsWith: ".ack" } },
      select: { id: true },
    }),
  ]);
  const ackIds = new Set(acks.map((a) => a.id));
  return {
    events: events.map((e) => {
      const d = e.data as Record<string, unknown> | null;
      return { at: e.at, type: e.type, to: typeof d?.to === "string" ? d.to : null };
    }),
    replies: messages
      .filter((m) => !m.outboxId || !ackIds.has(m.outboxId))
      .map((m) => ({ at: m.at, body: m.body })),
  };
}

/** Sets a case's look-up token hash (a new token invalidates the one handed out before). */
export async function setPublicTokenHash(
  ctx: { db: Db },
  caseId: string,
  hash: string,
): Promise<void> {
  await ctx.db.prisma.case.update({ where: { id: caseId }, data: { publicTokenHash: hash } });
}

/** The office's replies to the complainant, oldest first. */
export async function outboundReplies(
  ctx: { db: Db },
  caseId: string,
): Promise<{ at: Date; body: string }[]> {
  return ctx.db.prisma.message.findMany({
    where: { caseId, direction: "out" },
    orderBy: { at: "asc" },
    select: { at: true, body: true },
  });
}
