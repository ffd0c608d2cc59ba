// In-process migration runner. It applies the committed prisma/migrations/*/migration.sql
// files in name order, one transaction each, under Prisma's own advisory lock, and records
// them in Prisma's `_prisma_migrations` table, so the Prisma CLI and this runner accept each
// other's history (../shared/PRISMA.md). The hub never needs the CLI at run time.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fromRoot } from "../util/package-root.js";

export interface SqlSession {
  /** `prepare` names the statement after its text, so PostgreSQL plans a hot query once per connection. */
  query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    opts?: { prepare?: boolean },
  ): Promise<T[]>;
  exec(script: string): Promise<void>;
}

export type MigrationFile = { name: string; sql: string; checksum: string };
export type MigrationStatus = {
  applied: string[];
  pending: string[];
  failed: string[];
  modified: string[];
};

const PRISMA_LOCK_KEY = 72707369;

export function migrationFiles(dir = fromRoot("prisma", "migrations")): MigrationFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

type Row = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

async function appliedRows(s: SqlSession): Promise<Row[] | null> {
  const exists = await s.query<{ t: string | null }>(
    `SELECT to_regclass('"_prisma_migrations"')::text AS t`,
  );
  if (!exists[0]?.t) return null;
  return s.query<Row>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
  );
}

export async function migrationStatus(
  s: SqlSession,
  files: MigrationFile[] = migrationFiles(),
): Promise<MigrationStatus> {
  const rows = (await appliedRows(s)) ?? [];
  const live = rows.filter((r) => r.rolled_back_at === null);
  const done = new Map(
    live.filter((r) => r.finished_at !== null).map((r) => [r.migration_name, r]),
  );
  const failed = live.filter((r) => r.finished_at === null).map((r) => r.migration_name);
  return {
    applied: [...done.keys()],
    pending: files.filter((f) => !done.has(f.name) && !failed.includes(f.name)).map((f) => f.name),
    failed,
    modified: files
      .filter((f) => done.has(f.name) && done.get(f.name)?.checksum !== f.checksum)
      .map((f) => f.name),
  };
}

export class MigrationError extends Error {}

export async function applyMigrations(
  s: SqlSession,
  files: MigrationFile[] = migrationFiles(),
): Promise<string[]> {
  await s.query(`SELECT pg_advisory_lock(${PRISMA_LOCK_KEY})::text`);
  try {
    await s.exec(CREATE_TABLE);
    const status = await migrationStatus(s, files);
    if (status.failed.length > 0) {
      throw new MigrationError(
        `migration ${status.failed[0]} failed earlier; fix it, then mark it rolled back ` +
          "(npx prisma migrate resolve --rolled-back <name>) before starting again",
      );
    }
    if (status.modified.length > 0) {
      throw new MigrationError(`migration ${status.modified[0]} was modified after it was applied`);
    }
    const applied: string[] = [];
    for (const file of files) {
      if (!status.pending.includes(file.name)) continue;
      const id = randomUUID();
      try {
        await s.exec(`BEGIN;\n${file.sql}\n;`);
        await s.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 1)`,
          [id, file.checksum, file.name],
        );
        await s.exec("COMMIT");
        applied.push(file.name);
      } catch (e) {
        await s.exec("ROLLBACK").catch(() => undefined);
        const message = e instanceof Error ? e.message : String(e);
        await s.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, applied_steps_count)
           VALUES ($1, $2, $3, $4, 0)`,
          [id, file.checksum, file.name, message],
        );
        throw new MigrationError(`migration ${file.name} failed: ${message}`);
      }
    }
    return applied;
  } finally {
    await s.query(`SELECT pg_advisory_unlock(${PRISMA_LOCK_KEY})::text`);
  }
}
