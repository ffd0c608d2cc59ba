// UU PDP restriction: once a data subject asks for it, their data is not pushed to another
// system or exported (monthly report rows, LAPOR! replies, channel replies, admin exports).
// The subject's own access export is the exception: it is their data, handed to them.
import type { HubContext } from "../context.js";

type MaybeRestricted = { restricted?: boolean | null };

export function isRestricted(p: MaybeRestricted | null | undefined): boolean {
  return p?.restricted === true;
}

/** Drops restricted persons from a list before it leaves the hub. */
export function filterRestricted<T extends MaybeRestricted>(parties: readonly T[]): T[] {
  return parties.filter((p) => !isRestricted(p));
}

/** True when any person on the case is restricted (for pushes that carry the whole case). */
export async function caseHasRestrictedParty(ctx: HubContext, caseId: string): Promise<boolean> {
  const n = await ctx.db.prisma.party.count({ where: { caseId, restricted: true } });
  return n > 0;
}

/** Case ids (of those given) with at least one restricted person: one query for a report. */
export async function restrictedCaseIds(
  ctx: HubContext,
  caseIds: readonly string[],
): Promise<Set<string>> {
  if (caseIds.length === 0) return new Set();
  const rows = await ctx.db.prisma.party.findMany({
    where: { caseId: { in: [...caseIds] }, restricted: true },
    select: { caseId: true },
    distinct: ["caseId"],
  });
  return new Set(rows.map((r) => r.caseId));
}

/** The text put in place of a restricted person's identity where a row must still appear. */
export const RESTRICTED_PLACEHOLDER = "(dibatasi)";
