// The steps that turn a draft into the rows of a new case, before anything is written.
// Pure given the environment (src/intake/env.ts) and the keyring: no database, so the same
// code runs for one desk case and for a page of 500 LAPOR! reports.
import { maskNik, parseNik } from "../domain/nik.js";
import { normalizePhone } from "../domain/phone.js";
import { suggestJenis } from "../domain/jenis.js";
import { suggestBidang, type Bidang, type CaseStatus } from "../domain/workflow.js";
import { stripNul } from "../util/text.js";
import type { FieldError } from "../domain/errors.js";
import { encrypt, keyedHash, type Keyring } from "../security/crypto.js";
import { clockFor, type ClockFields } from "../services/sla.service.js";
import type { CaseDraft, PartyDraft } from "./draft.js";
import type { IntakeEnv } from "./env.js";

/** A field at fault, named as the channel's input names it (body.pelapor.nik…). */
export type IntakeFieldError = FieldError;

export type PreparedParty = {
  role: "pelapor" | "atas_nama";
  name: string | null;
  sex: string | null;
  phoneE164: string | null;
  altPhones: string[];
  waId: string | null;
  bsuid: string | null;
  metaId: string | null;
  email: string | null;
  alamat: string | null;
  desa: string | null;
  kecamatan: string | null;
  nikCipher: Uint8Array | null;
  nikKeyId: string | null;
  nikHash: string | null;
  nikMasked: string | null;
};

export type JenisDecision = {
  jenis: string | null;
  jenisSuggested: string | null;
  jenisRule: string | null;
  /** "suggested" (nobody looked yet), "accepted" or "overridden" by staff; null: none. */
  jenisDecision: "suggested" | "accepted" | "overridden" | null;
};

export type PreparedCase = {
  draft: CaseDraft;
  status: CaseStatus;
  keperluan: string;
  title: string | null;
  parties: PreparedParty[];
  jenis: JenisDecision;
  bidangSuggested: Bidang | null;
  clock: ClockFields;
  flags: string[];
  acknowledged: boolean;
};

/** The pipeline's steps in order; the write steps run inside one transaction. */
export const INTAKE_STEPS = [
  "parties", // NIK keyed hash + encryption, E.164 phones, NUL bytes dropped
  "jenis", // suggestion from the text; a staff choice is accepted or overrides it
  "bidang", // suggested bidang of the jenis (bidang table)
  "deadline", // the SLA clock from receipt for the status the case is born in
  "number", // per office and WITA year
  "case", // the Case and Party rows
  "timeline", // case.created / case.imported
  "audit", // one processing-record row per case, with the named actor
  "party-links", // same phone, wa_id, e-mail or NIK elsewhere in the office
  "acknowledgement", // the channel's automatic tanda terima, where it has one
] as const;

const clean = (v: string | null | undefined): string | null => {
  if (v === null || v === undefined) return null;
  const t = stripNul(v).trim();
  return t === "" ? null : t;
};

/** Step "parties": one person, validated and encrypted; errors are collected, not thrown. */
export function prepareParty(
  keyring: Keyring,
  p: PartyDraft,
  path: string,
  errors: IntakeFieldError[],
): PreparedParty {
  let phoneE164 = clean(p.phoneE164);
  const rawPhone = clean(p.phone);
  if (!phoneE164 && rawPhone) {
    const r = normalizePhone(rawPhone);
    if (r.ok) phoneE164 = r.value;
    else errors.push({ field: `${path}.phone`, message: r.error.message, code: r.error.code });
  }
  let sex = clean(p.sex);
  let nik: Pick<PreparedParty, "nikCipher" | "nikKeyId" | "nikHash" | "nikMasked"> = {
    nikCipher: null,
    nikKeyId: null,
    nikHash: null,
    nikMasked: null,
  };
  const rawNik = clean(p.nik);
  if (rawNik) {
    const r = parseNik(rawNik);
    if (r.ok) {
      const enc = encrypt(keyring, r.value.nik);
      nik = {
        nikCipher: new Uint8Array(enc.blob),
        nikKeyId: enc.keyId,
        nikHash: keyedHash(keyring, r.value.nik),
        nikMasked: maskNik(r.value.nik),
      };
      sex ??= r.value.sex;
    } else errors.push({ field: `${path}.nik`, message: r.error.message, code: r.error.code });
  }
  return {
    role: p.role,
    name: clean(p.name),
    sex,
    phoneE164,
    altPhones: (p.altPhones ?? []).filter((x) => x !== phoneE164),
    waId: clean(p.waId),
    bsuid: clean(p.bsuid),
    metaId: clean(p.metaId),
    email: clean(p.email)?.toLowerCase() ?? null,
    alamat: clean(p.alamat),
    desa: clean(p.desa),
    kecamatan: clean(p.kecamatan),
    ...nik,
  };
}

/** Step "jenis": the suggestion from the text, and the staff's choice if any. */
export function decideJenis(
  env: Pick<IntakeEnv, "jenisCodes">,
  text: string,
  chosen: string | null | undefined,
): JenisDecision {
  const s = suggestJenis(text);
  // A suggestion the catalogue no longer holds is no suggestion.
  const suggested = env.jenisCodes.has(s.jenis) ? s.jenis : null;
  const rule = suggested ? s.rule : null;
  if (chosen)
    return {
      jenis: chosen,
      jenisSuggested: suggested,
      jenisRule: rule,
      jenisDecision: chosen === suggested ? "accepted" : "overridden",
    };
  return {
    jenis: suggested,
    jenisSuggested: suggested,
    jenisRule: rule,
    jenisDecision: suggested ? "suggested" : null,
  };
}

/**
 * Runs the steps before the write on a batch of drafts. `errors[i]` lists what is wrong
 * with draft i (a desk form answers 422 with them; a channel records them).
 */
export function prepareCases(
  env: IntakeEnv,
  keyring: Keyring,
  drafts: readonly CaseDraft[],
  paths: (i: number, p: number) => string = (_i, p) => `parties[${p}]`,
): { cases: PreparedCase[]; errors: IntakeFieldError[][] } {
  const cases: PreparedCase[] = [];
  const errors: IntakeFieldError[][] = [];
  drafts.forEach((draft, i) => {
    const errs: IntakeFieldError[] = [];
    const parties = draft.parties.map((p, k) => prepareParty(keyring, p, paths(i, k), errs));
    const keperluan = clean(draft.keperluan) ?? "(pesan tanpa teks)";
    const title = clean(draft.title);
    if (draft.jenis && !env.jenisCodes.has(draft.jenis)) {
      errs.push({
        field: "jenis",
        message: `jenis tidak dikenal: ${draft.jenis}`,
        code: "JENIS_UNKNOWN",
      });
    }
    const jenis = decideJenis(env, title ? `${title}\n${keperluan}` : keperluan, draft.jenis);
    const status = draft.status ?? "diterima";
    // The clock of the step the case is born in, from receipt (an upstream case that
    // arrives further along: from the upstream's last change, when it says).
    const stepStartedAt =
      status === "diterima"
        ? draft.receivedAt
        : (draft.upstream?.upstreamUpdatedAt ?? draft.receivedAt);
    const clock = clockFor(env.policy, env.calendar, {
      channel: draft.channel,
      status,
      receivedAt: draft.receivedAt,
      stepStartedAt,
      now: env.now,
    });
    const acknowledged = Boolean(draft.ack?.outboxKind) || draft.ack?.onScreen === true;
    const flags = [...new Set([...(draft.flags ?? []), ...(acknowledged ? ["acknowledged"] : [])])];
    cases.push({
      draft,
      status,
      keperluan,
      title,
      parties,
      jenis,
      bidangSuggested: suggestBidang(jenis.jenis, env.bidangTable),
      clock,
      flags,
      acknowledged,
    });
    errors.push(errs);
  });
  return { cases, errors };
}

/** The audit row's personal-data fields, from what the parties hold. */
export function personFields(parties: readonly PreparedParty[], extra: string[] = []): string[] {
  const f = new Set<string>();
  for (const p of parties) {
    if (p.name) f.add("name");
    if (p.phoneE164 || p.waId || p.bsuid || p.altPhones.length) f.add("phone");
    if (p.nikHash) f.add("nik");
    if (p.alamat || p.desa) f.add("alamat");
    if (p.email) f.add("email");
  }
  for (const e of extra) f.add(e);
  return [...f];
}
