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
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { scopeOffice, scopeStatement } from "./scope.js";

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
  /** Embedded only: a consistent gzipped tarball of the database directory (backup). */
  dumpDataDir?(): Promise<Blob>;
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

const SET_SCOPE = scopeStatement(false);

// Runs a query on one checked-out client; a client whose connection failed is destroyed.
async function onClient<T>(client: pg.PoolClient, fn: (c: pg.PoolClient) => Promise<T>) {
  let broken: Error | undefined;
  const onError = (e: Error) => (broken = e);
  client.on("error", onError);
  try {
    return await fn(client);
  } finally {
    client.removeListener("error", onError);
    client.release(broken ?? false);
  }
}

// The pool one office's Prisma client sees: every query and every transaction runs on a
// connection of the shared staff pool (sessions that are `aduan_staff`), with this office set
// on it just before. It never opens connections of its own.
class OfficePool extends pg.Pool {
  constructor(
    private readonly staffClient: (instansi: string) => Promise<pg.PoolClient>,
    private readonly instansi: string,
  ) {
    super({ max: 1 });
  }

  // Prisma calls the promise forms only.
  override query(...args: unknown[]): never {
    return this.staffClient(this.instansi).then((client) =>
      onClient(client, (c) => (c.query as (...a: unknown[]) => Promise<unknown>).apply(c, args)),
    ) as never;
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: () => void) => void,
  ): void;
  override connect(...args: unknown[]): Promise<pg.PoolClient> | void {
    if (args.length > 0) throw new Error("OfficePool: callback form not supported");
    return this.staffClient(this.instansi);
  }

  override async end(): Promise<void> {
    /* the shared staff pool is ended by Db.close */
  }
}

export async function openPostgres(url: string, poolSize = 10, logger?: Logger): Promise<Db> {
  // An idle client losing its server (PostgreSQL restart) must not crash the process.
  const onError = (e: Error) =>
    logger?.warn({ err: { message: e.message } }, "postgres idle client error");
  // jit off: the hub's statements are short OLTP batches whose estimated cost still crosses
  // jit_above_cost (a page's person-link look-up: 61 ms with LLVM compiling it, 6 ms
  // without). A DSN's own `options` are kept.
  const config = {
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    options: [new URL(url).searchParams.get("options"), "-c jit=off"].filter(Boolean).join(" "),
  };
  const pool = new pg.Pool(config);
  pool.on("error", onError);
  // Staff requests' connections: role and office are set together at every checkout, in
  // one statement, so a connection is either the office's staff or not handed out at all
  // (fails closed: it never runs a staff query as the hub's own role).
  const staff = new pg.Pool(config);
  staff.on("error", onError);
  const staffClient = async (instansi: string): Promise<pg.PoolClient> => {
    const client = await staff.connect();
    try {
      await client.query({ name: "aduan_scope", text: SET_SCOPE, values: [instansi] });
    } catch (e) {
      client.release(e as Error);
      throw e;
    }
    return client;
  };

  const root = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: false }) });
  const offices = new Map<string, PrismaClient>();
  const prismaFor = (instansi: string) => {
    let client = offices.get(instansi);
    if (!client) {
      client = new PrismaClient({
        adapter: new PrismaPg(new OfficePool(staffClient, instansi), {
          disposeExternalPool: false,
        }),
      });
      offices.set(instansi, client);
    }
    return client;
  };

  // The scope is read when a query is made, in the caller's own async context.
  const rootSql = pgSession(pool);
  const sql: SqlSession = {
    query<T>(text: string, params?: unknown[], opts?: { prepare?: boolean }) {
      const office = scopeOffice();
      if (office === undefined) return rootSql.query<T>(text, params, opts);
      return staffClient(office).then((c) =>
        onClient(c, (client) => pgSession(client).query<T>(text, params, opts)),
      );
    },
    exec(script: string) {
      const office = scopeOffice();
      if (office === undefined) return rootSql.exec(script);
      return staffClient(office).then((c) =>
        onClient(c, (client) => pgSession(client).exec(script)),
      );
    },
  };
  const withSession = async <T>(fn: (s: SqlSession) => Promise<T>): Promise<T> => {
    const office = scopeOffice();
    const client = office === undefined ? await pool.connect() : await staffClient(office);
    // A checked-out client has no pool listener: without ours, a server restart while a
    // session (job or stream lock) is held would crash the process with an unhandled
    // 'error' event. A client that errored is destroyed, never returned to the pool.
    let broken: Error | undefined;
    const onLost = (e: Error) => {
      broken = e;
      logger?.warn({ err: { message: e.message } }, "postgres session lost");
    };
    client.on("error", onLost);
    try {
      return await fn(pgSession(client));
    } finally {
      client.removeListener("error", onLost);
      client.release(broken ?? false);
    }
  };
  return {
    kind: "postgres",
    // Read in the caller's context: a staff request gets its office's client.
    get prisma() {
      const office = scopeOffice();
      return office === undefined ? root : prismaFor(office);
    },
    sql,
    withSession,
    ping: async () => {
      await pool.query("SELECT 1");
    },
    migrate: () => withSession((s) => applyMigrations(s)),
    migrationStatus: () => migrationStatus(sql),
    close: async () => {
      await Promise.all([root, ...offices.values()].map((p) => p.$disconnect()));
      await Promise.all([pool.end(), staff.end()]);
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
    const pglite = await PGlite.create({ dataDir: join(dir, "pg"), extensions: { pg_trgm } });
    const db = pglite as PGlite;
    const officeDbs = new Map<string, PGlite>();
    const officeDb = (instansi: string) => {
      let o = officeDbs.get(instansi);
      if (!o) officeDbs.set(instansi, (o = asOffice(db, instansi)));
      return o;
    };
    // The scope is read when a query is made, in the caller's own async context.
    const current = () => {
      const office = scopeOffice();
      return office === undefined ? db : officeDb(office);
    };
    const sql: SqlSession = {
      async query<T>(text: string, params: unknown[] = []) {
        const r = await current().query(text, params);
        return r.rows as T[];
      },
      async exec(script: string) {
        await current().exec(script);
      },
    };
    const root = new PrismaClient({ adapter: new PrismaPGlite(db) });
    const offices = new Map<string, PrismaClient>();
    const prismaFor = (instansi: string) => {
      let client = offices.get(instansi);
      if (!client) {
        client = new PrismaClient({ adapter: new PrismaPGlite(officeDb(instansi)) });
        offices.set(instansi, client);
      }
      return client;
    };
    logger?.info({ dataDir: dir }, "embedded PostgreSQL (PGlite) opened");
    return {
      kind: "pglite",
      // Read in the caller's context: a staff request gets its office's client.
      get prisma() {
        const office = scopeOffice();
        return office === undefined ? root : prismaFor(office);
      },
      sql,
      // PGlite has one connection: every caller already shares the only session.
      withSession: (fn) => fn(sql),
      ping: async () => {
        await db.query("SELECT 1");
      },
      migrate: () => applyMigrations(sql),
      migrationStatus: () => migrationStatus(sql),
      // Between two queries (PGlite's query lock), after a checkpoint: what a restore loads
      // is what was committed, even while the hub keeps serving.
      dumpDataDir: async () => {
        await db.query("CHECKPOINT");
        return db.dumpDataDir("gzip");
      },
      close: async () => {
        await Promise.all([root, ...offices.values()].map((p) => p.$disconnect()));
        await db.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

// The embedded database has one connection, and PGlite runs each query and each transaction
// alone on it. For one office, every query and transaction is wrapped in a transaction that
// first becomes `aduan_staff` of the office (SET LOCAL semantics), so the setting can never
// outlive it or leak to another caller.
function asOffice(db: PGlite, instansi: string): PGlite {
  const enter = (tx: Transaction) => tx.query(scopeStatement(true), [instansi]);
  const wrapped: Pick<PGlite, "query" | "exec" | "transaction"> = {
    query: (sql, params, opts) =>
      db.transaction(async (tx) => {
        await enter(tx);
        return tx.query(sql, params, opts);
      }),
    exec: (script, opts) =>
      db.transaction(async (tx) => {
        await enter(tx);
        return tx.exec(script, opts);
      }),
    transaction: (fn) =>
      db.transaction(async (tx) => {
        await enter(tx);
        return fn(tx);
      }),
  };
  // Everything else (the adapter's type checks, dataDir, …) is the real instance's.
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop in wrapped) return wrapped[prop as keyof typeof wrapped];
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
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

/**
 * Fills `<dataDir>/pg` from a tarball made by dumpDataDir (restore), under the data-dir
 * lock; the directory must not hold a database yet.
 */
export async function restorePgliteDataDir(dataDir: string, tarball: Blob): Promise<void> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const release = lockDataDir(dir);
  try {
    if (existsSync(join(dir, "pg"))) throw new Error(`${dir} already holds a database`);
    const { PGlite } = await import("@electric-sql/pglite");
    const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
    const pglite = await PGlite.create({
      dataDir: join(dir, "pg"),
      loadDataDir: tarball,
      extensions: { pg_trgm },
    });
    await pglite.close();
  } finally {
    release();
  }
}

export function dataDirExists(dataDir: string): boolean {
  return existsSync(join(resolve(dataDir), "pg"));
}
