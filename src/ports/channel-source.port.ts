// A pull channel (LAPOR!, an IMAP mailbox…) as the sync engine sees it: pages of raw
// items in upstream update order, each already mapped (purely) to the record the
// channel's own `applyPage` upserts. The engine owns cursor, raw storage, dead letters,
// run accounting, locking and error policy; the source owns HTTP and case mapping.
import type { HubContext } from "../context.js";
import type { IntakePort } from "./intake.port.js";

/** Persisted in SyncState.cursor (JSON). */
export type StreamPosition = {
  /** Opaque upstream cursor to continue a walk, or null at the end of the feed. */
  cursor: string | null;
  /** Latest upstream update time stored so far (ISO), the restart point minus the overlap. */
  since: string | null;
};

export type ItemFailure = {
  /** Stable code, e.g. LAPOR_STATUS_UNKNOWN. */
  code: string;
  /** quarantine = valid but not interpretable yet (raises an alert). */
  disposition: "dead_letter" | "quarantine";
  field: string | null;
  message: string;
};

export type MappedRecord = {
  externalId: string;
  contentHash: string;
  upstreamUpdatedAt: Date;
};

export type SourceItem<R extends MappedRecord> = {
  /** Best-effort id (also for broken items) so dead letters can be keyed. */
  externalId: string | null;
  raw: unknown;
  mapped: { ok: true; value: R } | { ok: false; error: ItemFailure };
};

export type SourcePage<R extends MappedRecord> = {
  items: SourceItem<R>[];
  nextCursor: string | null;
  /**
   * Where the next run resumes when this page ends the feed (nextCursor null): a mailbox's
   * last UID. Absent: the next run restarts from `since − overlap` (LAPOR!).
   */
  resumeCursor?: string | null;
};

/** Raw items that are not JSON (an RFC 822 mail): how the engine stores and reloads one. */
export interface RawCodec {
  encode(raw: unknown): { body: Buffer; contentType: string; headers: Record<string, string> };
  decode(stored: { body: Buffer; headers: Record<string, string> }): unknown;
}

export type ErrorKind =
  /** Credentials rejected: stop, mark the stream unhealthy, alert, no retry. */
  | "auth"
  /** The opaque cursor was refused: restart from `since − overlap`. */
  | "bad_cursor"
  /** Already retried by the client's policy; the run fails, the cursor stays. */
  | "transient"
  | "fatal";

export type ApplyItem<R extends MappedRecord> = {
  record: R;
  /** The item's RawMessage id (already stored, or stored by the engine in this transaction). */
  rawMessageId: string;
  /**
   * What the engine's page look-up saw before the transaction: the case id, or null when
   * no case existed (the source may then insert without locking first; a race is still
   * caught by its ON CONFLICT). Undefined = not looked up; the source must look it up.
   */
  existingCaseId?: string | null;
};

export type ApplyResult = {
  added: number;
  updated: number;
  unchanged: number;
  /** Case ids touched by this page (for after-commit work such as attachments). */
  caseIds: string[];
  /** externalId → case id for every record stored (the engine links raw payloads to it). */
  caseIdByExternalId: Map<string, string>;
};

/**
 * The page's transaction as the hot path sees it: raw SQL, parameters always bound. A
 * pooled pg session inside BEGIN/COMMIT on PostgreSQL, Prisma's transaction on PGlite
 * (src/sync/page-tx.ts). Statements that need a count use RETURNING.
 */
export interface PageTx {
  /** `prepare` names the statement (PostgreSQL plans it once per connection); a hint only. */
  query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    opts?: { prepare?: boolean },
  ): Promise<T[]>;
}

export interface ChannelSource<R extends MappedRecord> {
  readonly stream: string;
  /** RawMessage.channel / DeadLetter.source */
  readonly channel: string;
  readonly overlapMs: number;
  /**
   * The office whose cases this source feeds (and whose dead letters it writes); the
   * default office when absent: the system streams feed it. An office's own import (the
   * LAPOR! export) names the importer's office, and only that office's cases are matched.
   */
  readonly instansi?: string;
  fetchPage(
    position: { cursor?: string; updatedSince?: Date },
    signal?: AbortSignal,
  ): Promise<SourcePage<R>>;
  /** Fetch one record again (dead-letter replay after an upstream fix); null if unsupported. */
  refetch?(externalId: string): Promise<SourceItem<R> | null>;
  /** Re-map a stored raw payload (dead-letter replay). */
  mapRaw(raw: unknown): SourceItem<R> | Promise<SourceItem<R>>;
  /**
   * Raw items are bytes, not JSON: stored as they are (RawMessage with this content type)
   * and, for a dead letter, referenced by its RawMessage instead of copied.
   */
  readonly rawCodec?: RawCodec;
  classify(error: unknown): ErrorKind;
  /** Operator-facing explanation in Bahasa Indonesia; never carries personal data. */
  describe(error: unknown): string;
  /**
   * Store the good records of one page inside the engine's transaction, through the intake
   * pipeline the engine hands over (a source never writes cases itself).
   */
  applyPage(
    tx: PageTx,
    ctx: HubContext,
    items: ApplyItem<R>[],
    intake: IntakePort,
  ): Promise<ApplyResult>;
  /**
   * Work on a fetched page that needs no database (the intake steps before the write),
   * which the engine runs while the previous page is being written, when that page
   * created cases. Optional, and a failure here only means the work is done in the page.
   */
  prepareAhead?(items: readonly SourceItem<R>[], intake: IntakePort): Promise<void>;
  /** After the page committed (downloads etc.); failures here must not fail the run. */
  afterPage?(ctx: HubContext, result: ApplyResult): Promise<void>;
  /** After the last page (retries of earlier failed downloads…). */
  afterRun?(ctx: HubContext): Promise<void>;
  /** Releases what fetchPage opened (an IMAP connection); called once a run ends. */
  close?(): Promise<void>;
}
