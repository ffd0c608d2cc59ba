// UU PDP data-subject requests, tracked like cases with a 3×24-hour clock:
// access (export of everything about the person), correction (applied through the normal
// endpoints, recorded here), restriction (Party.restricted) and deletion (anonymisation
// of the person on closed cases; open cases are still being handled and are kept).
import { rmSync } from "node:fs";
import type { HubContext } from "../context.js";
import type { components } from "../generated/api.js";
import type { Prisma, SubjectRequest } from "../generated/prisma/client.js";
import { DomainError, notFound, type FieldError } from "../domain/errors.js";
import { parseNik } from "../domain/nik.js";
import { normalizePhone } from "../domain/phone.js";
import { keyedHash } from "../security/crypto.js";
import type { AuthUser } from "../services/auth.service.js";
import { audit } from "../services/audit.service.js";
import { attachmentFile } from "./files.js";
import {
  ANONYMISED_FINDING,
  ANONYMISED_NAME,
  ANONYMISED_PARTY,
  CLOSED_STATUSES,
  findPerson,
  type PersonKey,
} from "./person.js";

export type SubjectRequestDto = components["schemas"]["SubjectRequest"];
export type SubjectRequestInput = components["schemas"]["SubjectRequestInput"];
export type SubjectRequestKind = SubjectRequestDto["kind"];
type Meta = { ip?: string | undefined; requestId?: string | undefined };

export const SUBJECT_REQUEST_HOURS = 72;

type Stored = {
  match?: { phoneE164?: string | null };
  exportedAt?: string;
  [k: string]: unknown;
};

export function toDto(r: SubjectRequest, now: Date): SubjectRequestDto {
  const stored = (r.result ?? {}) as Stored;
  const { match, ...result } = stored;
  return {
    id: r.id,
    kind: r.kind as SubjectRequestKind,
    status: r.status as SubjectRequestDto["status"],
    personName: r.personName,
    hasNik: r.nikHash !== null,
    hasPhone: Boolean(match?.phoneE164),
    note: r.note,
    receivedAt: r.receivedAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    completedAt: r.completedAt?.toISOString() ?? null,
    overdue: r.status !== "selesai" && now.getTime() > r.dueAt.getTime(),
    result: result as Record<string, unknown>,
  };
}

export function personKeyOf(r: SubjectRequest): PersonKey {
  const stored = (r.result ?? {}) as Stored;
  return {
    instansi: r.instansi,
    nikHash: r.nikHash,
    name: r.personName,
    phoneE164: stored.match?.phoneE164 ?? null,
  };
}

export async function createSubjectRequest(
  ctx: HubContext,
  user: AuthUser,
  input: SubjectRequestInput,
  meta: Meta = {},
): Promise<SubjectRequestDto> {
  const errors: FieldError[] = [];
  let nikHash: string | null = null;
  if (input.nik?.trim()) {
    const r = parseNik(input.nik);
    if (r.ok) nikHash = keyedHash(ctx.keyring, r.value.nik);
    else errors.push({ field: "body.nik", message: r.error.message, code: r.error.code });
  }
  let phoneE164: string | null = null;
  if (input.phone?.trim()) {
    const r = normalizePhone(input.phone);
    if (r.ok) phoneE164 = r.value;
    else errors.push({ field: "body.phone", message: r.error.message, code: r.error.code });
  }
  const name = input.name?.trim() || null;
  if (!errors.length && !nikHash && !(name && phoneE164)) {
    errors.push({
      field: "body.nik",
      message: "isi NIK, atau nama beserta nomor telepon, untuk mengenali orangnya",
    });
  }
  if (errors.length) {
    throw new DomainError(
      errors[0]!.code ?? "VALIDATION_FAILED",
      errors.map((e) => `${e.field}: ${e.message}`).join("; "),
      { fields: errors },
    );
  }
  const receivedAt = ctx.clock();
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const created = await tx.subjectRequest.create({
      data: {
        kind: input.kind,
        nikHash,
        personName: name,
        receivedAt,
        dueAt: new Date(receivedAt.getTime() + SUBJECT_REQUEST_HOURS * 3600_000),
        note: input.note.trim(),
        actorId: user.id,
        instansi: user.instansi,
        result: { match: { phoneE164 } },
      },
    });
    await audit(tx, {
      actor: user,
      action: "pdp.request.create",
      fields: [
        ...(nikHash ? ["nik"] : []),
        ...(name ? ["name"] : []),
        ...(phoneE164 ? ["phone"] : []),
      ],
      purpose: `permintaan subjek data: ${input.kind}`,
      ...meta,
      data: { requestId: created.id, kind: input.kind },
    });
    return created;
  });
  return toDto(row, ctx.clock());
}

/** `instansi`: the caller's office; another office's requests are not listed. */
export async function listSubjectRequests(
  ctx: HubContext,
  filter: {
    instansi: string;
    status?: string | undefined;
    overdue?: boolean | undefined;
  },
): Promise<SubjectRequestDto[]> {
  const now = ctx.clock();
  const rows = await ctx.db.prisma.subjectRequest.findMany({
    where: {
      instansi: filter.instansi,
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.overdue ? { status: { not: "selesai" }, dueAt: { lt: now } } : {}),
    },
    orderBy: [{ dueAt: "asc" }],
    take: 500,
  });
  return rows.map((r) => toDto(r, now));
}

/** With `instansi` (every staff call), another office's request answers 404 as if absent. */
export async function getSubjectRequest(
  ctx: HubContext,
  id: string,
  instansi?: string,
): Promise<SubjectRequest> {
  const r = await ctx.db.prisma.subjectRequest.findFirst({
    where: { id, ...(instansi ? { instansi } : {}) },
  });
  if (!r) throw notFound("Permintaan subjek data");
  return r;
}

function replaceName(text: string | null, name: string | null): string | null {
  if (!text || !name || name.length < 3) return text;
  return text.split(name).join(ANONYMISED_NAME);
}

const DELETED_NOTE = "dihapus: permintaan penghapusan data pribadi";

/**
 * Anonymises one person on closed cases; returns what was done and what was kept, plus
 * the stored files to remove once the transaction has committed (`storagePaths`).
 * Beyond the person's rows: their name leaves the case texts (keperluan, judul, narasi
 * lama), and on the cases they reported, the raw payloads and the attachment files (their
 * own documents, and evidence of findings about them) go too, as retention does. Jenis,
 * channel, status, bidang and dates stay, so past reports still add up.
 */
export async function anonymisePerson(
  tx: Prisma.TransactionClient,
  key: PersonKey,
): Promise<{
  anonymisedParties: number;
  anonymisedFindings: number;
  anonymisedCaseTexts: number;
  blankedRawMessages: number;
  deletedAttachments: number;
  keptOpenCases: number;
  storagePaths: string[];
}> {
  const found = await findPerson(tx, key);
  const cases = await tx.case.findMany({
    where: { id: { in: found.caseIds } },
    select: { id: true, status: true, keperluan: true, title: true, historicalNarasi: true },
  });
  const closedCases = cases.filter((c) => CLOSED_STATUSES.includes(c.status));
  const closed = new Set(closedCases.map((c) => c.id));
  const parties = found.parties.filter((p) => closed.has(p.caseId));
  await tx.party.updateMany({
    where: { id: { in: parties.map((p) => p.id) } },
    data: ANONYMISED_PARTY,
  });
  const names = [...new Set(found.parties.map((p) => p.name).filter((n): n is string => !!n))];
  const findings = found.findings.filter((f) => closed.has(f.caseId));
  const allNames = [...names, ...findings.map((f) => f.personName ?? "")];
  const strip = (t: string | null) => {
    let out = t;
    for (const n of allNames) out = replaceName(out, n);
    return out;
  };
  for (const f of findings) {
    await tx.finding.update({
      where: { id: f.id },
      data: {
        ...ANONYMISED_FINDING,
        narasiGenerated: strip(f.narasiGenerated) ?? "",
        narasiEdited: strip(f.narasiEdited),
      },
    });
  }
  let anonymisedCaseTexts = 0;
  for (const c of closedCases) {
    const next = {
      keperluan: strip(c.keperluan) ?? "",
      title: strip(c.title),
      historicalNarasi: strip(c.historicalNarasi),
    };
    if (
      next.keperluan !== c.keperluan ||
      next.title !== c.title ||
      next.historicalNarasi !== c.historicalNarasi
    ) {
      await tx.case.update({ where: { id: c.id }, data: next });
      anonymisedCaseTexts++;
    }
  }
  // The conversation of a case is the pelapor's: their messages, the raw payloads they
  // sent and the files of the case go with them.
  const pelaporCases = parties.filter((p) => p.role === "pelapor").map((p) => p.caseId);
  let blankedRawMessages = 0;
  if (pelaporCases.length) {
    await tx.message.updateMany({
      where: { caseId: { in: pelaporCases } },
      data: { body: ANONYMISED_NAME, author: null },
    });
    blankedRawMessages = await tx.$executeRawUnsafe(
      `UPDATE "RawMessage" SET body = '\\x'::bytea, headers = NULL
        WHERE "caseId" = ANY($1::uuid[]) AND octet_length(body) > 0`,
      pelaporCases,
    );
  }
  // Evidence screenshots of findings about this person, on any closed case.
  const evidenceIds = findings.map((f) => f.evidenceId).filter((x): x is string => !!x);
  const files = await tx.attachment.findMany({
    where: {
      storagePath: { not: null },
      OR: [{ caseId: { in: pelaporCases } }, { id: { in: evidenceIds } }],
    },
    select: { id: true, storagePath: true },
  });
  if (files.length) {
    await tx.attachment.updateMany({
      where: { id: { in: files.map((a) => a.id) } },
      data: { storagePath: null, fileName: null, status: "deleted", error: DELETED_NOTE },
    });
  }
  return {
    anonymisedParties: parties.length,
    anonymisedFindings: findings.length,
    anonymisedCaseTexts,
    blankedRawMessages,
    deletedAttachments: files.length,
    keptOpenCases: found.caseIds.filter((id) => !closed.has(id)).length,
    storagePaths: files.map((a) => a.storagePath!),
  };
}

export async function completeSubjectRequest(
  ctx: HubContext,
  user: AuthUser,
  id: string,
  body: { note?: string | undefined },
  meta: Meta = {},
): Promise<SubjectRequestDto> {
  let filesToRemove: string[] = [];
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const r = await tx.subjectRequest.findFirst({ where: { id, instansi: user.instansi } });
    if (!r) throw notFound("Permintaan subjek data");
    if (r.status === "selesai") {
      throw new DomainError("ALREADY_COMPLETED", "Permintaan ini sudah selesai");
    }
    const stored = (r.result ?? {}) as Stored;
    const key = personKeyOf(r);
    const note = body.note?.trim() || null;
    let outcome: Record<string, unknown> = {};
    const fields: string[] = [];
    switch (r.kind) {
      case "access":
        if (!stored.exportedAt) {
          throw new DomainError(
            "EXPORT_REQUIRED",
            "Unduh ekspor data subjek terlebih dahulu sebelum menyelesaikan permintaan akses",
          );
        }
        break;
      case "correction":
        if (!note) {
          throw new DomainError("VALIDATION_FAILED", "Catat perbaikan yang dilakukan", {
            fields: [
              { field: "body.note", message: "wajib: data apa yang diperbaiki, di kasus mana" },
            ],
          });
        }
        outcome = { correction: note };
        break;
      case "restriction": {
        const found = await findPerson(tx, key);
        const res = await tx.party.updateMany({
          where: { id: { in: found.parties.map((p) => p.id) } },
          data: { restricted: true },
        });
        outcome = { restrictedParties: res.count, cases: found.caseIds.length };
        fields.push("restricted");
        break;
      }
      case "deletion": {
        const { storagePaths, ...counts } = await anonymisePerson(tx, key);
        filesToRemove = storagePaths;
        outcome = counts;
        fields.push("name", "phone", "email", "nik", "alamat", "messages", "attachments");
        break;
      }
    }
    const updated = await tx.subjectRequest.update({
      where: { id },
      data: {
        status: "selesai",
        completedAt: ctx.clock(),
        result: { ...stored, ...outcome, ...(note ? { completionNote: note } : {}) },
      },
    });
    await audit(tx, {
      actor: user,
      action: "pdp.request.complete",
      fields,
      purpose: `permintaan subjek data: ${r.kind}`,
      ...meta,
      // Counts only: a correction note may itself hold personal data.
      data: {
        requestId: id,
        kind: r.kind,
        ...Object.fromEntries(Object.entries(outcome).filter(([, v]) => typeof v === "number")),
      } as Prisma.InputJsonObject,
    });
    return updated;
  });
  // Files go after the commit: a rolled-back request must still find them.
  for (const p of filesToRemove) rmSync(attachmentFile(ctx.config, p), { force: true });
  return toDto(row, ctx.clock());
}
