import type { Config } from "../config/config.js";
import type { HubContext } from "../context.js";
import { buildContext } from "../hub.js";
import { createLogger } from "../logger.js";

// CLI commands open the database themselves (migrating it like `serve` does) and close it
// when done; on the embedded default the data-dir lock refuses to run beside a live hub.
export async function withCliContext<T>(
  config: Config,
  fn: (ctx: HubContext) => Promise<T>,
): Promise<T> {
  const ctx = await buildContext(config, {
    logger: createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL),
  });
  try {
    return await fn(ctx);
  } finally {
    await ctx.db.close();
  }
}
