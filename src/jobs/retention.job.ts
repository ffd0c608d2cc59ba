// pdp.retention: daily, anonymises what is past its retention period (src/pdp/retention.ts).
import { runRetention } from "../pdp/retention.js";
import { defineJob } from "./job.js";

export const retentionJob = defineJob<never>({
  id: "pdp.retention",
  schedule: (ctx) => ctx.config.PDP_RETENTION_CRON,
  handler: async (ctx) => {
    const r = await runRetention(ctx);
    return {
      cases: r.cases,
      parties: r.parties,
      messages: r.messages,
      attachments: r.attachments,
      rawMessages: r.rawMessages,
      auditPastRetention: r.auditPastRetention,
    };
  },
});
