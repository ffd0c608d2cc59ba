import type { Router } from "express";
import type { HubContext } from "../../context.js";
import type { components } from "../../generated/api.js";
import { apiSpec } from "../spec.js";
import { publicRoute } from "../gate.js";

type Health = components["schemas"]["Health"];

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

export function systemRoutes(r: Router, ctx: HubContext): void {
  publicRoute(r, "getHealth", async (_req, res) => {
    const health = await healthReport(ctx);
    res.status(health.status === "ok" ? 200 : 503).json(health);
  });
  // Liveness: the process answers. Readiness: it can serve (database, migrations, not draining).
  publicRoute(r, "getLiveness", (_req, res) => {
    res.json({ status: "ok", version: ctx.version, uptimeSeconds: Math.round(process.uptime()) });
  });
  publicRoute(r, "getReadiness", async (_req, res) => {
    const health = await healthReport(ctx);
    const ready = health.status === "ok" && !ctx.draining;
    res
      .status(ready ? 200 : 503)
      .json({ ...health, status: ready ? "ok" : "degraded", draining: Boolean(ctx.draining) });
  });
  publicRoute(r, "getOpenApi", (_req, res) => {
    res.json(apiSpec());
  });
}
