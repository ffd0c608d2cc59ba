import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  defaultHolidays,
  holidayFileSchema,
  type Holiday,
} from "../../../../src/domain/calendar/working-days.js";
import { fromRoot } from "../../../../src/util/package-root.js";

const file = holidayFileSchema.parse(
  JSON.parse(readFileSync(fromRoot("src", "domain", "calendar", "holidays.id.json"), "utf8")),
);
const holidays: readonly Holiday[] = defaultHolidays();

const weekday = (iso: string): number => new Date(`${iso}T00:00:00Z`).getUTCDay();
const ofYear = (y: number, kind?: Holiday["kind"]): Holiday[] =>
  holidays.filter((h) => h.date.startsWith(`${y}-`) && (kind === undefined || h.kind === kind));

describe("holidays.id.json integrity", () => {
  it("is sorted by date with no duplicate dates", () => {
    const dates = holidays.map((h) => h.date);
    expect(dates).toEqual([...dates].sort());
    expect(new Set(dates).size).toBe(dates.length);
  });

  it("covers every year 2023–2026 with decree metadata and cross-check sources", () => {
    for (const y of [2023, 2024, 2025, 2026]) {
      expect(ofYear(y, "libur").length).toBeGreaterThan(0);
      expect(ofYear(y, "cuti_bersama").length).toBeGreaterThan(0);
      const meta = file.years[String(y)];
      expect(meta, `metadata for ${y}`).toBeDefined();
      expect(meta?.crossChecked.length).toBeGreaterThanOrEqual(2);
      // Every entry cites one of the decrees listed for its year.
      for (const h of ofYear(y)) expect(meta?.decrees).toContain(h.source);
    }
  });

  it("has no cuti bersama on a weekend (none was ever set on one in 2023–2026)", () => {
    const weekendCuti = holidays.filter(
      (h) => h.kind === "cuti_bersama" && [0, 6].includes(weekday(h.date)),
    );
    expect(weekendCuti).toEqual([]);
  });

  it("has no unverified entry", () => {
    expect(holidays.filter((h) => h.verified === false)).toEqual([]);
  });

  it("matches the counts of each year's SKB (and revisions / Keppres)", () => {
    // 2023: 16 libur; 8 cuti bersama, revised to 9 (Idul Fitri 19–25 Apr) then 11 (+ Idul Adha 28, 30 Jun).
    expect(ofYear(2023, "libur")).toHaveLength(16);
    expect(ofYear(2023, "cuti_bersama")).toHaveLength(11);
    // 2024: 17 libur + Pemilu (14 Feb) and Pilkada (27 Nov) by Keppres; 10 cuti bersama.
    expect(ofYear(2024, "libur")).toHaveLength(19);
    expect(ofYear(2024, "cuti_bersama")).toHaveLength(10);
    // 2025: 17 libur; 10 cuti bersama + 18 Aug (HUT RI ke-80).
    expect(ofYear(2025, "libur")).toHaveLength(17);
    expect(ofYear(2025, "cuti_bersama")).toHaveLength(11);
    expect(ofYear(2026, "libur")).toHaveLength(17);
    expect(ofYear(2026, "cuti_bersama")).toHaveLength(8);
  });

  it("reflects the 2023 revisions: 26 April is no longer cuti bersama, 19–20 April and 28/30 June are", () => {
    const dates = new Set(ofYear(2023).map((h) => h.date));
    expect(dates.has("2023-04-26")).toBe(false);
    for (const d of [
      "2023-04-19",
      "2023-04-20",
      "2023-04-21",
      "2023-04-24",
      "2023-04-25",
      "2023-06-28",
      "2023-06-30",
    ]) {
      expect(dates.has(d), d).toBe(true);
    }
  });

  it("lists 2026 exactly as DOMAIN.md (SKB 1497/2/5 Tahun 2025)", () => {
    const md = (days: string[]): string[] => days.map((d) => `2026-${d}`);
    expect(ofYear(2026, "libur").map((h) => h.date)).toEqual(
      md([
        "01-01",
        "01-16",
        "02-17",
        "03-19",
        "03-21",
        "03-22",
        "04-03",
        "04-05",
        "05-01",
        "05-14",
        "05-27",
        "05-31",
        "06-01",
        "06-16",
        "08-17",
        "08-25",
        "12-25",
      ]),
    );
    expect(ofYear(2026, "cuti_bersama").map((h) => h.date)).toEqual(
      md(["02-16", "03-18", "03-20", "03-23", "03-24", "05-15", "05-28", "12-24"]),
    );
  });
});
