// Integration tests run against the machine's real PostgreSQL: one fresh database per run,
// migrated once with the hub's own runner.
import { rmSync } from "node:fs";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openPostgres } from "../../src/db/database.js";

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export default async function setup(project: TestProject) {
  // The log scan checks this run's logs only.
  rmSync("test-output/logs", { recursive: true, force: true });
  const name = `aduan_test_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
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
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    adminUrl: string;
  }
}
