// Party linking: a new case's complainant is matched to parties of OTHER cases by phone
// (E.164), WhatsApp wa_id, e-mail and NIK hash, and each match is stored as a *suggestion*
// staff confirm or reject. The intake pipeline makes the suggestions
// (src/intake/intake.repo.ts); this module lists and decides them. Never merged
// automatically: several seed complainants share one phone (a village officer files for
// neighbours), so a match is a hint, not an identity.
import type { HubContext } from "../context.js";
import { DomainError, notFound } from "../domain/errors.js";
import { maskPhone } from "../domain/phone.js";
import { identityAccess } from "../pdp/confidential.js";
import type { AuthUser } from "./auth.service.js";
import { audit } from "./audit.service.js";

export type LinkBasis = "phone" | "wa_id" | "bsuid" | "email" | "nik";

export type PartyLinkDto = {
  id: string;
  basis: LinkBasis;
  status: "suggested" | "confirmed" | "rejected";
  partyId: string;
  otherPartyId: string;
  otherCase: { id: string; number: string; status: string; receivedAt: string };
  otherPartyName: string | null;
  otherPartyPhone: string | null;
  decidedAt: string | null;
};

export async function listPartyLinks(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  meta: { ip?: string; requestId?: string },
): Promise<PartyLinkDto[]> {
  const c = await ctx.db.prisma.case.findFirst({
    where: { id: caseId, instansi: user.instansi },
    select: {
      id: true,
      rahasia: true,
      anonim: true,
      parties: { select: { id: true, role: true } },
    },
  });
  if (!c) throw notFound("Kasus");
  const ids = c.parties.map((p) => p.id);
  const links = await ctx.db.prisma.partyLink.findMany({
    where: { OR: [{ partyId: { in: ids } }, { otherPartyId: { in: ids } }] },
    orderBy: { createdAt: "asc" },
  });
  const otherIds = links.map((l) => (ids.includes(l.partyId) ? l.otherPartyId : l.partyId));
  // Links suggested before offices were kept apart may point into another office: skipped.
  const others = await ctx.db.prisma.party.findMany({
    where: { id: { in: otherIds }, case: { instansi: user.instansi } },
    include: {
      case: {
        select: {
          id: true,
          number: true,
          status: true,
          receivedAt: true,
          rahasia: true,
          anonim: true,
        },
      },
    },
  });
  const byId = new Map(others.map((o) => [o.id, o]));
  await audit(ctx.db.prisma, {
    actor: user,
    action: "party_link.list",
    caseId,
    fields: ["name", "phone"],
    purpose: "pencocokan pelapor",
    ...meta,
  });
  const out: PartyLinkDto[] = [];
  for (const l of links) {
    const mine = ids.includes(l.partyId) ? l.partyId : l.otherPartyId;
    const otherId = mine === l.partyId ? l.otherPartyId : l.partyId;
    const o = byId.get(otherId);
    if (!o) continue;
    // A link to or from a masked pelapor (rahasia, anonim) would name them: "the same
    // person as the pelapor of that case". Such links are not listed on either side.
    const myRole = c.parties.find((p) => p.id === mine)?.role ?? "";
    if (
      !identityAccess(user, c, myRole, "list").name ||
      !identityAccess(user, o.case, o.role, "list").name
    )
      continue;
    out.push({
      id: l.id,
      basis: l.basis as LinkBasis,
      status: l.status as PartyLinkDto["status"],
      partyId: mine,
      otherPartyId: otherId,
      otherCase: {
        id: o.case.id,
        number: o.case.number,
        status: o.case.status,
        receivedAt: o.case.receivedAt.toISOString(),
      },
      otherPartyName: o.name,
      otherPartyPhone: o.phoneE164 ? maskPhone(o.phoneE164) : null,
      decidedAt: l.decidedAt?.toISOString() ?? null,
    });
  }
  return out;
}

export async function decidePartyLink(
  ctx: HubContext,
  user: AuthUser,
  linkId: string,
  decision: "confirmed" | "rejected",
  meta: { ip?: string; requestId?: string },
): Promise<{ id: string; status: string; decidedAt: string }> {
  return ctx.db.prisma.$transaction(async (tx) => {
    const link = await tx.partyLink.findUnique({ where: { id: linkId } });
    // Both people must be of the caller's office; otherwise the link is, for them, absent.
    const inOffice = link
      ? await tx.party.count({
          where: {
            id: { in: [link.partyId, link.otherPartyId] },
            case: { instansi: user.instansi },
          },
        })
      : 0;
    if (!link || inOffice !== 2) throw notFound("Tautan pelapor");
    if (link.status !== "suggested" && link.status !== decision) {
      throw new DomainError("LINK_ALREADY_DECIDED", `Tautan ini sudah diputuskan (${link.status})`);
    }
    const now = ctx.clock();
    const updated = await tx.partyLink.update({
      where: { id: linkId },
      data: { status: decision, decidedById: user.id, decidedAt: now },
    });
    const party = await tx.party.findUnique({
      where: { id: link.partyId },
      select: { caseId: true },
    });
    await audit(tx, {
      actor: user,
      action: `party_link.${decision === "confirmed" ? "confirm" : "reject"}`,
      caseId: party?.caseId ?? null,
      purpose: "pencocokan pelapor",
      data: { linkId, basis: link.basis },
      ...meta,
    });
    return {
      id: updated.id,
      status: updated.status,
      decidedAt: (updated.decidedAt ?? now).toISOString(),
    };
  });
}
