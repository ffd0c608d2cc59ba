// The office and bidang of one case: what the operation gate needs to decide access before a
// handler reads anything.
import type { Db } from "../db/database.js";

export type CaseScope = { instansi: string; bidang: string | null };

export async function findCaseScope(ctx: { db: Db }, caseId: string): Promise<CaseScope | null> {
  const rows = await ctx.db.sql.query<CaseScope>(
    `SELECT instansi, bidang FROM "Case" WHERE id = $1`,
    [caseId],
    { prepare: true },
  );
  return rows[0] ?? null;
}
