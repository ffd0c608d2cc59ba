// A vitest reporter beside the default one: when a run skipped tests, it ends by naming the
// files and, when a test peer was missing, why and the command that installs the peers.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { INSTALL_PEERS, SKIP_MARKERS } from "./skipped-peers.js";

export type SkippedFile = { file: string; skipped: number };

/** The closing lines of a run (empty when nothing was skipped). */
export function skippedSummary(files: SkippedFile[], reasons: string[]): string[] {
  if (!files.length) return [];
  const total = files.reduce((n, f) => n + f.skipped, 0);
  const lines = [`Skipped ${total} test(s) in ${files.length} file(s):`];
  for (const f of files) lines.push(`  ${f.file} (${f.skipped})`);
  if (reasons.length) {
    lines.push("Missing test peers:");
    for (const r of [...new Set(reasons)].sort()) lines.push(`  - ${r}`);
    lines.push(`Install them with: ${INSTALL_PEERS}   (then run npm test again)`);
  }
  return lines;
}

export function readSkipReasons(dir = SKIP_MARKERS): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".txt"))
    .map((f) => readFileSync(join(dir, f), "utf8").trim());
}

export default class SkippedPeersReporter implements Reporter {
  onTestRunStart(): void {
    rmSync(SKIP_MARKERS, { recursive: true, force: true });
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const files = modules
      .map((m) => ({
        file: relative(process.cwd(), m.moduleId),
        skipped: [...m.children.allTests("skipped")].length,
      }))
      .filter((f) => f.skipped > 0)
      .sort((a, b) => a.file.localeCompare(b.file));
    const lines = skippedSummary(files, readSkipReasons());
    if (lines.length) process.stdout.write(`\n${lines.join("\n")}\n`);
  }
}
