import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// The log scan (tests/integration/zz-log-scan…) reads the logs every other test hub wrote,
// so it must run last; the default sequencer orders by duration and size.
class LogScanLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const last = (f: TestSpecification) => (f.moduleId.includes("/zz-") ? 1 : 0);
    return [...sorted].sort((a, b) => last(a) - last(b));
  }
}

export default defineConfig({
  test: {
    // The default output, then the skipped suites and how to install their peers (issue 17).
    reporters: ["default", "./tests/helpers/skipped-peers.reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/**/*.unit.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/**/*.integration.test.ts"],
          environment: "node",
          globalSetup: ["tests/helpers/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          pool: "forks",
          sequence: { sequencer: LogScanLastSequencer },
        },
      },
    ],
  },
});
