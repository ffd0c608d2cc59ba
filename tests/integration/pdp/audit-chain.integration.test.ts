// The processing record is append-only (trigger) and tamper-evident (hash chain): an
// edited row, made possible only by a superuser disabling the trigger, is reported by
// `audit verify` with its id and exit code 1. Also the breach report over the same log.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { testDatabaseUrl } from "../../helpers/test-db.js";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { audit } from "../../../src/services/audit.service.js";
import { GENESIS_HASH, sealAuditChain, verifyAuditChain } from "../../../src/pdp/audit-chain.js";
import { breachReport } from "../../../src/pdp/breach.js";
import { run as auditCli, formatBreach } from "../../../src/cli/audit.cli.js";
import { parseConfig } from "../../../src/config/config.js";
import { TEST_KEYS } from "../../helpers/test-hub.js";
import { newCase, NIK_A, staff } from "./pdp-fixtures.js";

let hub: TestHub;
let superuser: pg.Client;
const dataDir = mkdtempSync(join(tmpdir(), "aduan-audit-chain-"));

beforeAll(async () => {
  hub = await startTestHub({ name: "pdp-audit-chain" });
  superuser = new pg.Client({ connectionString: testDatabaseUrl() });
  await superuser.connect();
});
afterAll(async () => {
  await superuser.end();
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(async () => {
  await resetDb(hub);
});

async function writeRows(n: number) {
  for (let i = 0; i < n; i++) {
    await audit(hub.ctx.db.prisma, {
      actor: null,
      action: "case.read",
      fields: ["name"],
      purpose: `uji ${i}`,
      data: { i, nested: { b: 1, a: [1, 2] } },
    });
  }
}

async function cli(args: string[]): Promise<{ out: string; code: number }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => {
    lines.push(a.join(" "));
  });
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await auditCli(
      parseConfig({
        DATABASE_URL: testDatabaseUrl(),
        ADUAN_DATA_DIR: dataDir,
        ...TEST_KEYS,
        LOG_LEVEL: "silent",
      }),
      args,
    );
    return { out: lines.join("\n"), code: Number(process.exitCode ?? 0) };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

describe("audit hash chain", () => {
  it("seals in id order from the genesis value and verifies OK", async () => {
    await writeRows(5);
    expect(await sealAuditChain(hub.ctx)).toBe(5);
    expect(await sealAuditChain(hub.ctx)).toBe(0);
    const rows = await hub.ctx.db.prisma.auditLog.findMany({ orderBy: { id: "asc" } });
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    await writeRows(2);
    expect(await verifyAuditChain(hub.ctx)).toMatchObject({ ok: true, rows: 5, unsealed: 2 });
    const r = await cli(["verify"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^OK 7 baris\nujung segel: aduan-audit-tip:v1:7:7:[0-9a-f]{64}\n/);
  });

  it("refuses UPDATE and DELETE at the database, but lets the sealer set the hash once", async () => {
    await writeRows(1);
    await expect(hub.ctx.db.sql.query(`UPDATE "AuditLog" SET purpose = 'diubah'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(hub.ctx.db.sql.query(`DELETE FROM "AuditLog"`)).rejects.toThrow(/append-only/);
    await sealAuditChain(hub.ctx);
    // Once sealed, not even the hash may change.
    await expect(
      hub.ctx.db.sql.query(`UPDATE "AuditLog" SET hash = 'x', "prevHash" = 'y'`),
    ).rejects.toThrow(/append-only/);
    expect(await hub.ctx.db.prisma.auditLog.count()).toBe(1);
  });

  it("reports the first edited row with expected and stored hash, exit code 1", async () => {
    await writeRows(6);
    await sealAuditChain(hub.ctx);
    const rows = await hub.ctx.db.prisma.auditLog.findMany({ orderBy: { id: "asc" } });
    const victim = rows[2]!;
    const later = rows[4]!;
    await superuser.query(`ALTER TABLE "AuditLog" DISABLE TRIGGER "AuditLog_append_only"`);
    try {
      await superuser.query(`UPDATE "AuditLog" SET purpose = 'disamarkan' WHERE id = $1`, [
        victim.id.toString(),
      ]);
      await superuser.query(`UPDATE "AuditLog" SET "actorName" = 'x' WHERE id = $1`, [
        later.id.toString(),
      ]);
    } finally {
      await superuser.query(`ALTER TABLE "AuditLog" ENABLE TRIGGER "AuditLog_append_only"`);
    }
    const v = await verifyAuditChain(hub.ctx);
    expect(v).toMatchObject({ ok: false, brokenAt: victim.id.toString(), kind: "hash" });
    if (!v.ok) {
      expect(v.stored).toBe(victim.hash);
      expect(v.expected).not.toBe(victim.hash);
    }
    const r = await cli(["verify"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`baris ${victim.id.toString()}`);
    expect(r.out).toContain(victim.hash!);
  });

  it("reports a deleted row through its successor's dangling link", async () => {
    await writeRows(4);
    await sealAuditChain(hub.ctx);
    const rows = await hub.ctx.db.prisma.auditLog.findMany({ orderBy: { id: "asc" } });
    await superuser.query(`ALTER TABLE "AuditLog" DISABLE TRIGGER "AuditLog_append_only"`);
    try {
      await superuser.query(`DELETE FROM "AuditLog" WHERE id = $1`, [rows[1]!.id.toString()]);
    } finally {
      await superuser.query(`ALTER TABLE "AuditLog" ENABLE TRIGGER "AuditLog_append_only"`);
    }
    const v = await verifyAuditChain(hub.ctx);
    expect(v).toMatchObject({
      ok: false,
      kind: "link",
      brokenAt: rows[2]!.id.toString(),
      expected: rows[0]!.hash,
      stored: rows[1]!.hash,
    });
  });

  it("chains a late-committing row after the tip instead of breaking the chain", async () => {
    await writeRows(2);
    // A transaction that took its id first but commits after later rows were sealed: held
    // open by the test, not by a sleep, so a slow machine cannot commit it too early.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const wrote = new Promise<void>((r) => (inserted = r));
    const late = hub.ctx.db.prisma.$transaction(
      async (tx) => {
        await audit(tx, { actor: null, action: "case.read", purpose: "lambat" });
        inserted();
        await held;
      },
      { timeout: 60_000 },
    );
    await wrote;
    await writeRows(2);
    await sealAuditChain(hub.ctx);
    release();
    await late;
    expect(await sealAuditChain(hub.ctx)).toBe(1);
    expect(await verifyAuditChain(hub.ctx)).toEqual({ ok: true, rows: 5, unsealed: 0 });
  });
});

describe("audit breach", () => {
  it("lists the people and records a user read in the window, masked", async () => {
    const t0 = new Date(Date.now() - 1000);
    const fo = await staff(hub.ctx, "fo-breach", "front_office");
    const a = await newCase(hub.ctx, fo, {
      atasNama: { name: "Siti Aisyah", nik: NIK_A },
    });
    const b = await newCase(hub.ctx, fo, { pelapor: { name: "Bahrudin" } });
    const thief = apiClient(
      hub,
      (await userWithToken(hub, "pencuri", "penelaah", "LINJAMSOS")).token,
    );
    const other = apiClient(hub, (await userWithToken(hub, "lain", "koordinator")).token);
    expect((await thief.get(`/api/v1/cases/${a.id}`)).status).toBe(200);
    expect((await other.get(`/api/v1/cases/${b.id}`)).status).toBe(200);

    const r = await breachReport(hub.ctx, { since: t0, user: "pencuri" });
    expect(r.records.map((x) => x.caseNumber)).toEqual([a.number]);
    expect(r.records[0]!.fields).toEqual(expect.arrayContaining(["name", "nik_masked"]));
    expect(r.people).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "Siti Aisyah", nikMasked: "6309********0001" }),
        expect.objectContaining({ name: "Hatmiati", phoneMasked: expect.stringMatching(/\*/) }),
      ]),
    );
    const text = formatBreach(r);
    // Each record and person names its office (the operator's report spans offices).
    expect(text).toContain("6309-DINSOS");
    expect(text).not.toContain(NIK_A);
    expect(text).not.toContain("Bahrudin");

    const byIp = await breachReport(hub.ctx, { since: t0, ip: "203.0.113.9" });
    expect(byIp.records).toEqual([]);

    const out = await cli(["breach", "--since", t0.toISOString(), "--user", "pencuri", "--json"]);
    const json = JSON.parse(out.out) as { records: { caseNumber: string }[] };
    expect(json.records.map((x) => x.caseNumber)).toEqual([a.number]);
    // The report is itself on the record, and the chain was sealed right after.
    const logged = await hub.ctx.db.prisma.auditLog.findFirst({
      where: { action: "pdp.breach_report" },
    });
    expect(logged?.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
