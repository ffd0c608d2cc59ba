// What a channel adapter hands the intake pipeline (src/intake) for cases that live
// upstream (LAPOR!): the channel's record in the hub's terms. The pipeline creates new
// cases through its steps and moves existing ones through the upstream transition table
// (src/domain/workflow.ts); the adapter never writes a case itself.
import type { Channel } from "../domain/sla-policy.js";
import type { CaseStatus } from "../domain/workflow.js";
import type { ApplyItem, ApplyResult, PageTx } from "./channel-source.port.js";

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

/** The pipeline as the sync engine hands it to a source's applyPage. */
export interface IntakePort {
  applyUpstream(
    tx: PageTx,
    items: ApplyItem<UpstreamCase>[],
    mode: UpstreamMode,
  ): Promise<ApplyResult>;
}
