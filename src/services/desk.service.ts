// issue 15: what the desk and the office's heads ask the console besides the inbox: "does
// this person already have an open case here?" (intake) and the beranda's overview.
import type { HubContext } from "../context.js";
import { DomainError, type FieldError } from "../domain/errors.js";
import { parseNik } from "../domain/nik.js";
import { normalizePhone } from "../domain/phone.js";
import { keyedHash } from "../security/crypto.js";
import { FINAL_STATUSES_SQL } from "../repos/status-sql.js";
import type { AuthUser } from "./auth.service.js";
import { appendAudit } from "./audit.service.js";

export type OpenCaseMatch = {
  id: string;
  number: string;
  status: string;
  receivedAt: string;
  matchedBy: ("nik" | "telepon")[];
};

/**
 * The caller's office's open cases of anyone with this NIK (by its keyed hash) or phone
 * (E.164, main or alternative). Only the number, status and date come back: enough for a
 * warning with a link; the case page applies its own masking. A NIK check is audited,
 * found or not (the NIK itself is not kept).
 */
export async function findOpenCases(
  ctx: HubContext,
  user: AuthUser,
  input: { nik?: string | undefined; phone?: string | undefined },
  meta: { ip?: string | undefined; requestId?: string | undefined } = {},
): Promise<OpenCaseMatch[]> {
  const errors: FieldError[] = [];
  let nikHash: string | null = null;
  let phone: string | null = null;
  if (input.nik?.trim()) {
    const r = parseNik(input.nik);
    if (r.ok) nikHash = keyedHash(ctx.keyring, r.value.nik);
    else errors.push({ field: "body.nik", message: r.error.message, code: "NIK_INVALID" });
  }
  if (input.phone?.trim()) {
    const r = normalizePhone(input.phone);
    if (r.ok) phone = r.value;
    else
      errors.push({
        field: "body.phone",
        message: "Nomor telepon tidak valid",
        code: "PHONE_INVALID",
      });
  }
  const first = errors[0];
  if (first)
    throw new DomainError(first.code ?? "VALIDATION_FAILED", first.message, { fields: errors });
  if (!nikHash && !phone)
    throw new DomainError("VALIDATION_FAILED", "Isi NIK atau nomor telepon", {
      fields: [{ field: "body", message: "Isi NIK atau nomor telepon" }],
    });
  const rows = await ctx.db.sql.query<{
    id: string;
    number: string;
    status: string;
    receivedAt: Date;
    byNik: boolean;
    byPhone: boolean;
  }>(
    `SELECT c.id, c.number, c.status, c."receivedAt",
            EXISTS (SELECT 1 FROM "Party" x WHERE x."caseId" = c.id AND x."nikHash" = $2) AS "byNik",
            EXISTS (SELECT 1 FROM "Party" x WHERE x."caseId" = c.id
                    AND (x."phoneE164" = $3 OR $3 = ANY(x."altPhones"))) AS "byPhone"
       FROM "Case" c
      WHERE c.instansi = $1 AND c.status NOT IN ${FINAL_STATUSES_SQL}
        AND c.id IN (SELECT "caseId" FROM "Party"
                      WHERE "nikHash" = $2 OR "phoneE164" = $3 OR $3 = ANY("altPhones"))
      ORDER BY c."receivedAt" DESC
      LIMIT 20`,
    [user.instansi, nikHash, phone],
  );
  if (nikHash) {
    await appendAudit(ctx.db.sql, {
      actor: user,
      action: "case.search.nik",
      fields: ["nik"],
      purpose: "pemeriksaan aduan terbuka saat pencatatan",
      data: { caseIds: rows.filter((r) => r.byNik).map((r) => r.id) },
      ...meta,
    });
  }
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    status: r.status,
    receivedAt: new Date(r.receivedAt).toISOString(),
    matchedBy: [
      ...(r.byNik ? (["nik"] as const) : []),
      ...(r.byPhone ? (["telepon"] as const) : []),
    ],
  }));
}

export type DashboardItem = {
  id: string;
  number: string;
  status: string;
  jenis: string | null;
  bidang: string | null;
  receivedAt: string;
  dueAt: string | null;
  recommendation?: string | null;
};

export type Dashboard = {
  year: number;
  total: number;
  perStatus: Record<string, number>;
  perJenis: Record<string, number>;
  perBidang: Record<string, number>;
  perChannel: Record<string, number>;
  perMonth: number[];
  overdueTotal: number;
  overdue: DashboardItem[];
  awaitingDecisionTotal: number;
  awaitingDecision: DashboardItem[];
};

const LIST_LIMIT = 20;

/**
 * The beranda of the kadis and the koordinator: the year's cases (received in that WITA
 * year) counted per status, jenis, bidang ("" = not yet disposed), channel and month; and,
 * whatever the year, the open cases past their deadline and those whose telaah waits for
 * the kadis' decision. Numbers, codes and dates only: no personal data.
 */
export async function dashboard(ctx: HubContext, user: AuthUser, year: number): Promise<Dashboard> {
  const from = new Date(`${year}-01-01T00:00:00+08:00`);
  const to = new Date(`${year + 1}-01-01T00:00:00+08:00`);
  const now = ctx.clock();
  const groups = await ctx.db.sql.query<{ k: string; v: string | null; n: number }>(
    `WITH y AS (
       SELECT status, jenis, bidang, channel,
              extract(month FROM "receivedAt" AT TIME ZONE 'Asia/Makassar')::int AS m
         FROM "Case" WHERE instansi = $1 AND "receivedAt" >= $2 AND "receivedAt" < $3)
     SELECT 'status' AS k, status AS v, count(*)::int AS n FROM y GROUP BY status
     UNION ALL SELECT 'jenis', jenis, count(*)::int FROM y GROUP BY jenis
     UNION ALL SELECT 'bidang', bidang, count(*)::int FROM y GROUP BY bidang
     UNION ALL SELECT 'channel', channel, count(*)::int FROM y GROUP BY channel
     UNION ALL SELECT 'month', m::text, count(*)::int FROM y GROUP BY m`,
    [user.instansi, from, to],
  );
  const out: Dashboard = {
    year,
    total: 0,
    perStatus: {},
    perJenis: {},
    perBidang: {},
    perChannel: {},
    perMonth: Array.from({ length: 12 }, () => 0),
    overdueTotal: 0,
    overdue: [],
    awaitingDecisionTotal: 0,
    awaitingDecision: [],
  };
  for (const g of groups) {
    const key = g.v ?? "";
    if (g.k === "status") {
      out.perStatus[key] = g.n;
      out.total += g.n;
    } else if (g.k === "jenis") out.perJenis[key] = g.n;
    else if (g.k === "bidang") out.perBidang[key] = g.n;
    else if (g.k === "channel") out.perChannel[key] = g.n;
    else if (g.k === "month") out.perMonth[Number(key) - 1] = g.n;
  }
  type Row = {
    id: string;
    number: string;
    status: string;
    jenis: string | null;
    bidang: string | null;
    receivedAt: Date;
    dueAt: Date | null;
    recommendation: string | null;
    total: number;
  };
  const cols = `c.id, c.number, c.status, c.jenis, c.bidang, c."receivedAt", c."dueAt",
                c."auditRecommendation" AS recommendation, count(*) OVER ()::int AS total`;
  const [late, waiting] = await Promise.all([
    // The same rule as the inbox's "terlambat" (issue 5): past due, open, clock running.
    ctx.db.sql.query<Row>(
      `SELECT ${cols} FROM "Case" c
        WHERE c.instansi = $1 AND c."dueAt" < $2 AND c.status NOT IN ${FINAL_STATUSES_SQL}
          AND (c."pausedSince" IS NULL OR c."pausedSince" > c."dueAt")
        ORDER BY c."dueAt" ASC, c.id LIMIT ${LIST_LIMIT}`,
      [user.instansi, now],
    ),
    ctx.db.sql.query<Row>(
      `SELECT ${cols} FROM "Case" c
        WHERE c.instansi = $1 AND c."auditRecommendation" IS NOT NULL
          AND c."auditDecision" IS NULL AND c.status NOT IN ${FINAL_STATUSES_SQL}
        ORDER BY c."receivedAt" ASC, c.id LIMIT ${LIST_LIMIT}`,
      [user.instansi],
    ),
  ]);
  const item = (r: Row, withRec: boolean): DashboardItem => ({
    id: r.id,
    number: r.number,
    status: r.status,
    jenis: r.jenis,
    bidang: r.bidang,
    receivedAt: new Date(r.receivedAt).toISOString(),
    dueAt: r.dueAt ? new Date(r.dueAt).toISOString() : null,
    ...(withRec ? { recommendation: r.recommendation } : {}),
  });
  out.overdue = late.map((r) => item(r, false));
  out.overdueTotal = late[0]?.total ?? 0;
  out.awaitingDecision = waiting.map((r) => item(r, true));
  out.awaitingDecisionTotal = waiting[0]?.total ?? 0;
  return out;
}
