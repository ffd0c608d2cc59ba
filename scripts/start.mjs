// npm start: build when the sources are newer than dist/, then `aduan-hub serve`.
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
const child = spawn(process.execPath, ["bin/aduan-hub.js", "serve", ...process.argv.slice(2)], {
  stdio: "inherit",
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
