// recap.monthly: after a month ends, queue its recap for every REKAP_TARGETS intake (the
// outbox worker sends it). Identical counts on a rerun only resend the same revision.
import { z } from "zod";
import { enqueueRecapPush, previousMonth } from "../services/recap.service.js";
import { defineJob } from "./job.js";

export const recapMonthlyJob = defineJob<{ periode?: string | undefined }>({
  id: "recap.monthly",
  schedule: (ctx) => (ctx.config.REKAP_TARGETS.length > 0 ? ctx.config.REKAP_CRON : null),
  payload: z.object({
    periode: z
      .string()
      .regex(/^\d{4}(-\d{2})?$/)
      .optional(),
  }),
  // The recap of every month not yet pushed, in order, also after the hub was off on the 1st.
  memory: {
    period: (fire) => previousMonth(fire),
    backlog: "each",
    payload: (periode) => ({ periode }),
  },
  handler: async (ctx, payload) => {
    if (ctx.config.REKAP_TARGETS.length === 0) return { skipped: "REKAP_TARGETS kosong" };
    const periode = payload?.periode ?? previousMonth(ctx.clock());
    const plans = await enqueueRecapPush(ctx, { periode, actor: null });
    return {
      periode,
      pushes: plans.map((p) => ({ target: p.target, revision: p.revision, action: p.action })),
    };
  },
});
