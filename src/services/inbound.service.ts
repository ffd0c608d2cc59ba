// Shared intake of every inbound channel (WhatsApp, Meta, e-mail, public form): the raw
// payload is stored first (RawMessage), then each mapped message becomes a Message row on
// a case that is joined or opened in ONE transaction, serialised per sender with an
// advisory lock so a burst from one number never opens two cases. Dedupe is the
// Message unique (channel, externalId): a replayed wamid/mid/Message-ID changes nothing.
import { mintAckToken, publicBaseUrl } from "./public-status.service.js";
import { followLink } from "../reports/receipt/receipt.js";
import { writeStoredFile } from "./file-store.js";
import { detectFileType, sanitizeMime } from "../domain/uploads/file-type.js";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { HubContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { encrypt } from "../security/crypto.js";
import { asSystem } from "../db/scope.js";
import { loadIntakeEnv } from "../intake/pipeline.js";
import { writeInbound, type IngestResult } from "../intake/inbound.js";
import { asPageTx } from "../sync/page-tx.js";
import type {
  InboundChannel,
  InboundMessage,
  InboundSender,
  OpenCaseKey,
} from "../ports/intake.port.js";
import { FINAL_STATUSES } from "../domain/workflow.js";
import { outboundRefusal, replyRecipient } from "../pdp/restriction.js";

export type Tx = Prisma.TransactionClient;

/** Statuses after which a new message opens a new case. */
export const CLOSED_STATUSES = FINAL_STATUSES;

export const FLAG_UNKNOWN_TYPE = "jenis_pesan_tidak_dikenal";

export type { InboundChannel, InboundSender, OpenCaseKey, IngestResult };

export type InboundInput = InboundMessage & {
  rawMessageId: string | null;
  /** Runs inside the same transaction (the raw payload's outcome, token hashes). */
  inTx?: (tx: Tx, result: IngestResult) => Promise<void>;
};

const TX_OPTIONS = { maxWait: 60_000, timeout: 60_000 } as const;

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Header names that carry secrets or signatures: never stored. */
const SECRET_HEADERS = /^(authorization|cookie|x-hub-signature(-256)?|x-lookup-token)$/i;

export function storableHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || SECRET_HEADERS.test(k)) continue;
    out[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

export async function storeRawMessage(
  ctx: HubContext,
  input: {
    channel: string;
    body: Buffer;
    contentType?: string | null;
    headers?: Record<string, string>;
    externalId?: string | null;
  },
  tx?: Tx,
): Promise<string> {
  if (!tx) {
    // Hot path (every webhook POST waits for it): one prepared INSERT, no ORM round trip.
    const rows = await ctx.db.sql.query<{ id: string }>(
      `INSERT INTO "RawMessage" (id, channel, "externalId", "contentType", headers, body, sha256, status, "receivedAt")
       VALUES (gen_random_uuid(), $1, $2, $3, $4::jsonb, $5, $6, 'stored', $7::timestamptz)
       RETURNING id`,
      [
        input.channel,
        input.externalId ?? null,
        input.contentType ?? null,
        JSON.stringify(input.headers ?? {}),
        input.body,
        sha256Hex(input.body),
        ctx.clock().toISOString(),
      ],
      { prepare: true },
    );
    return rows[0]!.id;
  }
  const row = await tx.rawMessage.create({
    data: {
      channel: input.channel,
      body: new Uint8Array(input.body),
      sha256: sha256Hex(input.body),
      contentType: input.contentType ?? null,
      headers: input.headers ?? {},
      externalId: input.externalId ?? null,
      receivedAt: ctx.clock(),
    },
    select: { id: true },
  });
  return row.id;
}

/**
 * One inbound message → Message row on a joined or new case, in one transaction (the
 * intake pipeline's inbound form, src/intake/inbound.ts, which a mailbox page also runs).
 */
export async function ingestInbound(ctx: HubContext, input: InboundInput): Promise<IngestResult> {
  // The intake pipeline's environment (SLA policy, calendar, catalogues) is read before the
  // transaction: on PGlite a query outside an open transaction would wait for it. A channel
  // chooses no jenis, so a few seconds' old catalogue is as good (a burst of webhooks
  // reads it once).
  const env = await loadIntakeEnv(ctx, { maxAgeMs: 5_000 });
  return ctx.db.prisma.$transaction(async (tx) => {
    const r = await writeInbound(asPageTx(tx), ctx, env, input);
    await input.inTx?.(tx, r);
    return r;
  }, TX_OPTIONS);
}

// ---------------------------------------------------------------------------------------
// Attachments (encrypted at rest under <ADUAN_DATA_DIR>/files/)
// ---------------------------------------------------------------------------------------

export type AttachmentRecord = {
  caseId: string;
  rawMessageId: string | null;
  source: string;
  externalId?: string | null;
  fileName?: string | null;
  mime?: string | null;
};

const SOURCE_LABEL: Record<string, string> = {
  whatsapp: "WhatsApp",
  facebook: "Facebook",
  instagram: "Instagram",
  email: "e-mail",
  website: "formulir web",
};

/**
 * Stores a file from a channel, typed by its content (src/domain/uploads/file-type.ts);
 * the sender's MIME is not kept. A refused type becomes a "refused" row with a note on the
 * case (null is returned), like an oversized file: the message itself is kept.
 */
export async function storeAttachmentFile(
  ctx: HubContext,
  rec: AttachmentRecord,
  bytes: Buffer,
): Promise<string | null> {
  const detected = detectFileType(bytes);
  if (!detected.ok) {
    await recordAttachmentProblem(
      ctx,
      rec,
      "refused",
      `Lampiran dari ${SOURCE_LABEL[rec.source] ?? rec.source} ditolak: ${detected.error.message}`,
      bytes.length,
    );
    return null;
  }
  const sha = sha256Hex(bytes);
  const enc = encrypt(ctx.keyring, bytes);
  const row = await ctx.db.prisma.attachment.create({
    data: {
      ...rec,
      mime: detected.value.mime,
      size: bytes.length,
      sha256: sha,
      encrypted: true,
      keyId: enc.keyId,
      status: "stored",
    },
    select: { id: true },
  });
  // Stored relative to ADUAN_DATA_DIR, like every other attachment (src/pdp/files.ts).
  const rel = join("files", rec.caseId.slice(0, 2), `${row.id}.bin`);
  try {
    await writeStoredFile(ctx, rel, enc.blob);
  } catch (e) {
    // Never a "stored" row without its file: the row says why the file is missing.
    await ctx.db.prisma.attachment.update({
      where: { id: row.id },
      data: { status: "failed", error: e instanceof Error ? e.message : "penyimpanan gagal" },
    });
    throw e;
  }
  await ctx.db.prisma.attachment.update({ where: { id: row.id }, data: { storagePath: rel } });
  return row.id;
}

/** A refused or failed attachment: the row and a note on the case, never silence. */
export async function recordAttachmentProblem(
  ctx: HubContext,
  rec: AttachmentRecord,
  status: "failed" | "refused",
  note: string,
  size?: number | null,
): Promise<void> {
  await ctx.db.prisma.$transaction([
    ctx.db.prisma.attachment.create({
      // The declared MIME is only a hint here, kept as type/subtype (no CR/LF, no params).
      data: { ...rec, mime: sanitizeMime(rec.mime), status, error: note, size: size ?? null },
    }),
    ctx.db.prisma.caseEvent.create({
      data: {
        caseId: rec.caseId,
        type: status === "refused" ? "attachment.refused" : "attachment.failed",
        data: { note, source: rec.source, externalId: rec.externalId ?? null },
      },
    }),
  ]);
}

// ---------------------------------------------------------------------------------------
// In-process work queue for "answer 200 first, process right after"
// ---------------------------------------------------------------------------------------

type Task = () => Promise<void>;

/** Bounded concurrency: a burst of webhooks must not exhaust the database pool. */
export class WorkQueue {
  private running = 0;
  private readonly tasks: Task[] = [];
  private idleWaiters: (() => void)[] = [];
  constructor(private readonly concurrency: number) {}

  push(task: Task): void {
    this.tasks.push(task);
    this.pump();
  }

  idle(): Promise<void> {
    if (this.running === 0 && this.tasks.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.tasks.length > 0) {
      const task = this.tasks.shift()!;
      this.running += 1;
      // Queued processing is system work, whoever queued it (a webhook or a staff replay).
      setImmediate(() => {
        asSystem("inbound", task)
          .catch(() => undefined)
          .finally(() => {
            this.running -= 1;
            this.pump();
            if (this.running === 0 && this.tasks.length === 0) {
              const waiters = this.idleWaiters;
              this.idleWaiters = [];
              for (const w of waiters) w();
            }
          });
      });
    }
  }
}

export const inboundQueue = new WorkQueue(2);

// ---------------------------------------------------------------------------------------
// Outbound bookkeeping shared by the channel outbox handlers
// ---------------------------------------------------------------------------------------

type OutboundEntry = { id: string; caseId: string | null; payload: unknown };

function payloadMessageId(payload: unknown): string | null {
  if (typeof payload !== "object" || payload === null) return null;
  const v = (payload as Record<string, unknown>).messageId;
  return typeof v === "string" ? v : null;
}

/** The Message row of this outbox entry (written by the reply service, or by us for acks). */
export async function findOutboundMessage(
  ctx: HubContext,
  entry: OutboundEntry,
): Promise<{ id: string; externalId: string | null; deliveryStatus: string | null } | null> {
  const byId = payloadMessageId(entry.payload);
  const select = { id: true, externalId: true, deliveryStatus: true } as const;
  if (byId) {
    const m = await ctx.db.prisma.message.findUnique({ where: { id: byId }, select });
    if (m) return m;
  }
  return ctx.db.prisma.message.findFirst({ where: { outboxId: entry.id }, select });
}

type OutboundCase = Prisma.CaseGetPayload<{ include: { parties: true } }>;

/**
 * The steps every channel's outbox handler shares before it sends: an entry already sent
 * (a retry after a lost answer) is reported as sent again; the case and its pelapor are
 * loaded; a reply's text comes from the payload. Returns an outcome to stop with, or what
 * the channel needs to send.
 */
export async function prepareOutbound(
  ctx: HubContext,
  entry: OutboundEntry & { caseId: string | null },
  kind: "ack" | "reply",
  replayedKey: "externalId" | "messageId" = "externalId",
): Promise<
  | {
      stop: { status: "sent"; response: Prisma.InputJsonValue } | { status: "dead"; error: string };
    }
  | {
      stop: null;
      c: OutboundCase;
      pelapor: OutboundCase["parties"][number] | undefined;
      text: string | null;
      /**
       * An acknowledgement's status link (issue 18): `url` carries a token minted now (the
       * outbox holds no secret), `masked` is the same text to store on the Message.
       */
      statusLink: { url: string; masked: string } | null;
    }
> {
  if (!entry.caseId) return { stop: { status: "dead", error: "entri outbox tanpa kasus" } };
  const already = await findOutboundMessage(ctx, entry);
  if (already?.externalId) {
    return {
      stop: { status: "sent", response: { [replayedKey]: already.externalId, replayed: true } },
    };
  }
  // Every party: the PDP guard below needs the others too (restricted since queuing?).
  const c = await ctx.db.prisma.case.findUnique({
    where: { id: entry.caseId },
    include: { parties: { orderBy: { createdAt: "asc" } } },
  });
  if (!c) return { stop: { status: "dead", error: "kasus tidak ditemukan" } };
  let text: string | null = null;
  if (kind === "reply") {
    const p = entry.payload;
    const t = typeof p === "object" && p !== null ? (p as Record<string, unknown>).text : null;
    text = typeof t === "string" ? t : null;
    if (!text || text.trim() === "")
      return { stop: { status: "dead", error: "teks balasan kosong" } };
    // Checked when queued, but a restriction may have been set since: permanent, no retry.
    const refused = await outboundRefusal(ctx, c.id, text, c.parties);
    if (refused) {
      await recordOutboundFailed(ctx, entry, refused);
      return { stop: { status: "dead", error: refused } };
    }
  }
  let statusLink: { url: string; masked: string } | null = null;
  if (kind === "ack") {
    const token = await mintAckToken(ctx, c.id);
    const statusUrl = `${publicBaseUrl(ctx)}/pengaduan/status`;
    statusLink = {
      url: followLink(statusUrl, c.number, token),
      masked: followLink(statusUrl, c.number, "TOKEN-DISEMBUNYIKAN"),
    };
  }
  return { stop: null, c, pelapor: replyRecipient(c.parties) ?? undefined, text, statusLink };
}

/** After a successful send: the provider id goes on the Message (statuses refer to it). */
export async function recordOutboundSent(
  ctx: HubContext,
  entry: OutboundEntry & { caseId: string },
  input: { channel: string; externalId: string; body: string },
): Promise<void> {
  const existing = await findOutboundMessage(ctx, entry);
  if (existing) {
    await ctx.db.prisma.message.update({
      where: { id: existing.id },
      data: { externalId: input.externalId, deliveryStatus: "sent", deliveryError: null },
    });
  } else {
    await ctx.db.prisma.message.create({
      data: {
        caseId: entry.caseId,
        direction: "out",
        channel: input.channel,
        externalId: input.externalId,
        body: input.body,
        at: ctx.clock(),
        deliveryStatus: "sent",
        outboxId: entry.id,
      },
    });
  }
  await ctx.db.prisma.caseEvent.create({
    data: {
      caseId: entry.caseId,
      type: "message.sent",
      data: { channel: input.channel, externalId: input.externalId, outboxId: entry.id },
    },
  });
}

export async function recordOutboundFailed(
  ctx: HubContext,
  entry: OutboundEntry,
  error: string,
): Promise<void> {
  const existing = await findOutboundMessage(ctx, entry);
  if (existing) {
    await ctx.db.prisma.message.update({
      where: { id: existing.id },
      data: { deliveryStatus: "failed", deliveryError: error },
    });
  }
}
