// Boot: config → logger → database (+ migrations) → keyring → registry → HTTP. Used by
// `serve`, by every CLI command (through buildContext), by the tests (on loopback, port 0)
// and by the benchmarks. This is the composition root: the one place (with
// src/registry.ts) that knows the adapters.
import type { Server } from "node:http";
import { nodeSupport } from "./config/node-support.js";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Config } from "./config/config.js";
import type { HubContext, Clock } from "./context.js";
import { openDatabase, type Db } from "./db/database.js";
import { createApp, createProbeApp, type AppOptions } from "./http/app.js";
import { ensureCatalogues } from "./services/catalogue.service.js";
import { createLogger, type Logger } from "./logger.js";
import { loadKeyring } from "./security/keyring.js";
import { fromRoot } from "./util/package-root.js";
import type { Registry } from "./ports/registry.port.js";
import { createRegistry } from "./registry.js";

export { createRegistry, hubServices } from "./registry.js";

/** Every adapter's own option check (LAPOR_TOKEN with LAPOR_BASE_URL…), before boot. */
export function assertAdapterConfig(config: Config): void {
  createRegistry().assertConfig(config);
}

export function hubVersion(): string {
  return (JSON.parse(readFileSync(fromRoot("package.json"), "utf8")) as { version: string })
    .version;
}

export type Hub = {
  ctx: HubContext;
  server: Server;
  url: string;
  close(): Promise<void>;
};

export class PendingMigrationsError extends Error {}

export async function buildContext(
  config: Config,
  opts: {
    logger?: Logger;
    clock?: Clock;
    db?: Db;
    migrate?: boolean;
    requireMigrated?: boolean;
    /** Tests may swap adapters; every process kind gets createRegistry() otherwise. */
    registry?: Registry;
  } = {},
): Promise<HubContext> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const keyring = loadKeyring(config);
  const db = opts.db ?? (await openDatabase(config, logger));
  try {
    if (opts.requireMigrated) {
      // Workers never migrate: an older worker must not run against a newer schema, and a
      // newer one must wait for `aduan-hub migrate` (or an api/all process) to apply it.
      const status = await db.migrationStatus();
      const pending = [...status.failed, ...status.pending, ...status.modified];
      if (pending.length) {
        throw new PendingMigrationsError(
          `database has pending migrations (${pending.join(", ")}); run \`aduan-hub migrate\` first`,
        );
      }
    } else if (opts.migrate !== false) {
      const applied = await db.migrate();
      if (applied.length) logger.info({ applied }, "migrations applied");
    }
  } catch (e) {
    await db.close();
    throw e;
  }
  return {
    config,
    db,
    logger,
    keyring,
    clock: opts.clock ?? (() => new Date()),
    version: hubVersion(),
    registry: opts.registry ?? createRegistry(),
  };
}

export type ServeRole = "api" | "worker" | "all" | "public";

export async function startHub(
  config: Config,
  opts: {
    logger?: Logger;
    clock?: Clock;
    db?: Db;
    app?: AppOptions;
    role?: ServeRole;
    registry?: Registry;
  } = {},
): Promise<Hub> {
  const role = opts.role ?? "all";
  const ctx = await buildContext(config, { ...opts, requireMigrated: role === "worker" });
  await ensureCatalogues(ctx);
  // A worker answers health probes only; the API and console live in api/all processes.
  const app =
    role === "worker"
      ? createProbeApp(ctx)
      : createApp(ctx, { ...opts.app, ...(role === "public" ? { publicOnly: true } : {}) });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once("error", reject);
  });
  server.keepAliveTimeout = 65_000;
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.address.includes(":") ? `[${addr.address}]` : addr.address}:${addr.port}`;
  ctx.logger.info({ url, database: ctx.db.kind }, "aduan-hub listening");
  const node = nodeSupport(process.version, ctx.clock());
  if (!node.ok)
    ctx.logger.warn(
      { node: process.version, ...node },
      node.reason === "end_of_life"
        ? `Node ${node.major} has had no security fixes since ${node.since}: run the hub on Node 24 LTS`
        : `Node ${node.major} is not a supported release: run the hub on Node 24 LTS`,
    );
  let closed = false;
  return {
    ctx,
    server,
    url,
    async close() {
      if (closed) return;
      closed = true;
      ctx.draining = true;
      // server.close waits for in-flight requests; idle keep-alive sockets are closed now.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await ctx.db.close();
    },
  };
}
