// The intake pipeline's writes: one multi-row statement per table for a whole batch (one
// desk case or a page of 500 LAPOR! reports alike), never one per row. Runs inside the
// caller's transaction through the PageTx interface (a pooled pg session, or Prisma's
// transaction via asPageTx).
import { randomUUID } from "node:crypto";
import type { PageTx } from "../ports/channel-source.port.js";
import { witaYear } from "../domain/time.js";
import { actorId, actorName, type IntakeActor } from "./draft.js";
import { personFields, type PreparedCase } from "./steps.js";

/** The batch statements are planned once per connection (a hint; PGlite ignores it). */
const PREPARED = { prepare: true } as const;

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * Case numbers for a batch: one counter statement bumps every (office, WITA year) the
 * batch touches by its count and hands back the block's upper end; within a block the
 * numbers follow the receipt time.
 */
export async function allocateNumbers(
  tx: PageTx,
  prefix: string,
  cases: readonly PreparedCase[],
): Promise<string[]> {
  const groups = new Map<string, { instansi: string; year: number; idx: number[] }>();
  cases.forEach((c, i) => {
    const year = witaYear(c.draft.receivedAt);
    const key = `${c.draft.instansi}\u0000${year}`;
    const g = groups.get(key) ?? { instansi: c.draft.instansi, year, idx: [] };
    g.idx.push(i);
    groups.set(key, g);
  });
  const list = [...groups.values()].sort(
    (a, b) => a.instansi.localeCompare(b.instansi) || a.year - b.year,
  );
  const rows = await tx.query<{ instansi: string; year: number; last: number }>(
    `INSERT INTO "CaseCounter" ("instansi", "year", "last")
     SELECT i, y, n FROM unnest($1::text[], $2::int[], $3::int[]) AS t(i, y, n)
     ON CONFLICT ("instansi", "year") DO UPDATE SET "last" = "CaseCounter"."last" + EXCLUDED."last"
     RETURNING "instansi", "year", "last"`,
    [list.map((g) => g.instansi), list.map((g) => g.year), list.map((g) => g.idx.length)],
  );
  const lastOf = new Map(rows.map((r) => [`${r.instansi}\u0000${Number(r.year)}`, Number(r.last)]));
  const numbers: string[] = new Array<string>(cases.length);
  for (const [key, g] of groups) {
    const last = lastOf.get(key) ?? g.idx.length;
    const ordered = [...g.idx].sort(
      (a, b) =>
        cases[a]!.draft.receivedAt.getTime() - cases[b]!.draft.receivedAt.getTime() || a - b,
    );
    ordered.forEach((i, k) => {
      const n = last - ordered.length + 1 + k;
      numbers[i] = `${prefix}-${g.year}-${String(n).padStart(6, "0")}`;
    });
  }
  return numbers;
}

export type WrittenCase = { caseId: string; number: string } | null;

export type WriteMeta = { ip?: string | undefined; requestId?: string | undefined };

/**
 * Inserts the cases, their parties, timeline events, audit rows, party-link suggestions and
 * acknowledgements. A case whose (office, channel, externalId) already exists (a concurrent
 * writer) is skipped: its slot in the answer is null and nothing else is written for it.
 */
export async function insertCases(
  tx: PageTx,
  prefix: string,
  actor: IntakeActor,
  cases: readonly PreparedCase[],
  now: Date,
  meta: WriteMeta = {},
): Promise<WrittenCase[]> {
  if (cases.length === 0) return [];
  const nowIso = now.toISOString();
  const numbers = await allocateNumbers(tx, prefix, cases);
  const ids = cases.map(() => randomUUID());
  const who = actorId(actor);
  const rows = cases.map((c, i) => {
    const d = c.draft;
    return {
      id: ids[i],
      instansi: d.instansi,
      number: numbers[i],
      channel: d.channel,
      // A case with no channel id (the desk) is keyed by its number.
      ext: d.externalId ?? numbers[i],
      title: c.title,
      keperluan: c.keperluan,
      jenis: c.jenis.jenis,
      jsug: c.jenis.jenisSuggested,
      jdec: c.jenis.jenisDecision,
      jrule: c.jenis.jenisRule,
      status: c.status,
      rahasia: d.rahasia ?? false,
      anonim: d.anonim ?? false,
      sumber: d.upstream?.sumber ?? d.legacy?.sumber ?? null,
      ups: d.upstream?.upstreamStatus ?? null,
      upd: iso(d.upstream?.upstreamUpdatedAt),
      hash: d.upstream?.contentHash ?? null,
      kategori: d.upstream?.kategori ?? null,
      klas: d.upstream?.klasifikasi ?? null,
      hnarasi: d.legacy?.historicalNarasi ?? null,
      tllabel: d.legacy?.tindakLanjutLabel ?? null,
      reason: d.legacy?.reasonCode ?? null,
      lperiod: d.legacy?.period ?? null,
      linfo: d.legacy?.info ?? null,
      desa: d.desa ?? null,
      kec: d.kecamatan ?? null,
      recv: d.receivedAt.toISOString(),
      closed: iso(d.closedAt),
      due: iso(c.clock.dueAt),
      step: c.clock.currentStep,
      stepat: iso(c.clock.stepStartedAt),
      token: d.publicTokenHash ?? null,
      lastin: iso(d.lastInboundAt),
      flags: c.flags,
    };
  });
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO "Case" (id, instansi, number, channel, "externalId", title, keperluan, jenis,
       "jenisSuggested", "jenisDecision", "jenisRule", status, rahasia, anonim, sumber,
       "upstreamStatus", "upstreamUpdatedAt", "contentHash", kategori, klasifikasi,
       "historicalNarasi", "tindakLanjutLabel", "reasonCode", desa, kecamatan, "receivedAt",
       "closedAt", "dueAt", "currentStep", "stepStartedAt", "publicTokenHash", "lastInboundAt",
       flags, "legacyPeriod", "legacyInfo", "createdById", "createdAt", "updatedAt")
     SELECT x.id, x.instansi, x.number, x.channel, x.ext, x.title, x.keperluan, x.jenis, x.jsug,
       x.jdec, x.jrule, x.status, x.rahasia, x.anonim, x.sumber, x.ups, x.upd, x.hash,
       x.kategori, x.klas, x.hnarasi, x.tllabel, x.reason, x.desa, x.kec, x.recv, x.closed,
       x.due, x.step, x.stepat, x.token, x.lastin,
       ARRAY(SELECT jsonb_array_elements_text(x.flags)), x.lperiod, x.linfo, $3::uuid,
       $2::timestamptz, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, instansi text, number text, channel text,
         ext text, title text, keperluan text, jenis text, jsug text, jdec text, jrule text,
         status text, rahasia boolean, anonim boolean, sumber text, ups text, upd timestamptz,
         hash text, kategori text, klas text, hnarasi text, tllabel text, reason text, desa text,
         kec text, recv timestamptz, closed timestamptz, due timestamptz, step text,
         stepat timestamptz, token text, lastin timestamptz, flags jsonb, lperiod text,
         linfo jsonb)
     ON CONFLICT (instansi, channel, "externalId") DO NOTHING
     RETURNING id`,
    [JSON.stringify(rows), nowIso, who],
    PREPARED,
  );
  const done = new Set(inserted.map((r) => r.id));
  const written: WrittenCase[] = cases.map((_c, i) =>
    done.has(ids[i]!) ? { caseId: ids[i]!, number: numbers[i]! } : null,
  );
  const kept = cases
    .map((c, i) => ({ c, w: written[i] }))
    .filter((x): x is { c: PreparedCase; w: { caseId: string; number: string } } => !!x.w);
  if (kept.length === 0) return written;

  const parties = kept.flatMap(({ c, w }) =>
    c.parties.map((p) => ({
      id: randomUUID(),
      instansi: c.draft.instansi,
      caseId: w.caseId,
      role: p.role,
      name: p.name,
      sex: p.sex,
      phone: p.phoneE164,
      alt: p.altPhones,
      email: p.email,
      wa: p.waId,
      bsuid: p.bsuid,
      meta: p.metaId,
      alamat: p.alamat,
      desa: p.desa,
      kec: p.kecamatan,
      nik: p.nikCipher ? Buffer.from(p.nikCipher).toString("base64") : null,
      nikkey: p.nikKeyId,
      nikhash: p.nikHash,
      nikmask: p.nikMasked,
    })),
  );
  if (parties.length) {
    await tx.query(
      `INSERT INTO "Party" (id, instansi, "caseId", role, name, sex, "phoneE164", "altPhones", email,
         "waId", bsuid, "metaId", alamat, desa, kecamatan, "nikCipher", "nikKeyId", "nikHash", "nikMasked",
         "createdAt")
       SELECT x.id, x.instansi, x."caseId", x.role, x.name, x.sex, x.phone,
         ARRAY(SELECT jsonb_array_elements_text(x.alt)), x.email, x.wa, x.bsuid, x.meta, x.alamat, x.desa,
         x.kec, decode(x.nik, 'base64'), x.nikkey, x.nikhash, x.nikmask, $2::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, instansi text, "caseId" uuid, role text,
           name text, sex text, phone text, alt jsonb, email text, wa text, bsuid text, meta text, alamat text,
           desa text, kec text, nik text, nikkey text, nikhash text, nikmask text)`,
      [JSON.stringify(parties), nowIso],
      PREPARED,
    );
  }

  const events: { caseId: string; type: string; data: Record<string, unknown> }[] = [];
  for (const { c, w } of kept) {
    events.push({
      caseId: w.caseId,
      type: c.draft.eventType ?? "case.created",
      data: {
        channel: c.draft.channel,
        number: w.number,
        ...(c.draft.externalId && c.draft.externalId !== w.number
          ? { externalId: c.draft.externalId }
          : {}),
        jenis: c.jenis.jenis,
        jenisSuggested: c.jenis.jenisSuggested,
        jenisDecision: c.jenis.jenisDecision,
        jenisRule: c.jenis.jenisRule,
        bidangSuggested: c.bidangSuggested,
        ...(c.draft.flags?.length ? { flags: [...new Set(c.draft.flags)] } : {}),
        ...c.draft.eventData,
      },
    });
    if (c.acknowledged) {
      events.push({
        caseId: w.caseId,
        type: "case.acknowledged",
        data: {
          channel: c.draft.channel,
          sentToCitizen: true,
          automatic: true,
          ...(c.draft.ack?.onScreen ? { onScreen: true } : {}),
        },
      });
    }
  }
  await tx.query(
    `INSERT INTO "CaseEvent" ("caseId", at, type, "actorId", data)
     SELECT x."caseId", $2::timestamptz, x.type, $3::uuid, x.data
       FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, type text, data jsonb)`,
    [JSON.stringify(events), nowIso, who],
    PREPARED,
  );

  // The processing record (UU 27/2022 PDP): one row per case, the channel named as actor.
  const audits = kept.map(({ c, w }) => ({
    instansi: c.draft.instansi,
    caseId: w.caseId,
    fields: personFields(c.parties, c.draft.auditFields),
    purpose: c.draft.purpose ?? `penerimaan aduan melalui ${c.draft.channel}`,
    data: { channel: c.draft.channel, number: w.number },
  }));
  await tx.query(
    `INSERT INTO "AuditLog" (instansi, "actorId", "actorName", action, "caseId", fields, purpose,
       ip, "requestId", data, at)
     SELECT x.instansi, $2::uuid, $3, 'case.create', x."caseId",
       ARRAY(SELECT jsonb_array_elements_text(x.fields)), x.purpose, $4, $5, x.data, $6::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS x(instansi text, "caseId" uuid, fields jsonb,
         purpose text, data jsonb)`,
    [
      JSON.stringify(audits),
      who,
      actorName(actor),
      meta.ip ?? null,
      meta.requestId ?? null,
      nowIso,
    ],
    PREPARED,
  );

  await suggestLinks(tx, parties);

  const acks = kept
    .filter(({ c }) => c.draft.ack?.outboxKind)
    .map(({ c, w }) => ({
      caseId: w.caseId,
      kind: c.draft.ack!.outboxKind!,
      target: c.draft.channel,
      key: `${c.draft.ack!.outboxKind!}:${w.caseId}`,
    }));
  if (acks.length) {
    await tx.query(
      `INSERT INTO "Outbox" (id, "caseId", kind, target, payload, "idempotencyKey")
       SELECT gen_random_uuid(), x."caseId", x.kind, x.target, jsonb_build_object('caseId', x."caseId"),
         x.key
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, kind text, target text, key text)
       ON CONFLICT ("idempotencyKey") DO NOTHING`,
      [JSON.stringify(acks)],
    );
  }
  return written;
}

/** Person-link suggestions per basis (each its own index), within the case's office. */
const MAX_PER_BASIS = 20;
const OTHERS = (match: string, present: string) => `
  SELECT np.id AS pid, o.id AS oid FROM np CROSS JOIN LATERAL (
    SELECT p2.id FROM "Party" p2
     WHERE ${match} AND p2."caseId" <> np."caseId"
       -- The office as a per-candidate look-up: joined, the planner walks every case of
       -- the office first (measured 0.9 ms per new party at 3,000 cases).
       AND (SELECT c2.instansi FROM "Case" c2 WHERE c2.id = p2."caseId") = np.instansi
     ORDER BY p2."createdAt" DESC LIMIT $2::int) o
   WHERE ${present} IS NOT NULL`;

type NewParty = {
  id: string;
  caseId: string;
  instansi: string;
  phone: string | null;
  wa: string | null;
  bsuid: string | null;
  email: string | null;
  nikhash: string | null;
};

async function suggestLinks(tx: PageTx, parties: NewParty[]): Promise<void> {
  const keyed = parties.filter((p) => p.phone || p.wa || p.bsuid || p.email || p.nikhash);
  if (keyed.length === 0) return;
  // The new parties' keys come from here, not read back: `id = ANY($1)` over 200 ids was
  // planned as a scan of every party (36 ms a page at 20,000 parties).
  await tx.query(
    `WITH np AS MATERIALIZED (
       SELECT x.id, x."caseId", x.phone AS "phoneE164", x.wa AS "waId", x.bsuid, x.email,
              x.nikhash AS "nikHash", x.instansi
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "caseId" uuid, phone text, wa text,
           bsuid text, email text, nikhash text, instansi text)
     ), cand AS (
       SELECT pid, oid, 'phone' AS basis FROM (${OTHERS(`p2."phoneE164" = np."phoneE164"`, `np."phoneE164"`)}) a
       UNION SELECT pid, oid, 'phone' FROM (${OTHERS(`p2."altPhones" @> ARRAY[np."phoneE164"]`, `np."phoneE164"`)}) b
       UNION SELECT pid, oid, 'wa_id' FROM (${OTHERS(`p2."waId" = np."waId"`, `np."waId"`)}) c
       UNION SELECT pid, oid, 'bsuid' FROM (${OTHERS(`p2.bsuid = np.bsuid`, `np.bsuid`)}) f
       UNION SELECT pid, oid, 'email' FROM (${OTHERS(`p2.email = np.email`, `np.email`)}) d
       UNION SELECT pid, oid, 'nik' FROM (${OTHERS(`p2."nikHash" = np."nikHash"`, `np."nikHash"`)}) e
     )
     INSERT INTO "PartyLink" (id, "partyId", "otherPartyId", basis)
     SELECT gen_random_uuid(), pid, oid, basis FROM cand
     ON CONFLICT ("partyId", "otherPartyId", basis) DO NOTHING`,
    [
      JSON.stringify(
        keyed.map((p) => ({
          id: p.id,
          caseId: p.caseId,
          instansi: p.instansi,
          phone: p.phone,
          wa: p.wa,
          bsuid: p.bsuid,
          email: p.email,
          nikhash: p.nikhash,
        })),
      ),
      MAX_PER_BASIS,
    ],
    PREPARED,
  );
}
