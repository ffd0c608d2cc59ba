import { describe, expect, it } from "vitest";
import { maskNik, parseNik } from "../../../src/domain/nik.js";
import { maskPhone, normalizePhone, phoneToWaId } from "../../../src/domain/phone.js";

describe("NIK", () => {
  it.each([
    ["6309041203100001", "L", 12, 3],
    ["6309 0452 0388 0003", "P", 12, 3],
    ["6309-04-71-12-99-0104", "P", 31, 12],
  ])("accepts %s", (raw, sex, day, month) => {
    const r = parseNik(raw);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.sex).toBe(sex);
      expect(r.value.birthDay).toBe(day);
      expect(r.value.birthMonth).toBe(month);
      expect(r.value.warnings).toEqual([]);
    }
  });
  it.each([
    ["63090412031000", "16 digit"],
    ["630904120310000a", "16 digit"],
    ["9909041203100001", "provinsi"],
    ["6300041203100001", "kabupaten"],
    ["6309043203100001", "tanggal"],
    ["6309047203100001", "tanggal"],
    ["6309040013100001", "tanggal"],
    ["6309041213100001", "bulan"],
    ["6309041203100000", "0000"],
  ])("rejects %s (%s)", (raw, why) => {
    const r = parseNik(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("NIK_INVALID");
      expect(r.error.message).toContain(why);
    }
  });
  it("warns, never rejects, on a kecamatan code outside the current Tabalong list", () => {
    const r = parseNik("6309991203100001");
    expect(r.ok && r.value.warnings.length).toBe(1);
  });
  it("masks all but the region and serial", () => {
    expect(maskNik("6309041203100001")).toBe("6309********0001");
  });
});

describe("phone", () => {
  it.each([
    "081254224300",
    "+6281254224300",
    "6281254224300",
    "006281254224300",
    "0812-5422-4300",
    "0812 5422 4300",
    "(0812) 5422 4300",
  ])("normalises %s to E.164", (raw) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, value: "+6281254224300" });
  });
  it("accepts a Tanjung landline", () => {
    expect(normalizePhone("(0526) 2031680")).toEqual({ ok: true, value: "+625262031680" });
  });
  it.each(["12", "abc", "0812", "+1 12", ""])("rejects %s", (raw) => {
    const r = normalizePhone(raw);
    expect(r.ok).toBe(false);
  });
  it("masks the middle and gives the WhatsApp id", () => {
    expect(maskPhone("+6281254224300")).toBe("+62812*****300");
    expect(phoneToWaId("+6281254224300")).toBe("6281254224300");
  });
});
