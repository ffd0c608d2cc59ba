// SIKS-NG lookup adapter. The office has no API access to SIKS-NG yet: the adapter is a
// manual record (staff look the person up and enter status + reason code). It still goes
// through the Lookup port so a future API client plugs in under another key.
import type { Lookup, LookupObservation } from "../../src/ports/lookup.port.js";

export const SIKS_NG_MANUAL = "siks-ng-manual";

const blankToNull = (v: string | null): string | null => {
  const t = v?.replace(/\s+/g, " ").trim() ?? "";
  return t === "" ? null : t;
};

export function createManualLookup(): Lookup {
  return {
    key: SIKS_NG_MANUAL,
    query: () => Promise.resolve({ kind: "manual_entry_required" }),
    record(entry): LookupObservation {
      return {
        programme: entry.programme,
        statusSeen: entry.statusSeen,
        reasonCode: entry.reasonCode.trim(),
        dataPeriod: blankToNull(entry.dataPeriod),
        note: blankToNull(entry.note),
        source: SIKS_NG_MANUAL,
      };
    },
  };
}

/** Registry: stable key → factory (only the manual adapter exists today). */
export const siksNgLookups: Record<string, () => Lookup> = {
  [SIKS_NG_MANUAL]: createManualLookup,
};

export function siksNgLookup(key: string = SIKS_NG_MANUAL): Lookup {
  const factory = siksNgLookups[key];
  if (!factory)
    throw new Error(
      `SIKS-NG lookup adapter "${key}" tidak dikenal; tersedia: ${Object.keys(siksNgLookups).join(", ")}`,
    );
  return factory();
}
