import { defineConfig } from "vitest/config";

// Integration files run WORKERS at a time (ADUAN_TEST_WORKERS, default 2: the machines have
// two cores), each worker in its own database cloned from the run's migrated template
// (tests/helpers/global-setup.ts, worker-db.setup.ts). The log scan reads the logs every
// other test hub wrote, so it is its own project, run after the others (groupOrder).
const WORKERS = Number(process.env.ADUAN_TEST_WORKERS ?? 2);
const LOG_SCAN = "tests/integration/zz-log-scan.integration.test.ts";
const integration = {
  environment: "node" as const,
  globalSetup: ["tests/helpers/global-setup.ts"],
  setupFiles: ["tests/helpers/worker-db.setup.ts"],
  testTimeout: 60_000,
  hookTimeout: 120_000,
  // expect.poll waits for a page or a worker to catch up; its 1 s default is shorter than a
  // browser step takes on two busy cores.
  expect: { poll: { timeout: 15_000 } },
  pool: "forks" as const,
};

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
          // One group with the integration files, so one worker limit for both.
          maxWorkers: WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...integration,
          name: "integration",
          include: ["tests/**/*.integration.test.ts"],
          exclude: [LOG_SCAN],
          maxWorkers: WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...integration,
          name: "log-scan",
          include: [LOG_SCAN],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
