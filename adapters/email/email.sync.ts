// E-mail intake over IMAP (imapflow + mailparser). Per mailbox a stream `email:<mailbox>`
// with cursor { uidValidity, lastUid } in SyncState, saved in the SAME transaction as the
// message it advances past, and a SyncRun per run with added/unchanged/failed counts.
//
// The mailbox is opened read-only (EXAMINE) and sources are fetched with BODY.PEEK: the
// office's mail client still sees every mail as unread, and nothing is ever deleted.
// Dedupe on Message-ID (or a content fingerprint when a mail has none), so a changed
// UIDVALIDITY (mailbox rebuilt on the server) re-scans everything without duplicates.
// A mail that cannot be parsed or stored becomes a DeadLetter (raw kept) and the cursor
// moves on: one broken mail never blocks the mailbox.
import { ImapFlow, type FetchMessageObject } from "imapflow";
import { simpleParser } from "mailparser";
import type { Config, HubContext, HubServices, Tx } from "../../src/ports/hub.port.js";
import type { MailboxChannel, MailboxSyncSummary } from "../../src/ports/registry.port.js";
import {
  checkAttachment,
  DEFAULT_ALLOWED_ATTACHMENT_MIMES,
  mapParsedMail,
  type InboundEmail,
} from "./email.mapper.js";
import { DEFAULT_INSTANSI } from "../../src/domain/instansi.js";

export type EmailCursor = { uidValidity: string; lastUid: number };

export type EmailSyncSummary = MailboxSyncSummary;

/** Fetched per round trip: small enough to keep memory flat with large attachments. */
const FETCH_CHUNK = 20;

export function emailConfigured(config: Config): boolean {
  return Boolean(config.IMAP_HOST && config.IMAP_USER && config.IMAP_PASSWORD);
}

export function emailStream(mailbox: string): string {
  return `email:${mailbox}`;
}

function readCursor(json: unknown): EmailCursor | null {
  if (!json || typeof json !== "object") return null;
  const o = json as Record<string, unknown>;
  if (typeof o.uidValidity !== "string" || typeof o.lastUid !== "number") return null;
  return { uidValidity: o.uidValidity, lastUid: o.lastUid };
}

async function saveCursor(tx: Tx, stream: string, cursor: EmailCursor, now: Date): Promise<void> {
  await tx.syncState.upsert({
    where: { stream },
    create: { stream, cursor, healthy: true, lastSuccessAt: now },
    update: { cursor, healthy: true, lastError: null, lastSuccessAt: now },
  });
}

/** The dedupe key: Message-ID, else a fingerprint stable across UIDVALIDITY changes. */
export function emailExternalId(mail: InboundEmail): string {
  return mail.syntheticId ? `fp:${mail.contentFingerprint}` : mail.externalId;
}

async function findThreadCase(ctx: HubContext, mail: InboundEmail): Promise<string | null> {
  const ids = [...mail.inReplyTo, ...mail.references];
  if (ids.length > 0) {
    const m = await ctx.db.prisma.message.findFirst({
      where: { channel: "email", externalId: { in: ids } },
      orderBy: { at: "desc" },
      select: { caseId: true },
    });
    if (m) return m.caseId;
  }
  if (mail.caseNumberInSubject) {
    // The mailbox feeds the default office: a number is looked up among its cases.
    const c = await ctx.db.prisma.case.findUnique({
      where: {
        instansi_number: { instansi: DEFAULT_INSTANSI, number: mail.caseNumberInSubject },
      },
      select: { id: true },
    });
    if (c) return c.id;
  }
  return null;
}

type Counts = { added: number; unchanged: number; failed: number };

async function processMail(
  deps: HubServices,
  ctx: HubContext,
  stream: string,
  mailbox: string,
  uidValidity: string,
  msg: FetchMessageObject,
  counts: Counts,
): Promise<void> {
  const cursor: EmailCursor = { uidValidity, lastUid: msg.uid };
  const source = msg.source ?? Buffer.alloc(0);
  let rawId: string | null = null;
  let externalId: string | null = null;
  try {
    const parsed = await simpleParser(source);
    const internalDate =
      msg.internalDate instanceof Date
        ? msg.internalDate
        : new Date(msg.internalDate ?? Date.now());
    const mail = mapParsedMail(parsed, { mailbox, uidValidity, uid: msg.uid, internalDate });
    externalId = emailExternalId(mail);
    const known = await ctx.db.prisma.message.findUnique({
      where: { channel_externalId: { channel: "email", externalId } },
      select: { id: true },
    });
    if (known) {
      await ctx.db.prisma.$transaction((tx) => saveCursor(tx, stream, cursor, ctx.clock()));
      counts.unchanged += 1;
      return;
    }
    rawId = await deps.storeRawMessage(ctx, {
      channel: "email",
      body: source,
      contentType: "message/rfc822",
      externalId,
      headers: { mailbox, uid: String(msg.uid), uidValidity },
    });
    const joinCaseId = await findThreadCase(ctx, mail);
    const storedRawId = rawId;
    const r = await deps.ingestInbound(ctx, {
      channel: "email",
      externalId,
      rawMessageId: rawId,
      receivedAt: mail.receivedAt,
      from: { name: mail.from.name, email: mail.from.email },
      text: mail.subject ? `${mail.subject}\n\n${mail.text}`.trim() : mail.text,
      title: mail.subject || null,
      joinCaseId,
      ackKind: mail.autoSubmitted || !mail.from.email ? null : "email.ack",
      lockKey: `inbound:email:${mail.from.email ?? externalId}`,
      inTx: async (tx, res) => {
        await tx.rawMessage.update({
          where: { id: storedRawId },
          data: { status: "processed", processedAt: ctx.clock(), caseId: res.caseId },
        });
        await saveCursor(tx, stream, cursor, ctx.clock());
      },
    });
    if (r.status === "duplicate") counts.unchanged += 1;
    else counts.added += 1;
    await storeMailAttachments(deps, ctx, r.caseId, rawId, externalId, mail);
  } catch (e) {
    counts.failed += 1;
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    ctx.logger.warn(
      { stream, uid: msg.uid, err: error.slice(0, 300) },
      "email could not be stored",
    );
    await ctx.db.prisma.$transaction(async (tx) => {
      await deps.recordDeadLetter(tx, {
        source: "email",
        externalId: externalId ?? `${mailbox}/${uidValidity}/${msg.uid}`,
        rawMessageId: rawId,
        payload: { mailbox, uidValidity, uid: msg.uid },
        errorClass: "mapping",
        error: error.slice(0, 1000),
        at: ctx.clock(),
      });
      if (rawId) {
        await tx.rawMessage.update({
          where: { id: rawId },
          data: { status: "failed", error: error.slice(0, 500) },
        });
      }
      await saveCursor(tx, stream, cursor, ctx.clock());
    });
  }
}

async function storeMailAttachments(
  deps: HubServices,
  ctx: HubContext,
  caseId: string,
  rawMessageId: string,
  externalId: string,
  mail: InboundEmail,
): Promise<void> {
  const limits = {
    maxBytes: ctx.config.EMAIL_ATTACHMENT_MAX_BYTES,
    allowedMimes: DEFAULT_ALLOWED_ATTACHMENT_MIMES,
  };
  for (const [i, a] of mail.attachments.entries()) {
    // Logos and signature images inside the HTML are not evidence.
    if (a.inline) continue;
    const key = `${externalId}#${i}`;
    const known = await ctx.db.prisma.attachment.findFirst({
      where: { source: "email", externalId: key },
      select: { id: true },
    });
    if (known) continue;
    const rec = {
      caseId,
      rawMessageId,
      source: "email",
      externalId: key,
      fileName: a.fileName,
      mime: a.mime,
    };
    const check = checkAttachment(a, limits);
    if (!check.ok) {
      await deps.recordAttachmentProblem(
        ctx,
        rec,
        "refused",
        `${a.fileName}: ${check.error.message}`,
        a.size,
      );
      continue;
    }
    await deps.storeAttachmentFile(ctx, rec, a.content);
  }
}

export type ImapFactory = () => ImapFlow;

function defaultImap(ctx: HubContext): ImapFlow {
  const c = ctx.config;
  return new ImapFlow({
    host: c.IMAP_HOST!,
    port: c.IMAP_PORT,
    secure: c.IMAP_SECURE,
    auth: { user: c.IMAP_USER!, pass: c.IMAP_PASSWORD! },
    logger: false,
    // Plain IMAP only on loopback (tests, a local relay); elsewhere upgrade when offered.
    ...(c.IMAP_SECURE || c.IMAP_HOST !== "127.0.0.1" ? {} : { doSTARTTLS: false }),
  });
}

async function syncMailbox(
  deps: HubServices,
  ctx: HubContext,
  client: ImapFlow,
  mailbox: string,
  opts: { limit: number },
): Promise<EmailSyncSummary> {
  const stream = emailStream(mailbox);
  const started = Date.now();
  const run = await ctx.db.prisma.syncRun.create({ data: { stream, startedAt: ctx.clock() } });
  const counts: Counts = { added: 0, unchanged: 0, failed: 0 };
  let rescanned = false;
  let error: string | null = null;
  try {
    const lock = await client.getMailboxLock(mailbox, { readOnly: true });
    try {
      const box = client.mailbox;
      if (!box) throw new Error(`mailbox ${mailbox} is not open`);
      const uidValidity = String(box.uidValidity);
      const state = await ctx.db.prisma.syncState.findUnique({ where: { stream } });
      const prev = readCursor(state?.cursor);
      let lastUid = prev?.lastUid ?? 0;
      if (prev && prev.uidValidity !== uidValidity) {
        // UIDs of the old generation mean nothing now: walk it all, dedupe keeps it clean.
        ctx.logger.warn({ stream }, "UIDVALIDITY changed: full re-scan of the mailbox");
        rescanned = true;
        lastUid = 0;
      }
      if (!prev || rescanned) {
        await ctx.db.prisma.$transaction((tx) =>
          saveCursor(tx, stream, { uidValidity, lastUid }, ctx.clock()),
        );
      }
      if (box.exists > 0) {
        const found = await client.search({ uid: `${lastUid + 1}:*` }, { uid: true });
        const uids = (found || [])
          .filter((u) => u > lastUid)
          .sort((a, b) => a - b)
          .slice(0, opts.limit);
        for (let i = 0; i < uids.length; i += FETCH_CHUNK) {
          const chunk = uids.slice(i, i + FETCH_CHUNK);
          const msgs = await client.fetchAll(
            chunk.join(","),
            { uid: true, source: true, internalDate: true },
            { uid: true },
          );
          msgs.sort((a, b) => a.uid - b.uid);
          for (const msg of msgs) {
            await processMail(deps, ctx, stream, mailbox, uidValidity, msg, counts);
          }
        }
      }
    } finally {
      lock.release();
    }
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    await ctx.db.prisma.syncState.upsert({
      where: { stream },
      create: { stream, healthy: false, lastError: error.slice(0, 500) },
      update: { healthy: false, lastError: error.slice(0, 500) },
    });
  }
  const durationMs = Date.now() - started;
  await ctx.db.prisma.syncRun.update({
    where: { id: run.id },
    data: {
      finishedAt: ctx.clock(),
      status: error ? "failed" : "succeeded",
      added: counts.added,
      unchanged: counts.unchanged,
      failed: counts.failed,
      durationMs,
      error: error?.slice(0, 500) ?? null,
    },
  });
  return {
    stream,
    status: error ? "failed" : "succeeded",
    ...counts,
    rescanned,
    durationMs,
    error,
  };
}

/** One pass over every configured mailbox. */
export async function syncEmail(
  deps: HubServices,
  ctx: HubContext,
  opts: { imap?: ImapFactory; mailboxes?: string[]; limit?: number } = {},
): Promise<EmailSyncSummary[]> {
  const mailboxes = opts.mailboxes ?? ctx.config.IMAP_MAILBOXES;
  if (!opts.imap && !emailConfigured(ctx.config)) {
    return mailboxes.map((m) => ({
      stream: emailStream(m),
      status: "skipped" as const,
      added: 0,
      unchanged: 0,
      failed: 0,
      rescanned: false,
      durationMs: 0,
      error: "IMAP_HOST / IMAP_USER / IMAP_PASSWORD belum diatur",
    }));
  }
  const client = opts.imap ? opts.imap() : defaultImap(ctx);
  // Without a listener an IMAP socket error would crash the process.
  client.on("error", (e: Error) => ctx.logger.warn({ err: e.message }, "imap connection error"));
  const out: EmailSyncSummary[] = [];
  try {
    await client.connect();
    for (const mailbox of mailboxes) {
      out.push(await syncMailbox(deps, ctx, client, mailbox, { limit: opts.limit ?? 500 }));
    }
  } catch (e) {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    ctx.logger.error({ err: error }, "email sync failed to connect");
    for (const m of mailboxes.slice(out.length)) {
      out.push({
        stream: emailStream(m),
        status: "failed",
        added: 0,
        unchanged: 0,
        failed: 0,
        rescanned: false,
        durationMs: 0,
        error,
      });
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return out;
}

/** The e-mail channel: every IMAP_MAILBOXES mailbox, one stream `email:<mailbox>` each. */
export function createEmailMailbox(deps: HubServices): MailboxChannel {
  return {
    channel: "email",
    configured: emailConfigured,
    sync: (ctx) => syncEmail(deps, ctx),
  };
}
