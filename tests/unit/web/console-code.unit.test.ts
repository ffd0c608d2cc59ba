// Console code a maintainer can type-check (issue 15 item 9), enumerated over the files:
// every console and citizens' page script is `// @ts-check`ed by `npm run typecheck`
// (tsconfig.web.json), no console file grows past a few hundred lines, the payload types
// are the generated API types, and the console's lists come from the labels API.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { TABALONG_KECAMATAN } from "../../../src/domain/nik.js";
import { apiSpec } from "../../../src/http/spec.js";
import { labelsView } from "../../../src/services/catalogue.service.js";
import { fromRoot } from "../../../src/util/package-root.js";
import { BULAN, BULAN_SINGKAT } from "../../../src/domain/legacy/indonesian-date.js";

const MAX_LINES = 400;
const STATIC = fromRoot("src/web/static");
const PUBLIC_ASSETS = fromRoot("src/web/public/assets");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const rel = (p: string) => relative(fromRoot(), p);
const consoleFiles = walk(STATIC);
const scripts = [...consoleFiles, ...walk(PUBLIC_ASSETS)].filter((f) => f.endsWith(".js"));
const text = (f: string) => readFileSync(f, "utf8");

describe("console scripts are type-checked", () => {
  it("finds the console's pages and the citizens' page script", () => {
    expect(scripts.map(rel)).toEqual(
      expect.arrayContaining([
        "src/web/static/app.js",
        "src/web/static/case/case.js",
        "src/web/static/intake/intake.js",
        "src/web/public/assets/pengaduan.js",
      ]),
    );
  });

  it("every script starts with // @ts-check", () => {
    const missing = scripts.filter((f) => !text(f).startsWith("// @ts-check\n")).map(rel);
    expect(missing).toEqual([]);
  });

  it("npm run typecheck checks them through tsconfig.web.json", () => {
    const pkg = JSON.parse(text(fromRoot("package.json"))) as { scripts: Record<string, string> };
    expect(pkg.scripts.typecheck).toMatch(
      /tsc -p tsconfig\.json --noEmit && tsc -p tsconfig\.web\.json/,
    );
    // tsconfig.web.json is JSON with comments: drop the comment lines before parsing.
    const raw = text(fromRoot("tsconfig.web.json"))
      .split("\n")
      .filter((l) => !l.trimStart().startsWith("//"))
      .join("\n");
    const cfg = JSON.parse(raw) as { compilerOptions: Record<string, unknown>; include: string[] };
    expect(cfg.compilerOptions).toMatchObject({ allowJs: true, checkJs: true, strict: true });
    // Strict means all of it: no strict family flag turned back off.
    for (const [k, v] of Object.entries(cfg.compilerOptions))
      if (/^(noImplicit|strict|useUnknownInCatch|alwaysStrict)/.test(k)) expect(v, k).toBe(true);
    expect(cfg.include).toEqual(["src/web/static/**/*.js", "src/web/public/assets/*.js"]);
  });

  it("holds no TypeScript source among the served assets", () => {
    expect(consoleFiles.filter((f) => /\.(ts|mts|cts)$/.test(f)).map(rel)).toEqual([]);
  });
});

describe("console files stay small", () => {
  it.each(consoleFiles.filter((f) => f.endsWith(".js")).map(rel))(
    `%s has at most ${MAX_LINES} lines`,
    (f) => {
      expect(text(fromRoot(f)).split("\n").length - 1).toBeLessThanOrEqual(MAX_LINES);
    },
  );
});

describe("payload types come from the generated API types", () => {
  const types = text(join(STATIC, "shared/types.js"));
  it("shared/types.js names only schemas of openapi/hub.yaml", () => {
    const spec = apiSpec() as { components: { schemas: Record<string, unknown> } };
    const named = [...types.matchAll(/Schemas\["([A-Za-z]+)"\]/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(10);
    for (const n of named) expect(Object.keys(spec.components.schemas), n).toContain(n);
    expect(types).toContain('import("../../../generated/api.js").components["schemas"]');
  });
});

describe("the console's lists come from the labels API", () => {
  const names = Object.values(TABALONG_KECAMATAN);

  it("GET /api/v1/catalogue/labels serves src/domain/nik.ts's kecamatan, sorted by name", () => {
    const served = labelsView().kecamatan;
    expect([...served].sort()).toEqual([...names].sort());
    expect(served).toEqual([...names].sort((a, b) => a.localeCompare(b, "id")));
  });

  it("no console script writes out kecamatan names", () => {
    const offenders = scripts
      .filter((f) => names.filter((n) => text(f).includes(`"${n}"`)).length >= 2)
      .map(rel);
    expect(offenders).toEqual([]);
  });

  it("no console script writes out month names (labels `months`, `monthsShort`)", () => {
    const months = [...BULAN, ...BULAN_SINGKAT];
    const offenders = scripts
      .filter((f) => months.filter((n) => text(f).includes(`"${n}"`)).length >= 2)
      .map(rel);
    expect(offenders).toEqual([]);
  });
});
