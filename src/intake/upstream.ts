// The intake pipeline's batch form for cases that live upstream (LAPOR! sync and export):
// a page of records becomes new cases through the same steps as every other channel
// (src/intake/steps.ts: parties, jenis, bidang, deadline, number, timeline, audit, links),
// and existing cases move through the upstream transition table (src/domain/workflow.ts)
// with their actor, their deadline following the new step. One statement per table per
// page, never one per row.
import type { HubContext } from "../context.js";
import type { ApplyItem, ApplyResult, PageTx } from "../ports/channel-source.port.js";
import type { IntakePort, UpstreamCase, UpstreamMode } from "../ports/intake.port.js";
import { DEFAULT_INSTANSI } from "../domain/instansi.js";
import {
  CASE_STATUSES,
  isFinalStatus,
  findRule,
  isCaseStatus,
  nextHubStatus,
  type CaseStatus,
} from "../domain/workflow.js";
import { clockFor, type ClockFields } from "../services/sla.service.js";
import { SYSTEM_ACTORS, type CaseDraft, type IntakeActor } from "./draft.js";
import { lastIntakeEnv, loadIntakeEnv, type IntakeEnv } from "./env.js";
import { applyInbound } from "./inbound.js";
import { insertCases } from "./intake.repo.js";
import { prepareCases, type PreparedCase } from "./steps.js";

const isFinal = isFinalStatus;

type Existing = {
  id: string;
  externalId: string;
  contentHash: string | null;
  status: string;
  upstreamStatus: string | null;
  receivedAt: Date;
  channel: string;
};

const LOCK_EXISTING = `SELECT id, "externalId", "contentHash", status, "upstreamStatus", "receivedAt", channel
  FROM "Case" WHERE instansi = $2 AND channel = $3 AND "externalId" = ANY($1::text[]) FOR UPDATE`;

/** The pipeline handed to a sync source's applyPage. */
export function intakePort(ctx: HubContext): IntakePort {
  return {
    prepareUpstream: (records, mode) => prepareUpstream(ctx, records, mode),
    applyUpstream: (tx, items, mode) => applyUpstream(tx, ctx, items, mode),
    applyInbound: (tx, items) => applyInbound(tx, ctx, items),
  };
}

/** The draft a new upstream case is born from (the same steps as every other channel). */
export function upstreamDraft(r: UpstreamCase, instansi: string, origin: string): CaseDraft {
  return {
    channel: r.channel,
    externalId: r.externalId,
    instansi,
    receivedAt: r.receivedAt,
    status: r.hubStatus,
    closedAt: isFinal(r.hubStatus) ? r.upstreamUpdatedAt : null,
    title: r.title || null,
    keperluan: r.keperluan,
    rahasia: r.rahasia,
    anonim: r.anonim,
    desa: r.lokasi.desa,
    kecamatan: r.lokasi.kecamatan,
    upstream: {
      sumber: r.sumber,
      upstreamStatus: r.upstreamStatus,
      upstreamUpdatedAt: r.upstreamUpdatedAt,
      contentHash: r.contentHash,
      kategori: r.kategori,
      klasifikasi: r.klasifikasi,
    },
    // Perpres 76/2013: a rahasia reporter leaves no identity at all (the mapper already
    // drops it; this guard keeps it that way whatever the mapper returns).
    parties:
      !r.rahasia && r.reporter
        ? [
            {
              role: "pelapor",
              name: r.anonim ? null : r.reporter.name,
              phoneE164: r.reporter.phoneE164,
              email: r.reporter.email,
              desa: r.lokasi.desa,
              kecamatan: r.lokasi.kecamatan,
            },
          ]
        : [],
    eventData: {
      origin,
      upstreamStatus: r.upstreamStatus,
      sumber: r.sumber,
      rahasia: r.rahasia,
      anonim: r.anonim,
    },
    purpose: "penerimaan aduan melalui SP4N-LAPOR!",
  };
}

type Event = { caseId: string; type: string; data: Record<string, unknown> };

/**
 * Cases prepared ahead (`prepareUpstream`), by the record (an immutable object of the
 * fetched page) they were prepared from, taken out when the page uses them. A preparation
 * counts only for the same office and origin, under the same catalogues. The engine is at
 * most one page ahead; what a page never used (its records existed) is dropped once more
 * than AHEAD_MAX wait.
 */
type AheadOf = { ctx: HubContext; key: string; env: IntakeEnv };
const ahead = new Map<UpstreamCase, { of: AheadOf; prepared: PreparedCase }>();
const AHEAD_CHUNK = 25;
const AHEAD_MAX = 2_000;

const aheadKey = (mode: UpstreamMode) => `${mode.instansi ?? DEFAULT_INSTANSI}\u0000${mode.origin}`;

const sameEnv = (a: IntakeEnv, b: IntakeEnv) =>
  a.policy === b.policy &&
  a.calendar === b.calendar &&
  a.jenisCodes === b.jenisCodes &&
  a.bidangTable === b.bidangTable;

/**
 * The steps before the write for records that may become new cases, a few at a time so
 * the page being written meanwhile is never held up for long. Needs an environment this
 * process already loaded (the engine loads it before each page); without one, nothing.
 */
export async function prepareUpstream(
  ctx: HubContext,
  records: readonly UpstreamCase[],
  mode: UpstreamMode,
): Promise<void> {
  const env = lastIntakeEnv(ctx);
  if (!env) return;
  const of: AheadOf = { ctx, key: aheadKey(mode), env };
  const instansi = mode.instansi ?? DEFAULT_INSTANSI;
  if (ahead.size + records.length > AHEAD_MAX) ahead.clear();
  for (let i = 0; i < records.length; i += AHEAD_CHUNK) {
    const chunk = records.slice(i, i + AHEAD_CHUNK);
    const { cases } = prepareCases(
      env,
      ctx.keyring,
      chunk.map((r) => upstreamDraft(r, instansi, mode.origin)),
    );
    chunk.forEach((r, k) => ahead.set(r, { of, prepared: cases[k]! }));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The prepared cases of these records: prepared ahead where that still holds, else now. */
function preparedFor(
  ctx: HubContext,
  env: IntakeEnv,
  records: readonly UpstreamCase[],
  mode: UpstreamMode,
): PreparedCase[] {
  const key = aheadKey(mode);
  const out: (PreparedCase | undefined)[] = records.map((r) => {
    const a = ahead.get(r);
    if (!a) return undefined;
    ahead.delete(r);
    return a.of.ctx === ctx && a.of.key === key && sameEnv(a.of.env, env) ? a.prepared : undefined;
  });
  const missing = records.filter((_, i) => !out[i]);
  if (missing.length) {
    const instansi = mode.instansi ?? DEFAULT_INSTANSI;
    const { cases } = prepareCases(
      env,
      ctx.keyring,
      missing.map((r) => upstreamDraft(r, instansi, mode.origin)),
    );
    let k = 0;
    for (let i = 0; i < out.length; i++) if (!out[i]) out[i] = cases[k++];
  }
  return out as PreparedCase[];
}

export async function applyUpstream(
  tx: PageTx,
  ctx: HubContext,
  items: ApplyItem<UpstreamCase>[],
  mode: UpstreamMode,
): Promise<ApplyResult> {
  const empty: ApplyResult = {
    added: 0,
    updated: 0,
    unchanged: 0,
    caseIds: [],
    caseIdByExternalId: new Map(),
  };
  if (items.length === 0) return empty;
  // Loaded before the page's transaction by the engine (src/sync/sync-engine.ts).
  const env = lastIntakeEnv(ctx) ?? (await loadIntakeEnv(ctx));
  const now = env.now;
  const nowIso = now.toISOString();
  const channel = items[0]!.record.channel;
  // Only the office's own cases are matched: another office's case with the same tracking
  // id is, for this page, absent.
  const instansi = mode.instansi ?? DEFAULT_INSTANSI;
  const actor: IntakeActor = mode.actor
    ? { kind: "user", ...mode.actor }
    : {
        kind: "system",
        name: mode.origin === "export" ? SYSTEM_ACTORS.laporExport : SYSTEM_ACTORS.lapor,
      };
  const actorId = actor.kind === "user" ? actor.id : null;
  const actorName = actor.kind === "user" ? actor.username : actor.name;
  const sameContent = (row: Existing, r: UpstreamCase) =>
    mode.origin === "export"
      ? row.upstreamStatus === r.upstreamStatus
      : row.contentHash === r.contentHash;

  // The engine's look-up already knows which records have no case yet: those are inserted
  // without a lock (ON CONFLICT catches a concurrent writer); the others are locked here.
  const toLock = items.filter((i) => i.existingCaseId !== null).map((i) => i.record.externalId);
  const existingRows = toLock.length
    ? await tx.query<Existing>(LOCK_EXISTING, [toLock, instansi, channel])
    : [];
  const existing = new Map(existingRows.map((r) => [r.externalId, r]));
  const fresh: ApplyItem<UpstreamCase>[] = [];
  const changed: { item: ApplyItem<UpstreamCase>; row: Existing }[] = [];
  let unchanged = 0;
  for (const it of items) {
    const row = existing.get(it.record.externalId);
    if (!row) fresh.push(it);
    else if (sameContent(row, it.record)) unchanged++;
    else changed.push({ item: it, row });
  }

  const caseIdByExt = new Map<string, string>();
  const created: ApplyItem<UpstreamCase>[] = [];
  let added = 0;
  if (fresh.length) {
    const cases = preparedFor(
      ctx,
      env,
      fresh.map((it) => it.record),
      mode,
    );
    const written = await insertCases(tx, ctx.config.ADUAN_CASE_PREFIX, actor, cases, now);
    const raced: ApplyItem<UpstreamCase>[] = [];
    fresh.forEach((it, i) => {
      const w = written[i];
      if (w) {
        caseIdByExt.set(it.record.externalId, w.caseId);
        created.push(it);
      } else raced.push(it);
    });
    added = created.length;
    // Lost a race with another writer (an import): take the update path for those.
    if (raced.length) {
      const rows = await tx.query<Existing>(LOCK_EXISTING, [
        raced.map((r) => r.record.externalId),
        instansi,
        channel,
      ]);
      const m = new Map(rows.map((r) => [r.externalId, r]));
      for (const it of raced) {
        const row = m.get(it.record.externalId);
        if (!row) continue;
        if (sameContent(row, it.record)) {
          caseIdByExt.set(it.record.externalId, row.id);
          unchanged++;
        } else changed.push({ item: it, row });
      }
    }
  }

  const events: Event[] = [];
  const transitions: { caseId: string; data: Record<string, unknown> }[] = [];
  let updated = 0;
  if (changed.length) {
    const rows = changed.map(({ item: { record: r }, row }) => {
      const from = isCaseStatus(row.status) ? row.status : "diterima";
      const status = nextHubStatus(from, r.hubStatus);
      const moved = status !== from;
      caseIdByExt.set(r.externalId, row.id);
      const statusChanged = row.upstreamStatus !== r.upstreamStatus;
      events.push({
        caseId: row.id,
        type: statusChanged ? "lapor.status_changed" : "lapor.updated",
        data: {
          origin: mode.origin,
          externalId: r.externalId,
          ...(statusChanged
            ? { upstreamStatusFrom: row.upstreamStatus, upstreamStatusTo: r.upstreamStatus }
            : {}),
          ...(moved ? { statusFrom: from, statusTo: status } : {}),
        },
      });
      let clock: ClockFields | null = null;
      if (moved) {
        const t = upstreamTransition(from, status, row, r);
        events.push({ caseId: row.id, type: "status.changed", data: t.event });
        transitions.push({ caseId: row.id, data: t.audit });
        // The next step's deadline runs from the upstream change.
        clock = clockFor(env.policy, env.calendar, {
          channel: row.channel,
          status,
          receivedAt: row.receivedAt,
          stepStartedAt: r.upstreamUpdatedAt,
          now,
        });
      }
      return {
        id: row.id,
        export: mode.origin === "export",
        title: r.title || null,
        keperluan: r.keperluan,
        status,
        closed: moved && isFinal(status) ? r.upstreamUpdatedAt.toISOString() : null,
        moved,
        step: clock?.currentStep ?? null,
        stepat: clock?.stepStartedAt?.toISOString() ?? null,
        due: clock?.dueAt?.toISOString() ?? null,
        rahasia: r.rahasia,
        anonim: r.anonim,
        sumber: r.sumber,
        ups: r.upstreamStatus,
        desa: r.lokasi.desa,
        kec: r.lokasi.kecamatan,
        hash: r.contentHash,
        kategori: r.kategori,
        klas: r.klasifikasi,
        upd: r.upstreamUpdatedAt.toISOString(),
      };
    });
    // An export row carries only status (and kategori): the API's richer fields stay.
    const done = await tx.query(
      `UPDATE "Case" c SET
         status = x.status,
         "closedAt" = coalesce(c."closedAt", x.closed),
         "currentStep" = CASE WHEN x.moved THEN x.step ELSE c."currentStep" END,
         "stepStartedAt" = CASE WHEN x.moved THEN x.stepat ELSE c."stepStartedAt" END,
         "dueAt" = CASE WHEN x.moved THEN x.due ELSE c."dueAt" END,
         "upstreamStatus" = x.ups,
         kategori = coalesce(x.kategori, c.kategori),
         title = CASE WHEN x.export THEN c.title ELSE x.title END,
         keperluan = CASE WHEN x.export THEN c.keperluan ELSE x.keperluan END,
         rahasia = CASE WHEN x.export THEN c.rahasia ELSE x.rahasia END,
         anonim = CASE WHEN x.export THEN c.anonim ELSE x.anonim END,
         sumber = CASE WHEN x.export THEN c.sumber ELSE x.sumber END,
         desa = CASE WHEN x.export THEN c.desa ELSE x.desa END,
         kecamatan = CASE WHEN x.export THEN c.kecamatan ELSE x.kec END,
         klasifikasi = CASE WHEN x.export THEN c.klasifikasi ELSE x.klas END,
         "contentHash" = CASE WHEN x.export THEN c."contentHash" ELSE x.hash END,
         "upstreamUpdatedAt" = greatest(c."upstreamUpdatedAt", x.upd),
         version = c.version + 1,
         "updatedAt" = $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, export boolean, title text, keperluan text,
         status text, closed timestamptz, moved boolean, step text, stepat timestamptz,
         due timestamptz, rahasia boolean, anonim boolean, sumber text, ups text, desa text,
         kec text, hash text, kategori text, klas text, upd timestamptz)
       WHERE c.id = x.id
       RETURNING c.id`,
      [JSON.stringify(rows), nowIso],
    );
    updated = done.length;
    if (mode.origin === "api") await refreshReporters(tx, changed, nowIso);
  }
  if (events.length) {
    await tx.query(
      `INSERT INTO "CaseEvent" ("caseId", at, type, "actorId", data)
       SELECT x."caseId", $2::timestamptz, x.type, $3::uuid, x.data
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, type text, data jsonb)`,
      [JSON.stringify(events), nowIso, actorId],
    );
  }
  if (transitions.length) {
    // The same audit row a workflow transition writes (src/services/workflow.service.ts),
    // marked upstream: who applied which status change from which source.
    await tx.query(
      `INSERT INTO "AuditLog" (instansi, "actorId", "actorName", action, "caseId", fields, purpose, data, at)
       SELECT $2, $4::uuid, $5, 'case.transition', x."caseId", '{}'::text[],
              'penanganan aduan', x.data, $3::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, data jsonb)`,
      [JSON.stringify(transitions), instansi, nowIso, actorId, actorName],
    );
  }

  const touched = [...created, ...changed.map((c) => c.item)];
  await insertFollowUps(tx, touched, caseIdByExt, nowIso);
  await insertAttachmentRows(
    tx,
    created,
    changed.map((c) => c.item),
    caseIdByExt,
    nowIso,
  );
  // Unchanged records still link their raw payload to the case they belong to.
  for (const [ext, row] of existing) if (!caseIdByExt.has(ext)) caseIdByExt.set(ext, row.id);
  return {
    added,
    updated,
    unchanged,
    caseIds: touched.map((t) => caseIdByExt.get(t.record.externalId) as string),
    caseIdByExternalId: caseIdByExt,
  };
}

/**
 * The timeline and audit data of an upstream move: the same `status.changed` a workflow
 * transition writes, with kind "upstream", and whether the workflow table has this step
 * (`workflowStep`) or upstream jumped over steps the hub never took (`skipped`). Whoever
 * brought the change in is the actor; they did not decide it, so their role's rights over
 * the step are not asked.
 */
function upstreamTransition(
  from: CaseStatus,
  to: CaseStatus,
  row: Existing,
  r: UpstreamCase,
): { event: Record<string, unknown>; audit: Record<string, unknown> } {
  const rule = findRule(from, to)?.kind ?? null;
  const skipped = rule
    ? []
    : CASE_STATUSES.slice(CASE_STATUSES.indexOf(from) + 1, CASE_STATUSES.indexOf(to)).filter(
        (s) => !isFinal(s),
      );
  return {
    event: {
      from,
      to,
      kind: "upstream",
      upstream: {
        source: r.sumber || r.channel,
        statusFrom: row.upstreamStatus,
        statusTo: r.upstreamStatus,
      },
      workflowStep: rule,
      skipped,
    },
    audit: { from, to, upstream: true, upstreamStatus: r.upstreamStatus, workflowStep: rule },
  };
}

/** Identity upstream changed on an existing case (rahasia / anonim set later, a reporter added). */
async function refreshReporters(
  tx: PageTx,
  changed: { item: ApplyItem<UpstreamCase>; row: Existing }[],
  nowIso: string,
): Promise<void> {
  const nowRahasia = changed.filter((c) => c.item.record.rahasia).map((c) => c.row.id);
  if (nowRahasia.length) {
    await tx.query(`DELETE FROM "Party" WHERE role = 'pelapor' AND "caseId" = ANY($1::uuid[])`, [
      nowRahasia,
    ]);
  }
  const nowAnonim = changed.filter((c) => c.item.record.anonim).map((c) => c.row.id);
  if (nowAnonim.length) {
    await tx.query(
      `UPDATE "Party" SET name = NULL WHERE role = 'pelapor' AND name IS NOT NULL
         AND "caseId" = ANY($1::uuid[])`,
      [nowAnonim],
    );
  }
  const late = changed
    .filter(({ item: { record: r } }) => !r.rahasia && r.reporter)
    .map(({ item: { record: r }, row }) => ({
      caseId: row.id,
      name: r.anonim ? null : (r.reporter?.name ?? null),
      phone: r.reporter?.phoneE164 ?? null,
      email: r.reporter?.email ?? null,
    }));
  if (late.length) {
    await tx.query(
      `INSERT INTO "Party" (id, instansi, "caseId", role, name, "phoneE164", email, "createdAt")
       SELECT gen_random_uuid(), c.instansi, x."caseId", 'pelapor', x.name, x.phone, x.email, $2::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, name text, phone text, email text)
         JOIN "Case" c ON c.id = x."caseId"
        WHERE NOT EXISTS (SELECT 1 FROM "Party" p WHERE p."caseId" = x."caseId" AND p.role = 'pelapor')`,
      [JSON.stringify(late), nowIso],
    );
  }
}

/** Follow-ups published upstream → outbound messages, deduplicated on (channel, externalId). */
async function insertFollowUps(
  tx: PageTx,
  touched: ApplyItem<UpstreamCase>[],
  caseIdByExt: Map<string, string>,
  nowIso: string,
): Promise<void> {
  const messages = touched.flatMap(({ record: r, rawMessageId }) =>
    r.tindakLanjut.map((t) => ({
      caseId: caseIdByExt.get(r.externalId),
      channel: r.channel,
      ext: t.externalId,
      author: t.oleh,
      body: t.isi,
      at: t.at.toISOString(),
      raw: rawMessageId || null,
    })),
  );
  if (!messages.length) return;
  await tx.query(
    `INSERT INTO "Message" (id, "caseId", direction, channel, "externalId", author, body, at,
       "deliveryStatus", "rawMessageId", "createdAt")
     SELECT gen_random_uuid(), x."caseId", 'out', x.channel, x.ext, x.author, x.body, x.at, 'sent', x.raw, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, channel text, ext text, author text, body text, at timestamptz, raw uuid)
     ON CONFLICT (channel, "externalId") DO NOTHING`,
    [JSON.stringify(messages), nowIso],
  );
}

/** Attachment rows to download after the commit (the adapter's afterPage). */
async function insertAttachmentRows(
  tx: PageTx,
  created: ApplyItem<UpstreamCase>[],
  changed: ApplyItem<UpstreamCase>[],
  caseIdByExt: Map<string, string>,
  nowIso: string,
): Promise<void> {
  const rowsOf = (list: ApplyItem<UpstreamCase>[]) =>
    list.flatMap(({ record: r, rawMessageId }) =>
      r.attachments.map((a) => ({
        caseId: caseIdByExt.get(r.externalId),
        source: r.channel,
        ext: a.externalId,
        name: a.fileName,
        mime: a.mime,
        raw: rawMessageId || null,
      })),
    );
  const insert = `INSERT INTO "Attachment" (id, "caseId", "rawMessageId", source, "externalId", "fileName", mime, status, "createdAt")
     SELECT gen_random_uuid(), x."caseId", x.raw, x.source, x.ext, x.name, x.mime, 'pending', $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, source text, ext text, name text, mime text, raw uuid)`;
  const newCaseFiles = rowsOf(created);
  if (newCaseFiles.length) await tx.query(insert, [JSON.stringify(newCaseFiles), nowIso]);
  const changedFiles = rowsOf(changed);
  if (changedFiles.length) {
    // The raw message holds the download URL; a row not yet stored follows the newest one.
    await tx.query(
      `UPDATE "Attachment" a SET "rawMessageId" = x.raw
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, source text, ext text, raw uuid)
        WHERE a.source = x.source AND a."caseId" = x."caseId" AND a."externalId" = x.ext AND a.status <> 'stored'`,
      [JSON.stringify(changedFiles)],
    );
    await tx.query(
      `${insert}
        WHERE NOT EXISTS (SELECT 1 FROM "Attachment" a WHERE a.source = x.source AND a."caseId" = x."caseId" AND a."externalId" = x.ext)`,
      [JSON.stringify(changedFiles), nowIso],
    );
  }
}
