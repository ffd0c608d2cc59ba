import { Readable } from "node:stream";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  LaporAttachmentTooLargeError,
  LaporAuthError,
  LaporBadCursorError,
  LaporClient,
  LaporConfigError,
  LaporConflictError,
  LaporHttpError,
  LaporNotFoundError,
  LaporProtocolError,
  LaporRateLimitError,
  LaporTransientError,
  LaporValidationError,
  type LaporRetryEvent,
} from "../../../../adapters/lapor/lapor.client.js";
import type { RetryPolicy } from "../../../../src/sync/retry-policy.js";

const BASE = "https://lapor.test";
const TOKEN = "tok-123";
const FAST: RetryPolicy = {
  retries: 3,
  minTimeoutMs: 0,
  maxTimeoutMs: 0,
  factor: 2,
  jitter: false,
};

function laporan(
  id: string,
  updated: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    tracking_id: id,
    judul: "Saldo BPNT kosong 3 bulan",
    isi: "Mohon bantuannya, saldo BPNT di kartu KKS kosong sudah 3 bulan.",
    klasifikasi: "pengaduan",
    kategori: { id: 71, nama: "Bantuan Sosial" },
    status: "Terdisposisi",
    rahasia: false,
    anonim: false,
    sumber: "hallo_tabalong",
    pelapor: { nama: "Siti Aisyah", telepon: "0812-5555-1234", email: null },
    lokasi: { kecamatan: "Kelua", desa: "Takulat" },
    lampiran: [],
    tindak_lanjut: [],
    dibuat_pada: "2025-03-01T01:00:00Z",
    diperbarui_pada: updated,
    ...extra,
  };
}

function client(
  extra: {
    retryPolicy?: RetryPolicy;
    events?: LaporRetryEvent[];
    sleeps?: number[];
    realSleep?: boolean;
  } = {},
) {
  const { events, sleeps } = extra;
  return new LaporClient({
    baseUrl: BASE,
    token: TOKEN,
    timeoutMs: 2_000,
    retryPolicy: extra.retryPolicy ?? FAST,
    onRetry: (event) => events?.push(event),
    ...(extra.realSleep
      ? {}
      : {
          sleep: async (ms: number) => {
            sleeps?.push(ms);
          },
        }),
  });
}

const api = () => nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } });

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => {
  nock.enableNetConnect();
});

describe("LaporClient.fromConfig", () => {
  it("rejects a bad base URL with the variable name an operator sets", () => {
    expect(() => LaporClient.fromConfig({ baseUrl: "hallo.tabalongkab", token: "x" })).toThrow(
      /LAPOR_BASE_URL is not a valid URL/,
    );
    expect(() => LaporClient.fromConfig({ baseUrl: "ftp://x.test", token: "x" })).toThrow(
      LaporConfigError,
    );
  });

  it("rejects a missing or empty token and a silly timeout", () => {
    expect(() => LaporClient.fromConfig({ baseUrl: BASE, token: undefined })).toThrow(
      /LAPOR_TOKEN is required/,
    );
    expect(() => LaporClient.fromConfig({ baseUrl: BASE, token: "  " })).toThrow(
      /LAPOR_TOKEN is empty/,
    );
    expect(() => LaporClient.fromConfig({ baseUrl: BASE, token: "t", timeoutMs: "abc" })).toThrow(
      /LAPOR_TIMEOUT_MS/,
    );
    expect(() => LaporClient.fromConfig({ baseUrl: BASE, token: "t", timeoutMs: 5 })).toThrow(
      /at least 100/,
    );
  });

  it("accepts env-like strings and applies the default timeout", () => {
    const c = LaporClient.fromConfig({ baseUrl: `${BASE}/`, token: "t", timeoutMs: "2500" });
    expect(c.timeoutMs).toBe(2500);
    expect(c.baseUrl).toBe(BASE);
    expect(LaporClient.fromConfig({ baseUrl: BASE, token: "t" }).timeoutMs).toBe(15_000);
  });
});

describe("listLaporan paging", () => {
  it("follows next_cursor until null, sending the bearer token, filter and limit", async () => {
    api()
      .get("/api/v1/laporan")
      .query({ updated_since: "2025-03-01T00:00:00.000Z", limit: "2" })
      .reply(200, {
        data: [laporan("10001", "2025-03-01T01:00:00Z"), laporan("10002", "2025-03-01T02:00:00Z")],
        next_cursor: "c1",
      });
    api()
      .get("/api/v1/laporan")
      .query({ updated_since: "2025-03-01T00:00:00.000Z", limit: "2", cursor: "c1" })
      .reply(200, { data: [laporan("10003", "2025-03-01T03:00:00Z")], next_cursor: null });

    const c = client();
    const seen: string[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const page = await c.listLaporan({
        updatedSince: new Date("2025-03-01T00:00:00Z"),
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      pages++;
      for (const item of page.items) if (item.ok) seen.push(item.value.tracking_id);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(pages).toBe(2);
    expect(seen).toEqual(["10001", "10002", "10003"]);
  });

  it("parses items one by one: a bad item carries its raw value and zod path, neighbours survive", async () => {
    const { tracking_id: _dropped, ...noId } = laporan("10009", "2025-03-01T01:00:00Z");
    api()
      .get("/api/v1/laporan")
      .reply(200, {
        data: [
          laporan("10001", "2025-03-01T01:00:00Z"),
          noId,
          laporan("10002", "x", { rahasia: "ya" }),
        ],
        next_cursor: null,
      });
    const page = await client().listLaporan();
    expect(page.items.map((i) => i.ok)).toEqual([true, false, false]);
    const missing = page.items[1];
    const wrongType = page.items[2];
    if (missing?.ok !== false || wrongType?.ok !== false) throw new Error("expected failures");
    expect(missing.issues.map((i) => i.path)).toContain("tracking_id");
    expect(missing.trackingId).toBeNull();
    expect(missing.raw).toEqual(noId);
    expect(wrongType.issues.map((i) => i.path)).toEqual(["rahasia"]);
    expect(wrongType.trackingId).toBe("10002");
  });

  it("keeps an unknown status for the status map to quarantine (not a schema error)", async () => {
    api()
      .get("/api/v1/laporan")
      .reply(200, {
        data: [laporan("10001", "2025-03-01T01:00:00Z", { status: "Dibekukan" })],
        next_cursor: null,
      });
    const page = await client().listLaporan();
    expect(page.items[0]?.ok).toBe(true);
  });

  it("a page that is not JSON is a protocol error, not retried", async () => {
    const events: LaporRetryEvent[] = [];
    api()
      .get("/api/v1/laporan")
      .reply(200, "<html>gateway</html>", { "Content-Type": "text/html" });
    await expect(client({ events }).listLaporan()).rejects.toBeInstanceOf(LaporProtocolError);
    expect(events.map((e) => e.decision)).toEqual(["stop"]);
  });

  it("a JSON page without the envelope is a protocol error with the issue path", async () => {
    api().get("/api/v1/laporan").reply(200, { items: [] });
    const error = await client()
      .listLaporan()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaporProtocolError);
    expect((error as LaporProtocolError).issues.map((i) => i.path)).toEqual([
      "data",
      "next_cursor",
    ]);
  });

  it("400 with a cursor → LaporBadCursorError, not retried", async () => {
    const events: LaporRetryEvent[] = [];
    api()
      .get("/api/v1/laporan")
      .query({ cursor: "garbled" })
      .reply(400, { error: "invalid cursor" });
    const error = await client({ events })
      .listLaporan({ cursor: "garbled" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaporBadCursorError);
    expect((error as LaporBadCursorError).code).toBe("LAPOR_BAD_CURSOR");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      decision: "stop",
      attempt: 1,
      maxAttempts: 4,
      operation: "listLaporan",
    });
  });

  it("400 without a cursor is a plain final HTTP error", async () => {
    api().get("/api/v1/laporan").query({ limit: "500" }).reply(400, { error: "limit" });
    await expect(client().listLaporan({ limit: 500 })).rejects.toBeInstanceOf(LaporHttpError);
  });
});

describe("retries", () => {
  it("401 is never retried and marks the stream unhealthy", async () => {
    const events: LaporRetryEvent[] = [];
    nock(BASE).get("/api/v1/laporan").once().reply(401, { error: "expired" });
    const error = await client({ events })
      .listLaporan()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaporAuthError);
    expect((error as LaporAuthError).marksStreamUnhealthy).toBe(true);
    expect((error as LaporAuthError).code).toBe("LAPOR_AUTH");
    expect(events.map((e) => e.decision)).toEqual(["stop"]);
  });

  it("429 waits at least Retry-After (seconds) before the retry", async () => {
    const events: LaporRetryEvent[] = [];
    api().get("/api/v1/laporan").reply(429, { error: "slow down" }, { "Retry-After": "1" });
    api().get("/api/v1/laporan").reply(200, { data: [], next_cursor: null });
    const started = performance.now();
    const page = await client({ events, realSleep: true }).listLaporan();
    const waited = performance.now() - started;
    expect(page.nextCursor).toBeNull();
    expect(waited).toBeGreaterThanOrEqual(990);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      decision: "retry",
      retryAfterMs: 1000,
      delayMs: 1000,
      errorCode: "LAPOR_RATE_LIMIT",
    });
  });

  it("429 with an HTTP-date Retry-After is honoured through the computed wait", async () => {
    const sleeps: number[] = [];
    const at = new Date(Date.now() + 30_000).toUTCString();
    api().get("/api/v1/laporan").reply(429, "", { "Retry-After": at });
    api().get("/api/v1/laporan").reply(200, { data: [], next_cursor: null });
    await client({ sleeps }).listLaporan();
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(25_000);
    expect(sleeps[0]).toBeLessThanOrEqual(30_000);
  });

  it("5xx are retried with backoff, then succeed", async () => {
    const events: LaporRetryEvent[] = [];
    const sleeps: number[] = [];
    api().get("/api/v1/laporan").reply(503);
    api().get("/api/v1/laporan").reply(502);
    api()
      .get("/api/v1/laporan")
      .reply(200, { data: [laporan("10001", "2025-03-01T01:00:00Z")], next_cursor: null });
    const policy: RetryPolicy = {
      retries: 3,
      minTimeoutMs: 10,
      maxTimeoutMs: 1000,
      factor: 2,
      jitter: false,
    };
    const page = await client({ events, sleeps, retryPolicy: policy }).listLaporan();
    expect(page.items).toHaveLength(1);
    expect(sleeps).toEqual([10, 20]);
    expect(events.map((e) => [e.attempt, e.maxAttempts, e.decision])).toEqual([
      [1, 4, "retry"],
      [2, 4, "retry"],
    ]);
  });

  it("5xx until the budget is spent → LaporTransientError after retries + 1 attempts", async () => {
    const events: LaporRetryEvent[] = [];
    api().get("/api/v1/laporan").times(4).reply(500);
    const error = await client({ events })
      .listLaporan()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaporTransientError);
    expect((error as LaporTransientError).status).toBe(500);
    expect(events.map((e) => e.decision)).toEqual(["retry", "retry", "retry", "give_up"]);
    expect(events.at(-1)).toMatchObject({ attempt: 4, maxAttempts: 4 });
  });

  it("a connection reset is transient and retried", async () => {
    const events: LaporRetryEvent[] = [];
    api()
      .get("/api/v1/laporan")
      .replyWithError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));
    api().get("/api/v1/laporan").reply(200, { data: [], next_cursor: null });
    const page = await client({ events }).listLaporan();
    expect(page.items).toEqual([]);
    expect(events[0]).toMatchObject({ decision: "retry", errorCode: "LAPOR_TRANSIENT" });
    expect((events[0]?.error as LaporTransientError).reason).toBe("ECONNRESET");
  });

  it("a bare 'socket hang up' without a code is transient too", async () => {
    api().get("/api/v1/laporan").replyWithError(new Error("socket hang up"));
    api().get("/api/v1/laporan").reply(200, { data: [], next_cursor: null });
    const events: LaporRetryEvent[] = [];
    await client({ events }).listLaporan();
    expect((events[0]?.error as LaporTransientError).reason).toBe("socket hang up");
  });

  it("a timeout is transient (ETIMEDOUT) and retried", async () => {
    const c = new LaporClient({
      baseUrl: BASE,
      token: TOKEN,
      timeoutMs: 100,
      retryPolicy: { ...FAST, retries: 1 },
    });
    api().get("/api/v1/laporan").delay(300).reply(200, { data: [], next_cursor: null });
    api().get("/api/v1/laporan").reply(200, { data: [], next_cursor: null });
    await expect(c.listLaporan()).resolves.toMatchObject({ nextCursor: null });
  });

  it("404 on one report is final", async () => {
    api().get("/api/v1/laporan/99999").reply(404, { error: "not found" });
    await expect(client().getLaporan("99999")).rejects.toBeInstanceOf(LaporNotFoundError);
  });

  it("getLaporan returns the parsed report", async () => {
    api().get("/api/v1/laporan/10001").reply(200, laporan("10001", "2025-03-01T01:00:00Z"));
    const result = await client().getLaporan("10001");
    expect(result.ok && result.value.judul).toBe("Saldo BPNT kosong 3 bulan");
  });
});

describe("postTindakLanjut", () => {
  const body = {
    isi: "Sudah dicek pada SIKS-NG, status EXCLUDE hasil musdes.",
    status: "Ditindaklanjuti",
  } as const;
  const tl = {
    id: "TL-1",
    isi: body.isi,
    oleh: "Dinas Sosial Kabupaten Tabalong",
    dibuat_pada: "2025-03-02T01:00:00Z",
  };

  it("201 → created, with the Idempotency-Key and JSON body sent", async () => {
    nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}`, "idempotency-key": "outbox-7" } })
      .post("/api/v1/laporan/10001/tindak-lanjut", body)
      .reply(201, tl);
    const result = await client().postTindakLanjut("10001", body, "outbox-7");
    expect(result).toEqual({ created: true, tindakLanjut: tl });
  });

  it("200 replay → created false with the earlier result", async () => {
    api().post("/api/v1/laporan/10001/tindak-lanjut").reply(200, tl);
    const result = await client().postTindakLanjut("10001", body, "outbox-7");
    expect(result).toEqual({ created: false, tindakLanjut: tl });
  });

  it("a 503 then the replay: the retry reuses the key and reports created=false", async () => {
    const keys: string[] = [];
    api()
      .post("/api/v1/laporan/10001/tindak-lanjut")
      .reply(function () {
        keys.push(String(this.req.headers["idempotency-key"]));
        return [503, ""];
      });
    api()
      .post("/api/v1/laporan/10001/tindak-lanjut")
      .reply(function () {
        keys.push(String(this.req.headers["idempotency-key"]));
        return [200, tl];
      });
    const result = await client().postTindakLanjut("10001", body, "outbox-8");
    expect(result.created).toBe(false);
    expect(keys).toEqual(["outbox-8", "outbox-8"]);
  });

  it("409 → LaporConflictError, not retried", async () => {
    const events: LaporRetryEvent[] = [];
    api().post("/api/v1/laporan/10001/tindak-lanjut").reply(409, { error: "already Selesai" });
    const error = await client({ events })
      .postTindakLanjut("10001", body, "k")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaporConflictError);
    expect(events.map((e) => e.decision)).toEqual(["stop"]);
  });

  it("422 → LaporValidationError carrying the reason body", async () => {
    const reason = { error: { issues: [{ path: "isi", message: "too short" }] } };
    api().post("/api/v1/laporan/10001/tindak-lanjut").reply(422, reason);
    const error = await client()
      .postTindakLanjut("10001", { isi: "pendek", status: "Selesai" }, "k")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaporValidationError);
    expect((error as LaporValidationError).reason).toEqual(reason);
  });

  it("a response that is not a TindakLanjut is a protocol error", async () => {
    api().post("/api/v1/laporan/10001/tindak-lanjut").reply(201, { ok: true });
    await expect(client().postTindakLanjut("10001", body, "k")).rejects.toBeInstanceOf(
      LaporProtocolError,
    );
  });

  it("refuses an Idempotency-Key over 128 characters before any request", async () => {
    await expect(client().postTindakLanjut("10001", body, "k".repeat(129))).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});

describe("downloadAttachment", () => {
  const bytes = Buffer.from("%PDF-1.4\nsurat keterangan berobat");

  it("downloads with the token and returns bytes, mime and sha256", async () => {
    api()
      .get("/files/LMP-1")
      .reply(200, bytes, { "Content-Type": "application/pdf; charset=binary" });
    const result = await client().downloadAttachment(`${BASE}/files/LMP-1`, { maxBytes: 1024 });
    expect(result.bytes.equals(bytes)).toBe(true);
    expect(result.mime).toBe("application/pdf");
    expect(result.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  it("aborts at once when Content-Length exceeds the cap", async () => {
    api()
      .get("/files/big")
      .reply(200, Buffer.alloc(5000), { "Content-Length": "5000", "Content-Type": "image/jpeg" });
    const error = await client()
      .downloadAttachment(`${BASE}/files/big`, { maxBytes: 1000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaporAttachmentTooLargeError);
  });

  it("aborts a stream without Content-Length as soon as it passes the cap", async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced++;
        this.push(produced > 10_000 ? null : Buffer.alloc(1024, 1));
      },
    });
    api()
      .get("/files/endless")
      .reply(200, () => endless, { "Content-Type": "image/jpeg" });
    const error = await client()
      .downloadAttachment(`${BASE}/files/endless`, { maxBytes: 8 * 1024 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaporAttachmentTooLargeError);
    expect(error).toMatchObject({ code: "LAPOR_ATTACHMENT_TOO_LARGE", retryable: false });
  });

  it("on a real socket, the cap closes the connection instead of draining an endless body", async () => {
    // nock buffers reply streams, so the abort itself is observed on a loopback server.
    nock.enableNetConnect("127.0.0.1");
    let written = 0;
    let closedEarly = false;
    const server = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "image/jpeg" });
      const chunk = Buffer.alloc(16 * 1024, 7);
      const pump = (): void => {
        while (written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      res.on("close", () => {
        closedEarly = written < 64 * 1024 * 1024;
      });
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const c = new LaporClient({
        baseUrl: `http://127.0.0.1:${port}`,
        token: TOKEN,
        retryPolicy: FAST,
      });
      const error = await c
        .downloadAttachment("/files/endless", { maxBytes: 100 * 1024 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LaporAttachmentTooLargeError);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(closedEarly).toBe(true);
      expect(written).toBeLessThan(16 * 1024 * 1024);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      nock.disableNetConnect();
    }
  });

  it("never sends the token to a foreign origin named in a payload", async () => {
    const error = await client()
      .downloadAttachment("https://evil.test/files/x", { maxBytes: 10 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaporProtocolError);
  });

  it("401 on a file is an auth error", async () => {
    nock(BASE).get("/files/LMP-2").reply(401, "no");
    await expect(
      client().downloadAttachment("/files/LMP-2", { maxBytes: 10 }),
    ).rejects.toBeInstanceOf(LaporAuthError);
  });
});

describe("error taxonomy", () => {
  it("every class has a stable code", () => {
    expect(new LaporRateLimitError(1000).code).toBe("LAPOR_RATE_LIMIT");
    expect(new LaporTransientError("HTTP 503", 503).code).toBe("LAPOR_TRANSIENT");
    expect(new LaporConflictError(null).code).toBe("LAPOR_CONFLICT");
    expect(new LaporValidationError(null).code).toBe("LAPOR_VALIDATION");
    expect(new LaporNotFoundError("x").code).toBe("LAPOR_NOT_FOUND");
    expect(new LaporProtocolError("x", [], null, 200).code).toBe("LAPOR_PROTOCOL");
  });
});
