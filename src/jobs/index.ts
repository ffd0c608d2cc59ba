// Every background job of the hub, declared as data. The runner (src/jobs/runner.ts)
// schedules them; tests call the handlers directly.
import type { JobDefinition } from "./job.js";

export const allJobs: JobDefinition<never>[] = [];
