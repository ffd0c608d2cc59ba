// WhatsApp business-scoped user IDs (issue 19): what counts as one, and how views mask it.
import { describe, expect, it } from "vitest";
import { isBsuid, maskBsuid } from "../../../src/domain/bsuid.js";

describe("isBsuid", () => {
  it.each([
    "ID.9A8B7C6D5E4F",
    "US.13491208655302741918",
    "BR.1",
    "US.ENT.11815799212886844830",
    `ID.${"a".repeat(128)}`,
  ])("accepts %s", (v) => expect(isBsuid(v)).toBe(true));
  it.each([
    "",
    "ID.",
    "id.9A8B",
    "IDN.9A8B",
    "ID-9A8B",
    "ID.9A8B!",
    "6281254224300",
    "+6281254224300",
    `ID.${"a".repeat(129)}`,
    " ID.9A8B",
  ])("refuses %j", (v) => expect(isBsuid(v)).toBe(false));
});

describe("maskBsuid", () => {
  it("keeps the country and the ends of the id only", () => {
    expect(maskBsuid("ID.9A8B7C6D5E4F")).toBe("ID.9A********4F");
    expect(maskBsuid("US.ENT.11815799212886844830")).toBe("US.ENT.11****************30");
    expect(maskBsuid("BR.123")).toBe("BR.***");
  });
});
