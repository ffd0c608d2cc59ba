import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  LaporAuthError,
  LaporBadCursorError,
  LaporClient,
  LaporConflictError,
  LaporNotFoundError,
  LaporValidationError,
  type LaporRetryEvent,
} from "../../../../adapters/lapor/lapor.client.js";
import type { LaporanDto, LaporanItemResult } from "../../../../adapters/lapor/lapor.dto.js";
import { mapLaporan } from "../../../../adapters/lapor/lapor.mapper.js";
import {
  createLaporSandbox,
  type LaporSandbox,
  type RunningSandbox,
} from "../../../../adapters/lapor/sandbox/lapor-sandbox.js";
import type { RetryPolicy } from "../../../../src/sync/retry-policy.js";

const TOKEN = "sandbox-secret";
const FAST: RetryPolicy = { retries: 5, minTimeoutMs: 1, maxTimeoutMs: 5, factor: 2, jitter: true };

interface Harness {
  sandbox: LaporSandbox;
  running: RunningSandbox;
  events: LaporRetryEvent[];
  client: LaporClient;
}

const open: RunningSandbox[] = [];

async function harness(
  options: Parameters<typeof createLaporSandbox>[0] = {},
  policy: RetryPolicy = FAST,
): Promise<Harness> {
  const sandbox = createLaporSandbox({ seed: 42, count: 1000, token: TOKEN, ...options });
  const running = await sandbox.start(0);
  open.push(running);
  const events: LaporRetryEvent[] = [];
  const client = new LaporClient({
    baseUrl: running.url,
    token: options.token ?? TOKEN,
    timeoutMs: 5_000,
    retryPolicy: policy,
    onRetry: (event) => events.push(event),
  });
  return { sandbox, running, events, client };
}

/** What the sync engine does: page to the end, upsert by tracking id. */
async function syncAll(
  client: LaporClient,
  limit: number,
  updatedSince?: string,
): Promise<{ served: LaporanItemResult[]; byId: Map<string, LaporanDto>; pages: number }> {
  const served: LaporanItemResult[] = [];
  const byId = new Map<string, LaporanDto>();
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await client.listLaporan({
      limit,
      ...(cursor === null ? {} : { cursor }),
      ...(updatedSince === undefined ? {} : { updatedSince }),
    });
    pages++;
    for (const item of page.items) {
      served.push(item);
      if (item.ok) byId.set(item.value.tracking_id, item.value);
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  return { served, byId, pages };
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^127\.0\.0\.1(:\d+)?$/);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});
afterAll(() => {
  nock.enableNetConnect();
});

describe("LAPOR! sandbox through the real client", () => {
  it("pages 1,000 reports in (diperbarui_pada, tracking_id) order to a null cursor, no duplicates", async () => {
    const h = await harness();
    const { served, byId, pages } = await syncAll(h.client, 200);
    expect(pages).toBe(5);
    expect(served).toHaveLength(1000);
    expect(byId.size).toBe(1000);
    const keys = served.map((i) =>
      i.ok ? `${i.value.diperbarui_pada}|${i.value.tracking_id}` : "",
    );
    expect([...keys].sort()).toEqual(keys);
    // Every report maps, and the share of rahasia/anonim reports is realistic.
    const cases = [...byId.values()].map((d) => mapLaporan(d));
    expect(cases.every((c) => c.ok)).toBe(true);
    const rahasia = [...byId.values()].filter((d) => d.rahasia);
    expect(rahasia.length).toBeGreaterThan(40);
    expect(rahasia.every((d) => d.pelapor === null)).toBe(true);
    const anonim = [...byId.values()].filter((d) => d.anonim);
    expect(anonim.length).toBeGreaterThan(40);
    expect(anonim.every((d) => d.pelapor?.nama === null)).toBe(true);
    expect(new Set([...byId.values()].map((d) => d.sumber))).toEqual(
      new Set(["hallo_tabalong", "web", "android", "sms_1708"]),
    );
  });

  it("default limit is 50 and updated_since filters inclusively", async () => {
    const h = await harness();
    const first = await h.client.listLaporan();
    expect(first.items).toHaveLength(50);
    const all = await syncAll(h.client, 200);
    const middle = all.served[500];
    if (!middle?.ok) throw new Error("expected an item");
    const since = middle.value.diperbarui_pada;
    const tail = await syncAll(h.client, 200, since);
    const expected = all.served.filter((i) => i.ok && i.value.diperbarui_pada >= since).length;
    expect(tail.served).toHaveLength(expected);
    expect(tail.byId.has(middle.value.tracking_id)).toBe(true);
  });

  it("same seed → same first page; another seed → different data", async () => {
    const a = await harness();
    const b = await harness();
    const c = await harness({ seed: 43 });
    const strip = (items: readonly LaporanItemResult[]) =>
      JSON.stringify(
        items.map((i) =>
          i.ok ? { ...i.value, lampiran: i.value.lampiran?.map((l) => l.id) } : null,
        ),
      );
    const [pa, pb, pc] = await Promise.all([
      a.client.listLaporan(),
      b.client.listLaporan(),
      c.client.listLaporan(),
    ]);
    expect(strip(pa.items)).toBe(strip(pb.items));
    expect(pa.nextCursor).toBe(pb.nextCursor);
    expect(strip(pa.items)).not.toBe(strip(pc.items));
  });

  it("updateDuringSync: a report already served reappears on a later page; upsert keeps one", async () => {
    const h = await harness({ faults: { updateDuringSync: 2 } });
    const { served, byId } = await syncAll(h.client, 100);
    const [bumped] = h.sandbox.state.stats.bumped;
    expect(bumped).toBeDefined();
    const occurrences = served.filter((i) => i.ok && i.value.tracking_id === bumped);
    expect(occurrences).toHaveLength(2);
    expect(served).toHaveLength(1001);
    expect(byId.size).toBe(1000);
    // The later copy is the newer one, and it is what the upsert kept.
    const [older, newer] = occurrences.map((i) => (i.ok ? i.value : null));
    expect(newer && older && newer.diperbarui_pada > older.diperbarui_pada).toBe(true);
    expect(byId.get(bumped as string)?.diperbarui_pada).toBe(newer?.diperbarui_pada);
  });

  it("duplicateAcrossPages: last item of a page repeats at the start of the next; dedupe by id", async () => {
    const h = await harness({ faults: { duplicateAcrossPages: true } });
    const { served, byId, pages } = await syncAll(h.client, 100);
    expect(pages).toBe(10);
    expect(served).toHaveLength(1000 + 9);
    expect(byId.size).toBe(1000);
  });

  it("badItemEvery: broken items come back per item; the rest of the page survives", async () => {
    const h = await harness({ faults: { badItemEvery: 10 } });
    const { served, byId } = await syncAll(h.client, 200);
    const schemaFailures = served.filter((i) => !i.ok);
    expect(schemaFailures).toHaveLength(50);
    expect(
      schemaFailures.every((i) => !i.ok && i.issues.some((x) => x.path === "tracking_id")),
    ).toBe(true);
    const quarantined = [...byId.values()].map((d) => mapLaporan(d)).filter((r) => !r.ok);
    expect(quarantined).toHaveLength(50);
    expect(quarantined.every((r) => !r.ok && r.error.code === "LAPOR_STATUS_UNKNOWN")).toBe(true);
  });

  it("429 every 3rd request and a 503 burst: retried through to a complete sync", async () => {
    const h = await harness(
      { faults: { rateLimitEvery: 3, fail503Burst: 2 } },
      { ...FAST, retries: 5 },
    );
    // Retry-After: 1 is real seconds; keep the number of 429s small (limit 200 → 5 pages).
    const started = performance.now();
    const { byId } = await syncAll(h.client, 200);
    expect(byId.size).toBe(1000);
    expect(h.sandbox.state.stats.status503).toBe(2);
    expect(h.sandbox.state.stats.status429).toBeGreaterThanOrEqual(1);
    const rateLimited = h.events.filter((e) => e.errorCode === "LAPOR_RATE_LIMIT");
    expect(rateLimited.length).toBe(h.sandbox.state.stats.status429);
    expect(rateLimited.every((e) => e.decision === "retry" && e.delayMs >= 1000)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000 * rateLimited.length - 50);
    expect(
      h.events.filter((e) => e.errorCode === "LAPOR_TRANSIENT").map((e) => e.decision),
    ).toEqual(["retry", "retry"]);
  }, 30_000);

  it("faults can be changed at runtime over POST /__sandbox/faults", async () => {
    const h = await harness({}, { ...FAST, retries: 1 });
    const res = await fetch(`${h.running.url}/__sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fail503Burst: 5 }),
    });
    expect(res.status).toBe(200);
    await expect(h.client.listLaporan()).rejects.toMatchObject({ code: "LAPOR_TRANSIENT" });
    expect(h.events.map((e) => e.decision)).toEqual(["retry", "give_up"]);
    const bad = await fetch(`${h.running.url}/__sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fail503Burst: -1 }),
    });
    expect(bad.status).toBe(400);
  });

  it("a wrong token is 401, not retried", async () => {
    const h = await harness();
    const wrong = new LaporClient({ baseUrl: h.running.url, token: "wrong", retryPolicy: FAST });
    await expect(wrong.listLaporan()).rejects.toBeInstanceOf(LaporAuthError);
    expect(h.sandbox.state.stats.apiRequests).toBe(1);
  });

  it("a garbled cursor is 400 → LaporBadCursorError; bad limits are 400", async () => {
    const h = await harness();
    await expect(h.client.listLaporan({ cursor: "bm90LWEtY3Vyc29y" })).rejects.toBeInstanceOf(
      LaporBadCursorError,
    );
    await expect(h.client.listLaporan({ cursor: "%%%" })).rejects.toBeInstanceOf(
      LaporBadCursorError,
    );
    for (const limit of ["0", "201", "abc", "1.5"]) {
      const res = await fetch(`${h.running.url}/api/v1/laporan?limit=${limit}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(400);
    }
  });

  it("GET one report, 404 for an unknown one", async () => {
    const h = await harness();
    const [id] = h.sandbox.state.orderedTrackingIds();
    const one = await h.client.getLaporan(id as string);
    expect(one.ok && one.value.tracking_id).toBe(id);
    await expect(h.client.getLaporan("99999")).rejects.toBeInstanceOf(LaporNotFoundError);
  });

  it("POST tindak lanjut: 201, replay 200 with the same body, status and diperbarui_pada move", async () => {
    const h = await harness();
    const open = h.sandbox.state
      .orderedTrackingIds()
      .map((id) => h.sandbox.state.getReport(id))
      .find((r) => r?.status === "Terdisposisi");
    if (!open) throw new Error("seed has no Terdisposisi report");
    const body = {
      isi: "Sudah dicek pada SIKS-NG: data tidak padan capil, mohon bawa KK.",
      status: "Ditindaklanjuti",
    } as const;
    const first = await h.client.postTindakLanjut(open.tracking_id, body, "outbox-1");
    const replay = await h.client.postTindakLanjut(open.tracking_id, body, "outbox-1");
    expect(first.created).toBe(true);
    expect(replay).toEqual({ created: false, tindakLanjut: first.tindakLanjut });
    const after = await h.client.getLaporan(open.tracking_id);
    if (!after.ok) throw new Error("expected the report");
    expect(after.value.status).toBe("Ditindaklanjuti");
    expect(after.value.diperbarui_pada > open.diperbarui_pada).toBe(true);
    expect(after.value.tindak_lanjut?.filter((t) => t.id === first.tindakLanjut.id)).toHaveLength(
      1,
    );
    // It now sorts last: an incremental sync from the old position sees it again.
    expect(h.sandbox.state.orderedTrackingIds().at(-1)).toBe(open.tracking_id);

    await h.client.postTindakLanjut(open.tracking_id, { ...body, status: "Selesai" }, "outbox-2");
    await expect(
      h.client.postTindakLanjut(open.tracking_id, body, "outbox-3"),
    ).rejects.toBeInstanceOf(LaporConflictError);
    // A replay of the closing request still answers 200, not 409.
    await expect(
      h.client.postTindakLanjut(open.tracking_id, { ...body, status: "Selesai" }, "outbox-2"),
    ).resolves.toMatchObject({
      created: false,
    });
  });

  it("POST validation: isi too short/long or a bad status → 422 with the reason", async () => {
    const h = await harness();
    const [id] = h.sandbox.state
      .orderedTrackingIds()
      .filter((x) => h.sandbox.state.getReport(x)?.status === "Terdisposisi");
    const short = await h.client
      .postTindakLanjut(id as string, { isi: "terlalu pendek", status: "Selesai" }, "v1")
      .catch((e: unknown) => e);
    expect(short).toBeInstanceOf(LaporValidationError);
    expect(JSON.stringify((short as LaporValidationError).reason)).toContain("isi");
    await expect(
      h.client.postTindakLanjut(id as string, { isi: "x".repeat(5001), status: "Selesai" }, "v2"),
    ).rejects.toBeInstanceOf(LaporValidationError);
    const badStatus = await fetch(`${h.running.url}/api/v1/laporan/${id}/tindak-lanjut`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        "content-type": "application/json",
        "idempotency-key": "v3",
      },
      body: JSON.stringify({
        isi: "Penjelasan yang cukup panjang untuk warga.",
        status: "Diarsipkan",
      }),
    });
    expect(badStatus.status).toBe(422);
  });

  it("attachments are served with the token and fetched with hash and mime", async () => {
    const h = await harness();
    const withFile = h.sandbox.state
      .orderedTrackingIds()
      .map((id) => h.sandbox.state.getReport(id, h.running.url))
      .find((r) => (r?.lampiran?.length ?? 0) > 0);
    const lampiran = withFile?.lampiran?.[0];
    if (!lampiran) throw new Error("seed has no attachment");
    const file = await h.client.downloadAttachment(lampiran.url, { maxBytes: 1024 * 1024 });
    expect(file.mime).toBe(lampiran.mime);
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    const again = await h.client.downloadAttachment(lampiran.url, { maxBytes: 1024 * 1024 });
    expect(again.sha256).toBe(file.sha256);
    await expect(
      h.client.downloadAttachment(lampiran.url, { maxBytes: 100 }),
    ).rejects.toMatchObject({
      code: "LAPOR_ATTACHMENT_TOO_LARGE",
    });
    const anonymous = await fetch(lampiran.url);
    expect(anonymous.status).toBe(401);
  });

  // How fast it generates them is bench/lapor-sync's to print (its sandbox process makes
  // 100,000 before the sync starts), not a timed assertion here.
  it("generates 100,000 reports and serves a deep page by its date", async () => {
    const sandbox = createLaporSandbox({ seed: 7, count: 100_000, token: TOKEN });
    expect(sandbox.state.orderedTrackingIds()).toHaveLength(100_000);
    const running = await sandbox.start(0);
    open.push(running);
    const client = new LaporClient({ baseUrl: running.url, token: TOKEN, retryPolicy: FAST });
    const ids = sandbox.state.orderedTrackingIds();
    const deep = sandbox.state.getReport(ids[90_000] as string);
    if (!deep) throw new Error("missing");
    const page = await client.listLaporan({ updatedSince: deep.diperbarui_pada, limit: 200 });
    expect(page.items).toHaveLength(200);
    expect(page.items[0]?.ok && page.items[0].value.diperbarui_pada).toBe(deep.diperbarui_pada);
  });
});
