// The database a test file works in. Integration files run two at a time (vitest.config.ts),
// each worker in its own database cloned from the run's migrated template
// (tests/helpers/worker-db.setup.ts), so one file's resetDb never empties another's tables.
import { inject } from "vitest";

/** This worker's database URL (the run's template only outside the integration projects). */
export function testDatabaseUrl(): string {
  return process.env.ADUAN_TEST_DATABASE_URL ?? inject("databaseUrl");
}
