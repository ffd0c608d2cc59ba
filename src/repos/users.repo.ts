// Staff accounts as the console's "Pengguna" page reads and changes them. Every read is
// limited to the caller's office; a change and its audit row commit together.
import type { Db } from "../db/database.js";
import { audit, type AuditEntry } from "../services/audit.service.js";

export type StaffRow = {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  role: string;
  bidang: string | null;
  active: boolean;
  createdAt: Date;
};

const STAFF: { [K in keyof StaffRow]: true } = {
  id: true,
  username: true,
  displayName: true,
  email: true,
  role: true,
  bidang: true,
  active: true,
  createdAt: true,
};

export async function listStaff(ctx: { db: Db }, instansi: string): Promise<StaffRow[]> {
  return ctx.db.prisma.user.findMany({
    where: { instansi },
    select: STAFF,
    orderBy: { username: "asc" },
  });
}

/** One account of the office, or null when absent or another office's. */
export async function findStaff(
  ctx: { db: Db },
  id: string,
  instansi: string,
): Promise<StaffRow | null> {
  return ctx.db.prisma.user.findFirst({ where: { id, instansi }, select: STAFF });
}

/**
 * Gives an account its login attempts back: deletes its failed attempts and writes the
 * audit row (told how many were cleared) in one transaction. Returns that count.
 */
export async function clearFailedLogins(
  ctx: { db: Db },
  username: string,
  entry: (cleared: number) => AuditEntry,
): Promise<number> {
  return ctx.db.prisma.$transaction(async (tx) => {
    const gone = await tx.loginAttempt.deleteMany({ where: { username, success: false } });
    await audit(tx, entry(gone.count));
    return gone.count;
  });
}

export type StaffChange = {
  role: string;
  bidang: string | null;
  displayName?: string | null | undefined;
  email?: string | null | undefined;
  active?: boolean | undefined;
  passwordHash?: string | undefined;
};

/**
 * Writes an account's change; with `revokeSessionsAt` ends its open sessions (issued under
 * the old rights) at that time. The audit row is written in the same transaction.
 */
export async function updateStaff(
  ctx: { db: Db },
  id: string,
  change: StaffChange,
  opts: { revokeSessionsAt: Date | null; audit: (updated: StaffRow) => AuditEntry },
): Promise<StaffRow> {
  return ctx.db.prisma.$transaction(async (tx) => {
    const u = await tx.user.update({
      where: { id },
      data: {
        role: change.role,
        bidang: change.bidang,
        ...(change.displayName !== undefined ? { displayName: change.displayName } : {}),
        ...(change.email !== undefined ? { email: change.email } : {}),
        ...(change.active !== undefined ? { active: change.active } : {}),
        ...(change.passwordHash ? { passwordHash: change.passwordHash } : {}),
      },
      select: STAFF,
    });
    if (opts.revokeSessionsAt) {
      await tx.session.updateMany({
        where: { userId: id, revokedAt: null },
        data: { revokedAt: opts.revokeSessionsAt },
      });
    }
    await audit(tx, opts.audit(u));
    return u;
  });
}
