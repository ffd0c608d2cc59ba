// issue 15 in the API: one search box (name with a space as a browser form encodes it, NIK,
// phone typed three ways, LAPOR! tracking id, case number) that says what matched; the
// inbox's total, counts that follow the filters, sort by arrival and unread marker; the
// intake's open-case check; the beranda.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";

type Summary = {
  id: string;
  number: string;
  status: string;
  pelaporName: string | null;
  matchedBy?: string[];
  unread?: boolean;
};
type Page = {
  data: Summary[];
  nextCursor: string | null;
  total: number;
  counts: { perStatus: Record<string, number>; overdue: number };
};

const NIK = "6309044507850003";
const NIK_RAHASIA = "6309041203900001";
let hub: TestHub;
let fo: ReturnType<typeof apiClient>;
let ko: ReturnType<typeof apiClient>;
let kd: ReturnType<typeof apiClient>;
let pe: ReturnType<typeof apiClient>;
const ids: Record<string, string> = {};
const numbers: Record<string, string> = {};

beforeAll(async () => {
  hub = await startTestHub({ name: "desk" });
  await resetDb(hub);
  fo = apiClient(hub, (await userWithToken(hub, "fo.desk", "front_office")).token);
  ko = apiClient(hub, (await userWithToken(hub, "ko.desk", "koordinator")).token);
  kd = apiClient(hub, (await userWithToken(hub, "kd.desk", "kadis")).token);
  pe = apiClient(hub, (await userWithToken(hub, "pe.desk", "penelaah", "LINJAMSOS")).token);
  const make = async (key: string, body: Record<string, unknown>) => {
    const r = await fo.post<{ id: string; number: string }>("/api/v1/cases", {
      channel: "datang_langsung",
      ...body,
    });
    expect(r.status).toBe(201);
    ids[key] = r.body.id;
    numbers[key] = r.body.number;
  };
  await make("siti", {
    pelapor: { name: "Siti Aisyah", phone: "0812-5123-4567", nik: NIK },
    keperluan: "Bantuan PKH belum cair sejak Maret",
  });
  await make("other", {
    pelapor: { name: "Ahmad Fauzi", phone: "081399887766" },
    keperluan: "Menanyakan bantuan sembako untuk Siti di desa",
  });
  await make("rahasia", {
    rahasia: true,
    pelapor: { name: "Siti Rahayu", phone: "081211112222", nik: NIK_RAHASIA },
    keperluan: "Pungutan liar pada penyaluran BPNT",
  });
  // A LAPOR! case as the sync stores it (tracking id = externalId).
  const lapor = await hub.ctx.db.prisma.case.create({
    data: {
      number: "ADU-2026-009999",
      channel: "lapor",
      externalId: "4412907",
      keperluan: "Laporan dari LAPOR! tentang KIS",
      receivedAt: new Date(Date.now() - 3 * 86_400_000),
    },
  });
  ids.lapor = lapor.id;
  numbers.lapor = lapor.number;
});
afterAll(async () => {
  await hub?.close();
});

const search = async (q: string, extra = "") => {
  const r = await fo.get<Page>(`/api/v1/cases?q=${q}${extra}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

describe("search", () => {
  it("accepts a name with a space as a form sends it (+) and as %20, words in any order", async () => {
    for (const q of [
      "Siti+Aisyah",
      "Siti%20Aisyah",
      "Aisyah+Siti",
      new URLSearchParams({ q: "siti aisyah" }).toString().slice(2),
    ]) {
      const page = await search(q);
      expect(
        page.data.map((d) => d.id),
        q,
      ).toEqual([ids.siti]);
      expect(page.data[0]!.matchedBy).toEqual(["nama"]);
      expect(page.total).toBeUndefined(); // asked for with counts=true only
    }
  });

  it("a word finds names and keperluan, and says which; a rahasia pelapor's name is not searchable", async () => {
    const page = await search("Siti");
    const by = Object.fromEntries(page.data.map((d) => [d.id, d.matchedBy]));
    expect(by[ids.siti!]).toEqual(["nama"]);
    expect(by[ids.other!]).toEqual(["keperluan"]);
    expect(by[ids.rahasia!]).toBeUndefined();
  });

  it("an exact NIK finds the case through its keyed hash (rahasia too, masked) and is audited", async () => {
    const before = await hub.ctx.db.prisma.auditLog.count({ where: { action: "case.search.nik" } });
    const page = await search(NIK);
    expect(page.data.map((d) => [d.id, d.matchedBy])).toEqual([[ids.siti, ["nik"]]]);
    const hidden = await search(NIK_RAHASIA);
    expect(hidden.data.map((d) => d.id)).toEqual([ids.rahasia]);
    expect(hidden.data[0]!.pelaporName).toBe("Identitas dirahasiakan");
    // A NIK that finds nothing is a question asked about a person too.
    const none = await search("6309044507850011");
    expect(none.data).toEqual([]);
    const rows = await hub.ctx.db.prisma.auditLog.findMany({
      where: { action: "case.search.nik" },
      orderBy: { id: "asc" },
    });
    expect(rows.length - before).toBe(3);
    expect(rows.at(-1)!.fields).toEqual(["nik"]);
    expect(JSON.stringify(rows.map((r) => [r.data, r.fields, r.purpose]))).not.toContain(NIK);
  });

  it("a phone however typed: 0812…, 0812-…, +62… (encoded) and with spaces", async () => {
    for (const q of [
      "081251234567",
      "0812-5123-4567",
      encodeURIComponent("+6281251234567"),
      "0812+5123+4567",
    ]) {
      const page = await search(q);
      expect(
        page.data.map((d) => [d.id, d.matchedBy]),
        q,
      ).toEqual([[ids.siti, ["telepon"]]]);
    }
  });

  it("a LAPOR! tracking id and a case number", async () => {
    const t = await search("4412907");
    expect(t.data.map((d) => [d.id, d.matchedBy])).toEqual([[ids.lapor, ["pelacakan"]]]);
    const n = await search(encodeURIComponent(numbers.other!));
    expect(n.data.map((d) => [d.id, d.matchedBy])).toEqual([[ids.other, ["nomor"]]]);
  });
});

describe("inbox", () => {
  it("page total and counts follow the filters; every status counted", async () => {
    const all = await fo.get<Page>("/api/v1/cases?limit=2&counts=true");
    expect(all.body.total).toBe(4);
    expect(all.body.data).toHaveLength(2);
    expect(all.body.counts.perStatus).toEqual({ diterima: 4 });
    const byChannel = await fo.get<Page>("/api/v1/cases?channel=lapor&counts=true");
    expect(byChannel.body.total).toBe(1);
    expect(byChannel.body.counts.perStatus).toEqual({ diterima: 1 });
    const byStatus = await fo.get<Page>("/api/v1/cases?status=selesai&counts=true");
    expect(byStatus.body.total).toBe(0);
    // The counts ignore the status filter: each status stays one click away.
    expect(byStatus.body.counts.perStatus).toEqual({ diterima: 4 });
    const q = await fo.get<Page>("/api/v1/cases?q=Siti&counts=true");
    expect(q.body.counts.perStatus).toEqual({ diterima: 2 });
  });

  it("sorts by arrival or by the received date, with a cursor for each", async () => {
    const arrival = await fo.get<Page>("/api/v1/cases?sort=arrival&limit=3");
    // The LAPOR! case arrived last but was received three days ago.
    expect(arrival.body.data[0]!.id).toBe(ids.lapor);
    const next = await fo.get<Page>(
      `/api/v1/cases?sort=arrival&limit=3&cursor=${arrival.body.nextCursor}`,
    );
    expect(next.body.data).toHaveLength(1);
    const seen = new Set([...arrival.body.data, ...next.body.data].map((d) => d.id));
    expect(seen.size).toBe(4);
    const received = await fo.get<Page>("/api/v1/cases?sort=received");
    expect(received.body.data.at(-1)!.id).toBe(ids.lapor);
  });

  it("unread per user: opening a case marks it read for that user only", async () => {
    const unread = (p: Page, id: string) => p.data.find((d) => d.id === id)!.unread;
    expect(unread((await fo.get<Page>("/api/v1/cases")).body, ids.other!)).toBe(true);
    expect((await fo.get(`/api/v1/cases/${ids.other}`)).status).toBe(200);
    expect(unread((await fo.get<Page>("/api/v1/cases")).body, ids.other!)).toBe(false);
    expect(unread((await ko.get<Page>("/api/v1/cases")).body, ids.other!)).toBe(true);
  });
});

describe("open-case check at intake", () => {
  it("finds the open cases of a NIK or a phone however typed, audits the NIK check", async () => {
    const byNik = await fo.post<{ data: { id: string; matchedBy: string[] }[] }>(
      "/api/v1/console/open-cases",
      { nik: NIK },
    );
    expect(byNik.status).toBe(200);
    expect(byNik.body.data.map((d) => [d.id, d.matchedBy])).toEqual([[ids.siti, ["nik"]]]);
    for (const phone of ["0812-5123-4567", "+62 812 5123 4567", "081251234567"]) {
      const r = await fo.post<{ data: { id: string }[] }>("/api/v1/console/open-cases", { phone });
      expect(
        r.body.data.map((d) => d.id),
        phone,
      ).toEqual([ids.siti]);
    }
    const none = await fo.post<{ data: unknown[] }>("/api/v1/console/open-cases", {
      phone: "081100000000",
    });
    expect(none.body.data).toEqual([]);
    const bad = await fo.post<{ code: string }>("/api/v1/console/open-cases", { nik: "123" });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe("NIK_INVALID");
    const empty = await fo.post<{ code: string }>("/api/v1/console/open-cases", {});
    expect(empty.status).toBe(400);
    // Only the roles that record intake.
    expect((await pe.post("/api/v1/console/open-cases", { nik: NIK })).status).toBe(403);
  });
});

describe("beranda", () => {
  it("counts the year's cases per status, jenis, bidang, channel and month for kadis and koordinator", async () => {
    const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
    for (const c of [kd, ko]) {
      const r = await c.get<{
        year: number;
        total: number;
        perStatus: Record<string, number>;
        perChannel: Record<string, number>;
        perBidang: Record<string, number>;
        perMonth: number[];
        overdueTotal: number;
        awaitingDecision: unknown[];
      }>(`/api/v1/console/dashboard?year=${year}`);
      expect(r.status).toBe(200);
      expect(r.body.year).toBe(year);
      expect(r.body.perStatus).toEqual({ diterima: 4 });
      expect(r.body.perChannel).toEqual({ datang_langsung: 3, lapor: 1 });
      expect(r.body.perBidang).toEqual({ "": 4 });
      expect(r.body.perMonth.reduce((a, b) => a + b, 0)).toBe(4);
      expect(r.body.total).toBe(4);
    }
    const empty = await kd.get<{ total: number }>(`/api/v1/console/dashboard?year=${year - 5}`);
    expect(empty.body.total).toBe(0);
    expect((await fo.get("/api/v1/console/dashboard")).status).toBe(403);
    expect((await pe.get("/api/v1/console/dashboard")).status).toBe(403);
  });
});

describe("another office", () => {
  it("finds nothing of this office by NIK, phone, name or tracking id; its beranda counts none", async () => {
    const other = apiClient(
      hub,
      (await userWithToken(hub, "fo.balangan", "front_office", undefined, "6311-DINSOS")).token,
    );
    const ko2 = apiClient(
      hub,
      (await userWithToken(hub, "ko.balangan", "koordinator", undefined, "6311-DINSOS")).token,
    );
    for (const q of [NIK, "081251234567", "Siti+Aisyah", "4412907", "Siti"]) {
      const r = await other.get<Page>(`/api/v1/cases?q=${q}&counts=true`);
      expect(r.status).toBe(200);
      expect(r.body.data, q).toEqual([]);
      expect(r.body.total, q).toBe(0);
    }
    const open = await other.post<{ data: unknown[] }>("/api/v1/console/open-cases", {
      nik: NIK,
      phone: "081251234567",
    });
    expect(open.body.data).toEqual([]);
    const dash = await ko2.get<{ total: number; overdueTotal: number }>(
      "/api/v1/console/dashboard",
    );
    expect(dash.body.total).toBe(0);
    expect(dash.body.overdueTotal).toBe(0);
  });
});
