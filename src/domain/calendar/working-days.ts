// Working-day calendar of the office: Monday–Friday in WITA (Asia/Makassar, UTC+8, no DST)
// minus libur nasional and cuti bersama, plus local overrides. Pure arithmetic on a fixed
// +08:00 offset: Intl/tz databases are unnecessary because WITA never changes offset.
//
// Counting rules (the SLA clock depends on them; keep them stable):
// - Day targets ("within n hari kerja"): the day of receipt is day 0, whatever the hour.
//   Counting starts on the next working day and the case is due at the END of the n-th
//   working day (23:59:59.999 WITA). Received Friday 16:00 + 2 → due Tuesday 23:59:59.999.
//   n = 0 → end of the receipt day if it is a working day, else of the next working day.
// - Minute targets (the SOP's "10 menit" steps): only office minutes count (default
//   08:00–16:00 WITA on working days). A message arriving at 21:00 starts the clock at
//   08:00 the next working day.
// - workingDaysBetween (completion statistics, "selesai dalam n hari kerja"): the number of
//   working days after the day of receipt up to the day of completion, at least 1 (a case
//   closed the same day is "1 hari kerja"). A completion on a non-working day counts as
//   the next working day. Invariant for n ≥ 1:
//     end <= addWorkingDays(start, n)  <=>  workingDaysBetween(start, end) <= n
// - Pauses (waiting for documents from the citizen): a working day is "paused" when it
//   lies on or after the day the pause began and before the day it ended (an open pause
//   ends at `asOf`): the day the office asks for documents is given back, the day they
//   arrive counts. Paused days do not count toward the target, so the due date is the end
//   of the n-th unpaused working day after receipt. Consequences: a case is never late
//   while an open pause runs, a pause that starts after the deadline does not move it (a
//   late case stays late), and overlapping pauses count once.

import { readFileSync } from "node:fs";
import { z } from "zod";
import { fromRoot } from "../../util/package-root.js";

export const WITA_OFFSET_MINUTES = 8 * 60;
const OFFSET_MS = WITA_OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;
// Guards the day loops against a calendar with no working day at all (misconfigured
// overrides); ten years is far beyond any SLA target.
const MAX_SCAN_DAYS = 3_660;

export type HolidayKind = "libur" | "cuti_bersama";

export interface Holiday {
  date: string;
  kind: HolidayKind;
  name: string;
  source: string;
  verified?: boolean;
}

// working: false = extra local closure (e.g. a regency-declared day off);
// working: true = open although a weekend/holiday (e.g. cuti bersama cancelled locally).
export interface CalendarOverride {
  date: string;
  working: boolean;
  reason?: string;
}

export interface OfficeWindow {
  start: string; // "HH:MM" WITA
  end: string; // "HH:MM" WITA
}

// ISO weekday: 1 = Monday … 7 = Sunday.
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface OfficeHours extends OfficeWindow {
  byWeekday?: Partial<Record<IsoWeekday, OfficeWindow>>;
}

export interface Pause {
  from: Date;
  to: Date | null;
}

export interface CalendarOptions {
  holidays: readonly Holiday[];
  overrides?: readonly CalendarOverride[];
  officeHours?: OfficeHours;
}

export interface WorkingCalendar {
  isWorkingDay(dateISO: string): boolean;
  /** Holiday or override explaining why a date is (not) a working day, if any. */
  describe(dateISO: string): {
    working: boolean;
    holiday: Holiday | null;
    override: CalendarOverride | null;
  };
  addWorkingDays(instant: Date, n: number): Date;
  addWorkingMinutes(instant: Date, minutes: number): Date;
  workingDaysBetween(start: Date, end: Date): number;
  workingMinutesBetween(start: Date, end: Date, pauses?: readonly Pause[]): number;
  elapsedWorkingDays(start: Date, now: Date, pauses: readonly Pause[]): number;
  dueDate(start: Date, n: number, pauses?: readonly Pause[], asOf?: Date): Date;
  dueDateMinutes(start: Date, minutes: number, pauses?: readonly Pause[], asOf?: Date): Date;
  /** First and last year present in the holiday table; outside it only weekends and overrides apply. */
  readonly coverage: { fromYear: number; toYear: number } | null;
}

export const DEFAULT_OFFICE_HOURS: OfficeHours = { start: "08:00", end: "16:00" };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const dateIsoSchema = z
  .string()
  .refine((s) => parseDayNumber(s) !== null, "expected a valid YYYY-MM-DD date");

export const holidaySchema = z.object({
  date: dateIsoSchema,
  kind: z.enum(["libur", "cuti_bersama"]),
  name: z.string().min(1),
  source: z.string().min(1),
  verified: z.boolean().optional(),
});

export const calendarOverrideSchema = z.object({
  date: dateIsoSchema,
  working: z.boolean(),
  reason: z.string().min(1).optional(),
});

export const holidayFileSchema = z.object({
  description: z.string(),
  years: z.record(
    z.string().regex(/^\d{4}$/),
    z.object({ decrees: z.array(z.string()), note: z.string(), crossChecked: z.array(z.string()) }),
  ),
  holidays: z.array(holidaySchema),
});

let cachedDefault: readonly Holiday[] | undefined;

/** The shipped table (src/domain/calendar/holidays.id.json), validated once. */
export function defaultHolidays(): readonly Holiday[] {
  if (cachedDefault) return cachedDefault;
  const raw: unknown = JSON.parse(
    readFileSync(fromRoot("src", "domain", "calendar", "holidays.id.json"), "utf8"),
  );
  const parsed = holidayFileSchema.parse(raw);
  cachedDefault = parsed.holidays.map((h) => stripUndefined(h));
  return cachedDefault;
}

function stripUndefined(h: z.infer<typeof holidaySchema>): Holiday {
  const out: Holiday = { date: h.date, kind: h.kind, name: h.name, source: h.source };
  if (h.verified !== undefined) out.verified = h.verified;
  return out;
}

// ---- civil-date helpers (day number = days since 1970-01-01 in WITA) ----

function parseDayNumber(dateISO: string): number | null {
  const m = ISO_DATE.exec(dateISO);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return null;
  return ms / DAY_MS;
}

function dayNumberOrThrow(dateISO: string): number {
  const n = parseDayNumber(dateISO);
  if (n === null) throw new RangeError(`invalid date "${dateISO}", expected YYYY-MM-DD`);
  return n;
}

export function dayNumberToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function assertInstant(d: Date, what: string): number {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${what} is an invalid Date`);
  return ms;
}

/** WITA civil day number of an instant (23:30 UTC is already the next day in WITA). */
function witaDay(ms: number): number {
  return Math.floor((ms + OFFSET_MS) / DAY_MS);
}

/** The WITA calendar date (YYYY-MM-DD) of an instant. */
export function toWitaDate(instant: Date): string {
  return dayNumberToIso(witaDay(assertInstant(instant, "instant")));
}

/** The instant of a WITA wall-clock time, e.g. witaInstant("2026-03-16", "08:00"). */
export function witaInstant(dateISO: string, hhmm = "00:00"): Date {
  return new Date(dayStartMs(dayNumberOrThrow(dateISO)) + minutesOfDay(hhmm) * 60_000);
}

function dayStartMs(day: number): number {
  return day * DAY_MS - OFFSET_MS;
}

function dayEndMs(day: number): number {
  return dayStartMs(day + 1) - 1;
}

function isoWeekday(day: number): IsoWeekday {
  // 1970-01-01 was a Thursday (ISO 4).
  return (((((day + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

function minutesOfDay(hhmm: string): number {
  const m = HH_MM.exec(hhmm);
  if (!m) throw new RangeError(`invalid time "${hhmm}", expected HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}

interface Interval {
  from: number;
  to: number;
}

function mergePauses(pauses: readonly Pause[], asOfMs: number | undefined): Interval[] {
  const list: Interval[] = [];
  for (const p of pauses) {
    const from = assertInstant(p.from, "pause.from");
    let to: number;
    if (p.to === null) {
      if (asOfMs === undefined)
        throw new RangeError("an open pause (to: null) needs asOf/now to be measured");
      to = asOfMs;
    } else {
      to = assertInstant(p.to, "pause.to");
    }
    if (to < from) throw new RangeError("pause ends before it starts");
    if (to > from) list.push({ from, to });
  }
  list.sort((a, b) => a.from - b.from);
  const merged: Interval[] = [];
  for (const iv of list) {
    const last = merged[merged.length - 1];
    if (last && iv.from <= last.to) last.to = Math.max(last.to, iv.to);
    else merged.push({ ...iv });
  }
  return merged;
}

/** Day numbers covered by pauses: from the day a pause began, up to (excluding) the day it ended. */
function pausedDaySet(intervals: readonly Interval[]): (day: number) => boolean {
  const ranges = intervals.map((iv) => ({ from: witaDay(iv.from), until: witaDay(iv.to) }));
  return (day) => ranges.some((r) => day >= r.from && day < r.until);
}

export function createCalendar(options: CalendarOptions): WorkingCalendar {
  const holidayByDay = new Map<number, Holiday>();
  let minYear = Infinity;
  let maxYear = -Infinity;
  for (const h of options.holidays) {
    const day = dayNumberOrThrow(h.date);
    // A date can be listed twice only by mistake; the first wins so the table stays the authority.
    if (!holidayByDay.has(day)) holidayByDay.set(day, h);
    const y = Number(h.date.slice(0, 4));
    minYear = Math.min(minYear, y);
    maxYear = Math.max(maxYear, y);
  }
  const overrideByDay = new Map<number, CalendarOverride>();
  // Later overrides win: an admin correcting an earlier closure appends a new entry.
  for (const o of options.overrides ?? []) overrideByDay.set(dayNumberOrThrow(o.date), o);

  const hours = options.officeHours ?? DEFAULT_OFFICE_HOURS;
  const windowFor = (day: number): { open: number; close: number } => {
    const w = hours.byWeekday?.[isoWeekday(day)] ?? hours;
    const open = minutesOfDay(w.start);
    const close = minutesOfDay(w.end);
    if (close <= open)
      throw new RangeError(`office hours end (${w.end}) must be after start (${w.start})`);
    return { open: dayStartMs(day) + open * 60_000, close: dayStartMs(day) + close * 60_000 };
  };
  // Validate eagerly so a bad config fails at construction, not in the middle of a request.
  for (let wd = 0; wd < 7; wd++) windowFor(wd);

  const isWorkingDayNum = (day: number): boolean => {
    const o = overrideByDay.get(day);
    if (o) return o.working;
    const wd = isoWeekday(day);
    if (wd >= 6) return false;
    return !holidayByDay.has(day);
  };

  const nextWorkingDay = (day: number, skip: (d: number) => boolean = () => false): number => {
    for (let d = day + 1, i = 0; i < MAX_SCAN_DAYS; d++, i++) {
      if (isWorkingDayNum(d) && !skip(d)) return d;
    }
    throw new RangeError("no working day found within ten years; check the calendar overrides");
  };

  // n-th counting working day after `fromDay` (n = 0 → fromDay itself if it counts, else the next).
  const nthWorkingDayAfter = (fromDay: number, n: number, skip: (d: number) => boolean): number => {
    if (n === 0)
      return isWorkingDayNum(fromDay) && !skip(fromDay) ? fromDay : nextWorkingDay(fromDay, skip);
    let day = fromDay;
    for (let i = 0; i < n; i++) day = nextWorkingDay(day, skip);
    return day;
  };

  const countWorkingDays = (
    afterDay: number,
    throughDay: number,
    skip: (d: number) => boolean,
  ): number => {
    let count = 0;
    for (let d = afterDay + 1; d <= throughDay; d++) if (isWorkingDayNum(d) && !skip(d)) count++;
    return count;
  };

  const assertCount = (n: number, what: string): void => {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  };

  // Office-minute walk: consumes `minutes` of office time after `startMs`, skipping pauses.
  const walkMinutes = (startMs: number, minutes: number, pauses: readonly Interval[]): number => {
    let remaining = minutes * 60_000;
    let day = witaDay(startMs);
    for (let i = 0; i < MAX_SCAN_DAYS; i++, day++) {
      if (!isWorkingDayNum(day)) continue;
      const w = windowFor(day);
      let cursor = Math.max(w.open, startMs);
      if (cursor >= w.close) continue;
      for (const segment of subtract({ from: cursor, to: w.close }, pauses)) {
        cursor = segment.from;
        const span = segment.to - segment.from;
        if (remaining <= span) return cursor + remaining;
        remaining -= span;
      }
    }
    throw new RangeError("no office time found within ten years; check the calendar overrides");
  };

  const calendar: WorkingCalendar = {
    coverage: Number.isFinite(minYear) ? { fromYear: minYear, toYear: maxYear } : null,

    isWorkingDay(dateISO) {
      return isWorkingDayNum(dayNumberOrThrow(dateISO));
    },

    describe(dateISO) {
      const day = dayNumberOrThrow(dateISO);
      return {
        working: isWorkingDayNum(day),
        holiday: holidayByDay.get(day) ?? null,
        override: overrideByDay.get(day) ?? null,
      };
    },

    addWorkingDays(instant, n) {
      assertCount(n, "n");
      const start = witaDay(assertInstant(instant, "instant"));
      return new Date(dayEndMs(nthWorkingDayAfter(start, n, () => false)));
    },

    addWorkingMinutes(instant, minutes) {
      assertCount(minutes, "minutes");
      const startMs = assertInstant(instant, "instant");
      if (minutes === 0) return new Date(startMs);
      return new Date(walkMinutes(startMs, minutes, []));
    },

    workingDaysBetween(start, end) {
      const s = assertInstant(start, "start");
      const e = assertInstant(end, "end");
      if (e < s) throw new RangeError("end is before start");
      const startDay = witaDay(s);
      let endDay = witaDay(e);
      // Work finished on a weekend/holiday is booked on the next working day.
      if (!isWorkingDayNum(endDay)) endDay = nextWorkingDay(endDay);
      return Math.max(
        1,
        countWorkingDays(startDay, endDay, () => false),
      );
    },

    workingMinutesBetween(start, end, pauses = []) {
      const s = assertInstant(start, "start");
      const e = assertInstant(end, "end");
      if (e < s) throw new RangeError("end is before start");
      const merged = mergePauses(pauses, e);
      let total = 0;
      for (let day = witaDay(s); day <= witaDay(e); day++) {
        if (!isWorkingDayNum(day)) continue;
        const w = windowFor(day);
        const from = Math.max(w.open, s);
        const to = Math.min(w.close, e);
        if (to <= from) continue;
        for (const seg of subtract({ from, to }, merged)) total += seg.to - seg.from;
      }
      return total / 60_000;
    },

    elapsedWorkingDays(start, now, pauses) {
      const s = assertInstant(start, "start");
      const n = assertInstant(now, "now");
      if (n <= s) return 0;
      const paused = pausedDaySet(mergePauses(pauses, n));
      return countWorkingDays(witaDay(s), witaDay(n), paused);
    },

    dueDate(start, n, pauses = [], asOf) {
      assertCount(n, "n");
      const s = assertInstant(start, "start");
      const asOfMs = asOf === undefined ? undefined : assertInstant(asOf, "asOf");
      const paused = pausedDaySet(mergePauses(pauses, asOfMs));
      return new Date(dayEndMs(nthWorkingDayAfter(witaDay(s), n, paused)));
    },

    dueDateMinutes(start, minutes, pauses = [], asOf) {
      assertCount(minutes, "minutes");
      const s = assertInstant(start, "start");
      const asOfMs = asOf === undefined ? undefined : assertInstant(asOf, "asOf");
      const merged = mergePauses(pauses, asOfMs);
      if (minutes === 0) return new Date(s);
      return new Date(walkMinutes(s, minutes, merged));
    },
  };
  return calendar;
}

/** Parts of `iv` not covered by the (sorted, merged) intervals. */
function subtract(iv: Interval, cuts: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let cursor = iv.from;
  for (const c of cuts) {
    if (c.to <= cursor) continue;
    if (c.from >= iv.to) break;
    if (c.from > cursor) out.push({ from: cursor, to: c.from });
    cursor = Math.max(cursor, c.to);
    if (cursor >= iv.to) break;
  }
  if (cursor < iv.to) out.push({ from: cursor, to: iv.to });
  return out;
}
