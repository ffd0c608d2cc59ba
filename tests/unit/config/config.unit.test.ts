import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../src/config/config.js";

describe("config", () => {
  it("defaults to the embedded database on port 3000", () => {
    const c = parseConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.ADUAN_DATA_DIR).toBe("./data");
  });
  it("names every bad variable", () => {
    try {
      parseConfig({ PORT: "http", DATABASE_URL: "mysql://x", ADUAN_ENCRYPTION_KEY: "short" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const vars = (e as ConfigError).issues.map((i) => i.variable).sort();
      expect(vars).toEqual(["ADUAN_ENCRYPTION_KEY", "DATABASE_URL", "PORT"]);
      expect((e as Error).message).toContain("DATABASE_URL: must be a postgresql:// URL");
    }
  });
  it("parses the old-key ring as JSON", () => {
    const k = Buffer.alloc(32, 1).toString("base64");
    expect(
      parseConfig({ ADUAN_ENCRYPTION_OLD_KEYS: JSON.stringify({ k0: k }) })
        .ADUAN_ENCRYPTION_OLD_KEYS,
    ).toEqual({ k0: k });
    expect(() => parseConfig({ ADUAN_ENCRYPTION_OLD_KEYS: "{nope" })).toThrow(
      /ADUAN_ENCRYPTION_OLD_KEYS/,
    );
  });
  it("sets Secure cookies by default under NODE_ENV=production only, overridable", () => {
    expect(parseConfig({}).ADUAN_COOKIE_SECURE).toBe(false);
    expect(parseConfig({ NODE_ENV: "production" }).ADUAN_COOKIE_SECURE).toBe(true);
    expect(
      parseConfig({ NODE_ENV: "production", ADUAN_COOKIE_SECURE: "false" }).ADUAN_COOKIE_SECURE,
    ).toBe(false);
    expect(parseConfig({ ADUAN_COOKIE_SECURE: "true" }).ADUAN_COOKIE_SECURE).toBe(true);
  });
  it("takes the office start as a date, defaulting to 2023-01-01", () => {
    expect(parseConfig({}).ADUAN_OFFICE_START).toBe("2023-01-01");
    expect(() => parseConfig({ ADUAN_OFFICE_START: "2023-13-01" })).toThrow(/ADUAN_OFFICE_START/);
  });
  it("takes any non-empty report place, trimmed, defaulting to Tabalong", () => {
    expect(parseConfig({}).ADUAN_REPORT_PLACE).toBe("Tabalong");
    expect(parseConfig({ ADUAN_REPORT_PLACE: "Tanjung" }).ADUAN_REPORT_PLACE).toBe("Tanjung");
    expect(parseConfig({ ADUAN_REPORT_PLACE: "  Tanjung  " }).ADUAN_REPORT_PLACE).toBe("Tanjung");
    expect(() => parseConfig({ ADUAN_REPORT_PLACE: "   " })).toThrow(/ADUAN_REPORT_PLACE/);
  });
  it("takes recap targets that each name an office code, and says which entry is wrong", () => {
    const target = (instansiKode: string) => ({
      name: `t-${instansiKode.length}`,
      baseUrl: "http://rekap.test",
      key: "12345678",
      instansiKode,
    });
    const ok = parseConfig({
      REKAP_TARGETS: JSON.stringify([target("6309-DINSOS"), target("6311-DINSOSPPPA")]),
    }).REKAP_TARGETS;
    expect(ok.map((t) => t.instansiKode)).toEqual(["6309-DINSOS", "6311-DINSOSPPPA"]);
    for (const bad of ["P", "", "6309", " 6309-DINSOS", "6309-dinsos"]) {
      expect(
        () => parseConfig({ REKAP_TARGETS: JSON.stringify([target(bad)]) }),
        JSON.stringify(bad),
      ).toThrow(/REKAP_TARGETS: .*instansiKode.*office code like 6309-DINSOS/);
    }
  });
});
