// aduan-hub sync <stream> --once [--full]: one sync run in the foreground, then a summary.
import { parseArgs } from "node:util";
import type { Config } from "../config/config.js";
import { withCliContext } from "./cli-context.js";
import { runSync, type SyncSummary } from "../sync/sync-engine.js";
import type { MailboxSyncSummary } from "../ports/registry.port.js";
import { createRegistry } from "../hub.js";

// The CLI's processes build the same registry as `serve` (buildContext); the usage text
// and the argument checks read it before a context exists.
const registry = createRegistry();
const { channelSources, mailboxes } = registry;

// E-mail is a mailbox channel: one sync-engine stream per IMAP_MAILBOXES mailbox
// (`email:<mailbox>`); `sync email --once` runs every mailbox's stream in the foreground.
const USAGE = `Usage: aduan-hub sync <stream> --once [--full]
  streams: ${[...Object.keys(channelSources), ...Object.keys(mailboxes)].join(", ")}
  --once     run one sync now and print added/updated/unchanged/failed/duration
  --full     ignore the stored cursor and re-read the whole feed (unchanged rows are skipped)
  --policy   print the stream's retry/error policy and exit`;

export function formatSummary(s: SyncSummary): string {
  const head =
    s.status === "skipped"
      ? `sync ${s.stream}: skipped — ${s.error ?? "another process holds the stream"}`
      : `sync ${s.stream}: ${s.status} in ${(s.durationMs / 1000).toFixed(1)} s, ${s.pages} page(s)`;
  const counts = `  added ${s.added}  updated ${s.updated}  unchanged ${s.unchanged}  failed ${s.failed}`;
  return s.status === "skipped"
    ? head
    : [head, counts, ...(s.error ? [`  error: ${s.error}`] : [])].join("\n");
}

export function formatEmailSummary(s: MailboxSyncSummary): string {
  const head = `sync ${s.stream}: ${s.status} in ${(s.durationMs / 1000).toFixed(1)} s${s.rescanned ? " (mailbox rebuilt upstream: rescanned)" : ""}`;
  const counts = `  added ${s.added}  unchanged ${s.unchanged}  failed ${s.failed}`;
  return [head, counts, ...(s.error ? [`  error: ${s.error}`] : [])].join("\n");
}

export async function run(config: Config, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      once: { type: "boolean", default: false },
      full: { type: "boolean", default: false },
      policy: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const stream = positionals[0];
  if (values.help || !stream) {
    console.log(USAGE);
    if (!values.help) process.exitCode = 64;
    return;
  }
  const mailbox = mailboxes[stream];
  if (mailbox) {
    if (values.policy || values.full) {
      console.error(`aduan-hub: --policy and --full apply to paged streams only\n${USAGE}`);
      process.exitCode = 64;
      return;
    }
    if (!values.once) {
      console.error(`aduan-hub: sync runs on schedule inside \`serve\`; use --once here\n${USAGE}`);
      process.exitCode = 64;
      return;
    }
    await withCliContext(config, async (ctx) => {
      if (!ctx.registry.mailboxes[stream]?.configured(ctx.config)) {
        console.error("aduan-hub: IMAP_HOST / IMAP_USER / IMAP_PASSWORD are not set");
        process.exitCode = 78;
        return;
      }
      const runs = (await ctx.registry.mailboxes[stream]?.sync(ctx)) ?? [];
      for (const r of runs) console.log(formatEmailSummary(r));
      if (runs.some((r) => r.status === "failed")) process.exitCode = 1;
    });
    return;
  }
  const entry = channelSources[stream];
  if (!entry) {
    console.error(`aduan-hub: unknown stream "${stream}"\n${USAGE}`);
    process.exitCode = 64;
    return;
  }
  if (values.policy) {
    console.log(JSON.stringify(entry.policy ?? {}, null, 2));
    return;
  }
  if (!values.once) {
    console.error(`aduan-hub: sync runs on schedule inside \`serve\`; use --once here\n${USAGE}`);
    process.exitCode = 64;
    return;
  }
  entry.assertConfig?.(config);
  if (stream === "lapor") {
    if (!config.LAPOR_BASE_URL) {
      console.error("aduan-hub: LAPOR_BASE_URL is not set (npm start runs a local sandbox)");
      process.exitCode = 78;
      return;
    }
  }
  await withCliContext(config, async (ctx) => {
    const source = ctx.registry.channelSources[stream]?.create(ctx);
    if (!source) throw new Error(`stream ${stream} is not configured`);
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once("SIGINT", onSignal);
    try {
      const summary = await runSync(ctx, source, { full: values.full, signal: controller.signal });
      console.log(formatSummary(summary));
      if (summary.status === "failed") process.exitCode = 1;
      if (summary.status === "skipped") process.exitCode = 75;
    } finally {
      process.off("SIGINT", onSignal);
    }
  });
}
