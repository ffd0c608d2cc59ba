// Explicit reveal of a full NIK or phone number: API output always masks the NIK, so the
// full value is handed out only on request, with a stated purpose, and the reveal is
// written to the processing record (action `pdp.reveal`).
import type { HubContext } from "../context.js";
import { AppError, notFound } from "../http/errors.js";
import { decrypt } from "../security/crypto.js";
import type { AuthUser } from "../services/auth.service.js";
import { audit } from "../services/audit.service.js";

export type RevealField = "nik" | "phone";
type Meta = { ip?: string | undefined; requestId?: string | undefined };

export function requirePurpose(purpose: unknown): string {
  const p = typeof purpose === "string" ? purpose.trim() : "";
  if (p.length < 5) {
    throw new AppError(422, "PURPOSE_REQUIRED", "Tujuan membuka data wajib diisi (min. 5 huruf)", {
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
  const party = await ctx.db.prisma.party.findFirst({ where: { id: partyId, caseId } });
  if (!party) throw notFound("Pihak");
  let value: string | null = null;
  if (field === "nik") {
    if (party.nikCipher && party.nikKeyId)
      value = decrypt(ctx.keyring, party.nikKeyId, party.nikCipher).toString("utf8");
  } else value = party.phoneE164;
  if (!value)
    throw new AppError(
      404,
      "NOT_FOUND",
      `${field === "nik" ? "NIK" : "Nomor telepon"} tidak tercatat`,
    );
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
  const f = await ctx.db.prisma.finding.findFirst({ where: { id: findingId, caseId } });
  if (!f) throw notFound("Temuan");
  if (!f.nikCipher || !f.nikKeyId) throw new AppError(404, "NOT_FOUND", "NIK tidak tercatat");
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
