// The append-only migration is hand-written SQL (a PL/pgSQL trigger): the hub's own runner
// must apply it on the embedded PGlite too, and sealing/verification must work there.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../helpers/test-hub.js";
import { audit } from "../../../src/services/audit.service.js";
import { sealAuditChain, verifyAuditChain } from "../../../src/pdp/audit-chain.js";

let hub: TestHub;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aduan-pglite-audit-"));
  hub = await startTestHub({ name: "pdp-pglite", embedded: true, env: { ADUAN_DATA_DIR: dir } });
});
afterAll(async () => {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

it("applies the append-only trigger on PGlite and seals/verifies the chain", async () => {
  const status = await hub.ctx.db.migrationStatus();
  expect(status.applied).toContain("20261127233000_audit_append_only");
  expect(status.pending).toEqual([]);
  for (let i = 0; i < 3; i++)
    await audit(hub.ctx.db.prisma, { actor: null, action: "case.read", purpose: `p${i}` });
  expect(await sealAuditChain(hub.ctx)).toBe(3);
  expect(await verifyAuditChain(hub.ctx)).toEqual({ ok: true, rows: 3, unsealed: 0 });
  await expect(hub.ctx.db.sql.query(`DELETE FROM "AuditLog"`)).rejects.toThrow(/append-only/);
  await expect(hub.ctx.db.sql.query(`UPDATE "AuditLog" SET action = 'x'`)).rejects.toThrow(
    /append-only/,
  );
  expect(await hub.ctx.db.prisma.auditLog.count()).toBe(3);
});
