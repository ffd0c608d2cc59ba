// Dead letters: a record that could not be mapped/validated (or was quarantined) with its
// payload and reason, replayable by id or all at once once upstream or the hub is fixed.
import type { HubContext } from "../context.js";
import type { components } from "../generated/api.js";
import type { DeadLetter } from "../generated/prisma/client.js";
import type { ChannelSource, ItemFailure, MappedRecord } from "../ports/channel-source.port.js";
import { raiseAlert, resolveAlerts } from "./alerts.js";
import { asPageTx, type SqlWriter } from "./page-tx.js";
import { DEFAULT_INSTANSI } from "../domain/instansi.js";
import { applyItems, prepareIntake, sourceFor } from "./sync-engine.js";

export type DeadLetterClass = "mapping" | "quarantine" | "protocol" | "push";

export function errorClassOf(f: ItemFailure): DeadLetterClass {
  return f.disposition === "quarantine" ? "quarantine" : "mapping";
}

export function failureText(f: ItemFailure): string {
  return `${f.code}${f.field ? ` [${f.field}]` : ""}: ${f.message}`;
}

/**
 * Records (or re-counts) one dead letter. A record that fails the same way on every sync
 * keeps one open letter whose `attempts` grows, instead of a new row every five minutes.
 */
export async function recordDeadLetter(
  writer: SqlWriter,
  d: {
    /** The office of the intake that failed (the default office for system streams). */
    instansi?: string;
    source: string;
    externalId: string | null;
    rawMessageId: string | null;
    payload: unknown;
    errorClass: DeadLetterClass;
    error: string;
    at: Date;
  },
): Promise<string> {
  const tx = asPageTx(writer);
  const payload = JSON.stringify(d.payload ?? null);
  const instansi = d.instansi ?? DEFAULT_INSTANSI;
  // Another office's open letter for the same record is not this one: never merged.
  const existing = await tx.query<{ id: string }>(
    `SELECT id FROM "DeadLetter" WHERE source = $1 AND status = 'open' AND "errorClass" = $2
       AND (("externalId" IS NULL AND $3::text IS NULL AND md5(payload::text) = md5($4::jsonb::text))
            OR "externalId" = $3::text)
       AND instansi = $5
     LIMIT 1`,
    [d.source, d.errorClass, d.externalId, payload, instansi],
  );
  if (existing[0]) {
    await tx.query(
      `UPDATE "DeadLetter" SET attempts = attempts + 1, "lastAttemptAt" = $2::timestamptz,
         error = $3, payload = $4::jsonb, "rawMessageId" = coalesce($5::uuid, "rawMessageId")
       WHERE id = $1::uuid`,
      [existing[0].id, d.at.toISOString(), d.error, payload, d.rawMessageId],
    );
    return existing[0].id;
  }
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO "DeadLetter" (id, source, "externalId", "rawMessageId", payload, "errorClass", error,
       attempts, status, "createdAt", "lastAttemptAt", instansi)
     VALUES (gen_random_uuid(), $1, $2, $3::uuid, $4::jsonb, $5, $6, 1, 'open', $7::timestamptz, $7::timestamptz, $8)
     RETURNING id`,
    [
      d.source,
      d.externalId,
      d.rawMessageId,
      payload,
      d.errorClass,
      d.error,
      d.at.toISOString(),
      instansi,
    ],
  );
  return rows[0]?.id ?? "";
}

export async function quarantineAlert(
  tx: SqlWriter,
  source: string,
  externalId: string | null,
  failure: ItemFailure,
  deadLetterId: string,
): Promise<void> {
  await raiseAlert(tx, {
    kind: "sync.quarantine",
    source,
    key: externalId,
    message:
      `Laporan ${externalId ?? "(tanpa nomor)"} dari ${source} dikarantina: ${failure.message}. ` +
      "Periksa peta status, lalu putar ulang dari daftar dead letter.",
    data: { externalId, code: failure.code, deadLetterId },
  });
}

/** A dead letter as the API shows it (the spec's DeadLetter). */
export type DeadLetterView = components["schemas"]["DeadLetter"];

function view(r: DeadLetter): DeadLetterView {
  return {
    id: r.id,
    source: r.source,
    externalId: r.externalId,
    errorClass: r.errorClass,
    error: r.error,
    attempts: r.attempts,
    status: r.status as DeadLetterView["status"],
    createdAt: r.createdAt.toISOString(),
    lastAttemptAt: r.lastAttemptAt.toISOString(),
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
  };
}

/**
 * `instansi` scopes the list to one office (the API: the caller's office); the CLI, an
 * operator's tool for the whole hub, lists every office's letters. A dead letter holds a
 * raw payload with personal data, so an office sees its own letters only: those of its
 * own imports, and, for the default office, those of the system streams that feed it.
 */
export async function listDeadLetters(
  ctx: HubContext,
  f: { status?: string; source?: string; limit?: number; instansi?: string } = {},
): Promise<DeadLetterView[]> {
  const rows = await ctx.db.prisma.deadLetter.findMany({
    where: {
      ...(f.instansi ? { instansi: f.instansi } : {}),
      ...(f.status ? { status: f.status } : {}),
      ...(f.source ? { source: f.source } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: f.limit ?? 100,
  });
  return rows.map(view);
}

export type ReplayOutcome = components["schemas"]["ReplayOutcome"];

/** What a letter's record was: its payload, or for a byte source its RawMessage's bytes. */
async function storedRaw(
  ctx: HubContext,
  source: ChannelSource<MappedRecord>,
  dl: { payload: unknown; rawMessageId: string | null },
): Promise<unknown> {
  if (!source.rawCodec || !dl.rawMessageId) return dl.payload;
  const raw = await ctx.db.prisma.rawMessage.findUnique({
    where: { id: dl.rawMessageId },
    select: { body: true, headers: true },
  });
  if (!raw) return dl.payload;
  const headers: Record<string, string> = {};
  if (raw.headers && typeof raw.headers === "object" && !Array.isArray(raw.headers))
    for (const [k, v] of Object.entries(raw.headers)) if (typeof v === "string") headers[k] = v;
  return source.rawCodec.decode({ body: Buffer.from(raw.body), headers });
}

/**
 * Replay: the stored payload is mapped again (the hub may have been fixed); if it still
 * fails and the source can fetch the record again, upstream's current version is tried
 * (upstream may have been fixed). Success applies it through the same upsert as a sync.
 */
export async function replayDeadLetter(
  ctx: HubContext,
  id: string,
  scope: { instansi?: string } = {},
): Promise<ReplayOutcome> {
  const dl = await ctx.db.prisma.deadLetter.findFirst({
    where: { id, ...(scope.instansi ? { instansi: scope.instansi } : {}) },
  });
  if (!dl) return { id, result: "not_found" };
  if (dl.status !== "open") return { id, result: "not_open" };
  const source = await sourceFor(ctx, dl.source);
  if (!source) return { id, result: "no_source", error: `tidak ada adapter untuk ${dl.source}` };
  // The replay sources are the system streams, which feed the default office: a letter of
  // another office's own import is fixed by importing the corrected file again.
  if (dl.instansi !== (source.instansi ?? DEFAULT_INSTANSI))
    return {
      id,
      result: "no_source",
      error: "impor ulang berkas ekspor yang sudah diperbaiki untuk memproses baris ini",
    };

  let item = await source.mapRaw(await storedRaw(ctx, source, dl));
  if (!item.mapped.ok && source.refetch && (item.externalId ?? dl.externalId)) {
    try {
      const fresh = await source.refetch((item.externalId ?? dl.externalId) as string);
      if (fresh) item = fresh;
    } catch (e) {
      ctx.logger.warn(
        { deadLetterId: id, err: { message: source.describe(e) } },
        "dead letter refetch failed",
      );
    }
  }
  const now = ctx.clock();
  if (!item.mapped.ok) {
    const error = failureText(item.mapped.error);
    await ctx.db.prisma.deadLetter.update({
      where: { id },
      data: { attempts: { increment: 1 }, lastAttemptAt: now, error },
    });
    return { id, result: "failed", error };
  }
  const record: MappedRecord = item.mapped.value;
  // Read by the intake pipeline inside the transaction (see loadIntakeEnv).
  await prepareIntake(ctx);
  const result = await ctx.db.prisma.$transaction(
    async (tx) => {
      const applied = await applyItems(tx, ctx, source, [item], now);
      await tx.deadLetter.update({
        where: { id },
        data: {
          status: "replayed",
          resolvedAt: now,
          attempts: { increment: 1 },
          lastAttemptAt: now,
        },
      });
      await resolveAlerts(
        tx,
        { kind: "sync.quarantine", source: dl.source, key: record.externalId },
        now,
      );
      return applied;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
  await source.afterPage?.(ctx, result).catch(() => undefined);
  return { id, result: "replayed", ...(result.caseIds[0] ? { caseId: result.caseIds[0] } : {}) };
}

export async function replayAllDeadLetters(
  ctx: HubContext,
  f: { source?: string; instansi?: string } = {},
): Promise<ReplayOutcome[]> {
  const open = await ctx.db.prisma.deadLetter.findMany({
    where: {
      status: "open",
      ...(f.source ? { source: f.source } : {}),
      ...(f.instansi ? { instansi: f.instansi } : {}),
    },
    orderBy: { createdAt: "asc" },
    select: { id: true },
    take: 5000,
  });
  const out: ReplayOutcome[] = [];
  for (const { id } of open) out.push(await replayDeadLetter(ctx, id, f));
  return out;
}
