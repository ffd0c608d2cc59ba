// Scheduled LAPOR! pull (LAPOR_SYNC_CRON, default every 5 minutes; "off" disables it).
import { defineJob } from "./job.js";
import { runSync } from "../sync/sync-engine.js";
import { createLaporSource, laporConfigured } from "../../adapters/lapor/lapor.sync.js";

export const laporSyncJob = defineJob<never>({
  id: "lapor.sync",
  schedule: (ctx) => (laporConfigured(ctx.config) ? ctx.config.LAPOR_SYNC_CRON : null),
  handler: async (ctx) => {
    const s = await runSync(ctx, createLaporSource(ctx));
    return { ...s };
  },
});
