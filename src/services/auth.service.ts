import { createHash, randomBytes } from "node:crypto";
import type { HubContext } from "../context.js";
import { DomainError } from "../domain/errors.js";
import { DUMMY_HASH, hashPassword, verifyPassword } from "../security/password.js";
import {
  assertPasswordAcceptable,
  passwordProblem,
  PASSWORD_MIN_LENGTH,
} from "../security/password-policy.js";
import { audit } from "./audit.service.js";
import { BIDANG_CODES, ROLES, type BidangCode, type Role } from "../domain/roles.js";
import { DEFAULT_INSTANSI, parseInstansi } from "../domain/instansi.js";

export type AuthUser = {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  bidang: BidangCode | null;
  /** Tenant: the office (instansi) whose cases this user works. */
  instansi: string;
};

export const tokenId = (token: string) => createHash("sha256").update(token).digest("hex");

/** A User row as stored: role and bidang are the database's strings. */
type UserRow = {
  id: string;
  username: string;
  displayName: string | null;
  role: string;
  bidang: string | null;
  instansi: string;
};

/** Who a user row names, with its role and bidang typed (the database holds only valid ones). */
export function staffIdentity(
  u: Omit<UserRow, "instansi">,
): Pick<AuthUser, "id" | "username" | "displayName" | "role" | "bidang"> {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role as Role,
    bidang: (u.bidang as BidangCode | null) ?? null,
  };
}

function toAuthUser(u: UserRow): AuthUser {
  return { ...staffIdentity(u), instansi: u.instansi };
}

// Login throttling: slows guessing without letting an attacker lock the real user out.
// Failures are counted in the database (every hub process agrees) in three dimensions;
// past its threshold each failure doubles the wait before the next attempt (2, 4, 8 … s):
// - username + address: the attacker's own line; MAX failures, capped at MAX_DELAY;
// - address, any username: spraying one password over many accounts; MAX×4;
// - username, any address: a distributed attack; MAX×10, capped at one minute so it only
//   slows, and not applied to an address this user logged in from lately.
// A success forgives the earlier failures of that username from that address (a typo).
const KNOWN_ADDRESS_DAYS = 30;

/** The oldest login attempt the throttle still reads (its failure window, and the successes
 * that make an address known): anything older may go (pdp.retention prunes it). */
export function loginAttemptsReadSince(ctx: HubContext): Date {
  const now = ctx.clock().getTime();
  const windowMs = ctx.config.ADUAN_LOGIN_WINDOW_MINUTES * 60_000;
  return new Date(now - Math.max(windowMs, KNOWN_ADDRESS_DAYS * 86_400_000));
}
const USER_DELAY_CAP_SECONDS = 60;

type ThrottleRow = {
  pair_n: number;
  pair_last: Date | null;
  ip_n: number;
  ip_last: Date | null;
  user_n: number;
  user_last: Date | null;
  known: boolean;
};

const THROTTLE_SQL = `
  SELECT
    count(*) FILTER (WHERE f.username = $1 AND f.ip = $2)::int AS pair_n,
    max(f.at) FILTER (WHERE f.username = $1 AND f.ip = $2) AS pair_last,
    count(*) FILTER (WHERE f.ip = $2)::int AS ip_n,
    max(f.at) FILTER (WHERE f.ip = $2) AS ip_last,
    count(*) FILTER (WHERE f.username = $1)::int AS user_n,
    max(f.at) FILTER (WHERE f.username = $1) AS user_last,
    EXISTS (SELECT 1 FROM "LoginAttempt" k
            WHERE k.username = $1 AND k.ip = $2 AND k.success AND k.at >= $5) AS known
  FROM "LoginAttempt" f
  WHERE (f.username = $1 OR f.ip = $2) AND NOT f.success AND f.at >= $3 AND f.id < $4
    AND NOT EXISTS (SELECT 1 FROM "LoginAttempt" s
                    WHERE s.username = f.username AND s.ip = f.ip AND s.success
                      AND s.id > f.id AND s.id < $4)`;

/** When the next attempt may be made after n failures, the last at `last`. */
function allowedAt(n: number, last: Date | null, threshold: number, capSeconds: number): number {
  if (n < threshold || !last) return 0;
  const delay = Math.min(2 ** Math.min(n - threshold + 1, 30), capSeconds);
  return new Date(last).getTime() + delay * 1000;
}

export async function login(
  ctx: HubContext,
  input: { username: string; password: string; ip: string | undefined },
): Promise<{ token: string; csrf: string; expiresAt: Date; user: AuthUser }> {
  const { prisma } = ctx.db;
  const now = ctx.clock();
  const username = input.username.trim().toLowerCase();
  const ip = input.ip ?? "unknown";
  // The attempt is written first (as a failure) and the counts look only at earlier rows:
  // a burst of parallel guesses sees itself and cannot all slip under the threshold.
  const attempt = await prisma.loginAttempt.create({
    data: { username, ip, at: now, success: false },
    select: { id: true },
  });
  const max = ctx.config.ADUAN_LOGIN_MAX_FAILURES;
  const cap = ctx.config.ADUAN_LOGIN_MAX_DELAY_SECONDS;
  const [t] = await ctx.db.sql.query<ThrottleRow>(THROTTLE_SQL, [
    username,
    ip,
    new Date(now.getTime() - ctx.config.ADUAN_LOGIN_WINDOW_MINUTES * 60_000),
    attempt.id.toString(),
    new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 86_400_000),
  ]);
  const waitUntil = Math.max(
    allowedAt(Number(t!.pair_n), t!.pair_last, max, cap),
    allowedAt(Number(t!.ip_n), t!.ip_last, max * 4, cap),
    t!.known
      ? 0
      : allowedAt(Number(t!.user_n), t!.user_last, max * 10, Math.min(USER_DELAY_CAP_SECONDS, cap)),
  );
  if (now.getTime() < waitUntil) {
    // A refused attempt is not a guess: it must not grow the delay (nor the user's count).
    await prisma.loginAttempt.delete({ where: { id: attempt.id } });
    const seconds = Math.max(1, Math.ceil((waitUntil - now.getTime()) / 1000));
    throw new DomainError(
      "RATE_LIMITED",
      `Terlalu banyak percobaan masuk yang gagal; coba lagi dalam ${seconds} detik`,
      { retryAfterSeconds: seconds },
    );
  }
  const user = await prisma.user.findUnique({ where: { username } });
  const valid = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (user && valid && user.active) {
    await prisma.loginAttempt.update({ where: { id: attempt.id }, data: { success: true } });
  }
  if (!user || !valid || !user.active) {
    throw new DomainError("INVALID_CREDENTIALS", "Nama pengguna atau kata sandi salah");
  }
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + ctx.config.ADUAN_SESSION_TTL_HOURS * 3600_000);
  await prisma.session.create({ data: { id: tokenId(token), userId: user.id, expiresAt } });
  await prisma.auditLog.create({
    data: {
      actorId: user.id,
      actorName: user.username,
      action: "auth.login",
      ip: input.ip ?? null,
    },
  });
  return { token, csrf: randomBytes(18).toString("base64url"), expiresAt, user: toAuthUser(user) };
}

// Sessions are looked up on every request; a short in-process cache keeps that off the
// database on hot paths. A logout elsewhere takes effect within SESSION_CACHE_MS here.
const SESSION_CACHE_MS = 5_000;
const sessionCache = new Map<string, { user: AuthUser; expiresAt: number; cachedAt: number }>();

type SessionRow = UserRow & { expiresAt: Date };

export async function authenticate(ctx: HubContext, token: string): Promise<AuthUser | null> {
  const sid = tokenId(token);
  const now = ctx.clock().getTime();
  const hit = sessionCache.get(sid);
  if (hit && now - hit.cachedAt < SESSION_CACHE_MS && hit.expiresAt > now) return hit.user;
  const rows = await ctx.db.sql.query<SessionRow>(
    `SELECT u.id, u.username, u."displayName", u.role, u.bidang, u.instansi, s."expiresAt"
     FROM "Session" s JOIN "User" u ON u.id = s."userId"
     WHERE s.id = $1 AND s."revokedAt" IS NULL AND u.active`,
    [sid],
    { prepare: true },
  );
  const row = rows[0];
  if (!row || new Date(row.expiresAt).getTime() <= now) {
    sessionCache.delete(sid);
    return null;
  }
  const user = toAuthUser(row);
  if (sessionCache.size > 10_000) sessionCache.clear();
  sessionCache.set(sid, { user, expiresAt: new Date(row.expiresAt).getTime(), cachedAt: now });
  return user;
}

export async function logout(ctx: HubContext, token: string): Promise<void> {
  sessionCache.delete(tokenId(token));
  await ctx.db.prisma.session.updateMany({
    where: { id: tokenId(token), revokedAt: null },
    data: { revokedAt: ctx.clock() },
  });
}

export async function addUser(
  ctx: HubContext,
  input: {
    username: string;
    password: string;
    role: string;
    bidang?: string | undefined;
    displayName?: string | undefined;
    email?: string | undefined;
    instansi?: string | undefined;
  },
): Promise<AuthUser> {
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9._-]{3,64}$/.test(username)) {
    throw new DomainError(
      "USERNAME_INVALID",
      "username: 3–64 huruf kecil, angka, titik, garis bawah atau tanda hubung",
      {
        fields: [{ field: "username", message: "format tidak valid" }],
      },
    );
  }
  if (!(ROLES as readonly string[]).includes(input.role)) {
    throw new DomainError("ROLE_UNKNOWN", `role: harus salah satu dari ${ROLES.join(", ")}`, {
      fields: [{ field: "role", message: "tidak dikenal" }],
      allowed: [...ROLES],
    });
  }
  if (input.role === "penelaah" && !input.bidang) {
    throw new DomainError("BIDANG_REQUIRED", "bidang: wajib untuk penelaah", {
      fields: [{ field: "bidang", message: "wajib" }],
      allowed: BIDANG_CODES,
    });
  }
  if (input.bidang && !(BIDANG_CODES as string[]).includes(input.bidang)) {
    throw new DomainError(
      "BIDANG_UNKNOWN",
      `bidang: harus salah satu dari ${BIDANG_CODES.join(", ")}`,
      {
        fields: [{ field: "bidang", message: "tidak dikenal" }],
        allowed: BIDANG_CODES,
      },
    );
  }
  assertPasswordAcceptable(input.password, username);
  const instansi = parseInstansi(input.instansi ?? DEFAULT_INSTANSI);
  if (!instansi.ok) {
    throw new DomainError(instansi.error.code, instansi.error.message, {
      fields: [{ field: "instansi", message: "format tidak valid" }],
    });
  }
  const existing = await ctx.db.prisma.user.findUnique({ where: { username } });
  if (existing) throw new DomainError("USERNAME_TAKEN", `username ${username} sudah dipakai`);
  const user = await ctx.db.prisma.user.create({
    data: {
      username,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      bidang: input.bidang ?? null,
      displayName: input.displayName ?? null,
      email: input.email?.trim().toLowerCase() || null,
      instansi: instansi.value,
    },
  });
  return toAuthUser(user);
}

/**
 * A staff member's own password change. The current password is asked again (a session
 * left open on a shared office PC must not be enough); a wrong one counts as a failed
 * login of the account from this address, so guessing through this form is throttled like
 * the login. The account's other sessions end; the caller's stays.
 */
export async function changeOwnPassword(
  ctx: HubContext,
  input: {
    user: AuthUser;
    token: string;
    currentPassword: string;
    newPassword: string;
    ip: string | undefined;
  },
): Promise<void> {
  const { prisma } = ctx.db;
  const now = ctx.clock();
  const ip = input.ip ?? "unknown";
  const username = input.user.username;
  const since = new Date(now.getTime() - ctx.config.ADUAN_LOGIN_WINDOW_MINUTES * 60_000);
  const failures = await prisma.loginAttempt.count({
    where: { username, ip, success: false, at: { gte: since } },
  });
  if (failures >= ctx.config.ADUAN_LOGIN_MAX_FAILURES) {
    throw new DomainError(
      "RATE_LIMITED",
      "Terlalu banyak percobaan kata sandi yang salah; coba lagi beberapa menit lagi",
      { retryAfterSeconds: ctx.config.ADUAN_LOGIN_MAX_DELAY_SECONDS },
    );
  }
  const row = await prisma.user.findUnique({
    where: { id: input.user.id },
    select: { passwordHash: true },
  });
  if (!row || !(await verifyPassword(input.currentPassword, row.passwordHash))) {
    await prisma.loginAttempt.create({ data: { username, ip, at: now, success: false } });
    throw new DomainError("PASSWORD_INCORRECT", "Kata sandi saat ini salah", {
      fields: [{ field: "currentPassword", message: "salah" }],
    });
  }
  const problem = passwordProblem(input.newPassword, username);
  if (problem) {
    const code =
      [...input.newPassword].length < PASSWORD_MIN_LENGTH ? "PASSWORD_TOO_SHORT" : "PASSWORD_WEAK";
    throw new DomainError(code, `Kata sandi baru ${problem}`, {
      fields: [{ field: "newPassword", message: problem }],
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  const keep = tokenId(input.token);
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: input.user.id }, data: { passwordHash } });
    await tx.session.updateMany({
      where: { userId: input.user.id, revokedAt: null, id: { not: keep } },
      data: { revokedAt: now },
    });
    await audit(tx, {
      actor: input.user,
      action: "user.password_change",
      ip: input.ip,
      fields: ["password"],
      data: { userId: input.user.id },
    });
  });
  for (const [k, v] of sessionCache)
    if (v.user.id === input.user.id && k !== keep) sessionCache.delete(k);
}
