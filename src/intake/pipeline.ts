// The one intake pipeline (DESIGN.md "One intake pipeline"): every channel — desk, web
// form, WhatsApp, Facebook/Instagram, e-mail, LAPOR! sync and export, legacy import —
// creates cases here, through the same ordered steps (src/intake/steps.ts INTAKE_STEPS):
// parties, jenis, bidang, deadline, number, case, timeline, audit, party links,
// acknowledgement. A new channel is an adapter and a mapper to CaseDraft, never a writer.
//
// Two forms of one code path:
// - batch: `prepareIntake` (outside any transaction) then `writeIntake` inside the
//   caller's transaction — the sync engine's page, an import's file;
// - single: the same two calls with one draft (the desk; an inbound message, whose
//   transaction also writes the Message row).
import type { HubContext } from "../context.js";
import { asPageTx, type SqlWriter } from "../sync/page-tx.js";
import type { CaseDraft, IntakeActor } from "./draft.js";
import type { IntakeEnv } from "./env.js";
import { insertCases, type WriteMeta, type WrittenCase } from "./intake.repo.js";
import { prepareCases, type IntakeFieldError, type PreparedCase } from "./steps.js";

export type { CaseDraft, IntakeActor, PartyDraft } from "./draft.js";
export { SYSTEM_ACTORS } from "./draft.js";
export { INTAKE_STEPS, type PreparedCase } from "./steps.js";
export { loadIntakeEnv, lastIntakeEnv, type IntakeEnv } from "./env.js";
export type { WrittenCase } from "./intake.repo.js";

export type Prepared = { env: IntakeEnv; cases: PreparedCase[]; errors: IntakeFieldError[][] };

/** Steps before the write, for a batch; run it outside any transaction. */
export function prepareIntake(
  ctx: HubContext,
  env: IntakeEnv,
  drafts: readonly CaseDraft[],
  paths?: (i: number, p: number) => string,
): Prepared {
  return { env, ...prepareCases(env, ctx.keyring, drafts, paths) };
}

/**
 * The write steps for prepared cases, inside the caller's transaction. Only cases without
 * errors may be passed; a slot is null where a concurrent writer created the same
 * (office, channel, externalId) first.
 */
export async function writeIntake(
  w: SqlWriter,
  ctx: HubContext,
  actor: IntakeActor,
  cases: readonly PreparedCase[],
  meta: WriteMeta = {},
): Promise<WrittenCase[]> {
  return insertCases(asPageTx(w), ctx.config.ADUAN_CASE_PREFIX, actor, cases, ctx.clock(), meta);
}
