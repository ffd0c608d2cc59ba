// UU PDP restriction: once a data subject asks for it, their data is not pushed to another
// system or exported (monthly report rows, LAPOR! replies, channel replies, admin exports).
// The subject's own access export is the exception: it is their data, handed to them.
import type { HubContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { decrypt, keyedHash, type Keyring } from "../security/crypto.js";

type MaybeRestricted = { restricted?: boolean | null };

export function isRestricted(p: MaybeRestricted | null | undefined): boolean {
  return p?.restricted === true;
}

/** Drops restricted persons from a list before it leaves the hub. */
export function filterRestricted<T extends MaybeRestricted>(parties: readonly T[]): T[] {
  return parties.filter((p) => !isRestricted(p));
}

/** True when any person on the case is restricted (for pushes that carry the whole case). */
export async function caseHasRestrictedParty(ctx: HubContext, caseId: string): Promise<boolean> {
  const n = await ctx.db.prisma.party.count({ where: { caseId, restricted: true } });
  return n > 0;
}

/** Case ids (of those given) with at least one restricted person: one query for a report. */
export async function restrictedCaseIds(
  ctx: HubContext,
  caseIds: readonly string[],
): Promise<Set<string>> {
  if (caseIds.length === 0) return new Set();
  const rows = await ctx.db.prisma.party.findMany({
    where: { caseId: { in: [...caseIds] }, restricted: true },
    select: { caseId: true },
    distinct: ["caseId"],
  });
  return new Set(rows.map((r) => r.caseId));
}

/** The text put in place of a restricted person's identity where a row must still appear. */
export const RESTRICTED_PLACEHOLDER = "(dibatasi)";

// ---------------------------------------------------------------------------------------
// Outbound text guard. Every reply leaves the hub for the case's own pelapor (the
// recipient). It must not carry:
// - any identifier of a restricted person other than the recipient (name, NIK, phone, e-mail);
// - the NIK or phone number of any other person on the case (restricted or not).
// The recipient's own data is theirs, even when they asked for restriction. Names are only
// checked for restricted people: a name check for every party would block ordinary text.
// Used when a reply is queued (writeReply) and again when the outbox sends it, because a
// restriction may be set in between. Findings name the kind of data, never its value.
// ---------------------------------------------------------------------------------------

/** What the guard needs of a party (a full Party row fits). */
export type GuardParty = {
  id: string;
  role: string;
  name: string | null;
  phoneE164: string | null;
  altPhones: string[];
  /** WhatsApp business-scoped user ID (issue 19): guarded like a phone number. */
  bsuid?: string | null;
  email: string | null;
  nikHash: string | null;
  nikMasked: string | null;
  nikCipher: Uint8Array | null;
  nikKeyId: string | null;
  restricted: boolean;
  createdAt: Date;
};

export type PersonalDataHit = {
  field: "nik" | "phone" | "name" | "email";
  role: string;
  restricted: boolean;
};

export const GUARD_PARTY_SELECT = {
  id: true,
  role: true,
  name: true,
  phoneE164: true,
  altPhones: true,
  bsuid: true,
  email: true,
  nikHash: true,
  nikMasked: true,
  nikCipher: true,
  nikKeyId: true,
  restricted: true,
  createdAt: true,
} as const;

type PartyReader = Pick<Prisma.TransactionClient, "party">;

export async function loadGuardParties(db: PartyReader, caseId: string): Promise<GuardParty[]> {
  return db.party.findMany({
    where: { caseId },
    select: GUARD_PARTY_SELECT,
    orderBy: { createdAt: "asc" },
  });
}

/** The person a reply goes to: the case's first pelapor (the outbox handlers use the same). */
export function replyRecipient<T extends { role: string; createdAt: Date }>(
  parties: readonly T[],
): T | null {
  let best: T | null = null;
  for (const p of parties) {
    if (p.role !== "pelapor") continue;
    if (!best || p.createdAt.getTime() < best.createdAt.getTime()) best = p;
  }
  return best;
}

const NIK_LENGTH = 16;
const MIN_PHONE_DIGITS = 7;
// Digits typed with spaces, dots, dashes or brackets between groups ("0812-5110-7788",
// "6309 0412 0310 0001", "+62 (812) 5110 7788") form one run.
const DIGIT_RUN = /\+?\d(?:[ \t\u00a0.\-()]{0,3}\d)*/g;
const PLACEHOLDER_NAMES = new Set(["(dihapus)", RESTRICTED_PLACEHOLDER]);

function digitRuns(text: string): string[] {
  return (text.match(DIGIT_RUN) ?? []).map((r) => r.replace(/\D/g, ""));
}

/** National significant number: "+6281251107788", "081251107788" → "81251107788". */
function phoneCore(raw: string): string | null {
  let d = raw.replace(/\D/g, "");
  if (d.startsWith("0062")) d = d.slice(4);
  else if (d.startsWith("62")) d = d.slice(2);
  else if (d.startsWith("0")) d = d.slice(1);
  return d.length >= MIN_PHONE_DIGITS ? d : null;
}

function phonesOf(p: GuardParty): string[] {
  const out = new Set<string>();
  for (const raw of [p.phoneE164, ...p.altPhones]) {
    const core = raw ? phoneCore(raw) : null;
    if (core) out.add(core);
  }
  return [...out];
}

function normaliseName(name: string | null): string | null {
  if (!name) return null;
  const n = name.normalize("NFC").trim().replace(/\s+/g, " ");
  if (n.length < 3 || PLACEHOLDER_NAMES.has(n)) return null;
  return n;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whole-word, case-insensitive match of a full name, whatever the spacing between words. */
export function containsName(text: string, name: string | null): boolean {
  const n = normaliseName(name);
  if (!n) return false;
  const body = n.split(" ").map(escapeRegExp).join("[\\s\\u00a0]+");
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, "iu").test(
    text.normalize("NFC"),
  );
}

function maskOf(nik: string): string {
  return nik.slice(0, 4) + "*".repeat(NIK_LENGTH - 8) + nik.slice(-4);
}

/**
 * Every 16-digit window of the text's digit runs, so a NIK stays visible when it is typed in
 * groups or runs into a neighbouring number.
 */
function nikWindows(text: string): string[] {
  const out = new Set<string>();
  for (const run of digitRuns(text)) {
    for (let i = 0; i + NIK_LENGTH <= run.length; i++) out.add(run.slice(i, i + NIK_LENGTH));
  }
  return [...out];
}

type NikMatcher = (p: GuardParty) => boolean;

/**
 * With the keyring, a party's NIK is matched exactly (keyed hash of each 16-digit window,
 * or the decrypted value when a row has no hash). Without it (a caller that has no
 * context) the stored mask is compared: first and last four digits of a 16-digit window.
 * That can refuse a number that only looks like the NIK, never let the NIK through.
 */
function nikMatcher(text: string, keyring: Keyring | null): NikMatcher {
  const windows = nikWindows(text);
  if (!windows.length) return () => false;
  if (keyring) {
    const hashes = new Set(windows.map((w) => keyedHash(keyring, w)));
    const plain = new Set(windows);
    return (p) => {
      if (p.nikHash) return hashes.has(p.nikHash);
      if (p.nikCipher && p.nikKeyId) {
        try {
          return plain.has(decrypt(keyring, p.nikKeyId, p.nikCipher).toString("utf8"));
        } catch {
          return false;
        }
      }
      return false;
    };
  }
  const masks = new Set(windows.map(maskOf));
  return (p) => (p.nikMasked ? masks.has(p.nikMasked) : false);
}

/** What a reply text carries that must not leave the hub, per party; empty = may be sent. */
export function findOutboundPersonalData(
  text: string,
  parties: readonly GuardParty[],
  opts: { keyring?: Keyring | null } = {},
): PersonalDataHit[] {
  const recipient = replyRecipient(parties);
  const ownPhones = new Set(recipient ? phonesOf(recipient) : []);
  const ownName = normaliseName(recipient?.name ?? null)?.toLowerCase() ?? null;
  const runs = digitRuns(text);
  const nikOf = nikMatcher(text, opts.keyring ?? null);
  const lower = text.toLowerCase();
  const hits: PersonalDataHit[] = [];
  const seen = new Set<string>();
  const hit = (p: GuardParty, field: PersonalDataHit["field"]) => {
    const key = `${field}:${p.role}:${p.restricted}`;
    if (seen.has(key)) return;
    seen.add(key);
    hits.push({ field, role: p.role, restricted: p.restricted });
  };
  for (const p of parties) {
    if (recipient && p.id === recipient.id) continue;
    // The same person on the case twice (pelapor reporting for themself): their own NIK.
    const sameNik = recipient?.nikHash != null && p.nikHash === recipient.nikHash;
    if (!sameNik && nikOf(p)) hit(p, "nik");
    for (const core of phonesOf(p)) {
      if (ownPhones.has(core)) continue; // a household sharing the recipient's own number
      if (runs.some((r) => r.includes(core))) hit(p, "phone");
    }
    // Another person's WhatsApp user ID is their number in all but digits.
    if (p.bsuid && p.bsuid !== recipient?.bsuid && text.includes(p.bsuid)) hit(p, "phone");
    if (!p.restricted) continue;
    const name = normaliseName(p.name);
    if (name && name.toLowerCase() !== ownName && containsName(text, name)) hit(p, "name");
    const email = p.email?.trim().toLowerCase();
    if (email && email.length >= 3 && lower.includes(email)) hit(p, "email");
  }
  return hits;
}

const FIELD_LABEL: Record<PersonalDataHit["field"], string> = {
  nik: "NIK",
  phone: "nomor telepon",
  name: "nama",
  email: "alamat email",
};

function roleLabel(role: string): string {
  if (role === "atas_nama") return "atas nama";
  if (role === "pelapor") return "pelapor lain";
  return "pihak lain";
}

/** "NIK pihak atas nama, nama orang yang datanya dibatasi (atas nama)": no values. */
export function describePersonalData(hits: readonly PersonalDataHit[]): string {
  const parts = hits.map((h) =>
    h.restricted
      ? `${FIELD_LABEL[h.field]} orang yang datanya dibatasi (${roleLabel(h.role)})`
      : `${FIELD_LABEL[h.field]} pihak ${roleLabel(h.role)}`,
  );
  return [...new Set(parts)].join(", ");
}

export const REPLY_CONTAINS_PERSONAL_DATA = "REPLY_CONTAINS_PERSONAL_DATA";

/** The reason an outbox entry dies with when the guard refuses it at send time. */
export function outboundRefusalReason(hits: readonly PersonalDataHit[]): string {
  return (
    `${REPLY_CONTAINS_PERSONAL_DATA}: balasan memuat ${describePersonalData(hits)}; ` +
    "tidak dikirim, tulis ulang balasan tanpa data tersebut"
  );
}

/** Send-time check of one reply text: the reason to fail the entry with, or null. */
export async function outboundRefusal(
  ctx: HubContext,
  caseId: string | null,
  text: string,
  parties?: readonly GuardParty[],
): Promise<string | null> {
  if (!caseId) return null;
  const all = parties ?? (await loadGuardParties(ctx.db.prisma, caseId));
  const hits = findOutboundPersonalData(text, all, { keyring: ctx.keyring });
  return hits.length ? outboundRefusalReason(hits) : null;
}
