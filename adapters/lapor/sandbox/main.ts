import { createLaporSandbox } from "./lapor-sandbox.js";

// Standalone fake LAPOR! for local runs: `npx tsx adapters/lapor/sandbox/main.ts`.
// LAPOR_SANDBOX_PORT (default 4010), LAPOR_SANDBOX_SEED (1), LAPOR_SANDBOX_COUNT (500),
// LAPOR_SANDBOX_TOKEN (sandbox-token), LAPOR_SANDBOX_HOST (127.0.0.1).

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const port = intFromEnv("LAPOR_SANDBOX_PORT", 4010);
const seed = intFromEnv("LAPOR_SANDBOX_SEED", 1);
const count = intFromEnv("LAPOR_SANDBOX_COUNT", 500);
const token = process.env.LAPOR_SANDBOX_TOKEN || "sandbox-token";
const host = process.env.LAPOR_SANDBOX_HOST || "127.0.0.1";

const started = performance.now();
const sandbox = createLaporSandbox({ seed, count, token, relativeTo: Date.now() });
const running = await sandbox.start(port, host);
console.log(
  `LAPOR! sandbox: ${count} reports (seed ${seed}) generated in ${Math.round(performance.now() - started)} ms`,
);
console.log(`LAPOR_BASE_URL=${running.url}`);
console.log(`LAPOR_TOKEN=${token}`);
console.log(
  `faults: curl -X POST ${running.url}/__sandbox/faults -H 'content-type: application/json' -d '{"rateLimitEvery":5}'`,
);

const stop = (): void => {
  void running.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
