// Explicit reveal of a full NIK, phone number or WhatsApp BSUID: API output always masks
// the NIK (and the phone and BSUID for roles that do not work cases), so the full value is
// handed out only on request, with a stated purpose, and the reveal is written to the
// processing record (action `pdp.reveal`).
import type { components } from "../generated/api.js";
import type { HubContext } from "../context.js";
import { DomainError, notFound } from "../domain/errors.js";
import { decrypt } from "../security/crypto.js";
import type { AuthUser } from "../services/auth.service.js";
import { audit } from "../services/audit.service.js";
import { toPartyDto, type CaseDto } from "../services/cases.service.js";
import { assertMayReveal } from "./confidential.js";

export type RevealField = components["schemas"]["RevealField"];

const REVEAL_LABEL: Record<RevealField, string> = {
  nik: "NIK",
  phone: "Nomor telepon",
  bsuid: "ID pengguna WhatsApp (BSUID)",
};
type Meta = { ip?: string | undefined; requestId?: string | undefined };

export function requirePurpose(purpose: unknown): string {
  const p = typeof purpose === "string" ? purpose.trim() : "";
  if (p.length < 5) {
    throw new DomainError("PURPOSE_REQUIRED", "Tujuan membuka data wajib diisi (min. 5 huruf)", {
      fields: [{ field: "body.purpose", message: "wajib diisi, minimal 5 huruf" }],
    });
  }
  return p;
}

export async function revealPartyField(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  partyId: string,
  field: RevealField,
  purposeIn: unknown,
  meta: Meta = {},
): Promise<{ field: RevealField; value: string }> {
  const purpose = requirePurpose(purposeIn);
  const party = await ctx.db.prisma.party.findFirst({
    where: { id: partyId, caseId },
    include: { case: { select: { rahasia: true, anonim: true } } },
  });
  if (!party) throw notFound("Pihak");
  // A rahasia pelapor's NIK or phone is the identity itself: koordinator and kadis only.
  assertMayReveal(user, party.case, party.role);
  let value: string | null = null;
  if (field === "nik") {
    if (party.nikCipher && party.nikKeyId)
      value = decrypt(ctx.keyring, party.nikKeyId, party.nikCipher).toString("utf8");
  } else value = field === "phone" ? party.phoneE164 : party.bsuid;
  if (!value) throw new DomainError("NOT_FOUND", `${REVEAL_LABEL[field]} tidak tercatat`);
  await audit(ctx.db.prisma, {
    actor: user,
    action: "pdp.reveal",
    caseId,
    fields: [field],
    purpose,
    ...meta,
    data: { partyId, role: party.role, restricted: party.restricted },
  });
  return { field, value };
}

export async function revealFindingNik(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  findingId: string,
  purposeIn: unknown,
  meta: Meta = {},
): Promise<{ field: "nik"; value: string }> {
  const purpose = requirePurpose(purposeIn);
  const f = await ctx.db.prisma.finding.findFirst({
    where: { id: findingId, caseId },
    include: {
      case: {
        select: {
          rahasia: true,
          anonim: true,
          parties: { where: { role: "pelapor" }, select: { nikHash: true } },
        },
      },
    },
  });
  if (!f) throw notFound("Temuan");
  // A finding about the pelapor (by role or by the same NIK) carries the pelapor's NIK.
  const aboutPelapor =
    f.personRole === "pelapor" ||
    (!!f.nikHash && f.case.parties.some((p) => p.nikHash === f.nikHash));
  if (aboutPelapor) assertMayReveal(user, f.case, "pelapor");
  if (!f.nikCipher || !f.nikKeyId) throw new DomainError("NOT_FOUND", "NIK tidak tercatat");
  const value = decrypt(ctx.keyring, f.nikKeyId, f.nikCipher).toString("utf8");
  await audit(ctx.db.prisma, {
    actor: user,
    action: "pdp.reveal",
    caseId,
    fields: ["nik"],
    purpose,
    ...meta,
    data: { findingId },
  });
  return { field: "nik", value };
}

export type RevealedIdentity = {
  caseId: string;
  parties: CaseDto["parties"];
  keperluan: string;
  title: string | null;
  historicalNarasi: string | null;
};

/**
 * "Tampilkan identitas": the pelapor of a rahasia case as the detail would show it without
 * the rule, for koordinator and kadis, with a stated purpose; every call is one
 * `case.identity.reveal` row naming the kinds of data handed out (never the values).
 */
export async function revealCaseIdentity(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  purposeIn: unknown,
  meta: Meta = {},
): Promise<RevealedIdentity> {
  const purpose = requirePurpose(purposeIn);
  const c = await ctx.db.prisma.case.findUnique({
    where: { id: caseId },
    select: {
      id: true,
      rahasia: true,
      anonim: true,
      keperluan: true,
      title: true,
      historicalNarasi: true,
      parties: { where: { role: "pelapor" }, orderBy: { createdAt: "asc" } },
    },
  });
  if (!c) throw notFound("Kasus");
  if (!c.rahasia) {
    throw new DomainError(
      "CASE_NOT_RAHASIA",
      "Kasus ini tidak rahasia: identitas pelapor sudah tampil di rincian kasus",
    );
  }
  assertMayReveal(user, c, "pelapor");
  const parties = c.parties.map((p) => toPartyDto(p, user, c, "reveal"));
  const fields = new Set<string>();
  for (const p of parties) {
    if (p.name) fields.add("name");
    if (p.phone) fields.add("phone");
    if (p.email) fields.add("email");
    if (p.nikMasked) fields.add("nik_masked");
    if (p.alamat || p.desa) fields.add("alamat");
  }
  await audit(ctx.db.prisma, {
    actor: user,
    action: "case.identity.reveal",
    caseId,
    fields: [...fields],
    purpose,
    ...meta,
    data: { partyIds: parties.map((p) => p.id) },
  });
  return {
    caseId: c.id,
    parties,
    keperluan: c.keperluan,
    title: c.title,
    historicalNarasi: c.historicalNarasi,
  };
}
