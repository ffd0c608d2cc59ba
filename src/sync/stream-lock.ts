// One holder per stream/job across every hub process on the database: a session-level
// PostgreSQL advisory lock on a dedicated connection (released by the server if the
// process dies, so a SIGKILLed sync never leaves a stale lock behind). PGlite has one
// connection shared by the whole process, where advisory locks are re-entrant, so an
// in-process set guards concurrent callers there (and saves a round-trip on PostgreSQL).
import type { HubContext } from "../context.js";

const LOCK_NAMESPACE = 20264;
// Per database handle, so two contexts in one process (tests) still meet at the server lock.
const heldByDb = new WeakMap<object, Set<string>>();

export type Locked<T> = { acquired: true; value: T } | { acquired: false };

export async function withAdvisoryLock<T>(
  ctx: HubContext,
  key: string,
  fn: () => Promise<T>,
): Promise<Locked<T>> {
  let heldInProcess = heldByDb.get(ctx.db);
  if (!heldInProcess) heldByDb.set(ctx.db, (heldInProcess = new Set()));
  if (heldInProcess.has(key)) return { acquired: false };
  heldInProcess.add(key);
  try {
    return await ctx.db.withSession(async (s) => {
      const rows = await s.query<{ ok: boolean }>(
        "SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS ok",
        [LOCK_NAMESPACE, key],
      );
      if (rows[0]?.ok !== true) return { acquired: false } as const;
      try {
        return { acquired: true, value: await fn() } as const;
      } finally {
        await s
          .query("SELECT pg_advisory_unlock($1::int, hashtext($2))", [LOCK_NAMESPACE, key])
          .catch((e: unknown) =>
            ctx.logger.warn({ key, err: { message: (e as Error).message } }, "advisory unlock"),
          );
      }
    });
  } finally {
    heldInProcess.delete(key);
  }
}
