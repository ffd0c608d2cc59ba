// The SIKS-NG look-up port. Today staff read SIKS-NG themselves and type what they saw;
// a future SIKS-NG API adapter implements the same interface and answers the query
// itself. The findings service only talks to this port, so swapping the adapter does not
// touch the narasi, validation or storage code.
import type { ProgrammeCode, StatusSeen } from "../domain/reason-codes.js";

export type LookupQuery = {
  programme: ProgrammeCode;
  /** Plain NIK when known (never logged); the adapter decides whether it needs it. */
  nik?: string | undefined;
  name?: string | undefined;
};

/** What one look-up showed: the input of a Finding. */
export type LookupObservation = {
  programme: ProgrammeCode;
  statusSeen: StatusSeen;
  reasonCode: string;
  dataPeriod: string | null;
  note: string | null;
  /** Which adapter produced it: "manual" for staff entry, the API name otherwise. */
  source: string;
};

export type LookupAnswer =
  | { kind: "observed"; observation: LookupObservation }
  /** The adapter cannot query by itself: staff must read SIKS-NG and record the result. */
  | { kind: "manual_entry_required" };

export interface Lookup {
  /** Stable registry key, e.g. "siks-ng-manual". */
  readonly key: string;
  query(q: LookupQuery): Promise<LookupAnswer>;
  /** Turns what staff typed into an observation (trims, drops empty optional parts). */
  record(entry: Omit<LookupObservation, "source">): LookupObservation;
}
