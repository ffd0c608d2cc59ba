// Registry of pull channels: stable stream key → factory. The sync CLI, the scheduled
// jobs and dead-letter replay look sources up here, so adding a channel (e-mail) is one
// line. A factory returns null when the channel is not configured.
import type { HubContext } from "../src/context.js";
import type { ChannelSource, MappedRecord } from "../src/ports/channel-source.port.js";
import { createLaporSource, laporConfigured } from "./lapor/lapor.sync.js";

export type ChannelSourceFactory = (ctx: HubContext) => ChannelSource<MappedRecord> | null;

export const channelSources: Record<string, ChannelSourceFactory> = {
  lapor: (ctx) => (laporConfigured(ctx.config) ? createLaporSource(ctx) : null),
};
