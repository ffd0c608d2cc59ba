// LAPOR! as a pull stream of the sync engine: the typed client fetches pages, the pure
// mapper turns each report into a CaseUpsert, and `applyLaporRecords` upserts a whole page
// with a handful of batched statements (one round-trip per statement, not per row).
import { detectFileType } from "../../src/domain/uploads/file-type.js";
import { writeStoredFile } from "../../src/services/file-store.js";
import { DomainError } from "../../src/domain/errors.js";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import type { HubContext } from "../../src/context.js";
import type {
  ApplyItem,
  ApplyResult,
  ChannelSource,
  ErrorKind,
  PageTx,
  SourceItem,
} from "../../src/ports/channel-source.port.js";
import { witaYear } from "../../src/domain/time.js";
import { ConfigError, type Config } from "../../src/config/config.js";
import { encrypt } from "../../src/security/crypto.js";
import {
  LAPOR_RETRY_POLICY,
  LaporAttachmentTooLargeError,
  LaporAuthError,
  LaporBadCursorError,
  LaporClient,
  LaporConfigError,
  LaporError,
  LaporHttpError,
  LaporNotFoundError,
  LaporProtocolError,
  LaporRateLimitError,
  LaporTransientError,
} from "./lapor.client.js";
import type { LaporanItemResult } from "./lapor.dto.js";
import { itemErrorToMapError, mapLaporan, mapRawLaporan, type CaseUpsert } from "./lapor.mapper.js";
import type { RetryPolicy } from "../../src/sync/retry-policy.js";
import { DEFAULT_INSTANSI } from "../../src/domain/instansi.js";
import { findRule, isCaseStatus } from "../../src/domain/workflow.js";

export const LAPOR_STREAM = "lapor";
export const LAPOR_CHANNEL = "lapor";

/**
 * The stream's policy as data (what the engine and the client do on each upstream
 * behaviour of lapor.yaml); printed by `aduan-hub sync lapor --policy`.
 */
export const LAPOR_STREAM_POLICY = Object.freeze({
  retry: LAPOR_RETRY_POLICY,
  on401: "stop the stream, healthy=false, alert, no retry",
  on429: "retry after max(backoff with jitter, Retry-After)",
  on5xxOrNetwork: "retry with backoff and jitter; when spent the run fails, cursor untouched",
  on400BadCursor: "restart once from updated_since = last seen diperbarui_pada − overlap",
  unknownStatus: "quarantine (dead letter errorClass quarantine) + alert",
});

/** With LAPOR_BASE_URL set the token is mandatory; named like every other config error. */
export function assertLaporConfig(config: Config): void {
  if (config.LAPOR_BASE_URL && !config.LAPOR_TOKEN?.trim()) {
    throw new ConfigError([
      {
        variable: "LAPOR_TOKEN",
        message:
          "is required when LAPOR_BASE_URL is set (bearer token from the LAPOR! admin portal)",
      },
    ]);
  }
}

export function laporConfigured(config: Config): boolean {
  return Boolean(config.LAPOR_BASE_URL);
}

export function createLaporClient(
  ctx: HubContext,
  opts: { retryPolicy?: RetryPolicy } = {},
): LaporClient {
  assertLaporConfig(ctx.config);
  return LaporClient.fromConfig(
    {
      baseUrl: ctx.config.LAPOR_BASE_URL,
      token: ctx.config.LAPOR_TOKEN,
      timeoutMs: ctx.config.LAPOR_TIMEOUT_MS,
    },
    {
      ...(opts.retryPolicy ? { retryPolicy: opts.retryPolicy } : {}),
      onRetry: (e) =>
        ctx.logger.warn(
          {
            stream: LAPOR_STREAM,
            operation: e.operation,
            attempt: e.attempt,
            maxAttempts: e.maxAttempts,
            decision: e.decision,
            delayMs: e.delayMs,
            retryAfterMs: e.retryAfterMs,
            code: e.errorCode,
          },
          "LAPOR! request failed",
        ),
    },
  );
}

/** Operator text in Bahasa Indonesia; never a response body (it may hold personal data). */
export function describeLaporError(e: unknown): string {
  if (e instanceof LaporAuthError) return "Token LAPOR! ditolak (401): perbarui LAPOR_TOKEN";
  if (e instanceof LaporRateLimitError)
    return "LAPOR! membatasi permintaan (429) dan batas percobaan ulang habis; dicoba lagi pada jadwal berikutnya";
  if (e instanceof LaporTransientError)
    return `LAPOR! tidak dapat dihubungi (${e.reason}) setelah beberapa kali dicoba; dicoba lagi pada jadwal berikutnya`;
  if (e instanceof LaporBadCursorError)
    return "LAPOR! menolak kursor (400) dua kali berturut-turut; periksa LAPOR_BASE_URL";
  if (e instanceof LaporProtocolError)
    return "Jawaban LAPOR! tidak sesuai kontrak (bukan JSON atau format halaman salah); halaman disimpan sebagai dead letter";
  if (e instanceof LaporNotFoundError)
    return "Alamat LAPOR! tidak ditemukan (404); periksa LAPOR_BASE_URL";
  if (e instanceof LaporHttpError) return `LAPOR! menjawab HTTP ${e.status}`;
  if (e instanceof LaporAttachmentTooLargeError)
    return `Lampiran melebihi batas ${e.maxBytes} bita (LAPOR_ATTACHMENT_MAX_BYTES); tidak diunduh`;
  if (e instanceof LaporConfigError || e instanceof ConfigError)
    return `Konfigurasi LAPOR! salah: ${e.message}`;
  if (e instanceof LaporError) return `LAPOR! gagal (${e.code})`;
  return `Sinkronisasi LAPOR! gagal karena kesalahan internal (${e instanceof Error ? e.name : "unknown"})`;
}

export function classifyLaporSyncError(e: unknown): ErrorKind {
  if (e instanceof LaporAuthError) return "auth";
  if (e instanceof LaporBadCursorError) return "bad_cursor";
  if (e instanceof LaporTransientError || e instanceof LaporRateLimitError) return "transient";
  return "fatal";
}

function rawTrackingId(raw: unknown): string | null {
  if (typeof raw !== "object" || raw === null) return null;
  const v = (raw as { tracking_id?: unknown }).tracking_id;
  return typeof v === "string" && v.length > 0 ? v : typeof v === "number" ? String(v) : null;
}

export function toSourceItem(item: LaporanItemResult): SourceItem<CaseUpsert> {
  if (!item.ok)
    return {
      externalId: item.trackingId,
      raw: item.raw,
      mapped: { ok: false, error: itemErrorToMapError(item) },
    };
  const m = mapLaporan(item.value);
  return {
    externalId: m.ok ? m.value.externalId : (m.error.externalId ?? item.value.tracking_id),
    raw: item.raw,
    mapped: m.ok ? { ok: true, value: m.value } : { ok: false, error: m.error },
  };
}

export function mapRawToSourceItem(raw: unknown): SourceItem<CaseUpsert> {
  const m = mapRawLaporan(raw);
  return {
    externalId: m.ok ? m.value.externalId : (m.error.externalId ?? rawTrackingId(raw)),
    raw,
    mapped: m.ok ? { ok: true, value: m.value } : { ok: false, error: m.error },
  };
}

// ---------------------------------------------------------------------------------------
// Page upsert
// ---------------------------------------------------------------------------------------

const STATUS_ORDER = [
  "diterima",
  "diverifikasi",
  "didisposisi",
  "ditindaklanjuti",
  "selesai",
  "tidak_dapat_ditindaklanjuti",
];
const CLOSED = new Set(["selesai", "tidak_dapat_ditindaklanjuti"]);

/**
 * Upstream may move a case forward (a Selesai from the LAPOR! admin closes it here too),
 * never backwards, and never reopens or re-closes a case the hub already closed.
 */
export function nextHubStatus(current: string, upstream: string): string {
  if (CLOSED.has(current)) return current;
  return STATUS_ORDER.indexOf(upstream) > STATUS_ORDER.indexOf(current) ? upstream : current;
}

type Existing = {
  id: string;
  externalId: string;
  contentHash: string | null;
  status: string;
  upstreamStatus: string | null;
  closedAt: Date | null;
};

export type ApplyMode = {
  /**
   * "export": the row comes from the admin-panel export, which lacks most fields: a new
   * report is created from it, an existing case only takes the newer upstream status.
   */
  origin: "api" | "export";
  /**
   * The office whose cases the page matches and creates: the importer's for an export,
   * the default office for the API sync (it feeds the default office).
   */
  instansi?: string;
  /**
   * Who applies the page (the staff user importing an export). A status change it brings
   * is theirs on the timeline and in the audit trail; the API sync has no actor (system).
   */
  actor?: { id: string; username: string } | null;
};

type Event = {
  caseId: string;
  type: string;
  data: Record<string, unknown>;
  actorId?: string | null;
};

const LOCK_EXISTING = `SELECT id, "externalId", "contentHash", status, "upstreamStatus", "closedAt" FROM "Case"
  WHERE instansi = $2 AND channel = 'lapor' AND "externalId" = ANY($1::text[]) FOR UPDATE`;

/**
 * Upserts one page of LAPOR! records with one statement per table (never per row):
 * a page of new reports is a counter bump, then multi-row INSERTs of cases, parties,
 * events, tindak lanjut messages and attachments. Existing cases are locked (FOR UPDATE)
 * only when the page has some, because their status moves forward from what they hold.
 */
export async function applyLaporRecords(
  tx: PageTx,
  ctx: HubContext,
  items: ApplyItem<CaseUpsert>[],
  mode: ApplyMode = { origin: "api" },
): Promise<ApplyResult> {
  const now = ctx.clock();
  const nowIso = now.toISOString();
  // Only the office's own cases are matched: another office's case with the same tracking
  // id is, for this page, absent.
  const instansi = mode.instansi ?? DEFAULT_INSTANSI;
  const actor = mode.actor ?? null;
  // The engine's look-up already knows which records have no case yet: those are inserted
  // without a lock (ON CONFLICT catches a concurrent writer); the others are locked here.
  const toLock = items.filter((i) => i.existingCaseId !== null).map((i) => i.record.externalId);
  const existingRows = toLock.length
    ? await tx.query<Existing>(LOCK_EXISTING, [toLock, instansi])
    : [];
  const existing = new Map(existingRows.map((r) => [r.externalId, r]));
  const fresh: ApplyItem<CaseUpsert>[] = [];
  const changed: { item: ApplyItem<CaseUpsert>; row: Existing }[] = [];
  let unchanged = 0;
  for (const it of items) {
    const row = existing.get(it.record.externalId);
    if (!row) fresh.push(it);
    else if (
      mode.origin === "export"
        ? row.upstreamStatus === it.record.upstreamStatus
        : row.contentHash === it.record.contentHash
    )
      unchanged++;
    else changed.push({ item: it, row });
  }

  const caseIdByExt = new Map<string, string>();
  const events: Event[] = [];
  let added = 0;
  const created: ApplyItem<CaseUpsert>[] = [];
  if (fresh.length) {
    const numbers = await allocateNumbers(tx, ctx.config.ADUAN_CASE_PREFIX, fresh, instansi);
    const ids = new Map(fresh.map((it) => [it.record.externalId, randomUUID()]));
    const payload = fresh.map(({ record: r }) => ({
      id: ids.get(r.externalId),
      ext: r.externalId,
      number: numbers.get(r.externalId),
      title: r.title || null,
      keperluan: r.keperluan,
      status: r.hubStatus,
      rahasia: r.rahasia,
      anonim: r.anonim,
      sumber: r.sumber,
      ups: r.upstreamStatus,
      desa: r.lokasi.desa,
      kec: r.lokasi.kecamatan,
      recv: r.receivedAt.toISOString(),
      closed: CLOSED.has(r.hubStatus) ? r.upstreamUpdatedAt.toISOString() : null,
      hash: r.contentHash,
      kategori: r.kategori,
      klas: r.klasifikasi,
      upd: r.upstreamUpdatedAt.toISOString(),
    }));
    const inserted = await tx.query<{ id: string; externalId: string }>(
      `INSERT INTO "Case" (id, instansi, number, channel, "externalId", title, keperluan, status, rahasia, anonim,
         sumber, "upstreamStatus", desa, kecamatan, "receivedAt", "closedAt", "contentHash", kategori,
         klasifikasi, "upstreamUpdatedAt", "createdAt", "updatedAt", "createdById")
       SELECT x.id, $3, x.number, 'lapor', x.ext, x.title, x.keperluan, x.status, x.rahasia, x.anonim,
         x.sumber, x.ups, x.desa, x.kec, x.recv, x.closed, x.hash, x.kategori, x.klas, x.upd,
         $2::timestamptz, $2::timestamptz, $4::uuid
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, ext text, number text, title text, keperluan text,
           status text, rahasia boolean, anonim boolean, sumber text, ups text, desa text, kec text,
           recv timestamptz, closed timestamptz, hash text, kategori text, klas text, upd timestamptz)
       ON CONFLICT (instansi, channel, "externalId") DO NOTHING
       RETURNING id, "externalId"`,
      [JSON.stringify(payload), nowIso, instansi, actor?.id ?? null],
    );
    for (const r of inserted) caseIdByExt.set(r.externalId, r.id);
    added = inserted.length;
    for (const it of fresh) if (caseIdByExt.has(it.record.externalId)) created.push(it);
    // Lost a race with another writer (an import): take the update path for those.
    const raced = fresh.filter((it) => !caseIdByExt.has(it.record.externalId));
    if (raced.length) {
      const rows = await tx.query<Existing>(LOCK_EXISTING, [
        raced.map((r) => r.record.externalId),
        instansi,
      ]);
      const m = new Map(rows.map((r) => [r.externalId, r]));
      for (const it of raced) {
        const row = m.get(it.record.externalId);
        if (!row) continue;
        if (
          mode.origin === "export"
            ? row.upstreamStatus === it.record.upstreamStatus
            : row.contentHash === it.record.contentHash
        ) {
          caseIdByExt.set(it.record.externalId, row.id);
          unchanged++;
        } else changed.push({ item: it, row });
      }
    }
    // Perpres 76/2013: a rahasia reporter leaves no identity at all (the mapper already
    // drops it; this guard keeps it that way whatever the mapper returns).
    const parties = created
      .filter(({ record: r }) => !r.rahasia && r.reporter)
      .map(({ record: r }) => ({
        caseId: caseIdByExt.get(r.externalId),
        name: r.anonim ? null : (r.reporter?.name ?? null),
        phone: r.reporter?.phoneE164 ?? null,
        email: r.reporter?.email ?? null,
        desa: r.lokasi.desa,
        kec: r.lokasi.kecamatan,
      }));
    if (parties.length) {
      await tx.query(
        `INSERT INTO "Party" (id, instansi, "caseId", role, name, "phoneE164", email, desa, kecamatan, "createdAt")
         SELECT gen_random_uuid(), $3, x."caseId", 'pelapor', x.name, x.phone, x.email, x.desa, x.kec, $2::timestamptz
           FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, name text, phone text, email text, desa text, kec text)`,
        [JSON.stringify(parties), nowIso, instansi],
      );
    }
    for (const { record: r } of created) {
      events.push({
        caseId: caseIdByExt.get(r.externalId) as string,
        actorId: actor?.id ?? null,
        type: "case.created",
        data: {
          channel: "lapor",
          origin: mode.origin,
          externalId: r.externalId,
          number: numbers.get(r.externalId),
          upstreamStatus: r.upstreamStatus,
          sumber: r.sumber,
          rahasia: r.rahasia,
          anonim: r.anonim,
        },
      });
    }
  }

  let updated = 0;
  const transitions: UpstreamTransition[] = [];
  if (changed.length) {
    const rows = changed.map(({ item: { record: r }, row }) => {
      const status = nextHubStatus(row.status, r.hubStatus);
      const closing = CLOSED.has(status) && !CLOSED.has(row.status);
      caseIdByExt.set(r.externalId, row.id);
      const statusChanged = row.upstreamStatus !== r.upstreamStatus;
      if (status !== row.status && mode.origin === "export") {
        transitions.push(upstreamTransition(row, status, r, actor));
      }
      events.push({
        caseId: row.id,
        actorId: actor?.id ?? null,
        type: statusChanged ? "lapor.status_changed" : "lapor.updated",
        data: {
          origin: mode.origin,
          externalId: r.externalId,
          ...(statusChanged
            ? { upstreamStatusFrom: row.upstreamStatus, upstreamStatusTo: r.upstreamStatus }
            : {}),
          ...(status !== row.status ? { statusFrom: row.status, statusTo: status } : {}),
        },
      });
      return {
        id: row.id,
        export: mode.origin === "export",
        title: r.title || null,
        keperluan: r.keperluan,
        status,
        closed: closing ? r.upstreamUpdatedAt.toISOString() : null,
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
         status text, closed timestamptz, rahasia boolean, anonim boolean, sumber text, ups text,
         desa text, kec text, hash text, kategori text, klas text, upd timestamptz)
       WHERE c.id = x.id
       RETURNING c.id`,
      [JSON.stringify(rows), nowIso],
    );
    updated = done.length;
    if (mode.origin === "api") {
      const nowRahasia = changed.filter((c) => c.item.record.rahasia).map((c) => c.row.id);
      if (nowRahasia.length) {
        await tx.query(
          `DELETE FROM "Party" WHERE role = 'pelapor' AND "caseId" = ANY($1::uuid[])`,
          [nowRahasia],
        );
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
          `INSERT INTO "Party" (id, "caseId", role, name, "phoneE164", email, "createdAt")
           SELECT gen_random_uuid(), x."caseId", 'pelapor', x.name, x.phone, x.email, $2::timestamptz
             FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, name text, phone text, email text)
            WHERE NOT EXISTS (SELECT 1 FROM "Party" p WHERE p."caseId" = x."caseId" AND p.role = 'pelapor')`,
          [JSON.stringify(late), nowIso],
        );
      }
    }
  }
  for (const t of transitions) events.push(t.event);
  if (events.length) {
    await tx.query(
      `INSERT INTO "CaseEvent" ("caseId", at, type, "actorId", data)
       SELECT x."caseId", $2::timestamptz, x.type, x."actorId", x.data
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, type text, "actorId" uuid, data jsonb)`,
      [JSON.stringify(events.map((e) => ({ ...e, actorId: e.actorId ?? null }))), nowIso],
    );
  }
  if (transitions.length) {
    // The same audit row a workflow transition writes (src/services/workflow.service.ts),
    // marked upstream: who applied which status change from which source.
    await tx.query(
      `INSERT INTO "AuditLog" (instansi, "actorId", "actorName", action, "caseId", fields, purpose, data, at)
       SELECT $2, x."actorId", x."actorName", 'case.transition', x."caseId", '{}'::text[],
              'penanganan aduan', x.data, $3::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS x("actorId" uuid, "actorName" text, "caseId" uuid, data jsonb)`,
      [
        JSON.stringify(
          transitions.map((t) => ({
            actorId: actor?.id ?? null,
            actorName: actor?.username ?? "system",
            caseId: t.event.caseId,
            data: t.audit,
          })),
        ),
        instansi,
        nowIso,
      ],
    );
  }

  const touched = [...created, ...changed.map((c) => c.item)];
  // tindak lanjut → outbound messages, deduplicated on (channel, externalId).
  const messages = touched.flatMap(({ record: r, rawMessageId }) =>
    r.tindakLanjut.map((t) => ({
      caseId: caseIdByExt.get(r.externalId),
      ext: t.externalId,
      author: t.oleh,
      body: t.isi,
      at: t.at.toISOString(),
      raw: rawMessageId || null,
    })),
  );
  if (messages.length) {
    await tx.query(
      `INSERT INTO "Message" (id, "caseId", direction, channel, "externalId", author, body, at,
         "deliveryStatus", "rawMessageId", "createdAt")
       SELECT gen_random_uuid(), x."caseId", 'out', 'lapor', x.ext, x.author, x.body, x.at, 'sent', x.raw, $2::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, ext text, author text, body text, at timestamptz, raw uuid)
       ON CONFLICT (channel, "externalId") DO NOTHING`,
      [JSON.stringify(messages), nowIso],
    );
  }
  const attachmentRows = (list: ApplyItem<CaseUpsert>[]) =>
    list.flatMap(({ record: r, rawMessageId }) =>
      r.attachments.map((a) => ({
        caseId: caseIdByExt.get(r.externalId),
        ext: a.externalId,
        name: a.fileName,
        mime: a.mime,
        raw: rawMessageId || null,
      })),
    );
  const newCaseFiles = attachmentRows(created);
  if (newCaseFiles.length) {
    await tx.query(
      `INSERT INTO "Attachment" (id, "caseId", "rawMessageId", source, "externalId", "fileName", mime, status, "createdAt")
       SELECT gen_random_uuid(), x."caseId", x.raw, 'lapor', x.ext, x.name, x.mime, 'pending', $2::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, ext text, name text, mime text, raw uuid)`,
      [JSON.stringify(newCaseFiles), nowIso],
    );
  }
  const changedFiles = attachmentRows(changed.map((c) => c.item));
  if (changedFiles.length) {
    // The raw message holds the download URL; a row not yet stored follows the newest one.
    await tx.query(
      `UPDATE "Attachment" a SET "rawMessageId" = x.raw
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, ext text, raw uuid)
        WHERE a.source = 'lapor' AND a."caseId" = x."caseId" AND a."externalId" = x.ext AND a.status <> 'stored'`,
      [JSON.stringify(changedFiles)],
    );
    await tx.query(
      `INSERT INTO "Attachment" (id, "caseId", "rawMessageId", source, "externalId", "fileName", mime, status, "createdAt")
       SELECT gen_random_uuid(), x."caseId", x.raw, 'lapor', x.ext, x.name, x.mime, 'pending', $2::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, ext text, name text, mime text, raw uuid)
        WHERE NOT EXISTS (SELECT 1 FROM "Attachment" a WHERE a.source = 'lapor' AND a."caseId" = x."caseId" AND a."externalId" = x.ext)`,
      [JSON.stringify(changedFiles), nowIso],
    );
  }
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

type UpstreamTransition = { event: Event; audit: Record<string, unknown> };

/**
 * A hub status an imported LAPOR! status brings (never backwards, never a reopen: see
 * nextHubStatus), recorded as an explicit upstream transition: the timeline shows the same
 * `status.changed` a workflow transition writes, with kind "upstream", and whether the
 * workflow table has this step (`workflowStep`) or LAPOR! jumped over steps the hub never
 * took (`skipped`). The importer is the actor: they brought the change in, they did not
 * decide it, so their role's rights over the step are not asked. A full upstream
 * transition table is a later issue.
 */
function upstreamTransition(
  row: Existing,
  to: string,
  r: CaseUpsert,
  actor: { id: string; username: string } | null,
): UpstreamTransition {
  const { id: caseId, status: from } = row;
  const rule = isCaseStatus(from) && isCaseStatus(to) ? (findRule(from, to)?.kind ?? null) : null;
  const skipped = rule
    ? []
    : STATUS_ORDER.slice(STATUS_ORDER.indexOf(from) + 1, STATUS_ORDER.indexOf(to)).filter(
        (s) => !CLOSED.has(s),
      );
  const data = {
    from,
    to,
    kind: "upstream",
    upstream: {
      source: r.sumber ?? "lapor",
      statusFrom: row.upstreamStatus,
      statusTo: r.upstreamStatus,
    },
    workflowStep: rule,
    skipped,
  };
  return {
    event: { caseId, actorId: actor?.id ?? null, type: "status.changed", data },
    audit: { from, to, upstream: true, upstreamStatus: r.upstreamStatus, workflowStep: rule },
  };
}

/**
 * Case numbers for a page of new reports: one counter statement bumps every WITA year
 * the page touches by its count and hands back the block's upper end. Counted per office.
 */
async function allocateNumbers(
  tx: PageTx,
  prefix: string,
  fresh: ApplyItem<CaseUpsert>[],
  instansi: string,
): Promise<Map<string, string>> {
  const byYear = new Map<number, ApplyItem<CaseUpsert>[]>();
  for (const it of fresh) {
    const y = witaYear(it.record.receivedAt);
    const list = byYear.get(y);
    if (list) list.push(it);
    else byYear.set(y, [it]);
  }
  const years = [...byYear.keys()];
  const rows = await tx.query<{ year: number; last: number }>(
    `INSERT INTO "CaseCounter" ("instansi", "year", "last")
     SELECT $3, y, n FROM unnest($1::int[], $2::int[]) AS t(y, n) ORDER BY y
     ON CONFLICT ("instansi", "year") DO UPDATE SET "last" = "CaseCounter"."last" + EXCLUDED."last"
     RETURNING "year", "last"`,
    [years, years.map((y) => byYear.get(y)?.length ?? 0), instansi],
  );
  const lastOf = new Map(rows.map((r) => [Number(r.year), Number(r.last)]));
  const numbers = new Map<string, string>();
  for (const [year, list] of byYear) {
    const last = lastOf.get(year) ?? list.length;
    list.forEach((it, k) => {
      const n = last - list.length + 1 + k;
      numbers.set(it.record.externalId, `${prefix}-${year}-${String(n).padStart(6, "0")}`);
    });
  }
  return numbers;
}

// ---------------------------------------------------------------------------------------
// Attachments (after the page committed: a slow or failing download never holds a
// transaction, and never loses the report)
// ---------------------------------------------------------------------------------------

type PendingAttachment = { id: string; caseId: string; externalId: string; body: Buffer | null };

async function downloadAttachments(
  ctx: HubContext,
  client: LaporClient,
  where: { caseIds?: string[]; limit: number },
  // Attempted earlier in this run: the end-of-run retry pass skips them, so one failure
  // is one timeline note per sync, not two.
  attempted: Set<string>,
): Promise<void> {
  if (!ctx.config.LAPOR_ATTACHMENTS) return;
  const rows = await ctx.db.sql.query<PendingAttachment>(
    `SELECT a.id, a."caseId", a."externalId", r.body FROM "Attachment" a
       LEFT JOIN "RawMessage" r ON r.id = a."rawMessageId"
      WHERE a.source = 'lapor' AND a.status IN ('pending', 'failed')
        AND ($1::jsonb IS NULL OR a."caseId" IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid))
      ORDER BY a."createdAt" LIMIT $2::int`,
    [where.caseIds ? JSON.stringify(where.caseIds) : null, where.limit],
  );
  for (const a of rows) {
    if (attempted.has(a.id)) continue;
    attempted.add(a.id);
    let url: string | null = null;
    try {
      const raw = JSON.parse(Buffer.from(a.body ?? Buffer.alloc(0)).toString("utf8")) as {
        lampiran?: { id?: string; url?: string }[];
      };
      url = raw.lampiran?.find((l) => l.id === a.externalId)?.url ?? null;
    } catch {
      url = null;
    }
    if (!url) {
      await ctx.db.prisma.attachment.update({
        where: { id: a.id },
        data: { status: "failed", error: "URL lampiran tidak ditemukan pada data mentah" },
      });
      continue;
    }
    try {
      const file = await client.downloadAttachment(url, {
        maxBytes: ctx.config.LAPOR_ATTACHMENT_MAX_BYTES,
      });
      // Typed by its content like every stored file; LAPOR!'s Content-Type is not kept.
      const detected = detectFileType(file.bytes);
      if (!detected.ok) throw new LaporAttachmentRefusedError(detected.error.message);
      const enc = encrypt(ctx.keyring, file.bytes);
      const rel = join("files", a.caseId.slice(0, 2), `${a.id}.bin`);
      await writeStoredFile(ctx, rel, enc.blob);
      await ctx.db.prisma.attachment.update({
        where: { id: a.id },
        data: {
          status: "stored",
          error: null,
          size: file.bytes.length,
          sha256: file.sha256,
          mime: detected.value.mime,
          storagePath: rel,
          encrypted: true,
          keyId: enc.keyId,
        },
      });
    } catch (e) {
      const refused =
        e instanceof LaporAttachmentTooLargeError || e instanceof LaporAttachmentRefusedError;
      // A storage failure (full disk…) and a refused type already say what happened in
      // Bahasa Indonesia.
      const note =
        e instanceof DomainError || e instanceof LaporAttachmentRefusedError
          ? e.message
          : describeLaporError(e);
      await ctx.db.prisma.$transaction([
        ctx.db.prisma.attachment.update({
          where: { id: a.id },
          data: { status: refused ? "refused" : "failed", error: note },
        }),
        ctx.db.prisma.caseEvent.create({
          data: {
            caseId: a.caseId,
            type: refused ? "attachment.refused" : "attachment.failed",
            data: { source: "lapor", externalId: a.externalId, note },
          },
        }),
      ]);
    }
  }
}

/** A downloaded file whose content is not an accepted type (src/domain/uploads). */
class LaporAttachmentRefusedError extends Error {
  constructor(message: string) {
    super(`Lampiran LAPOR! ditolak: ${message}`);
    this.name = "LaporAttachmentRefusedError";
  }
}

// ---------------------------------------------------------------------------------------
// The source
// ---------------------------------------------------------------------------------------

export type LaporSourceOptions = { client?: LaporClient };

export function createLaporSource(
  ctx: HubContext,
  opts: LaporSourceOptions = {},
): ChannelSource<CaseUpsert> {
  const client = opts.client ?? createLaporClient(ctx);
  const attempted = new Set<string>();
  return {
    stream: LAPOR_STREAM,
    channel: LAPOR_CHANNEL,
    overlapMs: ctx.config.LAPOR_OVERLAP_SECONDS * 1000,
    async fetchPage(position) {
      const page = await client.listLaporan({
        ...(position.cursor !== undefined ? { cursor: position.cursor } : {}),
        ...(position.updatedSince !== undefined ? { updatedSince: position.updatedSince } : {}),
        limit: ctx.config.LAPOR_PAGE_SIZE,
      });
      return { items: page.items.map(toSourceItem), nextCursor: page.nextCursor };
    },
    async refetch(externalId) {
      try {
        return toSourceItem(await client.getLaporan(externalId));
      } catch (e) {
        if (e instanceof LaporNotFoundError) return null;
        throw e;
      }
    },
    mapRaw: mapRawToSourceItem,
    classify: classifyLaporSyncError,
    describe: describeLaporError,
    applyPage: (tx, c, items) => applyLaporRecords(tx, c, items),
    afterPage: async (c, result) => {
      if (result.caseIds.length)
        await downloadAttachments(c, client, { caseIds: result.caseIds, limit: 1000 }, attempted);
    },
    afterRun: (c) => downloadAttachments(c, client, { limit: 200 }, attempted),
  };
}
