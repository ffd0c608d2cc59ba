import type { Config } from "./config/config.js";
import type { Db } from "./db/database.js";
import type { Keyring } from "./security/crypto.js";
import type { Logger } from "pino";
import type { Registry } from "./ports/registry.port.js";

export type Clock = () => Date;

// Everything a handler or job needs, built once at boot and passed down explicitly.
export type HubContext = {
  config: Config;
  db: Db;
  logger: Logger;
  keyring: Keyring;
  clock: Clock;
  version: string;
  /** Every adapter (channels, publishers, look-ups), built by the composition root. */
  registry: Registry;
  /** Set on SIGTERM: readiness answers 503 so a load balancer stops sending traffic. */
  draining?: boolean;
};
