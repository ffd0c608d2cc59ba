// Channel health for operators and the console: one row per pull stream.
import type { HubContext } from "../context.js";
import type { components } from "../generated/api.js";

// The shape is the API's (openapi/hub.yaml), declared once there.
export type ChannelHealth = components["schemas"]["ChannelHealth"];

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
    out.push({
      stream,
      configured,
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
  return out;
}
