// Opens the hub's database: PostgreSQL when DATABASE_URL is set, else an embedded PGlite
// in the data dir (same schema, same migrations). One PrismaClient either way.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { createHash } from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";
import type { Config } from "../config/config.js";
import {
  applyMigrations,
  migrationStatus,
  type MigrationStatus,
  type SqlSession,
} from "./migrate.js";
import type { Logger } from "pino";

export type Db = {
  kind: "postgres" | "pglite";
  prisma: PrismaClient;
  /** Raw SQL for hot paths and admin work; parameters are always bound. */
  sql: SqlSession;
  /** Run fn with one dedicated session (advisory locks, multi-statement scripts). */
  withSession<T>(fn: (s: SqlSession) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  migrate(): Promise<string[]>;
  migrationStatus(): Promise<MigrationStatus>;
  close(): Promise<void>;
};

export class DataDirLockedError extends Error {}

export async function openDatabase(config: Config, logger?: Logger): Promise<Db> {
  return config.DATABASE_URL
    ? openPostgres(config.DATABASE_URL, config.DATABASE_POOL_SIZE, logger)
    : openPglite(config.ADUAN_DATA_DIR, logger);
}

const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = "s" + createHash("sha1").update(sql).digest("hex").slice(0, 16);
    if (statementNames.size < 1000) statementNames.set(sql, name);
  }
  return name;
}

function pgSession(q: pg.Pool | pg.PoolClient): SqlSession {
  return {
    async query<T>(sql: string, params: unknown[] = [], opts: { prepare?: boolean } = {}) {
      const r = await q.query(
        opts.prepare
          ? { name: statementName(sql), text: sql, values: params }
          : { text: sql, values: params },
      );
      return r.rows as T[];
    },
    async exec(script: string) {
      await q.query(script);
    },
  };
}

export async function openPostgres(url: string, poolSize = 10, logger?: Logger): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  // An idle client losing its server (PostgreSQL restart) must not crash the process.
  pool.on("error", (e) =>
    logger?.warn({ err: { message: e.message } }, "postgres idle client error"),
  );
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: false }) });
  const sql = pgSession(pool);
  const withSession = async <T>(fn: (s: SqlSession) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    // A checked-out client has no pool listener: without ours, a server restart while a
    // session (job or stream lock) is held would crash the process with an unhandled
    // 'error' event. A client that errored is destroyed, never returned to the pool.
    let broken: Error | undefined;
    const onError = (e: Error) => {
      broken = e;
      logger?.warn({ err: { message: e.message } }, "postgres session lost");
    };
    client.on("error", onError);
    try {
      return await fn(pgSession(client));
    } finally {
      client.removeListener("error", onError);
      client.release(broken ?? false);
    }
  };
  return {
    kind: "postgres",
    prisma,
    sql,
    withSession,
    ping: async () => {
      await pool.query("SELECT 1");
    },
    migrate: () => withSession((s) => applyMigrations(s)),
    migrationStatus: () => migrationStatus(sql),
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export async function openPglite(dataDir: string, logger?: Logger): Promise<Db> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const release = lockDataDir(dir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    // pg_trgm backs the text-search indexes (migration 20261128000000_search_indexes);
    // PGlite only offers the extensions it is given here.
    const db = await PGlite.create({ dataDir: join(dir, "pg"), extensions: { pg_trgm } });
    const sql: SqlSession = {
      async query<T>(text: string, params: unknown[] = []) {
        const r = await db.query(text, params);
        return r.rows as T[];
      },
      async exec(script: string) {
        await db.exec(script);
      },
    };
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
    logger?.info({ dataDir: dir }, "embedded PostgreSQL (PGlite) opened");
    return {
      kind: "pglite",
      prisma,
      sql,
      // PGlite has one connection: every caller already shares the only session.
      withSession: (fn) => fn(sql),
      ping: async () => {
        await db.query("SELECT 1");
      },
      migrate: () => applyMigrations(sql),
      migrationStatus: () => migrationStatus(sql),
      close: async () => {
        await prisma.$disconnect();
        await db.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

// PGlite is one process with one connection: never open one data dir twice.
function lockDataDir(dir: string): () => void {
  const file = join(dir, "hub.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(readFileSync(file, "utf8").trim());
      // Our own pid counts too: two openers inside one process corrupt PGlite just the same.
      if (pid && isAlive(pid)) {
        throw new DataDirLockedError(
          `hub is running on this data dir (${dir}, pid ${pid}); stop it first, ` +
            "or use its API, or point this command at another ADUAN_DATA_DIR",
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new DataDirLockedError(`cannot lock data dir ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function dataDirExists(dataDir: string): boolean {
  return existsSync(join(resolve(dataDir), "pg"));
}
