// Finding one person across cases (for subject requests) and anonymising their data.
// A person is matched by the keyed NIK hash, or by exact name + phone: names alone are far
// too common in one kabupaten to identify anyone. The WhatsApp BSUID of a matched party
// brings in the same user's username-only cases.
import type { Prisma } from "../generated/prisma/client.js";
import { FINAL_STATUSES } from "../domain/workflow.js";

export type PersonKey = {
  /**
   * The office searched: a subject request is answered from the cases of the office that
   * received it, never from another office's (those are that office's to answer).
   */
  instansi: string;
  nikHash?: string | null;
  name?: string | null;
  phoneE164?: string | null;
};

export const ANONYMISED_NAME = "(dihapus)";
export const ANONYMISED_TEXT = "(dihapus sesuai retensi data pribadi)";
export const CLOSED_STATUSES: readonly string[] = FINAL_STATUSES;

type Db = Pick<Prisma.TransactionClient, "party" | "finding">;

export function personWhere(key: PersonKey): Prisma.PartyWhereInput | null {
  const or: Prisma.PartyWhereInput[] = [];
  if (key.nikHash) or.push({ nikHash: key.nikHash });
  if (key.name?.trim() && key.phoneE164) {
    or.push({
      name: { equals: key.name.trim(), mode: "insensitive" },
      phoneE164: key.phoneE164,
    });
  }
  return or.length ? { OR: or } : null;
}

export async function findPerson(
  db: Db,
  key: PersonKey,
): Promise<{
  parties: Prisma.PartyGetPayload<object>[];
  findings: Prisma.FindingGetPayload<object>[];
  caseIds: string[];
}> {
  const where = personWhere(key);
  // Scoped through the case: Party.instansi is not set by every writer.
  const office = { case: { instansi: key.instansi } };
  const matched = where
    ? await db.party.findMany({
        where: { AND: [where, office] },
        orderBy: [{ caseId: "asc" }, { createdAt: "asc" }],
      })
    : [];
  // A WhatsApp business-scoped user ID names one user (issue 19): the cases the same person
  // sent under their username only (no phone, no NIK) are theirs too.
  const bsuids = [...new Set(matched.map((p) => p.bsuid).filter((b): b is string => !!b))];
  const known = new Set(matched.map((p) => p.id));
  const byBsuid = bsuids.length
    ? (
        await db.party.findMany({
          where: { AND: [{ bsuid: { in: bsuids } }, office] },
          orderBy: [{ caseId: "asc" }, { createdAt: "asc" }],
        })
      ).filter((p) => !known.has(p.id))
    : [];
  const parties = [...matched, ...byBsuid].sort(
    (a, b) => a.caseId.localeCompare(b.caseId) || a.createdAt.getTime() - b.createdAt.getTime(),
  );
  const findings = await db.finding.findMany({
    where: {
      ...office,
      OR: [
        ...(key.nikHash ? [{ nikHash: key.nikHash }] : []),
        // A finding about the matched party's role on the same case is about the person too.
        ...parties.map((p) => ({ caseId: p.caseId, personRole: p.role })),
      ],
    },
    orderBy: { createdAt: "asc" },
  });
  const caseIds = [...new Set([...parties.map((p) => p.caseId), ...findings.map((f) => f.caseId)])];
  return { parties, findings, caseIds };
}

/** The party columns that identify a person, cleared; jenis/channel/status/dates stay. */
export const ANONYMISED_PARTY: Prisma.PartyUpdateManyMutationInput = {
  name: ANONYMISED_NAME,
  phoneE164: null,
  altPhones: [],
  email: null,
  waId: null,
  bsuid: null,
  metaId: null,
  alamat: null,
  nikCipher: null,
  nikKeyId: null,
  nikHash: null,
  nikMasked: null,
  restricted: true,
};

export const ANONYMISED_FINDING: Prisma.FindingUpdateManyMutationInput = {
  personName: ANONYMISED_NAME,
  nikCipher: null,
  nikKeyId: null,
  nikHash: null,
  nikMasked: null,
};
