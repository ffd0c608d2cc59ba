// Which periods a job with memory still owes (issue 17), on the real job definitions.
import { describe, expect, it } from "vitest";
import { duePeriods, MAX_CATCH_UP } from "../../../src/jobs/runner.js";
import { recapMonthlyJob } from "../../../src/jobs/recap-monthly.job.js";
import { retentionJob } from "../../../src/jobs/retention.job.js";
import type { JobDefinition } from "../../../src/jobs/job.js";

const recap = recapMonthlyJob as unknown as JobDefinition<never>;
const MONTHLY = "0 2 1 * *";
const at = (s: string) => new Date(s);

describe("duePeriods", () => {
  it("recap: nothing before the 1st's fire, the month just ended after it", () => {
    expect(duePeriods(recap, MONTHLY, "2026-10", at("2026-12-01T01:59:59+08:00"))).toEqual([]);
    expect(duePeriods(recap, MONTHLY, "2026-10", at("2026-12-01T02:00:00+08:00"))).toEqual([
      "2026-11",
    ]);
    expect(duePeriods(recap, MONTHLY, "2026-11", at("2026-12-03T09:00:00+08:00"))).toEqual([]);
  });

  it("recap: every missed month, oldest first, across a year end", () => {
    expect(duePeriods(recap, MONTHLY, "2026-09", at("2027-02-10T00:00:00+08:00"))).toEqual([
      "2026-10",
      "2026-11",
      "2026-12",
      "2027-01",
    ]);
  });

  it("the fire is read in WITA whatever the instant's UTC date", () => {
    // 2026-11-30T18:00Z is 1 December 02:00 WITA.
    expect(duePeriods(recap, MONTHLY, "2026-10", at("2026-11-30T18:00:00Z"))).toEqual(["2026-11"]);
    expect(duePeriods(recap, MONTHLY, "2026-10", at("2026-11-30T17:59:00Z"))).toEqual([]);
  });

  it("first start: only the latest due period; a long outage is capped", () => {
    expect(duePeriods(recap, MONTHLY, null, at("2026-12-03T09:00:00+08:00"))).toEqual(["2026-11"]);
    const long = duePeriods(recap, MONTHLY, "2010-01", at("2026-12-03T09:00:00+08:00"));
    expect(long).toHaveLength(MAX_CATCH_UP);
    expect(long[long.length - 1]).toBe("2026-11");
  });

  it("retention: one run covers every day missed", () => {
    const cron = "30 1 * * *";
    expect(duePeriods(retentionJob, cron, "2026-11-20", at("2026-12-03T09:00:00+08:00"))).toEqual([
      "2026-12-03",
    ]);
    expect(duePeriods(retentionJob, cron, "2026-12-02", at("2026-12-03T01:29:00+08:00"))).toEqual(
      [],
    );
  });
});
