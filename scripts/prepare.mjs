// npm's `prepare` (npm install / npm ci in the repository, and before `npm pack`): generate
// the Prisma client into src/generated/prisma (the build compiles it into dist/, so the
// packed tarball carries it). The Prisma CLI is a dev dependency: without it (an install
// with --omit=dev in a clone) there is nothing to generate and nothing to fail.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

try {
  createRequire(import.meta.url).resolve("prisma/package.json");
} catch {
  console.log("prepare: prisma (dev dependency) not installed; client not generated");
  process.exit(0);
}
const r = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit" });
process.exit(r.status ?? 1);
