// Property-based tests (issue 10, item 2) for the pure identity and text helpers: NIK,
// phone, the hand-typed legacy dates, the jenis classifier and the CSV formula guard.
// Each property must hold for every generated input: no throw, and either the right
// value or a stable error code the operator can act on.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskNik, parseNik } from "../../../src/domain/nik.js";
import { normalizePhone } from "../../../src/domain/phone.js";
import { BULAN, HARI, parseIndonesianDate } from "../../../src/domain/legacy/indonesian-date.js";
import { JENIS_CODES, suggestJenis } from "../../../src/domain/jenis.js";
import { csvField, guardFormula } from "../../../src/reports/guard.js";

const RUNS = { numRuns: 400, interruptAfterTimeLimit: 4_000 } as const;

const PROVINCES = [
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
  71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97,
];

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");
const digit = fc.constantFrom(..."0123456789".split(""));
const digits = (min: number, max: number) =>
  fc.string({ unit: digit, minLength: min, maxLength: max });

/** Arbitrary text including lone surrogates, controls and look-alike letters. */
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 60 }),
  fc.string({ maxLength: 60 }),
);

// ---------------------------------------------------------------------------------------
// NIK
// ---------------------------------------------------------------------------------------

type NikParts = {
  province: number;
  kab: number;
  kec: number;
  day: number;
  female: boolean;
  month: number;
  yy: number;
  serial: number;
};

const nikParts: fc.Arbitrary<NikParts> = fc.record({
  province: fc.constantFrom(...PROVINCES),
  kab: fc.integer({ min: 1, max: 99 }),
  kec: fc.integer({ min: 0, max: 99 }),
  day: fc.integer({ min: 1, max: 31 }),
  female: fc.boolean(),
  month: fc.integer({ min: 1, max: 12 }),
  yy: fc.integer({ min: 0, max: 99 }),
  serial: fc.integer({ min: 1, max: 9999 }),
});

function renderNik(p: NikParts): string {
  return (
    pad(p.province) +
    pad(p.kab) +
    pad(p.kec) +
    pad(p.female ? p.day + 40 : p.day) +
    pad(p.month) +
    pad(p.yy) +
    pad(p.serial, 4)
  );
}

// Each breaks exactly one structural rule of a valid NIK.
const nikBreakers: fc.Arbitrary<(nik: string) => string> = fc.oneof(
  fc
    .integer({ min: 0, max: 99 })
    .filter((p) => !PROVINCES.includes(p))
    .map((p) => (nik: string) => pad(p) + nik.slice(2)),
  fc.constant((nik: string) => nik.slice(0, 2) + "00" + nik.slice(4)),
  fc
    .constantFrom(0, 32, 33, 35, 39, 40, 72, 80, 99)
    .map((d) => (nik: string) => nik.slice(0, 6) + pad(d) + nik.slice(8)),
  fc
    .constantFrom(0, 13, 20, 99)
    .map((m) => (nik: string) => nik.slice(0, 8) + pad(m) + nik.slice(10)),
  fc.constant((nik: string) => nik.slice(0, 12) + "0000"),
  fc.constant((nik: string) => nik.slice(0, 15)),
  digit.map((d) => (nik: string) => nik + d),
  fc.tuple(fc.integer({ min: 0, max: 15 }), fc.constantFrom("O", "l", "x", "٣", "１", "_")).map(
    ([i, c]) =>
      (nik: string) =>
        nik.slice(0, i) + c + nik.slice(i + 1),
  ),
);

describe("parseNik (property)", () => {
  it("never throws and answers ok or NIK_INVALID for any string", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, digits(0, 20)), (raw) => {
        const r = parseNik(raw);
        if (r.ok) expect(r.value.nik).toMatch(/^\d{16}$/);
        else expect(r.error.code).toBe("NIK_INVALID");
      }),
      RUNS,
    );
  });

  it("accepts every structurally valid NIK and round-trips sex, day and month", () => {
    fc.assert(
      fc.property(nikParts, (p) => {
        const r = parseNik(renderNik(p));
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.sex).toBe(p.female ? "P" : "L");
        expect(r.value.birthDay).toBe(p.day);
        expect(r.value.birthMonth).toBe(p.month);
        expect(r.value.birthYear2).toBe(p.yy);
      }),
      RUNS,
    );
  });

  it("accepts the same NIK written with spaces, dots or dashes", () => {
    fc.assert(
      fc.property(
        nikParts,
        fc.array(fc.constantFrom(" ", ".", "-"), { minLength: 15, maxLength: 15 }),
        fc.array(fc.boolean(), { minLength: 15, maxLength: 15 }),
        (p, seps, use) => {
          const nik = renderNik(p);
          const spaced = [...nik].map((c, i) => (i < 15 && use[i] ? c + seps[i] : c)).join("");
          const r = parseNik(spaced);
          expect(r.ok && r.value.nik).toBe(nik);
        },
      ),
      RUNS,
    );
  });

  it("rejects with NIK_INVALID any change that breaks one rule", () => {
    fc.assert(
      fc.property(nikParts, nikBreakers, (p, breakIt) => {
        const broken = breakIt(renderNik(p));
        const r = parseNik(broken);
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.error.code).toBe("NIK_INVALID");
          expect(r.error.message.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it("maskNik keeps the first 4 and last 4 digits and hides the rest", () => {
    fc.assert(
      fc.property(nikParts, (p) => {
        const nik = renderNik(p);
        const masked = maskNik(nik);
        expect(masked).toHaveLength(16);
        expect(masked.slice(0, 4)).toBe(nik.slice(0, 4));
        expect(masked.slice(-4)).toBe(nik.slice(-4));
        expect(masked.slice(4, 12)).toBe("********");
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------
// Phone
// ---------------------------------------------------------------------------------------

// Mobile prefixes of the Indonesian operators (Telkomsel, Indosat, XL, Axis, Tri, Smartfren).
const MOBILE_PREFIXES = [
  "811",
  "812",
  "813",
  "821",
  "822",
  "823",
  "851",
  "852",
  "853",
  "814",
  "815",
  "816",
  "855",
  "856",
  "857",
  "858",
  "817",
  "818",
  "819",
  "859",
  "877",
  "878",
  "831",
  "832",
  "833",
  "838",
  "895",
  "896",
  "897",
  "898",
  "899",
  "881",
  "882",
  "883",
  "884",
  "885",
  "886",
  "887",
  "888",
  "889",
];

const nationalMobile = fc
  .tuple(fc.constantFrom(...MOBILE_PREFIXES), digits(7, 8))
  .map(([prefix, rest]) => prefix + rest);

const phoneForm = fc.constantFrom("08", "62", "+62", "0062", "+62 ", "62-", "(0062)");

function sprinkle(text: string, seps: readonly string[], use: readonly boolean[]): string {
  return [...text].map((c, i) => (use[i] && /\d/.test(c) ? c + (seps[i] ?? "") : c)).join("");
}

describe("normalizePhone (property)", () => {
  it("never throws; answers E.164 or PHONE_INVALID", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, digits(0, 20)), (raw) => {
        const r = normalizePhone(raw);
        if (r.ok) expect(r.value).toMatch(/^\+\d{7,15}$/);
        else expect(r.error.code).toBe("PHONE_INVALID");
      }),
      RUNS,
    );
  });

  it("every accepted way of writing one mobile number gives the same E.164", () => {
    fc.assert(
      fc.property(
        nationalMobile,
        phoneForm,
        fc.array(fc.constantFrom(" ", "-", ".", "(", ")", "  "), { minLength: 20, maxLength: 20 }),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        fc.constantFrom("", " ", "\t"),
        (national, form, seps, use, outer) => {
          const base = form === "08" ? `0${national}` : `${form}${national}`;
          const written = outer + sprinkle(base, seps, use) + outer;
          const r = normalizePhone(written);
          expect(r.ok ? r.value : r.error.code).toBe(`+62${national}`);
        },
      ),
      RUNS,
    );
  });

  it("text without enough digits is PHONE_INVALID", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }).map((s) => s.replace(/\d/g, "")),
        digits(0, 4),
        (letters, few) => {
          const r = normalizePhone(letters + few);
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.error.code).toBe("PHONE_INVALID");
        },
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------
// Hand-typed legacy dates
// ---------------------------------------------------------------------------------------

const MONTH_SPELLINGS: Record<number, string[]> = {
  1: ["Januari", "Jan"],
  2: ["Februari", "Pebruari", "Feb", "Peb"],
  3: ["Maret", "Mar"],
  4: ["April", "Apr"],
  5: ["Mei"],
  6: ["Juni", "Jun"],
  7: ["Juli", "Jul"],
  8: ["Agustus", "Agu", "Agt", "Agst"],
  9: ["September", "Sep", "Sept"],
  10: ["Oktober", "Okt"],
  11: ["November", "Nopember", "Nov"],
  12: ["Desember", "Des"],
};

const calendarDate = fc
  .date({
    min: new Date("2000-01-01T00:00:00Z"),
    max: new Date("2035-12-31T00:00:00Z"),
    noInvalidDate: true,
  })
  .map((d) => ({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    iso: d.toISOString().slice(0, 10),
  }));

const casing = fc.constantFrom(
  (s: string) => s,
  (s: string) => s.toUpperCase(),
  (s: string) => s.toLowerCase(),
);

type DateStyle = {
  withWeekday: boolean;
  comma: boolean;
  zeroPad: boolean;
  spaceBeforeMonth: boolean;
  spelling: number;
  weekdayCase: (s: string) => string;
  monthCase: (s: string) => string;
};

const dateStyle: fc.Arbitrary<DateStyle> = fc.record({
  withWeekday: fc.boolean(),
  comma: fc.boolean(),
  zeroPad: fc.boolean(),
  spaceBeforeMonth: fc.boolean(),
  spelling: fc.nat(),
  weekdayCase: casing,
  monthCase: casing,
});

function renderDate(
  d: { year: number; month: number; day: number },
  s: DateStyle,
  weekday: number | null,
): string {
  const spellings = MONTH_SPELLINGS[d.month] ?? [BULAN[d.month - 1] ?? ""];
  const monthName = spellings[s.spelling % spellings.length] ?? "";
  const dayText = s.zeroPad ? pad(d.day) : String(d.day);
  const head =
    weekday === null ? "" : `${s.weekdayCase(HARI[weekday] ?? "")}${s.comma ? ", " : " "}`;
  return `${head}${dayText}${s.spaceBeforeMonth ? " " : ""}${s.monthCase(monthName)} ${d.year}`;
}

describe("parseIndonesianDate (property)", () => {
  it("never throws on arbitrary text and always explains a missing date", () => {
    fc.assert(
      fc.property(
        anyText,
        fc.integer({ min: 1990, max: 2040 }),
        fc.integer({ min: 1, max: 12 }),
        (raw, y, m) => {
          const r = parseIndonesianDate(raw, { sheetYear: y, sheetMonth: m });
          if (r.date === null) expect(r.anomalies.length).toBeGreaterThan(0);
          else expect(r.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        },
      ),
      RUNS,
    );
  });

  it("reads every valid date in the seed's writing styles", () => {
    fc.assert(
      fc.property(calendarDate, dateStyle, (d, s) => {
        const raw = renderDate(d, s, s.withWeekday ? d.weekday : null);
        const r = parseIndonesianDate(raw, { sheetYear: d.year, sheetMonth: d.month });
        expect(r.date, raw).toBe(d.iso);
        expect(
          r.anomalies.some((a) => a.problem.includes("tidak cocok")),
          raw,
        ).toBe(false);
      }),
      RUNS,
    );
  });

  it("keeps the written date and reports a wrong weekday as an anomaly", () => {
    fc.assert(
      fc.property(calendarDate, dateStyle, fc.integer({ min: 1, max: 6 }), (d, s, shift) => {
        const wrong = (d.weekday + shift) % 7;
        const raw = renderDate(d, s, wrong);
        const r = parseIndonesianDate(raw, { sheetYear: d.year, sheetMonth: d.month });
        expect(r.date, raw).toBe(d.iso);
        const mismatch = r.anomalies.filter((a) => a.problem.includes("tidak cocok"));
        expect(mismatch, raw).toHaveLength(1);
        expect(mismatch[0]?.action).toContain("tanggal tertulis dipakai");
      }),
      RUNS,
    );
  });

  it("a day that does not exist in the month is refused, never rolled over", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2035 }),
        fc.integer({ min: 1, max: 12 }),
        (year, month) => {
          const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
          if (last === 31) return;
          const raw = `${last + 1} ${BULAN[month - 1] ?? ""} ${year}`;
          const r = parseIndonesianDate(raw, { sheetYear: year, sheetMonth: month });
          expect(r.date, raw).toBeNull();
          expect(r.anomalies.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Jenis classifier
// ---------------------------------------------------------------------------------------

const complaintWords = fc.constantFrom(
  "kartu",
  "PBI",
  "bpjs",
  "nonaktif",
  "reaktivasi",
  "KKS",
  "hilang",
  "bantuan",
  "PKH",
  "bpnt",
  "sembako",
  "rasda",
  "beras",
  "rumah",
  "rutilahu",
  "lansia",
  "aslut",
  "tidak",
  "cair",
  "saldo",
  "kosong",
  "Ibu",
  "Bapak",
  "mohon",
  "ke",
  "dinsos",
  "KIS",
  "ｋｋｓ",
  "рkh",
  "bрnt",
  "ВРNТ",
);

describe("suggestJenis (property)", () => {
  it("never throws, always answers a known code, and is deterministic", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          fc.array(complaintWords, { maxLength: 12 }).map((w) => w.join(" ")),
        ),
        (text) => {
          const a = suggestJenis(text);
          expect(JENIS_CODES).toContain(a.jenis);
          expect(["high", "medium", "low"]).toContain(a.confidence);
          expect(a.rule.length).toBeGreaterThan(0);
          expect(suggestJenis(text)).toEqual(a);
        },
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------
// CSV formula guard
// ---------------------------------------------------------------------------------------

/** Minimal RFC 4180 reader for one record (fields separated by commas, optional quotes). */
function parseCsvRecord(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error("unterminated quoted field");
        const c = line[i];
        if (c === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += c;
        i++;
      }
      if (i < line.length && line[i] !== ",") throw new Error(`junk after quoted field at ${i}`);
    } else {
      while (i < line.length && line[i] !== ",") {
        const c = line[i] ?? "";
        if (c === '"' || c === "\r" || c === "\n")
          throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
        field += c;
        i++;
      }
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

const hostileCell = fc.oneof(
  anyText,
  fc
    .tuple(fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", '"', ",", "'"), anyText)
    .map(([a, b]) => a + b),
  fc.constantFrom(
    "-",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")',
    "@SUM(1+1)",
    "+62812",
    "-1",
  ),
);

describe("csvField / guardFormula (property)", () => {
  it("round-trips through an RFC 4180 reader, guarded, never starting a formula", () => {
    fc.assert(
      fc.property(fc.array(hostileCell, { minLength: 1, maxLength: 6 }), (cells) => {
        const line = cells.map(csvField).join(",");
        const back = parseCsvRecord(line);
        expect(back).toEqual(cells.map(guardFormula));
        for (const [i, field] of back.entries()) {
          const original = cells[i] ?? "";
          if (original === "-") expect(field).toBe("-");
          else expect(field.charAt(0)).not.toMatch(/^[=+\-@\t\r]$/);
          // The guard only ever adds one apostrophe in front: the original stays readable.
          expect([original, `'${original}`]).toContain(field);
        }
      }),
      RUNS,
    );
  });
});
