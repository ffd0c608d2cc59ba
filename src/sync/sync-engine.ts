// The incremental sync engine, shared by pull channels (LAPOR!, e-mail). Per page:
//   1. one read-only look-up of the whole page (existing case + content hash, an identical
//      raw payload already stored, an open dead letter) — `= ANY`, one round-trip;
//   2. records whose case already holds the same content hash are skipped outright: no
//      transaction, no row lock, nothing rewritten;
//   3. the rest goes into ONE short transaction: raw payloads, the channel's batched
//      upserts, dead letters, the run counters and — last — the stream cursor, so a crash
//      keeps a whole page or none of it and the next run resumes after the last stored page.
// While a page is being written the next one is already being fetched.
import { createHash, randomUUID } from "node:crypto";
import type { HubContext } from "../context.js";
import type { components } from "../generated/api.js";
import type {
  ApplyItem,
  ApplyResult,
  ChannelSource,
  MappedRecord,
  PageTx,
  RawCodec,
  SourceItem,
  SourcePage,
  StreamPosition,
} from "../ports/channel-source.port.js";
import { raiseAlert, resolveAlerts } from "./alerts.js";
import { errorClassOf, failureText, quarantineAlert, recordDeadLetter } from "./dead-letters.js";
import { asPageTx, inPageTransaction, type SqlWriter } from "./page-tx.js";
import { loadIntakeEnv } from "../intake/env.js";
import { intakePort } from "../intake/upstream.js";
import { withAdvisoryLock } from "./stream-lock.js";
import { DEFAULT_INSTANSI } from "../domain/instansi.js";

/** One run of a stream as the API and the CLI report it (the spec's SyncSummary);
 * `unhealthy` is set when the stream was stopped for an operator (bad credentials). */
export type SyncSummary = components["schemas"]["SyncSummary"];

export type RunSyncOptions = {
  /** Ignore the stored cursor and walk the whole feed (everything unchanged is skipped). */
  full?: boolean;
  signal?: AbortSignal;
  /** Test hook: stop after this many pages as if killed (the cursor stays where it is). */
  maxPages?: number;
};

export function lockKeyForStream(stream: string): string {
  return `sync:${stream}`;
}

function readPosition(json: unknown): StreamPosition {
  if (json && typeof json === "object" && !Array.isArray(json)) {
    const o = json as Record<string, unknown>;
    return {
      cursor: typeof o.cursor === "string" ? o.cursor : null,
      since: typeof o.since === "string" ? o.since : null,
    };
  }
  return { cursor: null, since: null };
}

function laterIso(a: string | null, b: Date | null): string | null {
  if (!b) return a;
  if (!a) return b.toISOString();
  return Date.parse(a) >= b.getTime() ? a : b.toISOString();
}

/** What the database already holds for one item of a page. */
export type KnownItem = {
  caseId: string | null;
  contentHash: string | null;
  /** A RawMessage with the same channel, externalId and byte-identical body. */
  rawId: string | null;
  rawStatus: string | null;
  rawCaseId: string | null;
  openDeadLetter: boolean;
};

const UNKNOWN: KnownItem = {
  caseId: null,
  contentHash: null,
  rawId: null,
  rawStatus: null,
  rawCaseId: null,
  openDeadLetter: false,
};

type RawCandidate = { id: string; sha: string; status: string; caseId: string | null };
/** The page probe's answer per item: raw candidates only where the record will be written. */
type Probe = Omit<KnownItem, "rawId" | "rawStatus" | "rawCaseId"> & {
  raws: RawCandidate[] | null;
};

/** A raw item as stored: JSON text, or bytes (base64 here) with their type and headers. */
type RawBody = {
  body: string;
  sha: string;
  enc: "utf8" | "base64";
  contentType: string;
  headers: Record<string, string> | null;
};

function rawBody(raw: unknown, codec?: RawCodec): RawBody {
  if (codec) {
    const e = codec.encode(raw);
    return {
      body: e.body.toString("base64"),
      sha: createHash("sha256").update(e.body).digest("hex"),
      enc: "base64",
      contentType: e.contentType,
      headers: e.headers,
    };
  }
  const body = JSON.stringify(raw ?? null);
  return {
    body,
    sha: createHash("sha256").update(body).digest("hex"),
    enc: "utf8",
    contentType: "application/json",
    headers: null,
  };
}

function known(probe: Probe | undefined, body: RawBody): KnownItem {
  if (!probe) return UNKNOWN;
  const hit = probe.raws?.find((r) => r.sha === body.sha);
  return {
    caseId: probe.caseId,
    contentHash: probe.contentHash,
    openDeadLetter: probe.openDeadLetter,
    rawId: hit?.id ?? null,
    rawStatus: hit?.status ?? null,
    rawCaseId: hit?.caseId ?? null,
  };
}

// LATERAL … LIMIT 1 keeps the plan a per-item index probe: during a bulk load the table
// statistics are stale and a plain join turns into a scan of every case, every page.
// Stored raw payloads are only listed for items that will be written (content hash
// differs, or an open dead letter waits to be resolved), so a re-read of unchanged
// records hashes no payload; open dead letters are read once per page (hashed sub-plan).
const PROBE_SQL = `SELECT x.i::int AS i, c.id AS "caseId", c."contentHash" AS "contentHash",
       coalesce(x.ext IN (SELECT d."externalId" FROM "DeadLetter" d
                WHERE d.status = 'open' AND d.source = $1 AND d.instansi = $5 AND d."externalId" IS NOT NULL), false)
         AS "openDeadLetter",
       r.raws
  FROM unnest($2::text[], $3::text[], $4::int[]) AS x(ext, hash, i)
  LEFT JOIN LATERAL (
    SELECT c.id, c."contentHash" FROM "Case" c
     WHERE c.instansi = $5 AND c.channel = $1 AND c."externalId" = x.ext LIMIT 1) c ON TRUE
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object('id', m.id, 'sha', m.sha256, 'status', m.status,
             'caseId', m."caseId") ORDER BY m."receivedAt" DESC) AS raws
      FROM "RawMessage" m
     WHERE (x.hash IS DISTINCT FROM c."contentHash" OR x.ext IN (SELECT d."externalId"
              FROM "DeadLetter" d WHERE d.status = 'open' AND d.source = $1 AND d.instansi = $5))
       AND m.channel = $1 AND m."externalId" = x.ext
       -- another office's stored payload is not reused (nor re-pointed at this office's case)
       AND (m."caseId" IS NULL OR EXISTS (SELECT 1 FROM "Case" k WHERE k.id = m."caseId" AND k.instansi = $5))
     ) r ON TRUE`;

/**
 * One round-trip for the whole page. Cases are keyed on (instansi, channel, externalId) —
 * the contract every pull channel upserts on, within the office the source feeds — and
 * raw payloads on (channel, externalId, sha256).
 */
async function probePage<R extends MappedRecord>(
  db: PageTx,
  channel: string,
  items: SourceItem<R>[],
  instansi: string = DEFAULT_INSTANSI,
): Promise<(Probe | undefined)[]> {
  const idx: number[] = [];
  items.forEach((it, i) => {
    if (it.externalId !== null) idx.push(i);
  });
  const out: (Probe | undefined)[] = items.map(() => undefined);
  if (!idx.length) return out;
  const rows = await db.query<Probe & { i: number }>(
    PROBE_SQL,
    [
      channel,
      idx.map((i) => items[i]?.externalId),
      idx.map((i) => {
        const it = items[i];
        return it?.mapped.ok ? it.mapped.value.contentHash : null;
      }),
      idx,
      instansi,
    ],
    { prepare: true },
  );
  for (const r of rows) out[r.i] = r;
  return out;
}

export type StoredPage = ApplyResult & { failed: number; maxUpdatedAt: Date | null };

type RawInsert = {
  id: string;
  ext: string | null;
  sha: string;
  body: string;
  enc: "utf8" | "base64";
  ct: string;
  hdr: Record<string, string> | null;
  status: string;
  error: string | null;
  caseId: string | null;
};

/**
 * Everything a page does inside its transaction except the cursor: raw payloads, the
 * channel upsert of good records, dead letters (and quarantine alerts) for the rest.
 * Also used by dead-letter replay and the export import, so every record takes exactly
 * the sync's path. `probes` is the page probe when the caller already made it.
 */
export async function applyItems<R extends MappedRecord>(
  writer: SqlWriter,
  ctx: HubContext,
  source: ChannelSource<R>,
  items: SourceItem<R>[],
  now: Date,
  opts: { probes?: (Probe | undefined)[] } = {},
): Promise<StoredPage> {
  const tx = asPageTx(writer);
  const nowIso = now.toISOString();
  const bodies = items.map((it) => rawBody(it.raw, source.rawCodec));
  const instansi = source.instansi ?? DEFAULT_INSTANSI;
  const probes = opts.probes ?? (await probePage(tx, source.channel, items, instansi));
  const knownItems = items.map((_, i) => known(probes[i], bodies[i] as RawBody));
  // Raw ids are minted here so the channel's rows can point at them; the raw rows are
  // written once below, already carrying their outcome (no second UPDATE per page).
  const rawIds = items.map((_, i) => knownItems[i]?.rawId ?? randomUUID());
  // A record repeated inside one batch (upstream moved it while we paged) is applied once,
  // in its latest form; the earlier copy counts as unchanged.
  const latest = new Map<string, number>();
  items.forEach((it, i) => {
    if (it.mapped.ok) latest.set(it.mapped.value.externalId, i);
  });
  const good: ApplyItem<R>[] = [];
  const goodIdx: number[] = [];
  let duplicates = 0;
  let maxUpdatedAt: Date | null = null;
  const outcome = new Map<number, { status: string; error: string | null }>();
  let failed = 0;
  for (const [i, it] of items.entries()) {
    const rawMessageId = rawIds[i] as string;
    if (it.mapped.ok) {
      const rec = it.mapped.value;
      if (!maxUpdatedAt || rec.upstreamUpdatedAt > maxUpdatedAt)
        maxUpdatedAt = rec.upstreamUpdatedAt;
      if (latest.get(rec.externalId) !== i) {
        duplicates++;
        outcome.set(i, { status: "stored", error: null });
        continue;
      }
      good.push({
        record: rec,
        rawMessageId,
        ...(opts.probes ? { existingCaseId: knownItems[i]?.caseId ?? null } : {}),
      });
      goodIdx.push(i);
      continue;
    }
    failed++;
    const f = it.mapped.error;
    const errorClass = errorClassOf(f);
    const deadLetterId = await recordDeadLetter(tx, {
      instansi,
      source: source.channel,
      externalId: it.externalId,
      rawMessageId,
      // Bytes stay in their RawMessage; the letter names where they came from.
      payload: source.rawCodec ? (bodies[i] as RawBody).headers : it.raw,
      errorClass,
      error: failureText(f),
      at: now,
    });
    if (errorClass === "quarantine")
      await quarantineAlert(tx, source.stream, it.externalId, f, deadLetterId);
    outcome.set(i, {
      status: errorClass === "quarantine" ? "quarantined" : "failed",
      error: failureText(f),
    });
  }
  const applied: ApplyResult = good.length
    ? await source.applyPage(tx, ctx, good, intakePort(ctx))
    : { added: 0, updated: 0, unchanged: 0, caseIds: [], caseIdByExternalId: new Map() };
  for (const i of goodIdx) {
    const ext = (items[i] as SourceItem<R> & { mapped: { ok: true; value: R } }).mapped.value
      .externalId;
    const caseId = applied.caseIdByExternalId.get(ext) ?? null;
    outcome.set(i, { status: caseId ? "processed" : "stored", error: null });
  }

  const caseOf = (i: number): string | null => {
    const it = items[i] as SourceItem<R>;
    return it.mapped.ok
      ? (applied.caseIdByExternalId.get(it.mapped.value.externalId) ?? null)
      : null;
  };
  const inserts: RawInsert[] = [];
  const updates: { id: string; status: string; error: string | null; caseId: string | null }[] = [];
  items.forEach((it, i) => {
    const o = outcome.get(i) ?? { status: "stored", error: null };
    const caseId = caseOf(i);
    const k = knownItems[i] ?? UNKNOWN;
    if (!k.rawId) {
      const b = bodies[i] as RawBody;
      inserts.push({
        id: rawIds[i] as string,
        ext: it.externalId,
        sha: b.sha,
        body: b.body,
        enc: b.enc,
        ct: b.contentType,
        hdr: b.headers,
        ...o,
        caseId,
      });
    } else if (
      o.status !== "stored" &&
      (o.status !== k.rawStatus || caseId !== k.rawCaseId || o.error)
    ) {
      updates.push({ id: k.rawId, ...o, caseId });
    }
  });
  if (inserts.length) {
    await tx.query(
      `INSERT INTO "RawMessage" (id, channel, "externalId", "contentType", headers, body, sha256, status,
         error, "caseId", "receivedAt", "processedAt")
       SELECT x.id, $1, x.ext, x.ct, x.hdr,
         CASE WHEN x.enc = 'base64' THEN decode(x.body, 'base64') ELSE convert_to(x.body, 'UTF8') END,
         x.sha, x.status, x.error,
         x."caseId", $3::timestamptz, CASE WHEN x.status = 'stored' THEN NULL ELSE $3::timestamptz END
         FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, ext text, sha text, body text, enc text,
           ct text, hdr jsonb, status text, error text, "caseId" uuid)`,
      [source.channel, JSON.stringify(inserts), nowIso],
    );
  }
  if (updates.length) {
    await tx.query(
      `UPDATE "RawMessage" r SET status = x.status, error = x.error,
         "caseId" = coalesce(x."caseId", r."caseId"), "processedAt" = $2::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, status text, error text, "caseId" uuid)
        WHERE r.id = x.id`,
      [JSON.stringify(updates), nowIso],
    );
  }
  // Records stored now resolve an earlier dead letter of the same record.
  const resolving = good.filter(
    (_, k) => !opts.probes || knownItems[goodIdx[k] as number]?.openDeadLetter,
  );
  if (resolving.length) {
    await tx.query(
      `UPDATE "DeadLetter" SET status = 'replayed', "resolvedAt" = $3::timestamptz
        WHERE source = $1 AND status = 'open' AND "externalId" = ANY($2::text[]) AND instansi = $4`,
      [source.channel, resolving.map((g) => g.record.externalId), nowIso, instansi],
    );
  }
  return { ...applied, unchanged: applied.unchanged + duplicates, failed, maxUpdatedAt };
}

type Counts = { added: number; updated: number; unchanged: number; failed: number };
const ZERO: Counts = { added: 0, updated: 0, unchanged: 0, failed: 0 };

function plus(a: Counts, b: Counts): Counts {
  return {
    added: a.added + b.added,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
    failed: a.failed + b.failed,
  };
}

/** The cursor and the run's counters in ONE statement, the last write of a page. */
async function saveProgress(
  db: PageTx,
  stream: string,
  runId: string,
  counts: Counts,
  position: StreamPosition,
  now: Date,
): Promise<void> {
  await db.query(
    `WITH run AS (
       UPDATE "SyncRun" SET added = added + $3, updated = updated + $4, unchanged = unchanged + $5,
         failed = failed + $6 WHERE id = $2::uuid RETURNING id)
     UPDATE "SyncState" SET cursor = $7::jsonb, "updatedAt" = $8::timestamptz WHERE stream = $1`,
    [
      stream,
      runId,
      counts.added,
      counts.updated,
      counts.unchanged,
      counts.failed,
      JSON.stringify(position),
      now.toISOString(),
    ],
    { prepare: true },
  );
}

/**
 * Progress of pages that wrote nothing (every record unchanged) is carried over and saved
 * with the next page that writes, every few seconds, and at the end of the run: a crash
 * in between only means those pages are re-read and skipped again.
 */
type Carry = { counts: Counts; position: StreamPosition; since: number } | null;
const CARRY_MAX_MS = 2_000;

/**
 * One page: probe, skip what is unchanged, write the rest in one transaction with the
 * cursor saved last. Returns what the run counts and whether the cursor was saved.
 */
async function storePage<R extends MappedRecord>(
  ctx: HubContext,
  source: ChannelSource<R>,
  runId: string,
  items: SourceItem<R>[],
  position: StreamPosition,
  nextCursor: string | null,
  carried: Counts,
  now: Date,
): Promise<{ stored: StoredPage; next: StreamPosition; saved: boolean }> {
  const probes = await probePage(ctx.db.sql, source.channel, items, source.instansi);
  // The latest copy of each record decides; an unchanged record (same content hash, no
  // open dead letter to resolve) is not touched at all.
  const latest = new Map<string, number>();
  items.forEach((it, i) => {
    if (it.mapped.ok) latest.set(it.mapped.value.externalId, i);
  });
  const skip = new Set<string>();
  for (const [ext, i] of latest) {
    const it = items[i] as SourceItem<R> & { mapped: { ok: true; value: R } };
    const p = probes[i];
    if (p?.caseId && !p.openDeadLetter && p.contentHash === it.mapped.value.contentHash)
      skip.add(ext);
  }
  let maxUpdatedAt: Date | null = null;
  let unchanged = 0;
  const work: number[] = [];
  items.forEach((it, i) => {
    if (it.mapped.ok) {
      const rec = it.mapped.value;
      if (!maxUpdatedAt || rec.upstreamUpdatedAt > maxUpdatedAt)
        maxUpdatedAt = rec.upstreamUpdatedAt;
      if (skip.has(rec.externalId)) {
        unchanged++;
        return;
      }
    }
    work.push(i);
  });
  const next: StreamPosition = {
    cursor: nextCursor,
    since: laterIso(position.since, maxUpdatedAt),
  };
  if (!work.length) {
    const stored: StoredPage = {
      ...ZERO,
      unchanged,
      caseIds: [],
      caseIdByExternalId: new Map(),
      maxUpdatedAt,
    };
    return { stored, next, saved: false };
  }
  // What the intake pipeline reads (SLA policy, calendar, catalogues) is loaded before the
  // page's transaction: on PGlite a query beside an open transaction waits for it.
  await prepareIntake(ctx);
  const stored = await inPageTransaction(
    ctx,
    async (tx) => {
      const result = await applyItems(
        tx,
        ctx,
        source,
        work.map((i) => items[i] as SourceItem<R>),
        now,
        { probes: work.map((i) => probes[i]) },
      );
      result.unchanged += unchanged;
      // Last: the cursor moves only together with the rows it covers.
      await saveProgress(tx, source.stream, runId, plus(carried, result), next, now);
      return result;
    },
    { replayable: true },
  );
  return { stored: { ...stored, maxUpdatedAt }, next, saved: true };
}

async function loadState(ctx: HubContext, stream: string): Promise<StreamPosition> {
  const row = await ctx.db.prisma.syncState.upsert({
    where: { stream },
    create: { stream, cursor: { cursor: null, since: null } },
    update: {},
  });
  return readPosition(row.cursor);
}

/**
 * One sync run of a stream. Only one process runs a given stream at a time (advisory
 * lock); a second caller gets `skipped` at once instead of waiting or duplicating.
 */
export async function runSync<R extends MappedRecord>(
  ctx: HubContext,
  source: ChannelSource<R>,
  opts: RunSyncOptions = {},
): Promise<SyncSummary> {
  const started = performance.now();
  const locked = await withAdvisoryLock(ctx, lockKeyForStream(source.stream), () =>
    runLocked(ctx, source, opts, started),
  ).finally(() =>
    source
      .close?.()
      .catch((e: unknown) =>
        ctx.logger.warn(
          { stream: source.stream, err: { message: (e as Error).message } },
          "source close failed",
        ),
      ),
  );
  if (locked.acquired) return locked.value;
  return {
    stream: source.stream,
    runId: null,
    status: "skipped",
    added: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    pages: 0,
    durationMs: Math.round(performance.now() - started),
    error: "stream sedang disinkronkan oleh proses lain",
  };
}

async function runLocked<R extends MappedRecord>(
  ctx: HubContext,
  source: ChannelSource<R>,
  opts: RunSyncOptions,
  started: number,
): Promise<SyncSummary> {
  const { prisma } = ctx.db;
  const stream = source.stream;
  // We hold the stream: a run still marked running was killed mid-way.
  await prisma.syncRun.updateMany({
    where: { stream, status: "running" },
    data: {
      status: "failed",
      finishedAt: ctx.clock(),
      error: "terputus: proses berhenti sebelum sinkronisasi selesai",
    },
  });
  const run = await prisma.syncRun.create({ data: { stream, startedAt: ctx.clock() } });
  const summary: SyncSummary = {
    stream,
    runId: run.id,
    status: "succeeded",
    added: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    pages: 0,
    durationMs: 0,
    error: null,
  };
  const finish = async (status: "succeeded" | "failed", error: string | null) => {
    summary.status = status;
    summary.error = error;
    summary.durationMs = Math.round(performance.now() - started);
    await prisma.syncRun.update({
      where: { id: run.id },
      data: {
        status,
        error,
        finishedAt: ctx.clock(),
        durationMs: summary.durationMs,
        added: summary.added,
        updated: summary.updated,
        unchanged: summary.unchanged,
        failed: summary.failed,
      },
    });
    return summary;
  };

  let position = opts.full ? { cursor: null, since: null } : await loadState(ctx, stream);
  const restartPoint = (p: StreamPosition): Date | undefined =>
    p.since ? new Date(Date.parse(p.since) - source.overlapMs) : undefined;
  let request: { cursor?: string; updatedSince?: Date } = position.cursor
    ? { cursor: position.cursor }
    : opts.full
      ? {}
      : (() => {
          const since = restartPoint(position);
          return since ? { updatedSince: since } : {};
        })();
  let restartedFromCursor = false;

  type Fetched = { ok: true; page: SourcePage<R> } | { ok: false; error: unknown };
  // The intake steps that need no database are done ahead while the previous page is
  // written, once a page has created cases (a sync of unchanged records skips it).
  const port = intakePort(ctx);
  let prepareAhead = false;
  // Settles, never rejects: a prefetch left behind by an early return raises nothing.
  const fetchAhead = (req: typeof request): Promise<Fetched> =>
    source.fetchPage(req, opts.signal).then(
      async (page) => {
        if (prepareAhead && source.prepareAhead)
          await source.prepareAhead(page.items, port).catch((e: unknown) => {
            ctx.logger.warn(
              { stream, error: e instanceof Error ? e.name : "unknown" },
              "prepare ahead failed",
            );
          });
        return { ok: true as const, page };
      },
      (error: unknown) => ({ ok: false as const, error }),
    );
  let pending = fetchAhead(request);
  const held: { carry: Carry } = { carry: null };
  const flushCarry = async () => {
    const c = held.carry;
    if (!c) return;
    held.carry = null;
    await saveProgress(ctx.db.sql, stream, run.id, c.counts, c.position, ctx.clock());
  };
  for (;;) {
    if (opts.signal?.aborted) {
      await flushCarry();
      return finish("failed", "dibatalkan");
    }
    if (opts.maxPages !== undefined && summary.pages >= opts.maxPages) {
      await flushCarry();
      return finish("failed", "dihentikan setelah batas halaman (uji)");
    }
    const got = await pending;
    if (!got.ok) {
      const { error } = got;
      const kind = source.classify(error);
      const text = source.describe(error);
      if (kind === "bad_cursor" && request.cursor !== undefined && !restartedFromCursor) {
        restartedFromCursor = true;
        const since = restartPoint(position);
        ctx.logger.warn({ stream }, "cursor rejected; restarting from updated_since");
        request = since ? { updatedSince: since } : {};
        pending = fetchAhead(request);
        continue;
      }
      await flushCarry();
      const now = ctx.clock();
      if (kind === "auth") {
        await prisma.$transaction(async (tx) => {
          await tx.syncState.update({
            where: { stream },
            data: { healthy: false, lastError: text },
          });
          await raiseAlert(tx, { kind: "sync.auth", source: stream, key: null, message: text });
        });
        summary.unhealthy = true;
      } else {
        await prisma.syncState.update({ where: { stream }, data: { lastError: text } });
        if (kind === "fatal") await recordProtocolDeadLetter(ctx, source, error, text, now);
      }
      ctx.logger.error({ stream, kind, error: text }, "sync run failed");
      return finish("failed", text);
    }
    const page = got.page;
    // The next page travels while this one is written.
    if (page.nextCursor !== null) {
      request = { cursor: page.nextCursor };
      pending = fetchAhead(request);
    }
    const { stored, next, saved } = await storePage(
      ctx,
      source,
      run.id,
      page.items,
      position,
      page.nextCursor ?? page.resumeCursor ?? null,
      held.carry?.counts ?? ZERO,
      ctx.clock(),
    );
    prepareAhead = stored.added > 0;
    if (saved) held.carry = null;
    else {
      const c: Carry = {
        counts: plus(held.carry?.counts ?? ZERO, stored),
        position: next,
        since: held.carry?.since ?? performance.now(),
      };
      held.carry = c;
      if (performance.now() - c.since > CARRY_MAX_MS) await flushCarry();
    }
    position = next;
    summary.pages++;
    summary.added += stored.added;
    summary.updated += stored.updated;
    summary.unchanged += stored.unchanged;
    summary.failed += stored.failed;
    if (source.afterPage && stored.caseIds.length) {
      await source
        .afterPage(ctx, stored)
        .catch((e: unknown) =>
          ctx.logger.warn(
            { stream, err: { message: (e as Error).message } },
            "after-page step failed",
          ),
        );
    }
    if (page.nextCursor === null) break;
  }
  await flushCarry();

  if (source.afterRun) {
    await source
      .afterRun(ctx)
      .catch((e: unknown) =>
        ctx.logger.warn(
          { stream, err: { message: (e as Error).message } },
          "after-run step failed",
        ),
      );
  }
  const now = ctx.clock();
  await prisma.$transaction(async (tx) => {
    await tx.syncState.update({
      where: { stream },
      data: { healthy: true, lastError: null, lastSuccessAt: now },
    });
    await resolveAlerts(tx, { kind: "sync.auth", source: stream }, now);
  });
  ctx.logger.info(
    {
      stream,
      added: summary.added,
      updated: summary.updated,
      unchanged: summary.unchanged,
      failed: summary.failed,
      pages: summary.pages,
    },
    "sync run succeeded",
  );
  return finish("succeeded", null);
}

/** A page that is not JSON / not the envelope: kept for the operator, the run fails. */
async function recordProtocolDeadLetter<R extends MappedRecord>(
  ctx: HubContext,
  source: ChannelSource<R>,
  error: unknown,
  text: string,
  now: Date,
): Promise<void> {
  const snippet =
    error && typeof error === "object" && "bodySnippet" in error
      ? (error as { bodySnippet: unknown }).bodySnippet
      : null;
  await ctx.db.prisma.$transaction(async (tx) => {
    await recordDeadLetter(tx, {
      instansi: source.instansi ?? DEFAULT_INSTANSI,
      source: source.channel,
      externalId: null,
      rawMessageId: null,
      payload: { page: snippet ?? null },
      errorClass: "protocol",
      error: text,
      at: now,
    });
  });
}

export async function sourceFor(
  ctx: HubContext,
  name: string,
): Promise<ChannelSource<MappedRecord> | null> {
  const entry = ctx.registry.channelSources[name];
  if (entry) return entry.create(ctx);
  // A mailbox channel's letters are re-mapped from their stored bytes.
  return ctx.registry.mailboxes[name]?.replaySource(ctx) ?? null;
}

/**
 * Loads what the intake pipeline reads (SLA policy, calendar, catalogues) before a page's
 * transaction opens: on PGlite a query beside an open transaction waits for it. Every
 * caller of applyItems runs it first.
 */
export async function prepareIntake(ctx: HubContext): Promise<void> {
  await loadIntakeEnv(ctx, { maxAgeMs: 5_000 });
}

/**
 * One chunk of an import (the LAPOR! export) through the same path as a sync page: the
 * intake environment first, then the chunk's records in one transaction.
 */
export async function applyImportChunk<R extends MappedRecord>(
  ctx: HubContext,
  source: ChannelSource<R>,
  items: SourceItem<R>[],
): Promise<Awaited<ReturnType<typeof applyItems>>> {
  await prepareIntake(ctx);
  return ctx.db.prisma.$transaction((tx) => applyItems(tx, ctx, source, items, ctx.clock()), {
    timeout: 120_000,
    maxWait: 60_000,
  });
}
