// The sync hot path talks raw SQL to one transaction. On PostgreSQL that is a pooled `pg`
// session with BEGIN/COMMIT (Prisma's interactive transactions cost ~0.3 ms and a copy
// of every parameter per statement, which at 100,000 reports is most of the budget); on
// PGlite it is Prisma's transaction, because the single embedded connection is shared
// with the rest of the process and only Prisma serialises transactions on it.
import type { HubContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { PageTx } from "../ports/channel-source.port.js";

type PrismaRaw = Pick<Prisma.TransactionClient, "$queryRawUnsafe">;

/** Anything page-level helpers accept: a PageTx, or a Prisma (transaction) client. */
export type SqlWriter = PageTx | PrismaRaw;

export function asPageTx(w: SqlWriter): PageTx {
  if ("$queryRawUnsafe" in w) {
    const prisma = w;
    return {
      query: <T>(sql: string, params: unknown[] = []) =>
        prisma.$queryRawUnsafe<T[]>(sql, ...params),
    };
  }
  return w;
}

const PRISMA_TX = { timeout: 120_000, maxWait: 60_000 } as const;

/**
 * Runs fn in one short transaction; a throw rolls everything back.
 *
 * `replayable`: everything the transaction writes can be fetched again from upstream
 * (a sync page together with its cursor), so the commit does not wait for the WAL flush
 * (synchronous_commit = off). A crash can then lose the last few hundred milliseconds of
 * pages — whole pages with their cursor, never rows without it — and the next run simply
 * re-reads them. Never use it for anything the hub alone knows.
 */
export async function inPageTransaction<T>(
  ctx: HubContext,
  fn: (tx: PageTx) => Promise<T>,
  opts: { replayable?: boolean } = {},
): Promise<T> {
  if (ctx.db.kind !== "postgres")
    return ctx.db.prisma.$transaction((tx) => fn(asPageTx(tx)), PRISMA_TX);
  return ctx.db.withSession(async (s) => {
    // No parameters: one simple-protocol round-trip for both statements.
    await s.query(opts.replayable ? "BEGIN; SET LOCAL synchronous_commit = off" : "BEGIN");
    let result: T;
    try {
      result = await fn(s);
    } catch (e) {
      await s.query("ROLLBACK").catch(() => undefined);
      throw e;
    }
    await s.query("COMMIT");
    return result;
  });
}
