import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRekapSandbox,
  type RekapSandbox,
  type RunningRekapSandbox,
} from "../../../adapters/rekap/sandbox/rekap-sandbox.js";
import { verifyRekapSignature } from "../../../adapters/rekap/rekap.signature.js";
import { JENIS } from "../../../src/domain/jenis.js";
import { MEDIA_LABELS } from "../../../src/services/annual-counts.service.js";
import { recapMonthlyJob } from "../../../src/jobs/recap-monthly.job.js";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { deliverRekap, importSeed, seedRows } from "./helpers.js";

const KEY = "kunci-sandbox-rekap";
const INSTANSI = "6309-DINSOS";

/** Every string value anywhere in a JSON value. */
function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === "object") return Object.values(v).flatMap(strings);
  return [];
}

describe("recap push to the sandbox intake on loopback", () => {
  let sandbox: RekapSandbox;
  let running: RunningRekapSandbox;
  let hub: TestHub;
  let token: string;
  let now = new Date("2023-02-01T02:00:00+08:00");

  beforeAll(async () => {
    sandbox = createRekapSandbox({ keys: { [INSTANSI]: KEY } });
    running = await sandbox.start();
    hub = await startTestHub({
      name: "recap",
      clock: () => now,
      env: {
        REKAP_TARGETS: JSON.stringify([
          { name: "provinsi", baseUrl: running.url, key: KEY, instansiKode: INSTANSI },
          {
            name: "salah-kunci",
            baseUrl: running.url,
            key: "kunci-yang-salah",
            instansiKode: INSTANSI,
          },
        ]),
      },
    });
    await resetDb(hub);
    await importSeed(hub.ctx);
    // A rahasia case with identity and free text in January: it must be counted, never sent.
    const c = await hub.ctx.db.prisma.case.create({
      data: {
        number: "ADU-2023-900001",
        channel: "whatsapp",
        externalId: "rahasia-1",
        keperluan: "Laporan rahasia penyalahgunaan BPNT oleh oknum",
        jenis: "BPNT",
        status: "didisposisi",
        rahasia: true,
        receivedAt: new Date("2023-01-30T10:00:00+08:00"),
        historicalNarasi: "Identitas pelapor Zainal Arifin dirahasiakan",
      },
    });
    await hub.ctx.db.prisma.party.create({
      data: { caseId: c.id, role: "pelapor", name: "Zainal Arifin", phoneE164: "+6281377778888" },
    });
    ({ token } = await userWithToken(hub, "kadis-r", "kadis"));
  });
  afterAll(async () => {
    await hub?.close();
    await running?.close();
  });

  it("pushes counts only, signed, with Idempotency-Key; the receipt is stored and shown", async () => {
    const api = apiClient(hub, token);
    const res = await api.post<{ items: Record<string, unknown>[] }>("/api/v1/recap/push", {
      periode: "2023-01",
      target: "provinsi",
    });
    expect(res.status).toBe(202);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        target: "provinsi",
        periode: "2023-01",
        revision: 1,
        idempotencyKey: `${INSTANSI}:2023-01:1`,
        action: "queued",
      }),
    ]);
    const outcomes = await deliverRekap(hub.ctx);
    expect(outcomes.map((o) => o.status)).toEqual(["sent"]);

    const got = sandbox.requests.at(-1)!;
    expect(got.status).toBe(201);
    expect(got.idempotencyKey).toBe(`${INSTANSI}:2023-01:1`);
    // the receiver checked the signature; check it here as well over the bytes it got
    const { signRekap } = await import("../../../adapters/rekap/rekap.signature.js");
    expect(verifyRekapSignature(KEY, Buffer.from(got.rawBody), signRekap(KEY, got.rawBody))).toBe(
      true,
    );
    const body = JSON.parse(got.rawBody) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      [
        "dibuat_pada",
        "instansi_kode",
        "per_jenis",
        "per_media",
        "per_status",
        "periode",
        "revision",
        "total",
        "waktu_penyelesaian",
      ].sort(),
    );
    // The 14 rows of the seed's January sheet (two of them dated April, counted in the
    // sheet's month like the monthly report lists them) + the rahasia case
    expect(body.total).toBe(15);
    expect(body.per_status).toEqual({
      selesai: 14,
      dalam_proses: 1,
      tidak_dapat_ditindaklanjuti: 0,
    });
    expect(body.dibuat_pada).toBe(now.toISOString());
    // Counts only: every string is an identifier or one of the fixed labels…
    const labels = new Set<string>([
      ...JENIS.flatMap((j) => [j.code, j.label]),
      ...Object.values(MEDIA_LABELS),
      INSTANSI,
      "2023-01",
      now.toISOString(),
    ]);
    const maxLabel = Math.max(...[...labels].map((l) => l.length));
    for (const s of strings(body)) {
      expect(labels.has(s), s).toBe(true);
      expect(s.length).toBeLessThanOrEqual(maxLabel);
    }
    // …and nothing of any case, rahasia or not, appears in the raw bytes.
    const needles = [
      "Zainal",
      "81377778888",
      "penyalahgunaan",
      ...seedRows().flatMap((r) => [
        r.nama,
        ...r.phones.map((p) => p.slice(-8)),
        r.keperluan.slice(0, 20),
      ]),
    ];
    for (const n of needles) expect(got.rawBody.includes(n), n).toBe(false);

    const receipts = await api.get<{ items: Record<string, unknown>[] }>(
      "/api/v1/recap/receipts?periode=2023-01",
    );
    expect(receipts.status).toBe(200);
    expect(receipts.body.items).toEqual([
      expect.objectContaining({
        target: "provinsi",
        revision: 1,
        status: "accepted",
        receiptId: sandbox.current.get(`${INSTANSI}:2023-01`)!.receiptId,
      }),
    ]);
  });

  it("an identical resend keeps revision, key and bytes; the intake replays the first receipt", async () => {
    now = new Date("2023-02-02T02:00:00+08:00");
    ({ token } = await userWithToken(hub, "kadis-r2", "kadis"));
    const api = apiClient(hub, token);
    const first = sandbox.requests.at(-1)!;
    const res = await api.post<{ items: Record<string, unknown>[] }>("/api/v1/recap/push", {
      periode: "2023-01",
      target: "provinsi",
    });
    expect(res.body.items[0]).toMatchObject({ revision: 1, action: "resend" });
    // pushing again before it was sent does not queue a third copy
    const again = await api.post<{ items: Record<string, unknown>[] }>("/api/v1/recap/push", {
      periode: "2023-01",
      target: "provinsi",
    });
    expect(again.body.items[0]).toMatchObject({ revision: 1, action: "pending" });
    expect(await deliverRekap(hub.ctx)).toEqual([expect.objectContaining({ status: "sent" })]);
    const replay = sandbox.requests.at(-1)!;
    expect(replay.status).toBe(200);
    expect(replay.idempotencyKey).toBe(first.idempotencyKey);
    expect(replay.rawBody).toBe(first.rawBody);
    const rows = await hub.ctx.db.prisma.recapReceipt.findMany({ where: { periode: "2023-01" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ revision: 1, status: "accepted" });
  });

  it("changed data → revision 2 replaces the recap at the intake", async () => {
    await hub.ctx.db.prisma.case.updateMany({
      where: { number: "ADU-2023-900001" },
      data: { status: "selesai", closedAt: new Date("2023-02-03T10:00:00+08:00") },
    });
    const res = await apiClient(hub, token).post<{ items: Record<string, unknown>[] }>(
      "/api/v1/recap/push",
      { periode: "2023-01", target: "provinsi" },
    );
    expect(res.body.items[0]).toMatchObject({
      revision: 2,
      idempotencyKey: `${INSTANSI}:2023-01:2`,
      action: "queued",
    });
    await deliverRekap(hub.ctx);
    const cur = sandbox.current.get(`${INSTANSI}:2023-01`)!;
    expect(cur.body.revision).toBe(2);
    expect(cur.body.per_status.selesai).toBe(15);
    const receipts = await hub.ctx.db.prisma.recapReceipt.findMany({
      where: { periode: "2023-01", target: "provinsi" },
      orderBy: { revision: "asc" },
    });
    expect(receipts.map((r) => [r.revision, r.status])).toEqual([
      [1, "accepted"],
      [2, "accepted"],
    ]);
  });

  it("429 and 503 are retried; a wrong key is dead with an alert", async () => {
    await hub.ctx.db.prisma.case.updateMany({
      where: { number: "ADU-2023-900001" },
      data: { jenis: "LAIN_LAIN" },
    });
    await apiClient(hub, token).post("/api/v1/recap/push", {
      periode: "2023-01",
      target: "provinsi",
    });
    sandbox.setFaults({ rateLimitNext: 1, fail503Next: 1, retryAfterSeconds: 2 });
    const o1 = await deliverRekap(hub.ctx);
    expect(o1[0]).toMatchObject({ status: "retry", retryAfterMs: 2000 });
    const o2 = await deliverRekap(hub.ctx);
    expect(o2[0]).toMatchObject({ status: "retry" });
    const o3 = await deliverRekap(hub.ctx);
    expect(o3[0]).toMatchObject({ status: "sent" });
    expect(sandbox.current.get(`${INSTANSI}:2023-01`)!.body.revision).toBe(3);

    await apiClient(hub, token).post("/api/v1/recap/push", {
      periode: "2023-01",
      target: "salah-kunci",
    });
    const o4 = await deliverRekap(hub.ctx);
    expect(o4[0]).toMatchObject({ status: "dead" });
    const alerts = await hub.ctx.db.prisma.alert.findMany({
      where: { kind: "rekap.unauthorized" },
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.message).not.toMatch(KEY);
  });

  it("the monthly job pushes the previous month; roles and bad input are refused", async () => {
    now = new Date("2023-03-01T02:00:00+08:00");
    ({ token } = await userWithToken(hub, "kadis-r3", "kadis"));
    const result = await recapMonthlyJob.handler(hub.ctx, {});
    expect(result).toMatchObject({
      periode: "2023-02",
      pushes: [
        { target: "provinsi", revision: 1, action: "queued" },
        { target: "salah-kunci", revision: 1, action: "queued" },
      ],
    });
    expect(recapMonthlyJob.schedule(hub.ctx)).toBe("0 2 1 * *");
    const fo = await userWithToken(hub, "loket-r", "front_office");
    expect(
      (await apiClient(hub, fo.token).post("/api/v1/recap/push", { periode: "2023-01" })).status,
    ).toBe(403);
    expect((await apiClient(hub, fo.token).get("/api/v1/recap/receipts")).status).toBe(403);
    const bad = await apiClient(hub, token).post<{ code: string }>("/api/v1/recap/push", {
      periode: "2023-13",
    });
    expect(bad.status).toBe(400);
    const unknown = await apiClient(hub, token).post<{ code: string; allowed: string[] }>(
      "/api/v1/recap/push",
      { periode: "2023-01", target: "nasional" },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.allowed).toEqual(["provinsi", "salah-kunci"]);
    // personal data never reached the logs
    expect(hub.logs.text()).not.toContain("Zainal");
  });
});
