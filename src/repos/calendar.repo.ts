// The office's exceptions to the working-day calendar (a declared holiday, a working
// Saturday). A change and its audit row commit together.
import type { Db } from "../db/database.js";
import { audit, type AuditEntry } from "../services/audit.service.js";

export type CalendarOverrideRow = { date: string; working: boolean; reason: string | null };

/** The overrides whose date (YYYY-MM-DD) starts with `prefix`, by date. */
export async function listCalendarOverrides(
  ctx: { db: Db },
  prefix: string,
): Promise<CalendarOverrideRow[]> {
  return ctx.db.prisma.calendarOverride.findMany({
    where: { date: { startsWith: prefix } },
    orderBy: { date: "asc" },
  });
}

export async function findCalendarOverride(
  ctx: { db: Db },
  date: string,
): Promise<CalendarOverrideRow | null> {
  return ctx.db.prisma.calendarOverride.findUnique({ where: { date } });
}

export async function putCalendarOverride(
  ctx: { db: Db },
  row: { date: string; working: boolean; reason?: string | null | undefined; createdById: string },
  entry: AuditEntry,
): Promise<void> {
  const fields = {
    working: row.working,
    reason: row.reason ?? null,
    createdById: row.createdById,
  };
  await ctx.db.prisma.$transaction(async (tx) => {
    await tx.calendarOverride.upsert({
      where: { date: row.date },
      create: { date: row.date, ...fields },
      update: fields,
    });
    await audit(tx, entry);
  });
}

/** Deletes the override of `date` with its audit row; false (nothing written) when none. */
export async function deleteCalendarOverride(
  ctx: { db: Db },
  date: string,
  entry: AuditEntry,
): Promise<boolean> {
  return ctx.db.prisma.$transaction(async (tx) => {
    const del = await tx.calendarOverride.deleteMany({ where: { date } });
    if (del.count === 0) return false;
    await audit(tx, entry);
    return true;
  });
}
