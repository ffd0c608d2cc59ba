// Where attachment files live: Attachment.storagePath is relative to ADUAN_DATA_DIR (an
// absolute path is taken as is). Writes are atomic: temp file in the same directory, fsync,
// rename.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Config } from "../config/config.js";

export function attachmentFile(
  config: Pick<Config, "ADUAN_DATA_DIR">,
  storagePath: string,
): string {
  return isAbsolute(storagePath) ? storagePath : resolve(config.ADUAN_DATA_DIR, storagePath);
}

export function writeFileAtomic(path: string, data: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** The path a file re-encrypted under `keyId` goes to: the old file stays until the row moved. */
export function rotatedPath(storagePath: string, keyId: string): string {
  return `${storagePath.replace(/~[A-Za-z0-9_-]{1,32}$/, "")}~${keyId}`;
}
