// The intake pipeline's form for conversational channels (WhatsApp, Facebook, Instagram,
// e-mail, web form): one message joins the case it belongs to or opens a new one through
// the same steps as every other channel. One code path for a webhook's message (inside
// its own short transaction, src/services/inbound.service.ts) and a mailbox page (inside
// the sync engine's page transaction): raw SQL on a PageTx, so both transaction kinds —
// Prisma's on PGlite, a pooled pg session on PostgreSQL — run it unchanged.
//
// Per message, under the sender's advisory locks (a burst from one number never opens two
// cases): dedupe on the Message unique (channel, externalId); the case is the caller's,
// the replied-to message's, the sender's open case, or a new one; then the Message row.
import { randomUUID } from "node:crypto";
import type { HubContext } from "../context.js";
import type { ApplyItem, ApplyResult, PageTx } from "../ports/channel-source.port.js";
import type {
  InboundChannel,
  InboundMessage,
  InboundRecord,
  OpenCaseKey,
} from "../ports/intake.port.js";
import { DEFAULT_INSTANSI } from "../domain/instansi.js";
import { FINAL_STATUSES } from "../domain/workflow.js";
import { stripNul } from "../util/text.js";
import { SYSTEM_ACTORS, type CaseDraft, type IntakeActor } from "./draft.js";
import { lastIntakeEnv, loadIntakeEnv, type IntakeEnv } from "./env.js";
import { insertCases } from "./intake.repo.js";
import { prepareCases } from "./steps.js";

export type InboundWrite = InboundMessage & { readonly rawMessageId: string | null };

export type IngestResult =
  | { status: "duplicate"; caseId: string; messageId: string }
  | {
      status: "created" | "joined";
      caseId: string;
      caseNumber: string;
      messageId: string;
    };

const CHANNEL_ACTOR: Record<InboundChannel, IntakeActor> = {
  whatsapp: { kind: "system", name: SYSTEM_ACTORS.whatsapp },
  email: { kind: "system", name: SYSTEM_ACTORS.email },
  facebook: { kind: "system", name: SYSTEM_ACTORS.facebook },
  instagram: { kind: "system", name: SYSTEM_ACTORS.instagram },
  website: { kind: "system", name: SYSTEM_ACTORS.website },
};

/** The party columns a sender may be threaded by (never a caller's string in SQL). */
const KEY_COLUMN: Record<OpenCaseKey["field"], string> = {
  waId: `"waId"`,
  bsuid: `"bsuid"`,
  metaId: `"metaId"`,
};

function keysOf(by: InboundMessage["openCaseBy"]): readonly OpenCaseKey[] {
  if (!by) return [];
  return Array.isArray(by) ? by : [by as OpenCaseKey];
}

/** A message is never refused for its content: NUL characters are dropped instead. */
export function cleanInbound<T extends InboundMessage>(m: T): T {
  return {
    ...m,
    text: stripNul(m.text),
    from: { ...m.from, name: m.from.name === null ? null : stripNul(m.from.name) },
    ...(m.title ? { title: stripNul(m.title) } : {}),
  };
}

async function replyCase(
  tx: PageTx,
  channel: InboundChannel,
  replyTo: NonNullable<InboundMessage["replyTo"]>,
): Promise<string | null> {
  if (replyTo.messageIds.length > 0) {
    const [m] = await tx.query<{ caseId: string }>(
      `SELECT "caseId" FROM "Message" WHERE channel = $1 AND "externalId" = ANY($2::text[])
        ORDER BY at DESC LIMIT 1`,
      [channel, [...replyTo.messageIds]],
    );
    if (m) return m.caseId;
  }
  if (replyTo.caseNumber) {
    // The channel feeds the default office: a number is looked up among its cases.
    const [c] = await tx.query<{ id: string }>(
      `SELECT id FROM "Case" WHERE instansi = $1 AND number = $2`,
      [DEFAULT_INSTANSI, replyTo.caseNumber],
    );
    if (c) return c.id;
  }
  return null;
}

async function openCaseOf(
  tx: PageTx,
  channel: InboundChannel,
  keys: readonly OpenCaseKey[],
): Promise<string | null> {
  if (keys.length === 0) return null;
  const params: unknown[] = [channel, [...FINAL_STATUSES]];
  const match = keys.map((k) => {
    params.push(k.value);
    return `p.${KEY_COLUMN[k.field]} = $${params.length}`;
  });
  const [c] = await tx.query<{ id: string }>(
    `SELECT c.id FROM "Case" c
      WHERE c.channel = $1 AND c.status <> ALL($2::text[])
        AND EXISTS (SELECT 1 FROM "Party" p WHERE p."caseId" = c.id AND p.role = 'pelapor'
                      AND (${match.join(" OR ")}))
      ORDER BY c."receivedAt" DESC LIMIT 1`,
    params,
  );
  return c?.id ?? null;
}

/**
 * A joined case's pelapor gains the identifiers this message shows and it lacked (a user
 * first known by phone now also by BSUID, or the reverse): the same person, one party.
 */
async function completeSender(tx: PageTx, caseId: string, input: InboundWrite): Promise<void> {
  const keys = keysOf(input.openCaseBy);
  if (keys.length === 0) return;
  const fill: [string, string | null | undefined][] = [
    [`"waId"`, input.from.waId],
    [`"bsuid"`, input.from.bsuid],
    [`"phoneE164"`, input.from.phoneE164],
  ];
  for (const [column, value] of fill) {
    if (!value) continue;
    const params: unknown[] = [caseId, value];
    const match = keys.map((k) => {
      params.push(k.value);
      return `${KEY_COLUMN[k.field]} = $${params.length}`;
    });
    await tx.query(
      `UPDATE "Party" SET ${column} = $2 WHERE "caseId" = $1::uuid AND role = 'pelapor'
          AND ${column} IS NULL AND (${match.join(" OR ")}) RETURNING id`,
      params,
    );
  }
}

function draftOf(input: InboundWrite): CaseDraft {
  return {
    channel: input.channel,
    externalId: input.externalId,
    // Inbound channels feed the default office.
    instansi: DEFAULT_INSTANSI,
    receivedAt: input.receivedAt,
    title: input.title ?? null,
    keperluan: input.text,
    desa: input.desa ?? null,
    kecamatan: input.kecamatan ?? null,
    lastInboundAt: input.receivedAt,
    flags: [...(input.flags ?? [])],
    publicTokenHash: input.publicTokenHash ?? null,
    rahasia: input.rahasia === true,
    parties: [
      {
        role: "pelapor",
        name: input.from.name,
        phoneE164: input.from.phoneE164 ?? null,
        waId: input.from.waId ?? null,
        bsuid: input.from.bsuid ?? null,
        metaId: input.from.metaId ?? null,
        email: input.from.email ?? null,
        desa: input.desa ?? null,
        kecamatan: input.kecamatan ?? null,
      },
    ],
    auditFields: ["message"],
    purpose: `penerimaan aduan melalui ${input.channel}`,
    ack: { outboxKind: input.ackKind ?? null, onScreen: input.acknowledgedOnScreen === true },
  };
}

/**
 * One inbound message inside the caller's transaction. The intake environment (SLA
 * policy, calendar, catalogues) is read by the caller before its transaction opened.
 */
export async function writeInbound(
  tx: PageTx,
  ctx: HubContext,
  env: IntakeEnv,
  raw: InboundWrite,
): Promise<IngestResult> {
  const input = cleanInbound(raw);
  // Several keys are taken in one order, so two messages of one person never deadlock.
  const keys = [...new Set([input.lockKey, ...(input.extraLockKeys ?? [])])].sort();
  for (const key of keys)
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))::text AS l`, [key], {
      prepare: true,
    });
  const [existing] = await tx.query<{ id: string; caseId: string }>(
    `SELECT id, "caseId" FROM "Message" WHERE channel = $1 AND "externalId" = $2`,
    [input.channel, input.externalId],
    { prepare: true },
  );
  if (existing) return { status: "duplicate", caseId: existing.caseId, messageId: existing.id };

  const now = ctx.clock();
  let caseId = input.joinCaseId ?? null;
  if (caseId === null && input.replyTo) caseId = await replyCase(tx, input.channel, input.replyTo);
  if (caseId === null) caseId = await openCaseOf(tx, input.channel, keysOf(input.openCaseBy));
  let status: "created" | "joined" = "joined";
  let caseNumber: string;
  if (caseId === null) {
    const prepared = prepareCases(env, ctx.keyring, [draftOf(input)]);
    const [written] = await insertCases(
      tx,
      ctx.config.ADUAN_CASE_PREFIX,
      CHANNEL_ACTOR[input.channel],
      prepared.cases,
      now,
    );
    // The Message unique (channel, externalId) was checked under the sender's lock; a case
    // holding this message id already means a replay raced past it.
    if (!written) throw new Error(`case for ${input.channel} message already exists`);
    caseId = written.caseId;
    caseNumber = written.number;
    status = "created";
  } else {
    // Flags stay a set, in the order they were first raised.
    const [joined] = await tx.query<{ number: string }>(
      `UPDATE "Case" SET "lastInboundAt" = $2::timestamptz, "updatedAt" = $3::timestamptz,
          flags = ARRAY(SELECT f FROM unnest(flags || $4::text[]) WITH ORDINALITY AS t(f, o)
                         GROUP BY f ORDER BY min(o))
        WHERE id = $1::uuid RETURNING number`,
      [caseId, input.receivedAt.toISOString(), now.toISOString(), [...(input.flags ?? [])]],
    );
    if (!joined) throw new Error("joined case not found");
    caseNumber = joined.number;
    await completeSender(tx, caseId, input);
    await tx.query(
      `INSERT INTO "CaseEvent" ("caseId", type, data) VALUES ($1::uuid, 'message.received', $2::jsonb)`,
      [caseId, JSON.stringify({ channel: input.channel, externalId: input.externalId })],
    );
  }
  const messageId = randomUUID();
  await tx.query(
    // clock_timestamp(): messages of one page (one transaction) keep their arrival order.
    `INSERT INTO "Message" (id, "caseId", direction, channel, "externalId", author, body, at,
       "rawMessageId", "createdAt")
     VALUES ($1::uuid, $2::uuid, 'in', $3, $4, $5, $6, $7::timestamptz, $8::uuid, clock_timestamp())`,
    [
      messageId,
      caseId,
      input.channel,
      input.externalId,
      input.from.name,
      input.text,
      input.receivedAt.toISOString(),
      input.rawMessageId,
    ],
  );
  return { status, caseId, caseNumber, messageId };
}

/** A mailbox page (e-mail) through writeInbound, message by message in upstream order. */
export async function applyInbound(
  tx: PageTx,
  ctx: HubContext,
  items: ApplyItem<InboundRecord>[],
): Promise<ApplyResult> {
  const out: ApplyResult = {
    added: 0,
    updated: 0,
    unchanged: 0,
    caseIds: [],
    caseIdByExternalId: new Map(),
  };
  if (items.length === 0) return out;
  // Loaded before the page's transaction by the engine (src/sync/sync-engine.ts).
  const env = lastIntakeEnv(ctx) ?? (await loadIntakeEnv(ctx));
  for (const item of items) {
    const r = await writeInbound(tx, ctx, env, {
      ...item.record.message,
      rawMessageId: item.rawMessageId,
    });
    if (r.status === "duplicate") out.unchanged++;
    else out.added++;
    if (!out.caseIds.includes(r.caseId)) out.caseIds.push(r.caseId);
    out.caseIdByExternalId.set(item.record.externalId, r.caseId);
  }
  return out;
}
