// The citizen's look-up token: handed out once (answer, tanda terima, acknowledgement) and
// stored only as its sha256 (Case.publicTokenHash). 24 random bytes: unguessable, so a
// case number alone (sequential, printed everywhere) never opens a status page.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function newLookupToken(): { token: string; hash: string } {
  const token = randomBytes(24).toString("base64url");
  return { token, hash: hashLookupToken(token) };
}

export function hashLookupToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time check of a given token against a stored hash (null: never matches). */
export function tokenMatches(stored: string | null, token: string): boolean {
  const given = Buffer.from(hashLookupToken(token), "hex");
  const s = Buffer.from(stored ?? "", "hex");
  // Compared even when nothing is stored, so both paths cost the same.
  const same = timingSafeEqual(s.length === given.length ? s : Buffer.alloc(given.length), given);
  return token !== "" && s.length === given.length && same;
}
