// The recap per office: each REKAP_TARGETS entry names the office it receives
// (instansiKode). Its recap counts that office's cases only; staff push only their own
// office's targets; the monthly job pushes every target with its own office's counts.
// Before, every target got the default office's counts, whatever office it named.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRekapSandbox,
  type RekapSandbox,
  type RunningRekapSandbox,
} from "../../../adapters/rekap/sandbox/rekap-sandbox.js";
import { enqueueRecapPush } from "../../../src/services/recap.service.js";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { deliverRekap } from "./helpers.js";

const A = "6309-DINSOS";
const B = "6311-DINSOS";
const C = "6310-DINSOS"; // an office with no recap target
const KEYS = { [A]: "kunci-rekap-tabalong", [B]: "kunci-rekap-balangan" };
const PERIODE = "2026-10";

type Recap = {
  instansi_kode: string;
  total: number;
  per_jenis: { kode: string; jumlah: number }[];
  per_status: Record<string, number>;
};
type Plans = { items: { target: string; action: string }[] };

describe("recap per office", () => {
  let sandbox: RekapSandbox;
  let running: RunningRekapSandbox;
  let hub: TestHub;

  beforeAll(async () => {
    sandbox = createRekapSandbox({ keys: KEYS });
    running = await sandbox.start();
    hub = await startTestHub({
      name: "recap-offices",
      clock: () => new Date("2026-11-02T09:00:00+08:00"),
      env: {
        REKAP_TARGETS: JSON.stringify([
          { name: "prov-tabalong", baseUrl: running.url, key: KEYS[A], instansiKode: A },
          { name: "prov-balangan", baseUrl: running.url, key: KEYS[B], instansiKode: B },
        ]),
      },
    });
    await resetDb(hub);
    // October 2026: office A has 3 cases (2 PKH, 1 BPNT closed), office B 2 (KKS), C 1.
    const kase = (n: number, instansi: string, jenis: string, status = "didisposisi") => ({
      instansi,
      number: `ADU-2026-8${n}`,
      channel: "datang_langsung",
      externalId: `rekap-kantor-${n}`,
      keperluan: "uji rekap per kantor",
      jenis,
      status,
      receivedAt: new Date(`2026-10-${10 + n}T10:00:00+08:00`),
      ...(status === "selesai" ? { closedAt: new Date(`2026-10-${12 + n}T10:00:00+08:00`) } : {}),
    });
    await hub.ctx.db.prisma.case.createMany({
      data: [
        kase(1, A, "PKH"),
        kase(2, A, "PKH"),
        kase(3, A, "BPNT", "selesai"),
        kase(4, B, "KKS"),
        kase(5, B, "KKS"),
        kase(6, C, "PBI"),
      ],
    });
  });
  afterAll(async () => {
    await hub?.close();
    await running?.close();
  });

  const received = (): Recap[] =>
    sandbox.requests.filter((r) => r.status === 201).map((r) => JSON.parse(r.rawBody) as Recap);

  it("a koordinator of office B pushes B's target with B's counts only", async () => {
    const ko = apiClient(
      hub,
      (await userWithToken(hub, "ko-b", "koordinator", undefined, B)).token,
    );
    const res = await ko.post<Plans>("/api/v1/recap/push", { periode: PERIODE });
    expect(res.status).toBe(202);
    expect(res.body.items.map((p) => p.target)).toEqual(["prov-balangan"]);
    expect((await deliverRekap(hub.ctx)).map((o) => o.status)).toEqual(["sent"]);
    const [recap] = received();
    expect(recap).toMatchObject({ instansi_kode: B, total: 2 });
    expect(recap!.per_jenis.filter((j) => j.jumlah > 0)).toEqual([
      expect.objectContaining({ kode: "KKS", jumlah: 2 }),
    ]);
  });

  it("another office's target, or an office with none, is refused and nothing is queued", async () => {
    const before = await hub.ctx.db.prisma.outbox.count();
    const koB = apiClient(
      hub,
      (await userWithToken(hub, "ko-b2", "koordinator", undefined, B)).token,
    );
    const foreign = await koB.post<{ code: string }>("/api/v1/recap/push", {
      periode: PERIODE,
      target: "prov-tabalong",
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe("RECAP_OTHER_OFFICE");
    const unknown = await koB.post<{ code: string; allowed: string[] }>("/api/v1/recap/push", {
      periode: PERIODE,
      target: "tidak-ada",
    });
    expect(unknown.status).toBe(404);
    // Only the caller's own targets are named as the allowed ones.
    expect(unknown.body.allowed).toEqual(["prov-balangan"]);
    const koC = apiClient(
      hub,
      (await userWithToken(hub, "ko-c", "koordinator", undefined, C)).token,
    );
    const none = await koC.post<{ code: string }>("/api/v1/recap/push", { periode: PERIODE });
    expect(none.status).toBe(403);
    expect(none.body.code).toBe("RECAP_OTHER_OFFICE");
    expect(await hub.ctx.db.prisma.outbox.count()).toBe(before);
  });

  it("the job (no office) pushes every target, each with its own office's counts", async () => {
    const sent = received().length;
    const plans = await enqueueRecapPush(hub.ctx, { periode: PERIODE, actor: null });
    // B's recap is unchanged since its push: resent as it was; A's is new.
    expect(plans.map((p) => [p.target, p.action])).toEqual([
      ["prov-tabalong", "queued"],
      ["prov-balangan", "resend"],
    ]);
    expect((await deliverRekap(hub.ctx)).map((o) => o.status)).toEqual(["sent", "sent"]);
    const body = JSON.parse(sandbox.current.get(`${A}:${PERIODE}`)!.rawBody) as Recap;
    expect(body).toMatchObject({ instansi_kode: A, total: 3 });
    expect(
      Object.fromEntries(body.per_jenis.filter((j) => j.jumlah > 0).map((j) => [j.kode, j.jumlah])),
    ).toEqual({ PKH: 2, BPNT: 1 });
    expect(body.per_status).toMatchObject({ selesai: 1, dalam_proses: 2 });
    expect(
      received()
        .slice(sent)
        .map((r) => [r.instansi_kode, r.total]),
    ).toEqual([[A, 3]]);
    // Office C's case is in no recap: the totals are A's 3 and B's 2.
    expect(JSON.parse(sandbox.current.get(`${B}:${PERIODE}`)!.rawBody)).toMatchObject({ total: 2 });
  });

  it("each office reads the receipts and outbox entries of its own targets only", async () => {
    type Receipts = { items: { target: string; status: string }[] };
    type Outbox = { data: { target: string; kind: string }[] };
    for (const [office, user, target] of [
      [A, "ko-a-rcp", "prov-tabalong"],
      [B, "ko-b-rcp", "prov-balangan"],
    ] as const) {
      const ko = apiClient(
        hub,
        (await userWithToken(hub, user, "koordinator", undefined, office)).token,
      );
      const r = await ko.get<Receipts>(`/api/v1/recap/receipts?periode=${PERIODE}`);
      expect(r.status).toBe(200);
      expect(new Set(r.body.items.map((i) => i.target))).toEqual(new Set([target]));
      const admin = apiClient(
        hub,
        (await userWithToken(hub, `${user}-adm`, "admin", undefined, office)).token,
      );
      const o = await admin.get<Outbox>("/api/v1/outbox");
      expect(o.status).toBe(200);
      const recaps = o.body.data.filter((e) => e.kind === "rekap.push");
      expect(recaps.length).toBeGreaterThan(0);
      expect(new Set(recaps.map((e) => e.target))).toEqual(new Set([target]));
    }
    const koC = apiClient(
      hub,
      (await userWithToken(hub, "ko-c-rcp", "koordinator", undefined, C)).token,
    );
    const none = await koC.get<Receipts>(`/api/v1/recap/receipts?periode=${PERIODE}`);
    expect(none.body.items).toEqual([]);
  });

  it("a recap the job queues is on its own office's processing record", async () => {
    // B gets one more October case: its recap changes, the job queues revision 2 (no actor).
    await hub.ctx.db.prisma.case.create({
      data: {
        instansi: B,
        number: "ADU-2026-87",
        channel: "datang_langsung",
        externalId: "rekap-kantor-7",
        keperluan: "uji rekap per kantor",
        jenis: "KKS",
        status: "didisposisi",
        receivedAt: new Date("2026-10-20T10:00:00+08:00"),
      },
    });
    const plans = await enqueueRecapPush(hub.ctx, { periode: PERIODE, actor: null });
    expect(plans.map((p) => [p.target, p.action, p.revision])).toEqual([
      ["prov-tabalong", "resend", 1],
      ["prov-balangan", "queued", 2],
    ]);
    const trail = await hub.ctx.db.prisma.auditLog.findMany({
      where: { action: "recap.push.enqueue" },
      orderBy: { id: "asc" },
    });
    expect(
      trail.map((t) => {
        const d = t.data as { target: string; revision: number };
        return [d.target, d.revision, t.actorName, t.instansi];
      }),
    ).toEqual([
      ["prov-balangan", 1, "ko-b", B],
      ["prov-tabalong", 1, "system", A],
      ["prov-balangan", 2, "system", B],
    ]);
  });
});
