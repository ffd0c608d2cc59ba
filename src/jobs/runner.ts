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
import { CRON_OFF, JOB_TIMEZONE, lastFire, nextFire } from "../config/cron.js";
import { readJobState, recordJobCompleted, touchJobCompleted } from "../repos/job-state.repo.js";

export { JOB_TIMEZONE, nextFire };

export type JobRunner = {
  /** Jobs scheduled, with their next fire time. */
  scheduled(): { id: string; cron: string; next: Date }[];
  /** Runs one job now (same lock as the schedule). */
  runNow(id: string): Promise<"ran" | "skipped" | "unknown">;
  /** Settles when the start-up catch-up of the jobs with memory is done. */
  caughtUp: Promise<void>;
  /** Runs every period of the jobs with memory still due now (what the sweep does). */
  catchUp(): Promise<void>;
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

/** The most periods one catch-up runs for a job (a hub off for years does not replay them all). */
export const MAX_CATCH_UP = 24;

/** How often the runner looks for periods still due (failed runs, a clock that jumped). */
export const CATCH_UP_SWEEP_MS = 10 * 60_000;

/**
 * The periods of a job with memory still to run at `now`, oldest first: those whose fire
 * time has passed and that come after the last completed one. With no record yet, only the
 * latest due period (a first start never replays history).
 */
export function duePeriods(
  job: JobDefinition<never>,
  cron: string,
  last: string | null,
  now: Date,
): string[] {
  const memory = job.memory;
  if (!memory) return [];
  let fire = lastFire(cron, now);
  const latest = memory.period(fire);
  if (last !== null && latest <= last) return [];
  if (last === null || memory.backlog === "latest") return [latest];
  const keys: string[] = [];
  while (keys.length < MAX_CATCH_UP) {
    const key = memory.period(fire);
    if (key <= last) break;
    if (keys[keys.length - 1] !== key) keys.push(key);
    fire = lastFire(cron, new Date(fire.getTime() - 1));
  }
  return keys.reverse();
}

/** The period of a job without memory: the minute it ran (its last success, for metrics). */
function minuteKey(d: Date): string {
  return d.toISOString().slice(0, 16);
}

type RunResult = "ran" | "skipped";

/**
 * Runs `body` under the job's advisory lock, as the system. A lock that cannot be taken
 * (database unreachable) is logged: the schedule goes on, never an unhandled rejection.
 */
async function locked(
  ctx: HubContext,
  job: JobDefinition<never>,
  body: () => Promise<void>,
): Promise<RunResult> {
  let r: { acquired: boolean };
  try {
    // Jobs are system work: they cross offices, even when a staff request started them.
    r = await asSystem(`job:${job.id}`, () => withAdvisoryLock(ctx, `job:${job.id}`, body));
  } catch (e) {
    ctx.logger.error(
      { job: job.id, err: { name: (e as Error).name, message: (e as Error).message } },
      "job failed: lock unavailable",
    );
    return "skipped";
  }
  if (!r.acquired) ctx.logger.debug({ job: job.id }, "job held by another process; skipped");
  return r.acquired ? "ran" : "skipped";
}

/** One run of the handler; true when it succeeded (and its period was recorded). */
async function runHandler(
  ctx: HubContext,
  job: JobDefinition<never>,
  period: string | null,
): Promise<boolean> {
  const started = performance.now();
  try {
    const payload = period !== null && job.memory?.payload ? job.memory.payload(period) : {};
    const result = await job.handler(ctx, payload as never);
    const now = ctx.clock();
    // A forced run of a job with memory covers no period of its own: only its time counts.
    if (period === null && job.memory) await touchJobCompleted(ctx, job.id, now);
    else await recordJobCompleted(ctx, job.id, period ?? minuteKey(now), now);
    ctx.logger.info(
      {
        job: job.id,
        ...(period !== null ? { period } : {}),
        durationMs: Math.round(performance.now() - started),
        result: result ?? null,
      },
      "job finished",
    );
    return true;
  } catch (e) {
    ctx.logger.error(
      { job: job.id, err: { name: (e as Error).name, message: (e as Error).message } },
      "job failed",
    );
    return false;
  }
}

/**
 * Runs one job now. A job with memory runs for each period still due (none when they are
 * all done); `force` runs it once anyway (the operator's "run now").
 */
export async function runJobOnce(
  ctx: HubContext,
  job: JobDefinition<never>,
  opts: { cron?: string | null; force?: boolean } = {},
): Promise<RunResult> {
  const cron = opts.cron === undefined ? job.schedule(ctx) : opts.cron;
  if (!job.memory || !cron || cron === CRON_OFF) {
    return locked(ctx, job, async () => void (await runHandler(ctx, job, null)));
  }
  return locked(ctx, job, async () => {
    const state = await readJobState(ctx, job.id);
    const due = duePeriods(job, cron, state?.lastPeriod ?? null, ctx.clock());
    if (due.length > 1 || (due.length === 1 && state))
      ctx.logger.info({ job: job.id, periods: due }, "job catching up missed periods");
    // In order; a failure stops the catch-up so no later period overtakes it.
    for (const period of due) if (!(await runHandler(ctx, job, period))) return;
    if (!due.length && opts.force) await runHandler(ctx, job, null);
  });
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
      // Never early: a job with memory derives its period from the fire time just passed.
      if (Date.now() < at.getTime()) return schedule(job, cron);
      const p = runJobOnce(ctx, job, { cron }).finally(() => {
        running.delete(p);
        schedule(job, cron);
      });
      running.add(p);
    }, delay);
    t.unref();
    timers.set(job.id, t);
  };

  const plan = planJobs(ctx, list, new Date());
  for (const { job, cron } of plan) schedule(job, cron);
  ctx.logger.info({ jobs: [...next.keys()] }, "job runner started");
  // A period missed while no hub ran (the recap of the 1st, last night's retention) runs
  // now, in the background: the HTTP side is already serving.
  const catchUp = async () => {
    for (const { job, cron } of plan) {
      if (stopped) return;
      if (!job.memory) continue;
      const p = runJobOnce(ctx, job, { cron });
      running.add(p);
      await p.finally(() => running.delete(p));
    }
  };
  const caughtUp = catchUp();
  // The sweep: a period whose run failed (database down at 02:00 on the 1st) is retried
  // within minutes, not at the job's next fire a month later.
  const sweep = setInterval(() => void catchUp(), CATCH_UP_SWEEP_MS);
  sweep.unref();

  return {
    scheduled: () => [...next].map(([id, v]) => ({ id, cron: v.cron, next: v.at })),
    runNow: async (id) => {
      const job = list.find((j) => j.id === id);
      return job ? runJobOnce(ctx, job, { force: true }) : "unknown";
    },
    caughtUp,
    catchUp,
    stop: async () => {
      stopped = true;
      clearInterval(sweep);
      for (const t of timers.values()) clearTimeout(t);
      await Promise.allSettled([...running]);
    },
  };
}
