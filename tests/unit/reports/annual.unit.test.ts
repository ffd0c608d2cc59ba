import { createHash } from "node:crypto";
import ExcelJS from "exceljs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { writeAnnualPdf } from "../../../src/reports/annual.pdf.js";
import {
  TemplateError,
  annualTables,
  annualTemplateVars,
  defaultAnnualTemplates,
  formatAngka,
  parseTemplateBody,
  renderTemplate,
} from "../../../src/reports/annual.templates.js";
import { writeAnnualXlsx } from "../../../src/reports/annual.xlsx.js";
import { flat, pdfPages } from "./pdf-text.js";
import { annualInput } from "./report-fixtures.js";

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

afterEach(() => {
  vi.useRealTimers();
});

describe("annual templates", () => {
  it("fills placeholders and rejects unknown ones", () => {
    expect(renderTemplate("Tahun {{tahun}} ({{ total }})", { tahun: "2023", total: "43" })).toBe(
      "Tahun 2023 (43)",
    );
    expect(() => renderTemplate("Tahun {{tahun_laporan}}", { tahun: "2023" })).toThrow(
      TemplateError,
    );
  });

  it("uses only known placeholders and block tokens in the defaults, with no literal year", () => {
    const vars = annualTemplateVars(annualInput);
    for (const t of defaultAnnualTemplates) {
      expect(() => parseTemplateBody(renderTemplate(t.body, vars))).not.toThrow();
      // The only literal years are those of laws (Tahun 2009/2013/2023 in Dasar Hukum).
      const stripped = t.body.replace(/Nomor \d+ Tahun \d{4}/g, "");
      expect(stripped, t.id).not.toMatch(/\b20\d\d\b/);
    }
    expect(() => parseTemplateBody("[[tabel:9.9]]")).toThrow(TemplateError);
  });

  it("computes the figures the narrative quotes", () => {
    const v = annualTemplateVars(annualInput);
    expect(v.total).toBe("43");
    expect(v.persentase_selesai).toBe("100");
    expect(v.jenis_terbanyak).toBe("Reaktivasi kartu PBI JK");
    expect(v.media_terbanyak).toBe("Datang Langsung");
    expect(v.rata_rata_hari).toBe("1,4");
    expect(formatAngka(97.674)).toBe("97,7");
    expect(formatAngka(100, 0)).toBe("100");
  });

  it("builds tables 3.1 and 3.3 as in the seed, zero printed as '-'", () => {
    const t = annualTables(annualInput);
    expect(t["3.1"].rows).toEqual([
      ["1", "Reaktivasi kartu PBI JK", "12"],
      ["2", "Bantuan Asistensi Sosial Lanjut Usia Terlantar (ASLUT)", "1"],
      ["3", "Bantuan Pangan Non Tunai (BPNT)", "10"],
      ["4", "Bantuan Keluarga Harapan (PKH)", "6"],
      ["5", "Bantuan Pangan Daerah (RASDA)", "2"],
      ["6", "Bantuan Rumah Tidak Layak Huni (RUTILAHU)", "-"],
      ["7", "Kehilangan Kartu Keluarga Sejahtera (KKS)", "2"],
      ["8", "Lain-lain", "10"],
      ["", "Total", "43"],
    ]);
    expect(t["3.3"].rows.map((r) => r.slice(0, 2))).toEqual([
      ["Selesai Ditindaklanjuti", "43"],
      ["Dalam Proses", "-"],
      ["Tidak Dapat Ditindaklanjuti", "-"],
      ["Total", "43"],
    ]);
  });
});

describe("writeAnnualPdf", () => {
  it("contains every chapter, the tables, both charts and one year throughout", async () => {
    const pages = (await pdfPages(await writeAnnualPdf(annualInput))).map(flat);
    const all = pages.join(" ");
    expect(pages[0]).toContain("LAPORAN TAHUNAN LAYANAN PENGADUAN MASYARAKAT 2023");
    for (const s of [
      "KATA PENGANTAR",
      "Laporan Tahunan Layanan Pengaduan Masyarakat Tahun 2023",
      "BAB I PENDAHULUAN",
      "BAB II PROFIL LAYANAN PENGADUAN",
      "BAB III PELAKSANAAN LAYANAN PENGADUAN",
      "BAB IV EVALUASI DAN HAMBATAN",
      "BAB V PENUTUP",
      "Tabel 3.1 Jumlah Pengaduan per Jenis Tahun 2023",
      "Bantuan Rumah Tidak Layak Huni (RUTILAHU) -",
      "Tabel 3.2 Media Penyampaian Pengaduan Tahun 2023",
      "Tabel 3.3 Tingkat Penyelesaian Pengaduan Tahun 2023",
      "Persentase penyelesaian pengaduan mencapai 100%.",
      "Tabel 3.4 Waktu Penyelesaian Pengaduan Tahun 2023",
      "Grafik 3.1 Jumlah Pengaduan per Jenis Tahun 2023",
      "Grafik 3.2 Jumlah Pengaduan per Bulan Tahun 2023",
      "Tabalong, 31 Desember 2023",
      "NIP. 19670720 199103 1 014",
    ]) {
      expect(all).toContain(s);
    }
    expect(all).toMatch(/Total 43/);
    // month axis with each month's value printed over its bar
    expect(all).toMatch(
      /Grafik 3\.2 .*14 Jan 3 Feb 9 Mar 4 Apr 6 Mei 1 Jun 0 Jul 1 Agu 0 Sep 4 Okt 0 Nov 1 Des/,
    );
    // The seed's KATA PENGANTAR and BAB V said 2024 in a 2023 report.
    expect(all).not.toContain("2024");
  });

  it("is byte-identical when the same input is rendered at different times", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2020-05-05T01:02:03Z"));
    const a = await writeAnnualPdf(annualInput);
    vi.setSystemTime(new Date("2031-11-11T11:11:11Z"));
    const b = await writeAnnualPdf(annualInput);
    expect(sha(a)).toBe(sha(b));
  });

  it("refuses an edited template with an unknown placeholder", async () => {
    const chapters = [{ id: "x", title: "BAB X", body: "Tahun {{tahunn}}" }];
    await expect(writeAnnualPdf({ ...annualInput, chapters })).rejects.toThrow(/tahunn/);
  });
});

describe("writeAnnualXlsx", () => {
  it("writes the tables and the narrative, byte-identically", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2020-05-05T01:02:03Z"));
    const buf = await writeAnnualXlsx(annualInput);
    vi.setSystemTime(new Date("2031-11-11T11:11:11Z"));
    expect(sha(await writeAnnualXlsx(annualInput))).toBe(sha(buf));
    vi.useRealTimers();

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const tab = wb.getWorksheet("Tabel");
    const lap = wb.getWorksheet("Laporan");
    if (!tab || !lap) throw new Error("sheets missing");
    const cells: string[] = [];
    // Merged caption rows read back with the value in every cell; column 1 is enough.
    tab.eachRow((row) =>
      cells.push([1, 2, 3].map((c) => String(row.getCell(c).value ?? "")).join("|")),
    );
    expect(cells.some((c) => c.startsWith("Tabel 3.1 Jumlah Pengaduan per Jenis Tahun 2023"))).toBe(
      true,
    );
    // Figures are numbers (a zero displayed "-", a share as a percentage).
    expect(cells).toContain("6|Bantuan Rumah Tidak Layak Huni (RUTILAHU)|0");
    expect(cells).toContain("|Total|43");
    expect(cells).toContain("Selesai Ditindaklanjuti|43|1");
    expect(cells).toContain("1|Januari|14");
    const rutilahu = tab
      .getSheetValues()
      .findIndex((r) => Array.isArray(r) && String(r[2]).includes("RUTILAHU"));
    expect(tab.getCell(rutilahu, 3).type).toBe(ExcelJS.ValueType.Number);
    expect(tab.getCell(rutilahu, 3).numFmt).toBe('0;-0;"-"');
    const text: string[] = [];
    lap.eachRow((row) => text.push(String(row.getCell(1).value ?? "")));
    expect(text).toContain("KATA PENGANTAR");
    expect(text).toContain("Persentase penyelesaian pengaduan mencapai 100%.");
    expect(text.join("\n")).not.toContain("2024");
  });
});
