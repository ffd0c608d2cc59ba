import type { HubContext } from "../context.js";
import {
  createCalendar,
  defaultHolidays,
  type WorkingCalendar,
} from "../domain/calendar/working-days.js";

// The shipped holiday table plus the admin's local overrides from the database.
export async function loadCalendar(ctx: HubContext): Promise<WorkingCalendar> {
  const overrides = await ctx.db.prisma.calendarOverride.findMany({ orderBy: { date: "asc" } });
  return createCalendar({
    holidays: defaultHolidays(),
    overrides: overrides.map((o) => ({
      date: o.date,
      working: o.working,
      ...(o.reason ? { reason: o.reason } : {}),
    })),
  });
}
