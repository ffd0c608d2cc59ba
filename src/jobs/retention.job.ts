// pdp.retention: daily, anonymises what is past its retention period (src/pdp/retention.ts).
import { runRetention } from "../pdp/retention.js";
import { defineJob } from "./job.js";
import { toWitaDate } from "../domain/calendar/working-days.js";

export const retentionJob = defineJob<never>({
  id: "pdp.retention",
  schedule: (ctx) => ctx.config.PDP_RETENTION_CRON,
  // A missed night runs once at the next start (one run covers every day missed).
  memory: { period: (fire) => toWitaDate(fire), backlog: "latest" },
  handler: async (ctx) => {
    const r = await runRetention(ctx);
    return {
      cases: r.cases,
      parties: r.parties,
      messages: r.messages,
      attachments: r.attachments,
      rawMessages: r.rawMessages,
      loginAttempts: r.loginAttempts,
      auditPastRetention: r.auditPastRetention,
    };
  },
});
