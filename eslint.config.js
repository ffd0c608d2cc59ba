import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "data/", "src/generated/", "test-output/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "no-console": "error",
    },
  },
  {
    files: ["src/cli/**/*.ts", "bench/**/*.ts", "scripts/**", "adapters/**/sandbox/**/*.ts"],
    rules: { "no-console": "off" },
  },
  // Adapters behind ports (DESIGN.md): adapters import src/ports, src/domain, their own
  // modules and the shared kit (adapters/kit) only; src/ never imports an adapter except
  // in the composition root (src/hub.ts, src/registry.ts), which builds ctx.registry.
  // tests/unit/architecture/import-boundaries.unit.test.ts checks the same rule (and
  // dynamic imports) by walking the import graph, so turning this off here proves nothing.
  {
    files: ["adapters/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+(src/(?!ports/|domain/)|tests/|bench/|scripts/|bin/|prisma/)",
              message:
                "adapters/ may import only src/ports, src/domain, adapters' own modules and adapters/kit; ask the hub through src/ports (HubServices, ctx.registry).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/hub.ts", "src/registry.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+adapters/",
              message:
                "src/ finds adapters through ctx.registry (src/ports/registry.port.ts); only the composition root (src/hub.ts, src/registry.ts) imports adapters/.",
            },
          ],
        },
      ],
    },
  },
  // Handlers and middleware hold no SQL and no Prisma calls (issue 14): they call a
  // repository (src/repos) or a service. tests/unit/http/no-sql.unit.test.ts checks the
  // same on the source text. Only no-restricted-syntax here: no-restricted-imports is the
  // adapters/ports rule's, and a later config object would replace its options for src/http.
  {
    files: ["src/http/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        ...["db", "prisma", "sql"].map((name) => ({
          selector: `MemberExpression[property.name='${name}']`,
          message: `No \`.${name}\` in src/http: call a repository (src/repos) or a service.`,
        })),
        {
          selector: "ObjectPattern > Property[key.name=/^(db|prisma|sql)$/]",
          message: "No database handle in src/http: call a repository (src/repos) or a service.",
        },
        {
          selector: "MemberExpression[property.name=/^\\$(queryRaw|executeRaw|transaction)/]",
          message: "No raw SQL or transactions in src/http: call a repository or a service.",
        },
        ...[
          "ImportDeclaration",
          "ImportExpression",
          "ExportNamedDeclaration",
          "ExportAllDeclaration",
        ].map((node) => ({
          selector: `${node}[source.value=/(generated\\/prisma|db\\/(database|migrate)|^@prisma\\/|^pg$|^@electric-sql\\/pglite)/]`,
          message: "src/http reaches the database only through src/repos or a service.",
        })),
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        require: "readonly",
        module: "writable",
        URL: "readonly",
      },
    },
  },
);
