// GET /api/v1/imports/legacy/cases: the import page's work list — imported cases with open
// review points and/or no recorded medium, of the caller's office only, for the roles of the
// PUTs that resolve them.
import { readFileSync } from "node:fs";
import { IMPORT_FIELD_LABELS } from "../../../src/domain/legacy/import-labels.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";

const SEED = readFileSync("tests/fixtures/seed-2023.txt");
const OTHER = "6310-DINSOS";
type Item = {
  id: string;
  number: string;
  legacyPeriod: string | null;
  rowNo: number | null;
  tanggal: string | null;
  media: string | null;
  openReview: { code: string; text: string }[];
};
type List = { data: Item[]; total: number };

let hub: TestHub;
let ko: ReturnType<typeof apiClient>;
let koOther: ReturnType<typeof apiClient>;
let anomalies: { field: string }[] = [];

async function importSeed(token: string): Promise<{ field: string }[]> {
  const res = await fetch(`${hub.url}/api/v1/imports/legacy`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "text/plain",
      "x-file-name": "seed-2023.txt",
    },
    body: SEED,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { anomalies: { field: string }[] }).anomalies;
}

/** Imported cases of an office with an open review point, counted in the database. */
async function openInDb(instansi: string): Promise<string[]> {
  const rows = await hub.ctx.db.prisma.case.findMany({
    where: { instansi, channel: "legacy_import" },
    select: { id: true, legacyInfo: true },
  });
  return rows
    .filter((r) =>
      ((r.legacyInfo as { review?: { resolvedAt?: string }[] }).review ?? []).some(
        (p) => !p.resolvedAt,
      ),
    )
    .map((r) => r.id)
    .sort();
}

describe("imported cases work list", () => {
  beforeAll(async () => {
    hub = await startTestHub({ name: "imported-cases" });
    await resetDb(hub);
    const a = await userWithToken(hub, "ko.a", "koordinator");
    const b = await userWithToken(hub, "ko.b", "koordinator", undefined, OTHER);
    ko = apiClient(hub, a.token);
    koOther = apiClient(hub, b.token);
    anomalies = await importSeed(a.token);
    await importSeed(b.token);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it("lists open review points and unrecorded media of the office only", async () => {
    const all = await ko.get<List>("/api/v1/imports/legacy/cases");
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(43);
    const open = await ko.get<List>("/api/v1/imports/legacy/cases?reviewOpen=true");
    expect(open.status).toBe(200);
    const expected = await openInDb("6309-DINSOS");
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(43);
    expect(open.body.data.map((c) => c.id).sort()).toEqual(expected);
    expect(open.body.total).toBe(expected.length);
    expect(open.body.data.every((c) => c.openReview.length > 0)).toBe(true);
    expect(open.body.data.every((c) => /^2023-\d\d$/.test(c.legacyPeriod ?? ""))).toBe(true);
    expect(open.body.data.every((c) => typeof c.rowNo === "number")).toBe(true);
    // The other office imported the same file: none of its cases in this list, and back.
    const other = await koOther.get<List>("/api/v1/imports/legacy/cases?reviewOpen=true");
    expect(other.body.total).toBe(expected.length);
    const mine = new Set(all.body.data.map((c) => c.id));
    expect(other.body.data.some((c) => mine.has(c.id))).toBe(false);
    const unrecorded = await ko.get<List>("/api/v1/imports/legacy/cases?mediaUnrecorded=true");
    expect(unrecorded.body.total).toBe(43);
    const one = await ko.get<List>("/api/v1/imports/legacy/cases?mediaUnrecorded=true&limit=1");
    expect(one.body.data).toHaveLength(1);
    expect(one.body.total).toBe(43);
  });

  it("follows the PUTs: a checked row and a recorded medium leave their lists", async () => {
    const open = (await ko.get<List>("/api/v1/imports/legacy/cases?reviewOpen=true")).body;
    const first = open.data[0]!;
    const resolved = await ko.put<{ updated: number }>("/api/v1/imports/legacy/review", {
      caseIds: [first.id],
      note: "Dicek dengan buku register",
    });
    expect(resolved.body.updated).toBe(1);
    const after = (await ko.get<List>("/api/v1/imports/legacy/cases?reviewOpen=true")).body;
    expect(after.total).toBe(open.total - 1);
    expect(after.data.map((c) => c.id)).not.toContain(first.id);
    const set = await ko.put<{ updated: number }>("/api/v1/imports/legacy/media", {
      caseIds: [first.id],
      media: "datang_langsung",
    });
    expect(set.body.updated).toBe(1);
    const unrec = (await ko.get<List>("/api/v1/imports/legacy/cases?mediaUnrecorded=true")).body;
    expect(unrec.total).toBe(42);
    expect(unrec.data.map((c) => c.id)).not.toContain(first.id);
    const both = await ko.get<List>(
      "/api/v1/imports/legacy/cases?reviewOpen=true&mediaUnrecorded=true",
    );
    expect(both.body.total).toBe(after.total);
    // The other office is untouched.
    const other = await koOther.get<List>("/api/v1/imports/legacy/cases?mediaUnrecorded=true");
    expect(other.body.total).toBe(43);
    const otherOpen = await koOther.get<List>("/api/v1/imports/legacy/cases?reviewOpen=true");
    expect(otherOpen.body.total).toBe(open.total);
  });

  it("every field the seed's report names has a label for staff", () => {
    expect(anomalies.length).toBeGreaterThan(5);
    const unlabelled = anomalies.filter((a) => !Object.hasOwn(IMPORT_FIELD_LABELS, a.field));
    expect(unlabelled).toEqual([]);
    const codes = new Set(anomalies.map((a) => a.field).filter((f) => f !== "-"));
    expect(codes.size).toBeGreaterThan(2);
  });

  it("refuses roles that may not resolve imported rows, and bad queries", async () => {
    const fo = await userWithToken(hub, "fo.a", "front_office");
    expect((await apiClient(hub, fo.token).get("/api/v1/imports/legacy/cases")).status).toBe(200);
    const pen = await userWithToken(hub, "pen.a", "penelaah", "LINJAMSOS");
    const denied = await apiClient(hub, pen.token).get<{ code: string }>(
      "/api/v1/imports/legacy/cases",
    );
    expect(denied.status).toBe(403);
    const kadis = await userWithToken(hub, "kd.a", "kadis");
    expect((await apiClient(hub, kadis.token).get("/api/v1/imports/legacy/cases")).status).toBe(
      403,
    );
    const bad = await ko.get<{ code: string }>("/api/v1/imports/legacy/cases?limit=0");
    expect(bad.status).toBe(400);
    const unknown = await ko.get<{ code: string }>("/api/v1/imports/legacy/cases?review=open");
    expect(unknown.status).toBe(400);
  });
});
