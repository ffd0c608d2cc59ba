import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  WHATSAPP_TEXT_MAX,
  WhatsAppAuthError,
  WhatsAppClient,
  WhatsAppConfigError,
  WhatsAppMediaTooLargeError,
  WhatsAppPermanentError,
  WhatsAppProtocolError,
  WhatsAppRateLimitError,
  WhatsAppTextTooLongError,
  WhatsAppTransientError,
  WhatsAppWindowClosedError,
  chooseReplyMode,
  type WhatsAppRetryEvent,
} from "../../../../adapters/whatsapp/whatsapp.client.js";
import type { RetryPolicy } from "../../../../src/sync/retry-policy.js";

const GRAPH = "https://graph.facebook.com";
const MEDIA = "https://lookaside.fbsbx.com";
const TOKEN = "EAAG-uji-token-0001";
const PHONE_ID = "200000000000002";
const TO = "6281200000001";
const FAST: RetryPolicy = {
  retries: 2,
  minTimeoutMs: 0,
  maxTimeoutMs: 0,
  factor: 2,
  jitter: false,
};

function client(events: WhatsAppRetryEvent[] = []): WhatsAppClient {
  return WhatsAppClient.fromConfig(
    { accessToken: TOKEN, phoneNumberId: PHONE_ID, graphVersion: undefined },
    { readRetryPolicy: FAST, onRetry: (e) => events.push(e), sleep: async () => undefined },
  );
}

const sent = {
  messaging_product: "whatsapp",
  contacts: [{ input: TO, wa_id: TO }],
  messages: [{ id: "wamid.OUT0001" }],
};

function graphError(code: number, extra: Record<string, unknown> = {}) {
  return {
    error: {
      message: `(#${code}) pesan dari Meta yang bisa memuat +6281200000001`,
      type: "OAuthException",
      code,
      fbtrace_id: "AbCdEf123",
      ...extra,
    },
  };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe("WhatsAppClient.fromConfig", () => {
  it("names the environment variables an operator must fix", () => {
    expect(() => WhatsAppClient.fromConfig({ accessToken: "", phoneNumberId: undefined })).toThrow(
      WhatsAppConfigError,
    );
    const bad = () =>
      WhatsAppClient.fromConfig({ accessToken: " ", phoneNumberId: "+62 812-0000-0009" });
    expect(bad).toThrow(/WHATSAPP_ACCESS_TOKEN is empty/);
    expect(bad).toThrow(/WHATSAPP_PHONE_NUMBER_ID must be the numeric/);
    expect(() =>
      WhatsAppClient.fromConfig({
        accessToken: TOKEN,
        phoneNumberId: PHONE_ID,
        graphVersion: "21",
      }),
    ).toThrow(/WHATSAPP_GRAPH_VERSION must look like "v21.0"/);
  });

  it("defaults to graph.facebook.com and v21.0", () => {
    const c = client();
    expect(c.baseUrl).toBe(GRAPH);
    expect(c.graphVersion).toBe("v21.0");
  });
});

describe("WhatsAppClient sends", () => {
  it("sends free text with the bearer header, never a query token", async () => {
    let seen: unknown = null;
    nock(GRAPH, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .post(`/v21.0/${PHONE_ID}/messages`, (b: unknown) => {
        seen = b;
        return true;
      })
      .query((q) => !("access_token" in q))
      .reply(200, sent);
    const result = await client().sendText(TO, "Pengaduan Anda ADU-2026-000123 sudah kami terima.");
    expect(result).toEqual({ externalId: "wamid.OUT0001", waId: TO });
    expect(seen).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: TO,
      type: "text",
      text: { preview_url: false, body: "Pengaduan Anda ADU-2026-000123 sudah kami terima." },
    });
  });

  // Issue 19: a citizen known by a WhatsApp username only is addressed by their
  // business-scoped user ID in `recipient` (Meta's BSUID documentation), never in `to`.
  it.each(["text", "template"] as const)(
    "sends a %s to a business-scoped user ID in `recipient`",
    async (kind) => {
      const BSUID = "ID.9A8B7C6D5E4F3A2B1C0D";
      let seen: Record<string, unknown> = {};
      nock(GRAPH)
        .post(`/v21.0/${PHONE_ID}/messages`, (b: Record<string, unknown>) => {
          seen = b;
          return true;
        })
        .reply(200, {
          messaging_product: "whatsapp",
          contacts: [{ input: BSUID, user_id: BSUID }],
          messages: [{ id: "wamid.OUT0001" }],
        });
      const result =
        kind === "text"
          ? await client().sendText(BSUID, "halo")
          : await client().sendTemplate(BSUID, "pembaruan_pengaduan", "id", ["ADU-2026-000123"]);
      expect(result).toEqual({ externalId: "wamid.OUT0001", waId: null });
      expect(seen.recipient).toBe(BSUID);
      expect(seen).not.toHaveProperty("to");
      expect(seen.recipient_type).toBe("individual");
    },
  );

  it.each(["ID.", "+6281200000001", "ID.9A8B!", "6281"])(
    "refuses a recipient that is neither a wa_id nor a BSUID (%j) before any request",
    async (to) => {
      await expect(client().sendText(to, "halo")).rejects.toThrow(RangeError);
    },
  );

  it("uses the configured Graph version", async () => {
    nock(GRAPH).post(`/v22.0/${PHONE_ID}/messages`).reply(200, sent);
    const c = WhatsAppClient.fromConfig({
      accessToken: TOKEN,
      phoneNumberId: PHONE_ID,
      graphVersion: "v22.0",
    });
    await expect(c.sendText(TO, "halo")).resolves.toMatchObject({ externalId: "wamid.OUT0001" });
  });

  it("sends a template with positional body parameters", async () => {
    let seen: unknown = null;
    nock(GRAPH)
      .post(`/v21.0/${PHONE_ID}/messages`, (b: unknown) => {
        seen = b;
        return true;
      })
      .reply(200, sent);
    await client().sendTemplate(TO, "pembaruan_pengaduan", "id", [
      "ADU-2026-000123",
      "ditindaklanjuti",
    ]);
    expect(seen).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: TO,
      type: "template",
      template: {
        name: "pembaruan_pengaduan",
        language: { code: "id" },
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: "ADU-2026-000123" },
              { type: "text", text: "ditindaklanjuti" },
            ],
          },
        ],
      },
    });
  });

  it("turns 131047 (outside the 24 h window) into WHATSAPP_WINDOW_CLOSED, without the Graph message", async () => {
    nock(GRAPH)
      .post(`/v21.0/${PHONE_ID}/messages`)
      .reply(
        400,
        graphError(131047, { type: "OAuthException", error_data: { details: "24 hours" } }),
      );
    const error = await client()
      .sendText(TO, "halo")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhatsAppWindowClosedError);
    expect((error as WhatsAppWindowClosedError).code).toBe("WHATSAPP_WINDOW_CLOSED");
    expect((error as WhatsAppWindowClosedError).retryable).toBe(false);
    expect((error as Error).message).toContain("fbtrace_id AbCdEf123");
    expect((error as Error).message).not.toContain("6281200000001");
  });

  it.each([
    [401, graphError(190), WhatsAppAuthError, "WHATSAPP_AUTH"],
    [400, graphError(190), WhatsAppAuthError, "WHATSAPP_AUTH"],
    [429, graphError(130429), WhatsAppRateLimitError, "WHATSAPP_RATE_LIMIT"],
    [503, { error: { code: 2 } }, WhatsAppTransientError, "WHATSAPP_TRANSIENT"],
    [400, graphError(131026), WhatsAppPermanentError, "WHATSAPP_PERMANENT"],
    [404, "not json", WhatsAppPermanentError, "WHATSAPP_PERMANENT"],
  ] as const)("HTTP %i %j → %s", async (status, body, klass, code) => {
    nock(GRAPH).post(`/v21.0/${PHONE_ID}/messages`).reply(status, body);
    const error = await client()
      .sendText(TO, "halo")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(klass);
    expect((error as { code: string }).code).toBe(code);
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it("does not retry sends by default (no idempotency on Meta's side)", async () => {
    const events: WhatsAppRetryEvent[] = [];
    nock(GRAPH).post(`/v21.0/${PHONE_ID}/messages`).once().reply(503, {});
    await expect(client(events).sendText(TO, "halo")).rejects.toBeInstanceOf(
      WhatsAppTransientError,
    );
    expect(events.map((e) => [e.operation, e.decision, e.attempt, e.maxAttempts])).toEqual([
      ["sendText", "give_up", 1, 1],
    ]);
  });

  it("refuses text beyond WHATSAPP_TEXT_MAX before any request", async () => {
    expect(WHATSAPP_TEXT_MAX).toBe(4096);
    await expect(client().sendText(TO, "a".repeat(4097))).rejects.toBeInstanceOf(
      WhatsAppTextTooLongError,
    );
    await expect(client().sendText("+6281200000001", "halo")).rejects.toThrow(RangeError);
  });

  it("reports a 200 without messages[0].id as a protocol error", async () => {
    nock(GRAPH).post(`/v21.0/${PHONE_ID}/messages`).reply(200, { messages: [] });
    await expect(client().sendText(TO, "halo")).rejects.toBeInstanceOf(WhatsAppProtocolError);
  });
});

describe("WhatsAppClient media", () => {
  const bytes = Buffer.from("%PDF-1.4 surat keterangan (uji)\n".repeat(20));
  const mediaUrl = `${MEDIA}/whatsapp_business/attachments/?mid=1000000000000004&ext=1&hash=fake`;

  it("resolves a media id, then downloads it with the bearer token", async () => {
    nock(GRAPH, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get("/v21.0/1000000000000004")
      .query({ phone_number_id: PHONE_ID })
      .reply(200, {
        url: mediaUrl,
        mime_type: "application/pdf",
        sha256: createHash("sha256").update(bytes).digest("hex"),
        file_size: bytes.length,
        id: "1000000000000004",
        messaging_product: "whatsapp",
      });
    nock(MEDIA, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get("/whatsapp_business/attachments/")
      .query(true)
      .reply(200, bytes, { "Content-Type": "application/pdf" });
    const c = client();
    const info = await c.getMediaUrl("1000000000000004");
    expect(info).toMatchObject({ url: mediaUrl, mime: "application/pdf", fileSize: bytes.length });
    const media = await c.downloadMedia(info.url, { maxBytes: 10_000 });
    expect(media.bytes.equals(bytes)).toBe(true);
    expect(media.mime).toBe("application/pdf");
    expect(media.sha256).toBe(info.sha256);
  });

  it("aborts by Content-Length above the cap", async () => {
    nock(MEDIA)
      .get("/whatsapp_business/attachments/")
      .query(true)
      .reply(200, bytes, { "Content-Length": String(bytes.length) });
    const error = await client()
      .downloadMedia(mediaUrl, { maxBytes: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhatsAppMediaTooLargeError);
    expect((error as WhatsAppMediaTooLargeError).code).toBe("WHATSAPP_MEDIA_TOO_LARGE");
  });

  it("aborts a chunked stream once it passes the cap", async () => {
    nock(MEDIA)
      .get("/whatsapp_business/attachments/")
      .query(true)
      // A stream body has no Content-Length: the cap must be enforced while counting.
      .reply(200, () => Readable.from([bytes, bytes, bytes]));
    await expect(
      client().downloadMedia(mediaUrl, { maxBytes: bytes.length + 10 }),
    ).rejects.toBeInstanceOf(WhatsAppMediaTooLargeError);
  });

  it("refuses early when Meta already reports a larger file", async () => {
    nock(GRAPH)
      .get("/v21.0/1000000000000005")
      .query(true)
      .reply(200, { url: mediaUrl, mime_type: "video/mp4", file_size: 50_000_000 });
    await expect(
      client().fetchMedia("1000000000000005", { maxBytes: 1_000_000 }),
    ).rejects.toBeInstanceOf(WhatsAppMediaTooLargeError);
  });

  it("never sends the token to a foreign host", async () => {
    await expect(
      client().downloadMedia("https://attacker.example.test/x", { maxBytes: 100 }),
    ).rejects.toBeInstanceOf(WhatsAppProtocolError);
  });

  it("reports 401 on a media download as WHATSAPP_AUTH, not retried", async () => {
    const events: WhatsAppRetryEvent[] = [];
    nock(MEDIA).get("/whatsapp_business/attachments/").query(true).reply(401, graphError(190));
    await expect(client(events).downloadMedia(mediaUrl, { maxBytes: 100 })).rejects.toBeInstanceOf(
      WhatsAppAuthError,
    );
    expect(events.map((e) => e.decision)).toEqual(["stop"]);
  });

  it("retries a media look-up on 5xx", async () => {
    const events: WhatsAppRetryEvent[] = [];
    nock(GRAPH).get("/v21.0/1000000000000006").query(true).reply(500, {});
    nock(GRAPH).get("/v21.0/1000000000000006").query(true).reply(200, { url: mediaUrl });
    await expect(client(events).getMediaUrl("1000000000000006")).resolves.toMatchObject({
      url: mediaUrl,
    });
    expect(events.map((e) => [e.operation, e.decision])).toEqual([["getMediaUrl", "retry"]]);
  });
});

describe("chooseReplyMode", () => {
  const now = new Date("2026-02-03T10:00:00Z");
  it.each([
    [null, "template"],
    [new Date("2026-02-03T09:59:00Z"), "text"],
    [new Date("2026-02-02T10:00:01Z"), "text"],
    [new Date("2026-02-02T10:00:00Z"), "template"],
    [new Date("2026-01-30T10:00:00Z"), "template"],
  ] as const)("last inbound %s → %s", (last, mode) => {
    expect(chooseReplyMode(last, now)).toBe(mode);
  });
});
