// Scheduled LAPOR! pull (LAPOR_SYNC_CRON, default every 5 minutes; "off" disables it).
import { defineJob } from "./job.js";
import { runSync } from "../sync/sync-engine.js";

export const laporSyncJob = defineJob<never>({
  id: "lapor.sync",
  schedule: (ctx) =>
    ctx.registry.channelSources.lapor?.configured(ctx.config) ? ctx.config.LAPOR_SYNC_CRON : null,
  handler: async (ctx) => {
    const source = ctx.registry.channelSources.lapor?.create(ctx);
    if (!source) throw new Error("LAPOR! is not configured (LAPOR_BASE_URL)");
    const s = await runSync(ctx, source);
    return { ...s };
  },
});
