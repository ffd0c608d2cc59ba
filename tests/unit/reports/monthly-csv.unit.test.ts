import { parseCsv } from "../../helpers/csv.js";
import { describe, expect, it } from "vitest";
import {
  formatPhoneDisplay,
  MONTHLY_COLUMNS,
  scrubIdentity,
} from "../../../src/reports/columns.js";
import { csvField, csvRecord, guardFormula } from "../../../src/reports/guard.js";
import { writeMonthlyCsv } from "../../../src/reports/monthly.csv.js";
import { januaryInput } from "./report-fixtures.js";

describe("formula guard", () => {
  it("prefixes an apostrophe to values that a spreadsheet could run", () => {
    for (const v of ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"]) {
      expect(guardFormula(v)).toBe(`'${v}`);
    }
    expect(guardFormula("Selesai")).toBe("Selesai");
    expect(guardFormula("")).toBe("");
    expect(guardFormula("-")).toBe("-");
    expect(guardFormula("-1")).toBe("'-1");
    expect(guardFormula("0812 5422 4300")).toBe("0812 5422 4300");
  });

  it("prints Indonesian phones office-style so they never need the guard", () => {
    expect(formatPhoneDisplay("+6281254224300")).toBe("081254224300");
    expect(formatPhoneDisplay("6285248019792")).toBe("085248019792");
    expect(formatPhoneDisplay("085845240653")).toBe("085845240653");
    expect(guardFormula(formatPhoneDisplay("+15551234567"))).toBe("'+15551234567");
  });
});

describe("RFC 4180 escaping", () => {
  it("quotes commas, quotes and line breaks and doubles inner quotes", () => {
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('kata "x"')).toBe('"kata ""x"""');
    expect(csvField("baris\nkedua")).toBe('"baris\nkedua"');
    expect(csvField("polos")).toBe("polos");
    expect(csvField('=HYPERLINK("u")')).toBe('"\'=HYPERLINK(""u"")"');
    expect(csvRecord(["a", "b"])).toBe("a,b\r\n");
  });
});

describe("writeMonthlyCsv", () => {
  it("writes the header, one record per complaint, guarded and round-trippable", async () => {
    const buf = await writeMonthlyCsv(januaryInput);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.subarray(3).toString("utf8");
    expect(text.endsWith("\r\n")).toBe(true);
    const records = parseCsv(text);
    expect(records).toHaveLength(1 + januaryInput.rows.length);
    expect(records[0]).toEqual(MONTHLY_COLUMNS.map((c) => c.header));
    expect(records[0]).toEqual([
      "NO",
      "HARI/ TANGGAL",
      "NAMA",
      "NO HP",
      "ALAMAT",
      "KEPERLUAN",
      "TINDAK LANJUT",
      "NARASI",
    ]);
    expect(records[1]?.slice(0, 4)).toEqual([
      "1",
      "Rabu, 04 Januari 2023",
      "Hadi Wiyono",
      "081254224300, 085248019792",
    ]);
    expect(records[2]?.[1]).toBe("Kamis, 05 Januari 2023");
    // rahasia: identity columns hidden and the name scrubbed from the free text
    expect(records[3]?.slice(2, 5)).toEqual(["(dirahasiakan)", "(dirahasiakan)", "(dirahasiakan)"]);
    expect(records[3]?.join("|")).not.toContain("Rusmailin");
    expect(records[3]?.join("|")).not.toContain("082152201870");
    // formula guard, embedded quotes, comma and newline survive the round trip
    expect(records[4]?.[5]).toBe(
      '\'=HYPERLINK("http://evil","klik"), Menanyakan "BPNT"\nbaris kedua',
    );
    // original Unicode kept in CSV (only the PDF transliterates)
    expect(records[4]?.[2]).toBe("Mahrита");
  });

  it("can omit the BOM", async () => {
    const buf = await writeMonthlyCsv(januaryInput, { bom: false });
    expect(buf.subarray(0, 2).toString("utf8")).toBe("NO");
  });

  it("scrubs only rahasia rows", () => {
    const row = januaryInput.rows[0];
    if (!row) throw new Error("fixture");
    expect(scrubIdentity("dari bapak Hadi Wiyono", row)).toBe("dari bapak Hadi Wiyono");
    expect(scrubIdentity("dari bapak hadi wiyono, 081254224300", { ...row, rahasia: true })).toBe(
      "dari bapak (dirahasiakan), (dirahasiakan)",
    );
  });
});
