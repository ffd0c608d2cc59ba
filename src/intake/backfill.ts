// Cases written before the intake pipeline (release 1: LAPOR! cases without jenis or
// deadline) get what the pipeline gives every new case: the jenis suggestion from their
// text and the SLA clock of their status. Idempotent; run by the sla.breach job, which
// walks every such case in one run (keyset batches), not a few hundred per tick.
import type { HubContext } from "../context.js";
import { FINAL_STATUSES, isCaseStatus } from "../domain/workflow.js";
import { clockFor } from "../services/sla.service.js";
import { loadIntakeEnv } from "./env.js";
import { decideJenis } from "./steps.js";

const BATCH = 500;

type Row = {
  id: string;
  channel: string;
  status: string;
  title: string | null;
  keperluan: string;
  receivedAt: Date;
  needsJenis: boolean;
  needsClock: boolean;
};

export async function backfillIntake(ctx: HubContext): Promise<{ jenis: number; clock: number }> {
  const env = await loadIntakeEnv(ctx);
  let after = "00000000-0000-0000-0000-000000000000";
  const done = { jenis: 0, clock: 0 };
  for (;;) {
    const rows = await ctx.db.sql.query<Row>(
      `SELECT id, channel, status, title, keperluan, "receivedAt",
              (jenis IS NULL AND "jenisDecision" IS NULL) AS "needsJenis",
              ("stepStartedAt" IS NULL AND NOT (status = ANY($2::text[]))) AS "needsClock"
         FROM "Case"
        WHERE id > $1::uuid
          AND ((jenis IS NULL AND "jenisDecision" IS NULL)
               OR ("stepStartedAt" IS NULL AND NOT (status = ANY($2::text[]))))
        ORDER BY id LIMIT $3::int`,
      [after, [...FINAL_STATUSES], BATCH],
    );
    if (rows.length === 0) return done;
    const updates = rows.map((r) => {
      const text = r.title ? `${r.title}\n${r.keperluan}` : r.keperluan;
      const jenis = r.needsJenis ? decideJenis(env, text, null) : null;
      const clock =
        r.needsClock && isCaseStatus(r.status)
          ? clockFor(env.policy, env.calendar, {
              channel: r.channel,
              status: r.status,
              receivedAt: r.receivedAt,
              stepStartedAt: r.receivedAt,
              now: env.now,
            })
          : null;
      if (jenis?.jenis) done.jenis++;
      if (clock) done.clock++;
      return {
        id: r.id,
        jenis: jenis?.jenis ?? null,
        jrule: jenis?.jenisRule ?? null,
        clock: clock !== null,
        step: clock?.currentStep ?? null,
        stepat: clock?.stepStartedAt?.toISOString() ?? null,
        due: clock?.dueAt?.toISOString() ?? null,
      };
    });
    // Only the columns still empty are written; version is left alone (open consoles stay valid).
    await ctx.db.sql.query(
      `UPDATE "Case" c SET
         jenis = coalesce(c.jenis, x.jenis),
         "jenisSuggested" = coalesce(c."jenisSuggested", x.jenis),
         "jenisDecision" = CASE WHEN c."jenisDecision" IS NULL AND x.jenis IS NOT NULL THEN 'suggested' ELSE c."jenisDecision" END,
         "jenisRule" = coalesce(c."jenisRule", x.jrule),
         "currentStep" = CASE WHEN x.clock AND c."stepStartedAt" IS NULL THEN x.step ELSE c."currentStep" END,
         "dueAt" = CASE WHEN x.clock AND c."stepStartedAt" IS NULL THEN x.due ELSE c."dueAt" END,
         "stepStartedAt" = CASE WHEN x.clock AND c."stepStartedAt" IS NULL THEN x.stepat ELSE c."stepStartedAt" END
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, jenis text, jrule text, clock boolean,
         step text, stepat timestamptz, due timestamptz)
       WHERE c.id = x.id`,
      [JSON.stringify(updates)],
    );
    after = rows[rows.length - 1]!.id;
  }
}
