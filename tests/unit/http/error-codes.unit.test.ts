// The error-code registry (src/domain/errors.ts) is the one source: every code has a status
// in the middleware's map and is in the spec's ErrorCode enum, and vice versa; every code
// the source text raises, the spec documents with a status, the console checks or a test
// expects from an HTTP answer is in it; and nothing below src/http imports src/http.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  DomainError,
  ERROR_CODES,
  ERROR_CODE_LIST,
  isErrorCode,
  notFound,
  validationFailed,
} from "../../../src/domain/errors.js";
import { STATUS_BY_CODE } from "../../../src/http/errors.js";

const ROOT = resolve(import.meta.dirname, "../../..");

function walk(dir: string, exts: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, name);
    if (name === "node_modules" || rel === join("src", "generated")) continue;
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...walk(rel, exts));
    else if (exts.some((e) => name.endsWith(e))) out.push(rel);
  }
  return out;
}
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

type Spec = {
  components: {
    schemas: Record<string, { enum?: string[]; properties?: Record<string, { $ref?: string }> }>;
  };
};
const spec = parseYaml(read("openapi/hub.yaml")) as Spec;

describe("the error-code registry", () => {
  it("has a description for every code", () => {
    expect(ERROR_CODE_LIST.length).toBeGreaterThan(50);
    for (const code of ERROR_CODE_LIST) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(ERROR_CODES[code].length, code).toBeGreaterThan(10);
    }
  });

  it("gives every code an HTTP error status in the middleware, and the map has no other code", () => {
    expect(sorted(Object.keys(STATUS_BY_CODE))).toEqual(sorted(ERROR_CODE_LIST));
    for (const code of ERROR_CODE_LIST) {
      const status = STATUS_BY_CODE[code];
      expect(Number.isInteger(status) && status >= 400 && status <= 599, code).toBe(true);
    }
  });

  it("is exactly the spec's ErrorCode enum, which the Error schema's code refers to", () => {
    const schemas = spec.components.schemas;
    expect(schemas.Error?.properties?.code?.$ref).toBe("#/components/schemas/ErrorCode");
    const specCodes = schemas.ErrorCode?.enum ?? [];
    expect(specCodes.length).toBe(new Set(specCodes).size);
    expect(sorted(specCodes)).toEqual(sorted(ERROR_CODE_LIST));
  });

  it("agrees with every status the spec's descriptions give a code (→ 422 CODE)", () => {
    const text = read("openapi/hub.yaml");
    const documented = [...text.matchAll(/→\s*(\d{3})\s+`?([A-Z][A-Z0-9_]{2,})\b/g)].map(
      (m) => [m[2]!, Number(m[1])] as const,
    );
    expect(documented.length).toBeGreaterThan(15);
    for (const [code, status] of documented) {
      expect(isErrorCode(code), `${code} is documented but not in the registry`).toBe(true);
      if (isErrorCode(code)) expect(STATUS_BY_CODE[code], code).toBe(status);
    }
  });

  it("builds DomainErrors without any HTTP status", () => {
    const e = validationFailed([{ field: "body.x", message: "wajib diisi" }]);
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ code: "VALIDATION_FAILED", message: "body.x: wajib diisi" });
    expect(e).not.toHaveProperty("status");
    expect(notFound("Kasus")).toMatchObject({
      code: "NOT_FOUND",
      message: "Kasus tidak ditemukan",
    });
  });
});

// ---- codes used in the source text ----

const SRC = walk("src", [".ts"]);
const ADAPTERS = walk("adapters", [".ts"]);

/** Codes named where an error is raised: DomainError, its subclasses, domain Result errors. */
function raisedCodes(files: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  const patterns = [
    /new (?:DomainError|ImportLimitError|LaporExportError)\(\s*"([A-Z0-9_]+)"/g,
    /(?:unprocessable|validationFailed)\([^)]*?"([A-Z][A-Z0-9_]+)"/g,
    /\bcode(?:\s*\?\?)?\s*[:=]\s*"([A-Z][A-Z0-9_]+)"/g,
  ];
  for (const f of files) {
    const t = read(f);
    for (const p of patterns) for (const m of t.matchAll(p)) found.set(m[1]!, f);
  }
  return found;
}

// Codes that look like error codes but never reach an HTTP answer: the LAPOR! sync's
// quarantine reason (a dead letter's note) and the Meta webhook handshake's refusals (Meta's
// protocol wants a plain-text 403).
const NOT_HTTP = new Set([
  "LAPOR_STATUS_UNKNOWN",
  "HANDSHAKE_TOKEN_MISMATCH",
  "HANDSHAKE_MODE_INVALID",
  "HANDSHAKE_CHALLENGE_MISSING",
]);

describe("codes used in the source are in the registry", () => {
  // Domain Result errors become DomainErrors; catalogue entries (jenis, reason codes) and
  // reason-inference rules carry `code` too but are data, not errors.
  const CATALOGUES = new Set([
    "src/domain/jenis.ts",
    "src/domain/reason-codes.ts",
    "src/domain/reason-inference.ts",
  ]);

  it("every code raised in src/ and adapters/ (DomainError, domain results, field codes)", () => {
    const errorSources = [
      ...SRC.filter((f) => !CATALOGUES.has(f) && !f.startsWith("src/domain/legacy/")),
      ...ADAPTERS.filter(
        (f) =>
          /new (?:DomainError|ImportLimitError|LaporExportError)\(/.test(read(f)) ||
          f.endsWith("lapor-export.import.ts"),
      ),
    ];
    const found = raisedCodes(errorSources);
    // The reason-code checks are Result errors inside a catalogue module.
    for (const m of read("src/domain/reason-codes.ts").matchAll(
      /err\(\{\s*code:\s*"([A-Z0-9_]+)"/g,
    ))
      found.set(m[1]!, "src/domain/reason-codes.ts");
    expect(found.size).toBeGreaterThan(40);
    const unknown = [...found].filter(([c]) => !isErrorCode(c) && !NOT_HTTP.has(c));
    expect(unknown.map(([c, f]) => `${c} (${f})`)).toEqual([]);
  });

  it("every upper-case literal in src/http, src/services, src/pdp and src/security", () => {
    // Those layers hold no other constants of that shape but variable names and the jenis
    // "unclassified" bucket of the reports.
    const files = SRC.filter((f) => /^src\/(http|services|pdp|security)\//.test(f));
    const unknown: string[] = [];
    for (const f of files)
      for (const m of read(f).matchAll(/"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"/g)) {
        const s = m[1]!;
        if (s.startsWith("ADUAN_") || s === "BELUM_DIKLASIFIKASI") continue;
        if (!isErrorCode(s)) unknown.push(`${s} (${f})`);
      }
    expect(unknown).toEqual([]);
  });

  it("every code the console checks on an answer", () => {
    const files = walk("src/web/static", [".js"]);
    const used = files.flatMap((f) =>
      [...read(f).matchAll(/\.code\s*===\s*"([A-Z0-9_]+)"/g)].map((m) => m[1]!),
    );
    expect(used.length).toBeGreaterThan(0);
    // OFFLINE is made by the console itself when fetch fails.
    expect(used.filter((c) => c !== "OFFLINE" && !isErrorCode(c))).toEqual([]);
  });

  it("every code a test expects in an HTTP answer's body", () => {
    const files = walk("tests", [".ts"]);
    const used = new Map<string, string>();
    for (const f of files)
      for (const m of read(f).matchAll(
        /(?:body\??\.code\)|\.text\)\.code\))\.toBe\("([A-Z0-9_]+)"\)/g,
      ))
        used.set(m[1]!, f);
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter(([c]) => !isErrorCode(c)).map(([c, f]) => `${c} (${f})`)).toEqual([]);
  });

  it("no AppError and no HTTP status left below src/http", () => {
    for (const f of [...SRC, ...ADAPTERS]) {
      const t = read(f);
      expect(/\bAppError\b/.test(t), f).toBe(false);
      if (/^src\/(domain|services|pdp)\//.test(f)) {
        expect(/httpStatus|STATUS_BY_CODE/.test(t), f).toBe(false);
      }
    }
  });
});

// ---- layering ----

function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g))
    specs.push(m[1]!);
  return specs;
}

describe("no layer below the HTTP layer imports it", () => {
  const files = [...SRC, ...ADAPTERS].filter((f) =>
    /^(src\/(services|pdp|domain)|adapters)\//.test(f),
  );
  const http = join(ROOT, "src", "http");

  it("finds the files and their imports", () => {
    expect(files.length).toBeGreaterThan(80);
    expect(importsOf(read("src/services/cases.service.ts"))).toContain("../domain/errors.js");
  });

  it.each(files)("%s imports nothing from src/http", (f) => {
    const bad = importsOf(read(f))
      .filter((s) => s.startsWith("."))
      .map((s) => resolve(dirname(join(ROOT, f)), s))
      .filter((p) => p === http || p.startsWith(http + "/"))
      .map((p) => relative(ROOT, p));
    expect(bad).toEqual([]);
  });
});
