// audit.seal: every minute, chains the processing-record rows written since the last run
// (src/pdp/audit-chain.ts), so writers never wait on a global lock, and writes the chain's
// tip to the tip file outside the database (src/pdp/audit-tip.ts).
import { sealAuditChain } from "../pdp/audit-chain.js";
import { saveSealTip, tipToken } from "../pdp/audit-tip.js";
import { defineJob } from "./job.js";

export const auditSealJob = defineJob<never>({
  id: "audit.seal",
  schedule: (ctx) => ctx.config.PDP_AUDIT_SEAL_CRON,
  // Rows written while no hub sealed are chained at the next start, in one run.
  memory: { period: (fire) => fire.toISOString().slice(0, 16), backlog: "latest" },
  handler: async (ctx) => {
    const sealed = await sealAuditChain(ctx);
    const saved = await saveSealTip(ctx);
    return { sealed, tip: saved ? tipToken(saved.tip) : null };
  },
});
