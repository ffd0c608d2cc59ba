import { randomUUID } from "node:crypto";
import type { HubContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { DomainError } from "../domain/errors.js";

const IN_PROGRESS = 0;

/** What the work does inside its own transaction to commit the key together with its rows. */
export type IdempotencyClaim = {
  /**
   * Marks the key done with `status`, pointing at the created resource `ref`. Runs in the
   * work's transaction, so the key and the rows commit (or roll back) together; throws 409
   * when this claim was taken over meanwhile (the transaction then rolls back: exactly once).
   */
  commit(tx: Prisma.TransactionClient, status: number, ref: string): Promise<void>;
};

type Stored = { ref?: string | null; body?: unknown };

const inProgress = (retryAfterSeconds: number) =>
  new DomainError(
    "IDEMPOTENCY_IN_PROGRESS",
    "Permintaan yang sama sedang diproses; coba lagi sebentar",
    { retryAfterSeconds },
  );

// A client retry with the same key gets the first response instead of a second write
// (the console keeps an offline form and resends it with its key). The key is claimed
// before the work runs, so two concurrent twins cannot both write. A claim whose request
// died (kill -9, lost connection to the database) is taken over once it is older than
// ADUAN_IDEMPOTENCY_CLAIM_SECONDS; the claim token fences the old holder out, so if it was
// only slow its transaction rolls back instead of writing a second case.
export async function withIdempotency<T>(
  ctx: HubContext,
  k: { key: string; userId: string | null; requestHash: string },
  run: (claim: IdempotencyClaim) => Promise<{ status: number; body: T }>,
  load: (ref: string) => Promise<T>,
): Promise<{ status: number; body: T; replayed: boolean }> {
  const { prisma } = ctx.db;
  const claimMs = ctx.config.ADUAN_IDEMPOTENCY_CLAIM_SECONDS * 1000;
  const token = randomUUID();
  const claimed = await prisma.idempotencyRecord.createMany({
    data: [
      {
        key: k.key,
        userId: k.userId,
        requestHash: k.requestHash,
        status: IN_PROGRESS,
        response: {},
        claimedAt: ctx.clock(),
        claimToken: token,
      },
    ],
    skipDuplicates: true,
  });
  if (claimed.count === 0) {
    const earlier = await prisma.idempotencyRecord.findUnique({ where: { key: k.key } });
    if (!earlier || earlier.requestHash !== k.requestHash) {
      throw new DomainError(
        "IDEMPOTENCY_KEY_REUSED",
        "Idempotency-Key sudah dipakai untuk permintaan lain",
      );
    }
    if (earlier.status !== IN_PROGRESS) {
      const stored = earlier.response as Stored;
      // Rows written before the ref/body split hold the answer itself.
      const body =
        stored.body !== undefined
          ? (stored.body as T)
          : typeof stored.ref === "string"
            ? await load(stored.ref)
            : (stored as T);
      return { status: earlier.status, body, replayed: true };
    }
    // A claim stamped ahead of this clock (another process, the database default) counts
    // as fresh, never as older than it is.
    const age = Math.max(0, ctx.clock().getTime() - earlier.claimedAt.getTime());
    if (age < claimMs) throw inProgress((claimMs - age) / 1000);
    // Take over the stale claim: compare-and-set on the old token, so of several
    // concurrent retries exactly one wins; the others see a fresh claim (409).
    const took = await prisma.idempotencyRecord.updateMany({
      where: {
        key: k.key,
        status: IN_PROGRESS,
        claimToken: earlier.claimToken,
        claimedAt: earlier.claimedAt,
      },
      data: { claimedAt: ctx.clock(), claimToken: token },
    });
    if (took.count === 0) throw inProgress(claimMs / 1000);
    ctx.logger.warn({ idempotencyKeyAgeMs: age }, "idempotency claim taken over after a crash");
  }
  let committedRef: string | null = null;
  const claim: IdempotencyClaim = {
    async commit(tx, status, ref) {
      const done = await tx.idempotencyRecord.updateMany({
        where: { key: k.key, status: IN_PROGRESS, claimToken: token },
        data: { status, response: { ref } },
      });
      if (done.count === 0) throw inProgress(claimMs / 1000);
      committedRef = ref;
    },
  };
  let out: { status: number; body: T };
  try {
    out = await run(claim);
  } catch (e) {
    // The work is one transaction and did not commit, so the key may be used again; only
    // this claim's own record goes (a takeover's or a committed one stays).
    await prisma.idempotencyRecord
      .deleteMany({ where: { key: k.key, status: IN_PROGRESS, claimToken: token } })
      .catch(() => undefined);
    throw e;
  }
  // The committed record points at the resource; the full answer is kept for replays too.
  // If this write is lost (crash), a replay loads the resource by its ref instead.
  const response = { ref: committedRef, body: out.body } as Prisma.InputJsonValue;
  if (committedRef === null) {
    // Work that cannot commit in its transaction: record the answer after the fact.
    await prisma.idempotencyRecord.updateMany({
      where: { key: k.key, status: IN_PROGRESS, claimToken: token },
      data: { status: out.status, response },
    });
  } else {
    await prisma.idempotencyRecord
      .updateMany({ where: { key: k.key, claimToken: token }, data: { response } })
      .catch((e: unknown) =>
        ctx.logger.warn({ err: e }, "idempotency answer not stored; replays load it"),
      );
  }
  return { ...out, replayed: false };
}
