// `aduan-hub keys rotate`: re-encrypts every NIK (Party, Finding) and every encrypted file
// whose key id is not the current one, in batches of one transaction each. Resumable by
// construction: each row carries its own key id, old keys stay configured
// (ADUAN_ENCRYPTION_OLD_KEYS), and a run simply continues with the rows still on old keys.
// A file is re-encrypted to a NEW path and the row switches path and key id in one update,
// so a crash at any point leaves the row pointing at a file its key id decrypts.
import { readFileSync, rmSync } from "node:fs";
import type { HubContext } from "../context.js";
import { decrypt, encrypt } from "../security/crypto.js";
import { attachmentFile, rotatedPath, writeFileAtomic } from "./files.js";

export type RotationTable = "Party" | "Finding" | "Attachment";
export type RotationProgress = {
  table: RotationTable;
  batch: number;
  rotated: number;
  remaining: number;
};
export type RotationResult = {
  keyId: string;
  rotated: Record<RotationTable, number>;
  remaining: number;
  batches: number;
  complete: boolean;
};

export async function pendingRotation(ctx: HubContext): Promise<Record<RotationTable, number>> {
  const id = ctx.keyring.currentId;
  const [p, f, a] = await Promise.all([
    ctx.db.prisma.party.count({ where: { nikCipher: { not: null }, NOT: { nikKeyId: id } } }),
    ctx.db.prisma.finding.count({ where: { nikCipher: { not: null }, NOT: { nikKeyId: id } } }),
    ctx.db.prisma.attachment.count({
      where: { encrypted: true, storagePath: { not: null }, NOT: { keyId: id } },
    }),
  ]);
  return { Party: p, Finding: f, Attachment: a };
}

async function rotateNikBatch(
  ctx: HubContext,
  table: "Party" | "Finding",
  size: number,
): Promise<number> {
  const ring = ctx.keyring;
  return ctx.db.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<
      { id: string; nikCipher: Uint8Array; nikKeyId: string }[]
    >(
      `SELECT id::text AS id, "nikCipher", "nikKeyId" FROM "${table}"
       WHERE "nikCipher" IS NOT NULL AND "nikKeyId" IS DISTINCT FROM $1
       ORDER BY id LIMIT ${size} FOR UPDATE SKIP LOCKED`,
      ring.currentId,
    );
    for (const r of rows) {
      const plain = decrypt(ring, r.nikKeyId, r.nikCipher);
      const enc = encrypt(ring, plain);
      // Compare-and-set on the old key id: a concurrent rotation of the same row is a no-op.
      await tx.$executeRawUnsafe(
        `UPDATE "${table}" SET "nikCipher" = $1, "nikKeyId" = $2 WHERE id = $3::uuid AND "nikKeyId" = $4`,
        new Uint8Array(enc.blob),
        enc.keyId,
        r.id,
        r.nikKeyId,
      );
    }
    return rows.length;
  });
}

async function rotateFileBatch(ctx: HubContext, size: number): Promise<number> {
  const ring = ctx.keyring;
  const rows = await ctx.db.prisma.attachment.findMany({
    where: { encrypted: true, storagePath: { not: null }, NOT: { keyId: ring.currentId } },
    select: { id: true, storagePath: true, keyId: true },
    orderBy: { id: "asc" },
    take: size,
  });
  if (rows.length === 0) return 0;
  const moved: { id: string; oldKey: string | null; oldPath: string; newPath: string }[] = [];
  try {
    for (const r of rows) {
      const oldPath = r.storagePath!;
      const blob = readFileSync(attachmentFile(ctx.config, oldPath));
      const plain = decrypt(ring, r.keyId ?? "", blob);
      const enc = encrypt(ring, plain);
      const newPath = rotatedPath(oldPath, enc.keyId);
      writeFileAtomic(attachmentFile(ctx.config, newPath), enc.blob);
      moved.push({ id: r.id, oldKey: r.keyId, oldPath, newPath });
    }
    await ctx.db.prisma.$transaction(async (tx) => {
      for (const m of moved) {
        await tx.attachment.updateMany({
          where: { id: m.id, keyId: m.oldKey, storagePath: m.oldPath },
          data: { keyId: ring.currentId, storagePath: m.newPath },
        });
      }
    });
  } catch (e) {
    for (const m of moved) rmSync(attachmentFile(ctx.config, m.newPath), { force: true });
    throw e;
  }
  // Only now is the old ciphertext unreferenced.
  for (const m of moved) {
    if (m.oldPath !== m.newPath) rmSync(attachmentFile(ctx.config, m.oldPath), { force: true });
  }
  return moved.length;
}

export async function rotateKeys(
  ctx: HubContext,
  opts: {
    batchSize?: number;
    /** Stop after this many batches (tests simulate an interrupted run with it). */
    maxBatches?: number;
    onProgress?: (p: RotationProgress) => void;
  } = {},
): Promise<RotationResult> {
  const size = Math.max(1, opts.batchSize ?? 500);
  const rotated: Record<RotationTable, number> = { Party: 0, Finding: 0, Attachment: 0 };
  let batches = 0;
  for (const table of ["Party", "Finding", "Attachment"] as const) {
    for (;;) {
      if (opts.maxBatches !== undefined && batches >= opts.maxBatches) {
        const pending = await pendingRotation(ctx);
        const remaining = pending.Party + pending.Finding + pending.Attachment;
        return {
          keyId: ctx.keyring.currentId,
          rotated,
          remaining,
          batches,
          complete: remaining === 0,
        };
      }
      const n =
        table === "Attachment"
          ? await rotateFileBatch(ctx, size)
          : await rotateNikBatch(ctx, table, size);
      if (n === 0) break;
      batches++;
      rotated[table] += n;
      const pending = await pendingRotation(ctx);
      opts.onProgress?.({ table, batch: batches, rotated: n, remaining: pending[table] });
      if (n < size) break;
    }
  }
  const pending = await pendingRotation(ctx);
  const remaining = pending.Party + pending.Finding + pending.Attachment;
  return { keyId: ctx.keyring.currentId, rotated, remaining, batches, complete: remaining === 0 };
}
