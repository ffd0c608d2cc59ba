// The console's status counts (GET /api/v1/console/case-counts, src/repos/cases.repo.ts):
// one row per status of the caller's office, and "overdue" counts every case past its
// deadline whose status is not final — enumerated over every status of the workflow, on
// PostgreSQL and on the embedded database alike.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asSystem } from "../../../src/db/scope.js";
import { CASE_STATUSES, isFinalStatus } from "../../../src/domain/workflow.js";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";

const A = "6309-DINSOS";
const B = "6310-DINSOS";
const NOW = new Date("2026-11-20T02:00:00Z");
const PAST = new Date("2026-11-10T02:00:00Z");
const FUTURE = new Date("2026-12-10T02:00:00Z");

for (const embedded of [false, true]) {
  describe(embedded ? "embedded database (PGlite)" : "PostgreSQL", () => {
    let hub: TestHub;
    let dataDir: string | undefined;

    beforeAll(async () => {
      dataDir = embedded ? mkdtempSync(join(tmpdir(), "aduan-counts-")) : undefined;
      hub = await startTestHub({
        name: embedded ? "counts-embedded" : "counts",
        embedded,
        clock: () => NOW,
        ...(dataDir ? { env: { ADUAN_DATA_DIR: dataDir } } : {}),
      });
      if (embedded) await hub.ctx.db.migrate();
      else await resetDb(hub);
    });
    afterAll(async () => {
      await hub?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it("counts every status, and as overdue only the open ones past their deadline", async () => {
      let n = 0;
      const add = (instansi: string, status: string, dueAt: Date | null) =>
        asSystem("test", () =>
          hub.ctx.db.prisma.case.create({
            data: {
              instansi,
              number: `T-${++n}`,
              channel: "datang_langsung",
              externalId: `t-${n}`,
              keperluan: "x",
              receivedAt: PAST,
              status,
              dueAt,
            },
          }),
        );
      for (const status of CASE_STATUSES) {
        await add(A, status, PAST); // past its deadline
        await add(A, status, FUTURE); // not yet
        await add(A, status, null); // no deadline
        await add(B, status, PAST); // another office's
      }
      const fo = apiClient(
        hub,
        (await userWithToken(hub, "fo-a", "front_office", undefined, A)).token,
      );
      const res = await fo.get<{
        total: number;
        perStatus: Record<string, number>;
        overdue: number;
      }>("/api/v1/console/case-counts");
      expect(res.status).toBe(200);
      const open = CASE_STATUSES.filter((s) => !isFinalStatus(s));
      expect(res.body).toEqual({
        total: 3 * CASE_STATUSES.length,
        perStatus: Object.fromEntries(CASE_STATUSES.map((s) => [s, 3])),
        overdue: open.length,
      });
    });
  });
}
