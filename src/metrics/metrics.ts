// Prometheus metrics (issue 17), one registry per hub context (tests run several hubs in
// one process). Request latency is observed as requests end; everything read from the
// database (sync runs, outbox, dead letters, jobs, SLA breaches) is computed at scrape
// time, as the system (it counts every office), so every process of a shared database
// reports the same values and nothing is kept in memory between scrapes.
import { timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler } from "express";
import client from "prom-client";
import type { HubContext } from "../context.js";
import { asSystem } from "../db/scope.js";
import { readMetricsSnapshot } from "../repos/metrics.repo.js";

export type HubMetrics = {
  registry: client.Registry;
  httpDuration: client.Histogram<"operation" | "method" | "status">;
};

const byContext = new WeakMap<HubContext, HubMetrics>();

export function hubMetrics(ctx: HubContext): HubMetrics {
  let m = byContext.get(ctx);
  if (!m) byContext.set(ctx, (m = createMetrics(ctx)));
  return m;
}

const seconds = (d: Date | null | undefined): number => (d ? new Date(d).getTime() / 1000 : 0);

function createMetrics(ctx: HubContext): HubMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "aduan_" });
  const httpDuration = new client.Histogram({
    name: "aduan_http_request_duration_seconds",
    help: "HTTP request latency by OpenAPI operationId (page, metrics or unmatched outside the API)",
    labelNames: ["operation", "method", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  // One database read per scrape, shared by every gauge below.
  let pending: Promise<Awaited<ReturnType<typeof readMetricsSnapshot>>> | null = null;
  const snapshot = () => {
    pending ??= asSystem("metrics", () => readMetricsSnapshot(ctx)).finally(() => {
      setImmediate(() => (pending = null));
    });
    return pending;
  };

  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (
      g: client.Gauge<L>,
      s: Awaited<ReturnType<typeof readMetricsSnapshot>>,
      now: Date,
    ) => void,
  ) =>
    new client.Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const s = await snapshot();
        this.reset();
        fill(this, s, ctx.clock());
      },
    });

  gauge(
    "aduan_sync_runs",
    "Sync runs recorded, by stream and status",
    ["stream", "status"],
    (g, s) => {
      for (const r of s.syncRuns) g.set({ stream: r.stream, status: r.status }, r.runs);
    },
  );
  gauge(
    "aduan_sync_records",
    "Records of all recorded sync runs, by stream and result (added, updated, unchanged, failed)",
    ["stream", "result"],
    (g, s) => {
      for (const r of s.syncRecords) {
        g.set({ stream: r.stream, result: "added" }, r.added);
        g.set({ stream: r.stream, result: "updated" }, r.updated);
        g.set({ stream: r.stream, result: "unchanged" }, r.unchanged);
        g.set({ stream: r.stream, result: "failed" }, r.failed);
      }
    },
  );
  gauge(
    "aduan_sync_last_success_timestamp_seconds",
    "Unix time of each stream's last successful sync",
    ["stream"],
    (g, s) => {
      for (const r of s.syncStates)
        if (r.lastSuccessAt) g.set({ stream: r.stream }, seconds(r.lastSuccessAt));
    },
  );
  gauge("aduan_outbox_backlog", "Outbox entries waiting to be sent, by kind", ["kind"], (g, s) => {
    for (const r of s.outbox) g.set({ kind: r.kind }, r.pending);
  });
  gauge(
    "aduan_outbox_oldest_age_seconds",
    "Age of the oldest outbox entry waiting to be sent, by kind",
    ["kind"],
    (g, s, now) => {
      for (const r of s.outbox)
        g.set({ kind: r.kind }, Math.max(0, (now.getTime() - new Date(r.oldest).getTime()) / 1000));
    },
  );
  gauge(
    "aduan_dead_letters_open",
    "Dead letters not yet replayed or discarded, by source",
    ["source"],
    (g, s) => {
      for (const r of s.deadLetters) g.set({ source: r.source }, r.open);
    },
  );
  gauge(
    "aduan_job_last_success_timestamp_seconds",
    "Unix time each scheduled job last completed",
    ["job"],
    (g, s) => {
      for (const r of s.jobs) g.set({ job: r.job }, seconds(r.completedAt));
    },
  );
  gauge(
    "aduan_sla_breaches_open",
    "Open cases past the due date of their current SLA step, by office",
    ["instansi"],
    (g, s) => {
      for (const r of s.slaBreaches) g.set({ instansi: r.instansi }, r.open);
    },
  );
  return { registry, httpDuration };
}

/** The label of a request: its operationId, else what it was outside the API. */
export function operationLabel(req: Request): string {
  if (req.operation) return req.operation.id;
  if (req.path === "/metrics") return "metrics";
  return req.path.startsWith("/api/") ? "unmatched" : "page";
}

/** A caller on this machine, not relayed by a proxy on it (a relayed one may be anyone). */
function fromLoopback(req: Request): boolean {
  const a = req.socket.remoteAddress ?? "";
  const loop = a === "::1" || a.startsWith("127.") || a.startsWith("::ffff:127.");
  return (
    loop && req.headers["x-forwarded-for"] === undefined && req.headers.forwarded === undefined
  );
}

function tokenMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith("Bearer ")) return false;
  const given = Buffer.from(header.slice(7));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** GET /metrics: Prometheus text format, for loopback callers or with the metrics token. */
export function metricsHandler(ctx: HubContext): RequestHandler {
  return (req, res, next) => {
    if (
      !fromLoopback(req) &&
      !tokenMatches(req.headers.authorization, ctx.config.ADUAN_METRICS_TOKEN)
    ) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
      res
        .status(401)
        .type("text/plain")
        .send("metrics: loopback only, or Authorization: Bearer <ADUAN_METRICS_TOKEN>\n");
      return;
    }
    const { registry } = hubMetrics(ctx);
    registry.metrics().then((text) => {
      res.setHeader("Cache-Control", "no-store");
      res.type(registry.contentType).send(text);
    }, next);
  };
}
