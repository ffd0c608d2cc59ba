import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createCalendar,
  defaultHolidays,
  toWitaDate,
  witaInstant as at,
  type WorkingCalendar,
} from "../../../../src/domain/calendar/working-days.js";

const cal: WorkingCalendar = createCalendar({ holidays: defaultHolidays() });
const iso = (d: Date): string => d.toISOString();
const endOf = (date: string): string => iso(new Date(at(date).getTime() + 86_400_000 - 1));

describe("isWorkingDay", () => {
  it("closes Nyepi + Idul Fitri + cuti bersama 2026 (18–24 March) and nothing around it", () => {
    const march = ["16", "17", "18", "19", "20", "21", "22", "23", "24", "25"].map(
      (d) => `2026-03-${d}`,
    );
    expect(march.map((d) => [d, cal.isWorkingDay(d)])).toEqual([
      ["2026-03-16", true],
      ["2026-03-17", true],
      ["2026-03-18", false], // cuti bersama Nyepi
      ["2026-03-19", false], // Nyepi
      ["2026-03-20", false], // cuti bersama Idul Fitri
      ["2026-03-21", false], // Idul Fitri (Saturday)
      ["2026-03-22", false], // Idul Fitri (Sunday)
      ["2026-03-23", false],
      ["2026-03-24", false],
      ["2026-03-25", true],
    ]);
  });

  it("treats weekends as closed and explains a holiday", () => {
    expect(cal.isWorkingDay("2026-03-14")).toBe(false);
    expect(cal.describe("2026-03-23")).toMatchObject({
      working: false,
      holiday: { kind: "cuti_bersama" },
      override: null,
    });
    expect(cal.describe("2026-03-16")).toEqual({ working: true, holiday: null, override: null });
  });

  it("applies local overrides both ways", () => {
    const local = createCalendar({
      holidays: defaultHolidays(),
      overrides: [
        { date: "2026-03-25", working: false, reason: "Hari jadi Kabupaten (contoh)" },
        { date: "2026-03-24", working: true, reason: "cuti bersama dibatalkan (contoh)" },
      ],
    });
    expect(local.isWorkingDay("2026-03-25")).toBe(false);
    expect(local.isWorkingDay("2026-03-24")).toBe(true);
    expect(iso(local.addWorkingDays(at("2026-03-17", "10:00"), 1))).toBe(endOf("2026-03-24"));
    expect(iso(local.addWorkingDays(at("2026-03-17", "10:00"), 2))).toBe(endOf("2026-03-26"));
  });

  it("rejects impossible dates", () => {
    expect(() => cal.isWorkingDay("2026-02-30")).toThrow(RangeError);
    expect(() => cal.isWorkingDay("26-3-1")).toThrow(RangeError);
  });

  it("reports the years the table covers", () => {
    expect(cal.coverage).toEqual({ fromYear: 2023, toYear: 2026 });
  });
});

describe("time zone (WITA, UTC+8)", () => {
  it("puts 23:30 UTC on the next WITA day", () => {
    const instant = new Date("2026-03-12T23:30:00Z"); // Friday 13 March 07:30 WITA
    expect(toWitaDate(instant)).toBe("2026-03-13");
    // Day 0 is Friday, so day 1 is Monday — not Friday as a UTC reading would say.
    expect(iso(cal.addWorkingDays(instant, 1))).toBe(endOf("2026-03-16"));
    expect(endOf("2026-03-16")).toBe("2026-03-16T15:59:59.999Z");
  });

  it("builds WITA instants with a fixed +08:00 offset", () => {
    expect(iso(at("2026-03-13", "16:00"))).toBe("2026-03-13T08:00:00.000Z");
  });
});

describe("addWorkingDays (due at the end of the n-th working day after receipt)", () => {
  it("Friday 16:00 + 2 → Tuesday 23:59:59.999 WITA", () => {
    expect(iso(cal.addWorkingDays(at("2026-03-06", "16:00"), 2))).toBe(endOf("2026-03-10"));
  });

  it("weekend receipt counts from Monday; n = 0 is the end of the (next) working day", () => {
    expect(iso(cal.addWorkingDays(at("2026-03-07", "09:00"), 1))).toBe(endOf("2026-03-09"));
    expect(iso(cal.addWorkingDays(at("2026-03-07", "09:00"), 0))).toBe(endOf("2026-03-09"));
    expect(iso(cal.addWorkingDays(at("2026-03-09", "09:00"), 0))).toBe(endOf("2026-03-09"));
  });

  it("the hour of receipt does not matter within the day", () => {
    expect(cal.addWorkingDays(at("2026-03-09", "00:00"), 2)).toEqual(
      cal.addWorkingDays(at("2026-03-09", "23:59"), 2),
    );
  });

  it("jumps over Nyepi, Idul Fitri and cuti bersama 2026", () => {
    expect(iso(cal.addWorkingDays(at("2026-03-16", "10:00"), 2))).toBe(endOf("2026-03-25"));
    expect(iso(cal.addWorkingDays(at("2026-03-17", "10:00"), 1))).toBe(endOf("2026-03-25"));
    expect(iso(cal.addWorkingDays(at("2026-03-13", "15:00"), 5))).toBe(endOf("2026-03-27"));
    // LAPOR! follow-up: 5 working days from Tuesday 17 March.
    expect(iso(cal.addWorkingDays(at("2026-03-17", "10:00"), 5))).toBe(endOf("2026-03-31"));
  });

  it("crosses the year end 2025/2026 (Natal, cuti bersama, Tahun Baru)", () => {
    const received = at("2025-12-24", "10:00");
    expect(iso(cal.addWorkingDays(received, 1))).toBe(endOf("2025-12-29"));
    expect(iso(cal.addWorkingDays(received, 3))).toBe(endOf("2025-12-31"));
    expect(iso(cal.addWorkingDays(received, 4))).toBe(endOf("2026-01-02"));
    expect(iso(cal.addWorkingDays(received, 5))).toBe(endOf("2026-01-05"));
  });

  it("rejects negative or fractional n", () => {
    expect(() => cal.addWorkingDays(at("2026-03-09"), -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays(at("2026-03-09"), 1.5)).toThrow(RangeError);
  });
});

describe("addWorkingMinutes (office hours 08:00–16:00 WITA)", () => {
  it("adds within the same office day and may end exactly at closing", () => {
    expect(iso(cal.addWorkingMinutes(at("2026-03-09", "09:00"), 10))).toBe(
      iso(at("2026-03-09", "09:10")),
    );
    expect(iso(cal.addWorkingMinutes(at("2026-03-09", "15:50"), 10))).toBe(
      iso(at("2026-03-09", "16:00")),
    );
  });

  it("carries over to the next working day, across weekends and Lebaran", () => {
    expect(iso(cal.addWorkingMinutes(at("2026-03-12", "15:55"), 10))).toBe(
      iso(at("2026-03-13", "08:05")),
    );
    expect(iso(cal.addWorkingMinutes(at("2026-03-13", "15:55"), 10))).toBe(
      iso(at("2026-03-16", "08:05")),
    );
    expect(iso(cal.addWorkingMinutes(at("2026-03-17", "15:50"), 30))).toBe(
      iso(at("2026-03-25", "08:20")),
    );
  });

  it("starts the clock at the next opening when received outside office hours", () => {
    expect(iso(cal.addWorkingMinutes(at("2026-03-09", "21:00"), 5))).toBe(
      iso(at("2026-03-10", "08:05")),
    );
    expect(iso(cal.addWorkingMinutes(at("2026-03-09", "07:00"), 10))).toBe(
      iso(at("2026-03-09", "08:10")),
    );
    expect(iso(cal.addWorkingMinutes(at("2026-03-14", "10:00"), 10))).toBe(
      iso(at("2026-03-16", "08:10")),
    );
    // 23:30 UTC Thursday = Friday 07:30 WITA.
    expect(iso(cal.addWorkingMinutes(new Date("2026-03-12T23:30:00Z"), 5))).toBe(
      iso(at("2026-03-13", "08:05")),
    );
  });

  it("honours configurable office hours per weekday", () => {
    const fridayLong = createCalendar({
      holidays: defaultHolidays(),
      officeHours: {
        start: "08:00",
        end: "16:00",
        byWeekday: { 5: { start: "08:00", end: "16:30" } },
      },
    });
    expect(iso(fridayLong.addWorkingMinutes(at("2026-03-13", "16:20"), 20))).toBe(
      iso(at("2026-03-16", "08:10")),
    );
    expect(() =>
      createCalendar({ holidays: [], officeHours: { start: "16:00", end: "08:00" } }),
    ).toThrow(RangeError);
  });

  it("counts office minutes between two instants", () => {
    expect(cal.workingMinutesBetween(at("2026-03-13", "15:00"), at("2026-03-16", "09:00"))).toBe(
      120,
    );
    expect(cal.workingMinutesBetween(at("2026-03-17", "15:00"), at("2026-03-25", "08:30"))).toBe(
      90,
    );
  });
});

describe("workingDaysBetween (completion time in hari kerja)", () => {
  it("same-day completion is 1 working day", () => {
    expect(cal.workingDaysBetween(at("2026-03-09", "08:30"), at("2026-03-09", "15:00"))).toBe(1);
  });

  it("counts working days after receipt up to completion", () => {
    expect(cal.workingDaysBetween(at("2026-03-06", "16:00"), at("2026-03-10", "10:00"))).toBe(2);
    expect(cal.workingDaysBetween(at("2026-03-17", "10:00"), at("2026-03-25", "10:00"))).toBe(1);
    expect(cal.workingDaysBetween(at("2025-12-24", "10:00"), at("2026-01-05", "10:00"))).toBe(5);
  });

  it("books a completion on a weekend on the next working day", () => {
    expect(cal.workingDaysBetween(at("2026-03-06", "10:00"), at("2026-03-07", "10:00"))).toBe(1);
    expect(cal.workingDaysBetween(at("2026-03-05", "10:00"), at("2026-03-07", "10:00"))).toBe(2);
  });

  it("rejects end before start", () => {
    expect(() => cal.workingDaysBetween(at("2026-03-10"), at("2026-03-09"))).toThrow(RangeError);
  });

  it("agrees with addWorkingDays: end <= due(n) ⇔ workingDaysBetween <= n", () => {
    const base = at("2025-12-01").getTime();
    const span = 150 * 86_400_000;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: span }),
        fc.integer({ min: 0, max: 40 * 86_400_000 }),
        fc.integer({ min: 1, max: 15 }),
        (offset, duration, n) => {
          const start = new Date(base + offset);
          const end = new Date(base + offset + duration);
          const due = cal.addWorkingDays(start, n);
          return end <= due === cal.workingDaysBetween(start, end) <= n;
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("pauses (clock stops while waiting for the citizen's documents)", () => {
  const received = at("2026-03-02", "10:00"); // Monday
  it("without pauses dueDate equals addWorkingDays", () => {
    expect(cal.dueDate(received, 2)).toEqual(cal.addWorkingDays(received, 2));
    expect(iso(cal.dueDate(received, 2))).toBe(endOf("2026-03-04"));
  });

  it("gives back the paused working days (from the pause's day, until the day documents arrive)", () => {
    const pauses = [{ from: at("2026-03-03", "09:00"), to: at("2026-03-05", "10:00") }];
    expect(iso(cal.dueDate(received, 2, pauses))).toBe(endOf("2026-03-06"));
    expect(cal.elapsedWorkingDays(received, at("2026-03-06", "12:00"), pauses)).toBe(2);
  });

  it("a pause begun on the due day still moves the deadline", () => {
    // Due Wednesday; paused Wednesday and Thursday → Tue(1), Fri(2).
    const pauses = [{ from: at("2026-03-04", "09:00"), to: at("2026-03-06", "10:00") }];
    expect(iso(cal.dueDate(received, 2, pauses))).toBe(endOf("2026-03-06"));
  });

  it("a pause begun after the deadline does not rescue a late case", () => {
    const pauses = [{ from: at("2026-03-05", "09:00"), to: at("2026-03-10", "10:00") }];
    expect(iso(cal.dueDate(received, 2, pauses))).toBe(endOf("2026-03-04"));
  });

  it("an open pause runs until asOf, and the case is never late while it runs", () => {
    const pauses = [{ from: at("2026-03-04", "09:00"), to: null }];
    for (const now of [
      at("2026-03-04", "20:00"),
      at("2026-03-06", "12:00"),
      at("2026-03-27", "15:00"),
    ]) {
      const due = cal.dueDate(received, 2, pauses, now);
      expect(due.getTime()).toBeGreaterThan(now.getTime());
    }
    expect(iso(cal.dueDate(received, 2, pauses, at("2026-03-06", "12:00")))).toBe(
      endOf("2026-03-06"),
    );
    expect(() => cal.dueDate(received, 2, pauses)).toThrow(/open pause/);
  });

  it("counts overlapping pauses once and ignores the weekend inside a pause", () => {
    const pauses = [
      { from: at("2026-03-03", "09:00"), to: at("2026-03-04", "12:00") },
      { from: at("2026-03-04", "08:00"), to: at("2026-03-05", "10:00") },
    ];
    expect(iso(cal.dueDate(received, 2, pauses))).toBe(endOf("2026-03-06"));
    const overWeekend = [{ from: at("2026-03-05", "09:00"), to: at("2026-03-09", "10:00") }];
    // Paused Thursday and Friday (the weekend is not working time anyway): Tue(1) Wed(2) Mon(3).
    expect(iso(cal.dueDate(received, 2, overWeekend))).toBe(endOf("2026-03-04"));
    expect(iso(cal.dueDate(received, 3, overWeekend))).toBe(endOf("2026-03-09"));
  });

  it("elapsedWorkingDays counts unpaused working days after receipt", () => {
    expect(cal.elapsedWorkingDays(received, at("2026-03-02", "15:00"), [])).toBe(0);
    expect(cal.elapsedWorkingDays(received, at("2026-03-06", "12:00"), [])).toBe(4);
    expect(cal.elapsedWorkingDays(at("2026-03-13", "10:00"), at("2026-03-25", "10:00"), [])).toBe(
      3,
    );
    expect(
      cal.elapsedWorkingDays(received, at("2026-03-06", "12:00"), [
        { from: at("2026-03-04", "09:00"), to: null },
      ]),
    ).toBe(2);
  });

  it("shifts minute deadlines by paused office time", () => {
    const pauses = [{ from: at("2026-03-02", "08:10"), to: at("2026-03-02", "08:40") }];
    expect(iso(cal.dueDateMinutes(at("2026-03-02", "08:00"), 30, pauses))).toBe(
      iso(at("2026-03-02", "09:00")),
    );
    expect(
      cal.workingMinutesBetween(at("2026-03-02", "08:00"), at("2026-03-02", "09:00"), pauses),
    ).toBe(30);
  });

  it("rejects a pause that ends before it starts", () => {
    expect(() =>
      cal.dueDate(received, 2, [{ from: at("2026-03-04"), to: at("2026-03-03") }]),
    ).toThrow(RangeError);
  });
});
