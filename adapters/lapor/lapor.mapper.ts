import { stripNul } from "../../src/domain/text.js";
import { hash } from "node:crypto";
import { err, ok, type Result } from "../../src/domain/result.js";
import {
  TRACKING_ID_PATTERN,
  parseLaporanItem,
  type LaporanDto,
  type LaporanItemResult,
} from "./lapor.dto.js";
import { normalizeIdPhone } from "./lapor.phone.js";
import { laporToHubStatus, type HubStatus } from "./lapor.status-map.js";

/** Beyond this the report is not a complaint but a payload accident (seen: 2 MB isi). */
export const LAPOR_ISI_MAX_CHARS = 100_000;

export type MapErrorCode =
  | "LAPOR_TRACKING_ID_MISSING"
  | "LAPOR_TRACKING_ID_INVALID"
  | "LAPOR_SCHEMA_INVALID"
  | "LAPOR_ISI_TOO_LONG"
  | "LAPOR_DATE_INVALID"
  | "LAPOR_STATUS_UNKNOWN";

export interface MapError {
  readonly code: MapErrorCode;
  /** quarantine = valid record we cannot interpret yet (alert); dead_letter = broken record. */
  readonly disposition: "dead_letter" | "quarantine";
  /** Offending field (dotted path) when there is one. */
  readonly field: string | null;
  /** Tracking id when known, so the dead letter can be keyed and replayed. */
  readonly externalId: string | null;
  readonly message: string;
}

export interface CaseUpsertReporter {
  readonly name: string | null;
  readonly phoneE164: string | null;
  readonly email: string | null;
}

export interface CaseUpsertAttachment {
  readonly externalId: string;
  readonly fileName: string;
  readonly mime: string;
  readonly url: string;
}

export interface CaseUpsertTindakLanjut {
  readonly externalId: string;
  readonly isi: string;
  readonly oleh: string;
  readonly at: Date;
}

export interface CaseUpsert {
  readonly channel: "lapor";
  readonly externalId: string;
  readonly title: string;
  readonly keperluan: string;
  readonly klasifikasi: LaporanDto["klasifikasi"];
  readonly kategori: string | null;
  readonly upstreamStatus: string;
  readonly hubStatus: HubStatus;
  readonly rahasia: boolean;
  readonly anonim: boolean;
  readonly sumber: string;
  readonly receivedAt: Date;
  readonly upstreamUpdatedAt: Date;
  readonly reporter: CaseUpsertReporter | null;
  readonly lokasi: { readonly kecamatan: string | null; readonly desa: string | null };
  readonly attachments: readonly CaseUpsertAttachment[];
  readonly tindakLanjut: readonly CaseUpsertTindakLanjut[];
  /** sha256 (hex) of the canonical JSON of every other field: equal ⇔ nothing to rewrite. */
  readonly contentHash: string;
}

// RFC 3339 date-time with a zone; a bare date or a zone-less time is ambiguous (WITA vs UTC).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

// Copy-on-write: a report without U+0000 (all of them, in practice) comes back as the same
// object, so mapping a page does not clone every report once more.
function stripNulDeep<T>(value: T): T {
  if (typeof value === "string") return stripNul(value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const s = stripNulDeep(v);
      if (s !== v) (out ??= value.slice())[i] = s;
    }
    return (out ?? value) as T;
  }
  if (value && typeof value === "object") {
    let out: Record<string, unknown> | null = null;
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      const s = stripNulDeep(v);
      if (s !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = s;
    }
    return (out ?? value) as T;
  }
  return value;
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;

function parseDate(value: string): Date | null {
  if (!RFC3339.test(value)) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  // Date() rolls "2016-02-30" over to 1 March: the calendar date written must exist.
  // (Read digit by digit: this runs twice per report on every sync.)
  const y = digit(value, 0) * 1000 + digit(value, 1) * 100 + digit(value, 2) * 10 + digit(value, 3);
  const m = digit(value, 5) * 10 + digit(value, 6);
  const d = digit(value, 8) * 10 + digit(value, 9);
  // Years before 100 were never report dates (and were rejected before this rewrite).
  if (y < 100 || m < 1 || m > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  if (d > days) return null;
  return date;
}

function deadLetter(
  code: MapErrorCode,
  field: string | null,
  externalId: string | null,
  message: string,
): MapError {
  return { code, disposition: "dead_letter", field, externalId, message };
}

function emptyToNull(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

function normalizeEmail(value: string | null | undefined): string | null {
  const trimmed = emptyToNull(value);
  if (trimmed === null) return null;
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed) ? trimmed.toLowerCase() : null;
}

/**
 * Every field of a CaseUpsert, and whether the content hash covers it. Adding a field to
 * CaseUpsert does not compile until it is listed here (and, if true, hashed below).
 */
const HASHED: Record<keyof Omit<CaseUpsert, "contentHash">, boolean> = {
  channel: true,
  externalId: true,
  title: true,
  keperluan: true,
  klasifikasi: true,
  kategori: true,
  upstreamStatus: true,
  hubStatus: true,
  rahasia: true,
  anonim: true,
  sumber: true,
  receivedAt: true,
  upstreamUpdatedAt: true,
  reporter: true,
  lokasi: true,
  attachments: true,
  tindakLanjut: true,
};
void HASHED;

/**
 * sha256 of a positional JSON array in a fixed field order (the layout is the format:
 * changing it changes every stored hash, and the next sync then rewrites each case once).
 * JSON.stringify of arrays of primitives is unambiguous and native — the generic
 * sort-every-key canonical form it replaces was a quarter of a re-sync's CPU.
 *
 * Attachment URLs are left out: upstream may sign or re-host them per request, and a
 * new URL for the same file must not count as a changed report (the id identifies it).
 */
export function contentHashOf(f: Omit<CaseUpsert, "contentHash">): string {
  const r = f.reporter;
  const canonical = JSON.stringify([
    "lapor-v2",
    f.channel,
    f.externalId,
    f.title,
    f.keperluan,
    f.klasifikasi,
    f.kategori,
    f.upstreamStatus,
    f.hubStatus,
    f.rahasia,
    f.anonim,
    f.sumber,
    f.receivedAt.getTime(),
    f.upstreamUpdatedAt.getTime(),
    r ? [r.name, r.phoneE164, r.email] : null,
    [f.lokasi.kecamatan, f.lokasi.desa],
    f.attachments.map((a) => [a.externalId, a.fileName, a.mime]),
    f.tindakLanjut.map((t) => [t.externalId, t.isi, t.oleh, t.at.getTime()]),
  ]);
  // One-shot: no Hash object per report.
  return hash("sha256", canonical, "hex");
}

/** Pure: one LAPOR! report → the plain object the sync engine upserts on (channel, externalId). */
export function mapLaporan(input: LaporanDto): Result<CaseUpsert, MapError> {
  // PostgreSQL text cannot hold U+0000; one such report must not fail its whole page.
  const dto = stripNulDeep(input);
  const trackingId = typeof dto.tracking_id === "string" ? dto.tracking_id.trim() : "";
  if (trackingId === "") {
    return err(
      deadLetter("LAPOR_TRACKING_ID_MISSING", "tracking_id", null, "report has no tracking_id"),
    );
  }
  if (!TRACKING_ID_PATTERN.test(trackingId)) {
    return err(
      deadLetter(
        "LAPOR_TRACKING_ID_INVALID",
        "tracking_id",
        null,
        "tracking_id must be 5-12 digits",
      ),
    );
  }

  if (dto.isi.length > LAPOR_ISI_MAX_CHARS) {
    return err(
      deadLetter(
        "LAPOR_ISI_TOO_LONG",
        "isi",
        trackingId,
        `isi has ${dto.isi.length} characters, more than ${LAPOR_ISI_MAX_CHARS}`,
      ),
    );
  }

  const receivedAt = parseDate(dto.dibuat_pada);
  if (receivedAt === null) {
    return err(
      deadLetter(
        "LAPOR_DATE_INVALID",
        "dibuat_pada",
        trackingId,
        "dibuat_pada is not an RFC 3339 date-time",
      ),
    );
  }
  const upstreamUpdatedAt = parseDate(dto.diperbarui_pada);
  if (upstreamUpdatedAt === null) {
    return err(
      deadLetter(
        "LAPOR_DATE_INVALID",
        "diperbarui_pada",
        trackingId,
        "diperbarui_pada is not an RFC 3339 date-time",
      ),
    );
  }

  const tindakLanjut: CaseUpsertTindakLanjut[] = [];
  for (const [index, item] of (dto.tindak_lanjut ?? []).entries()) {
    const at = parseDate(item.dibuat_pada);
    if (at === null) {
      const field = `tindak_lanjut.${index}.dibuat_pada`;
      return err(
        deadLetter(
          "LAPOR_DATE_INVALID",
          field,
          trackingId,
          `${field} is not an RFC 3339 date-time`,
        ),
      );
    }
    tindakLanjut.push({ externalId: item.id, isi: item.isi, oleh: item.oleh, at });
  }

  const hubStatus = laporToHubStatus(dto.status);
  if (!hubStatus.ok) {
    return err({
      code: "LAPOR_STATUS_UNKNOWN",
      disposition: "quarantine",
      field: "status",
      externalId: trackingId,
      message: hubStatus.error.message,
    });
  }

  // Perpres 76/2013: a rahasia reporter's identity must never be stored, even if upstream
  // leaks it into the payload. anonim hides only the name.
  let reporter: CaseUpsertReporter | null = null;
  if (!dto.rahasia && dto.pelapor) {
    reporter = {
      name: dto.anonim ? null : emptyToNull(dto.pelapor.nama),
      phoneE164: normalizeIdPhone(dto.pelapor.telepon ?? null),
      email: normalizeEmail(dto.pelapor.email),
    };
    if (reporter.name === null && reporter.phoneE164 === null && reporter.email === null)
      reporter = null;
  }

  const fields: Omit<CaseUpsert, "contentHash"> = {
    channel: "lapor",
    externalId: trackingId,
    title: dto.judul.trim(),
    keperluan: dto.isi,
    klasifikasi: dto.klasifikasi,
    kategori: emptyToNull(dto.kategori?.nama),
    upstreamStatus: dto.status,
    hubStatus: hubStatus.value,
    rahasia: dto.rahasia,
    anonim: dto.anonim,
    sumber: dto.sumber,
    receivedAt,
    upstreamUpdatedAt,
    reporter,
    lokasi: { kecamatan: emptyToNull(dto.lokasi?.kecamatan), desa: emptyToNull(dto.lokasi?.desa) },
    attachments: (dto.lampiran ?? []).map((l) => ({
      externalId: l.id,
      fileName: l.nama_file,
      mime: l.mime,
      url: l.url,
    })),
    tindakLanjut,
  };
  return ok({ ...fields, contentHash: contentHashOf(fields) });
}

/** Schema failure of one page item → the same MapError vocabulary as mapping failures. */
export function itemErrorToMapError(item: Extract<LaporanItemResult, { ok: false }>): MapError {
  const trackingIssue = item.issues.find((i) => i.path === "tracking_id");
  if (trackingIssue) {
    return item.trackingId === null
      ? deadLetter("LAPOR_TRACKING_ID_MISSING", "tracking_id", null, "report has no tracking_id")
      : deadLetter("LAPOR_TRACKING_ID_INVALID", "tracking_id", null, trackingIssue.message);
  }
  const first = item.issues[0];
  return deadLetter(
    "LAPOR_SCHEMA_INVALID",
    first?.path ?? null,
    item.trackingId,
    item.issues.map((i) => `${i.path || "(item)"}: ${i.message}`).join("; "),
  );
}

/** Raw payload (as stored in RawMessage) → CaseUpsert; what a dead-letter replay calls. */
export function mapRawLaporan(raw: unknown): Result<CaseUpsert, MapError> {
  const item = parseLaporanItem(raw);
  return item.ok ? mapLaporan(item.value) : err(itemErrorToMapError(item));
}
