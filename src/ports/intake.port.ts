// What a channel adapter hands the intake pipeline (src/intake) for cases that live
// upstream (LAPOR!): the channel's record in the hub's terms. The pipeline creates new
// cases through its steps and moves existing ones through the upstream transition table
// (src/domain/workflow.ts); the adapter never writes a case itself.
import type { Channel } from "../domain/sla-policy.js";
import type { CaseStatus } from "../domain/workflow.js";
import type { ApplyItem, ApplyResult, MappedRecord, PageTx } from "./channel-source.port.js";

export type UpstreamCase = {
  readonly channel: Channel;
  readonly externalId: string;
  readonly title: string;
  readonly keperluan: string;
  readonly klasifikasi: string | null;
  readonly kategori: string | null;
  readonly upstreamStatus: string;
  /** The hub status the upstream status means (the adapter's status map). */
  readonly hubStatus: CaseStatus;
  readonly rahasia: boolean;
  readonly anonim: boolean;
  readonly sumber: string;
  readonly receivedAt: Date;
  readonly upstreamUpdatedAt: Date;
  readonly reporter: {
    readonly name: string | null;
    readonly phoneE164: string | null;
    readonly email: string | null;
  } | null;
  readonly lokasi: { readonly kecamatan: string | null; readonly desa: string | null };
  readonly attachments: readonly {
    readonly externalId: string;
    readonly fileName: string;
    readonly mime: string;
  }[];
  /** Follow-ups already published upstream: outbound messages, deduplicated by id. */
  readonly tindakLanjut: readonly {
    readonly externalId: string;
    readonly isi: string;
    readonly oleh: string;
    readonly at: Date;
  }[];
  /** sha256 (hex) of everything else: equal ⇔ nothing to rewrite. */
  readonly contentHash: string;
};

export type UpstreamMode = {
  /**
   * "export": the row comes from an admin-panel export, which lacks most fields: a new
   * report is created from it, an existing case only takes the newer upstream status.
   */
  origin: "api" | "export";
  /** The office whose cases the page matches and creates (default: the default office). */
  instansi?: string;
  /** The staff user who brought the page in (an export import); absent: the channel. */
  actor?: { id: string; username: string; instansi: string } | null;
};

export type InboundChannel = "whatsapp" | "email" | "facebook" | "instagram" | "website";

export type InboundSender = {
  name: string | null;
  phoneE164?: string | null;
  waId?: string | null;
  /** WhatsApp business-scoped user ID (issue 19): may come with or without a phone. */
  bsuid?: string | null;
  metaId?: string | null;
  email?: string | null;
};

/** A party column a channel threads a sender's messages by. */
export type OpenCaseKey = { field: "waId" | "bsuid" | "metaId"; value: string };

/**
 * One message a conversational channel brings in (WhatsApp, Meta, e-mail, web form): it
 * joins the case it belongs to or opens a new one through the intake steps. Dedupe is
 * the Message unique (channel, externalId): a replayed id changes nothing.
 */
export type InboundMessage = {
  readonly channel: InboundChannel;
  /** wamid, mid or Message-ID: the dedupe key. */
  readonly externalId: string;
  readonly receivedAt: Date;
  readonly from: InboundSender;
  /** Message body as staff will read it. */
  readonly text: string;
  /** Case title for a new case (e-mail subject). */
  readonly title?: string | null;
  /** A case the caller already matched. */
  readonly joinCaseId?: string | null;
  /**
   * A reply: the case of the newest message among these ids (In-Reply-To, References),
   * else the case with this number in the default office (a number in the subject).
   */
  readonly replyTo?: {
    readonly messageIds: readonly string[];
    readonly caseNumber: string | null;
  } | null;
  /**
   * Join the sender's open case (WhatsApp, Meta) by this party column, or by any of these
   * (a WhatsApp sender known by phone and BSUID). On a join, the pelapor gains the
   * identifiers it lacked (waId, bsuid, phone): one party per person, never a second one.
   */
  readonly openCaseBy?: OpenCaseKey | readonly OpenCaseKey[] | null;
  readonly flags?: readonly string[];
  readonly desa?: string | null;
  readonly kecamatan?: string | null;
  /** Outbox kind of the auto-acknowledgement when a case is opened; null = none. */
  readonly ackKind?: string | null;
  /** The sender sees the case number at once (the web form's answer): acknowledged. */
  readonly acknowledgedOnScreen?: boolean;
  /** Serialises intake per sender (advisory transaction lock). */
  readonly lockKey: string;
  /** Further per-sender locks (each identifier of a sender known by several). */
  readonly extraLockKeys?: readonly string[];
  /** Hash of the citizen's status look-up token of a new case. */
  readonly publicTokenHash?: string | null;
  /** The citizen asked to keep their identity confidential (the web form's choice). */
  readonly rahasia?: boolean;
};

/** What a mailbox source hands the pipeline: the sync record carrying its message. */
export type InboundRecord = MappedRecord & { readonly message: InboundMessage };

/** The pipeline as the sync engine hands it to a source's applyPage. */
export interface IntakePort {
  /**
   * The steps of the pipeline that need no database (parties, jenis, bidang, deadline),
   * done ahead for records that may become new cases, while the previous page is being
   * written; `applyUpstream` uses what was prepared and computes whatever was not. Pure:
   * what is prepared for a record that turns out to exist is simply dropped.
   */
  prepareUpstream(records: readonly UpstreamCase[], mode: UpstreamMode): Promise<void>;
  applyUpstream(
    tx: PageTx,
    items: ApplyItem<UpstreamCase>[],
    mode: UpstreamMode,
  ): Promise<ApplyResult>;
  /**
   * Messages of a pull channel (e-mail), in order, each joined or opened exactly as a
   * webhook's message is (src/intake/inbound.ts). `added` counts messages stored (a new
   * case or a join), `unchanged` the ones already held.
   */
  applyInbound(tx: PageTx, items: ApplyItem<InboundRecord>[]): Promise<ApplyResult>;
}
