#!/usr/bin/env -S node --max-old-space-size=1024
// (the flags of bin/node-flags.js: `env -S` passes them on when this file is run directly)
// Runs the built CLI (npm start / npm run build produce dist/).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const built = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(built))) {
  console.error("aduan-hub: not built yet; run `npm run build` (or `npm start`) first");
  process.exit(1);
}
const { main } = await import(built.href);
await main(process.argv.slice(2));
