import { describe, expect, it } from "vitest";
import { describeLaporError, classifyLaporSyncError } from "../../../adapters/lapor/lapor.sync.js";
import {
  CASE_STATUSES,
  FINAL_STATUSES,
  nextHubStatus,
  UPSTREAM_TRANSITIONS,
} from "../../../src/domain/workflow.js";
import {
  matchColumns,
  parseCsv,
  parseExportDate,
} from "../../../adapters/lapor/lapor-export.import.js";
import {
  LaporAuthError,
  LaporBadCursorError,
  LaporTransientError,
} from "../../../adapters/lapor/lapor.client.js";
import { nextFire } from "../../../src/jobs/runner.js";

describe("upstream transition table (every status × every upstream status)", () => {
  const order = (s: string) => CASE_STATUSES.indexOf(s as never);
  const final = (s: string) => (FINAL_STATUSES as readonly string[]).includes(s);
  for (const current of CASE_STATUSES)
    for (const upstream of CASE_STATUSES) {
      // Forward only, never out of a closed status: the rule the table writes out.
      const expected = !final(current) && order(upstream) > order(current) ? upstream : current;
      it(`${current} + upstream ${upstream} → ${expected}`, () => {
        expect(nextHubStatus(current, upstream)).toBe(expected);
        expect(UPSTREAM_TRANSITIONS[current].includes(upstream)).toBe(expected !== current);
      });
    }
});

describe("error policy", () => {
  it("classifies and explains in Bahasa Indonesia", () => {
    expect(classifyLaporSyncError(new LaporAuthError())).toBe("auth");
    expect(classifyLaporSyncError(new LaporBadCursorError(null))).toBe("bad_cursor");
    expect(classifyLaporSyncError(new LaporTransientError("HTTP 503", 503))).toBe("transient");
    expect(describeLaporError(new LaporAuthError())).toBe(
      "Token LAPOR! ditolak (401): perbarui LAPOR_TOKEN",
    );
  });
});

describe("admin export parsing", () => {
  it("matches columns leniently", () => {
    const { map, missing } = matchColumns([
      "No. Tracking",
      " TANGGAL  MASUK",
      "Kategori",
      "Isi_Laporan",
      "Status",
      "Instansi Terdisposisi",
    ]);
    expect(missing).toEqual([]);
    expect(map).toMatchObject({
      trackingId: 0,
      tanggal: 1,
      kategori: 2,
      isi: 3,
      status: 4,
      instansi: 5,
    });
    expect(matchColumns(["a", "b"]).missing).toEqual(["trackingId", "tanggal", "isi", "status"]);
  });
  it("parses quoted CSV with the delimiter of the header", () => {
    expect(parseCsv('a;b\n1;"x; ""y"""\r\n\n2;z')).toEqual([
      ["a", "b"],
      ["1", 'x; "y"'],
      ["2", "z"],
    ]);
  });
  it("reads export dates as WITA unless a zone is given", () => {
    expect(parseExportDate("05/03/2024 09:15")?.toISOString()).toBe("2024-03-05T01:15:00.000Z");
    expect(parseExportDate("2024-03-06")?.toISOString()).toBe("2024-03-05T16:00:00.000Z");
    expect(parseExportDate("2024-03-06T10:00:00Z")?.toISOString()).toBe("2024-03-06T10:00:00.000Z");
    expect(parseExportDate("31/02/2024x")).toBeNull();
    expect(parseExportDate("13/13/2024")).toBeNull();
  });
});

describe("cron", () => {
  it("every 5 minutes fires on the next multiple of 5", () => {
    expect(nextFire("*/5 * * * *", new Date("2024-01-01T00:03:10Z")).toISOString()).toBe(
      "2024-01-01T00:05:00.000Z",
    );
  });
});
