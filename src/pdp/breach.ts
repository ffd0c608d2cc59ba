// Breach report for the 3×24-hour notice (UU PDP art. 46): from the processing record,
// which people and which records were read or exported in a window, optionally narrowed
// to one account or one IP address (the usual questions: "what did this stolen account
// see?", "what left through this address?").
import type { HubContext } from "../context.js";
import { maskPhone } from "../domain/phone.js";
import { maskBsuid } from "../domain/bsuid.js";
import { audit } from "../services/audit.service.js";
import { sealAuditChain } from "./audit-chain.js";

export type BreachQuery = {
  since: Date;
  until?: Date | undefined;
  user?: string | undefined;
  ip?: string | undefined;
};

export type BreachReport = {
  window: { since: string; until: string };
  filter: { user: string | null; ip: string | null };
  accesses: number;
  records: {
    /** The office the case belongs to (the report spans every office of the database). */
    instansi: string;
    caseNumber: string;
    caseId: string;
    actions: string[];
    fields: string[];
    actors: string[];
    firstAt: string;
    lastAt: string;
  }[];
  people: {
    instansi: string;
    name: string | null;
    nikMasked: string | null;
    phoneMasked: string | null;
    /** WhatsApp business-scoped user ID, masked: the one way to reach a sender who shared
     * no phone number. */
    bsuidMasked: string | null;
    role: string;
    caseNumber: string;
  }[];
  /**
   * Reads/exports not tied to one case (annual reports, reports issued before their case
   * ids were recorded, subject requests). Report exports that record their case ids are
   * listed under `records` and `people` instead.
   */
  other: {
    id: string;
    /** The office of the audit row. */
    instansi: string;
    at: string;
    action: string;
    actor: string | null;
    fields: string[];
  }[];
};

// Reads and exports: anything that put personal data in front of someone or into a file.
const ACCESS_SQL = `(a.action LIKE '%.read' OR a.action LIKE '%export%' OR a.action LIKE '%.reveal'
  OR a.action LIKE 'report.%' OR a.action LIKE '%.download')`;

export async function breachReport(ctx: HubContext, q: BreachQuery): Promise<BreachReport> {
  const until = q.until ?? ctx.clock();
  const params: unknown[] = [q.since];
  let where = `a.at >= $1 AND ${ACCESS_SQL}`;
  // With no end given the window runs to now, with no bound in SQL: "at" is the database's
  // now() rounded to the millisecond, so a row written a moment ago can carry a time just
  // past this process's clock and must not fall out of the report.
  if (q.until) {
    params.push(q.until);
    where += ` AND a.at < $${params.length}`;
  }
  if (q.user) {
    params.push(q.user);
    where += ` AND a."actorName" = $${params.length}`;
  }
  if (q.ip) {
    params.push(q.ip);
    where += ` AND a.ip = $${params.length}`;
  }
  const rows = await ctx.db.sql.query<{
    id: string;
    instansi: string;
    at: Date;
    action: string;
    actorName: string | null;
    caseId: string | null;
    fields: string[];
    caseIds: unknown;
  }>(
    `SELECT a.id::text AS id, a.instansi, a.at, a.action, a."actorName", a."caseId"::text AS "caseId",
            a.fields,
            CASE WHEN a."caseId" IS NULL AND jsonb_typeof(a.data->'caseIds') = 'array'
                 THEN a.data->'caseIds' END AS "caseIds"
     FROM "AuditLog" a
     WHERE ${where}
     ORDER BY a.id`,
    params,
  );
  type Rec = Omit<BreachReport["records"][number], "instansi" | "caseNumber"> & {
    rowInstansi: string;
  };
  const byCase = new Map<string, Rec>();
  const other: BreachReport["other"] = [];
  const add = (list: string[], v: string | null) => {
    if (v && !list.includes(v)) list.push(v);
  };
  const touch = (caseId: string, r: (typeof rows)[number], at: string) => {
    let rec = byCase.get(caseId);
    if (!rec) {
      rec = {
        rowInstansi: r.instansi,
        caseId,
        actions: [],
        fields: [],
        actors: [],
        firstAt: at,
        lastAt: at,
      };
      byCase.set(caseId, rec);
    }
    add(rec.actions, r.action);
    for (const f of r.fields) add(rec.fields, f);
    add(rec.actors, r.actorName);
    rec.lastAt = at;
  };
  for (const r of rows) {
    const at = new Date(r.at).toISOString();
    if (r.caseId) {
      touch(r.caseId, r, at);
      continue;
    }
    // A report export (or download) records the ids of the cases whose rows were in the
    // file: each of them counts as exported, so its people are listed like a case read's.
    const exported = Array.isArray(r.caseIds)
      ? r.caseIds.filter((x): x is string => typeof x === "string")
      : [];
    if (exported.length) {
      for (const caseId of exported) touch(caseId, r, at);
      continue;
    }
    other.push({
      id: r.id,
      instansi: r.instansi,
      at,
      action: r.action,
      actor: r.actorName,
      fields: r.fields,
    });
  }
  const caseIds = [...byCase.keys()];
  const cases = caseIds.length
    ? await ctx.db.prisma.case.findMany({
        where: { id: { in: caseIds } },
        select: { id: true, number: true, instansi: true },
      })
    : [];
  const caseById = new Map(cases.map((c) => [c.id, c]));
  const records: BreachReport["records"] = [...byCase.values()].map(({ rowInstansi, ...rec }) => ({
    instansi: caseById.get(rec.caseId)?.instansi ?? rowInstansi,
    caseNumber: caseById.get(rec.caseId)?.number ?? "(terhapus)",
    ...rec,
  }));
  const recordById = new Map(records.map((r) => [r.caseId, r]));
  const parties = cases.length
    ? await ctx.db.prisma.party.findMany({
        where: { caseId: { in: cases.map((c) => c.id) } },
        select: {
          name: true,
          nikMasked: true,
          phoneE164: true,
          bsuid: true,
          role: true,
          caseId: true,
        },
        orderBy: [{ caseId: "asc" }, { createdAt: "asc" }],
      })
    : [];
  return {
    window: { since: q.since.toISOString(), until: until.toISOString() },
    filter: { user: q.user ?? null, ip: q.ip ?? null },
    accesses: rows.length,
    records: records.sort((a, b) => a.caseNumber.localeCompare(b.caseNumber)),
    people: parties.map((p) => ({
      instansi: recordById.get(p.caseId)?.instansi ?? "",
      name: p.name,
      nikMasked: p.nikMasked,
      phoneMasked: p.phoneE164 ? maskPhone(p.phoneE164) : null,
      bsuidMasked: p.bsuid ? maskBsuid(p.bsuid) : null,
      role: p.role,
      caseNumber: recordById.get(p.caseId)?.caseNumber ?? "",
    })),
    other,
  };
}

/** The CLI path: the report itself is processing of personal data, so it is recorded too. */
export async function breachReportAudited(ctx: HubContext, q: BreachQuery, operator: string) {
  const report = await breachReport(ctx, q);
  await audit(ctx.db.prisma, {
    actor: null,
    action: "pdp.breach_report",
    fields: ["name", "nik_masked", "phone_masked", "bsuid_masked"],
    purpose: "laporan insiden kebocoran data (3×24 jam)",
    data: {
      operator,
      since: report.window.since,
      until: report.window.until,
      user: q.user ?? null,
      ip: q.ip ?? null,
      records: report.records.length,
      people: report.people.length,
    },
  });
  await sealAuditChain(ctx);
  return report;
}
