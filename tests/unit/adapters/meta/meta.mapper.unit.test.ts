import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mapMetaPayload } from "../../../../adapters/meta/meta.mapper.js";

function fixture(name: string): unknown {
  const url = new URL(`../../../fixtures/meta/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as unknown;
}

describe("mapMetaPayload", () => {
  it("maps a Messenger text message (object page → channel facebook, PSID)", () => {
    const result = mapMetaPayload(fixture("messenger-text.json"));
    expect(result.object).toBe("page");
    expect(result.problems).toEqual([]);
    expect(result.ignored).toEqual([]);
    expect(result.messages).toEqual([
      {
        channel: "facebook",
        externalId:
          "m_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1",
        pageId: "400000000000001",
        from: { id: "5000000000000001", idType: "psid" },
        receivedAt: new Date(1770002000123),
        kind: "text",
        text: expect.stringMatching(/PKH/) as unknown as string,
        media: [],
        location: null,
        replyToExternalId: null,
        unknownType: null,
      },
    ]);
  });

  it("maps an Instagram text message (channel instagram, IGSID)", () => {
    const result = mapMetaPayload(fixture("instagram-text.json"));
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]).toMatchObject({
      channel: "instagram",
      from: { id: "6000000000000001", idType: "igsid" },
      kind: "text",
      receivedAt: new Date(1770002100456),
    });
    expect(result.messages[0]?.text).toMatch(/KKS saya hilang/);
  });

  it("reports echoes of our own messages and receipts as ignored, with reasons", () => {
    const result = mapMetaPayload(fixture("messenger-echo-and-receipts.json"));
    expect(result.messages).toEqual([]);
    expect(result.problems).toEqual([]);
    const echoMid =
      "m_ECHOECHOECHOECHOECHOECHOECHOECHOECHOECHOECHOECHOECHOECHOECHOECHOECHOECHOECHOECHOECHO01";
    expect(result.ignored).toEqual([
      { reason: "echo", externalId: echoMid, path: "entry.0.messaging.0" },
      { reason: "delivery", externalId: echoMid, path: "entry.0.messaging.1" },
      { reason: "read", externalId: null, path: "entry.0.messaging.2" },
    ]);
  });

  it("maps an image attachment as media with its URL", () => {
    const [m] = mapMetaPayload(fixture("messenger-attachment.json")).messages;
    expect(m).toMatchObject({ kind: "media", text: null, unknownType: null });
    expect(m?.media).toEqual([
      {
        type: "image",
        url: expect.stringMatching(/^https:\/\/scontent\.xx\.fbcdn\.net\//) as unknown as string,
      },
    ]);
  });

  it("strips NUL from an attachment URL and the reply context; a mid with NUL is a problem", () => {
    const payload = fixture("messenger-attachment.json") as {
      entry: { messaging: { message: Record<string, unknown> }[] }[];
    };
    const message = payload.entry[0]!.messaging[0]!.message;
    message.attachments = [
      { type: "image", payload: { url: "https://scontent.xx.fbcdn.net/a\u0000.jpg" } },
    ];
    message.reply_to = { mid: "m_KONTEKS\u0000" };
    const [m] = mapMetaPayload(payload).messages;
    expect(m?.media).toEqual([{ type: "image", url: "https://scontent.xx.fbcdn.net/a.jpg" }]);
    expect(m?.replyToExternalId).toBe("m_KONTEKS");
    message.mid = "m_X\u0000";
    const broken = mapMetaPayload(payload);
    expect(broken.messages).toEqual([]);
    expect(broken.problems.map((p) => p.path)).toEqual(["entry.0.messaging.0.message.mid"]);
  });

  it("keeps unknown attachment types and unsupported messages as kind unknown", () => {
    const result = mapMetaPayload({
      object: "instagram",
      entry: [
        {
          id: "17800000000000001",
          messaging: [
            {
              sender: { id: "6000000000000002" },
              recipient: { id: "17800000000000001" },
              timestamp: 1770003000000,
              message: {
                mid: "ig-1",
                attachments: [{ type: "story_mention", payload: { url: "https://x" } }],
              },
            },
            {
              sender: { id: "6000000000000002" },
              recipient: { id: "17800000000000001" },
              timestamp: 1770003000001,
              message: { mid: "ig-2", is_unsupported: true },
            },
            {
              sender: { id: "6000000000000002" },
              recipient: { id: "17800000000000001" },
              timestamp: 1770003000002,
              message: { mid: "ig-3", is_deleted: true },
            },
          ],
        },
      ],
    });
    expect(result.messages.map((m) => [m.externalId, m.kind, m.unknownType])).toEqual([
      ["ig-1", "unknown", "story_mention"],
      ["ig-2", "unknown", "unsupported"],
    ]);
    expect(result.ignored).toEqual([
      { reason: "deleted", externalId: "ig-3", path: "entry.0.messaging.2" },
    ]);
  });

  it("reports an event without mid as a problem and keeps the rest", () => {
    const payload = fixture("messenger-text.json") as { entry: { messaging: unknown[] }[] };
    payload.entry[0]!.messaging.unshift({
      sender: { id: "5000000000000001" },
      recipient: { id: "400000000000001" },
      timestamp: 1770002000000,
      message: { text: "tanpa mid" },
    });
    const result = mapMetaPayload(payload);
    expect(result.messages).toHaveLength(1);
    expect(result.problems).toEqual([
      { path: "entry.0.messaging.0.message.mid", message: expect.any(String) as unknown as string },
    ]);
    expect(JSON.stringify(result.problems)).not.toContain("tanpa mid");
  });

  it("rejects an unknown object as a whole", () => {
    const result = mapMetaPayload(fixture("whatsapp-text.json"));
    expect(result.object).toBeNull();
    expect(result.messages).toEqual([]);
    expect(result.problems[0]?.path).toBe("object");
  });
});
