// Tamper evidence for the processing record: every AuditLog row carries
// hash = sha256(prevHash || "\n" || canonical(row)). Writers never touch the chain (no global
// lock per request); a sealer chains unsealed rows in id order under an advisory lock.
// A row whose transaction commits after a later id was already sealed is chained at the tip
// when it shows up, so the chain order is the seal order and verification follows the
// prevHash links from the genesis value rather than assuming id order.
import { createHash } from "node:crypto";
import type { HubContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";

export const GENESIS_HASH = "0".repeat(64);
const SEAL_LOCK_KEY = 1096107092; // "AUDT"
const TIP_STREAM = "pdp.audit-chain";
const SEAL_BATCH = 2000;

type Tx = Prisma.TransactionClient;

// All columns as text, rendered by PostgreSQL: jsonb's text form is already canonical
// (sorted keys, no insignificant whitespace) and the timestamp is fixed to UTC milliseconds.
const ROW_SELECT = `
  SELECT id::text AS id, instansi,
         to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
         "actorId"::text AS "actorId", "actorName", action, "caseId"::text AS "caseId",
         to_json(fields)::text AS fields, purpose, ip, "requestId", data::text AS data,
         "prevHash", hash
  FROM "AuditLog"`;

export type ChainRow = {
  id: string;
  instansi: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  caseId: string | null;
  fields: string | null;
  purpose: string | null;
  ip: string | null;
  requestId: string | null;
  data: string | null;
  prevHash: string | null;
  hash: string | null;
};

export function canonicalRow(r: ChainRow): string {
  return JSON.stringify([
    r.id,
    r.instansi,
    r.at,
    r.actorId,
    r.actorName,
    r.action,
    r.caseId,
    r.fields,
    r.purpose,
    r.ip,
    r.requestId,
    r.data,
  ]);
}

export function chainHash(prevHash: string, r: ChainRow): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalRow(r)).digest("hex");
}

async function currentTip(tx: Tx): Promise<string> {
  const state = await tx.syncState.findUnique({ where: { stream: TIP_STREAM } });
  const cursor = state?.cursor as { id?: string; hash?: string } | null | undefined;
  if (cursor?.id && cursor.hash) {
    const rows = await tx.$queryRawUnsafe<{ hash: string | null }[]>(
      `SELECT hash FROM "AuditLog" WHERE id = $1::bigint`,
      cursor.id,
    );
    if (rows[0]?.hash === cursor.hash) return cursor.hash;
  }
  // No (valid) remembered tip: the tip is the sealed row nobody points to. One scan, only
  // after a restore or a truncate.
  const rows = await tx.$queryRawUnsafe<{ hash: string }[]>(
    `SELECT a.hash FROM "AuditLog" a
     WHERE a.hash IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM "AuditLog" b WHERE b."prevHash" = a.hash)
     ORDER BY a.id DESC LIMIT 1`,
  );
  return rows[0]?.hash ?? GENESIS_HASH;
}

/** Chains every unsealed row; returns how many were sealed. Safe to run concurrently. */
export async function sealAuditChain(ctx: HubContext): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await ctx.db.prisma.$transaction(
      async (tx) => {
        await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(${SEAL_LOCK_KEY})::text`);
        const rows = await tx.$queryRawUnsafe<ChainRow[]>(
          `${ROW_SELECT} WHERE hash IS NULL ORDER BY id LIMIT ${SEAL_BATCH}`,
        );
        if (rows.length === 0) return 0;
        let prev = await currentTip(tx);
        const ids: string[] = [];
        const prevs: string[] = [];
        const hashes: string[] = [];
        for (const r of rows) {
          const hash = chainHash(prev, r);
          ids.push(r.id);
          prevs.push(prev);
          hashes.push(hash);
          prev = hash;
        }
        await tx.$executeRawUnsafe(
          `UPDATE "AuditLog" a SET "prevHash" = v.p, hash = v.h
           FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v(id, p, h)
           WHERE a.id = v.id`,
          ids,
          prevs,
          hashes,
        );
        const cursor = { id: ids[ids.length - 1]!, hash: prev };
        await tx.syncState.upsert({
          where: { stream: TIP_STREAM },
          create: { stream: TIP_STREAM, cursor, lastSuccessAt: ctx.clock() },
          update: { cursor, lastSuccessAt: ctx.clock(), healthy: true, lastError: null },
        });
        return rows.length;
      },
      { timeout: 60_000 },
    );
    total += n;
    if (n < SEAL_BATCH) return total;
  }
}

export type VerifyResult =
  | { ok: true; rows: number; unsealed: number }
  | {
      ok: false;
      rows: number;
      brokenAt: string;
      kind: "hash" | "link";
      expected: string;
      stored: string | null;
    };

/** Recomputes the chain from the genesis value and reports the first broken link. */
export async function verifyAuditChain(ctx: HubContext): Promise<VerifyResult> {
  const byPrev = new Map<string, ChainRow[]>();
  const sealed: ChainRow[] = [];
  let unsealed = 0;
  let after = "0";
  for (;;) {
    const page = await ctx.db.sql.query<ChainRow>(
      `${ROW_SELECT} WHERE id > $1::bigint ORDER BY id LIMIT 5000`,
      [after],
    );
    if (page.length === 0) break;
    for (const r of page) {
      if (r.hash === null || r.prevHash === null) {
        unsealed++;
        continue;
      }
      sealed.push(r);
      const list = byPrev.get(r.prevHash);
      if (list) list.push(r);
      else byPrev.set(r.prevHash, [r]);
    }
    after = page[page.length - 1]!.id;
  }
  const visited = new Set<string>();
  let prev = GENESIS_HASH;
  for (;;) {
    const next = byPrev.get(prev);
    if (!next) break;
    // Two rows claiming the same predecessor: the later one was spliced in.
    const [row, ...extra] = next.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
    if (extra.length) {
      return {
        ok: false,
        rows: sealed.length,
        brokenAt: extra[0]!.id,
        kind: "link",
        expected: "(baris lain sudah menunjuk ke hash ini)",
        stored: extra[0]!.prevHash,
      };
    }
    const expected = chainHash(prev, row!);
    if (expected !== row!.hash) {
      return {
        ok: false,
        rows: sealed.length,
        brokenAt: row!.id,
        kind: "hash",
        expected,
        stored: row!.hash,
      };
    }
    visited.add(row!.id);
    prev = row!.hash;
  }
  const orphan = sealed.find((r) => !visited.has(r.id));
  if (orphan) {
    // A deleted or rewritten predecessor leaves its successor pointing at nothing.
    return {
      ok: false,
      rows: sealed.length,
      brokenAt: orphan.id,
      kind: "link",
      expected: prev,
      stored: orphan.prevHash,
    };
  }
  return { ok: true, rows: sealed.length, unsealed };
}
