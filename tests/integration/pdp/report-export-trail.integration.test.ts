// A monthly report prints the names, phones and addresses of every case of the month: its
// audit row records the case ids (ids only), so the breach report lists those people and
// records, and a subject access export shows the report in the person's processing trail.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { breachReport } from "../../../src/pdp/breach.js";
import { newCase, NIK_A, NIK_B, PHONE_A, staff } from "./pdp-fixtures.js";

let hub: TestHub;
let tmp: string;
beforeAll(async () => {
  hub = await startTestHub({ name: "pdp-report-export-trail" });
  tmp = mkdtempSync(join(tmpdir(), "aduan-report-trail-"));
});
afterAll(async () => {
  await hub.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  await resetDb(hub);
});

const SEPTEMBER = new Date("2026-09-08T02:00:00Z");
const OCTOBER = new Date("2026-10-06T02:00:00Z");

async function septemberCases() {
  const fo = await staff(hub.ctx, "fo-lap", "front_office");
  const a = await newCase(hub.ctx, fo, {
    pelapor: { name: "Siti Aisyah", phone: PHONE_A },
    atasNama: { name: "Rahmah Binti Ali", nik: NIK_A },
    receivedAt: SEPTEMBER,
  });
  const b = await newCase(hub.ctx, fo, {
    pelapor: { name: "Bahrudin Saleh", phone: "0813-4800-1122" },
    receivedAt: new Date(SEPTEMBER.getTime() + 86_400_000),
  });
  const october = await newCase(hub.ctx, fo, {
    pelapor: { name: "Jumberi", nik: NIK_B },
    receivedAt: OCTOBER,
  });
  return { a, b, october };
}

function unzip(zip: Buffer): Record<string, Buffer> {
  const file = join(tmp, `x-${Date.now()}.zip`);
  writeFileSync(file, zip);
  const names = execFileSync("unzip", ["-Z1", file], { encoding: "utf8" }).trim().split("\n");
  return Object.fromEntries(names.map((n) => [n, execFileSync("unzip", ["-p", file, n])]));
}

describe("report exports in the breach report and the subject's trail", () => {
  it("the breach report lists the people and records of a monthly report the user issued", async () => {
    const { a, b, october } = await septemberCases();
    const since = new Date(Date.now() - 1000);
    const koor = apiClient(hub, (await userWithToken(hub, "ko-lap", "koordinator")).token);
    const issued = await koor.get("/api/v1/reports/monthly?month=2026-09&format=csv");
    expect(issued.status).toBe(200);
    expect(String(issued.body)).toContain("Siti Aisyah");

    // The audit row holds the case ids, never the names it printed.
    const row = await hub.ctx.db.prisma.auditLog.findFirstOrThrow({
      where: { action: "report.monthly.export" },
    });
    const data = row.data as { caseIds: string[]; reportId: string };
    expect(data.caseIds.sort()).toEqual([a.id, b.id].sort());
    expect(JSON.stringify(row.data)).not.toMatch(/Siti|Bahrudin|Rahmah/);

    const r = await breachReport(hub.ctx, { since, user: "ko-lap" });
    expect(r.records.map((x) => x.caseNumber)).toEqual([a.number, b.number].sort());
    expect(r.records[0]).toMatchObject({
      actions: ["report.monthly.export"],
      actors: ["ko-lap"],
      fields: expect.arrayContaining(["nama", "phone", "alamat"]),
      instansi: "6309-DINSOS",
    });
    expect(r.people).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: "Siti Aisyah",
          phoneMasked: expect.stringMatching(/\*/),
          caseNumber: a.number,
        }),
        expect.objectContaining({
          name: "Rahmah Binti Ali",
          nikMasked: "6309********0001",
          caseNumber: a.number,
        }),
        expect.objectContaining({ name: "Bahrudin Saleh", caseNumber: b.number }),
      ]),
    );
    expect(r.people.map((p) => p.name)).not.toContain("Jumberi");
    expect(r.records.map((x) => x.caseNumber)).not.toContain(october.number);
    expect(JSON.stringify(r)).not.toContain(NIK_A);
    expect(JSON.stringify(r)).not.toContain("0812-5110-7788");
    expect(r.other).toEqual([]);

    // Downloading the stored file later hands out the same people.
    const kadis = apiClient(hub, (await userWithToken(hub, "kadis-lap", "kadis")).token);
    expect((await kadis.get(`/api/v1/reports/${data.reportId}/file`)).status).toBe(200);
    const d = await breachReport(hub.ctx, { since, user: "kadis-lap" });
    expect(d.records.map((x) => x.caseNumber)).toEqual([a.number, b.number].sort());
    expect(d.records[0]!.actions).toEqual(["report.monthly.download"]);
    expect(d.people.map((p) => p.name)).toEqual(
      expect.arrayContaining(["Siti Aisyah", "Rahmah Binti Ali", "Bahrudin Saleh"]),
    );
  });

  it("a subject access export shows the monthly reports that contained the person's cases", async () => {
    const { a } = await septemberCases();
    const koor = apiClient(hub, (await userWithToken(hub, "ko-lap", "koordinator")).token);
    expect((await koor.get("/api/v1/reports/monthly?month=2026-09&format=csv")).status).toBe(200);
    const kadis = apiClient(hub, (await userWithToken(hub, "kadis-lap", "kadis")).token);

    const trailOf = async (nik: string) => {
      const req = await kadis.post<{ id: string }>("/api/v1/pdp/requests", {
        kind: "access",
        nik,
        note: "minta salinan data",
      });
      expect(req.status).toBe(201);
      const res = await fetch(`${hub.url}/api/v1/pdp/requests/${req.body.id}/export`, {
        headers: {
          authorization: `Bearer ${(await userWithToken(hub, `k-${nik.slice(-4)}`, "kadis")).token}`,
        },
      });
      expect(res.status).toBe(200);
      const files = unzip(Buffer.from(await res.arrayBuffer()));
      return JSON.parse(files["data.json"]!.toString("utf8")) as {
        kasus: {
          nomor: string;
          jejakPemrosesan: { id: string; tindakan: string; oleh: string; tujuan: string }[];
        }[];
      };
    };

    // Rahmah (atas nama on a September case): the report is on her case's trail, in order.
    const rahmah = await trailOf(NIK_A);
    expect(rahmah.kasus.map((k) => k.nomor)).toEqual([a.number]);
    const trail = rahmah.kasus[0]!.jejakPemrosesan;
    expect(trail).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          tindakan: "report.monthly.export",
          oleh: "ko-lap",
          tujuan: "laporan bulanan SLRT SERASI",
        }),
      ]),
    );
    const ids = trail.map((t) => BigInt(t.id));
    expect([...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(ids);

    // Jumberi's case is in October: the September report is not on his trail.
    const jumberi = await trailOf(NIK_B);
    expect(jumberi.kasus).toHaveLength(1);
    expect(jumberi.kasus[0]!.jejakPemrosesan.map((t) => t.tindakan)).not.toContain(
      "report.monthly.export",
    );
  });
});
