// Channel health for operators and the console: one row per channel (pull streams, the
// webhook channels, outgoing mail) and, apart from them, the hub's other checks that keep a
// sync state (the audit chain's seal). Each row has its Bahasa label, whether it is a channel
// or a check, and — when not configured — the environment variables still unset (issue 15).
import type { HubContext } from "../context.js";
import type { Config } from "../config/config.js";
import type { components } from "../generated/api.js";

// The shape is the API's (openapi/hub.yaml), declared once there.
export type ChannelHealth = components["schemas"]["ChannelHealth"];

/** Channels with no sync state of their own: configured by the environment only. */
type Fixed = {
  stream: string;
  label: string;
  kind: "channel" | "check";
  required: (keyof Config)[];
};
const FIXED: readonly Fixed[] = [
  {
    stream: "email",
    label: "Surel masuk (IMAP)",
    kind: "channel",
    required: ["IMAP_HOST", "IMAP_USER", "IMAP_PASSWORD"],
  },
  {
    stream: "whatsapp",
    label: "WhatsApp",
    kind: "channel",
    required: [
      "WHATSAPP_APP_SECRET",
      "WHATSAPP_VERIFY_TOKEN",
      "WHATSAPP_ACCESS_TOKEN",
      "WHATSAPP_PHONE_NUMBER_ID",
    ],
  },
  {
    stream: "meta",
    label: "Facebook dan Instagram",
    kind: "channel",
    required: ["META_APP_SECRET", "META_VERIFY_TOKEN", "META_PAGE_ACCESS_TOKEN"],
  },
  { stream: "smtp", label: "Surel keluar (SMTP)", kind: "check", required: ["SMTP_HOST"] },
];

/** Labels of the streams that keep a sync state. */
function streamLabel(stream: string): { label: string; kind: "channel" | "check" } {
  if (stream === "lapor") return { label: "LAPOR!", kind: "channel" };
  if (stream.startsWith("email:"))
    return { label: `Surel masuk (${stream.slice("email:".length)})`, kind: "channel" };
  if (stream === "pdp.audit-chain") return { label: "Segel rantai audit", kind: "check" };
  if (stream === "pdp.audit-chain.legacy")
    return { label: "Segel rantai audit (versi lama)", kind: "check" };
  if (stream === "lapor-export") return { label: "Impor ekspor LAPOR!", kind: "check" };
  return { label: `Pemeriksaan ${stream}`, kind: "check" };
}

function unset(config: Config, names: readonly (keyof Config)[]): string[] {
  return names.filter((n) => config[n] === undefined || config[n] === "").map(String);
}

export async function channelHealth(ctx: HubContext): Promise<ChannelHealth[]> {
  const { prisma } = ctx.db;
  const states = await prisma.syncState.findMany();
  const { channelSources } = ctx.registry;
  const streams = [
    ...new Set([...Object.keys(channelSources), ...states.map((s) => s.stream)]),
  ].sort();
  const now = ctx.clock().getTime();
  const out: ChannelHealth[] = [];
  for (const stream of streams) {
    const s = states.find((x) => x.stream === stream);
    const factory = channelSources[stream];
    let configured = false;
    try {
      configured = factory ? factory.create(ctx) !== null : s !== undefined;
    } catch {
      configured = false;
    }
    const run = await prisma.syncRun.findFirst({
      where: { stream },
      orderBy: { startedAt: "desc" },
    });
    const [dl, alerts] = await Promise.all([
      prisma.deadLetter.count({ where: { source: stream, status: "open" } }),
      prisma.alert.count({ where: { source: stream, resolvedAt: null } }),
    ]);
    const missing =
      configured || stream !== "lapor" ? [] : unset(ctx.config, ["LAPOR_BASE_URL", "LAPOR_TOKEN"]);
    out.push({
      stream,
      ...streamLabel(stream),
      configured,
      missingConfig: missing,
      healthy: s?.healthy ?? true,
      lastSuccessAt: s?.lastSuccessAt?.toISOString() ?? null,
      lagSeconds: s?.lastSuccessAt
        ? Math.max(0, Math.round((now - s.lastSuccessAt.getTime()) / 1000))
        : null,
      lastError: s?.lastError ?? (configured ? null : `Kanal ${stream} belum dikonfigurasi`),
      lastRun: run
        ? {
            status: run.status,
            startedAt: run.startedAt.toISOString(),
            durationMs: run.durationMs,
            added: run.added,
            updated: run.updated,
            unchanged: run.unchanged,
            failed: run.failed,
          }
        : null,
      openDeadLetters: dl,
      openAlerts: alerts,
    });
  }
  const hasMailbox = streams.some((s) => s.startsWith("email:"));
  for (const f of FIXED) {
    // A configured mailbox has its own rows (one per IMAP_MAILBOXES entry).
    const missing = unset(ctx.config, f.required);
    if (f.stream === "email" && hasMailbox && !missing.length) continue;
    const [dl, alerts] = await Promise.all([
      prisma.deadLetter.count({ where: { source: f.stream, status: "open" } }),
      prisma.alert.count({ where: { source: f.stream, resolvedAt: null } }),
    ]);
    out.push({
      stream: f.stream,
      label: f.label,
      kind: f.kind,
      configured: missing.length === 0,
      missingConfig: missing,
      healthy: true,
      lastSuccessAt: null,
      lagSeconds: null,
      lastError: missing.length ? `${f.label} belum dikonfigurasi` : null,
      lastRun: null,
      openDeadLetters: dl,
      openAlerts: alerts,
    });
  }
  return out;
}
