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
