// Read side of the append-only AuditLog for kadis/admin: newest first, keyset pagination on
// the id (monotonic with `at` because rows are only ever appended).
import type { HubContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { AppError } from "../http/errors.js";
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): bigint {
  const s = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^\d{1,19}$/.test(s)) {
    throw new AppError(400, "CURSOR_INVALID", "cursor tidak valid", {
      fields: [{ field: "query.cursor", message: "tidak valid" }],
    });
  }
  return BigInt(s);
}

export async function queryAudit(
  ctx: HubContext,
  user: AuthUser,
  q: AuditQuery,
  meta: { ip?: string | undefined; requestId?: string | undefined },
): Promise<{ data: AuditEntryDto[]; nextCursor: string | null }> {
  const limit = q.limit ?? 50;
  const where: Prisma.AuditLogWhereInput = {};
  if (q.case) where.caseId = q.case;
  if (q.user) {
    // A user id, or a username (also finds "system" entries and deleted users).
    if (UUID.test(q.user)) where.actorId = q.user;
    else where.actorName = q.user;
  }
  if (q.from || q.to) {
    where.at = {
      ...(q.from ? { gte: new Date(q.from) } : {}),
      ...(q.to ? { lt: new Date(q.to) } : {}),
    };
  }
  if (q.action) {
    // "case.*" selects a family of actions.
    where.action = q.action.endsWith("*") ? { startsWith: q.action.slice(0, -1) } : q.action;
  }
  if (q.cursor) where.id = { lt: decodeCursor(q.cursor) };
  const rows = await ctx.db.prisma.auditLog.findMany({
    where,
    orderBy: { id: "desc" },
    take: limit + 1,
  });
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
      id: r.id.toString(),
      at: r.at.toISOString(),
      actorId: r.actorId,
      actorName: r.actorName,
      action: r.action,
      caseId: r.caseId,
      fields: r.fields,
      purpose: r.purpose,
      ip: r.ip,
      requestId: r.requestId,
      data: r.data ?? null,
    })),
    nextCursor:
      rows.length > limit && last ? Buffer.from(last.id.toString()).toString("base64url") : null,
  };
}
