// Scheduled outbox flush (OUTBOX_FLUSH_CRON, default every minute; "off" disables it).
import { defineJob } from "./job.js";
import { flushOutbox } from "../outbox/outbox.worker.js";

export const outboxFlushJob = defineJob<never>({
  id: "outbox.flush",
  schedule: (ctx) => ctx.config.OUTBOX_FLUSH_CRON,
  handler: async (ctx) => ({ ...(await flushOutbox(ctx)) }),
});
