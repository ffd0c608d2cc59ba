// Benchmarks run each server under test in its own process, so the load generator and the
// server do not share one event loop (the machine has 2 cores: one each).
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { HUB_NODE_FLAGS } from "../../bin/node-flags.js";

/**
 * Node flags of a hub process under test: the hub's own (bin/node-flags.js), then
 * BENCH_HUB_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") for that process only.
 */
export function hubNodeFlags(): string[] {
  return [
    ...HUB_NODE_FLAGS,
    ...(process.env.BENCH_HUB_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []),
  ];
}

export type Target = { url: string; pid: number; stop(): Promise<{ peakRssMb: number }> };

export async function spawnTarget(
  script: URL,
  args: string[],
  env: Record<string, string> = {},
  // Node flags for the target process (hub targets pass HUB_NODE_FLAGS, as the hub runs).
  nodeFlags: readonly string[] = [],
): Promise<Target> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeFlags, "--import", "tsx", fileURLToPath(script), ...args],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let buf = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const m = buf.match(/^LISTENING (\S+)$/m);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`target exited early (${code})`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.stdout!.on("data", (d: Buffer) => {
          buf += d.toString();
        });
        child.once("exit", () => {
          const m = buf.match(/^PEAK_RSS_MB (\d+)$/m);
          resolve({ peakRssMb: m ? Number(m[1]) : NaN });
        });
        child.kill("SIGTERM");
      }),
  };
}

// For target scripts: report the listening URL and, on SIGTERM, the peak RSS.
export function reportTarget(url: string, close: () => Promise<void>): void {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  t.unref();
  process.stdout.write(`LISTENING ${url}\n`);
  process.on("SIGTERM", () => {
    peak = Math.max(peak, process.memoryUsage().rss);
    process.stdout.write(`PEAK_RSS_MB ${Math.round(peak / 1024 / 1024)}\n`);
    close().finally(() => process.exit(0));
  });
}
