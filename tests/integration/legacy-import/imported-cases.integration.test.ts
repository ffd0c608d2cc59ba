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
type List = {
  data: Item[];
  total: number;
  nextCursor: string | null;
  periods: { period: string | null; count: number }[];
};

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

  /** Every page of a query, following nextCursor; the total of each page too. */
  async function allPages(query: string, limit: number) {
    const items: Item[] = [];
    const totals: number[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`;
      const r = await ko.get<List>(`/api/v1/imports/legacy/cases?${qs}`);
      expect(r.status, qs).toBe(200);
      expect(r.body.data.length).toBeLessThanOrEqual(limit);
      items.push(...r.body.data);
      totals.push(r.body.total);
      cursor = r.body.nextCursor;
      expect(totals.length).toBeLessThan(100);
    } while (cursor);
    return { items, totals };
  }

  /** Sheet then row, cases with none last: the order staff compare with the paper log. */
  function expectSheetOrder(items: Item[]) {
    const key = (c: Item) => [c.legacyPeriod ?? "~", c.rowNo ?? Number.MAX_SAFE_INTEGER] as const;
    for (let i = 1; i < items.length; i++) {
      const [p0, r0] = key(items[i - 1]!);
      const [p1, r1] = key(items[i]!);
      expect(
        p0 < p1 || (p0 === p1 && r0 <= r1),
        `${items[i - 1]!.number} ${items[i]!.number}`,
      ).toBe(true);
    }
  }

  it("pages through every match once, in sheet and row order, whole or one sheet at a time", async () => {
    const whole = await ko.get<List>("/api/v1/imports/legacy/cases?limit=500");
    expect(whole.body.nextCursor).toBeNull();
    const ids = await hub.ctx.db.prisma.case.findMany({
      where: { instansi: "6309-DINSOS", channel: "legacy_import" },
      select: { id: true },
    });
    expect(whole.body.data.map((c) => c.id).sort()).toEqual(ids.map((c) => c.id).sort());
    // Sheets: each with its count, together all the matches; each count is that sheet's total.
    const periods = whole.body.periods;
    expect(periods.length).toBeGreaterThan(3);
    expect(periods.reduce((n, p) => n + p.count, 0)).toBe(whole.body.total);
    expect(periods.map((p) => p.period)).toEqual(periods.map((p) => p.period).sort());

    for (const limit of [1, 5, 42, 43]) {
      const { items, totals } = await allPages("", limit);
      expect(items.map((c) => c.id)).toEqual(whole.body.data.map((c) => c.id));
      expect(new Set(totals)).toEqual(new Set([whole.body.total]));
      expect(totals).toHaveLength(Math.ceil(whole.body.total / limit));
    }
    expectSheetOrder(whole.body.data);

    for (const { period, count } of periods) {
      const { items, totals } = await allPages(`period=${period}`, 3);
      expect(items).toHaveLength(count);
      expect(items.every((c) => c.legacyPeriod === period)).toBe(true);
      expect(new Set(totals)).toEqual(new Set([count]));
    }
    // The sheet filter keeps the other filters, and the sheets follow them.
    const open = await ko.get<List>("/api/v1/imports/legacy/cases?reviewOpen=true&limit=500");
    const openSheet = open.body.periods[0]!;
    const oneSheet = await ko.get<List>(
      `/api/v1/imports/legacy/cases?reviewOpen=true&period=${openSheet.period}`,
    );
    expect(oneSheet.body.total).toBe(openSheet.count);
    expect(oneSheet.body.data.every((c) => c.openReview.length > 0)).toBe(true);
    expect(open.body.periods.reduce((n, p) => n + p.count, 0)).toBe(open.body.total);
    // The other office's sheets are its own.
    const other = await koOther.get<List>("/api/v1/imports/legacy/cases?limit=1");
    expect(other.body.periods).toEqual(periods);
  });

  it("keeps cases with no sheet or no row number, last, across pages", async () => {
    const whole = (await ko.get<List>("/api/v1/imports/legacy/cases?limit=500")).body;
    const [a, b, c] = [whole.data[0]!, whole.data[1]!, whole.data[2]!];
    await hub.ctx.db.prisma.case.update({ where: { id: a.id }, data: { legacyPeriod: null } });
    for (const id of [b.id, c.id]) {
      const row = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id } });
      const { rowNo: _dropped, ...info } = row.legacyInfo as Record<string, unknown>;
      await hub.ctx.db.prisma.case.update({ where: { id }, data: { legacyInfo: info as object } });
    }
    const after = (await ko.get<List>("/api/v1/imports/legacy/cases?limit=500")).body;
    expect(after.total).toBe(whole.total);
    expect(after.data.at(-1)!.id).toBe(a.id);
    expect(after.periods.at(-1)).toEqual({ period: null, count: 1 });
    expectSheetOrder(after.data);
    for (const limit of [1, 2, 4]) {
      const { items } = await allPages("", limit);
      expect(items.map((x) => x.id)).toEqual(after.data.map((x) => x.id));
    }
  });

  it("refuses a cursor it did not write and a sheet that is not YYYY-MM", async () => {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const uuid = "0b7c4a52-2f53-4a53-9d5e-0d1f8f9f3c11";
    for (const cursor of [
      "%%%",
      enc({ period: "2023-01" }),
      enc(["2023-01", 1, "X-1", "not-a-uuid"]),
      enc(["2023-01", 1.5, "X-1", uuid]),
      enc(["2023-01", 2 ** 31, "X-1", uuid]),
      enc([2023, 1, "X-1", uuid]),
      enc(["2023-01", 1, "X-1", uuid, "extra"]),
    ]) {
      const r = await ko.get<{ code: string; fields: { field: string }[] }>(
        `/api/v1/imports/legacy/cases?cursor=${encodeURIComponent(cursor)}`,
      );
      expect(r.status, cursor).toBe(400);
      expect(r.body.code).toBe("CURSOR_INVALID");
      expect(r.body.fields[0]!.field).toBe("query.cursor");
    }
    for (const period of ["2023-13", "2023-1", "23-01", "2023-01-01"]) {
      const r = await ko.get<{ code: string; fields: { field: string }[] }>(
        `/api/v1/imports/legacy/cases?period=${period}`,
      );
      expect(r.status, period).toBe(400);
      expect(r.body.fields[0]!.field).toBe("query.period");
    }
  });
});
