// SLA targets as data. Defaults come from the 2023 SOPs of Dinas Sosial Kabupaten Tabalong
// (walk-in and online tables), the LAPOR! deadlines and the annual report's targets; an
// operator may override any of it from a JSON config validated by `slaPolicyOverrideSchema`.
//
// Two layers, so the SOP numbers stay recognisable:
// - `sopSteps`: the SOP rows verbatim (e.g. walk-in "Meneruskan pengaduan kepada Ketua TIM":
//   10 minutes).
// - `clock`: how the hub measures them on a case. Each clock step (see workflow.ts) sums one
//   or more SOP rows of the same unit, measured from the step's start (the previous
//   transition) or from receipt. Example, online: diverifikasi → didisposisi spans the SOP
//   rows acknowledge (5) + forward (10) + disposition (10) = 25 office minutes.
// Minute targets count office minutes (calendar office hours); day targets count working
// days with the rules documented in calendar/working-days.ts.

import { z } from "zod";
import type { Pause, WorkingCalendar } from "./calendar/working-days.js";
import { err, ok, type Result } from "./result.js";
import { CHANNELS, type Channel } from "./roles.js";
import { CLOCK_STEPS, type ClockStep } from "./workflow.js";

export { CHANNELS, type Channel } from "./roles.js";

export const CHANNEL_GROUPS = ["walk_in", "online", "lapor"] as const;
export type ChannelGroup = (typeof CHANNEL_GROUPS)[number];

export const SOP_STEPS = [
  "register",
  "receive",
  "verify",
  "acknowledge",
  "forward",
  "disposition",
  "follow_up",
  "reply_to_admin",
  "post_reply",
  "report",
] as const;
export type SopStep = (typeof SOP_STEPS)[number];

export const COMPLAINT_CLASSES = ["ringan", "sedang", "khusus"] as const;
export type ComplaintClass = (typeof COMPLAINT_CLASSES)[number];

const targetSchema = z.object({
  unit: z.enum(["minutes", "working_days"]),
  value: z.number().int().positive(),
});
export type SlaTarget = z.infer<typeof targetSchema>;

const clockRuleSchema = z.object({
  sopSteps: z.array(z.enum(SOP_STEPS)).min(1),
  anchor: z.enum(["step_start", "received"]),
});
export type ClockRule = z.infer<typeof clockRuleSchema>;

const groupSchema = z.object({
  channels: z.array(z.enum(CHANNELS)),
  sopSteps: z.partialRecord(z.enum(SOP_STEPS), targetSchema),
  clock: z.partialRecord(z.enum(CLOCK_STEPS), clockRuleSchema),
});
export type SlaGroupPolicy = z.infer<typeof groupSchema>;

const classTargetSchema = z.object({
  minWorkingDays: z.number().int().nonnegative().nullable(),
  maxWorkingDays: z.number().int().positive(),
});

export const slaPolicySchema = z
  .object({
    /** slaState reports `near` once no more than this fraction of the allowed time is left. */
    nearThresholdFraction: z.number().gt(0).lt(1),
    groups: z.object({ walk_in: groupSchema, online: groupSchema, lapor: groupSchema }),
    classTargets: z.object({
      ringan: classTargetSchema,
      sedang: classTargetSchema,
      khusus: classTargetSchema,
    }),
    lapor: z.object({
      /** Upstream closes a report with a follow-up and no citizen reply after this many working days. */
      autoCloseNoReplyWorkingDays: z.number().int().positive(),
    }),
  })
  .superRefine((policy, ctx) => {
    const seen = new Map<Channel, ChannelGroup>();
    for (const g of CHANNEL_GROUPS) {
      const group = policy.groups[g];
      for (const ch of group.channels) {
        const other = seen.get(ch);
        if (other) {
          ctx.addIssue({
            code: "custom",
            path: ["groups", g, "channels"],
            message: `channel ${ch} is already in group ${other}`,
          });
        }
        seen.set(ch, g);
      }
      for (const step of CLOCK_STEPS) {
        const rule = group.clock[step];
        if (!rule) continue;
        const units = new Set<string>();
        for (const s of rule.sopSteps) {
          const t = group.sopSteps[s];
          if (!t) {
            ctx.addIssue({
              code: "custom",
              path: ["groups", g, "clock", step],
              message: `clock step ${step} uses SOP step ${s}, which has no target in group ${g}`,
            });
          } else {
            units.add(t.unit);
          }
        }
        if (units.size > 1) {
          ctx.addIssue({
            code: "custom",
            path: ["groups", g, "clock", step],
            message: `clock step ${step} mixes minutes and working days`,
          });
        }
      }
    }
  });
export type SlaPolicy = z.infer<typeof slaPolicySchema>;

const min = (value: number): SlaTarget => ({ unit: "minutes", value });
const days = (value: number): SlaTarget => ({ unit: "working_days", value });

export const defaultSlaPolicy: SlaPolicy = {
  nearThresholdFraction: 0.25,
  groups: {
    // SOP Penanganan Pengaduan secara Langsung 2023.
    walk_in: {
      channels: ["datang_langsung", "telepon", "kotak_saran"],
      sopSteps: {
        register: min(10), // 2. Petugas loket/front office mencatat pengaduan
        forward: min(10), // 3. Meneruskan pengaduan kepada Ketua Tim
        disposition: min(10), // 4. Ketua Tim mendisposisi ke bidang terkait
        follow_up: days(2), // 5. Kepala Bidang menindaklanjuti
        report: days(10), // 6. Pelaporan dan pengarsipan
      },
      clock: {
        // receivedAt is when the citizen came; registering and handing over happen before verification.
        verify: { sopSteps: ["register", "forward"], anchor: "received" },
        disposition: { sopSteps: ["disposition"], anchor: "step_start" },
        follow_up: { sopSteps: ["follow_up"], anchor: "step_start" },
        close: { sopSteps: ["report"], anchor: "step_start" },
      },
    },
    // SOP Penanganan Pengaduan secara Online 2023.
    online: {
      channels: ["whatsapp", "email", "facebook", "instagram", "website"],
      sopSteps: {
        receive: min(5), // 1. Admin menerima pengaduan
        verify: min(10), // 2. Admin memverifikasi
        acknowledge: min(5), // 3. Respon bahwa pengaduan diterima
        forward: min(10), // 4. Meneruskan kepada Ketua Tim
        disposition: min(10), // 5. Ketua Tim mendisposisi
        follow_up: min(30), // 6. Kepala Bidang menindaklanjuti
        reply_to_admin: min(10), // 7. Balasan tindak lanjut kepada admin
        post_reply: min(30), // 8. Admin meneruskan balasan di media online
      },
      clock: {
        verify: { sopSteps: ["receive", "verify"], anchor: "received" },
        acknowledge: { sopSteps: ["acknowledge"], anchor: "step_start" },
        disposition: { sopSteps: ["acknowledge", "forward", "disposition"], anchor: "step_start" },
        follow_up: { sopSteps: ["follow_up"], anchor: "step_start" },
        close: { sopSteps: ["reply_to_admin", "post_reply"], anchor: "step_start" },
      },
    },
    // SP4N-LAPOR!: the report reaches Dinsos already verified and disposed upstream; the
    // agency's follow-up deadline runs from that disposition (the hub's receipt).
    lapor: {
      channels: ["lapor"],
      sopSteps: {
        verify: days(3),
        follow_up: days(5),
        // After the agency's follow-up the citizen has 10 working days to answer before
        // LAPOR! closes the report (lapor.autoCloseNoReplyWorkingDays): the hub closes it
        // by then too, so a case in ditindaklanjuti has a deadline like every open status.
        report: days(10),
      },
      clock: {
        verify: { sopSteps: ["verify"], anchor: "received" },
        follow_up: { sopSteps: ["follow_up"], anchor: "received" },
        close: { sopSteps: ["report"], anchor: "step_start" },
      },
    },
  },
  // Laporan tahunan 2023: ringan 1–3, sedang 3–7, khusus maksimal 14 hari kerja.
  classTargets: {
    ringan: { minWorkingDays: 1, maxWorkingDays: 3 },
    sedang: { minWorkingDays: 3, maxWorkingDays: 7 },
    khusus: { minWorkingDays: null, maxWorkingDays: 14 },
  },
  lapor: { autoCloseNoReplyWorkingDays: 10 },
};

// ---- operator override ----

const groupOverrideSchema = z
  .object({
    channels: z.array(z.enum(CHANNELS)),
    sopSteps: z.partialRecord(z.enum(SOP_STEPS), targetSchema.nullable()),
    clock: z.partialRecord(z.enum(CLOCK_STEPS), clockRuleSchema.nullable()),
  })
  .partial()
  .strict();

/** Partial policy an operator may put in a JSON config; `null` removes a default target. */
export const slaPolicyOverrideSchema = z
  .object({
    nearThresholdFraction: z.number().gt(0).lt(1),
    groups: z
      .object({
        walk_in: groupOverrideSchema,
        online: groupOverrideSchema,
        lapor: groupOverrideSchema,
      })
      .partial()
      .strict(),
    classTargets: z
      .object({ ringan: classTargetSchema, sedang: classTargetSchema, khusus: classTargetSchema })
      .partial()
      .strict(),
    lapor: z.object({ autoCloseNoReplyWorkingDays: z.number().int().positive() }).strict(),
  })
  .partial()
  .strict();
export type SlaPolicyOverride = z.infer<typeof slaPolicyOverrideSchema>;

export interface SlaPolicyError {
  code: "SLA_POLICY_INVALID";
  message: string;
  issues: { path: string; message: string }[];
}

/** Merge an operator's JSON override onto a base policy (defaults) and validate the result. */
export function resolveSlaPolicy(
  override: unknown,
  base: SlaPolicy = defaultSlaPolicy,
): Result<SlaPolicy, SlaPolicyError> {
  const parsed = slaPolicyOverrideSchema.safeParse(override ?? {});
  if (!parsed.success) return err(policyError(parsed.error));
  const o = parsed.data;
  const merged = {
    nearThresholdFraction: o.nearThresholdFraction ?? base.nearThresholdFraction,
    groups: {
      walk_in: mergeGroup(base.groups.walk_in, o.groups?.walk_in),
      online: mergeGroup(base.groups.online, o.groups?.online),
      lapor: mergeGroup(base.groups.lapor, o.groups?.lapor),
    },
    classTargets: { ...base.classTargets, ...o.classTargets },
    lapor: o.lapor ?? base.lapor,
  };
  const checked = slaPolicySchema.safeParse(merged);
  if (!checked.success) return err(policyError(checked.error));
  return ok(checked.data);
}

function mergeGroup(
  base: SlaGroupPolicy,
  o: z.infer<typeof groupOverrideSchema> | undefined,
): SlaGroupPolicy {
  if (!o) return base;
  const sopSteps: SlaGroupPolicy["sopSteps"] = { ...base.sopSteps };
  for (const [k, v] of Object.entries(o.sopSteps ?? {}) as [
    SopStep,
    SlaTarget | null | undefined,
  ][]) {
    if (v === null) delete sopSteps[k];
    else if (v !== undefined) sopSteps[k] = v;
  }
  const clock: SlaGroupPolicy["clock"] = { ...base.clock };
  for (const [k, v] of Object.entries(o.clock ?? {}) as [
    ClockStep,
    ClockRule | null | undefined,
  ][]) {
    if (v === null) delete clock[k];
    else if (v !== undefined) clock[k] = v;
  }
  return { channels: o.channels ?? base.channels, sopSteps, clock };
}

function policyError(e: z.ZodError): SlaPolicyError {
  const issues = e.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  return {
    code: "SLA_POLICY_INVALID",
    message: `invalid SLA policy: ${issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`,
    issues,
  };
}

// ---- evaluation ----

export function channelGroup(policy: SlaPolicy, channel: Channel): ChannelGroup | null {
  for (const g of CHANNEL_GROUPS) if (policy.groups[g].channels.includes(channel)) return g;
  return null;
}

export interface ResolvedTarget extends SlaTarget {
  group: ChannelGroup;
  anchor: ClockRule["anchor"];
  sopSteps: SopStep[];
}

/** The target of a clock step for a channel, or null when the policy sets none (e.g. legacy_import). */
export function targetFor(
  policy: SlaPolicy,
  channel: Channel,
  step: ClockStep,
): ResolvedTarget | null {
  const group = channelGroup(policy, channel);
  if (!group) return null;
  const g = policy.groups[group];
  const rule = g.clock[step];
  if (!rule) return null;
  let unit: SlaTarget["unit"] | undefined;
  let value = 0;
  for (const s of rule.sopSteps) {
    const t = g.sopSteps[s];
    // slaPolicySchema guarantees every referenced SOP step exists with one unit.
    if (!t) throw new Error(`SLA policy: ${group}.${step} references missing SOP step ${s}`);
    unit = t.unit;
    value += t.value;
  }
  if (!unit) return null;
  return { group, unit, value, anchor: rule.anchor, sopSteps: [...rule.sopSteps] };
}

export interface ComputeDueInput {
  channel: Channel;
  step: ClockStep;
  /** When the step started (the transition that opened it). */
  startedAt: Date;
  /** When the case was received; used by targets anchored at receipt (defaults to startedAt). */
  receivedAt?: Date;
  pauses?: readonly Pause[];
  /** Needed when a pause is still open: the clock is measured as paused up to `now`. */
  now?: Date;
}

/**
 * Due instant of a clock step, or null when the policy has no target for this channel and
 * step (no SLA: legacy imports, LAPOR! intake steps handled upstream, …).
 */
export function computeDue(
  policy: SlaPolicy,
  calendar: WorkingCalendar,
  input: ComputeDueInput,
): Date | null {
  const target = targetFor(policy, input.channel, input.step);
  if (!target) return null;
  const start =
    target.anchor === "received" ? (input.receivedAt ?? input.startedAt) : input.startedAt;
  const pauses = input.pauses ?? [];
  return target.unit === "working_days"
    ? calendar.dueDate(start, target.value, pauses, input.now)
    : calendar.dueDateMinutes(start, target.value, pauses, input.now);
}

export type SlaState = "on_time" | "near" | "late";

/**
 * on_time / near / late of a running step. `near` once at most `nearThresholdFraction` of
 * the allowed wall-clock span (startedAt → due) is left; the span is wall-clock time because
 * it only drives a colour in the console, and the due date itself already honours the
 * working calendar and pauses.
 */
export function slaState(input: {
  startedAt: Date;
  due: Date;
  now: Date;
  nearThresholdFraction: number;
}): SlaState {
  const now = input.now.getTime();
  const due = input.due.getTime();
  if (now > due) return "late";
  const total = due - input.startedAt.getTime();
  if (total <= 0) return "near";
  return due - now <= total * input.nearThresholdFraction ? "near" : "on_time";
}

/** Whether a completion time (in working days, see workingDaysBetween) meets the annual class target. */
export function meetsClassTarget(
  policy: SlaPolicy,
  cls: ComplaintClass,
  workingDays: number,
): boolean {
  return workingDays <= policy.classTargets[cls].maxWorkingDays;
}
