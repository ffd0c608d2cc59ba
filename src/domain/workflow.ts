// Case statuses and who may move a case between them, after Keputusan Kepala Dinas Sosial
// Kabupaten Tabalong Nomor 21 Tahun 2023 and the two 2023 SOPs. Pure data + checks: the
// services raise the error values as DomainErrors; the HTTP status of each code is the
// error middleware's.
//
// Decisions (the decree leaves them open):
// - The koordinator (Sekretaris Dinas, ketua tim) is responsible for the whole team, so it
//   may perform every case step; admin manages users and catalogues and never works cases.
// - kadis (penanggung jawab) may close a case (selesai / tidak_dapat_ditindaklanjuti) and
//   decides escalation to audit; it does not do intake or disposition.
// - front_office registers, verifies and acknowledges; a failed verification (spam, not a
//   complaint, duplicate) may end a case as tidak_dapat_ditindaklanjuti with a reason.
// - A penelaah acts only on cases disposed to its own bidang.
// - A re-disposition (didisposisi → didisposisi, or ditindaklanjuti → didisposisi) is the
//   koordinator's: it sends the case to another bidang.
// - Reopen (selesai / tidak_dapat_ditindaklanjuti → diverifikasi) is the koordinator's and
//   needs a reason: the case returns to the koordinator's desk, verified, for a fresh
//   disposition; the SLA clock starts again from the reopen.

import { err, ok, type Result } from "./result.js";
import { DomainError } from "./errors.js";
import { BIDANG_CODES, isBidang, type BidangCode, type Role } from "./roles.js";

/**
 * The penelaah rule, in one place: a penelaah changes only cases disposed to their own
 * bidang (reads are the office's). The gate applies it to every write of the API; the
 * transition and action checks below use it too.
 */
export function penelaahMayWrite(userBidang: string | null, caseBidang: string | null): boolean {
  return userBidang !== null && userBidang === caseBidang;
}

/** The 403 of that rule, naming the case's bidang when it has one. */
export function bidangForbidden(caseBidang: string | null): DomainError {
  return new DomainError(
    "BIDANG_FORBIDDEN",
    "Penelaah hanya dapat menangani kasus yang didisposisikan ke bidangnya",
    caseBidang ? { allowed: [caseBidang] } : {},
  );
}

export const CASE_STATUSES = [
  "diterima",
  "diverifikasi",
  "didisposisi",
  "ditindaklanjuti",
  "selesai",
  "tidak_dapat_ditindaklanjuti",
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export { BIDANG, BIDANG_CODES, isBidang, ROLES, type Role } from "./roles.js";
export type Bidang = BidangCode;

export function isCaseStatus(value: unknown): value is CaseStatus {
  return typeof value === "string" && (CASE_STATUSES as readonly string[]).includes(value);
}

/** Statuses that end a case: no SLA step runs, only a reopen leaves them. */
export const FINAL_STATUSES = [
  "selesai",
  "tidak_dapat_ditindaklanjuti",
] as const satisfies readonly CaseStatus[];
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export function isFinalStatus(value: unknown): value is FinalStatus {
  return typeof value === "string" && (FINAL_STATUSES as readonly string[]).includes(value);
}

export const STATUS_LABELS: Readonly<Record<CaseStatus, string>> = {
  diterima: "Diterima",
  diverifikasi: "Diverifikasi",
  didisposisi: "Didisposisi",
  ditindaklanjuti: "Ditindaklanjuti",
  selesai: "Selesai",
  tidak_dapat_ditindaklanjuti: "Tidak dapat ditindaklanjuti",
};

/**
 * What an upstream system's status (LAPOR!) may do to a hub case, as data: move it
 * forward (LAPOR! may skip steps the hub never took), or close it; never backwards, never
 * a reopen, never a re-close of a case the hub already closed. Anything not listed leaves
 * the hub status as it is. Applied by the intake pipeline (src/intake/upstream.ts), which
 * records each move as a status.changed of kind "upstream" with its actor.
 */
export const UPSTREAM_TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  diterima: [
    "diverifikasi",
    "didisposisi",
    "ditindaklanjuti",
    "selesai",
    "tidak_dapat_ditindaklanjuti",
  ],
  diverifikasi: ["didisposisi", "ditindaklanjuti", "selesai", "tidak_dapat_ditindaklanjuti"],
  didisposisi: ["ditindaklanjuti", "selesai", "tidak_dapat_ditindaklanjuti"],
  ditindaklanjuti: ["selesai", "tidak_dapat_ditindaklanjuti"],
  selesai: [],
  tidak_dapat_ditindaklanjuti: [],
};

/** The hub status after an upstream status arrives (UPSTREAM_TRANSITIONS). */
export function nextHubStatus(current: CaseStatus, upstream: CaseStatus): CaseStatus {
  return UPSTREAM_TRANSITIONS[current].includes(upstream) ? upstream : current;
}

/**
 * SLA clock steps. A status transition completes one of them; the SLA policy says how long
 * each may take per channel group. `acknowledge` is completed by the acknowledgement reply
 * (an event, not a status).
 */
export const CLOCK_STEPS = ["verify", "acknowledge", "disposition", "follow_up", "close"] as const;
export type ClockStep = (typeof CLOCK_STEPS)[number];

export type TransitionKind = "advance" | "redispose" | "close" | "reopen";

export interface TransitionRule {
  from: CaseStatus;
  to: CaseStatus;
  kind: TransitionKind;
  roles: readonly Role[];
  requiresBidang: boolean;
  requiresReason: boolean;
  /** SLA step this transition completes (null: none, e.g. reopen restarts the clock). */
  completesStep: ClockStep | null;
}

const CLOSERS: readonly Role[] = ["penelaah", "koordinator", "kadis"];

export const transitionTable: readonly TransitionRule[] = [
  // Intake: the front office (online admin) verifies; the koordinator may stand in.
  rule("diterima", "diverifikasi", "advance", ["front_office", "koordinator"], {
    completesStep: "verify",
  }),
  rule(
    "diterima",
    "tidak_dapat_ditindaklanjuti",
    "close",
    ["front_office", "koordinator", "kadis"],
    {
      requiresReason: true,
      completesStep: "close",
    },
  ),
  // Disposition to a bidang: ketua tim only.
  rule("diverifikasi", "didisposisi", "advance", ["koordinator"], {
    requiresBidang: true,
    completesStep: "disposition",
  }),
  rule("diverifikasi", "tidak_dapat_ditindaklanjuti", "close", ["koordinator", "kadis"], {
    requiresReason: true,
    completesStep: "close",
  }),
  rule("didisposisi", "didisposisi", "redispose", ["koordinator"], {
    requiresBidang: true,
    completesStep: null,
  }),
  // Follow-up by the penelaah (kepala bidang) of the case's bidang.
  rule("didisposisi", "ditindaklanjuti", "advance", ["penelaah", "koordinator"], {
    completesStep: "follow_up",
  }),
  rule("didisposisi", "tidak_dapat_ditindaklanjuti", "close", CLOSERS, {
    requiresReason: true,
    completesStep: "close",
  }),
  rule("ditindaklanjuti", "selesai", "close", CLOSERS, { completesStep: "close" }),
  rule("ditindaklanjuti", "tidak_dapat_ditindaklanjuti", "close", CLOSERS, {
    requiresReason: true,
    completesStep: "close",
  }),
  rule("ditindaklanjuti", "didisposisi", "redispose", ["koordinator"], {
    requiresBidang: true,
    completesStep: null,
  }),
  // Reopen.
  rule("selesai", "diverifikasi", "reopen", ["koordinator"], {
    requiresReason: true,
    completesStep: null,
  }),
  rule("tidak_dapat_ditindaklanjuti", "diverifikasi", "reopen", ["koordinator"], {
    requiresReason: true,
    completesStep: null,
  }),
];

function rule(
  from: CaseStatus,
  to: CaseStatus,
  kind: TransitionKind,
  roles: readonly Role[],
  opts: { requiresBidang?: boolean; requiresReason?: boolean; completesStep: ClockStep | null },
): TransitionRule {
  return {
    from,
    to,
    kind,
    roles,
    requiresBidang: opts.requiresBidang ?? false,
    requiresReason: opts.requiresReason ?? false,
    completesStep: opts.completesStep,
  };
}

/** The SLA step that is running while a case sits in a status (null for final statuses). */
export function pendingStep(status: CaseStatus): ClockStep | null {
  switch (status) {
    case "diterima":
      return "verify";
    case "diverifikasi":
      return "disposition";
    case "didisposisi":
      return "follow_up";
    case "ditindaklanjuti":
      return "close";
    case "selesai":
    case "tidak_dapat_ditindaklanjuti":
      return null;
  }
}

export function findRule(from: CaseStatus, to: CaseStatus): TransitionRule | undefined {
  return transitionTable.find((r) => r.from === from && r.to === to);
}

/** Statuses reachable from `from` for any role (what a 409 lists). */
export function reachableFrom(from: CaseStatus): CaseStatus[] {
  return transitionTable.filter((r) => r.from === from).map((r) => r.to);
}

// ---- errors ----

export type TransitionError =
  | {
      code: "TRANSITION_NOT_ALLOWED";
      message: string;
      from: CaseStatus;
      to: CaseStatus;
      allowed: CaseStatus[];
    }
  | { code: "ROLE_NOT_ALLOWED"; message: string; role: Role; allowedRoles: Role[] }
  | {
      code: "BIDANG_FORBIDDEN";
      message: string;
      userBidang: Bidang | null;
      caseBidang: Bidang | null;
    }
  | {
      code: "BIDANG_REQUIRED";
      message: string;
      field: "bidang";
      allowedValues: Bidang[];
    }
  | {
      code: "BIDANG_UNKNOWN";
      message: string;
      field: "bidang";
      value: string;
      allowedValues: Bidang[];
    }
  | { code: "REASON_REQUIRED"; message: string; field: "reason" };

export interface TransitionInput {
  from: CaseStatus;
  to: CaseStatus;
  role: Role;
  /** Bidang of the acting user (penelaah); null/undefined for roles without one. */
  userBidang?: Bidang | null | undefined;
  /** Bidang the case is currently disposed to. */
  caseBidang?: Bidang | null | undefined;
  /** Target bidang of a disposition; free string because it comes from the request body. */
  bidangTarget?: string | null | undefined;
  reason?: string | null | undefined;
}

export interface TransitionOk {
  rule: TransitionRule;
  /** The case's bidang after the transition. */
  bidang: Bidang | null;
  completesStep: ClockStep | null;
}

function roleMayAct(
  r: TransitionRule,
  role: Role,
  userBidang: Bidang | null,
  caseBidang: Bidang | null,
): boolean {
  if (!r.roles.includes(role)) return false;
  return role !== "penelaah" || penelaahMayWrite(userBidang, caseBidang);
}

export function checkTransition(input: TransitionInput): Result<TransitionOk, TransitionError> {
  const { from, to, role } = input;
  const userBidang = input.userBidang ?? null;
  const caseBidang = input.caseBidang ?? null;
  const r = findRule(from, to);
  if (!r) {
    return err({
      code: "TRANSITION_NOT_ALLOWED",
      message: `a case cannot go from ${from} to ${to}`,
      from,
      to,
      allowed: reachableFrom(from),
    });
  }
  if (!r.roles.includes(role)) {
    return err({
      code: "ROLE_NOT_ALLOWED",
      message: `role ${role} may not move a case from ${from} to ${to}`,
      role,
      allowedRoles: [...r.roles],
    });
  }
  if (!roleMayAct(r, role, userBidang, caseBidang)) {
    return err({
      code: "BIDANG_FORBIDDEN",
      message: "a penelaah may act only on cases disposed to its own bidang",
      userBidang,
      caseBidang,
    });
  }
  let bidang: Bidang | null = caseBidang;
  if (r.requiresBidang) {
    const target = input.bidangTarget?.trim() ?? "";
    if (target === "") {
      return err({
        code: "BIDANG_REQUIRED",
        message: "a disposition needs the target bidang",
        field: "bidang",
        allowedValues: [...BIDANG_CODES],
      });
    }
    if (!isBidang(target)) {
      return err({
        code: "BIDANG_UNKNOWN",
        message: `unknown bidang "${target}"`,
        field: "bidang",
        value: target,
        allowedValues: [...BIDANG_CODES],
      });
    }
    bidang = target;
  }
  if (r.requiresReason && (input.reason ?? "").trim() === "") {
    return err({
      code: "REASON_REQUIRED",
      message:
        r.kind === "reopen"
          ? "reopening a case needs a reason"
          : "closing a case as tidak dapat ditindaklanjuti needs a reason",
      field: "reason",
    });
  }
  return ok({ rule: r, bidang, completesStep: r.completesStep });
}

/** Target statuses this user may choose from `from` (for the console's buttons). */
export function allowedTransitions(
  from: CaseStatus,
  role: Role,
  userBidang?: Bidang | null,
  caseBidang?: Bidang | null,
): CaseStatus[] {
  return transitionTable
    .filter((r) => r.from === from && roleMayAct(r, role, userBidang ?? null, caseBidang ?? null))
    .map((r) => r.to);
}

// ---- actions that are not status changes ----

export const CASE_ACTIONS = [
  "register",
  "acknowledge",
  "reply",
  "record_finding",
  "pause_clock",
  "recommend_audit",
  "recommend_stop",
  "decide_audit",
  "manage_users",
  "manage_catalogues",
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export interface ActionRule {
  action: CaseAction;
  roles: readonly Role[];
}

export const actionTable: readonly ActionRule[] = [
  { action: "register", roles: ["front_office", "koordinator"] },
  { action: "acknowledge", roles: ["front_office", "koordinator"] },
  // Replies go out through the front office (online SOP steps 7–8) but the penelaah and the
  // koordinator may write them; publishing is the koordinator's approval (decree, KETIGA 2e).
  {
    action: "reply",
    roles: ["front_office", "koordinator", "penelaah"],
  },
  {
    action: "record_finding",
    roles: ["penelaah", "koordinator", "front_office"],
  },
  {
    action: "pause_clock",
    roles: ["front_office", "koordinator", "penelaah"],
  },
  { action: "recommend_audit", roles: ["penelaah", "koordinator"] },
  { action: "recommend_stop", roles: ["penelaah", "koordinator"] },
  { action: "decide_audit", roles: ["kadis"] },
  { action: "manage_users", roles: ["admin"] },
  { action: "manage_catalogues", roles: ["admin"] },
];

export type ActionError = Extract<
  TransitionError,
  { code: "ROLE_NOT_ALLOWED" | "BIDANG_FORBIDDEN" }
>;

export function checkAction(input: {
  action: CaseAction;
  role: Role;
  userBidang?: Bidang | null | undefined;
  caseBidang?: Bidang | null | undefined;
}): Result<ActionRule, ActionError> {
  const a = actionTable.find((x) => x.action === input.action);
  // Every CaseAction has a row (a unit test pins it); a missing one is a bug.
  if (!a) throw new Error(`no rule for action ${input.action}`);
  if (!a.roles.includes(input.role)) {
    return err({
      code: "ROLE_NOT_ALLOWED",
      message: `role ${input.role} may not ${input.action}`,
      role: input.role,
      allowedRoles: [...a.roles],
    });
  }
  const userBidang = input.userBidang ?? null;
  const caseBidang = input.caseBidang ?? null;
  if (input.role === "penelaah" && !penelaahMayWrite(userBidang, caseBidang)) {
    return err({
      code: "BIDANG_FORBIDDEN",
      message: "a penelaah may act only on cases disposed to its own bidang",
      userBidang,
      caseBidang,
    });
  }
  return ok(a);
}

// ---- bidang suggestion from the complaint type (jenis) ----

/** jenis code → bidang; null means "koordinator chooses". Configurable: pass your own table. */
export type BidangTable = Readonly<Record<string, Bidang | null>>;

export const defaultBidangTable: BidangTable = {
  PBI_JK_REAKTIVASI: "LINJAMSOS",
  PKH: "LINJAMSOS",
  BPNT: "LINJAMSOS",
  RASDA: "LINJAMSOS",
  KKS_HILANG: "LINJAMSOS",
  ASLUT: "REHSOS",
  ATENSI: "REHSOS",
  ODKB: "REHSOS",
  DISABILITAS: "REHSOS",
  RUTILAHU: "DAYASOS",
  LAIN_LAIN: null,
};

/** Suggested bidang for a jenis; unknown jenis → null (the koordinator decides). */
export function suggestBidang(
  jenis: string | null | undefined,
  table: BidangTable = defaultBidangTable,
): Bidang | null {
  if (!jenis) return null;
  const key = jenis.trim().toUpperCase();
  return Object.prototype.hasOwnProperty.call(table, key) ? (table[key] ?? null) : null;
}
