// Runs in each integration worker before a test file: the worker's own database, cloned
// once per run from the migrated template that tests/helpers/global-setup.ts made (a clone
// is a file copy: ~0.3 s, where migrating is ~10 s). Workers clone one at a time (advisory
// lock on the admin database): PostgreSQL refuses to copy a template while anyone else is
// using it. The global teardown drops the clones with the template.
import pg from "pg";
import { inject } from "vitest";

const template = inject("databaseUrl");
const templateName = new URL(template).pathname.slice(1);
const name = `${templateName}_w${process.env.VITEST_POOL_ID ?? "1"}`;

if (process.env.ADUAN_TEST_DATABASE_URL !== undefined) {
  // Set by an earlier file of this worker process (a process serves one file at a time).
} else {
  const admin = new pg.Client({ connectionString: inject("adminUrl") });
  await admin.connect();
  try {
    await admin.query("SELECT pg_advisory_lock(hashtext($1))", [templateName]);
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0)
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(template);
  url.pathname = `/${name}`;
  process.env.ADUAN_TEST_DATABASE_URL = url.toString();
}
