import type { HubContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { AppError } from "../http/errors.js";

const IN_PROGRESS = 0;

// A client retry with the same key gets the first response instead of a second write
// (the console keeps an offline form and resends it with its key). The key is claimed
// before the work runs, so two concurrent twins cannot both write.
export async function withIdempotency<T>(
  ctx: HubContext,
  k: { key: string; userId: string | null; requestHash: string },
  run: () => Promise<{ status: number; body: T }>,
): Promise<{ status: number; body: T; replayed: boolean }> {
  const { prisma } = ctx.db;
  const claimed = await prisma.idempotencyRecord.createMany({
    data: [
      {
        key: k.key,
        userId: k.userId,
        requestHash: k.requestHash,
        status: IN_PROGRESS,
        response: {},
      },
    ],
    skipDuplicates: true,
  });
  if (claimed.count === 0) {
    const earlier = await prisma.idempotencyRecord.findUnique({ where: { key: k.key } });
    if (!earlier || earlier.requestHash !== k.requestHash) {
      throw new AppError(
        409,
        "IDEMPOTENCY_KEY_REUSED",
        "Idempotency-Key sudah dipakai untuk permintaan lain",
      );
    }
    if (earlier.status === IN_PROGRESS) {
      throw new AppError(
        409,
        "IDEMPOTENCY_IN_PROGRESS",
        "Permintaan yang sama sedang diproses; coba lagi sebentar",
        {
          headers: { "Retry-After": "2" },
        },
      );
    }
    return { status: earlier.status, body: earlier.response as T, replayed: true };
  }
  try {
    const out = await run();
    await prisma.idempotencyRecord.update({
      where: { key: k.key },
      data: { status: out.status, response: out.body as Prisma.InputJsonValue },
    });
    return { ...out, replayed: false };
  } catch (e) {
    // Nothing was written (the work is one transaction), so the key may be used again.
    await prisma.idempotencyRecord.delete({ where: { key: k.key } }).catch(() => undefined);
    throw e;
  }
}
