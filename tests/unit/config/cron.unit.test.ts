// One rule for every *_CRON variable (issue 14): a cron expression evaluated in WITA, or
// `off`. The keys come from the config schema itself, so a cron variable added later is
// held to the same rule without touching this file.
import { createRegistry } from "../../../src/registry.js";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ConfigError, configSchema, parseConfig, type Config } from "../../../src/config/config.js";
import type { HubContext } from "../../../src/context.js";
import { allJobs } from "../../../src/jobs/index.js";
import { nextFire, planJobs, startJobRunner } from "../../../src/jobs/runner.js";

const cronKeys = Object.keys(configSchema.shape).filter((k) => k.endsWith("_CRON"));

// Everything configured, so that every job with a schedule is scheduled.
const everythingOn = {
  LAPOR_BASE_URL: "http://lapor.test",
  LAPOR_TOKEN: "token-lapor",
  IMAP_HOST: "imap.test",
  IMAP_USER: "aduan",
  IMAP_PASSWORD: "secret-imap",
  REKAP_TARGETS: JSON.stringify([
    {
      name: "provinsi",
      baseUrl: "http://rekap.test",
      key: "12345678",
      instansiKode: "6309-DINSOS",
    },
  ]),
};

function ctxOf(config: Config): HubContext {
  return {
    config,
    logger: pino({ level: "silent" }),
    clock: () => new Date(),
    version: "test",
    // The jobs ask the registry whether their channel is configured.
    registry: createRegistry(),
  } as unknown as HubContext;
}

const MARK = "17 3 * * 2"; // used by no default

function jobsDrivenBy(key: string): string[] {
  const ctx = ctxOf(parseConfig({ ...everythingOn, [key]: MARK }));
  return planJobs(ctx, allJobs, new Date())
    .filter((p) => p.cron === MARK)
    .map((p) => p.job.id);
}

describe("*_CRON variables", () => {
  it("are read from the schema (the issue's seven at least)", () => {
    expect(cronKeys).toEqual(
      expect.arrayContaining([
        "LAPOR_SYNC_CRON",
        "OUTBOX_FLUSH_CRON",
        "ADUAN_SLA_BREACH_CRON",
        "EMAIL_SYNC_CRON",
        "REKAP_CRON",
        "PDP_RETENTION_CRON",
        "PDP_AUDIT_SEAL_CRON",
      ]),
    );
  });

  describe.each(cronKeys)("%s", (key) => {
    it("schedules a job with its value", () => {
      expect(jobsDrivenBy(key).length).toBeGreaterThan(0);
    });

    it("accepts `off`, which unschedules its job(s) and no other", async () => {
      const driven = jobsDrivenBy(key);
      const config = parseConfig({ ...everythingOn, [key]: "off" });
      expect(config[key as keyof Config]).toBe("off");
      const allOn = await scheduledIds(parseConfig(everythingOn));
      const withOff = await scheduledIds(config);
      expect(withOff).toEqual(allOn.filter((id) => !driven.includes(id)));
      for (const id of driven) expect(allOn).toContain(id);
    });

    it.each([
      "every five minutes",
      "61 * * * *",
      "* * *",
      "* * * * * * *",
      "0 0 30 2 *",
      "OFF",
      "of",
    ])("refuses %j at boot, naming the variable and the rule", (value) => {
      let err: unknown;
      try {
        parseConfig({ ...everythingOn, [key]: value });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues).toEqual([
        { variable: key, message: expect.stringMatching(/cron expression.*WITA.*or off/) },
      ]);
      expect((err as Error).message).toContain(`${key}: must be a cron expression`);
    });

    it.each(["*/10 * * * *", "0 2 1 * *", "30 1 * * 1-5", "*/30 * * * * *", " 0 8 * * * "])(
      "accepts %j",
      (value) => {
        expect(parseConfig({ [key]: value })[key as keyof Config]).toBe(value.trim());
      },
    );
  });
});

async function scheduledIds(config: Config): Promise<string[]> {
  const runner = await startJobRunner(ctxOf(config), allJobs);
  await runner.stop();
  return runner.scheduled().map((s) => s.id);
}

describe("job schedules run in WITA", () => {
  it("fires a 02:00 job at 02:00 Asia/Makassar (18:00 UTC the day before), whatever TZ the process has", () => {
    const ctx = ctxOf(parseConfig({ ...everythingOn, REKAP_CRON: "0 2 * * *" }));
    // 2026-03-01 08:00 WITA
    const plan = planJobs(ctx, allJobs, new Date("2026-03-01T00:00:00Z"));
    const recap = plan.find((p) => p.job.id === "recap.monthly");
    expect(recap?.next.toISOString()).toBe("2026-03-01T18:00:00.000Z");
    // Just before 02:00 WITA on 2 March it is still that instant; just after, the next day.
    expect(nextFire("0 2 * * *", new Date("2026-03-01T17:59:59Z")).toISOString()).toBe(
      "2026-03-01T18:00:00.000Z",
    );
    expect(nextFire("0 2 * * *", new Date("2026-03-01T18:00:00Z")).toISOString()).toBe(
      "2026-03-02T18:00:00.000Z",
    );
  });
});
