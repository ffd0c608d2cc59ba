// `npm test` on a machine without dovecot or Chromium (issue 17): the run ends by naming the
// suites it skipped, why, and the one command that installs their peers. A real vitest run
// of two peer-dependent files, with both peers made unfindable.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { skippedSummary } from "../../helpers/skipped-peers.reporter.js";

describe("skipped suites are named at the end of a run", () => {
  it("a run without dovecot and chromium names the files, the reasons and .ci/install-peers", () => {
    const markers = mkdtempSync(join(tmpdir(), "aduan-skip-"));
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DOVECOT_BIN: "/nonexistent/dovecot",
        ADUAN_CHROMIUM: "/nonexistent/chromium",
        ADUAN_SKIP_MARKERS: markers,
        ADUAN_REQUIRE_DOVECOT: "",
        ADUAN_REQUIRE_BROWSER: "",
        CI: "",
      };
      const r = spawnSync(
        process.execPath,
        [
          "node_modules/vitest/vitest.mjs",
          "run",
          "tests/integration/adapters/email/dovecot.integration.test.ts",
          "tests/e2e/case-jenis.integration.test.ts",
        ],
        { env, encoding: "utf8", timeout: 240_000 },
      );
      const out = r.stdout + r.stderr;
      expect(r.status, out.slice(-2000)).toBe(0);
      const tail = out.slice(out.lastIndexOf("Skipped "));
      expect(tail).toMatch(/^Skipped \d+ test\(s\) in 2 file\(s\):/);
      expect(tail).toContain("tests/integration/adapters/email/dovecot.integration.test.ts");
      expect(tail).toContain("tests/e2e/case-jenis.integration.test.ts");
      expect(tail).toContain("dovecot (IMAP tests)");
      expect(tail).toContain("chromium (console e2e tests): /nonexistent/chromium not found");
      expect(tail).toContain("Install them with: sudo bash .ci/install-peers");
      // The command named is the one CI runs.
      expect(readFileSync(".ci/run", "utf8")).toContain("bash .ci/install-peers");
    } finally {
      rmSync(markers, { recursive: true, force: true });
    }
  });

  it("says nothing when nothing was skipped", () => {
    expect(skippedSummary([], ["x"])).toEqual([]);
    expect(skippedSummary([{ file: "a.test.ts", skipped: 2 }], [])).toEqual([
      "Skipped 2 test(s) in 1 file(s):",
      "  a.test.ts (2)",
    ]);
  });
});
