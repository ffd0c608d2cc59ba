// Every background job of the hub, declared as data. The runner schedules them; tests call
// the handlers directly. Each capability appends its jobs between the markers.
import type { JobDefinition } from "./job.js";
// ---- job imports ----
import { slaBreachJob } from "./sla-breach.job.js"; // issue 5
import { webhookProcessJob } from "./webhook-process.job.js"; // issue 6
import { emailSyncJob } from "./email-sync.job.js"; // issue 6
import { retentionJob } from "./retention.job.js"; // issue 9
import { auditSealJob } from "./audit-seal.job.js"; // issue 9
import { recapMonthlyJob } from "./recap-monthly.job.js"; // issue 7
import { laporSyncJob } from "./lapor-sync.job.js"; // issue 4
import { outboxFlushJob } from "./outbox-flush.job.js"; // issue 4
// ---- end job imports ----

export const allJobs: JobDefinition<never>[] = [
  // ---- jobs ----
  slaBreachJob, // issue 5
  webhookProcessJob, // issue 6
  emailSyncJob, // issue 6
  retentionJob, // issue 9
  auditSealJob, // issue 9
  recapMonthlyJob as unknown as JobDefinition<never>, // issue 7
  laporSyncJob, // issue 4
  outboxFlushJob, // issue 4
  // ---- end jobs ----
];
