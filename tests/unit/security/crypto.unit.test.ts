import { describe, expect, it } from "vitest";
import { decrypt, encrypt, keyedHash, type Keyring } from "../../../src/security/crypto.js";
import { hashPassword, verifyPassword } from "../../../src/security/password.js";

const ring = (id: string, fill: number): Keyring => ({
  currentId: id,
  keys: new Map([[id, Buffer.alloc(32, fill)]]),
  hashKey: Buffer.alloc(32, 1),
  auditKey: Buffer.alloc(32, 2),
});

describe("field encryption", () => {
  it("round-trips with the key id stored beside the value, and never repeats a ciphertext", () => {
    const r = ring("k1", 3);
    const a = encrypt(r, "6309041203100001");
    const b = encrypt(r, "6309041203100001");
    expect(a.keyId).toBe("k1");
    expect(a.blob.equals(b.blob)).toBe(false);
    expect(decrypt(r, a.keyId, a.blob).toString()).toBe("6309041203100001");
  });
  it("detects tampering and a wrong key", () => {
    const r = ring("k1", 3);
    const a = encrypt(r, "6309041203100001");
    const tampered = Buffer.from(a.blob);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => decrypt(r, "k1", tampered)).toThrow();
    expect(() => decrypt(ring("k1", 4), "k1", a.blob)).toThrow();
    expect(() => decrypt(r, "k9", a.blob)).toThrow(/k9/);
  });
  it("keyed hash is stable per key and differs across keys", () => {
    expect(keyedHash(ring("k1", 3), "x")).toBe(keyedHash(ring("k2", 5), "x"));
    const other: Keyring = { ...ring("k1", 3), hashKey: Buffer.alloc(32, 2) };
    expect(keyedHash(other, "x")).not.toBe(keyedHash(ring("k1", 3), "x"));
  });
});

describe("passwords", () => {
  it("hashes with scrypt and verifies", async () => {
    const h = await hashPassword("rahasia-sekali-123");
    expect(h).toMatch(/^scrypt\$/);
    expect(await verifyPassword("rahasia-sekali-123", h)).toBe(true);
    expect(await verifyPassword("rahasia-sekali-124", h)).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
  });
});
