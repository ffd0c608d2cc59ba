// Offices isolated in PostgreSQL (issue 13). Rows of an office are protected by row-level
// security (migration 20261206090000_office_rls): the role `aduan_staff` sees and writes only
// rows whose office is the transaction's `aduan.instansi` setting, and nothing when it is
// unset. Every staff request runs its queries in an office scope (set once by the operation
// gate in src/http/gate.ts); the database layer (src/db/database.ts) runs each query and each
// transaction of a scope as `aduan_staff` with that office. Work that must cross offices
// (sync, SLA sweep, retention, seal, outbox, webhook processing) runs in a named system
// scope, as the hub's own database role, which the policies let see every office.
import { AsyncLocalStorage } from "node:async_hooks";

export const STAFF_DB_ROLE = "aduan_staff";

export type DbScope = { kind: "office"; instansi: string } | { kind: "system"; name: string };

const storage = new AsyncLocalStorage<DbScope>();

export function currentScope(): DbScope | undefined {
  return storage.getStore();
}

/** The office of the current staff scope, if any. */
export function scopeOffice(): string | undefined {
  const s = storage.getStore();
  return s?.kind === "office" ? s.instansi : undefined;
}

/** Runs fn (and everything it starts) as staff of one office. */
export function inOffice<T>(instansi: string, fn: () => T): T {
  return storage.run({ kind: "office", instansi }, fn);
}

/**
 * Runs fn (and everything it starts) as the system: the only way code reached from a staff
 * request may cross offices. The name says which system work it is.
 */
export function asSystem<T>(name: string, fn: () => T): T {
  return storage.run({ kind: "system", name }, fn);
}

/** The statement that makes a transaction (or a session) act as staff of an office. */
export function scopeStatement(local: boolean): string {
  return `SELECT set_config('role', '${STAFF_DB_ROLE}', ${local}), set_config('aduan.instansi', $1, ${local})`;
}
