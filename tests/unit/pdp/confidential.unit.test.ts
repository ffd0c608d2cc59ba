// The rahasia rule, enumerated: every role × case flags × party role × view.
import { describe, expect, it } from "vitest";
import { ROLES } from "../../../src/domain/roles.js";
import {
  assertMayReveal,
  identityAccess,
  listedPelaporName,
  RAHASIA_LABEL,
  type IdentityView,
} from "../../../src/pdp/confidential.js";

const VIEWS: IdentityView[] = ["list", "detail", "export", "reveal"];
const FLAGS = [
  { rahasia: false, anonim: false },
  { rahasia: true, anonim: false },
  { rahasia: false, anonim: true },
  { rahasia: true, anonim: true },
];
const REVEALERS = new Set(["koordinator", "kadis"]);

describe("identityAccess", () => {
  for (const role of [...ROLES, null]) {
    for (const c of FLAGS) {
      for (const view of VIEWS) {
        it(`${role ?? "system"} · rahasia=${c.rahasia} anonim=${c.anonim} · ${view}`, () => {
          const user = role ? { role } : null;
          // An atas nama is never masked by this rule.
          expect(identityAccess(user, c, "atas_nama", view)).toMatchObject({
            name: true,
            contact: true,
          });
          const a = identityAccess(user, c, "pelapor", view);
          const revealer = role !== null && REVEALERS.has(role);
          if (c.rahasia) {
            expect(a.name).toBe(view === "reveal" && revealer);
            expect(a.contact).toBe(view === "reveal" && revealer);
            expect(a.revealable).toBe(view === "detail" && revealer);
            expect(listedPelaporName(user, c, "Siti")).toBe(RAHASIA_LABEL);
          } else if (c.anonim) {
            expect(a.name).toBe(false);
            expect(a.contact).toBe(view === "detail" || view === "reveal");
            expect(a.revealable).toBe(false);
            expect(listedPelaporName(user, c, "Siti")).toBeNull();
          } else {
            expect(a).toEqual({ name: true, contact: true, revealable: false });
            expect(listedPelaporName(user, c, "Siti")).toBe("Siti");
          }
          // Lists and exports never carry a masked pelapor, whoever asks.
          if ((c.rahasia || c.anonim) && (view === "list" || view === "export"))
            expect(a.name).toBe(false);
        });
      }
    }
  }

  it("a reveal of a rahasia pelapor is refused (IDENTITY_CONFIDENTIAL) to everyone but koordinator and kadis", () => {
    for (const role of ROLES) {
      const call = () => assertMayReveal({ role }, { rahasia: true, anonim: false }, "pelapor");
      if (REVEALERS.has(role)) expect(call).not.toThrow();
      else expect(call).toThrow(expect.objectContaining({ code: "IDENTITY_CONFIDENTIAL" }));
    }
    expect(() => assertMayReveal(null, { rahasia: true, anonim: false }, "pelapor")).toThrow();
  });
});
