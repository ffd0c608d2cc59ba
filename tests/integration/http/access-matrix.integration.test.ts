// Access by enumeration (issue 13): every operation of openapi/hub.yaml, called as anonymous,
// as each role, as a penelaah of another bidang and as users of another office, through every
// spelling of its path. Expectations come from the spec (security, x-roles, case scope), never
// from a list typed here; every refused call is checked to have written nothing.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../../src/domain/roles.js";
import { compileOperations, type Operation } from "../../../src/http/operations.js";
import { registeredOperations } from "../../../src/http/gate.js";
import { apiSpec } from "../../../src/http/spec.js";
import { addUser } from "../../../src/services/auth.service.js";
import { spellings } from "../../helpers/spellings.js";
import { PASSWORD, resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";

const OFFICE_A = "6309-DINSOS";
const OFFICE_B = "6310-DINSOS";
const ops = compileOperations(apiSpec());

type Who = {
  name: string;
  role: Role | null;
  instansi: string;
  bidang?: string;
  token?: string;
};

let hub: TestHub;
const people: Who[] = [];
const ids: Record<string, string> = {};

function raw(
  method: string,
  path: string,
  token?: string,
  body?: string,
): Promise<{ status: number; code: string | undefined }> {
  const url = new URL(hub.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path, // sent exactly as written: no URL normalisation on the way
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          let code: string | undefined;
          try {
            code = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { code?: string }).code;
          } catch {
            code = undefined;
          }
          resolve({ status: res.statusCode ?? 0, code });
        });
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function login(username: string): Promise<string> {
  const r = await fetch(`${hub.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status}`);
  return ((await r.json()) as { token: string }).token;
}

// Everything a refused request could have changed: row count and content of every table
// except the session bookkeeping of the callers themselves.
async function fingerprint(): Promise<string> {
  const tables = await hub.ctx.db.sql.query<{ t: string }>(
    `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'
      AND tablename NOT IN ('_prisma_migrations', 'Session') ORDER BY 1`,
  );
  const parts = tables.map(
    (r) =>
      `SELECT '${r.t}' AS t, count(*)::text AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${r.t}" x`,
  );
  const rows = await hub.ctx.db.sql.query<{ t: string; n: string; h: string }>(
    parts.join(" UNION ALL "),
  );
  return rows.map((r) => `${r.t}:${r.n}:${r.h}`).join("\n");
}

function pathFor(op: Operation): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    if (name === "id") {
      if (op.path.startsWith("/api/v1/cases/")) return ids.case!;
      if (op.path.startsWith("/api/v1/users/")) return ids.user!;
      if (op.path.startsWith("/api/v1/pdp/requests/")) return ids.pdp!;
      if (op.path.startsWith("/api/v1/reports/")) return ids.report!;
      return "0b6f4c4e-0000-4000-8000-000000000000";
    }
    if (name === "partyId") return ids.party!;
    if (name === "date") return "2026-01-02";
    if (name === "stream") return "lapor";
    if (name === "number") return ids.number!;
    if (name === "code") return "PKH";
    return "0b6f4c4e-0000-4000-8000-000000000001";
  });
}

const bodyFor = (op: Operation) => (op.method === "GET" ? undefined : "{}");

beforeAll(async () => {
  hub = await startTestHub({ name: "access-matrix" });
  await resetDb(hub);
  const add = async (w: Who) => {
    if (!w.role) return people.push(w);
    const u = await addUser(hub.ctx, {
      username: w.name,
      password: PASSWORD,
      role: w.role,
      bidang: w.role === "penelaah" ? (w.bidang ?? "LINJAMSOS") : undefined,
      instansi: w.instansi,
    });
    w.token = await login(w.name);
    if (w.name === "a-front_office") ids.user = u.id;
    people.push(w);
  };
  await add({ name: "anonymous", role: null, instansi: OFFICE_A });
  for (const role of ROLES) await add({ name: `a-${role}`, role, instansi: OFFICE_A });
  await add({ name: "a-penelaah-rehsos", role: "penelaah", instansi: OFFICE_A, bidang: "REHSOS" });
  for (const role of ROLES) await add({ name: `b-${role}`, role, instansi: OFFICE_B });

  // One case of office A, disposed to LINJAMSOS, with its pelapor.
  const fo = people.find((p) => p.name === "a-front_office")!;
  const res = await fetch(`${hub.url}/api/v1/cases`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${fo.token}` },
    body: JSON.stringify({
      channel: "datang_langsung",
      pelapor: { name: "Hatmiati", phone: "0858-4524-0653", nik: "6309014107800001" },
      keperluan: "Ingin mengaktifkan BPJS atas nama anak",
    }),
  });
  expect(res.status).toBe(201);
  const created = (await res.json()) as { id: string; number: string; parties: { id: string }[] };
  ids.case = created.id;
  ids.number = created.number;
  ids.party = created.parties[0]!.id;
  await hub.ctx.db.sql.query(
    `UPDATE "Case" SET bidang = 'LINJAMSOS', status = 'didisposisi' WHERE id = $1`,
    [created.id],
  );
  // A subject request and an issued report of office A, behind ids that are not a case's.
  const pdp = await fetch(`${hub.url}/api/v1/pdp/requests`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${fo.token}` },
    body: JSON.stringify({ kind: "access", nik: "6309014107800001", note: "minta salinan" }),
  });
  expect(pdp.status).toBe(201);
  ids.pdp = ((await pdp.json()) as { id: string }).id;
  const month = new Date().toISOString().slice(0, 7);
  const report = await fetch(`${hub.url}/api/v1/reports/monthly?month=${month}&format=csv`, {
    headers: { authorization: `Bearer ${fo.token}` },
  });
  expect(report.status).toBe(200);
  const row = await hub.ctx.db.sql.query<{ id: string }>(`SELECT id::text AS id FROM "Report"`);
  ids.report = row[0]!.id;
});

// Operations whose {id} is one of office A's own records (not a case): another office
// must get 404 for each, exactly as for a case.
const OFFICE_RECORD = /^\/api\/v1\/(users|pdp\/requests|reports)\/\{id\}/;

afterAll(async () => {
  await hub?.close();
});

describe("every spec operation has exactly one handler", () => {
  it("registers a handler for each operationId and for nothing else", () => {
    const registered = [...registeredOperations()].sort();
    expect(registered).toEqual(ops.all.map((o) => o.id).sort());
  });
});

describe.each(ops.all.map((o) => [`${o.method} ${o.path} (${o.id})`, o] as const))(
  "%s",
  (_name, op) => {
    it("answers 404 to every other spelling of its path, for everyone, writing nothing", async () => {
      const canonical = pathFor(op);
      const before = await fingerprint();
      const variants = spellings(op.path, canonical).filter(
        // A respelt literal that is another operation's parameter value belongs to that one.
        (s) => !ops.match(op.method, s.path).op,
      );
      expect(variants.length).toBeGreaterThan(5);
      for (const who of people) {
        for (const s of variants) {
          const r = await raw(op.method, s.path, who.token, bodyFor(op));
          expect([404, 405], `${who.name} ${s.name} ${s.path} → ${r.status}`).toContain(r.status);
        }
      }
      expect(await fingerprint()).toBe(before);
    });

    it("refuses whoever the spec does not allow, writing nothing", async () => {
      const path = pathFor(op);
      const before = await fingerprint();
      const refused = people.filter(
        (who) =>
          !op.public &&
          (!who.role ||
            (op.roles && !op.roles.includes(who.role)) ||
            (op.caseScoped &&
              (who.instansi !== OFFICE_A || (who.bidang === "REHSOS" && op.method !== "GET")))),
      );
      for (const who of refused) {
        const r = await raw(op.method, path, who.token, bodyFor(op));
        const label = `${who.name} → ${r.status} ${r.code ?? ""}`;
        if (!who.role) {
          expect([r.status, r.code], label).toEqual([401, "UNAUTHENTICATED"]);
          continue;
        }
        if (op.roles && !op.roles.includes(who.role)) {
          expect([r.status, r.code], label).toEqual([403, "FORBIDDEN"]);
          continue;
        }
        if ((op.caseScoped || OFFICE_RECORD.test(op.path)) && who.instansi !== OFFICE_A) {
          expect([r.status, r.code], label).toEqual([404, "NOT_FOUND"]);
          continue;
        }
        expect([r.status, r.code], label).toEqual([403, "BIDANG_FORBIDDEN"]);
      }
      expect(await fingerprint()).toBe(before);
    });

    it("lets every allowed caller through to the operation", async () => {
      const path = pathFor(op);
      for (const who of people) {
        if (op.public) {
          if (op.id === "logout") continue;
          const r = await raw(op.method, path, who.token, bodyFor(op));
          expect(r.status, `${who.name} → ${r.status}`).not.toBe(401);
          expect(r.status, `${who.name} → ${r.status}`).toBeLessThan(500);
          continue;
        }
        if (!who.role || who.instansi !== OFFICE_A) continue;
        if (who.bidang === "REHSOS" && op.caseScoped && op.method !== "GET") continue;
        if (op.roles && !op.roles.includes(who.role)) continue;
        const token = op.id === "logout" ? await login(who.name) : who.token;
        const r = await raw(op.method, path, token, bodyFor(op));
        const label = `${who.name} → ${r.status} ${r.code ?? ""}`;
        expect(r.status, label).not.toBe(401);
        expect(r.code, label).not.toBe("FORBIDDEN");
        expect(r.code, label).not.toBe("BIDANG_FORBIDDEN");
        // A stream this hub has no settings for answers 503 CHANNEL_NOT_CONFIGURED, as its
        // webhook does (one status per code): the caller got through to the operation.
        if (r.code !== "CHANNEL_NOT_CONFIGURED") expect(r.status, label).toBeLessThan(500);
        if (op.caseScoped && op.params.length === 1) expect(r.code, label).not.toBe("NOT_FOUND");
      }
    });
  },
);
