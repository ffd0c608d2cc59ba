// One source for every enum (issue 14, item 4): the closed vocabularies live in src/domain;
// openapi/hub.yaml declares each once, as a component schema equal to the domain constant,
// and every other use is a $ref. Enumerated from both sides: every domain list against its
// schema, every `enum:` of the spec against every domain list, every source file against
// every domain list.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BIDANG,
  BIDANG_CODES,
  CHANNEL_LABELS,
  CHANNELS,
  INTAKE_CHANNELS,
  ROLE_LABELS,
  ROLES,
} from "../../../src/domain/roles.js";
import { CASE_STATUSES, FINAL_STATUSES, STATUS_LABELS } from "../../../src/domain/workflow.js";
import { MEDIA } from "../../../src/domain/legacy/legacy-case.js";
import { PROGRAMMES, STATUS_SEEN } from "../../../src/domain/reason-codes.js";
import { apiSpec } from "../../../src/http/spec.js";
import { fromRoot } from "../../../src/util/package-root.js";

/** Spec component schema → the src/domain constant it must equal. */
const SCHEMA_OF: Record<string, readonly string[]> = {
  Role: ROLES,
  Bidang: BIDANG_CODES,
  Channel: CHANNELS,
  IntakeChannel: INTAKE_CHANNELS,
  CaseStatus: CASE_STATUSES,
  Media: MEDIA,
  Programme: PROGRAMMES,
  StatusSeen: STATUS_SEEN,
};
/** Every domain list a copy of which is forbidden elsewhere. */
const DOMAIN_LISTS: Record<string, readonly string[]> = {
  ...SCHEMA_OF,
  FINAL_STATUSES,
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const spec = apiSpec() as { components: { schemas: Record<string, Record<string, Json>> } };
const schemas = spec.components.schemas;

function sameSet(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && new Set(a).size === new Set([...a, ...b]).size;
}

/** Every `enum` array in the spec with the JSON path where it sits. */
function specEnums(node: Json, path: string, out: { path: string; values: Json[] }[]) {
  if (Array.isArray(node)) node.forEach((n, i) => specEnums(n, `${path}/${i}`, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "enum" && Array.isArray(v)) out.push({ path, values: v });
      else specEnums(v, `${path}/${k}`, out);
    }
  }
  return out;
}

describe("openapi/hub.yaml enums come from src/domain", () => {
  it.each(Object.entries(SCHEMA_OF))("components/schemas/%s equals the domain list", (n, list) => {
    const s = schemas[n];
    expect(s, `schema ${n} missing`).toBeDefined();
    expect(s?.type).toBe("string");
    expect(s?.enum).toEqual([...list]);
  });

  it("no other enum in the spec repeats (all or part of) a domain list", () => {
    const all = specEnums(spec as unknown as Json, "#", []);
    const own = new Set(Object.keys(SCHEMA_OF).map((n) => `#/components/schemas/${n}`));
    const offenders: string[] = [];
    for (const { path, values } of all) {
      if (own.has(path)) continue;
      const strings = values.filter((v): v is string => typeof v === "string");
      if (strings.length < 2) continue;
      for (const [name, list] of Object.entries(DOMAIN_LISTS)) {
        // A subset of two or more members is a partial copy (e.g. bidang without one code).
        if (strings.every((v) => list.includes(v))) offenders.push(`${path} copies ${name}`);
      }
    }
    expect(all.length).toBeGreaterThan(Object.keys(SCHEMA_OF).length);
    expect(offenders).toEqual([]);
  });

  it("a nullable bidang is the Bidang schema or null, not a second list", () => {
    expect(schemas.NullableBidang?.anyOf).toEqual([
      { $ref: "#/components/schemas/Bidang" },
      { $ref: "#/components/schemas/NullValue" },
    ]);
    expect(schemas.NullValue?.enum).toEqual([null]);
  });
});

describe("domain lists and their labels", () => {
  it("final statuses and intake channels are members of their full lists", () => {
    for (const s of FINAL_STATUSES) expect(CASE_STATUSES).toContain(s);
    for (const c of INTAKE_CHANNELS) expect(CHANNELS).toContain(c);
  });

  it.each([
    ["ROLE_LABELS", ROLE_LABELS, ROLES],
    ["BIDANG", BIDANG, BIDANG_CODES],
    ["CHANNEL_LABELS", CHANNEL_LABELS, CHANNELS],
    ["STATUS_LABELS", STATUS_LABELS, CASE_STATUSES],
  ] as const)("%s labels every member, in Indonesian, and nothing else", (_n, labels, list) => {
    expect(Object.keys(labels)).toEqual([...list]);
    for (const label of Object.values(labels)) expect(label.trim()).not.toBe("");
  });
});

describe("no source file outside src/domain writes a domain list out", () => {
  const roots = ["src", "adapters"];
  const skip = [join("src", "domain"), join("src", "generated")];
  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) return skip.includes(relative(fromRoot(), p)) ? [] : files(p);
      return /\.(ts|js|mjs)$/.test(f) ? [p] : [];
    });
  }
  const sources = roots.flatMap((r) => files(fromRoot(r)));

  it("scans the server, the adapters and the console", () => {
    expect(sources.some((f) => f.includes(join("src", "web", "static")))).toBe(true);
    expect(sources.some((f) => f.includes("adapters"))).toBe(true);
  });

  it.each(Object.entries(DOMAIN_LISTS))("%s is not copied as a literal list", (name, list) => {
    const offenders: string[] = [];
    for (const file of sources) {
      const text = readFileSync(file, "utf8");
      // Array literals and SQL IN lists: the quoted strings between one pair of brackets.
      for (const m of text.matchAll(/[[(]([^[\]()]*)[\])]/g)) {
        const quoted = [...(m[1] ?? "").matchAll(/["'`]([a-zA-Z_]+)["'`]/g)].map((q) => q[1]);
        if (quoted.length >= 2 && sameSet(quoted, list))
          offenders.push(`${relative(fromRoot(), file)}: ${m[0].replace(/\s+/g, " ")}`);
      }
    }
    expect(offenders, `${name} written out instead of imported`).toEqual([]);
  });

  // The console takes its labels from the API: no code → label map of its own either.
  it.each(Object.entries(DOMAIN_LISTS))("the console keeps no %s label map", (name, list) => {
    const offenders: string[] = [];
    for (const file of sources.filter((f) => f.includes(join("src", "web", "static")))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\{([^{}]*)\}/g)) {
        const keys = [...(m[1] ?? "").matchAll(/(?:^|[,{\s])["']?([a-zA-Z_]+)["']?\s*:/g)].map(
          (k) => k[1],
        );
        if (keys.length >= 2 && sameSet(keys, list))
          offenders.push(`${relative(fromRoot(), file)}: ${m[0].slice(0, 60)}…`);
      }
    }
    expect(offenders, `${name} labels copied into the console`).toEqual([]);
  });
});
