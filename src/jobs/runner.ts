// The job runner: every job of `allJobs` with a schedule fires on its cron (cron-parser,
// WITA). Several hub processes may share one database; each run of a job takes a
// PostgreSQL advisory lock named after the job on a dedicated session and skips when
// another process holds it. Chosen over pg-boss because the jobs are periodic sweeps
// that must simply not overlap: a lock needs no extra schema, no queue tables to prune,
// and dies with its connection when a process is killed, so nothing is left stuck.
import type { HubContext } from "../context.js";
import type { JobDefinition } from "./job.js";
import { withAdvisoryLock } from "../sync/stream-lock.js";
import { asSystem } from "../db/scope.js";
import { CRON_OFF, JOB_TIMEZONE, nextFire } from "../config/cron.js";

export { JOB_TIMEZONE, nextFire };

export type JobRunner = {
  /** Jobs scheduled, with their next fire time. */
  scheduled(): { id: string; cron: string; next: Date }[];
  /** Runs one job now (same lock as the schedule). */
  runNow(id: string): Promise<"ran" | "skipped" | "unknown">;
  stop(): Promise<void>;
};

export type PlannedJob = { job: JobDefinition<never>; cron: string; next: Date };

/**
 * Which jobs the runner schedules and when each first fires (WITA): a job whose schedule
 * is null or `off` is left out. A cron that does not parse (config already refuses one at
 * boot; this guards schedules built in code) is logged and left out.
 */
export function planJobs(ctx: HubContext, jobs: JobDefinition<never>[], now: Date): PlannedJob[] {
  const plan: PlannedJob[] = [];
  for (const job of jobs) {
    const cron = job.schedule(ctx);
    if (cron === null || cron === CRON_OFF) continue;
    try {
      plan.push({ job, cron, next: nextFire(cron, now) });
    } catch (e) {
      ctx.logger.error(
        { job: job.id, cron, err: { message: (e as Error).message } },
        "bad cron; job not scheduled",
      );
    }
  }
  return plan;
}

export async function runJobOnce(
  ctx: HubContext,
  job: JobDefinition<never>,
): Promise<"ran" | "skipped"> {
  const started = performance.now();
  let r: { acquired: boolean };
  try {
    // Jobs are system work: they cross offices, even when a staff request started them.
    r = await asSystem(`job:${job.id}`, () =>
      withAdvisoryLock(ctx, `job:${job.id}`, async () => {
        try {
          const result = await job.handler(ctx, {} as never);
          ctx.logger.info(
            {
              job: job.id,
              durationMs: Math.round(performance.now() - started),
              result: result ?? null,
            },
            "job finished",
          );
        } catch (e) {
          ctx.logger.error(
            { job: job.id, err: { name: (e as Error).name, message: (e as Error).message } },
            "job failed",
          );
        }
      }),
    );
  } catch (e) {
    // The lock itself failed (database unreachable): the job did not run; the schedule
    // goes on and the next tick tries again. Never an unhandled rejection.
    ctx.logger.error(
      { job: job.id, err: { name: (e as Error).name, message: (e as Error).message } },
      "job failed: lock unavailable",
    );
    return "skipped";
  }
  if (!r.acquired) ctx.logger.debug({ job: job.id }, "job held by another process; skipped");
  return r.acquired ? "ran" : "skipped";
}

export async function startJobRunner(
  ctx: HubContext,
  jobs?: JobDefinition<never>[],
): Promise<JobRunner> {
  ctx.registry.assertConfig(ctx.config);
  const list = jobs ?? (await import("./index.js")).allJobs;
  const timers = new Map<string, NodeJS.Timeout>();
  const next = new Map<string, { cron: string; at: Date }>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  const schedule = (job: JobDefinition<never>, cron: string) => {
    if (stopped) return;
    const at = nextFire(cron, new Date());
    next.set(job.id, { cron, at });
    // Long waits are chunked: setTimeout overflows after ~24.8 days.
    const delay = Math.min(Math.max(0, at.getTime() - Date.now()), 2 ** 31 - 1);
    const t = setTimeout(() => {
      if (stopped) return;
      if (Date.now() + 5 < at.getTime()) return schedule(job, cron);
      const p = runJobOnce(ctx, job).finally(() => {
        running.delete(p);
        schedule(job, cron);
      });
      running.add(p);
    }, delay);
    t.unref();
    timers.set(job.id, t);
  };

  for (const { job, cron } of planJobs(ctx, list, new Date())) schedule(job, cron);
  ctx.logger.info({ jobs: [...next.keys()] }, "job runner started");

  return {
    scheduled: () => [...next].map(([id, v]) => ({ id, cron: v.cron, next: v.at })),
    runNow: async (id) => {
      const job = list.find((j) => j.id === id);
      return job ? runJobOnce(ctx, job) : "unknown";
    },
    stop: async () => {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      await Promise.allSettled([...running]);
    },
  };
}
