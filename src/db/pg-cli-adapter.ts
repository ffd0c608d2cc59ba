// The driver adapter the Prisma CLI uses for migrations on PostgreSQL.
// It works around three adapter-pg 6.19 bugs that only hit the schema engine
// (see ../shared/PRISMA.md): unmapped catalog column types, the shadow database
// silently being the main one with a URL config, and the shadow drop racing the pool.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { parseIntoClientConfig } from "pg-connection-string";
import { PrismaPg } from "@prisma/adapter-pg";

// Built-in OIDs adapter-pg maps itself; any other built-in (< 10000: name, "char", void…)
// would fail to deserialize, so it is reported as text. Their text values are plain strings.
const MAPPED_OIDS = new Set([
  16, 17, 20, 21, 23, 25, 26, 114, 142, 650, 700, 701, 790, 869, 1042, 1043, 1082, 1083, 1114, 1184,
  1266, 1560, 1562, 1700, 2950, 3802, 143, 199, 651, 791, 1000, 1001, 1002, 1005, 1007, 1009, 1014,
  1015, 1016, 1021, 1022, 1028, 1041, 1115, 1182, 1183, 1185, 1231, 1561, 1563, 2951, 3807,
]);
const TEXT_OID = 25;

type FieldLike = { dataTypeID: number };
type ResultLike = { fields?: FieldLike[] };

function patchFields(result: unknown): unknown {
  const fields = (result as ResultLike | undefined)?.fields;
  if (Array.isArray(fields)) {
    for (const f of fields) {
      if (f.dataTypeID < 10000 && !MAPPED_OIDS.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

export class CatalogSafeClient extends pg.Client {
  override query(...args: unknown[]): never {
    const call = super.query as (...a: unknown[]) => unknown;
    // pg.Pool#query passes a callback; direct callers get a promise: patch both paths.
    const last = args[args.length - 1];
    if (typeof last === "function") {
      const cb = last as (e: unknown, r: unknown) => void;
      args[args.length - 1] = (e: unknown, r: unknown) => cb(e, e ? r : patchFields(r));
    }
    const out = call.apply(this, args);
    if (out && typeof (out as Promise<unknown>).then === "function") {
      return (out as Promise<unknown>).then(patchFields) as never;
    }
    return out as never;
  }
}

export function migrationAdapter(url: string): PrismaPg {
  const base = parseIntoClientConfig(url) as pg.PoolConfig;
  const config: pg.PoolConfig = { ...base, Client: CatalogSafeClient };

  class MigrationPg extends PrismaPg {
    override async connectToShadowDb() {
      const database = `prisma_shadow_${randomUUID().replace(/-/g, "")}`;
      await adminQuery(base, `CREATE DATABASE "${database}"`);
      const adapter = await new PrismaPg({ ...config, database }).connect();
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await adminQuery(base, `DROP DATABASE IF EXISTS "${database}"`);
      };
      return adapter;
    }
  }
  return new MigrationPg(config);
}

async function adminQuery(config: pg.ClientConfig, sql: string): Promise<void> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
