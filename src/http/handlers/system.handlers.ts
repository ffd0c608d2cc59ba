import type { Router } from "express";
import type { HubContext } from "../../context.js";
import { healthReport } from "../../services/health.service.js";
import { apiSpec } from "../spec.js";
import { publicRoute } from "../gate.js";

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
