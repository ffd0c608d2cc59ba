/**
 * Indonesian phone → E.164 (`+62…`), or null when it cannot be a phone number.
 * Self-contained on purpose: the shared domain rule will replace it.
 *
 * Accepts 08…, 8…, 62…, +62…, 0062…, with spaces, dashes, dots, parentheses and a
 * stray trunk zero after the country code ("+62 (0)812…").
 */
export function normalizeIdPhone(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const trimmed = raw.trim();
  if (trimmed === "") return null;
  // Anything other than digits, separators and one leading plus is not a phone number.
  if (!/^\+?[\d\s\-.()/]+$/.test(trimmed)) return null;
  let digits = trimmed.replace(/\D/g, "");

  if (digits.startsWith("0062")) digits = digits.slice(4);
  else if (digits.startsWith("62")) digits = digits.slice(2);
  else if (digits.startsWith("0")) digits = digits.slice(1);
  else if (trimmed.startsWith("+")) return null; // another country code
  if (digits.startsWith("0")) digits = digits.slice(1);

  // National significant number: mobiles 8xx (9–12 digits), landlines area code 2–9 (8–11).
  if (!/^[2-9]\d{7,11}$/.test(digits)) return null;
  if (digits.startsWith("8") && digits.length < 9) return null;
  return `+62${digits}`;
}
