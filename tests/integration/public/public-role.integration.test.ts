// `serve --role public` (issue 18): the citizens' pages, their assets, the public API and
// the probes; every other operation of openapi/hub.yaml (enumerated from the spec, called
// with a valid admin session), the login, the console's pages and assets and the webhooks
// answer 404 and run nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_SITE_OPERATIONS } from "../../../src/http/app.js";
import { compileOperations } from "../../../src/http/operations.js";
import { apiSpec } from "../../../src/http/spec.js";
import { addUser, login } from "../../../src/services/auth.service.js";
import { PASSWORD, resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";

const ops = compileOperations(apiSpec());
const UUID = "4b1c7a1e-2f0e-4a57-9d0b-1d1c2f3e4a5b";

describe("serve --role public", () => {
  let hub: TestHub;
  let bearer: string;

  beforeAll(async () => {
    hub = await startTestHub({ name: "public-role", role: "public" });
    await resetDb(hub);
    await addUser(hub.ctx, { username: "admin.pub", password: PASSWORD, role: "admin" });
    bearer = (await login(hub.ctx, { username: "admin.pub", password: PASSWORD, ip: "127.0.0.1" }))
      .token;
  });
  afterAll(async () => {
    await hub?.close();
  });

  const staffOps = ops.all.filter((o) => !PUBLIC_SITE_OPERATIONS.has(o.id));

  it("enumerates the spec: every staff operation is listed (more than 70)", () => {
    expect(staffOps.length).toBeGreaterThan(70);
    expect(staffOps.map((o) => o.id)).toEqual(
      expect.arrayContaining(["login", "getCase", "createCase", "listUsers", "getHealth"]),
    );
  });

  it("every operation outside the public site answers 404, even with an admin session", async () => {
    const wrong: string[] = [];
    for (const op of staffOps) {
      const path = op.path.replace(/\{[^}]+\}/g, UUID);
      const res = await fetch(`${hub.url}${path}`, {
        method: op.method,
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(op.method === "GET" ? {} : { "content-type": "application/json" }),
        },
        ...(op.method === "GET" || op.method === "DELETE" ? {} : { body: "{}" }),
      });
      const body = (await res.json().catch(() => null)) as { code?: string } | null;
      if (res.status !== 404 || body?.code !== "NOT_FOUND") wrong.push(`${op.id} ${res.status}`);
    }
    expect(wrong).toEqual([]);
    // Nothing was created or read: no audit row beyond the login of the setup.
    expect(
      await hub.ctx.db.prisma.auditLog.count({
        where: { NOT: { action: { startsWith: "auth." } } },
      }),
    ).toBe(0);
  });

  it("the login, the console's pages and assets and the webhooks are not there", async () => {
    for (const path of [
      "/login",
      "/masuk",
      "/",
      "/kotak-masuk",
      "/catat",
      "/laporan",
      "/kesehatan",
      "/pengguna",
      "/katalog",
      `/kasus/${UUID}`,
      "/assets/x/app.js",
      "/webhooks/whatsapp",
      "/webhooks/meta",
      "/api/v1/openapi.json",
    ]) {
      const res = await fetch(`${hub.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toMatch(/Masuk|kotak masuk|app\.js/i);
    }
    const post = await fetch(`${hub.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin.pub", password: PASSWORD }),
    });
    expect(post.status).toBe(404);
  });

  it("serves the citizens' pages, their assets, the public API and the probes", async () => {
    const form = await fetch(`${hub.url}/pengaduan`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain("Kirim pengaduan");
    const assets = [...html.matchAll(/(?:href|src)="(\/pengaduan\/aset\/[^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(assets.length).toBe(2);
    for (const a of assets) expect((await fetch(`${hub.url}${a}`)).status).toBe(200);
    expect((await fetch(`${hub.url}/pengaduan/status`)).status).toBe(200);
    const sent = await fetch(`${hub.url}/api/v1/public/complaints`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: "Warga Uji",
        phone: "081255550202",
        desa: "Mabu'un",
        kecamatan: "Murung Pudak",
        text: "BPNT belum diterima bulan ini, mohon dicek",
      }),
    });
    expect(sent.status).toBe(201);
    const { number, lookupToken } = (await sent.json()) as { number: string; lookupToken: string };
    const st = await fetch(`${hub.url}/api/v1/public/complaints/${number}`, {
      headers: { "x-lookup-token": lookupToken },
    });
    expect(st.status).toBe(200);
    const pdf = await fetch(`${hub.url}/api/v1/public/complaints/${number}/receipt`, {
      headers: { "x-lookup-token": lookupToken },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toContain("application/pdf");
    expect((await fetch(`${hub.url}/api/v1/health/live`)).status).toBe(200);
  });
});
