// npm start: build when the sources are newer than dist/, then `aduan-hub serve`.
// Without LAPOR_BASE_URL a LAPOR! sandbox is started on loopback and the hub pointed at
// it (LAPOR_BASE_URL/LAPOR_TOKEN for the child), so a newcomer sees cases arrive on the
// first scheduled sync. Set LAPOR_BASE_URL (and LAPOR_TOKEN) to use the real upstream.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const marker = "dist/src/cli/main.js";
const stale =
  !existsSync(marker) ||
  Math.max(newest("src"), newest("adapters"), statSync("package.json").mtimeMs) >
    statSync(marker).mtimeMs;
if (stale) {
  console.log("aduan-hub: building…");
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}

const env = { ...process.env };
let sandbox = null;
if (!env.LAPOR_BASE_URL) {
  const { createLaporSandbox } = await import("../dist/adapters/lapor/sandbox/lapor-sandbox.js");
  const count = Number(env.LAPOR_SANDBOX_COUNT || 500);
  const sb = createLaporSandbox({ count, seed: Number(env.LAPOR_SANDBOX_SEED || 1) });
  sandbox = await sb.start(Number(env.LAPOR_SANDBOX_PORT || 0), "127.0.0.1");
  env.LAPOR_BASE_URL = sandbox.url;
  env.LAPOR_TOKEN = sb.state.token;
  // First cases within a minute instead of waiting for the five-minute mark.
  env.LAPOR_SYNC_CRON ??= "* * * * *";
  console.log(
    `aduan-hub: LAPOR_BASE_URL not set — LAPOR! sandbox with ${count} reports on ${sandbox.url}` +
      " (set LAPOR_BASE_URL and LAPOR_TOKEN for the real upstream)",
  );
}

const child = spawn(process.execPath, ["bin/aduan-hub.js", "serve", ...process.argv.slice(2)], {
  stdio: "inherit",
  env,
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", async (code) => {
  if (sandbox) await sandbox.close().catch(() => {});
  process.exit(code ?? 0);
});
