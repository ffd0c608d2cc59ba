import { err, ok, type Result } from "../../src/domain/result.js";
import { CASE_STATUSES, type CaseStatus } from "../../src/domain/workflow.js";

export const HUB_STATUSES = CASE_STATUSES;
export type HubStatus = CaseStatus;

export const LAPOR_STATUSES = [
  "Belum Terverifikasi",
  "Terverifikasi",
  "Terdisposisi",
  "Ditindaklanjuti",
  "Selesai",
  "Diarsipkan",
] as const;
export type LaporStatus = (typeof LAPOR_STATUSES)[number];

/** Statuses the agency may set through POST tindak-lanjut (contract enum). */
export type LaporPushStatus = "Ditindaklanjuti" | "Selesai";

export interface LaporStatusRule {
  readonly hub: HubStatus;
  /** Upstream will accept no further tindak lanjut (POST answers 409). */
  readonly closedUpstream: boolean;
  readonly why: string;
}

/**
 * LAPOR! → hub. The upstream stages before disposition belong to the Admin Koordinator,
 * not to us: for the agency a report only starts when it lands in our inbox, so all of
 * them open a case as `diterima`, and our own verification/disposition (diverifikasi,
 * didisposisi) happens inside the hub. Whether a sync may move an existing case
 * backwards is the case rules' decision, not this table's.
 */
export const LAPOR_TO_HUB: Readonly<Record<LaporStatus, LaporStatusRule>> = Object.freeze({
  "Belum Terverifikasi": {
    hub: "diterima",
    closedUpstream: false,
    why: "not yet verified by the Admin Koordinator; visible to us only if disposition was undone or pre-assigned",
  },
  Terverifikasi: {
    hub: "diterima",
    closedUpstream: false,
    why: "verified upstream but not yet disposed; the hub's own verification still has to happen",
  },
  Terdisposisi: {
    hub: "diterima",
    closedUpstream: false,
    why: "the report reached our agency: a new case for the Front Office Online",
  },
  Ditindaklanjuti: {
    hub: "ditindaklanjuti",
    closedUpstream: false,
    why: "a follow-up was posted (by us or the admin)",
  },
  Selesai: { hub: "selesai", closedUpstream: true, why: "closed upstream with an answer" },
  Diarsipkan: {
    hub: "tidak_dapat_ditindaklanjuti",
    closedUpstream: true,
    why:
      "archived by the LAPOR! admin without a completion (invalid, duplicate, out of scope or auto-closed): " +
      "final, no follow-up can be posted any more; a case already `selesai` in the hub keeps `selesai`",
  },
});

export interface StatusMapError {
  readonly code: "LAPOR_STATUS_UNKNOWN";
  /** Never default an unknown status: the record is quarantined and an alert raised. */
  readonly disposition: "quarantine";
  readonly status: string;
  readonly message: string;
}

export function isLaporStatus(value: string): value is LaporStatus {
  return Object.hasOwn(LAPOR_TO_HUB, value);
}

export function laporToHubStatus(status: string): Result<HubStatus, StatusMapError> {
  if (!isLaporStatus(status)) {
    return err({
      code: "LAPOR_STATUS_UNKNOWN",
      disposition: "quarantine",
      status,
      message: `unknown LAPOR! status "${status}"`,
    });
  }
  return ok(LAPOR_TO_HUB[status].hub);
}

/**
 * Hub → LAPOR! for push-back. The contract only accepts Ditindaklanjuti and Selesai.
 * `tidak_dapat_ditindaklanjuti` is still a final answer the citizen must see, and LAPOR!
 * has no other closing status for agencies, so it is pushed as Selesai with the
 * explanation in `isi`. Earlier hub statuses are internal and never pushed (null).
 */
export const HUB_TO_LAPOR: Readonly<Record<HubStatus, LaporPushStatus | null>> = Object.freeze({
  diterima: null,
  diverifikasi: null,
  didisposisi: null,
  ditindaklanjuti: "Ditindaklanjuti",
  selesai: "Selesai",
  tidak_dapat_ditindaklanjuti: "Selesai",
});

export function hubToLaporStatus(status: HubStatus): LaporPushStatus | null {
  return HUB_TO_LAPOR[status];
}
