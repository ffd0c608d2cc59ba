// Shared by the channel integration tests: signed Meta payloads and an outbox drain that
// runs the registry's publishers exactly like the worker does (one entry at a time).
import { expect } from "vitest";
import type { HubContext } from "../../../src/context.js";
import { computeMetaSignature } from "../../../adapters/meta/meta.signature.js";

export const WA_SECRET = "wa-app-secret-uji-123";
export const WA_VERIFY = "wa-verify-token-uji";
export const WA_PHONE_ID = "1234567890";
export const META_SECRET = "meta-app-secret-uji-123";
export const META_VERIFY = "meta-verify-token-uji";

export async function postSigned(
  url: string,
  body: string | Buffer,
  secret: string | null,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secret ? { "x-hub-signature-256": computeMetaSignature(bytes, secret) } : {}),
      ...extraHeaders,
    },
    body: bytes,
  });
  return { status: res.status, text: await res.text() };
}

export function waText(from: string, id: string, body: string, at: Date = new Date()) {
  return {
    from,
    id,
    timestamp: String(Math.floor(at.getTime() / 1000)),
    type: "text",
    text: { body },
  };
}

/** A signed-body envelope of one WhatsApp Business Account change (`field` + `value`). */
export function waEnvelope(field: string, value: Record<string, unknown>) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field,
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "6282150000000", phone_number_id: WA_PHONE_ID },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

export function waPayload(
  messages: unknown[],
  opts: { contacts?: { wa_id: string; name: string }[]; statuses?: unknown[] } = {},
) {
  return waEnvelope("messages", {
    ...(opts.contacts
      ? { contacts: opts.contacts.map((c) => ({ wa_id: c.wa_id, profile: { name: c.name } })) }
      : {}),
    ...(messages.length ? { messages } : {}),
    ...(opts.statuses ? { statuses: opts.statuses } : {}),
  });
}

/** A Messenger/Instagram message webhook (`echo`: the Page's own message sent back). */
export function metaMessage(
  object: "page" | "instagram",
  sender: string,
  mid: string,
  text: string,
  echo = false,
) {
  return {
    object,
    entry: [
      {
        id: "PAGE1",
        time: Date.now(),
        messaging: [
          {
            sender: { id: sender },
            recipient: { id: "PAGE1" },
            timestamp: Date.now(),
            message: { mid, text, ...(echo ? { is_echo: true } : {}) },
          },
        ],
      },
    ],
  };
}

/** Runs every pending outbox entry through its handler once; returns the outcomes. */
export async function drainOutbox(
  ctx: HubContext,
  kinds?: string[],
): Promise<{ kind: string; status: string; error?: string }[]> {
  const rows = await ctx.db.prisma.outbox.findMany({
    where: { status: "pending", ...(kinds ? { kind: { in: kinds } } : {}) },
    orderBy: { seq: "asc" },
  });
  const out: { kind: string; status: string; error?: string }[] = [];
  for (const row of rows) {
    const handler = ctx.registry.publisher(row.kind);
    if (!handler) throw new Error(`no publisher for ${row.kind}`);
    const r = await handler(ctx, row);
    await ctx.db.prisma.outbox.update({
      where: { id: row.id },
      data: {
        status: r.status === "retry" ? "pending" : r.status,
        attempts: { increment: 1 },
        ...(r.status === "sent" ? { sentAt: new Date() } : { lastError: r.error }),
      },
    });
    out.push({
      kind: row.kind,
      status: r.status,
      ...(r.status !== "sent" ? { error: r.error } : {}),
    });
  }
  return out;
}

/**
 * Issue 18: an acknowledgement carries the status link of its case, whose token opens that
 * case's status; the stored copy of the message keeps the link without the token. Returns
 * the token.
 */
export async function expectStatusLink(
  hub: { url: string; ctx: HubContext },
  ackText: string,
  c: { id: string; number: string },
): Promise<string> {
  const link = /https?:\/\/\S+\/pengaduan\/status\?nomor=([^&\s]+)&token=([A-Za-z0-9_-]+)/.exec(
    ackText,
  );
  expect(link, ackText).not.toBeNull();
  expect(decodeURIComponent(link![1]!)).toBe(c.number);
  const token = link![2]!;
  const seen = await fetch(`${hub.url}/api/v1/public/complaints/${c.number}`, {
    headers: { "x-lookup-token": token },
  });
  expect(seen.status).toBe(200);
  const stored = await hub.ctx.db.prisma.message.findFirstOrThrow({
    where: { caseId: c.id, direction: "out" },
  });
  expect(stored.body).not.toContain(token);
  expect(stored.body).toContain("/pengaduan/status?nomor=");
  return token;
}
