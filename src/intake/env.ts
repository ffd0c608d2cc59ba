// What the intake steps read besides the draft: the SLA policy and the working-day
// calendar (deadline), the jenis catalogue (suggestion) and the bidang table (bidang
// suggestion). Loaded OUTSIDE any transaction (on PGlite a query beside an open
// transaction waits for it), then handed to the steps; each loader caches for 30 s.
import type { HubContext } from "../context.js";
import type { WorkingCalendar } from "../domain/calendar/working-days.js";
import type { SlaPolicy } from "../domain/sla-policy.js";
import type { BidangTable } from "../domain/workflow.js";
import { currentJenisCatalogue } from "../services/catalogue.service.js";
import { loadCalendarCached, loadSlaPolicy } from "../services/sla.service.js";
import { loadBidangTable } from "../services/workflow.service.js";

export type IntakeEnv = {
  policy: SlaPolicy;
  calendar: WorkingCalendar;
  jenisCodes: ReadonlySet<string>;
  bidangTable: BidangTable;
  now: Date;
};

const last = new WeakMap<HubContext, { at: number; env: IntakeEnv }>();

/**
 * `maxAgeMs`: reuse what this process loaded that recently (a sync reads it before every
 * page; four catalogue queries a page were a tenth of a page's time). Staff intake always
 * reads afresh, so a jenis an admin just added is accepted at once.
 */
export async function loadIntakeEnv(
  ctx: HubContext,
  opts: { maxAgeMs?: number } = {},
): Promise<IntakeEnv> {
  const hit = last.get(ctx);
  if (hit && opts.maxAgeMs !== undefined && Date.now() - hit.at < opts.maxAgeMs)
    return { ...hit.env, now: ctx.clock() };
  const [{ policy }, calendar, jenis, bidang] = await Promise.all([
    loadSlaPolicy(ctx),
    loadCalendarCached(ctx),
    currentJenisCatalogue(ctx),
    loadBidangTable(ctx),
  ]);
  const env: IntakeEnv = {
    policy,
    calendar,
    jenisCodes: new Set(jenis.codes.map((j) => j.code)),
    bidangTable: bidang.table,
    now: ctx.clock(),
  };
  last.set(ctx, { at: Date.now(), env });
  return env;
}

/**
 * The environment last loaded in this process, with the clock read now: for code that runs
 * inside a transaction it did not open (a sync page), after `loadIntakeEnv` ran before it.
 */
export function lastIntakeEnv(ctx: HubContext): IntakeEnv | null {
  const hit = last.get(ctx);
  return hit ? { ...hit.env, now: ctx.clock() } : null;
}
