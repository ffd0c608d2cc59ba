import { describe, expect, it } from "vitest";
import {
  createCalendar,
  defaultHolidays,
  witaInstant as at,
} from "../../../src/domain/calendar/working-days.js";
import {
  channelGroup,
  CHANNELS,
  computeDue,
  defaultSlaPolicy,
  meetsClassTarget,
  resolveSlaPolicy,
  slaPolicySchema,
  slaState,
  targetFor,
} from "../../../src/domain/sla-policy.js";

const cal = createCalendar({ holidays: defaultHolidays() });
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const endOf = (date: string): string => new Date(at(date).getTime() + 86_400_000 - 1).toISOString();

describe("defaultSlaPolicy", () => {
  it("is valid against its own schema", () => {
    expect(slaPolicySchema.safeParse(defaultSlaPolicy).success).toBe(true);
  });

  it("carries the SOP rows verbatim", () => {
    const { walk_in, online, lapor } = defaultSlaPolicy.groups;
    expect(walk_in.sopSteps).toEqual({
      register: { unit: "minutes", value: 10 },
      forward: { unit: "minutes", value: 10 },
      disposition: { unit: "minutes", value: 10 },
      follow_up: { unit: "working_days", value: 2 },
      report: { unit: "working_days", value: 10 },
    });
    expect(
      Object.fromEntries(Object.entries(online.sopSteps).map(([k, v]) => [k, v.value])),
    ).toEqual({
      receive: 5,
      verify: 10,
      acknowledge: 5,
      forward: 10,
      disposition: 10,
      follow_up: 30,
      reply_to_admin: 10,
      post_reply: 30,
    });
    expect(lapor.sopSteps).toEqual({
      verify: { unit: "working_days", value: 3 },
      follow_up: { unit: "working_days", value: 5 },
      // Closing after the follow-up: LAPOR!'s own auto-close window.
      report: { unit: "working_days", value: 10 },
    });
    expect(defaultSlaPolicy.lapor.autoCloseNoReplyWorkingDays).toBe(10);
    expect(lapor.sopSteps.report?.value).toBe(defaultSlaPolicy.lapor.autoCloseNoReplyWorkingDays);
    expect(defaultSlaPolicy.classTargets).toEqual({
      ringan: { minWorkingDays: 1, maxWorkingDays: 3 },
      sedang: { minWorkingDays: 3, maxWorkingDays: 7 },
      khusus: { minWorkingDays: null, maxWorkingDays: 14 },
    });
  });

  it("puts every channel but legacy_import in exactly one group", () => {
    expect(CHANNELS.map((c) => [c, channelGroup(defaultSlaPolicy, c)])).toEqual([
      ["lapor", "lapor"],
      ["email", "online"],
      ["whatsapp", "online"],
      ["facebook", "online"],
      ["instagram", "online"],
      ["datang_langsung", "walk_in"],
      ["telepon", "walk_in"],
      ["kotak_saran", "walk_in"],
      ["website", "online"],
      ["legacy_import", null],
    ]);
  });

  it("sums SOP rows into clock steps", () => {
    expect(targetFor(defaultSlaPolicy, "whatsapp", "disposition")).toMatchObject({
      unit: "minutes",
      value: 25,
    });
    expect(targetFor(defaultSlaPolicy, "whatsapp", "verify")).toMatchObject({
      value: 15,
      anchor: "received",
    });
    expect(targetFor(defaultSlaPolicy, "whatsapp", "close")).toMatchObject({ value: 40 });
    expect(targetFor(defaultSlaPolicy, "datang_langsung", "verify")).toMatchObject({
      unit: "minutes",
      value: 20,
    });
    expect(targetFor(defaultSlaPolicy, "telepon", "follow_up")).toMatchObject({
      unit: "working_days",
      value: 2,
    });
    expect(targetFor(defaultSlaPolicy, "lapor", "disposition")).toBeNull();
    expect(targetFor(defaultSlaPolicy, "legacy_import", "follow_up")).toBeNull();
  });
});

describe("computeDue", () => {
  it("walk-in follow-up: 2 working days from the disposition, over a weekend", () => {
    const due = computeDue(defaultSlaPolicy, cal, {
      channel: "datang_langsung",
      step: "follow_up",
      startedAt: at("2026-03-13", "16:00"),
    });
    expect(iso(due)).toBe(endOf("2026-03-17"));
  });

  it("walk-in follow-up disposed just before Lebaran 2026 is due after cuti bersama", () => {
    const due = computeDue(defaultSlaPolicy, cal, {
      channel: "telepon",
      step: "follow_up",
      startedAt: at("2026-03-16", "09:00"),
    });
    expect(iso(due)).toBe(endOf("2026-03-25"));
  });

  it("online verification: 15 office minutes from receipt, late-night WhatsApp starts at 08:00", () => {
    const due = computeDue(defaultSlaPolicy, cal, {
      channel: "whatsapp",
      step: "verify",
      startedAt: at("2026-03-09", "21:30"),
    });
    expect(iso(due)).toBe(at("2026-03-10", "08:15").toISOString());
  });

  it("LAPOR! follow-up: 5 working days from receipt, not from the internal step start", () => {
    const due = computeDue(defaultSlaPolicy, cal, {
      channel: "lapor",
      step: "follow_up",
      receivedAt: at("2026-03-16", "10:00"),
      startedAt: at("2026-03-25", "09:00"),
    });
    expect(iso(due)).toBe(endOf("2026-03-30"));
  });

  it("pauses move the deadline; an open pause needs now", () => {
    const input = {
      channel: "datang_langsung" as const,
      step: "follow_up" as const,
      startedAt: at("2026-03-02", "10:00"),
      pauses: [{ from: at("2026-03-03", "09:00"), to: null }],
    };
    expect(() => computeDue(defaultSlaPolicy, cal, input)).toThrow(/open pause/);
    expect(
      iso(computeDue(defaultSlaPolicy, cal, { ...input, now: at("2026-03-05", "10:00") })),
    ).toBe(endOf("2026-03-06"));
  });

  it("returns null when there is no target", () => {
    expect(
      computeDue(defaultSlaPolicy, cal, {
        channel: "legacy_import",
        step: "follow_up",
        startedAt: at("2026-03-02"),
      }),
    ).toBeNull();
  });
});

describe("slaState", () => {
  const startedAt = at("2026-03-09", "08:00");
  const due = at("2026-03-09", "12:00");
  const state = (now: string) =>
    slaState({ startedAt, due, now: at("2026-03-09", now), nearThresholdFraction: 0.25 });
  it("is on_time, then near in the last quarter, then late after due", () => {
    expect(state("09:00")).toBe("on_time");
    expect(state("11:00")).toBe("near");
    expect(state("12:00")).toBe("near");
    expect(state("12:01")).toBe("late");
  });
});

describe("resolveSlaPolicy (operator JSON override)", () => {
  it("without override returns the defaults", () => {
    expect(resolveSlaPolicy(undefined)).toEqual({ ok: true, value: defaultSlaPolicy });
  });

  it("merges a partial override and removes a target with null", () => {
    const r = resolveSlaPolicy({
      nearThresholdFraction: 0.5,
      groups: {
        walk_in: { sopSteps: { follow_up: { unit: "working_days", value: 3 } } },
        online: { clock: { acknowledge: null } },
      },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.nearThresholdFraction).toBe(0.5);
    expect(targetFor(r.value, "datang_langsung", "follow_up")).toMatchObject({ value: 3 });
    expect(targetFor(r.value, "datang_langsung", "disposition")).toMatchObject({ value: 10 });
    expect(targetFor(r.value, "email", "acknowledge")).toBeNull();
  });

  it("rejects unknown keys, a channel in two groups, a missing SOP step and mixed units", () => {
    const codes = [
      { extra: 1 },
      { groups: { online: { channels: ["whatsapp", "telepon"] } } },
      { groups: { walk_in: { sopSteps: { report: null } } } },
      {
        groups: {
          walk_in: {
            clock: { close: { sopSteps: ["disposition", "report"], anchor: "step_start" } },
          },
        },
      },
      { groups: { lapor: { sopSteps: { verify: { unit: "hours", value: 3 } } } } },
    ].map((o) => resolveSlaPolicy(o));
    for (const r of codes)
      expect(r).toMatchObject({ ok: false, error: { code: "SLA_POLICY_INVALID" } });
    const dup = codes[1];
    if (dup && !dup.ok)
      expect(dup.error.message).toMatch(/telepon is already in group walk_in|telepon/);
  });
});

describe("annual class targets", () => {
  it("ringan ≤ 3, sedang ≤ 7, khusus ≤ 14 working days", () => {
    expect(meetsClassTarget(defaultSlaPolicy, "ringan", 3)).toBe(true);
    expect(meetsClassTarget(defaultSlaPolicy, "ringan", 4)).toBe(false);
    expect(meetsClassTarget(defaultSlaPolicy, "sedang", 7)).toBe(true);
    expect(meetsClassTarget(defaultSlaPolicy, "khusus", 15)).toBe(false);
  });
});
