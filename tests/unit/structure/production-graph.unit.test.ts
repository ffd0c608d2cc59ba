// What `aduan-hub serve` loads (issue 14, item 7): walks the import graph from the
// production entry by reading import statements (static, re-exports and dynamic imports
// with a literal specifier; `import type` is erased and not followed) and checks that no
// sandbox, no test helper and no devDependency (playwright-core among them) is reached.
// `npm start` loads the sandboxes itself (scripts/start.mjs), outside this graph.
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

type Edge = { from: string; specifier: string };

function importsOf(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isImportDeclaration(node) &&
      !node.importClause?.isTypeOnly &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      out.push(node.moduleSpecifier.text);
    else if (
      ts.isExportDeclaration(node) &&
      !node.isTypeOnly &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      out.push(node.moduleSpecifier.text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    )
      out.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(src);
  return out;
}

function resolveRelative(from: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [
    base,
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.mjs$/, ".mts"),
    `${base}.ts`,
    path.join(base, "index.ts"),
  ];
  return candidates.find((c) => existsSync(c) && !c.endsWith("/")) ?? null;
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

function walk(entries: string[]) {
  const files = new Map<string, Edge | null>(entries.map((e) => [e, null]));
  const packages = new Map<string, Edge>();
  const unresolved: Edge[] = [];
  const queue = [...entries];
  for (let file = queue.shift(); file; file = queue.shift()) {
    for (const specifier of importsOf(file)) {
      const edge = { from: path.relative(root, file), specifier };
      if (specifier.startsWith(".")) {
        const target = resolveRelative(file, specifier);
        if (!target) unresolved.push(edge);
        else if (!files.has(target)) {
          files.set(target, edge);
          queue.push(target);
        }
      } else if (!specifier.startsWith("node:") && !builtinModules.includes(specifier)) {
        const name = packageName(specifier);
        if (!packages.has(name)) packages.set(name, edge);
      }
    }
  }
  return { files, packages, unresolved };
}

// bin/aduan-hub.js runs dist/src/cli/main.js, which tsc builds from src/cli/main.ts.
const bin = readFileSync(path.join(root, "bin/aduan-hub.js"), "utf8");
const entry = path.join(root, "src/cli/main.ts");
const graph = walk([entry]);
const reached = [...graph.files.keys()].map((f) => path.relative(root, f));

function via(file: string): string {
  const edge = graph.files.get(path.join(root, file));
  return edge ? `${file} ← ${edge.from} (${edge.specifier})` : file;
}

describe("production import graph (bin/aduan-hub.js → src/cli/main.ts)", () => {
  it("starts where the bin starts and resolves every relative import", () => {
    expect(bin).toContain('"../dist/src/cli/main.js"');
    expect(graph.unresolved).toEqual([]);
    // The walker really walks: the serve path and the job runner are in the graph.
    expect(reached).toEqual(
      expect.arrayContaining(["src/hub.ts", "src/jobs/runner.ts", "src/config/config.ts"]),
    );
    expect(reached.some((f) => f.startsWith("adapters/lapor/"))).toBe(true);
  });

  it("reaches no sandbox and nothing under tests/", () => {
    const bad = reached.filter((f) => /(^|\/)sandbox\//.test(f) || f.startsWith("tests/"));
    expect(bad.map(via)).toEqual([]);
  });

  it("imports only production dependencies (never playwright-core nor another devDependency)", () => {
    const notProd = [...graph.packages]
      .filter(([name]) => !(name in pkg.dependencies))
      .map(([name, e]) => `${name} ← ${e.from}`);
    expect(notProd).toEqual([]);
    expect(graph.packages.has("playwright-core")).toBe(false);
    expect(pkg.devDependencies).toHaveProperty("playwright-core");
    expect(pkg.dependencies).not.toHaveProperty("playwright-core");
    expect(pkg.dependencies).not.toHaveProperty("pg-boss");
  });
});

describe("npm start (scripts/start.mjs)", () => {
  it("still loads both sandboxes, from the build of their sources", () => {
    const start = path.join(root, "scripts/start.mjs");
    const built = importsOf(start).filter((s) => s.startsWith("../dist/"));
    const sources = built.map((s) => s.replace(/^\.\.\/dist\//, "").replace(/\.js$/, ".ts"));
    expect(sources).toEqual(
      expect.arrayContaining([
        "adapters/lapor/sandbox/lapor-sandbox.ts",
        "adapters/rekap/sandbox/rekap-sandbox.ts",
      ]),
    );
    for (const source of sources) expect(existsSync(path.join(root, source))).toBe(true);
    // tsc -p tsconfig.build.json (npm start builds first) compiles adapters/ into dist/.
    const build = JSON.parse(readFileSync(path.join(root, "tsconfig.build.json"), "utf8")) as {
      include: string[];
    };
    expect(build.include).toContain("adapters");
  });
});

describe("the import-graph walker", () => {
  it("sees a sandbox when one is imported (the sandbox's own entry imports it)", () => {
    const g = walk([path.join(root, "adapters/lapor/sandbox/main.ts")]);
    const files = [...g.files.keys()].map((f) => path.relative(root, f));
    expect(files).toContain("adapters/lapor/sandbox/lapor-sandbox.ts");
  });
});
