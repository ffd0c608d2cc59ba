import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiClient, resetDb, userWithToken } from "../../helpers/test-hub.js";
import { count, startHarness, type Harness } from "./lapor-harness.js";
import { LaporClient } from "../../../adapters/lapor/lapor.client.js";
import { FAST_RETRY } from "./lapor-harness.js";

const CSV = [
  "No. Tracking;Tanggal Masuk;Kategori;Isi Laporan;Status;Instansi Terdisposisi",
  "55501234;05/03/2024 09:15;Bantuan Sosial;Saya belum menerima BPNT bulan ini, mohon dicek;Terdisposisi;Dinas Sosial Kabupaten Tabalong",
  '55501235;2024-03-06;Kesehatan;"PBI JK saya nonaktif; mohon diaktifkan";Ditindaklanjuti;Dinas Sosial Kabupaten Tabalong',
  "55501236;bukan tanggal;Lainnya;Isi laporan;Terdisposisi;Dinas Sosial",
  "55501237;06/03/2024;Lainnya;Isi laporan dengan status aneh;Dibekukan;Dinas Sosial",
].join("\n");

describe("issue 4 API: channel health, dead letters, outbox, LAPOR! export import", () => {
  let h: Harness;
  let admin: ReturnType<typeof apiClient>;
  let fo: ReturnType<typeof apiClient>;
  beforeAll(async () => {
    h = await startHarness({ name: "sync-api", count: 40 });
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    await resetDb(h.hub);
    h.faults({});
    admin = apiClient(h.hub, (await userWithToken(h.hub, "admin1", "admin")).token);
    fo = apiClient(h.hub, (await userWithToken(h.hub, "fo1", "front_office")).token);
  });

  it("channel health shows a dead token in plain Bahasa Indonesia to any staff", async () => {
    await h.sync();
    let r = await fo.get<{
      data: { stream: string; healthy: boolean; lagSeconds: number; lastError: string | null }[];
    }>("/api/v1/channels/health");
    expect(r.status).toBe(200);
    const lapor = () => r.body.data.find((d) => d.stream === "lapor")!;
    expect(lapor()).toMatchObject({ healthy: true, lastError: null });
    expect(lapor().lagSeconds).toBeGreaterThanOrEqual(0);
    await h.sync({
      client: new LaporClient({ baseUrl: h.running.url, token: "salah", retryPolicy: FAST_RETRY }),
    });
    r = await fo.get("/api/v1/channels/health");
    expect(lapor()).toMatchObject({
      healthy: false,
      lastError: "Token LAPOR! ditolak (401): perbarui LAPOR_TOKEN",
      openAlerts: 1,
    });
  });

  it("dead letters are admin-only and replayable over the API", async () => {
    h.faults({ badItemEvery: 8 });
    await h.sync();
    expect((await fo.get("/api/v1/dead-letters")).status).toBe(403);
    const list = await admin.get<{ data: { id: string; errorClass: string }[] }>(
      "/api/v1/dead-letters?status=open",
    );
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(5);
    h.faults({});
    const q = list.body.data.find((d) => d.errorClass === "quarantine")!;
    const one = await admin.post(`/api/v1/dead-letters/${q.id}/replay`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ result: "replayed" });
    expect((await admin.post(`/api/v1/dead-letters/${q.id}/replay`)).status).toBe(409);
    const all = await admin.post<{ data: { result: string }[] }>("/api/v1/dead-letters/replay-all");
    expect(all.status).toBe(200);
    // 40 reports, every 8th broken: 3 without tracking_id (cannot be refetched), 2 quarantined.
    expect(all.body.data.filter((o) => o.result === "replayed")).toHaveLength(1);
    expect(all.body.data.filter((o) => o.result === "failed")).toHaveLength(3);
  });

  it("the outbox list is for admin and koordinator", async () => {
    expect((await fo.get("/api/v1/outbox")).status).toBe(403);
    const r = await admin.get<{ data: unknown[] }>("/api/v1/outbox?status=pending");
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual([]);
  });

  it("imports the admin export (lenient columns) through the same upsert, deduped by tracking id", async () => {
    const token = (await userWithToken(h.hub, "koor", "koordinator")).token;
    const send = () =>
      fetch(`${h.hub.url}/api/v1/imports/lapor-export`, {
        method: "POST",
        headers: {
          "content-type": "text/csv",
          authorization: `Bearer ${token}`,
          "x-file-name": "ekspor.csv",
        },
        body: CSV,
      });
    const r1 = await send();
    const b1 = (await r1.json()) as Record<string, unknown>;
    expect(r1.status, JSON.stringify(b1)).toBe(200);
    expect(b1).toMatchObject({ rows: 4, created: 2, failed: 2 });
    const r2 = await send();
    expect(await r2.json()).toMatchObject({ rows: 4, created: 0, unchanged: 2, failed: 2 });
    expect(await count(h, "Case", `"externalId" IN ('55501234','55501235')`)).toBe(2);
    expect(await count(h, "DeadLetter", `status = 'open'`)).toBe(2);
    const c = await h.hub.ctx.db.prisma.case.findFirstOrThrow({
      where: { externalId: "55501235" },
    });
    expect(c).toMatchObject({
      status: "ditindaklanjuti",
      kategori: "Kesehatan",
      keperluan: "PBI JK saya nonaktif; mohon diaktifkan",
    });
    expect(await count(h, "Party", `"caseId" = '${c.id}'`)).toBe(0);
    const bad = await fetch(`${h.hub.url}/api/v1/imports/lapor-export`, {
      method: "POST",
      headers: { "content-type": "text/csv", authorization: `Bearer ${token}` },
      body: "a,b,c\n1,2,3\n",
    });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ code: "EXPORT_COLUMNS_MISSING" });
  });
});
