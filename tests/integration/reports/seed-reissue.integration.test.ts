// Issue 16, "Done when": the seed is imported and every 2023 monthly report and the annual
// tables are compared with the seed's OWN tables, read here from the document's text by a
// deliberately simple reader of its own (tabs, titles), not by the importer's parser: rows
// per month, order, numbering and every cell. The printed PDF pages are read back with
// pdftotext, page by page, for the signature block and the NIHIL of an empty month.
import { parseCsv } from "../../helpers/csv.js";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foldLookalikes } from "../../../src/domain/jenis.js";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { importSeed, SEED_PATH } from "./helpers.js";

const BULAN = [
  "JANUARI",
  "FEBRUARI",
  "MARET",
  "APRIL",
  "MEI",
  "JUNI",
  "JULI",
  "AGUSTUS",
  "SEPTEMBER",
  "OKTOBER",
  "NOVEMBER",
  "DESEMBER",
];

type SeedCell = string[];
const squash = (s: string) => foldLookalikes(s).text.replace(/\s+/g, " ").trim();

/** The seed's monthly tables: month (1–12) → rows of 8 cells, in the sheet's order. */
function seedMonthlyTables(text: string): Map<number, SeedCell[]> {
  const tables = new Map<number, SeedCell[]>();
  let month: number | null = null;
  for (const line of text.split("\n")) {
    const title = /BULAN ([A-Z]+) TAHUN 2023/.exec(line);
    if (title) {
      month = BULAN.indexOf(title[1]!) + 1;
      tables.set(month, []);
      continue;
    }
    if (month === null) continue;
    if (/KEPALA DINAS SOSIAL/.test(line)) {
      month = null;
      continue;
    }
    const cells = line.split("\t");
    if (cells.length < 8 || cells[0] === "NO" || (cells[0] === "1" && cells[1] === "2")) continue;
    tables.get(month)!.push(cells.slice(0, 8).map(squash));
  }
  return tables;
}

/** A table of the annual report's chapter III: label → count ("-" is 0). */
function seedAnnualTable(text: string, heading: string): Array<[string, number]> {
  const start = text.indexOf(heading);
  const rest = text.slice(start).split("\n").slice(1);
  const out: Array<[string, number]> = [];
  for (const line of rest) {
    const cells = line.split("\t").map((c) => c.trim());
    if (cells.length < 2) {
      if (out.length > 0 && line.trim() !== "") break;
      continue;
    }
    const label = cells.length === 3 ? cells[1]! : cells[0]!;
    const n = cells[cells.length - 1]!;
    if (label === "Jumlah" || n === "Jumlah") continue;
    out.push([label, n === "-" ? 0 : Number(n)]);
    if (label === "Total") break;
  }
  return out;
}

/** Each page's text, by pdftotext (poppler), in reading order. */
function pdfPages(bytes: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), "i16-pdf-"));
  try {
    const file = join(dir, "r.pdf");
    writeFileSync(file, bytes);
    const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? "0");
    return Array.from({ length: pages }, (_, i) =>
      execFileSync("pdftotext", ["-layout", "-f", `${i + 1}`, "-l", `${i + 1}`, file, "-"], {
        encoding: "utf8",
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function get(hub: TestHub, token: string, path: string) {
  const res = await fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

const SEED_TEXT = readFileSync(SEED_PATH, "utf8");
const SEED = seedMonthlyTables(SEED_TEXT);
const month = (m: number) => `2023-${String(m).padStart(2, "0")}`;

describe("the 2023 papers reissued exactly (issue 16)", () => {
  let hub: TestHub;
  let token: string;

  beforeAll(async () => {
    hub = await startTestHub({ name: "seed-reissue" });
    await resetDb(hub);
    await importSeed(hub.ctx);
    ({ token } = await userWithToken(hub, "kadis16", "kadis"));
  });
  afterAll(async () => {
    await hub?.close();
  });

  it("the seed reader finds the office's 43 rows in 9 monthly sheets", () => {
    expect([...SEED.values()].reduce((n, rows) => n + rows.length, 0)).toBe(43);
    expect([...SEED.keys()]).toEqual([1, 2, 3, 4, 5, 6, 8, 10, 12]);
    expect(SEED.get(1)).toHaveLength(14);
    expect(SEED.get(4)).toHaveLength(4);
  });

  it.each(Array.from({ length: 12 }, (_, i) => i + 1))(
    "monthly report %i: rows, order, numbering and every cell equal the seed's sheet",
    async (m) => {
      const csv = parseCsv(
        (await get(hub, token, `/api/v1/reports/monthly?month=${month(m)}&format=csv`)).toString(
          "utf8",
        ),
      );
      expect(csv[0]).toEqual([
        "NO",
        "HARI/ TANGGAL",
        "NAMA",
        "NO HP",
        "ALAMAT",
        "KEPERLUAN",
        "TINDAK LANJUT",
        "NARASI",
      ]);
      const rows = csv.slice(1);
      const seed = SEED.get(m) ?? [];
      expect(rows, month(m)).toHaveLength(seed.length);
      rows.forEach((row, i) => {
        const want = seed[i]!;
        // Numbering: the sheet's own number, or its position where the office typed "S".
        const no = /^\d+$/.test(want[0]!) ? want[0] : String(i + 1);
        expect(row[0]!.replace(/\*$/, ""), `${month(m)} #${i + 1} NO`).toBe(no);
        expect(row.slice(1).map(squash), `${month(m)} #${i + 1}`).toEqual(want.slice(1));
      });
    },
  );

  it("January keeps its 14 rows (Syahran 11, Mogi 12); April its 4; May in the sheet's order", async () => {
    const names = async (m: number) =>
      parseCsv(
        (await get(hub, token, `/api/v1/reports/monthly?month=${month(m)}&format=csv`)).toString(
          "utf8",
        ),
      )
        .slice(1)
        .map((r) => `${r[0]}|${r[2]}`);
    const jan = await names(1);
    expect(jan).toHaveLength(14);
    expect(jan[10]).toBe("11|Syahran");
    expect(jan[11]).toBe("12|Mogi");
    // The two rows dated April are marked for review, not moved.
    expect(jan[9]).toBe("10*|Rina Yuliani");
    expect(jan[13]).toBe("14*|Faizah");
    expect(await names(4)).toEqual(["1|Nurhayati", "2|Fatimah", "3|Rahmadi", "4*|Siti Salihah"]);
    const may = await names(5);
    expect(may.slice(4)).toEqual(["5|Rahman", "6*|Rahmah"]);
  });

  it("the address is printed as filed: no corrected kecamatan appended", async () => {
    const feb = (
      await get(hub, token, "/api/v1/reports/monthly?month=2023-02&format=csv")
    ).toString("utf8");
    expect(feb).toContain("Kel.Belimbing Rt 09 Kec. Murung Puduk");
    expect(feb).not.toContain("Murung Puduk, Kec.");
    const oct = parseCsv(
      (await get(hub, token, "/api/v1/reports/monthly?month=2023-10&format=csv")).toString("utf8"),
    );
    expect(oct[4]?.[4]).toBe("Kel. Pembataan Rt 03 Kec Murung Puduk");
  });

  it("XLSX: NO is a number, marks are a number format; the sign date is a working day", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await get(hub, token, "/api/v1/reports/monthly?month=2023-04&format=xlsx")) as never,
    );
    const ws = wb.worksheets[0]!;
    for (let r = 6; r < 10; r++) {
      expect(ws.getCell(r, 1).type, `row ${r}`).toBe(ExcelJS.ValueType.Number);
      expect(ws.getCell(r, 1).value).toBe(r - 5);
    }
    expect(ws.getCell(9, 1).numFmt).toBe('0"*"');
    const all: string[] = [];
    ws.eachRow((row) => row.eachCell((c) => all.push(String(c.value))));
    // 30 April 2023 is a Sunday, 29 a Saturday: the last working day is Friday 28 April.
    expect(all).toContain("Tabalong, 28 April 2023");
    expect(all.join("\n")).toMatch(/No\. 4\*: ejaan nama berbeda: "Siti Salhah"/);
  });

  it("PDF: the signature block is never alone on a page, every month", async () => {
    for (let m = 1; m <= 12; m++) {
      const pages = pdfPages(
        await get(hub, token, `/api/v1/reports/monthly?month=${month(m)}&format=pdf`),
      );
      const signed = pages.filter((p) => /NIP\. 19670720 199103 1 014/.test(p));
      expect(signed, month(m)).toHaveLength(1);
      const page = signed[0]!;
      // The signed page carries table content: a data row's name, or NIHIL.
      const names = (SEED.get(m) ?? []).map((r) => squash(r[2]!).split(" ")[0]!);
      const hasRow = names.some((n) => page.includes(n)) || /\bNIHIL\b/.test(page);
      expect(hasRow, `${month(m)}: signature alone on its page`).toBe(true);
    }
  });

  it.each([7, 9, 11])("PDF of empty month %i says NIHIL above the signature", async (m) => {
    const pages = pdfPages(
      await get(hub, token, `/api/v1/reports/monthly?month=${month(m)}&format=pdf`),
    );
    expect(pages).toHaveLength(1);
    const text = pages[0]!;
    expect(text).toMatch(/\bNIHIL\b/);
    expect(text.indexOf("NIHIL")).toBeLessThan(text.indexOf("KEPALA DINAS SOSIAL"));
    const last = new Date(Date.UTC(2023, m, 0)).getUTCDate();
    // July 31, Sept 29 (30 is a Saturday), Nov 30: the last working days.
    const day = { 7: 31, 9: 29, 11: 30 }[m as 7 | 9 | 11];
    expect(day).toBeLessThanOrEqual(last);
    expect(text).toContain(
      `Tabalong, ${day} ${BULAN[m - 1]![0]}${BULAN[m - 1]!.slice(1).toLowerCase()} 2023`,
    );
  });

  it("PDF: rows with an open import anomaly carry a mark and a footnote naming it", async () => {
    const jan = pdfPages(await get(hub, token, "/api/v1/reports/monthly?month=2023-01&format=pdf"))
      .join("\n")
      .replace(/\s+/g, " ");
    expect(jan).toContain("Baris bertanda * berasal dari log lama yang diimpor");
    expect(jan).toMatch(/No\. 10\*: tanggal 18 April 2023 di luar bulan lembar \(Januari 2023\)/);
    expect(jan).toContain("hari Senin cocok dengan 18 April 2022");
    expect(jan).toMatch(/No\. 9\*: narasi menyebut nama lain \("Hadiansyah"\)/);
    expect(jan).toMatch(/No\. 5\*: ejaan nama berbeda: "Herniati"/);
    expect(jan).toMatch(/TINDAK LANJUT "Selesai" bertentangan dengan narasi/);
    const mar = pdfPages(await get(hub, token, "/api/v1/reports/monthly?month=2023-03&format=pdf"))
      .join("\n")
      .replace(/\s+/g, " ");
    expect(mar).toMatch(/No\. 1\*: 2 pelapor dalam satu baris/);
    expect(mar).toMatch(/No\. 8\*: narasi menyebut nama lain \("Arsiah"\)/);
    expect(mar).toMatch(/No\. 9\*: narasi menyebut nama lain \("Arsiah"\)/);
  });

  it("annual tables 3.1 and 3.3 equal the seed's; 3.2 and 3.4 say 'tidak tercatat'", async () => {
    const api = apiClient(hub, token);
    type Counts = {
      total: number;
      perJenis: { nama: string; jumlah: number }[];
      perMedia: { media: string; nama: string; jumlah: number }[];
      perStatus: { selesai: number; dalamProses: number; tidakDapatDitindaklanjuti: number };
      waktuPenyelesaian: {
        jumlahKasusSelesai: number;
        tidakTercatat: number;
        rataRata: number | null;
        median: number | null;
        perKelas: Record<string, number>;
      };
    };
    const res = await api.get<Counts>("/api/v1/reports/annual?year=2023");
    expect(res.status).toBe(200);
    const t31 = seedAnnualTable(SEED_TEXT, "3.1 Jumlah Pengaduan Tahun 2023");
    expect([
      ...res.body.perJenis.map((j) => [j.nama, j.jumlah]),
      ["Total", res.body.total],
    ]).toEqual(t31);
    const t33 = seedAnnualTable(SEED_TEXT, "3.3 Tingkat Penyelesaian Pengaduan");
    const st = res.body.perStatus;
    expect([
      ["Selesai Ditindaklanjuti", st.selesai],
      ["Dalam Proses", st.dalamProses],
      ["Tidak Dapat Ditindaklanjuti", st.tidakDapatDitindaklanjuti],
      ["Total", res.body.total],
    ]).toEqual(t33);
    // No medium was recorded in the logs: 43 "tidak tercatat", never the import channel.
    expect(res.body.perMedia.map((m) => m.nama)).not.toContain("Impor catatan lama");
    expect(res.body.perMedia.find((m) => m.media === "tidak_tercatat")?.jumlah).toBe(43);
    // Completion times were never recorded: no invented figure.
    expect(res.body.waktuPenyelesaian).toMatchObject({
      jumlahKasusSelesai: 0,
      tidakTercatat: 43,
      rataRata: null,
      median: null,
      perKelas: { ringan: 0, sedang: 0, khusus: 0, melewatiBatas: 0 },
    });
    const pdf = pdfPages(await get(hub, token, "/api/v1/reports/annual?year=2023&format=pdf"))
      .join("\n")
      .replace(/\s+/g, " ");
    expect(pdf).toContain("Media penyampaian 43 pengaduan tidak tercatat.");
    expect(pdf).toContain("Waktu penyelesaian 43 pengaduan tidak tercatat, dengan standar");
    expect(pdf).not.toContain("Impor catatan lama");
    for (const std of [
      "Pengaduan ringan: 1-3 hari kerja",
      "Pengaduan sedang: 3-7 hari kerja",
      "Pengaduan khusus: maksimal 14 hari kerja",
    ])
      expect(pdf).toContain(std);
  });

  it("staff record the media in bulk (audited); table 3.2 then equals the seed's", async () => {
    const fo = await userWithToken(hub, "loket16", "front_office");
    const api = apiClient(hub, fo.token);
    const cases = await hub.ctx.db.prisma.case.findMany({
      where: { channel: "legacy_import" },
      orderBy: [{ legacyPeriod: "asc" }, { receivedAt: "asc" }],
      select: { id: true },
    });
    expect(cases).toHaveLength(43);
    // Which five came by WhatsApp is not in the logs; the test picks five, staff would know.
    const wa = cases.slice(0, 5).map((c) => c.id);
    const desk = cases.slice(5).map((c) => c.id);
    const one = await api.put<{ updated: number }>("/api/v1/imports/legacy/media", {
      caseIds: [wa[0]],
      media: "whatsapp",
    });
    expect(one.status).toBe(200);
    expect(one.body.updated).toBe(1);
    const bulk = await api.put<{ updated: number; unchanged: number }>(
      "/api/v1/imports/legacy/media",
      { caseIds: wa, media: "whatsapp", note: "dari buku register WhatsApp" },
    );
    expect(bulk.body).toEqual({ updated: 4, unchanged: 1 });
    const rest = await api.put<{ updated: number }>("/api/v1/imports/legacy/media", {
      caseIds: desk,
      media: "datang_langsung",
    });
    expect(rest.body.updated).toBe(38);
    // The internal channel is not a medium.
    const bad = await api.put<{ code: string }>("/api/v1/imports/legacy/media", {
      caseIds: [wa[0]],
      media: "legacy_import",
    });
    expect(bad.status).toBe(400);
    // A desk case's channel is its medium; another office's case is absent.
    const desk1 = await api.post<{ id: string }>("/api/v1/cases", {
      channel: "datang_langsung",
      pelapor: { name: "Warga Loket" },
      keperluan: "Menanyakan bantuan",
    });
    const notImported = await api.put<{ code: string }>("/api/v1/imports/legacy/media", {
      caseIds: [desk1.body.id],
      media: "whatsapp",
    });
    expect(notImported.status).toBe(422);
    expect(notImported.body.code).toBe("MEDIA_NOT_APPLICABLE");
    const elsewhere = await userWithToken(
      hub,
      "loket-lain",
      "front_office",
      undefined,
      "6310-DINSOS",
    );
    const foreign = await apiClient(hub, elsewhere.token).put<{ code: string }>(
      "/api/v1/imports/legacy/media",
      { caseIds: [wa[0]], media: "telepon" },
    );
    expect(foreign.status).toBe(404);
    const penelaah = await userWithToken(hub, "pen16", "penelaah", "LINJAMSOS");
    const denied = await apiClient(hub, penelaah.token).put("/api/v1/imports/legacy/media", {
      caseIds: [wa[0]],
      media: "telepon",
    });
    expect(denied.status).toBe(403);
    const audits = await hub.ctx.db.prisma.auditLog.findMany({
      where: { action: "case.media.set" },
    });
    expect(audits).toHaveLength(43);
    expect(new Set(audits.map((a) => a.caseId)).size).toBe(43);
    expect(audits.every((a) => a.actorName === "loket16")).toBe(true);

    const res = await apiClient(hub, token).get<{
      perMedia: { nama: string; jumlah: number }[];
      total: number;
    }>("/api/v1/reports/annual?year=2023");
    const t32 = seedAnnualTable(SEED_TEXT, "3.2 Media Penyampaian Pengaduan");
    expect([
      ...res.body.perMedia.map((m) => [m.nama, m.jumlah]),
      ["Total", res.body.total],
    ]).toEqual(t32);
    const pdf = pdfPages(await get(hub, token, "/api/v1/reports/annual?year=2023&format=pdf"))
      .join("\n")
      .replace(/\s+/g, " ");
    expect(pdf).toContain(
      "Media penyampaian pengaduan yang paling banyak digunakan adalah Datang Langsung (38 pengaduan).",
    );
  });

  it("staff close the review points of a row (audited): its mark and footnote go", async () => {
    const fo = await userWithToken(hub, "loket16b", "front_office");
    const rina = await hub.ctx.db.prisma.case.findFirstOrThrow({
      where: {
        channel: "legacy_import",
        legacyPeriod: "2023-01",
        parties: { some: { name: "Rina Yuliani" } },
      },
      select: { id: true },
    });
    const api = apiClient(hub, fo.token);
    const partial = await api.put<{ updated: number }>("/api/v1/imports/legacy/review", {
      caseIds: [rina.id],
      codes: ["hari_tidak_cocok"],
      note: "dicocokkan dengan buku register",
    });
    expect(partial.body.updated).toBe(1);
    const csvOf = async () =>
      parseCsv(
        (await get(hub, token, "/api/v1/reports/monthly?month=2023-01&format=csv")).toString(
          "utf8",
        ),
      );
    // Other points are still open: still marked.
    expect((await csvOf())[10]?.[0]).toBe("10*");
    const all = await api.put<{ updated: number; unchanged: number }>(
      "/api/v1/imports/legacy/review",
      { caseIds: [rina.id], note: "tanggal dan status diperiksa pada berkas asli" },
    );
    expect(all.body).toEqual({ updated: 1, unchanged: 0 });
    expect((await csvOf())[10]?.[0]).toBe("10");
    const pdf = pdfPages(await get(hub, token, "/api/v1/reports/monthly?month=2023-01&format=pdf"))
      .join("\n")
      .replace(/\s+/g, " ");
    expect(pdf).not.toContain("No. 10*");
    expect(pdf).toContain("No. 14*");
    const audits = await hub.ctx.db.prisma.auditLog.findMany({
      where: { action: "import.review.resolve", caseId: rina.id },
    });
    expect(audits).toHaveLength(2);
  });
});
