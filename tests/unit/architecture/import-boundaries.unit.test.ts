// Adapters behind ports (DESIGN.md "Guarantees by structure"), checked on the import graph
// itself rather than through the eslint rule, so a config edit cannot switch it off: every
// static import, `export … from` and dynamic `import()` of every file under adapters/ and
// src/ is resolved and held against the rule.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");

/** The composition root: the only modules of src/ that may import adapters/. */
const COMPOSITION_ROOT = new Set(["src/hub.ts", "src/registry.ts"]);
/** What an adapter may import besides its own directory tree (adapters/**). */
const ADAPTER_MAY_IMPORT = ["src/ports/", "src/domain/"];
function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = `${dir}/${name}`;
    if (rel === "src/generated") continue;
    if (statSync(join(ROOT, rel)).isDirectory()) walk(rel, out);
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

type Edge = { from: string; to: string; spec: string };

/** Relative specifiers only: packages (express, zod, node:…) are outside the rule. */
function importsOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const info = ts.preProcessFile(text, true, true);
  const edges: Edge[] = [];
  for (const { fileName: spec } of info.importedFiles) {
    if (!spec.startsWith(".")) continue;
    const abs = resolve(ROOT, dirname(file), spec);
    let to = relative(ROOT, abs)
      .replace(/\.js$/, ".ts")
      .replace(/\.mjs$/, ".mts");
    // A directory import (…/siks-ng) resolves to its index.
    if (!/\.(ts|mts|json)$/.test(to)) to = `${to}/index.ts`;
    edges.push({ from: file, to, spec });
  }
  return edges;
}

const files = [...walk("adapters"), ...walk("src")];
const edges = files.flatMap(importsOf);
const inAdapters = (f: string) => f.startsWith("adapters/");
const inSrc = (f: string) => f.startsWith("src/");

describe("import boundaries between adapters/ and src/", () => {
  it("reads the graph (the walker sees the composition root's adapter imports)", () => {
    expect(files.length).toBeGreaterThan(100);
    const fromRegistry = edges.filter((e) => e.from === "src/registry.ts" && inAdapters(e.to));
    expect(fromRegistry.length).toBeGreaterThan(5);
    // Every relative import resolves to a file that exists: the rule is checked on real paths.
    const missing = edges.filter((e) => {
      try {
        return !statSync(join(ROOT, e.to)).isFile();
      } catch {
        return true;
      }
    });
    expect(missing.map((e) => `${e.from} → ${e.spec}`)).toEqual([]);
  });

  it("adapters import only src/ports, src/domain and adapters/ (own modules, adapters/kit)", () => {
    const bad = edges
      .filter((e) => inAdapters(e.from))
      .filter((e) => !inAdapters(e.to) && !ADAPTER_MAY_IMPORT.some((p) => e.to.startsWith(p)))
      .map((e) => `${e.from} → ${e.to}`);
    expect(bad).toEqual([]);
  });

  it("no module of src/ but the composition root imports adapters/ (static or dynamic)", () => {
    const bad = edges
      .filter((e) => inSrc(e.from) && !COMPOSITION_ROOT.has(e.from) && inAdapters(e.to))
      .map((e) => `${e.from} → ${e.to}`);
    expect(bad).toEqual([]);
  });

  it("src/ports and src/domain never import adapters/ nor the composition root", () => {
    const bad = edges
      .filter((e) => ADAPTER_MAY_IMPORT.some((p) => e.from.startsWith(p)))
      .filter((e) => inAdapters(e.to) || COMPOSITION_ROOT.has(e.to))
      .map((e) => `${e.from} → ${e.to}`);
    expect(bad).toEqual([]);
  });

  it("has no import cycle between adapters/ and src/", () => {
    // Tarjan's strongly connected components over the whole graph (type imports
    // included: a cycle of types is still a cycle of knowledge).
    const next = new Map<string, string[]>();
    for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const sccs: string[][] = [];
    let counter = 0;
    const visit = (v: string): void => {
      index.set(v, counter);
      low.set(v, counter);
      counter += 1;
      stack.push(v);
      onStack.add(v);
      for (const w of next.get(v) ?? []) {
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
      }
      if (low.get(v) === index.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== v);
        sccs.push(scc);
      }
    };
    for (const f of files) if (!index.has(f)) visit(f);
    const mixed = sccs
      .filter((scc) => scc.some(inAdapters) && scc.some(inSrc))
      .map((scc) => scc.sort().join(" ⇄ "));
    expect(mixed).toEqual([]);
  });
});
