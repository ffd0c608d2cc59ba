import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  MESSENGER_TEXT_MAX,
  MetaAuthError,
  MetaClient,
  MetaConfigError,
  MetaPermanentError,
  MetaRateLimitError,
  MetaTextTooLongError,
  MetaTransientError,
  MetaWindowClosedError,
} from "../../../../adapters/meta/meta.client.js";
import { classifyGraphFailure } from "../../../../adapters/kit/graph-errors.js";

const GRAPH = "https://graph.facebook.com";
const TOKEN = "EAAP-page-token-uji";
const PSID = "5000000000000001";

const client = () => MetaClient.fromConfig({ pageAccessToken: TOKEN });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe("MetaClient.fromConfig", () => {
  it("names META_PAGE_ACCESS_TOKEN when the token is missing", () => {
    expect(() => MetaClient.fromConfig({ pageAccessToken: undefined })).toThrow(MetaConfigError);
    expect(() => MetaClient.fromConfig({ pageAccessToken: "" })).toThrow(/META_PAGE_ACCESS_TOKEN/);
    expect(() => MetaClient.fromConfig({ pageAccessToken: TOKEN, graphVersion: "latest" })).toThrow(
      /META_GRAPH_VERSION/,
    );
  });
});

describe("MetaClient.sendMessage", () => {
  it("posts to /me/messages with the token in the Authorization header only", async () => {
    let seen: unknown = null;
    nock(GRAPH, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .post("/v21.0/me/messages", (b: unknown) => {
        seen = b;
        return true;
      })
      .query((q) => Object.keys(q).length === 0)
      .reply(200, { recipient_id: PSID, message_id: "m_OUT0001" });
    const result = await client().sendMessage(PSID, "Pengaduan ADU-2026-000123 sudah kami terima.");
    expect(result).toEqual({ recipientId: PSID, externalId: "m_OUT0001" });
    expect(seen).toEqual({
      recipient: { id: PSID },
      messaging_type: "RESPONSE",
      message: { text: "Pengaduan ADU-2026-000123 sudah kami terima." },
    });
  });

  it("uses the HUMAN_AGENT tag when asked (7-day window)", async () => {
    let seen: unknown = null;
    nock(GRAPH)
      .post("/v21.0/me/messages", (b: unknown) => {
        seen = b;
        return true;
      })
      .reply(200, { recipient_id: PSID, message_id: "m_OUT0002" });
    await client().sendMessage(PSID, "Tindak lanjut pengaduan Anda", { tag: "HUMAN_AGENT" });
    expect(seen).toMatchObject({ messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
  });

  it.each([
    [401, { error: { code: 190, type: "OAuthException" } }, MetaAuthError, "META_AUTH"],
    [
      400,
      { error: { code: 10, error_subcode: 2018278 } },
      MetaWindowClosedError,
      "META_WINDOW_CLOSED",
    ],
    [400, { error: { code: 551 } }, MetaWindowClosedError, "META_WINDOW_CLOSED"],
    [400, { error: { code: 613 } }, MetaRateLimitError, "META_RATE_LIMIT"],
    [500, { error: { code: 1 } }, MetaTransientError, "META_TRANSIENT"],
    [400, { error: { code: 100, error_subcode: 2018001 } }, MetaPermanentError, "META_PERMANENT"],
  ] as const)("HTTP %i %j → %s", async (status, body, klass, code) => {
    nock(GRAPH).post("/v21.0/me/messages").reply(status, body);
    const error = await client()
      .sendMessage(PSID, "halo")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(klass);
    expect((error as { code: string }).code).toBe(code);
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it("refuses text beyond MESSENGER_TEXT_MAX before any request", async () => {
    expect(MESSENGER_TEXT_MAX).toBe(2000);
    await expect(client().sendMessage(PSID, "x".repeat(2001))).rejects.toBeInstanceOf(
      MetaTextTooLongError,
    );
  });
});

describe("classifyGraphFailure", () => {
  const none = { windowClosed: new Set<string>() };
  const info = (code: number | null, subcode: number | null = null) => ({
    code,
    subcode,
    type: null,
    fbtraceId: null,
  });
  it("treats 408/429/5xx as retryable kinds and other 4xx as permanent", () => {
    expect(classifyGraphFailure(408, info(null), none)).toBe("transient");
    expect(classifyGraphFailure(429, info(null), none)).toBe("rate_limit");
    expect(classifyGraphFailure(502, info(null), none)).toBe("transient");
    expect(classifyGraphFailure(403, info(200), none)).toBe("permanent");
    expect(classifyGraphFailure(400, info(190), none)).toBe("auth");
  });
});
