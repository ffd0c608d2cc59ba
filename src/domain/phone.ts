// Phones are stored in E.164. Staff type them in every local form (08…, 62…, +62…, 0062…,
// with spaces or dashes); WhatsApp sends the same digits without "+".
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { err, ok, type Result } from "./result.js";

export type PhoneError = { code: "PHONE_INVALID"; message: string };

export function normalizePhone(raw: string): Result<string, PhoneError> {
  let s = raw.trim().replace(/[\s().-]/g, "");
  if (s.startsWith("00")) s = "+" + s.slice(2);
  else if (/^62\d{8,}$/.test(s)) s = "+" + s;
  const parsed = parsePhoneNumberFromString(s, "ID");
  if (!parsed || !parsed.isValid()) {
    return err({ code: "PHONE_INVALID", message: "nomor telepon tidak valid" });
  }
  return ok(parsed.number);
}

export function maskPhone(e164: string): string {
  if (e164.length <= 7) return e164;
  return e164.slice(0, 6) + "*".repeat(e164.length - 9) + e164.slice(-3);
}

// WhatsApp Cloud API ids are the E.164 digits without "+".
export function phoneToWaId(e164: string): string {
  return e164.replace(/^\+/, "");
}
