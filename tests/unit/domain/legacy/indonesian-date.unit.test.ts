import { describe, expect, it } from "vitest";
import { parseIndonesianDate } from "../../../../src/domain/legacy/indonesian-date.js";

const JAN = { sheetYear: 2023, sheetMonth: 1 };
const FEB = { sheetYear: 2023, sheetMonth: 2 };
const problems = (raw: string, ctx = JAN) =>
  parseIndonesianDate(raw, ctx)
    .anomalies.map((a) => a.problem)
    .join(" | ");

describe("parseIndonesianDate on the seed's forms", () => {
  it.each([
    ["Rabu 04 Januari 2023", JAN, "2023-01-04"],
    ["Selasa 24 Januari 2023", JAN, "2023-01-24"],
    ["Senin, 06 Maret 2023", { sheetYear: 2023, sheetMonth: 3 }, "2023-03-06"],
    ["Kamis 4 Mei 2023", { sheetYear: 2023, sheetMonth: 5 }, "2023-05-04"],
    ["Jumat 06 Oktober 2023", { sheetYear: 2023, sheetMonth: 10 }, "2023-10-06"],
    ["Selasa 05 Desember 2023", { sheetYear: 2023, sheetMonth: 12 }, "2023-12-05"],
  ])("%s → %s without anomalies", (raw, ctx, iso) => {
    expect(parseIndonesianDate(raw, ctx)).toEqual({ date: iso, anomalies: [] });
  });

  it("keeps the written date when the weekday contradicts it", () => {
    const r = parseIndonesianDate("Senin, 01 Februari 2023", FEB);
    expect(r.date).toBe("2023-02-01");
    expect(r.anomalies).toEqual([
      {
        field: "tanggal",
        problem: 'hari "senin" tidak cocok dengan tanggal 1 Februari 2023 (Rabu)',
        action: "tanggal tertulis dipakai, nama hari diabaikan",
      },
    ]);
  });

  it("reads a missing space between day and month", () => {
    const r = parseIndonesianDate("Senin, 02Februari 2023", FEB);
    expect(r.date).toBe("2023-02-02");
    expect(problems("Senin, 02Februari 2023", FEB)).toMatch(
      /spasi antara tanggal dan bulan hilang/,
    );
    expect(problems("Senin, 02Februari 2023", FEB)).toMatch(/hari "senin" tidak cocok/);
  });

  it("reads a three-digit day with a leading zero", () => {
    const r = parseIndonesianDate("Kamis 016Februari 2023", FEB);
    expect(r.date).toBe("2023-02-16");
    expect(problems("Kamis 016Februari 2023", FEB)).toMatch(/angka tanggal salah ketik: "016"/);
    expect(problems("Kamis 016Februari 2023", FEB)).not.toMatch(/tidak cocok/); // 16 Feb 2023 was a Thursday
  });

  it("takes the year from the sheet and flags a month outside the sheet", () => {
    const r = parseIndonesianDate("SENIN 18 APRIL", JAN);
    expect(r.date).toBe("2023-04-18");
    const p = r.anomalies.map((a) => a.problem);
    expect(p).toContain("tahun tidak ditulis");
    expect(p).toContain("tanggal 18 April 2023 di luar bulan lembar (Januari 2023)");
    expect(p.some((x) => x.startsWith('hari "senin" tidak cocok'))).toBe(true);
    expect(r.anomalies.find((a) => a.problem === "tahun tidak ditulis")?.action).toBe(
      "tahun diambil dari judul lembar (2023)",
    );
  });

  it("handles lower case and no year", () => {
    const r = parseIndonesianDate("kamis 28 april", JAN);
    expect(r.date).toBe("2023-04-28");
    expect(r.anomalies).toHaveLength(3);
  });
});

describe("parseIndonesianDate on other forms", () => {
  it.each([
    ["04 Jan 2023", "2023-01-04"],
    ["4 Feb 2023", "2023-02-04"],
    ["1 Mar 2023", "2023-03-01"],
    ["3 Apr 2023", "2023-04-03"],
    ["5 Jun 2023", "2023-06-05"],
    ["6 Jul 2023", "2023-07-06"],
    ["2 Agu 2023", "2023-08-02"],
    ["2 Agt 2023", "2023-08-02"],
    ["2 Ags 2023", "2023-08-02"],
    ["4 Sep 2023", "2023-09-04"],
    ["2 Okt 2023", "2023-10-02"],
    ["6 Nov 2023", "2023-11-06"],
    ["4 Des 2023", "2023-12-04"],
    ["6 Nopember 2023", "2023-11-06"],
    ["1 Pebruari 2023", "2023-02-01"],
    ["04/01/2023", "2023-01-04"],
    ["2023-01-04", "2023-01-04"],
  ])("%s → %s", (raw, iso) => {
    expect(parseIndonesianDate(raw, JAN).date).toBe(iso);
  });

  it("fixes a one-letter typo in the month and says so", () => {
    const r = parseIndonesianDate("Rabu 04 Januri 2023", JAN);
    expect(r.date).toBe("2023-01-04");
    expect(r.anomalies[0]?.problem).toBe('nama bulan salah ketik: "januri"');
  });

  it("refuses what it cannot read, with an anomaly", () => {
    for (const raw of ["", "Senin", "31 Februari 2023", "besok pagi", "Rabu 44 Januari 2023"]) {
      const r = parseIndonesianDate(raw, JAN);
      expect(r.date, raw).toBeNull();
      expect(r.anomalies.length, raw).toBeGreaterThan(0);
      expect(r.anomalies[0]?.action).toBe("tanggal dibiarkan kosong");
    }
  });
});

describe("neighbouring-year weekday hint (issue 16)", () => {
  it("hints the year whose date fits the weekday only when the year was not written", () => {
    const p = (raw: string) =>
      parseIndonesianDate(raw, { sheetYear: 2023, sheetMonth: 1 }).anomalies.map((a) => a.problem);
    expect(p("SENIN 18 APRIL")).toContain(
      'hari "senin" tidak cocok dengan tanggal 18 April 2023 (Selasa); hari Senin cocok dengan 18 April 2022',
    );
    // Written year: no hint, even though 16 May 2024 is a Thursday.
    expect(
      parseIndonesianDate("Kamis 16 Mei 2023", { sheetYear: 2023, sheetMonth: 5 }).anomalies.map(
        (a) => a.problem,
      ),
    ).toEqual(['hari "kamis" tidak cocok dengan tanggal 16 Mei 2023 (Selasa)']);
    // No neighbouring year fits: no hint.
    expect(p("Rabu 18 April").join(" ")).not.toContain("cocok dengan 18 April 20");
  });
});
