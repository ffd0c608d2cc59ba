// The memory of scheduled jobs (issue 17): the last period each job completed.
import type { HubContext } from "../context.js";

export type JobStateRow = { job: string; lastPeriod: string; completedAt: Date };

export async function readJobState(ctx: HubContext, job: string): Promise<JobStateRow | null> {
  const rows = await ctx.db.sql.query<JobStateRow>(
    `SELECT job, "lastPeriod", "completedAt" FROM "JobState" WHERE job = $1`,
    [job],
  );
  return rows[0] ?? null;
}

export async function listJobStates(ctx: HubContext): Promise<JobStateRow[]> {
  return ctx.db.sql.query<JobStateRow>(
    `SELECT job, "lastPeriod", "completedAt" FROM "JobState" ORDER BY job`,
  );
}

/**
 * Records a completed run. The period only moves forward (keys sort in time order), so a
 * manual run of an older period never makes the scheduler forget a newer one.
 */
export async function recordJobCompleted(
  ctx: HubContext,
  job: string,
  period: string,
  at: Date,
): Promise<void> {
  await ctx.db.sql.query(
    `INSERT INTO "JobState" (job, "lastPeriod", "completedAt") VALUES ($1, $2, $3)
     ON CONFLICT (job) DO UPDATE
       SET "lastPeriod" = GREATEST("JobState"."lastPeriod", EXCLUDED."lastPeriod"),
           "completedAt" = EXCLUDED."completedAt"`,
    [job, period, at],
  );
}

/** A run that completed no period (a forced run): its time only, the period untouched. */
export async function touchJobCompleted(ctx: HubContext, job: string, at: Date): Promise<void> {
  await ctx.db.sql.query(`UPDATE "JobState" SET "completedAt" = $2 WHERE job = $1`, [job, at]);
}
