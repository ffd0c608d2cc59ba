// Issue 13 item 8 over real HTTP: password rules, login throttling that slows an attacker
// without locking the owner out (and an admin unlock), Cache-Control on API JSON, Secure
// cookies under production, receivedAt bounds and malformed cursors.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  PASSWORD,
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { addUser } from "../../../src/services/auth.service.js";

let hub: TestHub;
// The hub's clock runs with real time; a test moves it ahead by adding to `skew`.
let skew = 0;
let admin: ReturnType<typeof apiClient>;
let adminId = "";

const MAX = 3; // ADUAN_LOGIN_MAX_FAILURES of this hub: address ×4 = 12, username ×10 = 30
const CAP = 8; // ADUAN_LOGIN_MAX_DELAY_SECONDS

beforeAll(async () => {
  hub = await startTestHub({
    name: "accounts",
    clock: () => new Date(Date.now() + skew),
    env: { ADUAN_LOGIN_MAX_FAILURES: String(MAX), ADUAN_LOGIN_MAX_DELAY_SECONDS: String(CAP) },
  });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  skew = 0;
  await resetDb(hub);
  const a = await userWithToken(hub, "ad.nina", "admin");
  admin = apiClient(hub, a.token);
  adminId = a.id;
});

/** A login as if from `ip` (the hub trusts X-Forwarded-For from loopback, as behind nginx). */
async function loginFrom(ip: string, username: string, password: string) {
  const res = await fetch(`${hub.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { code?: string; token?: string };
  return { status: res.status, code: body.code, retryAfter: res.headers.get("retry-after") };
}

const ATTACKER = "203.0.113.66";
const OWNER = "198.51.100.20";

describe("passwords", () => {
  const weak: [string, string][] = [
    ["ten spaces", "          "],
    ["one repeated character", "aaaaaaaaaaaa"],
    ["the username", "petugas.loket"],
    ["the username in capitals, padded", "  PETUGAS.LOKET "],
    ["common: 1234567890", "1234567890"],
    ["common: qwertyuiop", "qwertyuiop"],
    ["common: Password123 (lower-cased)", "Password123"],
    ["common: sayangkamu", "sayangkamu"],
    ["common: indonesia123", "indonesia123"],
    ["common: bismillah123", "Bismillah123"],
  ];
  it.each(weak)("POST /users refuses %s with 422 on field password", async (_t, password) => {
    const before = await hub.ctx.db.prisma.user.count();
    const res = await admin.post<{ code: string; fields: { field: string; message: string }[] }>(
      "/api/v1/users",
      { username: "petugas.loket", password, role: "front_office" },
    );
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("PASSWORD_WEAK");
    expect(res.body.fields).toEqual([{ field: "password", message: expect.any(String) }]);
    expect(res.body.fields[0]!.message).toMatch(/tidak boleh|terlalu umum/);
    expect(await hub.ctx.db.prisma.user.count()).toBe(before);
  });

  it("PATCH /users/{id} refuses a weak password and keeps the sessions; a good one is taken", async () => {
    const fo = await userWithToken(hub, "fo.sari.loket", "front_office");
    const same = await admin.patch<{ code: string; fields: { field: string }[] }>(
      `/api/v1/users/${fo.id}`,
      { password: " FO.Sari.Loket  " },
    );
    expect(same.status).toBe(422);
    expect(same.body.code).toBe("PASSWORD_WEAK");
    expect(same.body.fields[0]!.field).toBe("password");
    const common = await admin.patch(`/api/v1/users/${fo.id}`, { password: "sayangkamu" });
    expect(common.status).toBe(422);
    // Nothing changed: the old session still works.
    expect((await apiClient(hub, fo.token).get("/api/v1/auth/me")).status).toBe(200);
    const ok = await admin.patch(`/api/v1/users/${fo.id}`, { password: "Kalua-Balangan-77" });
    expect(ok.status).toBe(200);
    expect((await loginFrom(OWNER, "fo.sari.loket", "Kalua-Balangan-77")).status).toBe(200);
  });

  it.each(["admin", "kadis", "koordinator", "front_office", "penelaah"] as const)(
    "%s changes their own password: the current one is asked, the rule applies, other sessions end",
    async (role) => {
      const name = `sendiri.${role.replace("_", "")}`;
      const me = await userWithToken(
        hub,
        name,
        role,
        role === "penelaah" ? "LINJAMSOS" : undefined,
      );
      const other = await loginFrom(OWNER, name, PASSWORD);
      expect(other.status).toBe(200);
      const client = apiClient(hub, me.token);
      const wrong = await client.post<{ code: string; fields: { field: string }[] }>(
        "/api/v1/auth/password",
        { currentPassword: "bukan-sandinya-99", newPassword: "Tanjung-Tabalong-21" },
      );
      expect(wrong.status).toBe(422);
      expect(wrong.body.code).toBe("PASSWORD_INCORRECT");
      expect(wrong.body.fields.map((f) => f.field)).toEqual(["currentPassword"]);
      const weak = await client.post<{ code: string; fields: { field: string }[] }>(
        "/api/v1/auth/password",
        { currentPassword: PASSWORD, newPassword: "sayangkamu" },
      );
      expect(weak.status).toBe(422);
      expect(weak.body.code).toBe("PASSWORD_WEAK");
      expect(weak.body.fields.map((f) => f.field)).toEqual(["newPassword"]);
      // Nothing changed so far: the old password still logs in.
      expect((await loginFrom(OWNER, name, PASSWORD)).status).toBe(200);
      const ok = await client.post("/api/v1/auth/password", {
        currentPassword: PASSWORD,
        newPassword: "Tanjung-Tabalong-21",
      });
      expect(ok.status).toBe(204);
      // This session stays; the others (opened before the change) are ended.
      expect((await client.get("/api/v1/auth/me")).status).toBe(200);
      const sessions = await hub.ctx.db.prisma.session.findMany({ where: { userId: me.id } });
      expect(sessions.filter((x) => x.revokedAt === null)).toHaveLength(1);
      expect((await loginFrom(OWNER, name, PASSWORD)).status).toBe(401);
      expect((await loginFrom(OWNER, name, "Tanjung-Tabalong-21")).status).toBe(200);
      const rows = await hub.ctx.db.prisma.auditLog.findMany({
        where: { action: "user.password_change", actorId: me.id },
      });
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows.map((r) => [r.fields, r.data]))).not.toContain("Tanjung");
    },
  );

  it("wrong current passwords are throttled like logins", async () => {
    const me = await userWithToken(hub, "fo.tebak", "front_office");
    const client = apiClient(hub, me.token);
    const codes: string[] = [];
    for (let i = 0; i < MAX + 1; i++) {
      const r = await client.post<{ code: string }>("/api/v1/auth/password", {
        currentPassword: `tebakan-${i}-xx`,
        newPassword: "Tanjung-Tabalong-21",
      });
      codes.push(`${r.status} ${r.body.code}`);
    }
    expect(codes.slice(0, MAX)).toEqual(Array(MAX).fill("422 PASSWORD_INCORRECT"));
    expect(codes[MAX]).toBe("429 RATE_LIMITED");
  });

  it("a staff member's work e-mail is set at creation, changed and cleared by the admin", async () => {
    const created = await admin.post<{ id: string; email: string | null }>("/api/v1/users", {
      username: "pen.email",
      password: "Kalua-Balangan-77",
      role: "penelaah",
      bidang: "REHSOS",
      email: "Rehsos.Kabid@Dinsos.example.go.id",
    });
    expect(created.status).toBe(201);
    expect(created.body.email).toBe("rehsos.kabid@dinsos.example.go.id");
    const bad = await admin.patch<{ code: string; fields: { field: string }[] }>(
      `/api/v1/users/${created.body.id}`,
      { email: "bukan alamat" },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f) => f.field).join()).toContain("email");
    const changed = await admin.patch<{ email: string | null }>(
      `/api/v1/users/${created.body.id}`,
      { email: "kabid.rehsos@dinsos.example.go.id" },
    );
    expect(changed.body.email).toBe("kabid.rehsos@dinsos.example.go.id");
    const list = await admin.get<{ data: { username: string; email: string | null }[] }>(
      "/api/v1/users",
    );
    expect(list.body.data.find((u) => u.username === "pen.email")?.email).toBe(
      "kabid.rehsos@dinsos.example.go.id",
    );
    const cleared = await admin.patch<{ email: string | null }>(
      `/api/v1/users/${created.body.id}`,
      { email: null },
    );
    expect(cleared.body.email).toBeNull();
  });

  it("the CLI's addUser applies the same rule", async () => {
    await expect(
      addUser(hub.ctx, { username: "loket2", password: "          ", role: "front_office" }),
    ).rejects.toMatchObject({ code: "PASSWORD_WEAK" });
    await expect(
      addUser(hub.ctx, { username: "loket2", password: "qwertyuiop", role: "front_office" }),
    ).rejects.toMatchObject({ code: "PASSWORD_WEAK" });
    await expect(
      addUser(hub.ctx, { username: "loket2", password: "pendek", role: "front_office" }),
    ).rejects.toMatchObject({ code: "PASSWORD_TOO_SHORT" });
    await expect(
      addUser(hub.ctx, { username: "loket2", password: PASSWORD, role: "front_office" }),
    ).resolves.toMatchObject({ username: "loket2" });
  });
});

describe("login throttling", () => {
  beforeEach(async () => {
    await addUser(hub.ctx, { username: "kadis", password: PASSWORD, role: "kadis" });
  });

  it("slows the attacker's address with a growing delay while the owner logs in from elsewhere", async () => {
    for (let i = 0; i < MAX; i++) {
      const r = await loginFrom(ATTACKER, "kadis", "tebak-tebak-" + i);
      expect(r.status).toBe(401);
    }
    const slowed = await loginFrom(ATTACKER, "kadis", "tebak-lagi");
    expect(slowed.status).toBe(429);
    expect(slowed.code).toBe("RATE_LIMITED");
    expect(Number(slowed.retryAfter)).toBe(2);
    // Even the right password waits on that address (no oracle), but not on the owner's.
    expect((await loginFrom(ATTACKER, "kadis", PASSWORD)).status).toBe(429);
    expect((await loginFrom(OWNER, "kadis", PASSWORD)).status).toBe(200);
    // Refused attempts do not count: the wait doubles only per real failure: 2, 4, 8, 8 (cap).
    const waits: number[] = [];
    let wait = 2;
    for (let i = 0; i < 4; i++) {
      skew += wait * 1000;
      expect((await loginFrom(ATTACKER, "kadis", "tebak-" + i)).status).toBe(401);
      const r = await loginFrom(ATTACKER, "kadis", "tebak-x");
      expect(r.status).toBe(429);
      wait = Number(r.retryAfter);
      waits.push(wait);
    }
    expect(waits).toEqual([4, 8, CAP, CAP]);
    expect((await loginFrom(OWNER, "kadis", PASSWORD)).status).toBe(200);
    // Once the wait is over the owner may even log in from the attacker's address.
    skew += CAP * 1000;
    expect((await loginFrom(ATTACKER, "kadis", PASSWORD)).status).toBe(200);
  });

  it("a burst of parallel guesses cannot slip under the threshold", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => loginFrom(ATTACKER, "kadis", "paralel-" + i)),
    );
    const guessed = answers.filter((a) => a.status === 401).length;
    expect(guessed).toBeLessThanOrEqual(MAX + 2);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(20 - MAX - 2);
    expect((await loginFrom(OWNER, "kadis", PASSWORD)).status).toBe(200);
  });

  it("slows an address spraying many usernames, not other addresses", async () => {
    for (let i = 0; i < MAX * 4; i++) {
      expect((await loginFrom(ATTACKER, `user${i}`, "kata-sandi-semprot")).status).toBe(401);
    }
    const r = await loginFrom(ATTACKER, "kadis", "kata-sandi-semprot");
    expect(r.status).toBe(429);
    expect((await loginFrom(OWNER, "kadis", PASSWORD)).status).toBe(200);
  });

  it("a distributed attack on one username only slows unknown addresses, briefly", async () => {
    // The owner has logged in from the office before.
    expect((await loginFrom(OWNER, "kadis", PASSWORD)).status).toBe(200);
    for (let i = 0; i < MAX * 10; i++) {
      expect((await loginFrom(`192.0.2.${i + 1}`, "kadis", "tebakan-tersebar")).status).toBe(401);
    }
    const unknown = await loginFrom("192.0.2.200", "kadis", PASSWORD);
    expect(unknown.status).toBe(429);
    expect(Number(unknown.retryAfter)).toBeLessThanOrEqual(60);
    expect((await loginFrom(OWNER, "kadis", PASSWORD)).status).toBe(200);
  });

  it("an admin unlocks a throttled account (audited); other roles may not", async () => {
    const kadis = await hub.ctx.db.prisma.user.findUniqueOrThrow({ where: { username: "kadis" } });
    for (let i = 0; i < MAX; i++) await loginFrom(ATTACKER, "kadis", "salah-" + i);
    expect((await loginFrom(ATTACKER, "kadis", PASSWORD)).status).toBe(429);
    const fo = apiClient(hub, (await userWithToken(hub, "fo.budi", "front_office")).token);
    expect((await fo.post(`/api/v1/users/${kadis.id}/unlock`)).status).toBe(403);
    const res = await admin.post<{ userId: string; cleared: number }>(
      `/api/v1/users/${kadis.id}/unlock`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId: kadis.id, cleared: MAX });
    expect((await loginFrom(ATTACKER, "kadis", PASSWORD)).status).toBe(200);
    const audit = await hub.ctx.db.prisma.auditLog.findMany({ where: { action: "user.unlock" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).toBe(adminId);
    expect(
      (await admin.post(`/api/v1/users/00000000-0000-4000-8000-000000000000/unlock`)).status,
    ).toBe(404);
  });
});

describe("responses and input bounds", () => {
  it("every API JSON answer carries Cache-Control: no-store", async () => {
    const anon = apiClient(hub);
    for (const r of [
      await admin.get("/api/v1/auth/me"),
      await admin.get("/api/v1/users"),
      await anon.get("/api/v1/cases"),
      await admin.get("/api/v1/tidak-ada"),
      await anon.post("/api/v1/auth/login", { username: "x", password: "y" }),
      await anon.get("/api/v1/health/live"),
    ]) {
      expect(r.headers.get("content-type")).toContain("application/json");
      expect(r.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("receivedAt may not precede the office's start nor lie in the future", async () => {
    const fo = apiClient(hub, (await userWithToken(hub, "fo.rina", "front_office")).token);
    const intake = (receivedAt: string) => ({
      channel: "datang_langsung",
      pelapor: { name: "Rahmadi" },
      keperluan: "Mohon bantuan sosial",
      receivedAt,
    });
    for (const bad of [
      "1900-01-01T00:00:00Z",
      "2022-12-31T15:59:59Z", // 23:59:59 WITA, the day before ADUAN_OFFICE_START
      new Date(Date.now() + 3600_000).toISOString(),
    ]) {
      const r = await fo.post<{ fields: { field: string }[] }>("/api/v1/cases", intake(bad));
      expect(r.status, bad).toBe(400);
      expect(r.body.fields.map((f) => f.field)).toEqual(["body.receivedAt"]);
    }
    expect(await hub.ctx.db.prisma.case.count()).toBe(0);
    const first = await fo.post("/api/v1/cases", intake("2022-12-31T16:00:00Z")); // 1 Jan WITA
    expect(first.status).toBe(201);
  });

  it("a malformed cursor answers 400 CURSOR_INVALID on query.cursor, not 500", async () => {
    const ko = apiClient(hub, (await userWithToken(hub, "ko.budi", "koordinator")).token);
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const uuid = "0b7c4a52-2f53-4a53-9d5e-0d1f8f9f3c11";
    for (const cursor of [
      enc(["2023-01-01T00:00:00.000Z", "-".repeat(36)]),
      enc([-8_000_000_000_000_000, uuid]),
      enc(["-200000-01-01T00:00:00.000Z", uuid]),
      enc({ r: 1 }),
      "%%%",
    ]) {
      const r = await ko.get<{ code: string; fields: { field: string }[] }>(
        `/api/v1/cases?cursor=${encodeURIComponent(cursor)}`,
      );
      expect(r.status, cursor).toBe(400);
      expect(r.body.code).toBe("CURSOR_INVALID");
      expect(r.body.fields[0]!.field).toBe("query.cursor");
    }
    const audit = await admin.get<{ code: string }>(
      `/api/v1/audit?cursor=${Buffer.from("9999999999999999999").toString("base64url")}`,
    );
    expect(audit.status).toBe(400);
    expect(audit.body.code).toBe("CURSOR_INVALID");
  });
});

describe("Secure cookies under NODE_ENV=production", () => {
  it("sets Secure by default in production, and ADUAN_COOKIE_SECURE=false still turns it off", async () => {
    for (const [username, env, secure] of [
      ["kd.prod1", { NODE_ENV: "production" }, true],
      ["kd.prod2", { NODE_ENV: "production", ADUAN_COOKIE_SECURE: "false" }, false],
      ["kd.dev", { NODE_ENV: "development" }, false],
    ] as const) {
      const prod = await startTestHub({ name: "accounts-prod", env });
      try {
        await addUser(prod.ctx, { username, password: PASSWORD, role: "kadis" });
        const res = await fetch(`${prod.url}/api/v1/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username, password: PASSWORD }),
        });
        expect(res.status).toBe(200);
        const cookies = res.headers.getSetCookie();
        expect(cookies.length).toBe(2);
        for (const c of cookies) expect(/;\s*Secure/i.test(c), `${username}: ${c}`).toBe(secure);
      } finally {
        await prod.close();
      }
    }
  });
});
