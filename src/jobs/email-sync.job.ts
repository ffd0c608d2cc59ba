// Scheduled e-mail intake (EMAIL_SYNC_CRON, default every 5 minutes; "off" disables it).
import { defineJob } from "./job.js";
import { emailConfigured, syncEmail } from "../../adapters/email/email.sync.js";

export const emailSyncJob = defineJob<never>({
  id: "email.sync",
  schedule: (ctx) => (emailConfigured(ctx) ? ctx.config.EMAIL_SYNC_CRON : null),
  handler: async (ctx) => {
    const runs = await syncEmail(ctx);
    return { runs };
  },
});
