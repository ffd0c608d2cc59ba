// The hub's V8 flags live in one list (bin/node-flags.js); every way the hub is started
// must carry the same flags, or the memory figures in bench/README.md stop being true.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { HUB_NODE_FLAGS } from "../../../bin/node-flags.js";

const read = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), "utf8");

describe("hub node flags", () => {
  it("sizes the heap below 2 GB, where V8 grows it by less than 2× per full GC", () => {
    const m = HUB_NODE_FLAGS.join(" ").match(/--max-old-space-size=(\d+)/);
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(512);
    expect(Number(m?.[1])).toBeLessThan(2048);
  });

  it("are in the shebang of bin/aduan-hub.js, passed on by `env -S`", () => {
    const first = read("bin/aduan-hub.js").split("\n")[0];
    expect(first).toBe(`#!/usr/bin/env -S node ${HUB_NODE_FLAGS.join(" ")}`);
  });

  it("are in the systemd unit of docs/deploy.md", () => {
    expect(read("docs/deploy.md")).toContain(
      `ExecStart=/opt/node-24/bin/node ${HUB_NODE_FLAGS.join(" ")} node_modules/aduan-hub/bin/aduan-hub.js serve`,
    );
  });

  it("are passed by npm start", () => {
    expect(read("scripts/start.mjs")).toMatch(
      /spawn\(\s*process\.execPath,\s*\[\.\.\.HUB_NODE_FLAGS, "bin\/aduan-hub\.js", "serve"/,
    );
  });

  it("take effect: a node started with them reports the sized heap limit", () => {
    const limitMb = Number(
      execFileSync(process.execPath, [
        ...HUB_NODE_FLAGS,
        "-e",
        "process.stdout.write(String(require('v8').getHeapStatistics().heap_size_limit / 2 ** 20))",
      ]).toString(),
    );
    const flag = Number(HUB_NODE_FLAGS.join(" ").match(/--max-old-space-size=(\d+)/)?.[1]);
    expect(limitMb).toBeGreaterThanOrEqual(flag);
    expect(limitMb).toBeLessThan(flag * 1.2);
  });
});
