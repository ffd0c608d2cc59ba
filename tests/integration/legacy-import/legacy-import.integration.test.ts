import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { run as runImportCli } from "../../../src/cli/import.cli.js";
import { BULAN } from "../../../src/domain/legacy/indonesian-date.js";
import { parseLegacyText } from "../../../src/domain/legacy/legacy-log.parser.js";
import { addUser } from "../../../src/services/auth.service.js";
import {
  apiClient,
  PASSWORD,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";

const SEED = "tests/fixtures/seed-2023.txt";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

type Anomaly = {
  sheet: string;
  row: number | null;
  field: string;
  problem: string;
  action: string;
};
type Run = {
  id: string;
  status: string;
  rows: number;
  created: number;
  unchanged: number;
  failed: number;
  anomalies: Anomaly[];
};
type Annual = {
  total: number;
  perJenis: { kode: string; jumlah: number }[];
  perStatus: { selesai: number; dalamProses: number; tidakDapatDitindaklanjuti: number };
};

let hub: TestHub;
let admin: ReturnType<typeof apiClient>;
let adminToken: string;

beforeAll(async () => {
  hub = await startTestHub({ name: "legacy-import" });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  await resetDb(hub);
  adminToken = (await userWithToken(hub, "admin1", "admin")).token;
  admin = apiClient(hub, adminToken);
});

async function upload(body: Buffer, type: string, name: string, token = adminToken) {
  const res = await fetch(`${hub.url}/api/v1/imports/legacy`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": type, "x-file-name": name },
    body,
  });
  return { status: res.status, body: (await res.json()) as Run & { code?: string } };
}

async function expectSeedTables(): Promise<void> {
  const res = await admin.get<Annual>("/api/v1/reports/annual?year=2023");
  expect(res.status).toBe(200);
  const perJenis = Object.fromEntries(res.body.perJenis.map((j) => [j.kode, j.jumlah]));
  // Table 3.1 of the seed's annual report.
  expect(perJenis).toMatchObject({
    PBI_JK_REAKTIVASI: 12,
    ASLUT: 1,
    BPNT: 10,
    PKH: 6,
    RASDA: 2,
    RUTILAHU: 0,
    KKS_HILANG: 2,
    LAIN_LAIN: 10,
  });
  expect(res.body.total).toBe(43);
  // Table 3.3.
  expect(res.body.perStatus).toMatchObject({
    selesai: 43,
    dalamProses: 0,
    tidakDapatDitindaklanjuti: 0,
  });
}

function expectSeedAnomalies(anomalies: Anomaly[]): void {
  const has = (field: string, re: RegExp) =>
    anomalies.some((a) => a.field === field && re.test(a.problem));
  expect(has("no", /bukan angka: "S"/)).toBe(true);
  expect(has("tanggal", /tahun tidak ditulis/)).toBe(true);
  expect(has("nama", /non-Latin.*Mahrита/)).toBe(true);
  expect(has("noHp", /dipakai bersama/)).toBe(true);
  expect(has("narasi", /nama lain \("Arsiah"\).*Siti Ratul Juwita/)).toBe(true);
  expect(has("tanggal", /hari "senin" tidak cocok/)).toBe(true);
  for (const a of anomalies) expect(a.action.length).toBeGreaterThan(0);
}

describe("legacy import of the seed document", () => {
  it("via the CLI: 43 closed cases reproducing tables 3.1 and 3.3, with the report printed", async () => {
    const printed: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(" "));
    });
    try {
      await runImportCli(hub.ctx.config, ["legacy", SEED]);
    } finally {
      log.mockRestore();
    }
    const out = printed.join("\n");
    expect(out).toMatch(/Lembar\s+Baris\s+Kolom\s+Masalah\s+Tindakan/);
    expect(out).toContain('nomor baris bukan angka: "S"');
    expect(out).toMatch(/43 baris dibaca, 43 kasus baru, 0 sudah ada/);

    expect(await hub.ctx.db.prisma.case.count({ where: { channel: "legacy_import" } })).toBe(43);
    // No actor: the default office.
    expect(await hub.ctx.db.prisma.case.count({ where: { instansi: "6309-DINSOS" } })).toBe(43);
    await expectSeedTables();

    const runs = await hub.ctx.db.prisma.importRun.findMany();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "succeeded", rows: 43, created: 43, unchanged: 0 });
    expectSeedAnomalies(runs[0]!.anomalies as Anomaly[]);

    // A closed case as the desk would read it.
    const rohani = await hub.ctx.db.prisma.case.findFirstOrThrow({
      where: { parties: { some: { name: "Mahrita" } } },
      include: { parties: true },
    });
    expect(rohani).toMatchObject({ status: "selesai", tindakLanjutLabel: "Selesai" });
    expect(rohani.closedAt?.toISOString()).toBe(rohani.receivedAt.toISOString());
    expect(rohani.receivedAt.toISOString()).toMatch(/T00:00:00\.000Z$/); // 08:00 WITA
    const multi = await hub.ctx.db.prisma.party.findFirstOrThrow({
      where: { phoneE164: "+6281254224300" },
    });
    expect(multi.altPhones).toEqual(["+6285248019792"]);
    const cases = await hub.ctx.db.prisma.case.findMany({
      select: { number: true, jenisDecision: true, reasonCode: true, historicalNarasi: true },
    });
    expect(new Set(cases.map((c) => c.jenisDecision))).toEqual(new Set(["suggested"]));
    expect(cases.every((c) => /^ADU-2023-\d{6}$/.test(c.number))).toBe(true);
    expect(cases.filter((c) => c.reasonCode !== null).length).toBeGreaterThan(10);
    expect(cases.every((c) => c.historicalNarasi !== null)).toBe(true);
  });

  it("via the CLI with --instansi: every case, party and the run in that office; a bad code changes nothing", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      await expect(
        runImportCli(hub.ctx.config, ["legacy", SEED, "--instansi", "balangan"]),
      ).rejects.toThrow(/INSTANSI_INVALID/);
      expect(await hub.ctx.db.prisma.case.count()).toBe(0);
      expect(await hub.ctx.db.prisma.importRun.count()).toBe(0);
      await runImportCli(hub.ctx.config, ["legacy", SEED, "--instansi", "6311-DINSOS"]);
    } finally {
      log.mockRestore();
    }
    const byOffice = await hub.ctx.db.prisma.case.groupBy({ by: ["instansi"], _count: true });
    expect(byOffice).toEqual([{ instansi: "6311-DINSOS", _count: 43 }]);
    const parties = await hub.ctx.db.prisma.party.findMany({ include: { case: true } });
    expect(parties.length).toBeGreaterThan(40);
    expect(parties.every((p) => p.case.instansi === "6311-DINSOS")).toBe(true);
    const runs = await hub.ctx.db.prisma.importRun.findMany();
    expect(runs.map((r) => [r.instansi, r.created])).toEqual([["6311-DINSOS", 43]]);
  });

  it("via the API, and a re-import creates no duplicates", async () => {
    const bytes = readFileSync(SEED);
    const first = await upload(bytes, "text/plain", "seed-2023.txt");
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: "succeeded",
      rows: 43,
      created: 43,
      unchanged: 0,
      failed: 0,
    });
    expectSeedAnomalies(first.body.anomalies);
    await expectSeedTables();

    const again = await upload(bytes, "text/tab-separated-values", "seed-2023.txt");
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ created: 0, unchanged: 43 });
    expect(await hub.ctx.db.prisma.case.count()).toBe(43);
    await expectSeedTables();

    const stored = await admin.get<Run>(`/api/v1/imports/${first.body.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body.anomalies).toEqual(first.body.anomalies);

    const fo = (await userWithToken(hub, "fo1", "front_office")).token;
    expect((await upload(bytes, "text/plain", "seed.txt", fo)).status).toBe(403);
    expect((await upload(bytes, "application/zip", "seed.zip")).status).toBe(415);
  });

  it("an import by another office's admin lands in that office: cases and parties carry its instansi", async () => {
    await addUser(hub.ctx, {
      username: "admin-b",
      password: PASSWORD,
      role: "admin",
      instansi: "6310-DINSOS",
    });
    const login = await fetch(`${hub.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin-b", password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const res = await upload(readFileSync(SEED), "text/plain", "seed-2023.txt", token);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "succeeded", created: 43 });

    const { prisma } = hub.ctx.db;
    expect(await prisma.case.count({ where: { instansi: "6310-DINSOS" } })).toBe(43);
    expect(await prisma.case.count({ where: { instansi: { not: "6310-DINSOS" } } })).toBe(0);
    expect(await prisma.party.count({ where: { instansi: "6310-DINSOS" } })).toBe(43);
    expect(await prisma.party.count({ where: { instansi: { not: "6310-DINSOS" } } })).toBe(0);
    // The default office's annual report does not count the other office's cases.
    const annual = await admin.get<Annual>("/api/v1/reports/annual?year=2023");
    expect(annual.status).toBe(200);
    expect(annual.body.total).toBe(0);
  });

  it("an XLSX with the same rows gives the same 43 cases, and the same fingerprints", async () => {
    const parsed = parseLegacyText(readFileSync(SEED, "utf8"));
    const wb = new ExcelJS.Workbook();
    const bySheet = new Map<string, typeof parsed.rows>();
    for (const r of parsed.rows) bySheet.set(r.sheet, [...(bySheet.get(r.sheet) ?? []), r]);
    for (const [sheet, rows] of bySheet) {
      const [year, month] = sheet.split("-").map(Number);
      const ws = wb.addWorksheet(`${BULAN[(month ?? 1) - 1]} ${year}`);
      ws.addRow([`LAPORAN PELAYANAN PENGADUAN BULAN ${BULAN[(month ?? 1) - 1]} TAHUN ${year}`]);
      ws.addRow([
        "NO",
        "HARI/TANGGAL",
        "NAMA",
        "NO HP",
        "ALAMAT",
        "KEPERLUAN",
        "TINDAK LANJUT",
        "NARASI",
      ]);
      for (const r of rows)
        ws.addRow([
          r.no,
          r.rawDate,
          r.nama,
          r.phones.join(", "),
          r.alamat,
          r.keperluan,
          r.tindakLanjut,
          r.narasi,
        ]);
    }
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(xlsx, XLSX, "seed-2023.xlsx");
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ rows: 43, created: 43 });
    await expectSeedTables();
    const text = await upload(readFileSync(SEED), "text/plain", "seed-2023.txt");
    expect(text.body).toMatchObject({ created: 0, unchanged: 43 });
  });

  it("an unreadable file is a failed run with the reason, and no cases", async () => {
    const res = await upload(Buffer.from("PK\x03\x04 bukan xlsx"), XLSX, "rusak.xlsx");
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("IMPORT_UNREADABLE");
    const runs = await hub.ctx.db.prisma.importRun.findMany();
    expect(runs.map((r) => r.status)).toEqual(["failed"]);
    expect(await hub.ctx.db.prisma.case.count()).toBe(0);
  });
});
