import { createHmac } from "node:crypto";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pushRekap } from "../../../../adapters/rekap/rekap.client.js";
import { RekapBodySchema, rekapIdempotencyKey } from "../../../../adapters/rekap/rekap.dto.js";
import { signRekap, verifyRekapSignature } from "../../../../adapters/rekap/rekap.signature.js";
import { previousMonth } from "../../../../src/services/recap.service.js";

const target = {
  name: "prov",
  baseUrl: "https://rekap.example.go.id",
  key: "kunci-rahasia-uji",
  instansiKode: "6309-DINSOS",
};
const body = JSON.stringify({ instansi_kode: "6309-DINSOS", periode: "2023-01", revision: 1 });

describe("rekap signature", () => {
  it("is sha256=<hex HMAC-SHA256(key, raw body)> over the exact bytes", () => {
    const hex = createHmac("sha256", "k").update('{"a":1}').digest("hex");
    expect(signRekap("k", '{"a":1}')).toBe(`sha256=${hex}`);
    expect(verifyRekapSignature("k", Buffer.from('{"a":1}'), `sha256=${hex}`)).toBe(true);
    // one byte of whitespace changes the signature: the body is never re-serialised
    expect(verifyRekapSignature("k", Buffer.from('{"a": 1}'), `sha256=${hex}`)).toBe(false);
    expect(verifyRekapSignature("other", Buffer.from('{"a":1}'), `sha256=${hex}`)).toBe(false);
    expect(verifyRekapSignature("k", Buffer.from('{"a":1}'), undefined)).toBe(false);
    expect(verifyRekapSignature("k", Buffer.from('{"a":1}'), "sha256=00")).toBe(false);
  });
});

describe("rekap body schema", () => {
  const ok = {
    instansi_kode: "6309-DINSOS",
    periode: "2023-01",
    revision: 1,
    dibuat_pada: "2023-02-01T02:00:00.000Z",
    total: 1,
    per_jenis: [{ kode: "PKH", nama: "Bantuan Keluarga Harapan (PKH)", jumlah: 1 }],
    per_media: [{ media: "Datang Langsung", jumlah: 1 }],
    per_status: { selesai: 1, dalam_proses: 0, tidak_dapat_ditindaklanjuti: 0 },
    waktu_penyelesaian: { rata_rata_hari_kerja: 2, median_hari_kerja: 2, melewati_batas: 0 },
  };
  it("accepts counts and refuses any extra field (no room for personal data)", () => {
    expect(RekapBodySchema.safeParse(ok).success).toBe(true);
    expect(RekapBodySchema.safeParse({ ...ok, nama: "Siti" }).success).toBe(false);
    expect(
      RekapBodySchema.safeParse({ ...ok, per_jenis: [{ ...ok.per_jenis[0], keperluan: "x" }] })
        .success,
    ).toBe(false);
    expect(RekapBodySchema.safeParse({ ...ok, periode: "2023-1" }).success).toBe(false);
    expect(rekapIdempotencyKey(ok)).toBe("6309-DINSOS:2023-01:1");
  });
});

describe("rekap client outcome classification", () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it("201 → accepted with receipt; sends key and signature headers", async () => {
    const scope = nock(target.baseUrl, {
      reqheaders: {
        "idempotency-key": "6309-DINSOS:2023-01:1",
        "x-signature": signRekap(target.key, body),
      },
    })
      .post("/api/v1/rekap-pengaduan", body)
      .reply(201, { receipt_id: "R-1" });
    const r = await pushRekap(target, body, "6309-DINSOS:2023-01:1");
    expect(r).toMatchObject({ kind: "accepted", status: 201, receiptId: "R-1" });
    expect(scope.isDone()).toBe(true);
  });

  it("429 with Retry-After and 503 → transient; 401 → unauthorized; 422/400 → rejected", async () => {
    nock(target.baseUrl).post("/api/v1/rekap-pengaduan").reply(429, {}, { "Retry-After": "7" });
    expect(await pushRekap(target, body, "k")).toMatchObject({
      kind: "transient",
      status: 429,
      retryAfterMs: 7000,
    });
    nock(target.baseUrl).post("/api/v1/rekap-pengaduan").reply(503);
    expect(await pushRekap(target, body, "k")).toMatchObject({ kind: "transient", status: 503 });
    nock(target.baseUrl).post("/api/v1/rekap-pengaduan").reply(401, { message: "bad key" });
    expect(await pushRekap(target, body, "k")).toMatchObject({ kind: "unauthorized", status: 401 });
    nock(target.baseUrl).post("/api/v1/rekap-pengaduan").reply(422, { message: "periode" });
    expect(await pushRekap(target, body, "k")).toMatchObject({ kind: "rejected", status: 422 });
    nock(target.baseUrl).post("/api/v1/rekap-pengaduan").reply(400);
    expect(await pushRekap(target, body, "k")).toMatchObject({ kind: "rejected", status: 400 });
    nock(target.baseUrl).post("/api/v1/rekap-pengaduan").replyWithError("ECONNRESET");
    expect(await pushRekap(target, body, "k")).toMatchObject({ kind: "transient", status: null });
  });
});

describe("recap.monthly periode", () => {
  it("is the WITA month before now", () => {
    // 1 March 02:00 WITA is still 28 February in UTC
    expect(previousMonth(new Date("2023-02-28T18:00:00Z"))).toBe("2023-02");
    expect(previousMonth(new Date("2024-01-01T02:00:00+08:00"))).toBe("2023-12");
  });
});
