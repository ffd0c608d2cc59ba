// SIKS-NG findings on a case and their evidence files. A finding is what staff saw for one
// person (programme, status, standard reason code); the hub renders the narasi from the
// code's template with this case's own parties only, so the copy-paste errors of the old
// hand-typed logs (another complainant's name) cannot happen.
import {
  detectFileType,
  EVIDENCE_FILE_TYPES,
  FILE_TYPES,
  safeContentType,
} from "../domain/uploads/file-type.js";
import { writeStoredFile } from "./file-store.js";
import { createHash, randomUUID } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import type { HubContext } from "../context.js";
import type { components } from "../generated/api.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { LookupObservation } from "../ports/lookup.port.js";
import { honorific, renderNarasi, type TemplateVariable } from "../domain/narasi.js";
import { parseNik } from "../domain/nik.js";
import { validateFinding } from "../domain/reason-codes.js";
import { witaDate } from "../domain/time.js";
import { DomainError, notFound, type ErrorCode, type FieldError } from "../domain/errors.js";
import { decrypt, encrypt } from "../security/crypto.js";
import { audit } from "./audit.service.js";
import type { AuthUser } from "./auth.service.js";
import { currentReasonCatalogue } from "./catalogue.service.js";
import { identityAccess, RAHASIA_LABEL, scrubText } from "../pdp/confidential.js";
import { sealNik } from "../pdp/nik-seal.js";
import type { Identity } from "../reports/columns.js";

export type FindingInput = components["schemas"]["FindingInput"];
export type FindingDto = components["schemas"]["Finding"];
export type FindingPreviewDto = components["schemas"]["FindingPreview"];
export type AttachmentDto = components["schemas"]["Attachment"];
type Meta = { ip?: string | undefined; requestId?: string | undefined };

// Which request field a missing template variable comes from, so the 422 points at what
// the user can fix.
const VARIABLE_FIELD: Record<TemplateVariable, string> = {
  sapaan: "body.person",
  nama_pelapor: "body.person",
  atas_nama: "body.person",
  program: "body.programme",
  periode: "body.dataPeriod",
  catatan: "body.note",
};

type CaseParties = {
  id: string;
  rahasia: boolean;
  anonim: boolean;
  parties: {
    role: string;
    name: string | null;
    sex: string | null;
    nikCipher: Uint8Array | null;
    nikKeyId: string | null;
    nikHash: string | null;
    nikMasked: string | null;
    phoneE164: string | null;
    altPhones: string[];
  }[];
};

async function loadCase(ctx: HubContext, caseId: string): Promise<CaseParties> {
  const c = await ctx.db.prisma.case.findUnique({
    where: { id: caseId },
    select: {
      id: true,
      rahasia: true,
      anonim: true,
      parties: {
        orderBy: { createdAt: "asc" },
        select: {
          role: true,
          name: true,
          sex: true,
          nikCipher: true,
          nikKeyId: true,
          nikHash: true,
          nikMasked: true,
          phoneE164: true,
          altPhones: true,
        },
      },
    },
  });
  if (!c) throw notFound("Kasus");
  return c;
}

/**
 * What the rahasia rule (src/pdp/confidential.ts) hides in this case's findings: a finding
 * about the masked pelapor shows no name or NIK, and the narasi (rendered with the
 * pelapor's name) is scrubbed. The same for every role, as in the case detail: koordinator
 * and kadis reveal the identity through POST /cases/{id}/reveal-identity.
 */
type FindingMask = { identities: Identity[]; nikHashes: Set<string>; label: string | null };

function findingMask(c: CaseParties): FindingMask {
  const hidden = c.parties.filter((p) => !identityAccess(null, c, p.role, "detail").name);
  return {
    identities: hidden.map((p) => ({
      nama: p.name,
      phones: [p.phoneE164, ...p.altPhones].filter((v): v is string => !!v),
    })),
    nikHashes: new Set(hidden.map((p) => p.nikHash).filter((v): v is string => !!v)),
    label: c.rahasia ? RAHASIA_LABEL : null,
  };
}

function partyNik(ctx: HubContext, p: CaseParties["parties"][number]): string | null {
  if (!p.nikCipher || !p.nikKeyId) return null;
  return decrypt(ctx.keyring, p.nikKeyId, p.nikCipher).toString("utf8");
}

function sexFromNik(nik: string | null): "L" | "P" | null {
  if (!nik) return null;
  const r = parseNik(nik);
  return r.ok ? r.value.sex : null;
}

function sexOf(v: string | null | undefined): "L" | "P" | null {
  return v === "L" || v === "P" ? v : null;
}

type Prepared = {
  observation: LookupObservation;
  catalogueVersion: number;
  reasonLabel: string;
  sapaan: string;
  narasi: string;
  saran: string | null;
  person: {
    role: "pelapor" | "atas_nama" | "lainnya";
    name: string | null;
    sex: "L" | "P" | null;
    nik: Pick<
      Prisma.FindingUncheckedCreateInput,
      "nikCipher" | "nikKeyId" | "nikHash" | "nikMasked"
    >;
  };
};

function unprocessable(code: ErrorCode, field: string, message: string): DomainError {
  return new DomainError(code, `${field}: ${message}`, { fields: [{ field, message, code }] });
}

// Validation and rendering shared by preview and record; throws the 422 before any write.
async function prepare(ctx: HubContext, c: CaseParties, input: FindingInput): Promise<Prepared> {
  const key = ctx.config.ADUAN_SIKS_NG_LOOKUP;
  const lookup = ctx.registry.lookups[key];
  if (!lookup)
    throw new Error(
      `SIKS-NG lookup adapter "${key}" tidak dikenal; tersedia: ${Object.keys(ctx.registry.lookups).join(", ")}`,
    );
  const observation = lookup.record({
    programme: input.programme,
    statusSeen: input.statusSeen,
    reasonCode: input.reasonCode,
    dataPeriod: input.dataPeriod ?? null,
    note: input.note ?? null,
  });
  const catalogue = await currentReasonCatalogue(ctx);
  const valid = validateFinding(catalogue, {
    code: observation.reasonCode,
    programme: observation.programme,
  });
  if (!valid.ok)
    throw unprocessable(valid.error.code, `body.${valid.error.field}`, valid.error.message);

  const pelapor = c.parties.find((p) => p.role === "pelapor");
  let person: Prepared["person"];
  if (typeof input.person === "string") {
    const party = c.parties.find((p) => p.role === input.person);
    if (!party)
      throw unprocessable(
        "PERSON_NOT_ON_CASE",
        "body.person",
        input.person === "atas_nama"
          ? "kasus ini tidak mempunyai pihak atas nama; kirim orangnya sebagai {name, nik?, sex?}"
          : "kasus ini tidak mempunyai pelapor",
      );
    person = {
      role: input.person,
      name: party.name,
      sex: sexOf(party.sex) ?? sexFromNik(partyNik(ctx, party)),
      // The party's NIK is already encrypted: the finding keeps the same ciphertext.
      nik: party.nikCipher
        ? {
            nikCipher: new Uint8Array(party.nikCipher),
            nikKeyId: party.nikKeyId,
            nikHash: party.nikHash,
            nikMasked: party.nikMasked,
          }
        : {},
    };
  } else {
    const errors: FieldError[] = [];
    let nik: Prepared["person"]["nik"] = {};
    let sex = sexOf(input.person.sex);
    if (input.person.nik?.trim()) {
      const r = parseNik(input.person.nik);
      if (r.ok) {
        nik = sealNik(ctx.keyring, r.value.nik);
        sex ??= r.value.sex;
      } else
        errors.push({ field: "body.person.nik", message: r.error.message, code: r.error.code });
    }
    if (errors[0]) throw unprocessable("NIK_INVALID", errors[0].field, errors[0].message);
    person = { role: "lainnya", name: input.person.name.trim(), sex, nik };
  }

  // The narasi greets the complainant: recorded sex, else the NIK rule, else "Bapak/Ibu".
  const sapaan = pelapor
    ? honorific({ sex: sexOf(pelapor.sex), nik: pelapor.sex ? null : partyNik(ctx, pelapor) })
    : "Bapak/Ibu";
  const rendered = renderNarasi(valid.value, {
    sapaan,
    nama_pelapor: pelapor?.name ?? "",
    nama_terkait: person.name,
    program: observation.programme,
    periode: observation.dataPeriod,
    catatan: observation.note,
  });
  if (!rendered.ok) {
    const e = rendered.error;
    if (e.code === "NARASI_VARIABLE_MISSING")
      throw new DomainError(e.code, `${VARIABLE_FIELD[e.field]}: ${e.message}`, {
        fields: [{ field: VARIABLE_FIELD[e.field], message: e.message, code: e.code }],
      });
    // A template that does not parse got past the catalogue validation: a bug, not input.
    throw new Error(`template ${valid.value.id} tidak valid: ${e.message}`);
  }
  if (input.evidenceId) {
    const evidence = await ctx.db.prisma.attachment.findFirst({
      where: { id: input.evidenceId, caseId: c.id, status: "stored" },
      select: { id: true },
    });
    if (!evidence)
      throw unprocessable(
        "EVIDENCE_NOT_FOUND",
        "body.evidenceId",
        "berkas bukti tidak ditemukan pada kasus ini; unggah dulu ke /attachments",
      );
  }
  return {
    observation,
    catalogueVersion: catalogue.version,
    reasonLabel: valid.value.label,
    sapaan,
    narasi: rendered.value.narasi,
    saran: rendered.value.saran,
    person,
  };
}

export async function previewFinding(
  ctx: HubContext,
  caseId: string,
  input: FindingInput,
): Promise<FindingPreviewDto> {
  const c = await loadCase(ctx, caseId);
  const p = await prepare(ctx, c, input);
  return {
    reasonCode: p.observation.reasonCode,
    catalogueVersion: p.catalogueVersion,
    sapaan: p.sapaan,
    narasi: scrubText(p.narasi, findingMask(c).identities),
    saran: p.saran,
  };
}

type FindingRow = Prisma.FindingGetPayload<object>;

async function toDto(ctx: HubContext, f: FindingRow, mask: FindingMask): Promise<FindingDto> {
  const catalogue = await currentReasonCatalogue(ctx);
  const about =
    (f.personRole === "pelapor" && mask.identities.length > 0) ||
    (!!f.nikHash && mask.nikHashes.has(f.nikHash));
  const scrub = <T extends string | null>(t: T): T => scrubText(t, mask.identities);
  return {
    id: f.id,
    caseId: f.caseId,
    programme: f.programme,
    statusSeen: f.statusSeen,
    reasonCode: f.reasonCode,
    reasonLabel: catalogue.byId.get(f.reasonCode)?.label ?? null,
    catalogueVersion: f.catalogueVersion,
    dataPeriod: f.dataPeriod,
    person: {
      role: (f.personRole ?? "lainnya") as FindingDto["person"]["role"],
      name: about ? mask.label : scrub(f.personName),
      sex: about ? null : f.personSex,
      nikMasked: about ? null : f.nikMasked,
    },
    note: f.note,
    evidenceId: f.evidenceId,
    narasiGenerated: scrub(f.narasiGenerated),
    narasiEdited: scrub(f.narasiEdited),
    narasi: scrub(f.narasiEdited ?? f.narasiGenerated),
    saran: f.saran,
    createdAt: f.createdAt.toISOString(),
    createdById: f.createdById,
    editedAt: f.editedAt?.toISOString() ?? null,
    editedById: f.editedById,
  };
}

export async function recordFinding(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  input: FindingInput,
  meta: Meta = {},
): Promise<FindingDto> {
  const c = await loadCase(ctx, caseId);
  const p = await prepare(ctx, c, input);
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const f = await tx.finding.create({
      data: {
        caseId,
        createdById: user.id,
        createdAt: ctx.clock(),
        programme: p.observation.programme,
        statusSeen: p.observation.statusSeen,
        reasonCode: p.observation.reasonCode,
        catalogueVersion: p.catalogueVersion,
        dataPeriod: p.observation.dataPeriod,
        personName: p.person.name,
        personSex: p.person.sex,
        personRole: p.person.role,
        ...p.person.nik,
        note: p.observation.note,
        saran: p.saran,
        evidenceId: input.evidenceId ?? null,
        narasiGenerated: p.narasi,
      },
    });
    await tx.caseEvent.create({
      data: {
        caseId,
        type: "finding.recorded",
        actorId: user.id,
        at: ctx.clock(),
        data: {
          findingId: f.id,
          programme: f.programme,
          statusSeen: f.statusSeen,
          reasonCode: f.reasonCode,
          catalogueVersion: f.catalogueVersion,
          source: p.observation.source,
        },
      },
    });
    await audit(tx, {
      actor: user,
      action: "finding.create",
      caseId,
      fields: ["name", ...(p.person.nik.nikHash ? ["nik"] : [])],
      purpose: "pencatatan hasil pengecekan SIKS-NG",
      data: { findingId: f.id, reasonCode: f.reasonCode },
      ...meta,
    });
    return f;
  });
  return toDto(ctx, row, findingMask(c));
}

export async function listFindings(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  meta: Meta = {},
): Promise<FindingDto[]> {
  const mask = findingMask(await loadCase(ctx, caseId));
  const rows = await ctx.db.prisma.finding.findMany({
    where: { caseId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  if (rows.length > 0)
    await audit(ctx.db.prisma, {
      actor: user,
      action: "finding.read",
      caseId,
      fields: ["name", ...(rows.some((r) => r.nikMasked) ? ["nik_masked"] : [])],
      purpose: "penanganan aduan",
      ...meta,
    });
  const out: FindingDto[] = [];
  for (const r of rows) out.push(await toDto(ctx, r, mask));
  return out;
}

export async function editFindingNarasi(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  findingId: string,
  narasiEdited: string | null,
  meta: Meta = {},
): Promise<FindingDto> {
  const text = narasiEdited?.trim() || null;
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const existing = await tx.finding.findFirst({ where: { id: findingId, caseId } });
    if (!existing) throw notFound("Temuan");
    const now = ctx.clock();
    const f = await tx.finding.update({
      where: { id: findingId },
      data: { narasiEdited: text, editedById: user.id, editedAt: now },
    });
    // The text itself stays on the finding; the timeline records that and who.
    await tx.caseEvent.create({
      data: {
        caseId,
        type: "finding.narasi_edited",
        actorId: user.id,
        at: now,
        data: {
          findingId,
          reasonCode: f.reasonCode,
          reverted: text === null,
          ...(text !== null ? { length: text.length } : {}),
        },
      },
    });
    await audit(tx, {
      actor: user,
      action: "finding.narasi_edit",
      caseId,
      fields: ["narasi"],
      purpose: "penanganan aduan",
      data: { findingId },
      ...meta,
    });
    return f;
  });
  return toDto(ctx, row, findingMask(await loadCase(ctx, caseId)));
}

// ---------------------------------------------------------------------------------------
// Evidence files.

export const EVIDENCE_TYPES = EVIDENCE_FILE_TYPES.map((k) => FILE_TYPES[k].mime);

function refused(message: string): DomainError {
  return new DomainError("ATTACHMENT_TYPE_REFUSED", message, {
    allowed: [...EVIDENCE_TYPES],
    fields: [{ field: "headers.content-type", message, code: "ATTACHMENT_TYPE_REFUSED" }],
  });
}

export function attachmentTooLarge(max: number): DomainError {
  return new DomainError(
    "ATTACHMENT_TOO_LARGE",
    `Berkas melebihi batas ${(max / 1024 / 1024).toFixed(1)} MB`,
    { fields: [{ field: "body", message: `maksimal ${max} byte`, code: "ATTACHMENT_TOO_LARGE" }] },
  );
}

function dataDir(ctx: HubContext): string {
  const d = ctx.config.ADUAN_DATA_DIR;
  return isAbsolute(d) ? d : resolve(d);
}

function cleanFileName(raw: string | undefined): string | null {
  if (!raw) return null;
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    /* not percent-encoded: keep as sent */
  }
  // Only the last path segment, without control characters: it ends up in a header.
  name = (name.split(/[\\/]/).pop() ?? "").replace(/[\p{Cc}"]/gu, "").trim();
  return name === "" ? null : name.slice(0, 200);
}

export async function storeAttachment(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  file: { bytes: Buffer; fileName?: string | undefined },
  meta: Meta = {},
): Promise<AttachmentDto> {
  if (file.bytes.length > ctx.config.ADUAN_ATTACHMENT_MAX_BYTES)
    throw attachmentTooLarge(ctx.config.ADUAN_ATTACHMENT_MAX_BYTES);
  // The type is the content's (src/domain/uploads/file-type.ts); the Content-Type header is
  // the client's claim and is neither trusted nor stored.
  const detected = detectFileType(file.bytes, EVIDENCE_FILE_TYPES);
  if (!detected.ok) throw refused(detected.error.message);
  const mime = detected.value.mime;
  await loadCase(ctx, caseId);

  const id = randomUUID();
  const now = ctx.clock();
  const [yyyy, mm] = witaDate(now).split("-");
  const rel = join("files", yyyy ?? "0000", mm ?? "00", id);
  const full = join(dataDir(ctx), rel);
  const sha256 = createHash("sha256").update(file.bytes).digest("hex");
  const enc = encrypt(ctx.keyring, file.bytes);
  await writeStoredFile(ctx, rel, enc.blob);
  const fileName = cleanFileName(file.fileName);
  try {
    const row = await ctx.db.prisma.$transaction(async (tx) => {
      const a = await tx.attachment.create({
        data: {
          id,
          caseId,
          source: "staff_upload",
          fileName,
          mime,
          size: file.bytes.length,
          sha256,
          storagePath: rel,
          encrypted: true,
          keyId: enc.keyId,
          status: "stored",
          createdAt: now,
        },
      });
      await tx.caseEvent.create({
        data: {
          caseId,
          type: "attachment.stored",
          actorId: user.id,
          at: now,
          data: { attachmentId: id, mime, size: file.bytes.length },
        },
      });
      await audit(tx, {
        actor: user,
        action: "attachment.create",
        caseId,
        fields: ["attachment"],
        purpose: "bukti pengecekan SIKS-NG",
        data: { attachmentId: id, mime, size: file.bytes.length },
        ...meta,
      });
      return a;
    });
    return {
      id: row.id,
      caseId,
      fileName: row.fileName,
      mime,
      size: file.bytes.length,
      sha256,
      createdAt: row.createdAt.toISOString(),
    };
  } catch (e) {
    // No row, no file: an orphan ciphertext would never be cleaned up.
    await rm(full, { force: true });
    throw e;
  }
}

export async function readAttachment(
  ctx: HubContext,
  user: AuthUser,
  caseId: string,
  attachmentId: string,
  meta: Meta = {},
): Promise<{ bytes: Buffer; mime: string; fileName: string | null }> {
  const a = await ctx.db.prisma.attachment.findFirst({
    where: { id: attachmentId, caseId, status: "stored" },
  });
  if (!a || !a.storagePath) throw notFound("Berkas");
  const stored = await readFile(join(dataDir(ctx), a.storagePath));
  const bytes = a.encrypted && a.keyId ? decrypt(ctx.keyring, a.keyId, stored) : stored;
  if (a.sha256 && createHash("sha256").update(bytes).digest("hex") !== a.sha256)
    throw new Error(`attachment ${a.id}: sha256 mismatch`);
  await audit(ctx.db.prisma, {
    actor: user,
    action: "attachment.read",
    caseId,
    fields: ["attachment"],
    purpose: "penanganan aduan",
    data: { attachmentId },
    ...meta,
  });
  return { bytes, mime: safeContentType(a.mime), fileName: a.fileName };
}
