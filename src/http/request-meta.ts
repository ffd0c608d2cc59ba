// What handlers pass on from a request besides its body: where it came from (for the audit
// trail) and a list operation's query.
import type { Request } from "express";

/** The request's IP and id, as the audit rows of the services record them. */
export const requestMeta = (req: Request) => ({ ip: req.ip, requestId: req.id });

/**
 * A list operation's query as the services take it: the gate has checked it against the
 * spec, which leaves `limit` a string.
 */
export function listQuery<Q extends { limit?: number | undefined }>(req: Request): Q {
  const q = req.query as unknown as Q;
  return { ...q, limit: q.limit === undefined ? undefined : Number(q.limit) };
}
