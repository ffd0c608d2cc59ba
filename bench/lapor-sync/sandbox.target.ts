// The LAPOR! sandbox as its own process for bench/lapor-sync, so the hub's memory and CPU
// are measured without it. Prints LISTENING <url> (bench/lib/spawn-target.ts).
import { createLaporSandbox } from "../../adapters/lapor/sandbox/lapor-sandbox.js";
import { reportTarget } from "../lib/spawn-target.js";

const count = Number(process.argv[2] ?? 100_000);
const token = process.argv[3] ?? "bench-token";
const sandbox = createLaporSandbox({ count, seed: 1, token });
const running = await sandbox.start(0, "127.0.0.1");
reportTarget(running.url, () => running.close());
