// Fails when src/generated/api.ts is not what openapi-typescript makes of openapi/hub.yaml.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "aduan-api-"));
const out = join(dir, "api.ts");
try {
  execFileSync(
    process.execPath,
    ["node_modules/openapi-typescript/bin/cli.js", "openapi/hub.yaml", "-o", out],
    { stdio: "pipe" },
  );
  const fresh = readFileSync(out, "utf8");
  const committed = readFileSync("src/generated/api.ts", "utf8");
  if (fresh !== committed) {
    console.error(
      "src/generated/api.ts is stale: run `npm run api:generate` and commit the result.",
    );
    process.exit(1);
  }
  console.log("api types are up to date with openapi/hub.yaml");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
