// Scratch databases and the hub environment shared by every benchmark.
import pg from "pg";

export const ADMIN_URL =
  process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function dbUrl(name: string): string {
  return ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
}

/** Creates the database (dropping it first when `fresh`); returns whether it was created. */
export async function scratchDb(name: string, fresh = true): Promise<boolean> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (exists.rowCount && !fresh) return false;
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    return true;
  } finally {
    await admin.end();
  }
}

/** Fixed test keys and the hub's default pool (10) unless DATABASE_POOL_SIZE is set. */
export function hubEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: url,
    ADUAN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
    ADUAN_HASH_KEY: Buffer.alloc(32, 2).toString("base64"),
    ADUAN_AUDIT_KEY: Buffer.alloc(32, 3).toString("base64"),
    LOG_LEVEL: "info",
    DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? "10",
    ...extra,
  };
}
