import { describe, expect, it } from "vitest";
import { editDistance, isOneEditApart, suggestJenis } from "../../../src/domain/jenis.js";

// Every string of up to 4 letters over a 3-letter alphabet, against every other: the
// linear check the classifier runs per token must agree with the full distance.
function strings(alphabet: string, max: number): string[] {
  const out = [""];
  for (let len = 1, level = [""]; len <= max; len++) {
    level = level.flatMap((s) => [...alphabet].map((c) => s + c));
    out.push(...level);
  }
  return out;
}

describe("isOneEditApart ⇔ editDistance = 1", () => {
  const all = strings("abc", 4);
  it(`agrees on all ${all.length ** 2} pairs`, () => {
    let disagreements = 0;
    for (const a of all)
      for (const b of all) if (isOneEditApart(a, b) !== (editDistance(a, b) === 1)) disagreements++;
    expect(disagreements).toBe(0);
  });
  it("keeps the classifier's typo tolerance", () => {
    expect(suggestJenis("saldo bnpt belum masuk").jenis).toBe("BPNT");
    expect(suggestJenis("kartu bpsj mati").jenis).toBe("PBI_JK_REAKTIVASI");
    expect(suggestJenis("bantuan rutilahhu belum").jenis).toBe("RUTILAHU");
  });
});
