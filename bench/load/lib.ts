// Shared pieces of the issue-10 load tests: scratch databases, hub environment, staff
// logins, autocannon runs and the printed comparison against a baseline measured in the
// same run. Every server under test runs in its own process (bench/lib/spawn-target.ts).
import autocannon from "autocannon";
import type { Target } from "../lib/spawn-target.js";

export { ADMIN_URL, dbUrl, hubEnv, scratchDb } from "../lib/scratch-db.js";
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

/** Adds staff users straight through the service (the hub must have migrated the db). */
export async function addStaff(
  env: Record<string, string>,
  users: { username: string; role: string; bidang?: string }[],
): Promise<void> {
  const { addUser } = await import("../../src/services/auth.service.js");
  const { buildContext } = await import("../../src/hub.js");
  const { parseConfig } = await import("../../src/config/config.js");
  const ctx = await buildContext(parseConfig(env), { migrate: false });
  try {
    for (const u of users) {
      const known = await ctx.db.prisma.user.findUnique({ where: { username: u.username } });
      if (!known) await addUser(ctx, { ...u, password: "bench-password-1" });
    }
  } finally {
    await ctx.db.close();
  }
}

export async function login(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: "bench-password-1" }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export type Run = { rps: number; p50: number; p99: number; total: number };

export async function load(
  opts: autocannon.Options,
  { allowNon2xx = false }: { allowNon2xx?: boolean } = {},
): Promise<Run> {
  const r = await autocannon({ duration: SECONDS, connections: 20, ...opts });
  if ((!allowNon2xx && r.non2xx) || r.errors)
    throw new Error(`bench target failed on ${opts.url}: non2xx=${r.non2xx} errors=${r.errors}`);
  // A burst (fixed amount) lasts a few seconds: total over elapsed, not per-second samples.
  const rps = opts.amount ? r.requests.total / r.duration : r.requests.average;
  return { rps, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total };
}

const fmt = (r: Run) =>
  `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(5)} ms`;

export function report(label: string, base: Run, hub: Run): void {
  console.log(`${label}`);
  console.log(`  baseline : ${fmt(base)}`);
  console.log(`  hub      : ${fmt(hub)}   ratio ${(hub.rps / base.rps).toFixed(2)}`);
}

// A bench that fails half-way must not leave its servers running.
const started = new Set<number>();
process.on("exit", () => {
  for (const pid of started) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

export function track<T extends Target>(t: T): T {
  started.add(t.pid);
  return t;
}

export async function stopAll(targets: Record<string, Target>): Promise<void> {
  for (const [name, t] of Object.entries(targets)) {
    started.delete(t.pid);
    const { peakRssMb } = await t.stop();
    console.log(`peak RSS ${name.padEnd(9)}: ${peakRssMb} MB`);
  }
}
