// The one rule for every *_CRON variable: a cron expression evaluated in WITA, or the
// literal `off` (the job is not scheduled). Checked at boot by `cronVar`, so a typo stops
// the hub with the variable named instead of silently dropping a job at runtime.
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";

/** Every scheduled job fires in the office's zone, whatever the server's TZ. */
export const JOB_TIMEZONE = "Asia/Makassar";

/** The value of a *_CRON variable that leaves its job unscheduled. */
export const CRON_OFF = "off";

export const CRON_RULE =
  'must be a cron expression of 5 fields (minute hour day-of-month month day-of-week, in WITA, e.g. "*/5 * * * *"; a leading seconds field is allowed) or off';

/** Next fire time of `cron` strictly after `after`, computed in WITA. */
export function nextFire(cron: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: after, tz: JOB_TIMEZONE }).next().toDate();
}

/** Latest fire time of `cron` at or before `at` (WITA): the period a job should have run for. */
export function lastFire(cron: string, at: Date): Date {
  // prev() is strictly before currentDate: start one millisecond later to include `at`.
  return CronExpressionParser.parse(cron, {
    currentDate: new Date(at.getTime() + 1),
    tz: JOB_TIMEZONE,
  })
    .prev()
    .toDate();
}

export function isValidCron(value: string): boolean {
  // cron-parser fills missing fields ("* * *" parses): the field count is checked here.
  const fields = value.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return false;
  try {
    nextFire(value, new Date(0));
    return true;
  } catch {
    return false;
  }
}

/** Zod schema of a *_CRON variable with its default. */
export function cronVar(defaultValue: string) {
  return z
    .string()
    .trim()
    .refine((v) => v === CRON_OFF || isValidCron(v), CRON_RULE)
    .default(defaultValue);
}
