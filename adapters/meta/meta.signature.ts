import { createHmac, timingSafeEqual } from "node:crypto";
import { err, ok, type Result } from "../../src/domain/result.js";

/**
 * Meta (WhatsApp Cloud API, Messenger, Instagram) signs every webhook POST with
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`. The check runs on
 * the raw bytes, before JSON parsing: re-serialised JSON would not match byte for byte.
 */
export const META_SIGNATURE_HEADER = "x-hub-signature-256";

export type SignatureErrorCode = "SIGNATURE_MISSING" | "SIGNATURE_INVALID";
export interface SignatureError {
  readonly code: SignatureErrorCode;
}

const SIGNATURE_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;

export function computeMetaSignature(rawBody: Buffer, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
}

export function verifyMetaSignature(
  rawBody: Buffer,
  header: string | undefined,
  appSecret: string,
): Result<void, SignatureError> {
  if (appSecret.length === 0) {
    // A misconfigured empty secret would make every forged payload "valid" for anyone
    // who also signs with "": that is a bug at boot, not a request failure.
    throw new Error("verifyMetaSignature: app secret is empty (check WHATSAPP_APP_SECRET)");
  }
  if (header === undefined || header.trim() === "") return err({ code: "SIGNATURE_MISSING" });
  const match = SIGNATURE_PATTERN.exec(header.trim());
  if (!match?.[1]) return err({ code: "SIGNATURE_INVALID" });
  const received = Buffer.from(match[1].toLowerCase(), "hex");
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  // timingSafeEqual throws on different lengths; the pattern fixes 32 bytes, but the
  // check stays explicit so a future pattern change cannot turn into a 500.
  if (received.length !== expected.length) return err({ code: "SIGNATURE_INVALID" });
  return timingSafeEqual(received, expected) ? ok(undefined) : err({ code: "SIGNATURE_INVALID" });
}

export type HandshakeErrorCode =
  "HANDSHAKE_MODE_INVALID" | "HANDSHAKE_TOKEN_MISMATCH" | "HANDSHAKE_CHALLENGE_MISSING";
export interface HandshakeError {
  readonly code: HandshakeErrorCode;
}

/** Express parses `a=1&a=2` into arrays; only a single string counts. */
function single(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/**
 * GET `?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`: the challenge is echoed
 * (200) only when the token matches, else the route answers 403. Accepts both the flat
 * keys Express gives (`"hub.mode"`) and a nested `{ hub: { mode } }` from qs-style parsers.
 */
export function verifyHandshake(
  query: Readonly<Record<string, unknown>>,
  verifyToken: string,
): Result<string, HandshakeError> {
  if (verifyToken.length === 0) {
    throw new Error("verifyHandshake: verify token is empty (check WHATSAPP_VERIFY_TOKEN)");
  }
  const nested =
    typeof query.hub === "object" && query.hub !== null
      ? (query.hub as Record<string, unknown>)
      : {};
  const mode = single(query["hub.mode"] ?? nested.mode);
  const token = single(query["hub.verify_token"] ?? nested.verify_token);
  const challenge = single(query["hub.challenge"] ?? nested.challenge);
  if (mode !== "subscribe") return err({ code: "HANDSHAKE_MODE_INVALID" });
  if (token === null) return err({ code: "HANDSHAKE_TOKEN_MISMATCH" });
  const a = Buffer.from(token, "utf8");
  const b = Buffer.from(verifyToken, "utf8");
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return err({ code: "HANDSHAKE_TOKEN_MISMATCH" });
  }
  if (challenge === null || challenge === "") return err({ code: "HANDSHAKE_CHALLENGE_MISSING" });
  return ok(challenge);
}
