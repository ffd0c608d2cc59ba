import { describe, expect, it } from "vitest";
import {
  formatTanggalIndonesia,
  formatTanggalPanjang,
  metadataDate,
  namaBulan,
  parsePlainDate,
} from "../../../src/reports/tanggal.js";

describe("formatTanggalIndonesia", () => {
  it("prints the seed's HARI/ TANGGAL style with a comma and a two-digit day", () => {
    expect(formatTanggalIndonesia("2023-01-04")).toBe("Rabu, 04 Januari 2023");
    expect(formatTanggalIndonesia("2023-10-06")).toBe("Jumat, 06 Oktober 2023");
    expect(formatTanggalIndonesia("2023-12-05")).toBe("Selasa, 05 Desember 2023");
    expect(formatTanggalIndonesia("2024-02-29")).toBe("Kamis, 29 Februari 2024");
    expect(formatTanggalIndonesia("2023-01-01")).toBe("Minggu, 01 Januari 2023");
  });

  it("reads an instant in WITA (UTC+8), not in UTC or the server's zone", () => {
    // 16:30 UTC on the 4th is 00:30 WITA on the 5th.
    expect(formatTanggalIndonesia(new Date("2023-01-04T16:30:00Z"))).toBe("Kamis, 05 Januari 2023");
    expect(formatTanggalIndonesia(new Date("2023-01-04T15:59:59Z"))).toBe("Rabu, 04 Januari 2023");
    // Midnight WITA on new year is still 31 December in UTC.
    expect(formatTanggalIndonesia(new Date("2023-12-31T16:00:00Z"))).toBe("Senin, 01 Januari 2024");
  });

  it("rejects malformed and impossible dates instead of printing nonsense", () => {
    expect(() => formatTanggalIndonesia("2023-02-30")).toThrow(RangeError);
    expect(() => formatTanggalIndonesia("04-01-2023")).toThrow(RangeError);
    expect(() => formatTanggalIndonesia(new Date("nope"))).toThrow(RangeError);
  });
});

describe("other date helpers", () => {
  it("formats the signature date without weekday or padding", () => {
    expect(formatTanggalPanjang("2023-12-31")).toBe("31 Desember 2023");
    expect(formatTanggalPanjang("2023-03-03")).toBe("3 Maret 2023");
  });

  it("names months and refuses month 13", () => {
    expect(namaBulan(1)).toBe("Januari");
    expect(namaBulan(8)).toBe("Agustus");
    expect(() => namaBulan(13)).toThrow(RangeError);
  });

  it("derives the metadata instant as midnight WITA of the sign date", () => {
    expect(metadataDate("2023-12-31").toISOString()).toBe("2023-12-30T16:00:00.000Z");
    expect(parsePlainDate("2023-01-31")).toEqual({ year: 2023, month: 1, day: 31 });
  });
});
