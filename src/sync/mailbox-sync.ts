// A mailbox channel's pass: every mailbox's stream through the sync engine, one after the
// other, summarised per mailbox as the CLI, the job and the API report it.
import type { HubContext } from "../context.js";
import type { MailboxChannel, MailboxSources, MailboxSyncSummary } from "../ports/registry.port.js";
import { runSync } from "./sync-engine.js";

export async function syncMailboxes(
  ctx: HubContext,
  channel: MailboxSources,
): Promise<MailboxSyncSummary[]> {
  const sources = channel.sources(ctx);
  if (!channel.configured(ctx.config)) {
    return sources.map((s) => ({
      stream: s.stream,
      status: "skipped" as const,
      added: 0,
      unchanged: 0,
      failed: 0,
      rescanned: false,
      durationMs: 0,
      error: "IMAP_HOST / IMAP_USER / IMAP_PASSWORD belum diatur",
    }));
  }
  const out: MailboxSyncSummary[] = [];
  for (const source of sources) {
    const r = await runSync(ctx, source);
    out.push({
      stream: r.stream,
      status: r.status,
      added: r.added + r.updated,
      unchanged: r.unchanged,
      failed: r.failed,
      rescanned: source.rescanned,
      durationMs: r.durationMs,
      error: r.error ?? null,
    });
  }
  return out;
}

/** The registry's form of a mailbox channel: its sources and its pass. */
export function mailboxChannel(channel: MailboxSources): MailboxChannel {
  return { ...channel, sync: (ctx) => syncMailboxes(ctx, channel) };
}
