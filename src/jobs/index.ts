// Every background job of the hub, declared as data. The runner schedules them; tests call
// the handlers directly. Each capability appends its jobs between the markers.
import type { JobDefinition } from "./job.js";
// ---- job imports ----
// ---- end job imports ----

export const allJobs: JobDefinition<never>[] = [
  // ---- jobs ----
  // ---- end jobs ----
];
