// One password rule for every place a password is set (CLI `user add`, POST /users,
// PATCH /users/{id}): long enough, not guessable from the account itself, not a list word.
import { readFileSync } from "node:fs";
import { DomainError } from "../domain/errors.js";
import { fromRoot } from "../util/package-root.js";

export const PASSWORD_MIN_LENGTH = 10;

let common: Set<string> | undefined;

/** The shipped list (src/security/common-passwords.txt), lower-cased, read once. */
function commonPasswords(): Set<string> {
  if (!common) {
    const text = readFileSync(fromRoot("src", "security", "common-passwords.txt"), "utf8");
    common = new Set(
      text
        .split(/\r?\n/)
        .map((l) => l.trim().toLowerCase())
        .filter((l) => l !== "" && !l.startsWith("#")),
    );
  }
  return common;
}

/** Why the password is refused (a Bahasa message for the field), or null when it is fine. */
export function passwordProblem(password: string, username: string): string | null {
  const trimmed = password.trim().toLowerCase();
  if ([...password].length < PASSWORD_MIN_LENGTH) return `minimal ${PASSWORD_MIN_LENGTH} karakter`;
  if (trimmed === "") return "tidak boleh hanya berisi spasi";
  if (/^(.)\1*$/su.test(trimmed)) return "tidak boleh satu karakter yang diulang";
  if (trimmed === username.trim().toLowerCase()) return "tidak boleh sama dengan nama pengguna";
  if (commonPasswords().has(trimmed))
    return "terlalu umum (ada dalam daftar kata sandi yang sering dipakai); pilih yang lain";
  return null;
}

/** Throws 422 PASSWORD_WEAK (PASSWORD_TOO_SHORT for the length) naming the field. */
export function assertPasswordAcceptable(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (!problem) return;
  const code = [...password].length < PASSWORD_MIN_LENGTH ? "PASSWORD_TOO_SHORT" : "PASSWORD_WEAK";
  throw new DomainError(code, `password: ${problem}`, {
    fields: [{ field: "password", message: problem }],
  });
}
