// Prisma CLI configuration: JS (WASM) schema engine through a driver adapter, so no
// native engine is ever downloaded (../shared/PRISMA.md). The CLI is only used to author
// and check migrations against a real PostgreSQL; the hub applies them itself at run time.
import { defineConfig } from "prisma/config";
import { migrationAdapter } from "./src/db/pg-cli-adapter.js";

const url = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/aduan_dev";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  adapter: async () => migrationAdapter(url),
});
