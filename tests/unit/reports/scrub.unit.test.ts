import { describe, expect, it } from "vitest";
import { scrubIdentity, scrubPersons } from "../../../src/reports/columns.js";
import type { MonthlyRow } from "../../../src/reports/report.types.js";

describe("scrubPersons", () => {
  it("replaces a phone however it is typed: dashes, spaces, dots, +62 or 0", () => {
    const p = [{ nama: null, phones: ["+6281251107788"] }];
    for (const typed of [
      "0812-5110-7788",
      "0812 5110 7788",
      "0812.5110.7788",
      "081251107788",
      "+62 812-5110-7788",
      "6281251107788",
    ]) {
      expect(scrubPersons(`hubungi ${typed} sore`, p)).toBe("hubungi (dirahasiakan) sore");
    }
    expect(scrubPersons("hubungi 0812-5110-9999", p)).toBe("hubungi 0812-5110-9999");
  });

  it("replaces the longer name first, case-insensitively, for every person given", () => {
    const out = scrubPersons("RAHMAH BINTI ALI dan Rahmah, diantar Hadi Wiyono", [
      { nama: "Rahmah", phones: [] },
      { nama: "Rahmah Binti Ali", phones: [] },
      { nama: "Hadi Wiyono", phones: [] },
    ]);
    expect(out).toBe("(dirahasiakan) dan (dirahasiakan), diantar (dirahasiakan)");
  });

  it("scrubIdentity leaves a row that is not rahasia untouched", () => {
    const row: MonthlyRow = {
      receivedAt: "2026-08-05",
      nama: "Siti Aisyah",
      phones: ["+6281251107788"],
      alamat: null,
      keperluan: "Siti Aisyah 0812-5110-7788",
      tindakLanjut: "Selesai",
      narasi: "",
      rahasia: false,
    };
    expect(scrubIdentity(row.keperluan, row)).toBe("Siti Aisyah 0812-5110-7788");
    expect(scrubIdentity(row.keperluan, { ...row, rahasia: true })).toBe(
      "(dirahasiakan) (dirahasiakan)",
    );
  });
});
