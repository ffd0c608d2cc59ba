import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { toWinAnsi } from "../../../src/reports/pdf.shared.js";
import { writeMonthlyPdf } from "../../../src/reports/monthly.pdf.js";
import { flat, pdfPages } from "./pdf-text.js";
import { januaryInput, manyRows } from "./report-fixtures.js";

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

afterEach(() => {
  vi.useRealTimers();
});

describe("writeMonthlyPdf", () => {
  it("prints the title block, header, column numbers, rows and signature", async () => {
    const pages = await pdfPages(await writeMonthlyPdf(januaryInput));
    expect(pages).toHaveLength(1);
    const t = flat(pages[0] ?? "");
    expect(t).toContain("LAPORAN PELAYANAN PENGADUAN SLRT SERASI KABUPATEN TABALONG");
    expect(t).toContain("BULAN JANUARI TAHUN 2023");
    for (const h of ["NO", "NAMA", "NO HP", "ALAMAT", "KEPERLUAN", "NARASI"])
      expect(t).toContain(h);
    expect(t).toMatch(/1 2 3 4 5 6 7 8/);
    expect(t).toContain("Rabu, 04 Januari");
    expect(t).toContain("Hadi Wiyono");
    expect(t).toContain("081254224300, 085248019792");
    expect(t).toContain("Kamis, 05 Januari");
    expect(t).toContain("Tabalong, 31 Januari 2023");
    expect(t).toContain("KEPALA DINAS SOSIAL");
    expect(t).toContain("NIP. 19670720 199103 1 014");
    // rahasia row: no identity anywhere on the page
    expect(t).toContain("(dirahasiakan)");
    expect(t).not.toContain("Rusmailin");
    expect(t).not.toContain("082152201870");
    // Cyrillic look-alike from the seed is transliterated, not garbage
    expect(t).toContain("Mahrita");
  });

  it("maps text outside WinAnsi for the standard fonts", () => {
    expect(toWinAnsi("Mahrита")).toBe("Mahrita");
    expect(toWinAnsi("Café – “ok”")).toBe("Café – “ok”");
    expect(toWinAnsi("Ţ\u4e2d\r\n\tx")).toBe("T?\n x");
  });

  it("renders 2,000 rows on many pages without cutting a row across pages", async () => {
    const rows = manyRows(2000);
    const buf = await writeMonthlyPdf({ ...januaryInput, rows });
    const pages = (await pdfPages(buf)).map(flat);
    expect(pages.length).toBeGreaterThan(1);
    const pageOf = new Map<string, number>();
    pages.forEach((p, i) => {
      for (const m of p.matchAll(/(AWAL|AKHIR)(\d{4})/g)) {
        const key = `${m[1]}${m[2]}`;
        expect(pageOf.has(key), `${key} printed twice`).toBe(false);
        pageOf.set(key, i);
      }
    });
    for (let i = 1; i <= 2000; i++) {
      const id = String(i).padStart(4, "0");
      expect(pageOf.get(`AWAL${id}`), `row ${id}`).toBeDefined();
      expect(pageOf.get(`AKHIR${id}`), `row ${id}`).toBe(pageOf.get(`AWAL${id}`));
    }
    // header and column-number row repeated on every page that carries rows
    for (const p of pages.filter((x) => x.includes("AWAL"))) {
      expect(p).toContain("HARI/");
      expect(p).toMatch(/1 2 3 4 5 6 7 8/);
    }
    expect(pages.at(-1)).toContain("NIP. 19670720 199103 1 014");
  }, 120_000);

  it("continues a row longer than a whole page instead of losing text", async () => {
    const base = januaryInput.rows[0];
    if (!base) throw new Error("fixture");
    const narasi = `MULAI ${"kalimat panjang petugas ".repeat(900)}SELESAI`;
    const pages = (
      await pdfPages(await writeMonthlyPdf({ ...januaryInput, rows: [{ ...base, narasi }] }))
    ).map(flat);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.join(" ")).toContain("MULAI");
    expect(pages.join(" ")).toContain("SELESAI");
    expect(pages.join(" ")).toContain("(lanjutan)");
  });

  // Issue 16: April 2023 printed its signature block alone on page 2. Enumerated over row
  // counts 1–40 (each ending at a different height), with and without a footnote: the page
  // that holds the signature always holds the last row too.
  it("never prints the signature block alone on a page", async () => {
    let moved = 0;
    for (const footnote of [false, true]) {
      for (let n = 1; n <= 40; n++) {
        const rows = manyRows(n).map((r, i) =>
          footnote && i === n - 1 ? { ...r, review: ["tanggal di luar bulan lembar"] } : r,
        );
        const pages = await pdfPages(await writeMonthlyPdf({ ...januaryInput, rows }));
        const signed = pages.filter((p) => flat(p).includes("NIP. 19670720 199103 1 014"));
        expect(signed, `${n} rows`).toHaveLength(1);
        const last = String(n).padStart(4, "0");
        expect(flat(signed[0]!), `${n} rows, footnote ${footnote}`).toContain(`AKHIR${last}`);
        if (footnote)
          expect(flat(signed[0]!)).toContain(`No. ${n}*: tanggal di luar bulan lembar.`);
        if (pages.length > 1 && !flat(pages[pages.length - 2]!).includes(`AKHIR${last}`)) moved++;
      }
    }
    // The rule was exercised: some layouts had to carry the last row over.
    expect(moved).toBeGreaterThan(0);
  }, 60_000);

  it("prints NIHIL for a month without complaints, above the signature", async () => {
    const pages = await pdfPages(await writeMonthlyPdf({ ...januaryInput, rows: [] }));
    expect(pages).toHaveLength(1);
    const text = flat(pages[0]!);
    expect(text).toContain("NIHIL");
    expect(text.indexOf("NIHIL")).toBeLessThan(text.indexOf("KEPALA DINAS SOSIAL"));
  });

  it("is byte-identical when the same input is rendered at different times", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2020-05-05T01:02:03Z"));
    const a = await writeMonthlyPdf({ ...januaryInput, rows: manyRows(60) });
    vi.setSystemTime(new Date("2031-11-11T11:11:11Z"));
    const b = await writeMonthlyPdf({ ...januaryInput, rows: manyRows(60) });
    expect(sha(a)).toBe(sha(b));
    expect(a.toString("latin1")).toContain("(D:20230130160000Z)");
  });
});
