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
beforeAll(async () => {
  hub = await startTestHub({ name: "auth", env: { ADUAN_LOGIN_MAX_FAILURES: "3" } });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  await resetDb(hub);
});

const walkIn = {
  channel: "datang_langsung",
  pelapor: { name: "Rahmadi" },
  keperluan: "Mohon bantuan sosial",
};

describe("auth and roles", () => {
  it("logs in with a bearer token and an HttpOnly cookie, and logout revokes the session", async () => {
    await addUser(hub.ctx, { username: "fo1", password: PASSWORD, role: "front_office" });
    const res = await fetch(`${hub.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "FO1", password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; user: { role: string } };
    expect(body.user.role).toBe("front_office");
    const cookies = res.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith("aduan_session="))).toMatch(/HttpOnly/i);
    const api = apiClient(hub, body.token);
    expect((await api.get("/api/v1/auth/me")).status).toBe(200);
    expect((await api.post("/api/v1/auth/logout")).status).toBe(204);
    const after = await api.get("/api/v1/auth/me");
    expect(after.status).toBe(401);
    expect(after.body.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a wrong password, then throttles", async () => {
    await addUser(hub.ctx, { username: "kadis", password: PASSWORD, role: "kadis" });
    const anon = apiClient(hub);
    for (let i = 0; i < 3; i++) {
      const r = await anon.post("/api/v1/auth/login", {
        username: "kadis",
        password: "salah-sekali",
      });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe("INVALID_CREDENTIALS");
    }
    const blocked = await anon.post("/api/v1/auth/login", {
      username: "kadis",
      password: PASSWORD,
    });
    // The address that failed waits (2 s after the 3rd failure), even with the right password.
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe("RATE_LIMITED");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("answers 401 without a token and 403 with the wrong role, before validating the body", async () => {
    const anon = apiClient(hub);
    expect((await anon.get("/api/v1/cases")).status).toBe(401);
    expect((await anon.post("/api/v1/cases", {})).status).toBe(401);
    expect((await anon.get("/api/v1/cases/00000000-0000-4000-8000-000000000000")).status).toBe(401);
    const admin = apiClient(hub, (await userWithToken(hub, "adm", "admin")).token);
    const forbidden = await admin.post("/api/v1/cases", {});
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe("FORBIDDEN");
    expect(forbidden.body.allowed).toEqual(["front_office", "koordinator"]);
    const penelaah = apiClient(
      hub,
      (await userWithToken(hub, "pen", "penelaah", "LINJAMSOS")).token,
    );
    expect((await penelaah.post("/api/v1/cases", walkIn)).status).toBe(403);
    expect((await penelaah.get("/api/v1/cases")).status).toBe(200);
    expect(await hub.ctx.db.prisma.case.count()).toBe(0);
  });

  it("requires the CSRF header on cookie-authenticated writes", async () => {
    await addUser(hub.ctx, { username: "fo2", password: PASSWORD, role: "front_office" });
    const res = await fetch(`${hub.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "fo2", password: PASSWORD }),
    });
    const jar = res.headers.getSetCookie().map((c) => c.split(";")[0]!);
    const csrf = jar.find((c) => c.startsWith("aduan_csrf="))!.split("=")[1]!;
    const cookie = jar.join("; ");
    const post = (headers: Record<string, string>) =>
      fetch(`${hub.url}/api/v1/cases`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, ...headers },
        body: JSON.stringify(walkIn),
      });
    const without = await post({});
    expect(without.status).toBe(403);
    expect(((await without.json()) as { code: string }).code).toBe("CSRF_TOKEN_INVALID");
    expect((await post({ "x-csrf-token": csrf })).status).toBe(201);
    const read = await fetch(`${hub.url}/api/v1/cases`, { headers: { cookie } });
    expect(read.status).toBe(200);
  });

  it("rejects a bad user definition with the field named", async () => {
    await expect(
      addUser(hub.ctx, { username: "pen1", password: PASSWORD, role: "penelaah" }),
    ).rejects.toMatchObject({
      code: "BIDANG_REQUIRED",
    });
    await expect(
      addUser(hub.ctx, { username: "pen2", password: PASSWORD, role: "boss" }),
    ).rejects.toMatchObject({
      code: "ROLE_UNKNOWN",
    });
    await expect(
      addUser(hub.ctx, { username: "pen3", password: "pendek", role: "admin" }),
    ).rejects.toMatchObject({
      code: "PASSWORD_TOO_SHORT",
    });
  });
});
