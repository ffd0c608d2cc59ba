import { createHash, randomBytes } from "node:crypto";
import type { HubContext } from "../context.js";
import { AppError } from "../http/errors.js";
import { DUMMY_HASH, hashPassword, verifyPassword } from "../security/password.js";
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

function toAuthUser(u: {
  id: string;
  username: string;
  displayName: string | null;
  role: string;
  bidang: string | null;
  instansi: string;
}): AuthUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role as Role,
    bidang: (u.bidang as BidangCode | null) ?? null,
    instansi: u.instansi,
  };
}

export async function login(
  ctx: HubContext,
  input: { username: string; password: string; ip: string | undefined },
): Promise<{ token: string; csrf: string; expiresAt: Date; user: AuthUser }> {
  const { prisma } = ctx.db;
  const now = ctx.clock();
  const windowStart = new Date(now.getTime() - ctx.config.ADUAN_LOGIN_WINDOW_MINUTES * 60_000);
  const username = input.username.trim().toLowerCase();
  // Throttle per username and per address, counted in the database so every hub process agrees.
  const [byUser, byIp] = await Promise.all([
    prisma.loginAttempt.count({ where: { username, success: false, at: { gte: windowStart } } }),
    input.ip
      ? prisma.loginAttempt.count({
          where: { ip: input.ip, success: false, at: { gte: windowStart } },
        })
      : Promise.resolve(0),
  ]);
  const max = ctx.config.ADUAN_LOGIN_MAX_FAILURES;
  if (byUser >= max || byIp >= max * 4) {
    throw new AppError(429, "LOGIN_THROTTLED", "Terlalu banyak percobaan masuk; coba lagi nanti", {
      headers: { "Retry-After": String(ctx.config.ADUAN_LOGIN_WINDOW_MINUTES * 60) },
    });
  }
  const user = await prisma.user.findUnique({ where: { username } });
  const valid = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  await prisma.loginAttempt.create({
    data: { username, ip: input.ip ?? null, success: Boolean(user && valid && user.active) },
  });
  if (!user || !valid || !user.active) {
    throw new AppError(401, "INVALID_CREDENTIALS", "Nama pengguna atau kata sandi salah");
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

type SessionRow = {
  id: string;
  username: string;
  displayName: string | null;
  role: string;
  bidang: string | null;
  instansi: string;
  expiresAt: Date;
};

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
    instansi?: string | undefined;
  },
): Promise<AuthUser> {
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9._-]{3,64}$/.test(username)) {
    throw new AppError(
      422,
      "USERNAME_INVALID",
      "username: 3–64 huruf kecil, angka, titik, garis bawah atau tanda hubung",
      {
        fields: [{ field: "username", message: "format tidak valid" }],
      },
    );
  }
  if (!(ROLES as readonly string[]).includes(input.role)) {
    throw new AppError(422, "ROLE_UNKNOWN", `role: harus salah satu dari ${ROLES.join(", ")}`, {
      fields: [{ field: "role", message: "tidak dikenal" }],
      allowed: [...ROLES],
    });
  }
  if (input.role === "penelaah" && !input.bidang) {
    throw new AppError(422, "BIDANG_REQUIRED", "bidang: wajib untuk penelaah", {
      fields: [{ field: "bidang", message: "wajib" }],
      allowed: BIDANG_CODES,
    });
  }
  if (input.bidang && !(BIDANG_CODES as string[]).includes(input.bidang)) {
    throw new AppError(
      422,
      "BIDANG_UNKNOWN",
      `bidang: harus salah satu dari ${BIDANG_CODES.join(", ")}`,
      {
        fields: [{ field: "bidang", message: "tidak dikenal" }],
        allowed: BIDANG_CODES,
      },
    );
  }
  if (input.password.length < 10) {
    throw new AppError(422, "PASSWORD_TOO_SHORT", "password: minimal 10 karakter", {
      fields: [{ field: "password", message: "minimal 10 karakter" }],
    });
  }
  const instansi = parseInstansi(input.instansi ?? DEFAULT_INSTANSI);
  if (!instansi.ok) {
    throw new AppError(422, instansi.error.code, instansi.error.message, {
      fields: [{ field: "instansi", message: "format tidak valid" }],
    });
  }
  const existing = await ctx.db.prisma.user.findUnique({ where: { username } });
  if (existing) throw new AppError(409, "USERNAME_TAKEN", `username ${username} sudah dipakai`);
  const user = await ctx.db.prisma.user.create({
    data: {
      username,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      bidang: input.bidang ?? null,
      displayName: input.displayName ?? null,
      instansi: instansi.value,
    },
  });
  return toAuthUser(user);
}
