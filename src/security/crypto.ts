// Field encryption for NIK and sensitive files: AES-256-GCM with the key id stored beside
// each value so keys can rotate; a keyed hash (HMAC-SHA256) for equality look-ups.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

export type Keyring = {
  currentId: string;
  keys: Map<string, Buffer>;
  hashKey: Buffer;
  /** HMAC key of the audit chain (ADUAN_AUDIT_KEY). */
  auditKey: Buffer;
};

const VERSION = 1;

export function encrypt(
  ring: Keyring,
  plaintext: Buffer | string,
): { keyId: string; blob: Buffer } {
  const key = ring.keys.get(ring.currentId);
  if (!key) throw new Error(`encryption key ${ring.currentId} missing`);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  // blob = version(1) | iv(12) | tag(16) | ciphertext
  return {
    keyId: ring.currentId,
    blob: Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), data]),
  };
}

export function decrypt(ring: Keyring, keyId: string, blob: Uint8Array): Buffer {
  const key = ring.keys.get(keyId);
  if (!key) throw new Error(`encryption key ${keyId} is not configured`);
  const buf = Buffer.from(blob);
  if (buf[0] !== VERSION) throw new Error("unknown ciphertext version");
  const iv = buf.subarray(1, 13);
  const tag = buf.subarray(13, 29);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(buf.subarray(29)), decipher.final()]);
}

export function keyedHash(ring: Keyring, value: string): string {
  return createHmac("sha256", ring.hashKey).update(value).digest("hex");
}

export function newKey(): string {
  return randomBytes(32).toString("base64");
}
