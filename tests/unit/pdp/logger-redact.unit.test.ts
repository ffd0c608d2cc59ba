// The pino redact list covers the shapes the channels and services log: nested sender
// names, message texts, whole payloads, captions, subjects, contact cards.
import { Writable } from "node:stream";
import type pino from "pino";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/logger.js";

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      lines.push(c.toString("utf8"));
      cb();
    },
  });
  return { logger: createLogger("debug", sink as unknown as pino.DestinationStream), lines };
}

const SECRET = [
  "Siti Aisyah",
  "6309041203100001",
  "+6281251107788",
  "6281251107788",
  "tolong bantu",
  "ID.9A8B7C6D5E4F3A2B1C0D",
];

describe("log redaction", () => {
  it.each([
    ["msg.text", { msg: { text: "tolong bantu" } }],
    ["from.name", { from: { name: "Siti Aisyah", id: 1 } }],
    [
      "payload.*",
      { payload: { entry: [{ changes: [{ value: { text: { body: "tolong bantu" } } }] }] } },
    ],
    ["job payload", { job: "x", payload: { to: "+6281251107788" } }],
    ["caption", { media: { caption: "tolong bantu" } }],
    ["subject", { mail: { subject: "Siti Aisyah minta bantuan" } }],
    [
      "contacts",
      { value: { contacts: [{ profile: { name: "Siti Aisyah" }, wa_id: "6281251107788" }] } },
    ],
    [
      "party",
      { party: { name: "Siti Aisyah", nik: "6309041203100001", phoneE164: "+6281251107788" } },
    ],
    ["wa_id", { wa_id: "6281251107788" }],
    // WhatsApp business-scoped user IDs (issue 19) in the shapes code and webhooks use.
    ["bsuid", { from: { bsuid: "ID.9A8B7C6D5E4F3A2B1C0D" } }],
    ["user_id", { status: { user_id: "ID.9A8B7C6D5E4F3A2B1C0D" } }],
    ["recipient", { body: { recipient: "ID.9A8B7C6D5E4F3A2B1C0D" } }],
  ])("redacts %s", (_label, obj) => {
    const { logger, lines } = capture();
    logger.info(obj, "event");
    const out = lines.join("");
    expect(out).toContain("[redacted]");
    for (const s of SECRET) expect(out).not.toContain(s);
  });
});
