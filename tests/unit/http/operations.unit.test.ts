import { describe, expect, it } from "vitest";
import { apiSpec } from "../../../src/http/spec.js";
import { compileOperations, looksLikeApi } from "../../../src/http/operations.js";
import { spellings } from "../../helpers/spellings.js";

const ops = compileOperations(apiSpec());
const sample = (path: string) =>
  path.replace(/\{[^}]+\}/g, (p) =>
    p === "{date}" ? "2026-01-02" : "0b6f4c4e-0000-4000-8000-000000000000",
  );

describe("operation table from openapi/hub.yaml", () => {
  it("has every operation once, with its access rule", () => {
    expect(ops.all.length).toBeGreaterThan(70);
    expect(ops.byId.get("getHealth")?.public).toBe(true);
    expect(ops.byId.get("login")?.public).toBe(true);
    expect(ops.byId.get("createCase")?.roles).toEqual(["front_office", "koordinator"]);
    expect(ops.byId.get("getCase")?.roles).toBeNull();
    expect(ops.byId.get("getCase")?.caseScoped).toBe(true);
    expect(ops.byId.get("createUser")?.caseScoped).toBe(false);
  });

  it.each(ops.all.map((o) => [o.id, o] as const))(
    "%s: the canonical path is this operation, every other spelling is none",
    (_id, op) => {
      const path = sample(op.path);
      const hit = ops.match(op.method, path);
      expect(hit.op?.id).toBe(op.id);
      if (op.method === "GET") expect(ops.match("HEAD", path).op?.id).toBe(op.id);
      for (const s of spellings(op.path, path)) {
        const other = ops.match(op.method, s.path);
        // A respelt literal may be another operation's parameter value: then it is that
        // operation, with that operation's rules, never this one.
        expect(other.op?.id, `${s.name}: ${s.path}`).not.toBe(op.id);
        if (other.op) expect(other.op.path).not.toBe(op.path);
        expect(looksLikeApi(s.path), `${s.name}: ${s.path}`).toBe(true);
      }
    },
  );

  it("prefers a literal segment over a parameter", () => {
    const hit = ops.match(
      "POST",
      "/api/v1/cases/0b6f4c4e-0000-4000-8000-000000000000/findings/preview",
    );
    expect(hit.op?.id).toBe("previewFinding");
  });

  it("answers method-not-allowed with the methods that exist", () => {
    const hit = ops.match("DELETE", "/api/v1/users");
    expect(hit.op).toBeNull();
    if (!hit.op) expect(hit.allow.sort()).toEqual(["GET", "POST"]);
  });

  it("does not take dot segments as parameters", () => {
    expect(ops.match("GET", "/api/v1/cases/..").op).toBeNull();
    expect(ops.match("GET", "/api/v1/cases/.").op).toBeNull();
  });

  it("tells API-looking paths from pages and webhooks", () => {
    expect(looksLikeApi("/kotak-masuk")).toBe(false);
    expect(looksLikeApi("/webhooks/whatsapp")).toBe(false);
    expect(looksLikeApi("/assets/abc/app.js")).toBe(false);
    expect(looksLikeApi("/x/../API/v1/users")).toBe(true);
    expect(looksLikeApi("/%2561pi/v1/users")).toBe(true);
  });

  it("refuses a spec with an unknown role, a duplicate operationId or a public op with roles", () => {
    expect(() =>
      compileOperations({
        paths: { "/x": { get: { operationId: "x", "x-roles": ["superuser"] } } },
      }),
    ).toThrow(/superuser/);
    expect(() =>
      compileOperations({
        paths: { "/x": { get: { operationId: "x" } }, "/y": { get: { operationId: "x" } } },
      }),
    ).toThrow(/twice/);
    expect(() =>
      compileOperations({
        paths: { "/x": { get: { operationId: "x", security: [], "x-roles": ["admin"] } } },
      }),
    ).toThrow(/public/);
  });
});
