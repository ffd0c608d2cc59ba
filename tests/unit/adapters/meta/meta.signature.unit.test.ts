import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  computeMetaSignature,
  verifyHandshake,
  verifyMetaSignature,
} from "../../../../adapters/meta/meta.signature.js";

const SECRET = "app-secret-uji-0001";
const body = readFileSync(new URL("../../../fixtures/meta/whatsapp-text.json", import.meta.url));
const sign = (raw: Buffer, secret = SECRET): string =>
  `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;

describe("verifyMetaSignature", () => {
  it("accepts the HMAC-SHA256 of the raw bytes", () => {
    expect(verifyMetaSignature(body, sign(body), SECRET)).toEqual({ ok: true, value: undefined });
    expect(computeMetaSignature(body, SECRET)).toBe(sign(body));
  });

  it("accepts upper-case hex and surrounding whitespace", () => {
    const header = ` sha256=${sign(body).slice(7).toUpperCase()} `;
    expect(verifyMetaSignature(body, header, SECRET).ok).toBe(true);
  });

  it("rejects a body tampered by one byte", () => {
    const tampered = Buffer.from(body);
    tampered[10] = (tampered[10] ?? 0) ^ 0x01;
    expect(verifyMetaSignature(tampered, sign(body), SECRET)).toEqual({
      ok: false,
      error: { code: "SIGNATURE_INVALID" },
    });
  });

  it("rejects a re-serialised body (signature is over the raw bytes)", () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString("utf8"))));
    expect(reserialised.equals(body)).toBe(false);
    expect(verifyMetaSignature(reserialised, sign(body), SECRET).ok).toBe(false);
  });

  it("rejects a signature made with another secret", () => {
    const result = verifyMetaSignature(body, sign(body, "secret-lain"), SECRET);
    expect(result).toEqual({ ok: false, error: { code: "SIGNATURE_INVALID" } });
  });

  it.each([
    [undefined, "SIGNATURE_MISSING"],
    ["", "SIGNATURE_MISSING"],
    ["   ", "SIGNATURE_MISSING"],
  ] as const)("reports a missing header (%j) as SIGNATURE_MISSING", (header, code) => {
    expect(verifyMetaSignature(body, header, SECRET)).toEqual({ ok: false, error: { code } });
  });

  it.each([
    ["sha1 header", `sha1=${createHmac("sha1", SECRET).update(body).digest("hex")}`],
    ["no prefix", createHmac("sha256", SECRET).update(body).digest("hex")],
    ["not hex", `sha256=${"z".repeat(64)}`],
    ["shorter", sign(body).slice(0, -2)],
    ["longer", `${sign(body)}00`],
    ["base64", `sha256=${createHmac("sha256", SECRET).update(body).digest("base64")}`],
  ])("rejects a malformed header (%s) without throwing", (_name, header) => {
    expect(verifyMetaSignature(body, header, SECRET)).toEqual({
      ok: false,
      error: { code: "SIGNATURE_INVALID" },
    });
  });

  it("refuses to run with an empty secret (boot misconfiguration)", () => {
    expect(() => verifyMetaSignature(body, sign(body, ""), "")).toThrow(/app secret is empty/);
  });
});

describe("verifyHandshake", () => {
  const TOKEN = "verify-token-uji";

  it("returns the challenge when mode and token match (flat Express keys)", () => {
    const result = verifyHandshake(
      { "hub.mode": "subscribe", "hub.verify_token": TOKEN, "hub.challenge": "1158201444" },
      TOKEN,
    );
    expect(result).toEqual({ ok: true, value: "1158201444" });
  });

  it("accepts the nested shape of qs-style parsers", () => {
    const result = verifyHandshake(
      { hub: { mode: "subscribe", verify_token: TOKEN, challenge: "42" } },
      TOKEN,
    );
    expect(result).toEqual({ ok: true, value: "42" });
  });

  it.each([
    [
      { "hub.mode": "subscribe", "hub.verify_token": "salah", "hub.challenge": "1" },
      "HANDSHAKE_TOKEN_MISMATCH",
    ],
    [
      { "hub.mode": "subscribe", "hub.verify_token": `${TOKEN}x`, "hub.challenge": "1" },
      "HANDSHAKE_TOKEN_MISMATCH",
    ],
    [{ "hub.mode": "subscribe", "hub.challenge": "1" }, "HANDSHAKE_TOKEN_MISMATCH"],
    [
      { "hub.mode": "unsubscribe", "hub.verify_token": TOKEN, "hub.challenge": "1" },
      "HANDSHAKE_MODE_INVALID",
    ],
    [
      { "hub.mode": ["subscribe", "subscribe"], "hub.verify_token": TOKEN, "hub.challenge": "1" },
      "HANDSHAKE_MODE_INVALID",
    ],
    [{ "hub.mode": "subscribe", "hub.verify_token": TOKEN }, "HANDSHAKE_CHALLENGE_MISSING"],
    [{}, "HANDSHAKE_MODE_INVALID"],
  ])("refuses %j with %s", (query, code) => {
    expect(verifyHandshake(query, TOKEN)).toEqual({ ok: false, error: { code } });
  });
});
