import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mapWhatsAppPayload } from "../../../../adapters/whatsapp/whatsapp.mapper.js";

function fixture(name: string): unknown {
  const url = new URL(`../../../fixtures/meta/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as unknown;
}

describe("mapWhatsAppPayload", () => {
  it("maps a text message with the sender's name, E.164 phone and Unix-seconds time", () => {
    const result = mapWhatsAppPayload(fixture("whatsapp-text.json"));
    expect(result.problems).toEqual([]);
    expect(result.statuses).toEqual([]);
    expect(result.messages).toHaveLength(1);
    const m = result.messages[0];
    expect(m).toMatchObject({
      channel: "whatsapp",
      externalId: "wamid.HBgNNjI4MTIwMDAwMDAwMRUCABIYFDNBMDAwMDAwMDAwMDAwMDAwMDAxAA==",
      phoneNumberId: "200000000000002",
      from: { waId: "6281200000001", phoneE164: "+6281200000001", name: "Ibu Rahmah (uji)" },
      kind: "text",
      media: [],
      unknownType: null,
    });
    expect(m?.receivedAt.toISOString()).toBe("2026-02-02T02:40:00.000Z");
    expect(m?.text).toMatch(/^Assalamualaikum.*BPNT/);
  });

  it("maps an image with its caption as text and the media reference", () => {
    const [m] = mapWhatsAppPayload(fixture("whatsapp-image-caption.json")).messages;
    expect(m?.kind).toBe("media");
    expect(m?.text).toMatch(/reaktivasi/);
    expect(m?.media).toEqual([
      {
        mediaId: "1000000000000003",
        mediaType: "image",
        mime: "image/jpeg",
        fileName: null,
        caption: m?.text,
        sha256: "3b5c2d0e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c",
      },
    ]);
  });

  it("maps a document with its file name and no caption", () => {
    const [m] = mapWhatsAppPayload(fixture("whatsapp-document.json")).messages;
    expect(m).toMatchObject({ kind: "media", text: null });
    expect(m?.media[0]).toMatchObject({
      mediaId: "1000000000000004",
      mediaType: "document",
      mime: "application/pdf",
      fileName: "surat-keterangan-kehilangan-KKS.pdf",
      caption: null,
    });
  });

  it("keeps a message whose media fields or reply context carry NUL, without the NUL", () => {
    const payload = fixture("whatsapp-document.json") as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
    };
    const msg = payload.entry[0]!.changes[0]!.value.messages[0]!;
    msg.document = {
      ...(msg.document as object),
      id: "1000\u00000000000000004",
      mime_type: "application/\u0000pdf",
      filename: "surat\u0000.pdf",
    };
    msg.context = { id: "wamid.KONTEKS\u0000" };
    const result = mapWhatsAppPayload(payload);
    expect(result.problems).toEqual([]);
    const m = result.messages[0]!;
    expect(m.replyToExternalId).toBe("wamid.KONTEKS");
    expect(m.media[0]).toMatchObject({
      mediaId: "10000000000000004",
      mime: "application/pdf",
      fileName: "surat.pdf",
    });
    // An id PostgreSQL cannot take is a problem: the message cannot be deduplicated.
    msg.id = "wamid.X\u0000";
    expect(mapWhatsAppPayload(payload).problems.map((p) => p.path)).toEqual([
      "entry.0.changes.0.value.messages.0.id",
    ]);
  });

  it("keeps an unknown message type as kind unknown with the raw type (not dropped)", () => {
    const result = mapWhatsAppPayload(fixture("whatsapp-unknown-order.json"));
    expect(result.problems).toEqual([]);
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]).toMatchObject({
      kind: "unknown",
      unknownType: "order",
      text: null,
      externalId: "wamid.HBgNNjI4MTIwMDAwMDAwNBUCABIYFDNBMDAwMDAwMDAwMDAwMDAwMDA0AA==",
    });
  });

  it("maps delivery statuses, a failed one with its error code and title only", () => {
    const result = mapWhatsAppPayload(fixture("whatsapp-statuses.json"));
    expect(result.messages).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(result.statuses).toEqual([
      {
        externalId: "wamid.HBgNNjI4MTIwMDAwMDAwMRUCABEYEjAwMDAwMDAwMDAwMDAwMDAwMQA=",
        status: "delivered",
        at: new Date(1770001000 * 1000),
        recipientWaId: "6281200000001",
        recipientBsuid: null,
        error: null,
        errorCodes: [],
      },
      {
        externalId: "wamid.HBgNNjI4MTIwMDAwMDAwNRUCABEYEjAwMDAwMDAwMDAwMDAwMDAwMgA=",
        status: "failed",
        at: new Date(1770001060 * 1000),
        recipientWaId: "6281200000005",
        recipientBsuid: null,
        error: "131047 Re-engagement message",
        errorCodes: [131047],
      },
    ]);
  });

  it("maps button replies, locations and reactions", () => {
    const payload = {
      object: "whatsapp_business_account",
      entry: [
        {
          id: "1",
          changes: [
            {
              field: "messages",
              value: {
                metadata: { phone_number_id: "200000000000002" },
                messages: [
                  {
                    from: "6281200000001",
                    id: "wamid.b1",
                    timestamp: "1770000000",
                    type: "interactive",
                    interactive: {
                      type: "button_reply",
                      button_reply: { id: "ya", title: "Ya, sudah" },
                    },
                    context: { from: "6281200000009", id: "wamid.ours" },
                  },
                  {
                    from: "6281200000001",
                    id: "wamid.l1",
                    timestamp: "1770000001",
                    type: "location",
                    location: { latitude: -2.17, longitude: 115.38, name: "Kantor Desa" },
                  },
                  {
                    from: "6281200000001",
                    id: "wamid.r1",
                    timestamp: "1770000002",
                    type: "reaction",
                    reaction: { message_id: "wamid.ours", emoji: "👍" },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    const { messages, problems } = mapWhatsAppPayload(payload);
    expect(problems).toEqual([]);
    expect(messages.map((m) => [m.kind, m.text, m.unknownType])).toEqual([
      ["text", "Ya, sudah", null],
      ["location", null, null],
      ["unknown", "👍", "reaction"],
    ]);
    expect(messages[0]?.replyToExternalId).toBe("wamid.ours");
    expect(messages[1]?.location).toEqual({
      latitude: -2.17,
      longitude: 115.38,
      name: "Kantor Desa",
      address: null,
    });
    // No contacts[] entry: the name is unknown, not guessed.
    expect(messages[0]?.from.name).toBeNull();
  });

  it("reports a broken message by path and keeps the good ones of the batch", () => {
    const payload = fixture("whatsapp-text.json") as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
    };
    const messages = payload.entry[0]!.changes[0]!.value.messages;
    messages.push({
      from: "6281200000001",
      timestamp: "1770000000",
      type: "text",
      text: { body: "x" },
    });
    messages.push({ ...messages[0], id: "wamid.bad-ts", timestamp: "kemarin" });
    messages.push({ ...messages[0], id: "wamid.no-text", text: undefined });
    const result = mapWhatsAppPayload(payload);
    expect(result.messages.map((m) => m.externalId)).toEqual([
      "wamid.HBgNNjI4MTIwMDAwMDAwMRUCABIYFDNBMDAwMDAwMDAwMDAwMDAwMDAxAA==",
      "wamid.no-text",
    ]);
    expect(result.messages[1]).toMatchObject({ kind: "unknown", unknownType: "text" });
    expect(result.problems.map((p) => p.path)).toEqual([
      "entry.0.changes.0.value.messages.1.id",
      "entry.0.changes.0.value.messages.2.timestamp",
      "entry.0.changes.0.value.messages.3.text",
    ]);
    // Problems never quote the payload's values (bodies, phones).
    expect(JSON.stringify(result.problems)).not.toMatch(/6281200000001|kemarin|BPNT/);
  });

  it("reports an unmapped status instead of defaulting it", () => {
    const payload = fixture("whatsapp-statuses.json") as {
      entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[];
    };
    payload.entry[0]!.changes[0]!.value.statuses[0]!.status = "deleted";
    const result = mapWhatsAppPayload(payload);
    expect(result.statuses).toHaveLength(1);
    expect(result.problems).toEqual([
      { path: "entry.0.changes.0.value.statuses.0.status", message: 'unmapped status "deleted"' },
    ]);
  });

  it("reports a status whose ids PostgreSQL cannot take, and strips NUL from error titles", () => {
    const payload = fixture("whatsapp-statuses.json") as {
      entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[];
    };
    const statuses = payload.entry[0]!.changes[0]!.value.statuses;
    statuses[0]!.id = "wamid.A\u0000B";
    const failed = statuses.find((x) => x.status === "failed")!;
    failed.errors = [{ code: 131047, title: "Re-engagement\u0000 message" }];
    const result = mapWhatsAppPayload(payload);
    expect(result.problems).toEqual([
      {
        path: "entry.0.changes.0.value.statuses.0.id",
        message: "contains characters that cannot be stored (NUL or a lone surrogate)",
      },
    ]);
    expect(result.statuses).toHaveLength(statuses.length - 1);
    expect(result.statuses.find((x) => x.status === "failed")?.error).toBe(
      "131047 Re-engagement message",
    );
  });

  it("rejects a payload of another object type as a whole", () => {
    const result = mapWhatsAppPayload(fixture("messenger-text.json"));
    expect(result.messages).toEqual([]);
    expect(result.problems[0]?.path).toBe("object");
  });

  it("ignores change fields other than messages", () => {
    const result = mapWhatsAppPayload({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "1",
          changes: [{ field: "message_template_status_update", value: { event: "APPROVED" } }],
        },
      ],
    });
    expect(result).toEqual({ messages: [], statuses: [], identityUpdates: [], problems: [] });
  });

  // Issue 19: WhatsApp usernames. A sender may be known by phone, by phone and a
  // business-scoped user ID (BSUID), or by BSUID only; the three shapes are enumerated.
  describe("senders known by business-scoped user ID (BSUID)", () => {
    it.each([
      {
        shape: "phone only",
        file: "whatsapp-text.json",
        from: { waId: "6281200000001", bsuid: null, phoneE164: "+6281200000001" },
      },
      {
        shape: "phone + BSUID",
        file: "whatsapp-phone-bsuid.json",
        from: {
          waId: "6281200000001",
          bsuid: "ID.5F4E3D2C1B0A9F8E7D6C",
          phoneE164: "+6281200000001",
        },
      },
      {
        shape: "BSUID only",
        file: "whatsapp-bsuid-only.json",
        from: { waId: null, bsuid: "ID.9A8B7C6D5E4F3A2B1C0D", phoneE164: null },
      },
    ])("maps a $shape sender with the profile name", ({ file, from }) => {
      const result = mapWhatsAppPayload(fixture(file));
      expect(result.problems).toEqual([]);
      expect(result.messages).toHaveLength(1);
      expect(result.messages[0]?.from).toMatchObject(from);
      expect(result.messages[0]?.from.name).toBeTruthy();
    });

    it("takes from_user_id beside a phone-number from", () => {
      const payload = fixture("whatsapp-text.json") as {
        entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
      };
      payload.entry[0]!.changes[0]!.value.messages[0]!.from_user_id = "ID.1A2B3C";
      const [m] = mapWhatsAppPayload(payload).messages;
      expect(m?.from).toMatchObject({ waId: "6281200000001", bsuid: "ID.1A2B3C" });
    });

    it.each([
      "ID.",
      "id.9A8B",
      "ID-9A8B",
      "+6281200000001",
      "ID.9A8B!",
      "",
      `ID.${"A".repeat(129)}`,
    ])("reports a from that is neither a wa_id nor a BSUID (%j), keeping nothing", (from) => {
      const payload = fixture("whatsapp-bsuid-only.json") as {
        entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
      };
      payload.entry[0]!.changes[0]!.value.messages[0]!.from = from;
      const result = mapWhatsAppPayload(payload);
      expect(result.messages).toEqual([]);
      expect(result.problems).toEqual([
        {
          path: "entry.0.changes.0.value.messages.0.from",
          message: "from must be the sender's wa_id (digits) or business-scoped user ID",
        },
      ]);
    });

    it("maps a status of a message sent to a BSUID (no recipient_id)", () => {
      const result = mapWhatsAppPayload({
        object: "whatsapp_business_account",
        entry: [
          {
            id: "1",
            changes: [
              {
                field: "messages",
                value: {
                  metadata: { phone_number_id: "200000000000002" },
                  statuses: [
                    {
                      id: "wamid.OUT-1",
                      status: "read",
                      timestamp: "1770001000",
                      recipient_user_id: "ID.9A8B7C6D5E4F3A2B1C0D",
                    },
                    { id: "wamid.OUT-2", status: "read", timestamp: "1770001000" },
                  ],
                },
              },
            ],
          },
        ],
      });
      expect(result.statuses).toMatchObject([
        {
          externalId: "wamid.OUT-1",
          recipientWaId: null,
          recipientBsuid: "ID.9A8B7C6D5E4F3A2B1C0D",
        },
      ]);
      expect(result.problems).toEqual([
        {
          path: "entry.0.changes.0.value.statuses.1.recipient_id",
          message: "recipient_id or recipient_user_id is missing",
        },
      ]);
    });

    it("maps a user_id_update and reports an entry that names nobody", () => {
      const payload = fixture("whatsapp-user-id-update.json") as {
        entry: { changes: { value: { user_id_update: unknown[] } }[] }[];
      };
      payload.entry[0]!.changes[0]!.value.user_id_update.push({ user_id: "ID.ABC" });
      const result = mapWhatsAppPayload(payload);
      expect(result.identityUpdates).toEqual([
        { waId: "6281200000007", previousBsuid: null, bsuid: "ID.7A6B5C4D3E2F1A0B9C8D" },
      ]);
      expect(result.problems).toEqual([
        {
          path: "entry.0.changes.0.value.user_id_update.1.wa_id",
          message: "wa_id or previous_user_id is required to know whose user_id changed",
        },
      ]);
      expect(result.messages).toEqual([]);
    });
  });
});
