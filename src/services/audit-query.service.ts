// Read side of the append-only AuditLog for kadis/admin: newest first, keyset pagination on
// the id (monotonic with `at` because rows are only ever appended).
import type { HubContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { decodeCursor, encodeCursor } from "../domain/cursor.js";
import { isUuid } from "../domain/uuid.js";
import { asSystem } from "../db/scope.js";
import type { AuthUser } from "./auth.service.js";
import { audit } from "./audit.service.js";

export type AuditQuery = {
  case?: string | undefined;
  user?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  action?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
};

export type AuditEntryDto = {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  caseId: string | null;
  fields: string[];
  purpose: string | null;
  ip: string | null;
  requestId: string | null;
  data: unknown;
};

/** The id of the last row listed; 19 digits can still overflow bigint (PostgreSQL's cast
 * error was a 500), so the bound is checked here. */
const readCursor = (cursor: string): bigint =>
  decodeCursor(cursor, ([id, ...rest]) =>
    typeof id === "string" &&
    !rest.length &&
    /^\d{1,19}$/.test(id) &&
    BigInt(id) <= 9223372036854775807n
      ? BigInt(id)
      : null,
  );

export async function queryAudit(
  ctx: HubContext,
  user: AuthUser,
  q: AuditQuery,
  meta: { ip?: string | undefined; requestId?: string | undefined },
): Promise<{ data: AuditEntryDto[]; nextCursor: string | null }> {
  const limit = q.limit ?? 50;
  // An office sees its own trail only. Rows written before the trail recorded the office
  // all carry the default one, so a row that names another office's case or user is left
  // out as well.
  const params: unknown[] = [user.instansi];
  const where: string[] = [
    `a.instansi = $1`,
    `NOT EXISTS (SELECT 1 FROM "Case" c WHERE c.id = a."caseId" AND c.instansi <> $1)`,
    `NOT EXISTS (SELECT 1 FROM "User" u WHERE u.id = a."actorId" AND u.instansi <> $1)`,
  ];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (q.case) add((n) => `a."caseId" = ${n}::uuid`, q.case);
  if (q.user) {
    // A user id, or a username (also finds "system" entries and deleted users).
    if (isUuid(q.user)) add((n) => `a."actorId" = ${n}::uuid`, q.user);
    else add((n) => `a."actorName" = ${n}`, q.user);
  }
  if (q.from) add((n) => `a.at >= ${n}::timestamptz`, new Date(q.from).toISOString());
  if (q.to) add((n) => `a.at < ${n}::timestamptz`, new Date(q.to).toISOString());
  if (q.action) {
    // "case.*" selects a family of actions.
    if (q.action.endsWith("*")) add((n) => `starts_with(a.action, ${n})`, q.action.slice(0, -1));
    else add((n) => `a.action = ${n}`, q.action);
  }
  if (q.cursor) add((n) => `a.id < ${n}::bigint`, readCursor(q.cursor).toString());
  params.push(limit + 1);
  // Telling a legacy row of another office needs to see that office's cases and users,
  // which the office scope hides: this one query runs as the system, its office filter
  // ($1) written above.
  const rows = await asSystem("audit-query", () =>
    ctx.db.sql.query<{
      id: string;
      at: Date | string;
      actorId: string | null;
      actorName: string | null;
      action: string;
      caseId: string | null;
      fields: string[] | null;
      purpose: string | null;
      ip: string | null;
      requestId: string | null;
      data: unknown;
    }>(
      `SELECT a.id::text AS id, a.at, a."actorId"::text AS "actorId", a."actorName", a.action,
            a."caseId"::text AS "caseId", a.fields, a.purpose, a.ip, a."requestId", a.data
     FROM "AuditLog" a
     WHERE ${where.join(" AND ")}
     ORDER BY a.id DESC
     LIMIT $${params.length}`,
      params,
    ),
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  // Reading the trail shows staff IPs and who looked at which case: that read is recorded too.
  await audit(ctx.db.prisma, {
    actor: user,
    action: "audit.read",
    purpose: "pengawasan",
    data: {
      filter: { ...q, cursor: undefined, limit } as Prisma.InputJsonValue,
      rows: page.length,
    },
    ...meta,
  });
  return {
    data: page.map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      actorId: r.actorId,
      actorName: r.actorName,
      action: r.action,
      caseId: r.caseId,
      fields: r.fields ?? [],
      purpose: r.purpose,
      ip: r.ip,
      requestId: r.requestId,
      data: r.data ?? null,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
  };
}
