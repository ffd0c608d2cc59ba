// audit.seal: every minute, chains the processing-record rows written since the last run
// (src/pdp/audit-chain.ts), so writers never wait on a global lock.
import { sealAuditChain } from "../pdp/audit-chain.js";
import { defineJob } from "./job.js";

export const auditSealJob = defineJob<never>({
  id: "audit.seal",
  schedule: (ctx) =>
    ctx.config.PDP_AUDIT_SEAL_CRON === "off" ? null : ctx.config.PDP_AUDIT_SEAL_CRON,
  handler: async (ctx) => ({ sealed: await sealAuditChain(ctx) }),
});
