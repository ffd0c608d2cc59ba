// What a channel hands the intake pipeline: a case draft in the hub's terms, with no
// database ids and nothing derived yet (no number, jenis decision, deadline or hashes).
// Every channel's mapper produces these; src/intake/pipeline.ts does the rest, the same
// way for all of them.
import type { CaseStatus } from "../domain/workflow.js";
import type { Channel } from "../domain/sla-policy.js";

/**
 * Who creates the case. Staff are users; a channel is a named system actor, so the
 * timeline and the audit trail say which channel did it ("system:lapor-sync"), never a
 * bare "system".
 */
export type IntakeActor =
  | { kind: "user"; id: string; username: string; instansi: string }
  | { kind: "system"; name: SystemActorName };

/** The channels' names as actors (AuditLog.actorName). */
export const SYSTEM_ACTORS = {
  whatsapp: "system:whatsapp",
  facebook: "system:facebook",
  instagram: "system:instagram",
  email: "system:email",
  website: "system:web-form",
  lapor: "system:lapor-sync",
  laporExport: "system:lapor-export",
  legacy: "system:legacy-import",
} as const;
export type SystemActorName = (typeof SYSTEM_ACTORS)[keyof typeof SYSTEM_ACTORS];

export function actorName(a: IntakeActor): string {
  return a.kind === "user" ? a.username : a.name;
}

export function actorId(a: IntakeActor): string | null {
  return a.kind === "user" ? a.id : null;
}

/**
 * A person on the case as the channel knows them. `nik` and `phone` are raw text, checked
 * and normalised by the pipeline (a desk form); `phoneE164` is a number a channel already
 * holds in E.164 (a WhatsApp wa_id, a LAPOR! reporter), used as it is.
 */
export type PartyDraft = {
  role: "pelapor" | "atas_nama";
  name: string | null;
  nik?: string | null;
  phone?: string | null;
  phoneE164?: string | null;
  altPhones?: string[];
  waId?: string | null;
  /** WhatsApp business-scoped user ID, when the sender is known by one. */
  bsuid?: string | null;
  metaId?: string | null;
  email?: string | null;
  sex?: string | null;
  alamat?: string | null;
  desa?: string | null;
  kecamatan?: string | null;
};

/** Upstream bookkeeping of a case that also lives elsewhere (LAPOR!). */
export type UpstreamFields = {
  sumber: string | null;
  upstreamStatus: string | null;
  upstreamUpdatedAt: Date | null;
  contentHash: string | null;
  kategori: string | null;
  klasifikasi: string | null;
};

/** Fields only the legacy logs carry. */
export type LegacyFields = {
  historicalNarasi: string | null;
  tindakLanjutLabel: string | null;
  reasonCode: string | null;
  sumber: string | null;
  /** "YYYY-MM" of the sheet the row was filed in: the month whose report lists it. */
  period?: string | null;
  /** The row as filed: its place in the sheet, its HARI/TANGGAL text, open review points. */
  info?: { rowNo: number; tanggal: string; review: { code: string; text: string }[] } | null;
};

export type CaseDraft = {
  channel: Channel;
  /** The channel's id of the case (wamid, tracking id, row fingerprint); null: the number. */
  externalId: string | null;
  instansi: string;
  receivedAt: Date;
  /** The status the case is born in (an upstream or a legacy case may be further along). */
  status?: CaseStatus;
  /** When a case born closed was closed (upstream or legacy); null when unknown. */
  closedAt?: Date | null;
  title?: string | null;
  keperluan: string;
  /** A jenis staff chose at intake; otherwise the suggestion stands. */
  jenis?: string | null;
  rahasia?: boolean;
  anonim?: boolean;
  desa?: string | null;
  kecamatan?: string | null;
  flags?: string[];
  lastInboundAt?: Date | null;
  publicTokenHash?: string | null;
  upstream?: UpstreamFields;
  legacy?: LegacyFields;
  parties: PartyDraft[];
  /** The timeline event's type ("case.created"; "case.imported" for the legacy logs). */
  eventType?: "case.created" | "case.imported";
  /** Extra data of the timeline event (origin, import run, sheet and row…). */
  eventData?: Record<string, unknown>;
  /** Why the personal data is processed (the audit row's purpose). */
  purpose?: string;
  /** Extra audit fields beyond the parties' (e.g. "message"). */
  auditFields?: string[];
  ack?: {
    /** Outbox kind of the channel's automatic acknowledgement (the SOP's tanda terima). */
    outboxKind?: string | null;
    /** The sender saw the number on screen (web form): acknowledged, nothing to send. */
    onScreen?: boolean;
  };
};
