// Tamper evidence for the processing record. Every AuditLog row carries
//   hash = HMAC-SHA256(ADUAN_AUDIT_KEY, prevHash || "\n" || canonical(row))
// Writers never touch the chain (no global lock per request); a sealer chains unsealed rows
// in numeric id order under an advisory lock. A row whose transaction commits after a
// later id was already sealed is chained at the tip when it shows up, so the chain order
// is the seal order and verification follows the prevHash links from the genesis value
// rather than assuming id order.
//
// Why a key: with plain SHA-256 anyone who can write the table can edit a row and recompute
// every later hash. With the MAC only a holder of ADUAN_AUDIT_KEY (the hub's environment,
// never the database) can produce a valid row.
//
// Rows sealed before the key existed (release 1: plain SHA-256, "legacy") are NOT re-chained:
// re-chaining would bless whatever was edited before it. They keep their SHA-256 hashes and
// are verified with the old rule. The first keyed seal records the switch point (the last
// legacy row's id and hash and how many rows the legacy part holds) in SyncState, MAC'd
// with the key: the legacy part can neither grow (rows recomputed with SHA-256 after the
// switch fail the MAC check) nor be rewritten (its last hash is pinned by the MAC).
//
// Why a tip outside the table: the chain alone cannot show that its newest rows were
// deleted (what is left is still a valid chain). Each seal records the tip (last row id,
// its MAC, the row count) MAC'd in SyncState, and the seal job/CLI write it to a file
// outside the database (src/pdp/audit-tip.ts) for the operator to keep; `audit verify
// --tip` then reports a tail cut behind that tip. The sealer itself never re-anchors
// silently on a shorter chain: it refuses (alert) until an operator runs
// `aduan-hub audit seal --reanchor`, which is itself recorded in the chain.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { HubContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { raiseAlert, resolveAlerts } from "../sync/alerts.js";

export const GENESIS_HASH = "0".repeat(64);
const SEAL_LOCK_KEY = 1096107092; // "AUDT"
const TIP_STREAM = "pdp.audit-chain";
const LEGACY_STREAM = "pdp.audit-chain.legacy";
const SEAL_BATCH = 2000;
const VERIFY_PAGE = 5000;
/** Problems listed by verify; the count of all of them is reported too. */
const MAX_PROBLEMS = 200;

type Tx = Prisma.TransactionClient;

// All columns as text, rendered by PostgreSQL: jsonb's text form is already canonical
// (sorted keys, no insignificant whitespace) and the timestamp is fixed to UTC milliseconds.
// The table is aliased: a bare `ORDER BY id` would sort by the text output column (so
// "100" < "11" < "2"), which is how release 1 paged the same rows twice past row 99.
const ROW_SELECT = `
  SELECT a.id::text AS id, a.instansi,
         to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
         a."actorId"::text AS "actorId", a."actorName", a.action, a."caseId"::text AS "caseId",
         to_json(a.fields)::text AS fields, a.purpose, a.ip, a."requestId", a.data::text AS data,
         a."prevHash", a.hash
  FROM "AuditLog" a`;

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

/** Release 1's rule, kept only to verify rows sealed before the key (see the header). */
export function legacyChainHash(prevHash: string, r: ChainRow): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalRow(r)).digest("hex");
}

/** The keyed rule every row sealed by this release follows. */
export function chainMac(key: Buffer, prevHash: string, r: ChainRow): string {
  return createHmac("sha256", key)
    .update(prevHash)
    .update("\n")
    .update(canonicalRow(r))
    .digest("hex");
}

/** The chain's last sealed row: its id, its MAC and how many rows the chain holds up to it. */
export type SealTip = { id: string; hash: string; rows: number };

function recordMac(key: Buffer, label: string, t: SealTip): string {
  return createHmac("sha256", key)
    .update(`aduan-audit-${label}\n${t.id}\n${t.rows}\n${t.hash}`)
    .digest("hex");
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

type StoredRecord = SealTip & { mac: string };

function asRecord(cursor: unknown): StoredRecord | null {
  const c = cursor as Partial<StoredRecord> | null | undefined;
  if (
    typeof c?.id === "string" &&
    typeof c.hash === "string" &&
    typeof c.rows === "number" &&
    typeof c.mac === "string"
  )
    return { id: c.id, hash: c.hash, rows: c.rows, mac: c.mac };
  return null;
}

type Records = {
  /** Keyed tip cursor; "forged" when present but its MAC does not match. */
  tip: SealTip | "forged" | null;
  /** Release 1 cursor ({id, hash} without MAC), only before the first keyed seal. */
  oldCursor: boolean;
  legacy: SealTip | "forged" | null;
};

async function readRecords(db: Pick<Tx, "syncState">, key: Buffer): Promise<Records> {
  const states = await db.syncState.findMany({
    where: { stream: { in: [TIP_STREAM, LEGACY_STREAM] } },
  });
  const get = (stream: string, label: string): SealTip | "forged" | null => {
    const s = states.find((x) => x.stream === stream);
    if (!s) return null;
    const r = asRecord(s.cursor);
    if (!r) return stream === TIP_STREAM ? null : "forged";
    const t = { id: r.id, hash: r.hash, rows: r.rows };
    return sameHex(recordMac(key, label, t), r.mac) ? t : "forged";
  };
  const tipState = states.find((x) => x.stream === TIP_STREAM);
  const tip = get(TIP_STREAM, "tip");
  return {
    tip,
    oldCursor: !!tipState && tip === null,
    legacy: get(LEGACY_STREAM, "legacy"),
  };
}

/** The tip recorded by the last seal, or null if none (or it is not MAC-valid). */
export async function readSealTip(ctx: HubContext): Promise<SealTip | null> {
  const r = await readRecords(ctx.db.prisma, ctx.keyring.auditKey);
  return r.tip === "forged" ? null : r.tip;
}

async function saveRecord(ctx: HubContext, tx: Tx, stream: string, label: string, t: SealTip) {
  const cursor = { ...t, mac: recordMac(ctx.keyring.auditKey, label, t) };
  await tx.syncState.upsert({
    where: { stream },
    create: { stream, cursor, lastSuccessAt: ctx.clock() },
    update: { cursor, lastSuccessAt: ctx.clock(), healthy: true, lastError: null },
  });
}

/** The sealed row nobody points to (the chain's end), and how many rows are sealed. */
async function scanChainEnd(tx: Tx): Promise<SealTip | null> {
  const rows = await tx.$queryRawUnsafe<{ id: string; hash: string; n: string }[]>(
    `SELECT a.id::text AS id, a.hash,
            (SELECT count(*) FROM "AuditLog" c WHERE c.hash IS NOT NULL)::text AS n
     FROM "AuditLog" a
     WHERE a.hash IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM "AuditLog" b WHERE b."prevHash" = a.hash)
     ORDER BY a.id DESC LIMIT 1`,
  );
  const r = rows[0];
  return r ? { id: r.id, hash: r.hash, rows: Number(r.n) } : null;
}

async function rowById(tx: Tx, id: string): Promise<ChainRow | null> {
  const rows = await tx.$queryRawUnsafe<ChainRow[]>(`${ROW_SELECT} WHERE a.id = $1::bigint`, id);
  return rows[0] ?? null;
}

type TipDecision = { tip: SealTip } | { refused: string; recorded: SealTip | null };

/**
 * Where the next sealed row hangs. Only three states are accepted without an operator: the
 * keyed tip cursor naming a row that is still there unchanged; an empty chain (first run);
 * or a release-1 chain never sealed with the key (the upgrade, which records the switch).
 */
async function decideTip(ctx: HubContext, tx: Tx): Promise<TipDecision> {
  const key = ctx.keyring.auditKey;
  const rec = await readRecords(tx, key);
  if (rec.tip === "forged")
    return { refused: "ujung segel yang tercatat di database tidak sah (MAC)", recorded: null };
  if (rec.tip) {
    const row = rec.tip.id === "0" ? null : await rowById(tx, rec.tip.id);
    if (rec.tip.id === "0" && rec.tip.rows === 0) {
      const end = await scanChainEnd(tx);
      if (!end) return { tip: rec.tip };
      return {
        refused: "rantai kosong menurut ujung segel, tetapi ada baris bersegel",
        recorded: rec.tip,
      };
    }
    if (!row)
      return { refused: `baris ujung segel #${rec.tip.id} tidak ada lagi`, recorded: rec.tip };
    if (row.hash !== rec.tip.hash)
      return { refused: `hash baris ujung segel #${rec.tip.id} berubah`, recorded: rec.tip };
    return { tip: rec.tip };
  }
  const end = await scanChainEnd(tx);
  if (!end) {
    if (rec.legacy) return { refused: "jejak audit bersegel hilang seluruhnya", recorded: null };
    return { tip: { id: "0", hash: GENESIS_HASH, rows: 0 } };
  }
  // Sealed rows but no keyed tip: only legitimate as release 1's chain before its first
  // keyed seal. A recorded switch, or an end row carrying a valid MAC, means the keyed tip
  // was removed: refuse rather than re-anchor.
  if (rec.legacy)
    return { refused: "ujung segel bertanda tangan hilang dari database", recorded: null };
  const endRow = await rowById(tx, end.id);
  if (endRow?.prevHash && chainMac(key, endRow.prevHash, endRow) === endRow.hash)
    return { refused: "ujung segel bertanda tangan hilang dari database", recorded: null };
  await saveRecord(ctx, tx, LEGACY_STREAM, "legacy", end);
  ctx.logger.warn(
    { legacyTipId: end.id, legacyRows: end.rows, hadCursor: rec.oldCursor },
    "audit chain: switching from SHA-256 to HMAC; legacy part recorded",
  );
  return { tip: end };
}

export type SealOptions = {
  /**
   * Operator's decision after a reported break: anchor on the chain's current end, and put
   * that decision (with the lost tip) on the record itself.
   */
  reanchor?: boolean;
};

/** Chains every unsealed row; returns how many were sealed. Safe to run concurrently. */
export async function sealAuditChain(ctx: HubContext, opts: SealOptions = {}): Promise<number> {
  let total = 0;
  let reanchor = opts.reanchor === true;
  for (;;) {
    const n = await ctx.db.prisma.$transaction(
      async (tx) => {
        await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(${SEAL_LOCK_KEY})::text`);
        const decision = await decideTip(ctx, tx);
        let tip: SealTip;
        if ("refused" in decision) {
          if (!reanchor) {
            await raiseAlert(tx, {
              kind: "audit.chain",
              source: "audit.seal",
              key: null,
              message:
                `Penyegelan jejak audit dihentikan: ${decision.refused}. ` +
                "Jalankan `aduan-hub audit verify`; setelah diperiksa, `aduan-hub audit seal --reanchor`.",
            });
            ctx.logger.error({ reason: decision.refused }, "audit chain: seal refused");
            return -1;
          }
          const end = await scanChainEnd(tx);
          tip = end ?? { id: "0", hash: GENESIS_HASH, rows: 0 };
          await tx.auditLog.create({
            data: {
              actorName: "system",
              action: "audit.chain_reanchored",
              purpose: decision.refused,
              data: {
                lostTip: decision.recorded,
                anchoredOn: { id: tip.id, hash: tip.hash, rows: tip.rows },
              },
            },
          });
          await resolveAlerts(tx, { kind: "audit.chain", source: "audit.seal" }, ctx.clock());
          ctx.logger.warn(
            { reason: decision.refused, anchoredOn: tip.id },
            "audit chain: re-anchored",
          );
          reanchor = false;
        } else {
          tip = decision.tip;
        }
        const rows = await tx.$queryRawUnsafe<ChainRow[]>(
          `${ROW_SELECT} WHERE a.hash IS NULL ORDER BY a.id LIMIT ${SEAL_BATCH}`,
        );
        if (rows.length === 0) {
          // Record the anchor even with nothing to seal (first run, upgrade, re-anchor).
          const rec = await readRecords(tx, ctx.keyring.auditKey);
          if (rec.tip === null || rec.tip === "forged")
            await saveRecord(ctx, tx, TIP_STREAM, "tip", tip);
          return 0;
        }
        let prev = tip.hash;
        const ids: string[] = [];
        const prevs: string[] = [];
        const hashes: string[] = [];
        for (const r of rows) {
          const hash = chainMac(ctx.keyring.auditKey, prev, r);
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
        await saveRecord(ctx, tx, TIP_STREAM, "tip", {
          id: ids[ids.length - 1]!,
          hash: prev,
          rows: tip.rows + rows.length,
        });
        return rows.length;
      },
      { timeout: 60_000 },
    );
    if (n < 0) return total;
    total += n;
    if (n < SEAL_BATCH) return total;
  }
}

export type ChainProblem = {
  /** The row (AuditLog id) at fault, or the recorded tip that is missing. */
  id: string;
  /**
   * hash: the row's content does not match its MAC (edited, or recomputed without the key);
   * link: its prevHash does not name its predecessor (a row before it deleted, or spliced);
   * truncated: a recorded seal tip is not in the chain (newest rows deleted);
   * tip: a recorded tip's row is there but differs, or the record itself is forged;
   * legacy: the recorded SHA-256 part does not end where the switch record says.
   */
  kind: "hash" | "link" | "truncated" | "tip" | "legacy";
  expected: string;
  stored: string | null;
  detail?: string;
};

export type VerifyResult =
  | { ok: true; rows: number; unsealed: number }
  | {
      ok: false;
      rows: number;
      unsealed: number;
      /** The first problem (lowest id), repeated here for callers that show one line. */
      brokenAt: string;
      kind: ChainProblem["kind"];
      expected: string;
      stored: string | null;
      /** Every problem found, lowest id first, at most MAX_PROBLEMS of them. */
      problems: ChainProblem[];
      problemCount: number;
    };

/** One keyset page of rows in numeric id order, as the chain hashes them. */
export async function loadChainRows(
  ctx: Pick<HubContext, "db">,
  afterId: string,
  limit: number,
): Promise<ChainRow[]> {
  return ctx.db.sql.query<ChainRow>(
    `${ROW_SELECT} WHERE a.id > $1::bigint ORDER BY a.id LIMIT $2::int`,
    [afterId, limit],
  );
}

type Pending = {
  id: bigint;
  idText: string;
  prevHash: string;
  hash: string;
  /** The MAC the row should carry (and the SHA-256 value, when a legacy part exists). */
  mac: string;
  legacyHash: string | null;
  macOk: boolean;
  legacyOk: boolean;
  done: boolean;
};

type ExternalTip = { tip: SealTip; source: string };

/**
 * Recomputes every sealed row's MAC and follows the prevHash links from the genesis value;
 * reports every broken row (one edit does not hide the next) and any recorded tip missing.
 * `tips`: tips kept outside the database (the tip file, `--tip`), checked like the one in it.
 */
export async function verifyAuditChain(
  ctx: HubContext,
  opts: { tips?: ExternalTip[] } = {},
): Promise<VerifyResult> {
  const key = ctx.keyring.auditKey;
  const rec = await readRecords(ctx.db.prisma, key);
  const problems: ChainProblem[] = [];
  const tips: ExternalTip[] = [...(opts.tips ?? [])];
  if (rec.tip === "forged") {
    const raw = await ctx.db.prisma.syncState.findUnique({ where: { stream: TIP_STREAM } });
    const c = raw?.cursor as { id?: unknown } | null | undefined;
    problems.push({
      id: typeof c?.id === "string" ? c.id : "0",
      kind: "tip",
      expected: "(MAC ujung segel yang sah)",
      stored: null,
      detail: "ujung segel di database dipalsukan",
    });
  } else if (rec.tip && rec.tip.rows > 0) {
    tips.push({ tip: rec.tip, source: "database" });
  }
  const legacy = rec.legacy === "forged" ? null : rec.legacy;
  if (rec.legacy === "forged")
    problems.push({
      id: "0",
      kind: "legacy",
      expected: "(MAC catatan peralihan yang sah)",
      stored: null,
      detail: "catatan peralihan SHA-256 → HMAC dipalsukan",
    });

  // Rows stream in numeric id order; the walk attaches a row once its predecessor is
  // attached. Late-committing rows (chained after higher ids) wait in `pending` briefly.
  const pending = new Map<string, Pending[]>();
  let link = GENESIS_HASH;
  let position = 0;
  let lastAttached: string | null = null;
  let sealed = 0;
  let unsealed = 0;
  let linkBroken = false;
  const seenTips = new Set<ExternalTip>();

  const attach = (r: Pending) => {
    position++;
    const isLegacy = legacy !== null && position <= legacy.rows;
    const ok = isLegacy ? r.legacyOk : r.macOk;
    if (!ok)
      problems.push({
        id: r.idText,
        kind: "hash",
        expected: isLegacy ? (r.legacyHash ?? "") : r.mac,
        stored: r.hash,
        detail: isLegacy ? "isi baris lama berubah" : "isi atau MAC baris tidak cocok",
      });
    if (legacy && position === legacy.rows && (r.idText !== legacy.id || r.hash !== legacy.hash))
      problems.push({
        id: r.idText,
        kind: "legacy",
        expected: `#${legacy.id} ${legacy.hash}`,
        stored: r.hash,
        detail: "bagian SHA-256 lama tidak berakhir di baris yang tercatat",
      });
    for (const t of tips) {
      if (t.tip.id !== r.idText) continue;
      seenTips.add(t);
      if (r.hash !== t.tip.hash)
        problems.push({
          id: r.idText,
          kind: "tip",
          expected: t.tip.hash,
          stored: r.hash,
          detail: `baris ujung segel (${t.source}) berubah`,
        });
      else if (position !== t.tip.rows && !linkBroken)
        problems.push({
          id: r.idText,
          kind: "tip",
          expected: `${t.tip.rows} baris`,
          stored: `${position} baris`,
          detail: `jumlah baris sampai ujung segel (${t.source}) berbeda`,
        });
    }
    r.done = true;
    lastAttached = r.idText;
    link = r.hash;
  };

  const drain = () => {
    for (;;) {
      const next = pending.get(link);
      if (!next) return;
      pending.delete(link);
      // Two rows claiming the same predecessor: at most one can carry a valid MAC; the
      // other was spliced in.
      const legacyHere = legacy !== null && position + 1 <= legacy.rows;
      next.sort((a, b) => {
        const va = legacyHere ? a.legacyOk : a.macOk;
        const vb = legacyHere ? b.legacyOk : b.macOk;
        if (va !== vb) return va ? -1 : 1;
        return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      });
      const [row, ...extra] = next;
      for (const x of extra) {
        x.done = true;
        linkBroken = true;
        problems.push({
          id: x.idText,
          kind: "link",
          expected: "(baris lain sudah menunjuk ke hash ini)",
          stored: x.prevHash,
        });
      }
      attach(row!);
    }
  };

  let after = "0";
  for (;;) {
    const page = await loadChainRows(ctx, after, VERIFY_PAGE);
    if (page.length === 0) break;
    for (const r of page) {
      if (r.hash === null || r.prevHash === null) {
        unsealed++;
        continue;
      }
      sealed++;
      const mac = chainMac(key, r.prevHash, r);
      // Only a recorded switch allows the old rule at all.
      const legacyHash = legacy ? legacyChainHash(r.prevHash, r) : null;
      const p: Pending = {
        id: BigInt(r.id),
        idText: r.id,
        prevHash: r.prevHash,
        hash: r.hash,
        mac,
        legacyHash,
        macOk: sameHex(mac, r.hash),
        legacyOk: legacyHash === r.hash,
        done: false,
      };
      const list = pending.get(p.prevHash);
      if (list) list.push(p);
      else pending.set(p.prevHash, [p]);
    }
    drain();
    after = page[page.length - 1]!.id;
  }

  // What never attached hangs off a hash no row has: a row before it was deleted (or the
  // row is spliced). Report each such segment at its first row and walk on from it, so the
  // rest of the trail is still checked.
  if (pending.size) {
    const rest = [...pending.values()].flat().sort((a, b) => (a.id < b.id ? -1 : 1));
    const hashes = new Set(rest.map((r) => r.hash));
    // Segment heads (their predecessor is nowhere) first, lowest id first; a head stays a
    // head, so one pointer over the sorted list is enough. Then anything left (a fork).
    const heads = rest.filter((r) => !hashes.has(r.prevHash));
    let h = 0;
    let w = 0;
    for (;;) {
      while (h < heads.length && heads[h]!.done) h++;
      while (w < rest.length && rest[w]!.done) w++;
      const head = h < heads.length ? heads[h] : w < rest.length ? rest[w] : undefined;
      if (!head) break;
      linkBroken = true;
      problems.push({
        id: head.idText,
        kind: "link",
        expected: link,
        stored: head.prevHash,
        detail: "baris sebelumnya hilang atau disisipkan",
      });
      link = head.prevHash;
      drain();
    }
  }

  for (const t of tips) {
    if (seenTips.has(t)) continue;
    problems.push({
      id: t.tip.id,
      kind: "truncated",
      expected: t.tip.hash,
      stored: null,
      detail:
        `baris ujung segel #${t.tip.id} (${t.tip.rows} baris, ${t.source}) tidak ada; ` +
        `rantai berakhir di ${lastAttached ? `baris #${lastAttached}` : "awal"} (${position} baris)`,
    });
  }

  if (problems.length === 0) return { ok: true, rows: sealed, unsealed };
  problems.sort((a, b) => {
    const d = BigInt(a.id) - BigInt(b.id);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  });
  const first = problems[0]!;
  return {
    ok: false,
    rows: sealed,
    unsealed,
    brokenAt: first.id,
    kind: first.kind,
    expected: first.expected,
    stored: first.stored,
    problems: problems.slice(0, MAX_PROBLEMS),
    problemCount: problems.length,
  };
}
