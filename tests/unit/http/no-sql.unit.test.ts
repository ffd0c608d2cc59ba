// Handlers and middleware hold no SQL and no Prisma calls (issue 14): every file under
// src/http is read as text (so no lint setting can switch the check off), and the lint rule
// that says the same while editing is shown to fire on each forbidden form.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../../..");
const HTTP = join(ROOT, "src/http");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : /\.(ts|js|mjs|cjs)$/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}

/** The code without its comments (a comment may name the database; code may not use it). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

// `db` and `sql` as names (ctx.db, { db } = ctx, db.sql): a module path such as
// "../db/scope.js" (office scope, no queries) is not a name.
const FORBIDDEN: [string, RegExp][] = [
  ["`db` (the database handle)", /(?<![/\w])db\b/],
  ["`prisma`", /\bprisma\b/i],
  ["`sql` (the raw SQL session)", /(?<![/\w])sql\b/],
  ["`$queryRaw` / `$executeRaw`", /\$(queryRaw|executeRaw)/],
  ["`$transaction`", /\$transaction\b/],
  [
    "an import of src/db/database or src/db/migrate",
    /from\s+["'][^"']*\/db\/(database|migrate)[^"']*["']/,
  ],
];

describe("src/http holds no SQL and no Prisma calls", () => {
  const files = sourceFiles(HTTP);

  it("reads the handlers and the middleware", () => {
    const names = files.map((f) => relative(ROOT, f));
    expect(names).toContain("src/http/gate.ts");
    expect(names).toContain("src/http/raw-routes.ts");
    expect(names.filter((n) => n.startsWith("src/http/handlers/")).length).toBeGreaterThan(5);
  });

  for (const file of files) {
    it(relative(ROOT, file), () => {
      const text = code(readFileSync(file, "utf8"));
      const found = FORBIDDEN.filter(([, re]) => re.test(text)).map(([what]) => what);
      expect(found, "call a repository (src/repos) or a service instead").toEqual([]);
    });
  }
});

describe("the lint rule for src/http fires on each forbidden form", () => {
  const eslint = new ESLint({ cwd: ROOT });
  const PROBES: Record<string, string> = {
    "ctx.db": "export const f = (ctx: { db: unknown }) => ctx.db;",
    "{ db } = ctx":
      "export const f = (ctx: { db: unknown }) => {\n  const { db } = ctx;\n  return db;\n};",
    "prisma client": "export const f = (db: { prisma: unknown }) => db.prisma;",
    "sql session": "export const f = (db: { sql: { query(): void } }) => db.sql.query();",
    $queryRaw: "export const f = (c: { $queryRaw(): void }) => c.$queryRaw();",
    $executeRaw: "export const f = (c: { $executeRaw(): void }) => c.$executeRaw();",
    $transaction: "export const f = (c: { $transaction(): void }) => c.$transaction();",
    "generated prisma import":
      'import type { Prisma } from "../generated/prisma/client.js";\nexport type J = Prisma.InputJsonValue;',
    "database import": 'import type { Db } from "../db/database.js";\nexport type D = Db;',
  };
  for (const [name, text] of Object.entries(PROBES)) {
    it(name, async () => {
      const [result] = await eslint.lintText(text, { filePath: join(HTTP, "probe.ts") });
      const rules = result!.messages.map((m) => m.ruleId);
      expect(rules.some((r) => r === "no-restricted-syntax" || r === "no-restricted-imports")).toBe(
        true,
      );
    });
  }

  it("leaves a repository call alone", async () => {
    const text =
      'import { findCaseScope } from "../repos/case-scope.repo.js";\n' +
      "export const f = (ctx: Parameters<typeof findCaseScope>[0]) => findCaseScope(ctx, 'x');";
    const [result] = await eslint.lintText(text, { filePath: join(HTTP, "probe.ts") });
    expect(result!.messages).toEqual([]);
  });
});
