// Integration tests run against the machine's real PostgreSQL: one fresh database per run
// and project, migrated once with the hub's own runner. It is a template: each worker clones
// it into its own database before its first file (tests/helpers/worker-db.setup.ts), so
// files run in parallel without sharing tables.
import { rmSync } from "node:fs";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openPostgres } from "../../src/db/database.js";

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

async function dropAll(admin: pg.Client, name: string): Promise<void> {
  const clones = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2",
    [name, `${name}\\_w%`],
  );
  for (const { datname } of clones.rows)
    await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
}

export default async function setup(project: TestProject) {
  // The log scan (its own project, run after this one) checks this run's logs only.
  if (project.name !== "log-scan") rmSync("test-output/logs", { recursive: true, force: true });
  const name = `aduan_test_${process.pid}_${project.name.replace(/\W/g, "_")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await dropAll(admin, name);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  const db = await openPostgres(url, 2);
  await db.migrate();
  await db.close();
  project.provide("databaseUrl", url);
  project.provide("adminUrl", ADMIN_URL);
  return async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await dropAll(c, name);
    await c.end();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    adminUrl: string;
  }
}
