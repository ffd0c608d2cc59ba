import { describe, expect, it } from "vitest";
import { apiSpec } from "../../../src/http/spec.js";
import { compileAccessRules } from "../../../src/http/access.middleware.js";

describe("access rules from openapi/hub.yaml", () => {
  const rules = compileAccessRules(apiSpec());
  const find = (method: string, path: string) =>
    rules.find((r) => r.method === method && r.pattern.test(path));
  it("makes health, the spec and login public and everything else private", () => {
    expect(find("GET", "/api/v1/health")?.public).toBe(true);
    expect(find("GET", "/api/v1/openapi.json")?.public).toBe(true);
    expect(find("POST", "/api/v1/auth/login")?.public).toBe(true);
    const privateOps = rules.filter((r) => !r.public);
    expect(privateOps.length).toBeGreaterThan(3);
  });
  it("reads x-roles", () => {
    expect(find("POST", "/api/v1/cases")?.roles).toEqual(["front_office", "koordinator"]);
    expect(find("GET", "/api/v1/cases/0b6f4c4e-0000-4000-8000-000000000000")?.roles).toBeNull();
  });
  it("refuses an unknown role in the spec", () => {
    expect(() =>
      compileAccessRules({ paths: { "/x": { get: { "x-roles": ["superuser"] } } } }),
    ).toThrow(/superuser/);
  });
});
