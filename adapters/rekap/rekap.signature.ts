// X-Signature of rekap.yaml: sha256=<hex HMAC-SHA256(key, raw body)>, over the exact bytes
// sent (the body is serialised once and signed as stored, never re-serialised).
import { createHmac, timingSafeEqual } from "node:crypto";

export function signRekap(key: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac("sha256", key).update(rawBody).digest("hex")}`;
}

export function verifyRekapSignature(
  key: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(signRekap(key, rawBody), "utf8");
  const given = Buffer.from(header.trim(), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
