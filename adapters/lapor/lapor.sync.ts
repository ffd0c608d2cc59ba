// LAPOR! as a pull stream of the sync engine: the typed client fetches pages, the pure
// mapper turns each report into a CaseUpsert (an UpstreamCase, src/ports/intake.port.ts),
// and the intake pipeline the engine hands to applyPage creates or moves the cases of a
// whole page with a handful of batched statements (src/intake/upstream.ts).
import { detectFileType } from "../../src/domain/uploads/file-type.js";
import { DomainError } from "../../src/domain/errors.js";
import { join } from "node:path";
import type { Config, HubContext } from "../../src/ports/hub.port.js";
import type { ChannelSource, ErrorKind, SourceItem } from "../../src/ports/channel-source.port.js";
import { ConfigError } from "../../src/domain/config-error.js";
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
import type { RetryPolicy } from "../../src/domain/retry-policy.js";

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
      const rel = join("files", a.caseId.slice(0, 2), `${a.id}.bin`);
      const enc = await ctx.registry.services.storeEncryptedFile(ctx, rel, file.bytes);
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
    prepareAhead: (items, intake) =>
      intake.prepareUpstream(
        items.flatMap((i) => (i.mapped.ok ? [i.mapped.value] : [])),
        { origin: "api" },
      ),
    applyPage: (tx, _c, items, intake) => intake.applyUpstream(tx, items, { origin: "api" }),
    afterPage: async (c, result) => {
      if (result.caseIds.length)
        await downloadAttachments(c, client, { caseIds: result.caseIds, limit: 1000 }, attempted);
    },
    afterRun: (c) => downloadAttachments(c, client, { limit: 200 }, attempted),
  };
}
