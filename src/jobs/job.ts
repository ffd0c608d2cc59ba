import type { z } from "zod";
import type { HubContext } from "../context.js";

// Jobs are data: an id, an optional cron schedule (from config), a payload schema and a
// handler. Handlers do bounded batches and are testable without timers (call them directly).
export type JobDefinition<P = unknown> = {
  id: string;
  /** cron expression (WITA) or `off` (a *_CRON value as configured), or null for on-demand jobs only */
  schedule: (ctx: HubContext) => string | null;
  payload?: z.ZodType<P>;
  handler: (ctx: HubContext, payload: P) => Promise<Record<string, unknown> | void>;
  /**
   * Jobs with memory (issue 17): the period a run fired at `fire` completes. The runner
   * records the last completed period (JobState) and, at start and on every tick, runs a
   * period that was missed while no hub process was up. Keys must sort in time order.
   */
  memory?: JobMemory<P>;
};

export type JobMemory<P> = {
  period: (fire: Date) => string;
  /** each: every missed period runs once, oldest first (recap); latest: one run covers all. */
  backlog: "each" | "latest";
  /** The payload of the run for one period (default: the handler's default). */
  payload?: (period: string) => P;
};

export function defineJob<P>(def: JobDefinition<P>): JobDefinition<P> {
  return def;
}
