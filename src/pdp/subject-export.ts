// Subject access export: everything the hub holds about one person (cases where they
// appear, their party records, findings about them, messages, attachment metadata) and
// the processing trail of those cases, as a ZIP of JSON plus a PDF summary in Bahasa
// Indonesia. Other people on the same cases appear by role only (minimisation). The
// export is itself audited, and the chain is sealed right after.
import PDFDocument from "pdfkit";
import { ZipArchive } from "archiver";
import type { HubContext } from "../context.js";
import { DomainError } from "../domain/errors.js";
import { decrypt } from "../security/crypto.js";
import { maskNik } from "../domain/nik.js";
import { WITA_OFFSET_MS } from "../domain/time.js";
import type { AuthUser } from "../services/auth.service.js";
import { audit } from "../services/audit.service.js";
import { sealAuditChain } from "./audit-chain.js";
import { findPerson } from "./person.js";
import { getSubjectRequest, personKeyOf } from "./subject-requests.js";

type Meta = { ip?: string | undefined; requestId?: string | undefined };

export type SubjectExportData = {
  permintaan: { id: string; jenis: string; diterima: string; batasWaktu: string };
  dibuatPada: string;
  orang: { nama: string | null; nikMasked: string | null; nik: string | null };
  kasus: {
    nomor: string;
    kanal: string;
    status: string;
    jenis: string | null;
    diterima: string;
    ditutup: string | null;
    keperluan: string;
    rahasia: boolean;
    pihak: Record<string, unknown>[];
    temuan: Record<string, unknown>[];
    pesan: Record<string, unknown>[];
    lampiran: Record<string, unknown>[];
    jejakPemrosesan: Record<string, unknown>[];
  }[];
};

const wita = (d: Date) =>
  new Date(d.getTime() + WITA_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ") + " WITA";

type ReportTrailRow = {
  id: string;
  at: Date | string;
  actorName: string | null;
  action: string;
  fields: string[] | null;
  purpose: string | null;
  caseIds: string[];
};

/**
 * Report exports and downloads (one audit row each, no case id) whose recorded case ids
 * include any of the given cases; `caseIds` is narrowed to those cases. A report is built
 * from cases already in the database, so rows older than the earliest case are skipped.
 */
async function reportExportsOf(
  ctx: HubContext,
  caseIds: readonly string[],
  createdAt: readonly Date[],
): Promise<ReportTrailRow[]> {
  if (caseIds.length === 0 || createdAt.length === 0) return [];
  const earliest = new Date(Math.min(...createdAt.map((d) => d.getTime())) - 24 * 3600 * 1000);
  return ctx.db.sql.query<ReportTrailRow>(
    `SELECT a.id, a.at, a."actorName", a.action, a.fields, a.purpose,
            ARRAY(SELECT x FROM jsonb_array_elements_text(a.ids) x
                  WHERE x = ANY($1::text[])) AS "caseIds"
     FROM (SELECT id::text AS id, at, "actorName", action, fields, purpose,
                  CASE WHEN jsonb_typeof(data->'caseIds') = 'array' THEN data->'caseIds' END AS ids
           FROM "AuditLog"
           WHERE at >= $2::timestamptz AND "caseId" IS NULL AND action LIKE 'report.%') a
     WHERE EXISTS (SELECT 1 FROM jsonb_array_elements_text(a.ids) x WHERE x = ANY($1::text[]))
     ORDER BY a.id::bigint`,
    [[...caseIds], earliest.toISOString()],
  );
}

export async function collectSubjectData(
  ctx: HubContext,
  requestId: string,
  instansi?: string,
): Promise<SubjectExportData> {
  // The person is searched in the request's office only (personKeyOf carries it).
  const req = await getSubjectRequest(ctx, requestId, instansi);
  const key = personKeyOf(req);
  const prisma = ctx.db.prisma;
  const found = await findPerson(prisma, key);
  const cases = await prisma.case.findMany({
    where: { id: { in: found.caseIds } },
    include: {
      parties: { orderBy: { createdAt: "asc" } },
      messages: { orderBy: { at: "asc" } },
      attachments: { orderBy: { createdAt: "asc" } },
    },
    orderBy: { receivedAt: "asc" },
  });
  const trail = await prisma.auditLog.findMany({
    where: { caseId: { in: found.caseIds } },
    orderBy: { id: "asc" },
  });
  const reportTrail = await reportExportsOf(
    ctx,
    found.caseIds,
    cases.map((c) => c.createdAt),
  );
  const mine = new Set(found.parties.map((p) => p.id));
  const myFindings = new Set(found.findings.map((f) => f.id));
  const first = found.parties.find((p) => p.nikCipher) ?? null;
  const nik =
    first?.nikCipher && first.nikKeyId
      ? decrypt(ctx.keyring, first.nikKeyId, first.nikCipher).toString("utf8")
      : null;
  const findings = await prisma.finding.findMany({
    where: { id: { in: [...myFindings] } },
    orderBy: { createdAt: "asc" },
  });
  return {
    permintaan: {
      id: req.id,
      jenis: req.kind,
      diterima: req.receivedAt.toISOString(),
      batasWaktu: req.dueAt.toISOString(),
    },
    dibuatPada: ctx.clock().toISOString(),
    orang: {
      nama: found.parties[0]?.name ?? req.personName,
      nikMasked: nik ? maskNik(nik) : null,
      // The subject's own NIK is theirs to receive.
      nik,
    },
    kasus: cases.map((c) => {
      const isPelapor = c.parties.some((p) => mine.has(p.id) && p.role === "pelapor");
      return {
        nomor: c.number,
        kanal: c.channel,
        status: c.status,
        jenis: c.jenis,
        diterima: c.receivedAt.toISOString(),
        ditutup: c.closedAt?.toISOString() ?? null,
        keperluan: c.keperluan,
        rahasia: c.rahasia,
        pihak: c.parties.map((p) =>
          mine.has(p.id)
            ? {
                peran: p.role,
                nama: p.name,
                jenisKelamin: p.sex,
                telepon: p.phoneE164,
                teleponLain: p.altPhones,
                // WhatsApp business-scoped user ID (a sender known by a username, issue 19).
                idWhatsApp: p.bsuid,
                email: p.email,
                nikMasked: p.nikMasked,
                alamat: p.alamat,
                desa: p.desa,
                kecamatan: p.kecamatan,
                dibatasi: p.restricted,
                dicatat: p.createdAt.toISOString(),
              }
            : { peran: p.role, keterangan: "pihak lain (tidak disertakan)" },
        ),
        temuan: findings
          .filter((f) => f.caseId === c.id)
          .map((f) => ({
            program: f.programme,
            statusTerlihat: f.statusSeen,
            kodeAlasan: f.reasonCode,
            periodeData: f.dataPeriod,
            nama: f.personName,
            nikMasked: f.nikMasked,
            catatan: f.note,
            saran: f.saran,
            narasi: f.narasiEdited ?? f.narasiGenerated,
            dicatat: f.createdAt.toISOString(),
          })),
        // Messages of a case are the pelapor's conversation; a person named only "atas
        // nama" gets the count, not another person's words.
        pesan: isPelapor
          ? c.messages.map((m) => ({
              arah: m.direction,
              kanal: m.channel,
              isi: m.body,
              waktu: m.at.toISOString(),
              statusKirim: m.deliveryStatus,
            }))
          : [{ keterangan: `${c.messages.length} pesan dari/kepada pelapor (pihak lain)` }],
        lampiran: c.attachments.map((a) => ({
          namaBerkas: a.fileName,
          jenisBerkas: a.mime,
          ukuran: a.size,
          sumber: a.source,
          terenkripsi: a.encrypted,
          status: a.status,
          dicatat: a.createdAt.toISOString(),
        })),
        jejakPemrosesan: [
          ...trail
            .filter((t) => t.caseId === c.id)
            .map((t) => ({
              id: t.id,
              waktu: t.at.toISOString(),
              oleh: t.actorName,
              tindakan: t.action,
              kolom: t.fields,
              tujuan: t.purpose,
            })),
          // Reports whose rows included this case: written without a case id, so found by
          // the case ids they record.
          ...reportTrail
            .filter((t) => t.caseIds.includes(c.id))
            .map((t) => ({
              id: BigInt(t.id),
              waktu: new Date(t.at).toISOString(),
              oleh: t.actorName,
              tindakan: t.action,
              kolom: t.fields ?? [],
              tujuan: t.purpose,
            })),
        ]
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          .map((t) => ({ ...t, id: t.id.toString() })),
      };
    }),
  };
}

export function subjectPdf(data: SubjectExportData, now: Date): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: 56, bottom: 56, left: 56, right: 56 },
    info: {
      Title: "Ringkasan Data Pribadi",
      Author: "Dinas Sosial Kabupaten Tabalong",
      Creator: "aduan-hub",
      CreationDate: now,
      ModDate: now,
    },
  });
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.font("Helvetica-Bold").fontSize(14).text("RINGKASAN DATA PRIBADI", { align: "center" });
    doc
      .fontSize(11)
      .text("Permintaan Akses Subjek Data (UU No. 27 Tahun 2022)", { align: "center" });
    doc.text("Dinas Sosial Kabupaten Tabalong", { align: "center" }).moveDown();
    doc.font("Helvetica").fontSize(10);
    doc.text(`Nomor permintaan: ${data.permintaan.id}`);
    doc.text(`Diterima: ${wita(new Date(data.permintaan.diterima))}`);
    doc.text(`Dibuat: ${wita(new Date(data.dibuatPada))}`);
    doc.text(`Nama: ${data.orang.nama ?? "-"}`);
    doc.text(`NIK: ${data.orang.nikMasked ?? "-"}`).moveDown();
    doc.font("Helvetica-Bold").text(`Aduan yang memuat data Anda: ${data.kasus.length}`);
    doc.font("Helvetica");
    for (const k of data.kasus) {
      doc.moveDown(0.5).font("Helvetica-Bold").text(`${k.nomor} (${k.kanal})`);
      doc.font("Helvetica");
      doc.text(`Diterima ${wita(new Date(k.diterima))}; status ${k.status}`);
      doc.text(
        `Temuan: ${k.temuan.length}; lampiran: ${k.lampiran.length}; ` +
          `catatan pemrosesan: ${k.jejakPemrosesan.length}`,
      );
    }
    doc.moveDown();
    doc.text(
      "Rincian lengkap (data, pesan, dan jejak pemrosesan: siapa, kapan, untuk tujuan apa) " +
        "ada di berkas data.json dalam arsip ini.",
    );
    doc.end();
  });
}

export async function buildZip(files: { name: string; content: Buffer | string }[], date: Date) {
  const zip = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    zip.on("data", (c: Buffer) => chunks.push(c));
    zip.on("end", () => resolve(Buffer.concat(chunks)));
    zip.on("error", reject);
  });
  for (const f of files) zip.append(f.content, { name: f.name, date });
  await zip.finalize();
  return done;
}

export async function exportSubjectData(
  ctx: HubContext,
  user: AuthUser,
  requestId: string,
  meta: Meta = {},
): Promise<{ fileName: string; zip: Buffer; cases: number }> {
  const req = await getSubjectRequest(ctx, requestId, user.instansi);
  if (req.kind !== "access") {
    throw new DomainError("NOT_ACCESS_REQUEST", "Ekspor hanya untuk permintaan akses");
  }
  const data = await collectSubjectData(ctx, requestId, user.instansi);
  const now = ctx.clock();
  const pdf = await subjectPdf(data, now);
  const zip = await buildZip(
    [
      { name: "data.json", content: JSON.stringify(data, null, 2) },
      { name: "ringkasan.pdf", content: pdf },
    ],
    now,
  );
  const caseIds = (await findPerson(ctx.db.prisma, personKeyOf(req))).caseIds;
  await ctx.db.prisma.$transaction(async (tx) => {
    for (const caseId of caseIds.length ? caseIds : [null]) {
      await audit(tx, {
        actor: user,
        action: "pdp.export",
        caseId,
        fields: ["name", "phone", "nik", "alamat", "messages", "findings", "trail"],
        purpose: "permintaan akses subjek data",
        ...meta,
        data: { subjectRequestId: requestId },
      });
    }
    const stored = (req.result ?? {}) as Record<string, unknown>;
    await tx.subjectRequest.update({
      where: { id: requestId },
      data: {
        status: req.status === "selesai" ? req.status : "diproses",
        result: { ...stored, exportedAt: now.toISOString(), exportedCases: data.kasus.length },
      },
    });
  });
  await sealAuditChain(ctx);
  return { fileName: `akses-subjek-${requestId.slice(0, 8)}.zip`, zip, cases: data.kasus.length };
}
