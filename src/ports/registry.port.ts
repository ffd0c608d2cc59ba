// The registry: every adapter of the hub, by role, built once by the composition root
// (src/registry.ts through src/hub.ts) and carried on the HubContext (`ctx.registry`).
// Jobs, the outbox worker, the CLI, channel health, the sync engine, the raw routes and the
// services find adapters here and nowhere else; nothing registers itself on import.
import type { HubServices } from "./hub.port.js";
import type { ErrorCode } from "../domain/errors.js";
import type { ChannelSource, MappedRecord } from "./channel-source.port.js";
import type { Config, HubContext } from "./hub.port.js";
import type { Lookup } from "./lookup.port.js";
import type { OutboxSend, Publisher, UpstreamFollowUp } from "./publisher.port.js";
import type { WebhookChannel } from "./webhook-channel.port.js";

/** A pull stream of the sync engine (LAPOR!). */
export interface ChannelSourceEntry {
  /** Whether the options name an upstream at all (no client is built). */
  configured(config: Config): boolean;
  /** The configured source, or null when the channel is not configured. */
  create(ctx: HubContext): ChannelSource<MappedRecord> | null;
  /** Throws a ConfigError naming the variable when the options are unusable (boot). */
  assertConfig?(config: Config): void;
  /** The stream's retry/error policy as the operator reads it (`sync <stream> --policy`). */
  readonly policy?: Readonly<Record<string, unknown>>;
}

/** One pass of a mailbox stream (`email:<mailbox>`). */
export type MailboxSyncSummary = {
  stream: string;
  status: "succeeded" | "failed" | "skipped";
  added: number;
  unchanged: number;
  failed: number;
  rescanned: boolean;
  durationMs: number;
  error: string | null;
};

/** One mailbox's stream as the sync engine runs it; `rescanned` once the run saw a rebuilt mailbox. */
export type MailboxSource<R extends MappedRecord = MappedRecord> = ChannelSource<R> & {
  readonly rescanned: boolean;
};

/**
 * A pull channel with one sync-engine stream per mailbox (e-mail over IMAP: `email:<mailbox>`).
 * The adapter gives the sources; the engine owns cursor, raw storage, dead letters and runs.
 */
export interface MailboxSources {
  readonly channel: string;
  configured(config: Config): boolean;
  /** One source per configured mailbox; each connects on its first page, closes at the end. */
  sources(ctx: HubContext): MailboxSource[];
  /** Re-maps stored raw mails (dead-letter replay); never connects. */
  replaySource(ctx: HubContext): ChannelSource<MappedRecord>;
}

/** A mailbox channel with its pass over every mailbox (src/sync/mailbox-sync.ts). */
export interface MailboxChannel extends MailboxSources {
  sync(ctx: HubContext): Promise<MailboxSyncSummary[]>;
}

/** The staff user importing: their office scopes the import, they are its actor. */
export type ExportImporter = { id: string; username: string; instansi: string };

export type ExportImportResult = {
  importRunId: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  columns: Partial<Record<string, string>>;
};

/** A file export of an upstream system imported into the hub (the LAPOR! export). */
export interface ExportImport {
  run(
    ctx: HubContext,
    bytes: Buffer,
    opts: { fileName: string; actor?: ExportImporter | null; instansi?: string | undefined },
  ): Promise<ExportImportResult>;
  /** The file itself is refused (unreadable, columns missing): code, message and fields. */
  refusal(
    e: unknown,
  ): { code: ErrorCode; message: string; fields: { field: string; message: string }[] } | null;
}

export interface Registry {
  /** The hub's services, for adapter code that is handed only the context. */
  readonly services: HubServices;
  /** Pull streams of the sync engine, by stream key. */
  readonly channelSources: Readonly<Record<string, ChannelSourceEntry>>;
  /** Mailbox channels (a stream per mailbox, run by the sync engine), by channel. */
  readonly mailboxes: Readonly<Record<string, MailboxChannel>>;
  /** Webhook channels, by RawMessage.channel. */
  readonly webhooks: Readonly<Record<string, WebhookChannel>>;
  /** Every publisher; each outbox kind is sent by exactly one. */
  readonly publishers: readonly Publisher[];
  /** The sender of an outbox kind, or undefined when no publisher sends it. */
  publisher(kind: string): OutboxSend | undefined;
  /** Upstream follow-ups of a staff reply, by case channel (LAPOR!). */
  readonly followUps: Readonly<Record<string, UpstreamFollowUp>>;
  /** Look-ups by key (ADUAN_SIKS_NG_LOOKUP). */
  readonly lookups: Readonly<Record<string, Lookup>>;
  /** File imports by name ("lapor-export"). */
  readonly imports: Readonly<Record<string, ExportImport>>;
  /** Every adapter's own option check; throws a ConfigError naming the variable. */
  assertConfig(config: Config): void;
}
