import type { Router } from "express";
import type { HubContext } from "../../context.js";
import { annualCounts } from "../../services/annual-counts.service.js";
import { h } from "../async-handler.js";
import { audit } from "../../services/audit.service.js";

export function reportsRoutes(r: Router, ctx: HubContext): void {
  r.get(
    "/reports/annual",
    h(async (req, res) => {
      const year = Number(req.query.year);
      const counts = await annualCounts(ctx, year);
      await audit(ctx.db.prisma, {
        actor: req.user!,
        action: "report.annual.read",
        purpose: "laporan tahunan",
        data: { year },
      });
      res.json(counts);
    }),
  );
}
