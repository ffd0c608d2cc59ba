// The hub's health as /health and /ready report it: the database reachable and every
// migration applied.
import type { HubContext } from "../context.js";
import type { components } from "../generated/api.js";

export type Health = components["schemas"]["Health"];

export async function healthReport(ctx: HubContext): Promise<Health> {
  const health: Health = {
    status: "ok",
    version: ctx.version,
    database: { kind: ctx.db.kind, reachable: true },
    migrations: { current: false },
  };
  try {
    await ctx.db.ping();
    const m = await ctx.db.migrationStatus();
    health.migrations = {
      current: m.pending.length === 0 && m.failed.length === 0 && m.modified.length === 0,
      applied: m.applied.length,
      pending: [...m.failed, ...m.pending],
    };
  } catch (e) {
    health.database.reachable = false;
    health.database.error = e instanceof Error ? e.message.slice(0, 200) : "unreachable";
  }
  if (!health.database.reachable || !health.migrations.current) health.status = "degraded";
  return health;
}
