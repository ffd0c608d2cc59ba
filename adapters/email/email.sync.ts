// E-mail intake over IMAP (imapflow + mailparser) as a source of the sync engine: per
// mailbox a stream `email:<mailbox>` whose cursor is "<UIDVALIDITY>:<last UID>". The engine
// stores each mail's RFC 822 bytes first (RawMessage, message/rfc822), hands the page to the
// intake pipeline (a reply joins its case by In-Reply-To/References or the case number in
// the subject; anything else opens a case with an acknowledgement), dead-letters a mail
// that cannot be parsed, and saves the cursor in the SAME transaction as the page it
// advances past. One broken mail never blocks the mailbox.
//
// The mailbox is opened read-only (EXAMINE) and sources are fetched with BODY.PEEK: the
// office's mail client still sees every mail as unread, and nothing is ever deleted.
// Dedupe on Message-ID (or a content fingerprint when a mail has none), so a changed
// UIDVALIDITY (mailbox rebuilt on the server) re-scans everything without duplicates.
import { createHash } from "node:crypto";
import { ImapFlow, type MailboxLockObject } from "imapflow";
import { simpleParser } from "mailparser";
import type {
  ApplyResult,
  ErrorKind,
  RawCodec,
  SourceItem,
  SourcePage,
} from "../../src/ports/channel-source.port.js";
import type { Config, HubContext, HubServices } from "../../src/ports/hub.port.js";
import type { InboundRecord } from "../../src/ports/intake.port.js";
import type { MailboxSource, MailboxSources } from "../../src/ports/registry.port.js";
import {
  checkAttachment,
  DEFAULT_ALLOWED_ATTACHMENT_MIMES,
  mapParsedMail,
  type InboundEmail,
  type InboundEmailAttachment,
} from "./email.mapper.js";

/** Fetched per page: small enough to keep memory flat with large attachments. */
const FETCH_CHUNK = 20;
/** Mails read per run and mailbox; the rest waits for the next run. */
const RUN_LIMIT = 500;

export function emailConfigured(config: Config): boolean {
  return Boolean(config.IMAP_HOST && config.IMAP_USER && config.IMAP_PASSWORD);
}

export function emailStream(mailbox: string): string {
  return `email:${mailbox}`;
}

export type EmailCursor = { uidValidity: string; lastUid: number };

export function formatEmailCursor(c: EmailCursor): string {
  return `${c.uidValidity}:${c.lastUid}`;
}

export function parseEmailCursor(s: string | undefined): EmailCursor | null {
  const m = s ? /^(\d+):(\d+)$/.exec(s) : null;
  return m ? { uidValidity: m[1] as string, lastUid: Number(m[2]) } : null;
}

/** The dedupe key: Message-ID, else a fingerprint stable across UIDVALIDITY changes. */
export function emailExternalId(mail: InboundEmail): string {
  return mail.syntheticId ? `fp:${mail.contentFingerprint}` : mail.externalId;
}

/** One mail as read from the server: its bytes and where it sat. */
export type EmailRaw = {
  rfc822: Buffer;
  mailbox: string;
  uidValidity: string;
  uid: number;
  internalDate: Date;
};

export type EmailRecord = InboundRecord & {
  readonly attachments: readonly InboundEmailAttachment[];
};

export const emailRawCodec: RawCodec = {
  encode(raw) {
    const r = raw as EmailRaw;
    return {
      body: r.rfc822,
      contentType: "message/rfc822",
      headers: {
        mailbox: r.mailbox,
        uidValidity: r.uidValidity,
        uid: String(r.uid),
        internalDate: r.internalDate.toISOString(),
      },
    };
  },
  decode({ body, headers }) {
    const at = Date.parse(headers.internalDate ?? "");
    return {
      rfc822: body,
      mailbox: headers.mailbox ?? "INBOX",
      uidValidity: headers.uidValidity ?? "0",
      uid: Number(headers.uid ?? 0),
      internalDate: Number.isNaN(at) ? new Date(0) : new Date(at),
    } satisfies EmailRaw;
  },
};

/** Pure apart from parsing: a mail's bytes → the record the intake pipeline takes. */
export async function mapEmailRaw(raw: EmailRaw): Promise<SourceItem<EmailRecord>> {
  try {
    const parsed = await simpleParser(raw.rfc822);
    const mail = mapParsedMail(parsed, raw);
    const externalId = emailExternalId(mail);
    const record: EmailRecord = {
      externalId,
      contentHash: createHash("sha256").update(raw.rfc822).digest("hex"),
      upstreamUpdatedAt: raw.internalDate,
      attachments: mail.attachments,
      message: {
        channel: "email",
        externalId,
        receivedAt: mail.receivedAt,
        from: { name: mail.from.name, email: mail.from.email },
        text: mail.subject ? `${mail.subject}\n\n${mail.text}`.trim() : mail.text,
        title: mail.subject || null,
        replyTo: {
          messageIds: [...mail.inReplyTo, ...mail.references],
          caseNumber: mail.caseNumberInSubject,
        },
        // Autoresponders and bounces are never answered (mail loops).
        ackKind: mail.autoSubmitted || !mail.from.email ? null : "email.ack",
        lockKey: `inbound:email:${mail.from.email ?? externalId}`,
      },
    };
    return { externalId, raw, mapped: { ok: true, value: record } };
  } catch (e) {
    return {
      externalId: `${raw.mailbox}/${raw.uidValidity}/${raw.uid}`,
      raw,
      mapped: {
        ok: false,
        error: {
          code: "EMAIL_UNPARSEABLE",
          disposition: "dead_letter",
          field: null,
          message: `e-mail tidak dapat dibaca: ${e instanceof Error ? e.message : String(e)}`.slice(
            0,
            500,
          ),
        },
      },
    };
  }
}

async function storeMailAttachments(
  deps: HubServices,
  ctx: HubContext,
  caseId: string,
  rawMessageId: string,
  externalId: string,
  files: readonly InboundEmailAttachment[],
): Promise<void> {
  const limits = {
    maxBytes: ctx.config.EMAIL_ATTACHMENT_MAX_BYTES,
    allowedMimes: DEFAULT_ALLOWED_ATTACHMENT_MIMES,
  };
  for (const [i, a] of files.entries()) {
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

export type ImapFactory = () => ImapFlow;

function isAuthError(e: unknown): boolean {
  return Boolean(
    e && typeof e === "object" && (e as { authenticationFailed?: unknown }).authenticationFailed,
  );
}

/** One mailbox as a sync-engine source (stream `email:<mailbox>`). */
export function createEmailSource(
  deps: HubServices,
  ctx: HubContext,
  mailbox: string,
  opts: { imap?: ImapFactory; limit?: number } = {},
): MailboxSource<EmailRecord> {
  let client: ImapFlow | null = null;
  let lock: MailboxLockObject | null = null;
  let uidValidity = "";
  let pending: number[] | null = null;
  let lastUid = 0;
  let rescanned = false;
  /** Attachments of the page being written, until afterPage stores them. */
  const pageFiles = new Map<
    string,
    { rawMessageId: string; files: readonly InboundEmailAttachment[] }
  >();

  async function open(cursor: string | undefined): Promise<void> {
    const c = opts.imap ? opts.imap() : defaultImap(ctx);
    client = c;
    // Without a listener an IMAP socket error would crash the process.
    c.on("error", (e: Error) => ctx.logger.warn({ err: e.message }, "imap connection error"));
    await c.connect();
    lock = await c.getMailboxLock(mailbox, { readOnly: true });
    const box = c.mailbox;
    if (!box) throw new Error(`mailbox ${mailbox} is not open`);
    uidValidity = String(box.uidValidity);
    const prev = parseEmailCursor(cursor);
    lastUid = prev?.lastUid ?? 0;
    if (prev && prev.uidValidity !== uidValidity) {
      // UIDs of the old generation mean nothing now: walk it all, dedupe keeps it clean.
      ctx.logger.warn(
        { stream: emailStream(mailbox) },
        "UIDVALIDITY changed: full re-scan of the mailbox",
      );
      rescanned = true;
      lastUid = 0;
    }
    const found = box.exists > 0 ? await c.search({ uid: `${lastUid + 1}:*` }, { uid: true }) : [];
    pending = (found || [])
      .filter((u) => u > lastUid)
      .sort((a, b) => a - b)
      .slice(0, opts.limit ?? RUN_LIMIT);
  }

  const source: MailboxSource<EmailRecord> = {
    stream: emailStream(mailbox),
    channel: "email",
    overlapMs: 0,
    rawCodec: emailRawCodec,
    get rescanned() {
      return rescanned;
    },
    async fetchPage(position): Promise<SourcePage<EmailRecord>> {
      if (!client) await open(position.cursor);
      const c = client as unknown as ImapFlow;
      const chunk = (pending ?? []).splice(0, FETCH_CHUNK);
      const items: SourceItem<EmailRecord>[] = [];
      if (chunk.length > 0) {
        const msgs = await c.fetchAll(
          chunk.join(","),
          { uid: true, source: true, internalDate: true },
          { uid: true },
        );
        msgs.sort((a, b) => a.uid - b.uid);
        for (const msg of msgs) {
          const internalDate =
            msg.internalDate instanceof Date
              ? msg.internalDate
              : new Date(msg.internalDate ?? Date.now());
          items.push(
            await mapEmailRaw({
              rfc822: msg.source ?? Buffer.alloc(0),
              mailbox,
              uidValidity,
              uid: msg.uid,
              internalDate,
            }),
          );
        }
        lastUid = chunk[chunk.length - 1] as number;
      }
      const here = formatEmailCursor({ uidValidity, lastUid });
      return (pending ?? []).length > 0
        ? { items, nextCursor: here }
        : { items, nextCursor: null, resumeCursor: here };
    },
    mapRaw: (raw) => mapEmailRaw(raw as EmailRaw),
    classify: (e): ErrorKind => (isAuthError(e) ? "auth" : "transient"),
    describe: (e) =>
      isAuthError(e)
        ? "login IMAP ditolak: periksa IMAP_USER dan IMAP_PASSWORD"
        : `server IMAP tidak dapat dibaca: ${e instanceof Error ? e.message : String(e)}`.slice(
            0,
            300,
          ),
    async applyPage(tx, _ctx, items, intake): Promise<ApplyResult> {
      for (const it of items)
        pageFiles.set(it.record.externalId, {
          rawMessageId: it.rawMessageId,
          files: it.record.attachments,
        });
      return intake.applyInbound(tx, items);
    },
    async afterPage(c, result) {
      for (const [externalId, caseId] of result.caseIdByExternalId) {
        const page = pageFiles.get(externalId);
        pageFiles.delete(externalId);
        if (page)
          await storeMailAttachments(deps, c, caseId, page.rawMessageId, externalId, page.files);
      }
    },
    async close() {
      pageFiles.clear();
      lock?.release();
      lock = null;
      const cl = client;
      client = null;
      if (cl) await cl.logout().catch(() => cl.close());
    },
  };
  return source;
}

/** The e-mail channel: every IMAP_MAILBOXES mailbox, one stream `email:<mailbox>` each. */
export function createEmailMailbox(
  deps: HubServices,
  opts: { imap?: ImapFactory; limit?: number } = {},
): MailboxSources {
  return {
    channel: "email",
    configured: emailConfigured,
    sources: (ctx) => ctx.config.IMAP_MAILBOXES.map((m) => createEmailSource(deps, ctx, m, opts)),
    replaySource: (ctx) =>
      createEmailSource(deps, ctx, "INBOX", {
        ...opts,
        imap: () => {
          throw new Error("replay never connects");
        },
      }),
  };
}
