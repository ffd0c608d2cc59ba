// Encrypted attachment files under ADUAN_DATA_DIR. Written to a temporary name, then
// renamed: a crash or a full disk never leaves a half file under the final name, and the
// partial file is removed so it does not eat the space that is left.
import { encrypt } from "../security/crypto.js";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { HubContext } from "../context.js";
import { DomainError } from "../domain/errors.js";

export function storageError(e: unknown): DomainError {
  const code = (e as NodeJS.ErrnoException).code ?? "";
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new DomainError(
      "STORAGE_FULL",
      "Penyimpanan berkas penuh (ENOSPC); hubungi admin untuk menambah ruang disk",
      {},
    );
  }
  return new DomainError(
    "STORAGE_ERROR",
    `Berkas tidak dapat disimpan (${code || "kesalahan sistem berkas"})`,
  );
}

/** Writes `blob` at `rel` (relative to ADUAN_DATA_DIR); throws STORAGE_FULL/STORAGE_ERROR. */
export async function writeStoredFile(
  ctx: HubContext,
  rel: string,
  blob: Uint8Array,
): Promise<void> {
  const full = join(ctx.config.ADUAN_DATA_DIR, rel);
  const part = `${full}.part`;
  try {
    await mkdir(dirname(full), { recursive: true });
    await writeFile(part, blob, { mode: 0o600 });
    await rename(part, full);
  } catch (e) {
    await rm(part, { force: true }).catch(() => undefined);
    ctx.logger.error(
      { err: { code: (e as NodeJS.ErrnoException).code, message: (e as Error).message } },
      "attachment file write failed",
    );
    throw storageError(e);
  }
}

/** Encrypts `bytes` with the current key and stores them at `rel`; the key id is returned. */
export async function storeEncryptedFile(
  ctx: HubContext,
  rel: string,
  bytes: Buffer,
): Promise<{ keyId: string }> {
  const enc = encrypt(ctx.keyring, bytes);
  await writeStoredFile(ctx, rel, enc.blob);
  return { keyId: enc.keyId };
}
