// The audit chain on trails of realistic length (issue 13, item 5). Release 1 compared ids
// as text, so an untouched trail of 100+ rows was reported broken at row 100 (and that
// masked real tampering further on); deleting the newest rows went unnoticed; and the
// chain was plain SHA-256, so anyone able to write the table could recompute it.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { testDatabaseUrl } from "../../helpers/test-db.js";
import { resetDb, startTestHub, TEST_KEYS, type TestHub } from "../../helpers/test-hub.js";
import { appendAudit } from "../../../src/services/audit.service.js";
import {
  canonicalRow,
  GENESIS_HASH,
  loadChainRows,
  sealAuditChain,
  verifyAuditChain,
  type ChainRow,
} from "../../../src/pdp/audit-chain.js";
import { saveSealTip, tipToken } from "../../../src/pdp/audit-tip.js";
import { run as auditCli } from "../../../src/cli/audit.cli.js";
import { parseConfig } from "../../../src/config/config.js";
import { auditSealJob } from "../../../src/jobs/audit-seal.job.js";

let hub: TestHub;
let superuser: pg.Client;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "aduan-audit-trail-"));
  hub = await startTestHub({ name: "pdp-audit-trail", env: { ADUAN_DATA_DIR: dataDir } });
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
  rmSync(join(dataDir, "audit-tip.json"), { force: true });
});

const ACTOR = {
  id: "00000000-0000-4000-8000-000000000001",
  username: "penelaah1",
  instansi: "6309-DINSOS",
};

/** n rows through the hub's own prepared-statement writer, 25 at a time. */
async function writeTrail(n: number): Promise<void> {
  for (let i = 0; i < n; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, n - i) }, (_, k) =>
        appendAudit(hub.ctx.db.sql, {
          actor: ACTOR,
          action: (i + k) % 3 ? "case.read" : "case.export",
          fields: ["name", "nik_masked"],
          purpose: `penanganan aduan ${i + k}`,
          ip: "10.0.0.7",
          requestId: `req-${i + k}`,
          data: { n: i + k, note: "baris ke-" + (i + k) },
        }),
      ),
    );
  }
}

async function ids(): Promise<string[]> {
  const r = await hub.ctx.db.sql.query<{ id: string }>(
    `SELECT a.id::text AS id FROM "AuditLog" a ORDER BY a.id`,
  );
  return r.map((x) => x.id);
}

async function asSuperuser(sql: string, params: unknown[] = []): Promise<void> {
  await superuser.query(`ALTER TABLE "AuditLog" DISABLE TRIGGER "AuditLog_append_only"`);
  try {
    await superuser.query(sql, params);
  } finally {
    await superuser.query(`ALTER TABLE "AuditLog" ENABLE TRIGGER "AuditLog_append_only"`);
  }
}

/** Park–Miller: the same "random" victims on every run. */
function seeded(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 48271) % 2147483647;
    return s % n;
  };
}

async function allRows(): Promise<ChainRow[]> {
  const out: ChainRow[] = [];
  let after = "0";
  for (;;) {
    const page = await loadChainRows(hub.ctx, after, 5000);
    if (!page.length) return out;
    out.push(...page);
    after = page[page.length - 1]!.id;
  }
}

function sha256Link(prev: string, r: ChainRow): string {
  return createHash("sha256").update(prev).update("\n").update(canonicalRow(r)).digest("hex");
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

describe("audit chain on long trails", () => {
  it.each([100, 101])("an untouched trail of %i rows verifies OK", async (n) => {
    await writeTrail(n);
    expect(await sealAuditChain(hub.ctx)).toBe(n);
    expect(await verifyAuditChain(hub.ctx)).toEqual({ ok: true, rows: n, unsealed: 0 });
    // Sealed in numeric order: row k+1 hangs off row k.
    const rows = await allRows();
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
  });

  it("verifies 1,200 rows OK, and the CLI prints the tip to keep", async () => {
    await writeTrail(1200);
    expect(await sealAuditChain(hub.ctx)).toBe(1200);
    expect(await verifyAuditChain(hub.ctx)).toEqual({ ok: true, rows: 1200, unsealed: 0 });
    const r = await cli(["verify"]);
    expect(r.code).toBe(0);
    const [last] = (await ids()).slice(-1);
    expect(r.out).toMatch(
      new RegExp(`^OK 1200 baris\\nujung segel: aduan-audit-tip:v1:${last}:1200:[0-9a-f]{64}`),
    );
    const file = JSON.parse(readFileSync(join(dataDir, "audit-tip.json"), "utf8")) as {
      tip: string;
      rows: number;
    };
    expect(file.rows).toBe(1200);
    expect(r.out).toContain(file.tip);
  });

  it("the audit.seal job seals and writes the tip file outside the database", async () => {
    await writeTrail(3);
    const out = await auditSealJob.handler(hub.ctx, undefined as never);
    expect(out).toEqual({ sealed: 3, tip: expect.stringMatching(/^aduan-audit-tip:v1:3:3:/) });
    const file = readFileSync(join(dataDir, "audit-tip.json"), "utf8");
    expect(file).toContain((out as { tip: string }).tip);
  });

  it("reports every edited row at seeded random places, not just the first", async () => {
    await writeTrail(1100);
    await sealAuditChain(hub.ctx);
    const all = await ids();
    const pick = seeded(13);
    const victims = new Set<string>();
    while (victims.size < 6) victims.add(all[pick(all.length)]!);
    const fields = ["purpose", `"actorName"`, "ip", "action", "data", "instansi"];
    let f = 0;
    for (const id of victims) {
      const col = fields[f++ % fields.length]!;
      const value = col === "data" ? `'{"n": -1}'::jsonb` : `'diubah'`;
      await asSuperuser(`UPDATE "AuditLog" SET ${col} = ${value} WHERE id = $1`, [id]);
    }
    const v = await verifyAuditChain(hub.ctx);
    const sorted = [...victims].sort((a, b) => Number(a) - Number(b));
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.brokenAt).toBe(sorted[0]);
    expect(v.problems.map((p) => [p.id, p.kind])).toEqual(sorted.map((id) => [id, "hash"]));

    const r = await cli(["verify"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`RUSAK pada baris ${sorted[0]} (isi/hash)`);
    for (const id of sorted) expect(r.out).toContain(`#${id} isi/hash`);
  });

  it("reports a row deleted in the middle at its successor", async () => {
    await writeTrail(1050);
    await sealAuditChain(hub.ctx);
    const all = await ids();
    const k = 517;
    await asSuperuser(`DELETE FROM "AuditLog" WHERE id = $1`, [all[k]]);
    const v = await verifyAuditChain(hub.ctx);
    expect(v).toMatchObject({ ok: false, brokenAt: all[k + 1], kind: "link" });
    if (!v.ok) expect(v.problems.map((p) => [p.id, p.kind])).toEqual([[all[k + 1], "link"]]);
  });

  it("reports the newest rows deleted (against the seal's own tip record)", async () => {
    await writeTrail(1010);
    await sealAuditChain(hub.ctx);
    const all = await ids();
    const tipId = all[all.length - 1]!;
    await asSuperuser(`DELETE FROM "AuditLog" WHERE id > $1`, [all[1002]]);
    const v = await verifyAuditChain(hub.ctx);
    expect(v).toMatchObject({ ok: false, brokenAt: tipId, kind: "truncated", stored: null });
    if (!v.ok) {
      expect(v.problems).toHaveLength(1);
      expect(v.problems[0]!.detail).toContain(
        `rantai berakhir di baris #${all[1002]} (1003 baris)`,
      );
    }
    // The sealer does not quietly go on from the shorter chain.
    await writeTrail(1);
    expect(await sealAuditChain(hub.ctx)).toBe(0);
    const alert = await hub.ctx.db.prisma.alert.findFirst({ where: { kind: "audit.chain" } });
    expect(alert?.message).toContain(`#${tipId}`);
  });

  it("reports a cut tail the attacker also hid from the database, against the kept tip", async () => {
    await writeTrail(1000);
    await sealAuditChain(hub.ctx);
    // The attacker keeps the cursor of an earlier seal (valid MAC) to replay it later.
    const early = await hub.ctx.db.prisma.syncState.findUnique({
      where: { stream: "pdp.audit-chain" },
    });
    await writeTrail(8);
    expect((await cli(["seal"])).out).toMatch(/ujung segel: aduan-audit-tip:v1:\d+:1008:/);
    const kept = readFileSync(join(dataDir, "audit-tip.json"), "utf8");
    const tip = JSON.parse(kept) as { tip: string; id: string };
    const all = await ids();
    expect(tip.id).toBe(all[all.length - 1]);

    await asSuperuser(`DELETE FROM "AuditLog" WHERE id > $1`, [all[999]]);
    await superuser.query(`UPDATE "SyncState" SET cursor = $1::jsonb WHERE stream = $2`, [
      JSON.stringify(early!.cursor),
      "pdp.audit-chain",
    ]);
    // The database alone now looks whole.
    expect(await verifyAuditChain(hub.ctx)).toMatchObject({ ok: true, rows: 1000 });

    const byValue = await cli(["verify", "--tip", tip.tip]);
    expect(byValue.code).toBe(1);
    expect(byValue.out).toContain(`RUSAK pada baris ${tip.id} (ekor terpotong)`);
    expect(byValue.out).toContain(`rantai berakhir di baris #${all[999]} (1000 baris)`);
    // The tip file in the data dir is checked by default.
    const byFile = await cli(["verify"]);
    expect(byFile.code).toBe(1);
    expect(byFile.out).toContain(`RUSAK pada baris ${tip.id} (ekor terpotong)`);
  });

  it("rejects rows an attacker without the key re-chained with plain SHA-256", async () => {
    await writeTrail(1000);
    await sealAuditChain(hub.ctx);
    const rows = await allRows();
    const k = 640;
    // Edit row k, then recompute its hash and every later one, the release-1 way.
    await asSuperuser(`UPDATE "AuditLog" SET purpose = 'disamarkan' WHERE id = $1`, [rows[k]!.id]);
    const edited = await allRows();
    let prev = edited[k - 1]!.hash!;
    for (let i = k; i < edited.length; i++) {
      const h = sha256Link(prev, edited[i]!);
      await asSuperuser(`UPDATE "AuditLog" SET "prevHash" = $2, hash = $3 WHERE id = $1`, [
        edited[i]!.id,
        prev,
        h,
      ]);
      prev = h;
    }
    const v = await verifyAuditChain(hub.ctx);
    expect(v).toMatchObject({ ok: false, brokenAt: rows[k]!.id, kind: "hash" });
    if (!v.ok) expect(v.stored).toBe(sha256Link(edited[k - 1]!.hash!, edited[k]!));
  });
});

describe("a release-1 (plain SHA-256) trail", () => {
  /** What release 1 left behind: n rows chained with SHA-256 and its unsigned cursor. */
  async function legacyTrail(n: number): Promise<ChainRow[]> {
    await writeTrail(n);
    const rows = await allRows();
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const h = sha256Link(prev, r);
      // The append-only trigger lets a row be sealed once, as release 1's sealer did.
      await superuser.query(`UPDATE "AuditLog" SET "prevHash" = $2, hash = $3 WHERE id = $1`, [
        r.id,
        prev,
        h,
      ]);
      prev = h;
    }
    await superuser.query(
      `INSERT INTO "SyncState" (stream, cursor, "updatedAt") VALUES ('pdp.audit-chain', $1::jsonb, now())`,
      [JSON.stringify({ id: rows[rows.length - 1]!.id, hash: prev })],
    );
    return allRows();
  }

  it("keeps its old rows under the old rule and chains new rows with the key", async () => {
    const old = await legacyTrail(150);
    await writeTrail(60);
    expect(await sealAuditChain(hub.ctx)).toBe(60);
    expect(await verifyAuditChain(hub.ctx)).toEqual({ ok: true, rows: 210, unsealed: 0 });
    // Old hashes untouched (no re-chaining), new rows hang off the last old one.
    const now = await allRows();
    for (let i = 0; i < old.length; i++) expect(now[i]!.hash).toBe(old[i]!.hash);
    expect(now[150]!.prevHash).toBe(old[149]!.hash);
    expect(now[150]!.hash).not.toBe(sha256Link(old[149]!.hash!, now[150]!));
    const tip = await saveSealTip(hub.ctx);
    expect(tip && tipToken(tip.tip)).toMatch(/:210:/);
  });

  it("detects an old row rewritten and the old part recomputed with SHA-256", async () => {
    await legacyTrail(120);
    await writeTrail(30);
    await sealAuditChain(hub.ctx);
    const rows = await allRows();
    await asSuperuser(`UPDATE "AuditLog" SET purpose = 'x' WHERE id = $1`, [rows[40]!.id]);
    const edited = await allRows();
    let prev = edited[39]!.hash!;
    for (let i = 40; i < 120; i++) {
      const h = sha256Link(prev, edited[i]!);
      await asSuperuser(`UPDATE "AuditLog" SET "prevHash" = $2, hash = $3 WHERE id = $1`, [
        edited[i]!.id,
        prev,
        h,
      ]);
      prev = h;
    }
    const v = await verifyAuditChain(hub.ctx);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    // The old part no longer ends on the recorded switch row, and the first keyed row no
    // longer links to it.
    expect(v.problems.map((p) => [p.id, p.kind])).toEqual([
      [rows[119]!.id, "legacy"],
      [rows[120]!.id, "link"],
    ]);
  });

  it("does not let new rows pass as old ones (SHA-256 after the switch)", async () => {
    await legacyTrail(110);
    await writeTrail(20);
    await sealAuditChain(hub.ctx);
    const rows = await allRows();
    const k = 118;
    await asSuperuser(`UPDATE "AuditLog" SET purpose = 'x' WHERE id = $1`, [rows[k]!.id]);
    const edited = await allRows();
    const h = sha256Link(edited[k - 1]!.hash!, edited[k]!);
    await asSuperuser(`UPDATE "AuditLog" SET hash = $2 WHERE id = $1`, [rows[k]!.id, h]);
    const v = await verifyAuditChain(hub.ctx);
    expect(v).toMatchObject({ ok: false, brokenAt: rows[k]!.id, kind: "hash" });
  });
});
