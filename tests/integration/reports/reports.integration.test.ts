import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { importSeed, pdfText, seedRows, xlsxSheet } from "./helpers.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function download(hub: TestHub, token: string, path: string) {
  const res = await fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Data rows of the monthly XLSX: rows whose NO cell is a number (marked "*" or not). */
function dataRows(sheet: string[][]): string[][] {
  return sheet.slice(5).filter((r) => /^\d+\*?$/.test(r[0] ?? ""));
}

describe("reports from the imported seed (2023)", () => {
  let hub: TestHub;
  let token: string;
  let adminToken: string;

  beforeAll(async () => {
    hub = await startTestHub({ name: "reports-seed" });
    await resetDb(hub);
    await importSeed(hub.ctx);
    ({ token } = await userWithToken(hub, "kadis1", "kadis"));
    ({ token: adminToken } = await userWithToken(hub, "admin1", "admin"));
  });
  afterAll(async () => {
    await hub?.close();
  });

  it("annual JSON reproduces tables 3.1 and 3.3 of the seed", async () => {
    const res = await apiClient(hub, token).get<{
      total: number;
      perJenis: { nama: string; jumlah: number }[];
      perStatus: Record<string, number>;
    }>("/api/v1/reports/annual?year=2023");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-report-id")).toMatch(/[0-9a-f-]{36}/);
    expect(res.body.total).toBe(43);
    expect(res.body.perJenis.map((j) => [j.nama, j.jumlah])).toEqual([
      ["Reaktivasi kartu PBI JK", 12],
      ["Bantuan Asistensi Sosial Lanjut Usia Terlantar (ASLUT)", 1],
      ["Bantuan Pangan Non Tunai (BPNT)", 10],
      ["Bantuan Keluarga Harapan (PKH)", 6],
      ["Bantuan Pangan Daerah (RASDA)", 2],
      ["Bantuan Rumah Tidak Layak Huni (RUTILAHU)", 0],
      ["Kehilangan Kartu Keluarga Sejahtera (KKS)", 2],
      ["Lain-lain", 10],
    ]);
    expect(res.body.perStatus).toMatchObject({
      selesai: 43,
      dalamProses: 0,
      tidakDapatDitindaklanjuti: 0,
      persentaseSelesai: 100,
    });
  });

  it("annual XLSX cells hold tables 3.1 and 3.3", async () => {
    const r = await download(hub, token, "/api/v1/reports/annual?year=2023&format=xlsx");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("spreadsheetml");
    expect(r.headers.get("content-disposition")).toBe(
      'attachment; filename="laporan-tahunan-pengaduan-2023.xlsx"',
    );
    const rows = await xlsxSheet(r.bytes, "Tabel");
    const find = (label: string) => rows.find((row) => row.includes(label));
    expect(find("Tabel 3.1 Jumlah Pengaduan per Jenis Tahun 2023")).toBeDefined();
    expect(find("Reaktivasi kartu PBI JK")).toEqual(["1", "Reaktivasi kartu PBI JK", "12"]);
    // Numbers are numbers: a zero is 0 (displayed "-" by its number format), a share 1 = 100%.
    expect(find("Bantuan Rumah Tidak Layak Huni (RUTILAHU)")?.[2]).toBe("0");
    expect(find("Lain-lain")).toEqual(["8", "Lain-lain", "10"]);
    expect(rows.find((row) => row[1] === "Total" && row[2] === "43")).toBeDefined();
    expect(find("Selesai Ditindaklanjuti")).toEqual(["Selesai Ditindaklanjuti", "43", "1"]);
    expect(find("Dalam Proses")?.slice(0, 2)).toEqual(["Dalam Proses", "0"]);
    expect(find("Tidak Dapat Ditindaklanjuti")?.slice(0, 2)).toEqual([
      "Tidak Dapat Ditindaklanjuti",
      "0",
    ]);
  });

  it("annual PDF text holds tables 3.1 and 3.3, one year throughout", async () => {
    const r = await download(hub, token, "/api/v1/reports/annual?year=2023&format=pdf");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/pdf");
    const text = await pdfText(r.bytes);
    const flat = text.replace(/\s+/g, " ");
    expect(flat).toContain("Tabel 3.1 Jumlah Pengaduan per Jenis Tahun 2023");
    expect(flat).toMatch(/Reaktivasi kartu PBI JK 12/);
    expect(flat).toMatch(/Bantuan Pangan Non Tunai \(BPNT\) 10/);
    expect(flat).toMatch(/Lain-lain 10/);
    expect(flat).toMatch(/Total 43/);
    expect(flat).toMatch(/Selesai Ditindaklanjuti 43 100%/);
    expect(flat).not.toContain("2024");
    expect(flat).toContain("Drs. H. Abu Bakar Sidiq");
  });

  it("monthly tables Jan–Dec list the 43 seed rows, each in the month of its sheet", async () => {
    const seed = seedRows();
    expect(seed).toHaveLength(43);
    // Two rows of the seed's January sheet are dated April (18 and 28 April): they stay in
    // January, where the office filed them (issue 16).
    const expected = [14, 3, 9, 4, 6, 1, 0, 1, 0, 4, 0, 1];
    const seen: string[] = [];
    for (let m = 1; m <= 12; m++) {
      const month = `2023-${String(m).padStart(2, "0")}`;
      const r = await download(hub, token, `/api/v1/reports/monthly?month=${month}&format=xlsx`);
      expect(r.status).toBe(200);
      const rows = dataRows(await xlsxSheet(r.bytes));
      expect(rows, month).toHaveLength(expected[m - 1]!);
      const seedNames = seed.filter((s) => s.sheet === month).map((s) => s.nama);
      expect(rows.map((row) => row[2]).sort()).toEqual([...seedNames].sort());
      seen.push(...rows.map((row) => `${row[2]}|${row[5]}`));
    }
    expect(seen).toHaveLength(43);
    expect(new Set(seen).size).toBe(43);
  });

  it("the January table: columns, Indonesian dates, narasi, office phones, signature (XLSX, CSV, PDF)", async () => {
    const seedJan = seedRows().filter((s) => s.sheet === "2023-01");
    const x = await download(hub, token, "/api/v1/reports/monthly?month=2023-01&format=xlsx");
    const sheet = await xlsxSheet(x.bytes);
    expect(sheet[3]?.slice(0, 8)).toEqual([
      "NO",
      "HARI/ TANGGAL",
      "NAMA",
      "NO HP",
      "ALAMAT",
      "KEPERLUAN",
      "TINDAK LANJUT",
      "NARASI",
    ]);
    expect(sheet[4]?.slice(0, 8)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
    const first = dataRows(sheet)[0]!;
    expect(first[1]).toBe("Rabu 04 Januari 2023"); // as filed
    expect(first[2]).toBe("Hadi Wiyono");
    expect(first[3]).toContain("081254224300");
    expect(first[3]).toContain("085248019792");
    expect(first[4]).toContain("Mabuun");
    expect(first[6]).toBe("Selesai");
    expect(first[7]).toBe(seedJan[0]!.narasi);
    const flat = sheet.flat().join("\n");
    expect(flat).toContain("Drs. H. Abu Bakar Sidiq");
    expect(flat).toContain("19670720 199103 1 014");
    expect(flat).toMatch(/Tabalong, 31 Januari 2023/);

    const c = await download(hub, token, "/api/v1/reports/monthly?month=2023-01&format=csv");
    expect(c.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const csv = c.bytes.toString("utf8");
    expect(csv.split("\r\n")[0]).toBe(
      "\uFEFFNO,HARI/ TANGGAL,NAMA,NO HP,ALAMAT,KEPERLUAN,TINDAK LANJUT,NARASI",
    );
    for (const s of seedJan) expect(csv).toContain(s.nama);

    const p = await download(hub, token, "/api/v1/reports/monthly?month=2023-01&format=pdf");
    const text = (await pdfText(p.bytes)).replace(/\s+/g, " ");
    expect(text).toContain("Rabu 04 Januari 2023");
    for (const s of seedJan) expect(text).toContain(s.nama.split(" ")[0]!);
  });

  it("is audited, stored, listed and downloadable byte for byte; re-issue is identical", async () => {
    const a = await download(hub, token, "/api/v1/reports/monthly?month=2023-03&format=pdf");
    const b = await download(hub, token, "/api/v1/reports/monthly?month=2023-03&format=pdf");
    expect(sha(a.bytes)).toBe(sha(b.bytes));
    expect(b.headers.get("x-report-checksum")).toBe(`sha256=${sha(b.bytes)}`);
    expect(b.headers.get("x-report-data-changed")).toBe("false");
    const id = b.headers.get("x-report-id")!;
    const list = await apiClient(hub, token).get<{ items: Record<string, unknown>[] }>(
      "/api/v1/reports?kind=monthly",
    );
    expect(list.status).toBe(200);
    const item = list.body.items.find((i) => i.id === id)!;
    expect(item).toMatchObject({
      kind: "monthly",
      format: "pdf",
      params: { periode: "2023-03", format: "pdf", signDate: "2023-03-31" },
      catalogueVersions: { annual_templates: "file:1" },
      checksum: sha(b.bytes),
      createdBy: "kadis1",
    });
    const f = await download(hub, token, `/api/v1/reports/${id}/file`);
    expect(f.status).toBe(200);
    expect(sha(f.bytes)).toBe(sha(b.bytes));
    const audits = await hub.ctx.db.prisma.auditLog.findMany({
      where: { action: { in: ["report.monthly.export", "report.monthly.download"] } },
    });
    expect(audits.some((x) => (x.data as { reportId?: string }).reportId === id)).toBe(true);
    expect(audits.some((x) => x.action === "report.monthly.download")).toBe(true);
    // front_office may issue, but only admin/kadis/koordinator push recaps
    const fo = await userWithToken(hub, "loket1", "front_office");
    const fr = await download(hub, fo.token, "/api/v1/reports/monthly?month=2023-03&format=csv");
    expect(fr.status).toBe(200);
    const adm = await download(hub, adminToken, "/api/v1/reports/monthly?month=2023-03&format=csv");
    expect(adm.status).toBe(403);
  });

  it("says so when the data changed since the last issue of the same period", async () => {
    const api = apiClient(hub, token);
    const first = await api.get("/api/v1/reports/monthly?month=2023-05&format=csv");
    expect(first.status).toBe(200);
    const c = await hub.ctx.db.prisma.case.findFirstOrThrow({
      where: { receivedAt: { gte: new Date("2023-05-01T00:00:00+08:00") } },
      orderBy: { receivedAt: "asc" },
    });
    await hub.ctx.db.prisma.case.update({
      where: { id: c.id },
      data: { historicalNarasi: "narasi diperbaiki petugas" },
    });
    const second = await api.get<string>("/api/v1/reports/monthly?month=2023-05&format=xlsx");
    expect(second.headers.get("x-report-data-changed")).toBe("true");
    const third = await api.get("/api/v1/reports/monthly?month=2023-05&format=csv");
    expect(third.headers.get("x-report-data-changed")).toBe("false");
    expect(String(third.body)).toContain("narasi diperbaiki petugas");
  });

  it("bad parameters: 400 naming the field", async () => {
    const api = apiClient(hub, token);
    const r1 = await api.get<{ code: string }>("/api/v1/reports/monthly?month=2023-13&format=csv");
    expect(r1.status).toBe(400);
    const r2 = await api.get<{ code: string }>("/api/v1/reports/monthly?month=2023-01&format=doc");
    expect(r2.status).toBe(400);
    const r3 = await api.get<{ fields: { field: string }[] }>(
      "/api/v1/reports/monthly?month=2023-01&format=csv&signDate=2023-02-30",
    );
    expect(r3.status).toBe(400);
  });

  it("annual templates: admin edits with validation, the report uses and records them", async () => {
    const admin = apiClient(hub, adminToken);
    const cur = await admin.get<{
      version: number | null;
      templates: { id: string; body: string }[];
    }>("/api/v1/catalogue/annual-templates");
    expect(cur.status).toBe(200);
    expect(cur.body.version).toBeNull();
    const bad = await admin.put<{ code: string; fields: { field: string }[] }>(
      "/api/v1/catalogue/annual-templates",
      { templates: [{ id: "bab_x", title: "BAB X", body: "Jumlah {{tidak_ada}}" }] },
    );
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe("TEMPLATE_INVALID");
    expect(bad.body.fields[0]!.field).toBe("body.templates.0");
    const edited = cur.body.templates.map((t) =>
      t.id === "kata_pengantar"
        ? { ...t, body: `Kalimat sisipan admin untuk tahun {{tahun}}.\n\n${t.body}` }
        : t,
    );
    const ok = await admin.put<{ version: number }>("/api/v1/catalogue/annual-templates", {
      templates: edited,
      note: "uji",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(1);
    const r = await download(hub, token, "/api/v1/reports/annual?year=2023&format=pdf");
    expect((await pdfText(r.bytes)).replace(/\s+/g, " ")).toContain(
      "Kalimat sisipan admin untuk tahun 2023.",
    );
    const list = await apiClient(hub, token).get<{ items: Record<string, unknown>[] }>(
      "/api/v1/reports?kind=annual",
    );
    expect(list.body.items[0]).toMatchObject({
      catalogueVersions: { annual_templates: "db:1" },
    });
    const forbidden = await apiClient(hub, token).put("/api/v1/catalogue/annual-templates", {
      templates: edited,
    });
    expect(forbidden.status).toBe(403);
  });
});

describe("golden files: byte-identical re-issue on a small fixed dataset", () => {
  let hub: TestHub;
  let token: string;
  const golden = JSON.parse(readFileSync("tests/fixtures/reports/golden.json", "utf8")) as Record<
    string,
    string
  >;

  beforeAll(async () => {
    hub = await startTestHub({ name: "reports-golden" });
    await resetDb(hub);
    ({ token } = await userWithToken(hub, "kadis2", "kadis"));
    const mk = async (n: number, data: Record<string, unknown>, party: Record<string, unknown>) => {
      const c = await hub.ctx.db.prisma.case.create({
        data: {
          number: `ADU-2024-00000${n}`,
          channel: "datang_langsung",
          externalId: `golden-${n}`,
          keperluan: "x",
          receivedAt: new Date(),
          ...data,
        },
      });
      await hub.ctx.db.prisma.party.create({ data: { caseId: c.id, role: "pelapor", ...party } });
      return c;
    };
    await mk(
      1,
      {
        keperluan: "Menanyakan bantuan PKH yang tidak cair",
        jenis: "PKH",
        status: "selesai",
        receivedAt: new Date("2024-02-05T09:00:00+08:00"),
        closedAt: new Date("2024-02-07T10:00:00+08:00"),
        historicalNarasi: "Petugas menerima aduan, hasilnya komponen PKH habis.",
      },
      {
        name: "Siti Aminah",
        phoneE164: "+6281234567001",
        alamat: "Desa Pulau Ku'u RT 02",
        kecamatan: "Murung Pudak",
      },
    );
    await mk(
      2,
      {
        keperluan: '=HYPERLINK("http://x") reaktivasi BPJS PBI',
        jenis: "PBI_JK_REAKTIVASI",
        status: "didisposisi",
        receivedAt: new Date("2024-02-06T14:30:00+08:00"),
      },
      { name: 'Budi, "Abah"', phoneE164: "+6285200000002", altPhones: ["+6281100000003"] },
    );
    await mk(
      3,
      {
        keperluan: "Pengaduan rahasia tentang penyaluran BPNT",
        jenis: "BPNT",
        status: "tidak_dapat_ditindaklanjuti",
        rahasia: true,
        receivedAt: new Date("2024-02-20T08:15:00+08:00"),
        closedAt: new Date("2024-02-21T08:15:00+08:00"),
        historicalNarasi: "Pelapor Rahmat Hidayat 081299990004 meminta identitas dirahasiakan.",
      },
      { name: "Rahmat Hidayat", phoneE164: "+6281299990004", alamat: "Tanjung" },
    );
  });
  afterAll(async () => {
    await hub?.close();
  });

  // UPDATE_GOLDEN=1 rewrites the committed files (after a deliberate change of a writer).
  const update = process.env.UPDATE_GOLDEN === "1";

  it("CSV equals the committed golden file; XLSX and PDF hashes equal the committed ones", async () => {
    const q = "month=2024-02&signDate=2024-02-29";
    const csv = await download(hub, token, `/api/v1/reports/monthly?${q}&format=csv`);
    if (update) {
      writeFileSync("tests/fixtures/reports/monthly-2024-02.csv", csv.bytes);
      const hashes: Record<string, string> = {};
      for (const fmt of ["xlsx", "pdf"] as const) {
        const m = await download(hub, token, `/api/v1/reports/monthly?${q}&format=${fmt}`);
        hashes[`monthly-2024-02.${fmt}`] = sha(m.bytes);
        const a = await download(hub, token, `/api/v1/reports/annual?year=2024&format=${fmt}`);
        hashes[`annual-2024.${fmt}`] = sha(a.bytes);
      }
      writeFileSync("tests/fixtures/reports/golden.json", `${JSON.stringify(hashes, null, 2)}\n`);
      Object.assign(golden, hashes);
    }
    const goldenCsv = readFileSync("tests/fixtures/reports/monthly-2024-02.csv");
    expect(csv.bytes.toString("utf8")).toBe(goldenCsv.toString("utf8"));
    // the rahasia case shows no identity anywhere
    expect(csv.bytes.toString("utf8")).not.toContain("Rahmat");
    expect(csv.bytes.toString("utf8")).not.toContain("99990004");
    for (const fmt of ["xlsx", "pdf"] as const) {
      const a = await download(hub, token, `/api/v1/reports/monthly?${q}&format=${fmt}`);
      const b = await download(hub, token, `/api/v1/reports/monthly?${q}&format=${fmt}`);
      expect(sha(a.bytes)).toBe(sha(b.bytes));
      expect(sha(a.bytes), `monthly ${fmt}`).toBe(golden[`monthly-2024-02.${fmt}`]);
    }
    for (const fmt of ["xlsx", "pdf"] as const) {
      const a = await download(hub, token, `/api/v1/reports/annual?year=2024&format=${fmt}`);
      const b = await download(hub, token, `/api/v1/reports/annual?year=2024&format=${fmt}`);
      expect(sha(a.bytes)).toBe(sha(b.bytes));
      expect(sha(a.bytes), `annual ${fmt}`).toBe(golden[`annual-2024.${fmt}`]);
    }
  });
});
