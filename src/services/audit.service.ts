import type { Prisma } from "../generated/prisma/client.js";
import type { AuthUser } from "./auth.service.js";

type AuditWriter = {
  auditLog: { create(args: { data: Prisma.AuditLogCreateInput }): Promise<unknown> };
};

export type AuditEntry = {
  actor: Pick<AuthUser, "id" | "username"> | null;
  action: string;
  caseId?: string | null;
  fields?: string[];
  purpose?: string;
  ip?: string | undefined;
  requestId?: string | undefined;
  data?: Prisma.InputJsonValue;
};

// Append-only processing record (UU 27/2022 PDP): who, when, which case, which fields, why.
export async function audit(w: AuditWriter, e: AuditEntry): Promise<void> {
  await w.auditLog.create({
    data: {
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
