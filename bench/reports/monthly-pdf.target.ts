// Child of reports.bench.ts: issues the June 2026 monthly PDF once and prints time and
// peak RSS (process.resourceUsage().maxRSS covers only this process).
import { parseConfig } from "../../src/config/config.js";
import { buildContext } from "../../src/hub.js";
import { createLogger } from "../../src/logger.js";
import { issueReport } from "../../src/services/reports.service.js";

const ctx = await buildContext(parseConfig(process.env), { logger: createLogger("warn") });
const rssBefore = process.memoryUsage().rss;
const t = performance.now();
const r = await issueReport(ctx, {
  kind: "monthly",
  format: "pdf",
  year: 2026,
  month: 6,
  actor: null,
});
const ms = performance.now() - t;
const pages = (r.bytes.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length;
const rows = await ctx.db.prisma.case.count({
  where: {
    receivedAt: {
      gte: new Date("2026-06-01T00:00:00+08:00"),
      lt: new Date("2026-07-01T00:00:00+08:00"),
    },
  },
});
await ctx.db.close();
console.log(
  JSON.stringify({
    rows,
    ms,
    bytes: r.bytes.length,
    pages,
    rssBeforeMb: rssBefore / 2 ** 20,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
