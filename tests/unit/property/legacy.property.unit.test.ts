// Property-based tests (issue 10, item 2) of the legacy monthly-log import: a generated
// table of N data lines must come out as N rows, or N − k rows plus k anomalies with
// action "dilewati" — never fewer without a word — with unique, stable fingerprints, and
// the same fingerprints from the XLSX copy of the same table.
import ExcelJS from "exceljs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BULAN } from "../../../src/domain/legacy/indonesian-date.js";
import {
  parseLegacyText,
  type LegacyParseResult,
} from "../../../src/domain/legacy/legacy-log.parser.js";
import { parseLegacyXlsx } from "../../../src/domain/legacy/legacy-xlsx.parser.js";

const HEADER = [
  "NO",
  "HARI/TANGGAL",
  "NAMA",
  "NO HP",
  "ALAMAT",
  "KEPERLUAN",
  "TINDAK LANJUT",
  "NARASI",
];

// Words of the kind typed at the desk, with Cyrillic look-alikes ("Аhmad", "РКН") that the
// parser folds and reports. None of them is a column name or a title phrase.
// prettier-ignore
const WORDS = [
  "bantuan", "PKH", "BPNT", "belum", "cair", "kartu", "KKS", "hilang", "mohon", "dibantu",
  "Ibu", "Bapak", "warga", "lansia", "rumah", "rusak", "beras", "sembako", "saldo", "kosong",
  "sudah", "dicek", "Dukcapil", "diarahkan", "ke", "Desa", "Kelua", "Tanjung", "Murung",
  "Pudak", "RT", "03", "Аhmad", "Siti", "Rahmаt", "РКН", "Fatmawati", "Yunita", "Herniati",
  "menyampaikan", "bahwa", "datang", "kantor", "Dinas", "Sosial", "Tabalong", "KIS", "BPJS",
];

const NAMES = [
  "Ahmad",
  "Siti",
  "Rahmat",
  "Fatmawati",
  "Yunita",
  "Herniati",
  "Аhmad",
  "Mаrsini",
  "Jumberi",
];

const phrase = (min: number, max: number) =>
  fc.array(fc.constantFrom(...WORDS), { minLength: min, maxLength: max }).map((w) => w.join(" "));

const phoneCell = fc.oneof(
  fc.constant(""),
  fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `0812${n}`),
  fc
    .tuple(
      fc.integer({ min: 1_000_000, max: 9_999_999 }),
      fc.integer({ min: 1_000_000, max: 9_999_999 }),
    )
    .map(([a, b]) => `08521${a}/08131${b}`),
);

type Table = { year: number; month: number; lines: string[][]; dataLines: number };

type DataLine = { cells: string[] };

// A full data line: nama and keperluan filled, other cells random (empty phones included).
const fullLine = (year: number, month: number): fc.Arbitrary<DataLine> =>
  fc
    .record({
      day: fc.integer({ min: 1, max: 28 }),
      nama: fc.tuple(
        fc.constantFrom(...NAMES),
        fc.constantFrom("", " bin Saleh", " dan Ibu Yunita"),
      ),
      hp: phoneCell,
      alamat: fc.oneof(
        fc.constant(""),
        phrase(1, 3).map((p) => `Desa ${p} Kec. Kelua`),
      ),
      keperluan: phrase(1, 8),
      tindak: phrase(0, 5),
      narasi: phrase(0, 20),
    })
    .map((r) => ({
      cells: [
        "",
        `${r.day} ${BULAN[month - 1] ?? ""} ${year}`,
        r.nama[0] + r.nama[1],
        r.hp,
        r.alamat,
        r.keperluan,
        r.tindak,
        r.narasi,
      ],
    }));

// A data line too thin to be a row (fewer than 3 filled cells): must be reported.
const thinLine: fc.Arbitrary<DataLine> = fc
  .tuple(fc.integer({ min: 1, max: 2 }), fc.constantFrom(...WORDS), fc.constantFrom(...WORDS))
  .map(([filled, a, b]) => ({ cells: ["", filled === 2 ? a : "", "", b, "", "", "", ""] }));

// Filled cells but no nama and no keperluan: must be reported.
const namelessLine = (year: number, month: number): fc.Arbitrary<DataLine> =>
  fc.tuple(fc.integer({ min: 1, max: 28 }), phoneCell, phrase(1, 3)).map(([day, hp, t]) => ({
    cells: ["", `${day} ${BULAN[month - 1] ?? ""} ${year}`, "", hp || "0812", t, "", t, ""],
  }));

function tableArb(dataLine: (y: number, m: number) => fc.Arbitrary<DataLine>) {
  return fc
    .record({ year: fc.integer({ min: 2019, max: 2026 }), month: fc.integer({ min: 1, max: 12 }) })
    .chain(({ year, month }) =>
      fc
        .array(
          fc.oneof(
            { weight: 8, arbitrary: dataLine(year, month) },
            thinLine,
            namelessLine(year, month),
          ),
          {
            minLength: 1,
            maxLength: 25,
          },
        )
        .map((rows): Table => {
          const lines = rows.map((r, i) => {
            const cells = [...r.cells];
            cells[0] = String(i + 1);
            return cells;
          });
          return {
            year,
            month,
            dataLines: rows.length,
            lines: [
              ["LAPORAN PELAYANAN PENGADUAN SLRT SERASI DINAS SOSIAL KABUPATEN TABALONG"],
              [`BULAN ${(BULAN[month - 1] ?? "").toUpperCase()} TAHUN ${year}`],
              HEADER,
              HEADER.map((_, i) => String(i + 1)),
              ...lines,
            ],
          };
        }),
    );
}

const toText = (t: Table): string => t.lines.map((cells) => cells.join("\t")).join("\n");

function accountFor(result: LegacyParseResult, dataLines: number): void {
  const skipped = result.anomalies.filter((a) => a.action === "dilewati");
  // Every data line is either a row or a "dilewati" anomaly that quotes it.
  expect(result.rows.length + skipped.length).toBe(dataLines);
  for (const s of skipped) expect(s.raw).toBeDefined();
  const fingerprints = result.rows.map((r) => r.fingerprint);
  expect(new Set(fingerprints).size).toBe(fingerprints.length);
}

const RUNS = { numRuns: 250, interruptAfterTimeLimit: 6_000 } as const;

describe("parseLegacyText (property)", () => {
  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ unit: "binary", maxLength: 80 }),
            fc.array(fc.string({ maxLength: 20 }), { maxLength: 10 }).map((c) => c.join("\t")),
            fc.constantFrom(
              HEADER.join("\t"),
              "BULAN MARET TAHUN 2023",
              "1\t2\t3\t4",
              "Mengetahui",
            ),
          ),
          { maxLength: 30 },
        ),
        (lines) => {
          const r = parseLegacyText(lines.join("\n"));
          for (const a of r.anomalies) {
            expect(typeof a.problem).toBe("string");
            expect(typeof a.action).toBe("string");
          }
          for (const row of r.rows) expect(row.fingerprint).toMatch(/^[0-9a-f]{64}$/);
        },
      ),
      RUNS,
    );
  });

  it("accounts for every data line: rows + skipped anomalies == N, unique and stable fingerprints", () => {
    fc.assert(
      fc.property(tableArb(fullLine), (t) => {
        const text = toText(t);
        const first = parseLegacyText(text);
        accountFor(first, t.dataLines);
        const sheet = `${t.year}-${String(t.month).padStart(2, "0")}`;
        for (const row of first.rows) {
          expect(row.sheet).toBe(sheet);
          expect(row.date).not.toBeNull();
        }
        const second = parseLegacyText(text);
        expect(second.rows.map((r) => r.fingerprint)).toEqual(first.rows.map((r) => r.fingerprint));
        expect(second.anomalies).toEqual(first.anomalies);
      }),
      RUNS,
    );
  });

  it("hostile cells (very long, control characters, formulas) never crash nor lose a line", () => {
    const hostile = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }).map((s) => s.replace(/[\t\r\n]/g, " ")),
      fc.constantFrom(
        "=cmd|' /C calc'!A0",
        '=HYPERLINK("http://evil","klik")',
        "+62812",
        "@SUM(A1)",
        "\u0000\u0001\u0007\u001b[31m",
        "\u202e\u200b\ufeff",
        "ｂａｎｔｕａｎ",
      ),
      fc.integer({ min: 10_000, max: 60_000 }).map((n) => "x".repeat(n)),
    );
    const hostileLine = (year: number, month: number): fc.Arbitrary<DataLine> =>
      fc
        .tuple(
          fullLine(year, month),
          fc.array(fc.tuple(fc.integer({ min: 2, max: 7 }), hostile), { maxLength: 4 }),
        )
        .map(([line, edits]) => {
          const cells = [...line.cells];
          for (const [col, value] of edits) cells[col] = value;
          return { cells };
        });
    fc.assert(
      fc.property(tableArb(hostileLine), (t) => {
        accountFor(parseLegacyText(toText(t)), t.dataLines);
      }),
      { numRuns: 120, interruptAfterTimeLimit: 6_000 },
    );
  });

  // Ordinary desk words that happen to be column names ("nama", "tanggal", "aduan") or a
  // title phrase ("bulan Maret tahun 2023") inside a data cell. Currently FAILS: such a line
  // is taken as a new header (columns remapped) or as a new title (table closed), and the
  // line — plus, for a title, every following line — disappears without an anomaly.
  it("a data line whose text reads like a header or a title is still accounted for", () => {
    const trap = (year: number, month: number): fc.Arbitrary<DataLine> =>
      fc
        .tuple(
          fullLine(year, month),
          fc.constantFrom(
            // keperluan, tindak lanjut, narasi
            ["Perbaikan nama di KK", "Aduan diteruskan ke Dukcapil", "tanggal lahir salah di KTP"],
            ["Bantuan PKH bulan Maret tahun 2023 belum cair", "dicek", "saldo kosong"],
            ["Isi aduan: beras rusak", "Diarahkan ke desa", "sesuai nama penerima dan tanggal"],
          ),
        )
        .map(([line, [k, tl, n]]) => {
          const cells = [...line.cells];
          cells[5] = k;
          cells[6] = tl;
          cells[7] = n;
          return { cells };
        });
    fc.assert(
      fc.property(
        tableArb((y, m) =>
          fc.oneof({ weight: 4, arbitrary: fullLine(y, m) }, { weight: 1, arbitrary: trap(y, m) }),
        ),
        (t) => {
          accountFor(parseLegacyText(toText(t)), t.dataLines);
        },
      ),
      { numRuns: 100, interruptAfterTimeLimit: 4_000 },
    );
  });
});

async function toXlsx(t: Table): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(`${BULAN[t.month - 1] ?? ""} ${t.year}`);
  for (const cells of t.lines) ws.addRow(cells);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe("parseLegacyXlsx (property)", () => {
  it("the same table written to XLSX parses to the same rows and fingerprints", async () => {
    await fc.assert(
      fc.asyncProperty(tableArb(fullLine), async (t) => {
        const fromText = parseLegacyText(toText(t));
        const fromXlsx = await parseLegacyXlsx(await toXlsx(t));
        accountFor(fromXlsx, t.dataLines);
        expect(fromXlsx.rows.map((r) => r.fingerprint)).toEqual(
          fromText.rows.map((r) => r.fingerprint),
        );
        expect(fromXlsx.rows.map((r) => [r.nama, r.date, r.phones])).toEqual(
          fromText.rows.map((r) => [r.nama, r.date, r.phones]),
        );
      }),
      { numRuns: 25, interruptAfterTimeLimit: 8_000 },
    );
  });
});
