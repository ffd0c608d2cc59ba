import { describe, expect, it } from "vitest";
import { nodeSupport } from "../../../src/config/node-support.js";
import pkg from "../../../package.json" with { type: "json" };

const at = (d: string) => new Date(`${d}T12:00:00Z`);

describe("supported Node releases", () => {
  it("flags Node 20 after its end of life, not before", () => {
    expect(nodeSupport("v20.20.2", at("2026-04-30")).ok).toBe(true);
    expect(nodeSupport("v20.20.2", at("2026-05-01"))).toEqual({
      ok: false,
      major: 20,
      reason: "end_of_life",
      since: "2026-04-30",
    });
  });
  it("accepts Node 22 and 24 today, refuses odd and old releases", () => {
    expect(nodeSupport("v22.12.0", at("2026-12-06")).ok).toBe(true);
    expect(nodeSupport("v24.22.3", at("2026-12-06")).ok).toBe(true);
    expect(nodeSupport("v23.1.0", at("2026-12-06")).ok).toBe(false);
    expect(nodeSupport("v18.20.0", at("2026-12-06")).ok).toBe(false);
    expect(nodeSupport("v26.1.0", at("2026-12-06")).ok).toBe(true);
  });
  it("matches package.json engines", () => {
    expect(pkg.engines.node).toBe("^20.19 || ^22.12 || >=24");
  });
});
