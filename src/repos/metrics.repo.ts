// What /metrics reads from the database (issue 17): aggregates only, no row of any case.
import type { HubContext } from "../context.js";
import { FINAL_STATUSES_SQL } from "./status-sql.js";

export async function readMetricsSnapshot(ctx: HubContext) {
  const q = ctx.db.sql.query.bind(ctx.db.sql);
  const now = ctx.clock();
  const [syncRuns, syncRecords, syncStates, outbox, deadLetters, jobs, slaBreaches] =
    await Promise.all([
      q<{ stream: string; status: string; runs: number }>(
        `SELECT stream, status, count(*)::int AS runs FROM "SyncRun" GROUP BY stream, status`,
      ),
      q<{ stream: string; added: number; updated: number; unchanged: number; failed: number }>(
        `SELECT stream, sum(added)::int AS added, sum(updated)::int AS updated,
                sum(unchanged)::int AS unchanged, sum(failed)::int AS failed
           FROM "SyncRun" GROUP BY stream`,
      ),
      q<{ stream: string; lastSuccessAt: Date | null }>(
        `SELECT stream, "lastSuccessAt" FROM "SyncState"`,
      ),
      q<{ kind: string; pending: number; oldest: Date }>(
        `SELECT kind, count(*)::int AS pending, min("createdAt") AS oldest
           FROM "Outbox" WHERE status = 'pending' GROUP BY kind`,
      ),
      q<{ source: string; open: number }>(
        `SELECT source, count(*)::int AS open FROM "DeadLetter" WHERE status = 'open' GROUP BY source`,
      ),
      q<{ job: string; completedAt: Date }>(`SELECT job, "completedAt" FROM "JobState"`),
      // The same breach rule as the sla.breach job: past due, not final, not paused before it.
      q<{ instansi: string; open: number }>(
        `SELECT instansi, count(*)::int AS open FROM "Case" c
          WHERE c."dueAt" < $1 AND c.status NOT IN ${FINAL_STATUSES_SQL}
            AND (c."pausedSince" IS NULL OR c."pausedSince" > c."dueAt")
            AND c."currentStep" IS NOT NULL
          GROUP BY instansi`,
        [now],
      ),
    ]);
  return { syncRuns, syncRecords, syncStates, outbox, deadLetters, jobs, slaBreaches };
}
