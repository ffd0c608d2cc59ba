// Scheduled e-mail intake (EMAIL_SYNC_CRON, default every 5 minutes; "off" disables it).
import { defineJob } from "./job.js";

export const emailSyncJob = defineJob<never>({
  id: "email.sync",
  schedule: (ctx) =>
    ctx.registry.mailboxes.email?.configured(ctx.config) ? ctx.config.EMAIL_SYNC_CRON : null,
  handler: async (ctx) => {
    const mailbox = ctx.registry.mailboxes.email;
    const runs = mailbox ? await mailbox.sync(ctx) : [];
    return { runs };
  },
});
