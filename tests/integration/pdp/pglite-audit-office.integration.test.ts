// The office filter of the audit trail, the breach report's expansion of report exports and
// the subject export's report trail are hand-written SQL: they must work on the embedded
// PGlite (the default database of `npm start`) as on PostgreSQL.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../helpers/test-hub.js";
import { queryAudit } from "../../../src/services/audit-query.service.js";
import { issueReport } from "../../../src/services/reports.service.js";
import { breachReport } from "../../../src/pdp/breach.js";
import { collectSubjectData } from "../../../src/pdp/subject-export.js";
import { keyedHash } from "../../../src/security/crypto.js";
import { newCase, NIK_A, staff } from "./pdp-fixtures.js";

let hub: TestHub;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aduan-pglite-audit-office-"));
  hub = await startTestHub({
    name: "pdp-pglite-office",
    embedded: true,
    env: { ADUAN_DATA_DIR: dir },
  });
});
afterAll(async () => {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

it("filters the trail by office, expands report exports and lists them in the subject's trail", async () => {
  const fo = await staff(hub.ctx, "fo-pg", "front_office");
  const kadis = await staff(hub.ctx, "kadis-pg", "kadis");
  const other = { ...kadis, username: "kadis-lain", instansi: "6311-DINSOS" };
  const c = await newCase(hub.ctx, fo, {
    pelapor: { name: "Siti Aisyah", nik: NIK_A },
    receivedAt: new Date("2026-09-08T02:00:00Z"),
  });
  const since = new Date(Date.now() - 1000);
  await issueReport(hub.ctx, {
    kind: "monthly",
    format: "csv",
    year: 2026,
    month: 9,
    actor: { id: kadis.id, username: kadis.username },
  });

  const mine = await queryAudit(hub.ctx, kadis, { action: "case.*", limit: 10 }, {});
  expect(mine.data.map((e) => e.caseId)).toContain(c.id);
  expect(mine.data[0]!.fields.length).toBeGreaterThan(0);
  const theirs = await queryAudit(hub.ctx, other, { limit: 10 }, {});
  expect(theirs.data.map((e) => e.caseId)).not.toContain(c.id);

  const r = await breachReport(hub.ctx, { since, user: "kadis-pg" });
  expect(r.records.map((x) => x.caseNumber)).toEqual([c.number]);
  expect(r.people.map((p) => p.name)).toEqual(["Siti Aisyah"]);

  const req = await hub.ctx.db.prisma.subjectRequest.create({
    data: {
      kind: "access",
      nikHash: keyedHash(hub.ctx.keyring, NIK_A),
      note: "uji",
      receivedAt: new Date(),
      dueAt: new Date(Date.now() + 72 * 3600_000),
    },
  });
  const data = await collectSubjectData(hub.ctx, req.id);
  expect(data.kasus[0]!.jejakPemrosesan.map((t) => t.tindakan)).toContain("report.monthly.export");
});
