// Retention (JRA): what is past its retention period is anonymised, not deleted, so the
// figures of past reports stay the same. A closed case keeps jenis, channel, status, bidang,
// desa/kecamatan and its dates (all the annual/monthly counts read); the persons, message
// bodies, free text, raw payloads and attachment files go. Bounded batches, one transaction
// each, so a run can stop anywhere and the next one continues.
import { rmSync } from "node:fs";
import type { HubContext } from "../context.js";
import { audit } from "../services/audit.service.js";
import { loginAttemptsReadSince } from "../services/auth.service.js";
import { attachmentFile } from "./files.js";
import {
  ANONYMISED_FINDING,
  ANONYMISED_NAME,
  ANONYMISED_PARTY,
  ANONYMISED_TEXT,
  CLOSED_STATUSES,
} from "./person.js";

export type RetentionResult = {
  dryRun: boolean;
  cutoffs: { closedCases: string; rawMessages: string; audit: string; loginAttempts: string };
  cases: number;
  parties: number;
  findings: number;
  messages: number;
  attachments: number;
  rawMessages: number;
  /** Login attempts (username, IP address) older than the throttle reads: deleted. */
  loginAttempts: number;
  /** Audit rows past retention: counted, never deleted here (the log is append-only). */
  auditPastRetention: number;
};

const BATCH = 200;

function yearsBefore(now: Date, years: number): Date {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

export async function runRetention(
  ctx: HubContext,
  opts: { dryRun?: boolean; maxBatches?: number } = {},
): Promise<RetentionResult> {
  const now = ctx.clock();
  const cfg = ctx.config;
  const caseCutoff = yearsBefore(now, cfg.PDP_RETENTION_YEARS_CLOSED_CASES);
  const rawCutoff = yearsBefore(now, cfg.PDP_RETENTION_YEARS_RAW_MESSAGES);
  const auditCutoff = yearsBefore(now, cfg.PDP_RETENTION_YEARS_AUDIT);
  const loginCutoff = loginAttemptsReadSince(ctx);
  const prisma = ctx.db.prisma;
  const dueCases = {
    anonymisedAt: null,
    status: { in: [...CLOSED_STATUSES] },
    closedAt: { lt: caseCutoff },
  };
  const result: RetentionResult = {
    dryRun: opts.dryRun ?? false,
    cutoffs: {
      closedCases: caseCutoff.toISOString(),
      rawMessages: rawCutoff.toISOString(),
      audit: auditCutoff.toISOString(),
      loginAttempts: loginCutoff.toISOString(),
    },
    cases: 0,
    parties: 0,
    findings: 0,
    messages: 0,
    attachments: 0,
    rawMessages: 0,
    loginAttempts: 0,
    auditPastRetention: await prisma.auditLog.count({ where: { at: { lt: auditCutoff } } }),
  };

  if (opts.dryRun) {
    const ids = (await prisma.case.findMany({ where: dueCases, select: { id: true } })).map(
      (c) => c.id,
    );
    result.cases = ids.length;
    result.parties = await prisma.party.count({ where: { caseId: { in: ids } } });
    result.findings = await prisma.finding.count({ where: { caseId: { in: ids } } });
    result.messages = await prisma.message.count({ where: { caseId: { in: ids } } });
    result.attachments = await prisma.attachment.count({
      where: { caseId: { in: ids }, storagePath: { not: null } },
    });
    result.rawMessages = await countRawDue(ctx, rawCutoff, ids);
    result.loginAttempts = await prisma.loginAttempt.count({ where: { at: { lt: loginCutoff } } });
    return result;
  }

  let batches = 0;
  for (;;) {
    if (opts.maxBatches !== undefined && batches >= opts.maxBatches) return result;
    const files: string[] = [];
    const n = await prisma.$transaction(
      async (tx) => {
        const cases = await tx.case.findMany({
          where: dueCases,
          select: { id: true },
          orderBy: { closedAt: "asc" },
          take: BATCH,
        });
        if (!cases.length) return 0;
        const ids = cases.map((c) => c.id);
        const parties = await tx.party.findMany({
          where: { caseId: { in: ids } },
          select: { name: true },
        });
        const names = [
          ...new Set(parties.map((p) => p.name).filter((x): x is string => !!x && x.length >= 3)),
        ];
        result.parties += (
          await tx.party.updateMany({ where: { caseId: { in: ids } }, data: ANONYMISED_PARTY })
        ).count;
        const findings = await tx.finding.findMany({ where: { caseId: { in: ids } } });
        for (const f of findings) {
          const strip = (t: string | null) => {
            if (!t) return t;
            for (const nm of [...names, f.personName ?? ""])
              if (nm.length >= 3) t = t.split(nm).join(ANONYMISED_NAME);
            return t;
          };
          await tx.finding.update({
            where: { id: f.id },
            data: {
              ...ANONYMISED_FINDING,
              note: null,
              narasiGenerated: strip(f.narasiGenerated) ?? "",
              narasiEdited: strip(f.narasiEdited),
            },
          });
        }
        result.findings += findings.length;
        result.messages += (
          await tx.message.updateMany({
            where: { caseId: { in: ids } },
            data: { body: ANONYMISED_TEXT, author: null },
          })
        ).count;
        const atts = await tx.attachment.findMany({
          where: { caseId: { in: ids }, storagePath: { not: null } },
          select: { id: true, storagePath: true },
        });
        for (const a of atts) files.push(attachmentFile(ctx.config, a.storagePath!));
        result.attachments += (
          await tx.attachment.updateMany({
            where: { id: { in: atts.map((a) => a.id) } },
            data: {
              storagePath: null,
              fileName: null,
              status: "deleted",
              error: "dihapus: retensi",
            },
          })
        ).count;
        result.rawMessages += await tx.$executeRawUnsafe(
          `UPDATE "RawMessage" SET body = '\\x'::bytea, headers = NULL
           WHERE "caseId" = ANY($1::uuid[]) AND octet_length(body) > 0`,
          ids,
        );
        await tx.case.updateMany({
          where: { id: { in: ids } },
          data: {
            anonymisedAt: now,
            keperluan: ANONYMISED_TEXT,
            title: null,
            historicalNarasi: null,
            publicTokenHash: null,
          },
        });
        await audit(tx, {
          actor: null,
          action: "pdp.retention",
          fields: ["name", "phone", "nik", "alamat", "email", "messages", "attachments"],
          purpose: `retensi: aduan selesai lebih dari ${cfg.PDP_RETENTION_YEARS_CLOSED_CASES} tahun`,
          data: { cases: ids.length },
        });
        return ids.length;
      },
      { timeout: 60_000 },
    );
    // Files go after the commit: a rolled-back batch must still find them.
    for (const f of files) rmSync(f, { force: true });
    if (n === 0) break;
    batches++;
    result.cases += n;
    if (n < BATCH) break;
  }

  // Raw payloads on their own clock (replay needs them only while a mapping may be redone);
  // the sha256 stays so a re-delivered payload is still recognised.
  for (;;) {
    const n = await prisma.$executeRawUnsafe(
      `UPDATE "RawMessage" SET body = '\\x'::bytea, headers = NULL
       WHERE id IN (SELECT id FROM "RawMessage"
                    WHERE "receivedAt" < $1 AND octet_length(body) > 0 LIMIT 1000)`,
      rawCutoff,
    );
    result.rawMessages += n;
    if (n < 1000) break;
  }
  result.loginAttempts = (
    await prisma.loginAttempt.deleteMany({ where: { at: { lt: loginCutoff } } })
  ).count;
  if (result.rawMessages || result.cases) {
    ctx.logger.info(
      { cases: result.cases, rawMessages: result.rawMessages, attachments: result.attachments },
      "pdp retention applied",
    );
  }
  return result;
}

async function countRawDue(ctx: HubContext, rawCutoff: Date, caseIds: string[]): Promise<number> {
  const rows = await ctx.db.sql.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM "RawMessage"
     WHERE octet_length(body) > 0 AND ("receivedAt" < $1 OR "caseId" = ANY($2::uuid[]))`,
    [rawCutoff, caseIds],
  );
  return Number(rows[0]?.n ?? 0);
}
