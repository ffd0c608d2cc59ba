// Shared set-up for the LAPOR! sync tests: a sandbox on loopback and a test hub pointed at it.
import {
  createLaporSandbox,
  type LaporSandbox,
  type RunningSandbox,
  type SandboxFaults,
} from "../../../adapters/lapor/sandbox/lapor-sandbox.js";
import { createLaporClient, createLaporSource } from "../../../adapters/lapor/lapor.sync.js";
import type { LaporClient } from "../../../adapters/lapor/lapor.client.js";
import { runSync, type RunSyncOptions } from "../../../src/sync/sync-engine.js";
import { startTestHub, type TestHub } from "../../helpers/test-hub.js";
import type { RetryPolicy } from "../../../src/sync/retry-policy.js";

export const FAST_RETRY: RetryPolicy = {
  retries: 4,
  minTimeoutMs: 5,
  maxTimeoutMs: 50,
  factor: 2,
  jitter: true,
  maxRetryAfterMs: 5_000,
};

export type Harness = {
  sandbox: LaporSandbox;
  running: RunningSandbox;
  hub: TestHub;
  sync(opts?: RunSyncOptions & { client?: LaporClient }): ReturnType<typeof runSync>;
  client(policy?: RetryPolicy): LaporClient;
  faults(f: SandboxFaults): void;
  close(): Promise<void>;
};

export async function startHarness(opts: {
  count?: number;
  seed?: number;
  name: string;
  env?: Record<string, string>;
  token?: string;
}): Promise<Harness> {
  const sandbox = createLaporSandbox({ count: opts.count ?? 120, seed: opts.seed ?? 7 });
  const running = await sandbox.start(0, "127.0.0.1");
  const hub = await startTestHub({
    name: opts.name,
    env: {
      LAPOR_BASE_URL: running.url,
      LAPOR_TOKEN: opts.token ?? sandbox.state.token,
      LAPOR_PAGE_SIZE: "50",
      ADUAN_DATA_DIR: `test-output/data/${opts.name}`,
      ...opts.env,
    },
  });
  const client = (policy: RetryPolicy = FAST_RETRY) =>
    createLaporClient(hub.ctx, { retryPolicy: policy });
  return {
    sandbox,
    running,
    hub,
    client,
    sync: (o = {}) =>
      runSync(hub.ctx, createLaporSource(hub.ctx, { client: o.client ?? client() }), o),
    faults: (f) => sandbox.state.setFaults(f),
    close: async () => {
      await hub.close();
      await running.close();
    },
  };
}

export async function count(h: Harness, table: string, where = "TRUE"): Promise<number> {
  const rows = await h.hub.ctx.db.sql.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM "${table}" WHERE ${where}`,
  );
  return Number(rows[0]?.n ?? 0);
}
