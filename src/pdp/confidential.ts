// The rahasia rule (issue 13): the identity of the pelapor of a rahasia case is need-to-know.
// It is masked in lists, search results, detail and exports for every role; koordinator and
// kadis see it only through an explicit reveal with a stated purpose, written to the
// processing record. The pelapor of an anonim case has no name to show at all (a name that
// an import or a later flag left behind stays hidden; nobody can reveal it).
//
// This is the ONE place that decides "may this user see this party's identity on this
// case"; list, detail, search, reports and the reveals all ask it. It is a different rule
// from the UU PDP restriction (src/pdp/restriction.ts: the subject asked that their data
// not be exported), which the export path applies on top.
import type { Role } from "../domain/roles.js";
import { DomainError } from "../domain/errors.js";
import { scrubPersons, type Identity } from "../reports/columns.js";

/** What the console and the API show in place of a rahasia pelapor's name. */
export const RAHASIA_LABEL = "Identitas dirahasiakan";

/** The roles that may have a rahasia pelapor's identity revealed to them. */
export const IDENTITY_REVEAL_ROLES: readonly Role[] = ["koordinator", "kadis"];

export type ConfidentialityFlags = { rahasia: boolean; anonim: boolean };

/**
 * Where the identity would go: `list` (inbox, search hits), `detail` (one case),
 * `export` (reports and any file that leaves the hub), `reveal` (the explicit, audited
 * reveal operations).
 */
export type IdentityView = "list" | "detail" | "export" | "reveal";

export type IdentityAccess = {
  /** The name may be shown. */
  name: boolean;
  /** Phone, e-mail, NIK (masked or not), sex and address may be shown (role rules still apply). */
  contact: boolean;
  /** The user could see it through a reveal (drives the console's button). */
  revealable: boolean;
};

const SHOWN: IdentityAccess = { name: true, contact: true, revealable: false };

export function mayRevealIdentity(user: { role: Role } | null): boolean {
  return !!user && IDENTITY_REVEAL_ROLES.includes(user.role);
}

/** The decision, for one party of one case, for one user, in one view. */
export function identityAccess(
  user: { role: Role } | null,
  c: ConfidentialityFlags,
  partyRole: string,
  view: IdentityView,
): IdentityAccess {
  // The rule protects the pelapor; an atas nama is the subject of the request and is needed
  // to handle it (SIKS-NG checks by NIK).
  if (partyRole !== "pelapor") return SHOWN;
  if (c.rahasia) {
    const may = mayRevealIdentity(user);
    const open = view === "reveal" && may;
    return { name: open, contact: open, revealable: may && view === "detail" };
  }
  if (c.anonim) {
    // Contacts stay usable for the case workers who answer; never printed or listed.
    return { name: false, contact: view === "detail" || view === "reveal", revealable: false };
  }
  return SHOWN;
}

/** Throws 403 when a reveal of this party's identity is not this user's to make. */
export function assertMayReveal(
  user: { role: Role } | null,
  c: ConfidentialityFlags,
  partyRole: string,
): void {
  const a = identityAccess(user, c, partyRole, "reveal");
  if (a.contact) return;
  throw new DomainError(
    "IDENTITY_CONFIDENTIAL",
    c.rahasia
      ? "Identitas pelapor kasus rahasia hanya dapat dibuka oleh koordinator atau kepala dinas"
      : "Identitas pelapor anonim tidak dapat dibuka",
  );
}

/** The pelapor name a list row (or a summary) may carry: the label for rahasia, null for anonim. */
export function listedPelaporName(
  user: { role: Role } | null,
  c: ConfidentialityFlags,
  name: string | null,
): string | null {
  if (identityAccess(user, c, "pelapor", "list").name) return name;
  return c.rahasia ? RAHASIA_LABEL : null;
}

/**
 * Free text of a case (keperluan, title, old narrative) is often typed with the pelapor's
 * name and phone in it; where the identity is masked, those strings are replaced too.
 * Only exact spellings are caught (a nickname or a misspelling is not): noted in README.
 */
export function scrubText<T extends string | null>(text: T, hidden: readonly Identity[]): T {
  if (text === null || hidden.length === 0) return text;
  return scrubPersons(text, hidden) as T;
}
