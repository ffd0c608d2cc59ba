import type { Prisma } from "../generated/prisma/client.js";
import type { Db } from "../db/database.js";
import type { SqlSession } from "../db/migrate.js";
import type { AuthUser } from "./auth.service.js";
import { scopeOffice } from "../db/scope.js";
import { DEFAULT_INSTANSI } from "../domain/instansi.js";

// The prisma client or a transaction: the office of a system actor's case (or of an actor
// given without its office) is read through the same writer, so a case created earlier in
// the same transaction is found.
type AuditWriter = Pick<Prisma.TransactionClient, "auditLog" | "case" | "user">;

export type AuditEntry = {
  /** An AuthUser carries its office; a bare {id, username} has it looked up. */
  actor: (Pick<AuthUser, "id" | "username"> & { instansi?: string | undefined }) | null;
  action: string;
  caseId?: string | null;
  fields?: string[];
  purpose?: string;
  ip?: string | undefined;
  requestId?: string | undefined;
  data?: Prisma.InputJsonValue;
  /** The office the row belongs to, when the caller knows it better than the actor. */
  instansi?: string | undefined;
};

/**
 * The office (instansi) an audit row belongs to: given explicitly, else the actor's, else
 * (system actors) the case's, else the default office.
 */
export async function auditInstansi(w: AuditWriter, e: AuditEntry): Promise<string> {
  if (e.instansi) return e.instansi;
  if (e.actor?.instansi) return e.actor.instansi;
  if (e.actor?.id) {
    const u = await w.user.findUnique({ where: { id: e.actor.id }, select: { instansi: true } });
    if (u) return u.instansi;
  }
  if (e.caseId) {
    const c = await w.case.findUnique({ where: { id: e.caseId }, select: { instansi: true } });
    if (c) return c.instansi;
  }
  return scopeOffice() ?? DEFAULT_INSTANSI;
}

// Append-only processing record (UU 27/2022 PDP): who, when, which office, which case,
// which fields, why. `instansi` is part of the hashed row (src/pdp/audit-chain.ts).
export async function audit(w: AuditWriter, e: AuditEntry): Promise<void> {
  await w.auditLog.create({
    data: {
      instansi: await auditInstansi(w, e),
      actorId: e.actor?.id ?? null,
      actorName: e.actor?.username ?? "system",
      action: e.action,
      caseId: e.caseId ?? null,
      fields: e.fields ?? [],
      purpose: e.purpose ?? null,
      ip: e.ip ?? null,
      requestId: e.requestId ?? null,
      ...(e.data !== undefined ? { data: e.data } : {}),
    },
  });
}

/** `audit` through the caller's client (an office's, under a staff request), outside any transaction. */
export async function recordAudit(ctx: { db: Db }, e: AuditEntry): Promise<void> {
  await audit(ctx.db.prisma, e);
}

const APPEND_AUDIT = `INSERT INTO "AuditLog" (instansi, "actorId", "actorName", action, "caseId", fields,
    purpose, ip, "requestId", data)
  VALUES ($1, $2::uuid, $3, $4, $5::uuid, $6::text[], $7, $8, $9, $10::jsonb)`;

/**
 * The same row as `audit`, in one prepared statement for hot read paths (an inbox page is
 * one per request): no ORM round, the actor's office known. Outside any transaction.
 */
export async function appendAudit(
  sql: SqlSession,
  e: AuditEntry & { actor: Pick<AuthUser, "id" | "username" | "instansi"> },
): Promise<void> {
  await sql.query(
    APPEND_AUDIT,
    [
      e.instansi ?? e.actor.instansi,
      e.actor.id,
      e.actor.username,
      e.action,
      e.caseId ?? null,
      e.fields ?? [],
      e.purpose ?? null,
      e.ip ?? null,
      e.requestId ?? null,
      e.data === undefined ? null : JSON.stringify(e.data),
    ],
    { prepare: true },
  );
}
