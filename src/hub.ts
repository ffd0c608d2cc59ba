// Boot: config → logger → database (+ migrations) → keyring → HTTP. Used by `serve`, by
// the tests (on loopback, port 0) and by the benchmarks.
import type { Server } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Config } from "./config/config.js";
import type { HubContext, Clock } from "./context.js";
import { openDatabase, type Db } from "./db/database.js";
import { createApp, type AppOptions } from "./http/app.js";
import { createLogger, type Logger } from "./logger.js";
import { loadKeyring } from "./security/keyring.js";
import { fromRoot } from "./util/package-root.js";

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

export async function buildContext(
  config: Config,
  opts: { logger?: Logger; clock?: Clock; db?: Db; migrate?: boolean } = {},
): Promise<HubContext> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const keyring = loadKeyring(config);
  const db = opts.db ?? (await openDatabase(config, logger));
  if (opts.migrate !== false) {
    try {
      const applied = await db.migrate();
      if (applied.length) logger.info({ applied }, "migrations applied");
    } catch (e) {
      await db.close();
      throw e;
    }
  }
  return {
    config,
    db,
    logger,
    keyring,
    clock: opts.clock ?? (() => new Date()),
    version: hubVersion(),
  };
}

export async function startHub(
  config: Config,
  opts: { logger?: Logger; clock?: Clock; db?: Db; app?: AppOptions } = {},
): Promise<Hub> {
  const ctx = await buildContext(config, opts);
  const app = createApp(ctx, opts.app);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once("error", reject);
  });
  server.keepAliveTimeout = 65_000;
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.address.includes(":") ? `[${addr.address}]` : addr.address}:${addr.port}`;
  ctx.logger.info({ url, database: ctx.db.kind }, "aduan-hub listening");
  let closed = false;
  return {
    ctx,
    server,
    url,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await ctx.db.close();
    },
  };
}
