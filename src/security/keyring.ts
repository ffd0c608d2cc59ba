import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/config.js";
import { newKey, type Keyring } from "./crypto.js";

export class KeyringError extends Error {}

// Keys come from the environment. Only the embedded (no DATABASE_URL) default may fall back
// to a development key generated into the data dir, so a newcomer needs no setup.
export function loadKeyring(config: Config): Keyring {
  let encKey = config.ADUAN_ENCRYPTION_KEY;
  let hashKey = config.ADUAN_HASH_KEY;
  let auditKey = config.ADUAN_AUDIT_KEY;
  const keys = new Map<string, Buffer>();
  for (const [id, k] of Object.entries(config.ADUAN_ENCRYPTION_OLD_KEYS)) {
    keys.set(id, Buffer.from(k, "base64"));
  }
  if (!encKey || !hashKey || !auditKey) {
    if (config.DATABASE_URL) {
      const missing = !encKey
        ? "ADUAN_ENCRYPTION_KEY"
        : !hashKey
          ? "ADUAN_HASH_KEY"
          : "ADUAN_AUDIT_KEY";
      throw new KeyringError(
        `${missing}: required when DATABASE_URL is set ` +
          "(32 random bytes, base64: `openssl rand -base64 32`)",
      );
    }
    const dev = devKeys(config.ADUAN_DATA_DIR);
    encKey ??= dev.encryptionKey;
    hashKey ??= dev.hashKey;
    auditKey ??= dev.auditKey;
  }
  keys.set(config.ADUAN_ENCRYPTION_KEY_ID, Buffer.from(encKey, "base64"));
  return {
    currentId: config.ADUAN_ENCRYPTION_KEY_ID,
    keys,
    hashKey: Buffer.from(hashKey, "base64"),
    auditKey: Buffer.from(auditKey, "base64"),
  };
}

type DevKeys = { encryptionKey: string; hashKey: string; auditKey: string };

function devKeys(dataDir: string): DevKeys {
  const file = join(dataDir, "dev-keys.json");
  if (existsSync(file)) {
    const keys = JSON.parse(readFileSync(file, "utf8")) as Partial<DevKeys> &
      Pick<DevKeys, "encryptionKey" | "hashKey">;
    if (keys.auditKey) return keys as DevKeys;
    // A data dir from before the keyed audit chain: its other keys stay, the audit key is added.
    const upgraded = { ...keys, auditKey: newKey() };
    writeFileSync(file, JSON.stringify(upgraded, null, 2), { mode: 0o600 });
    return upgraded;
  }
  mkdirSync(dataDir, { recursive: true });
  const keys = { encryptionKey: newKey(), hashKey: newKey(), auditKey: newKey() };
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
