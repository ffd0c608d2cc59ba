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
};

export function defineJob<P>(def: JobDefinition<P>): JobDefinition<P> {
  return def;
}
