import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dovecotSkipReason, startDovecot, type DovecotServer } from "../../helpers/dovecot.js";
import { resetDb, startTestHub, type TestHub } from "../../helpers/test-hub.js";
import type { MailboxSyncSummary } from "../../../src/ports/registry.port.js";
import {
  createEmailMailbox,
  emailRawCodec,
  parseEmailCursor,
} from "../../../adapters/email/email.sync.js";
import { hubServices } from "../../../src/registry.js";
import { replayDeadLetter } from "../../../src/sync/dead-letters.js";
import { syncMailboxes } from "../../../src/sync/mailbox-sync.js";
import { runSync } from "../../../src/sync/sync-engine.js";
import { emailSyncJob } from "../../../src/jobs/email-sync.job.js";
import { writeReply } from "../../../src/services/replies.service.js";
import { drainOutbox } from "./helpers.js";

const skipReason = await dovecotSkipReason();

let seq = 0;
function mail(opts: {
  id?: string | null;
  from?: string;
  subject: string;
  body: string;
  headers?: string[];
  attachment?: { name: string; mime: string; bytes: Buffer };
}): string {
  seq += 1;
  const head = [
    `From: ${opts.from ?? "Warga Uji <warga.uji@example.test>"}`,
    "To: Pengaduan Dinsos <pengaduan@dinsos.example.test>",
    `Subject: ${opts.subject}`,
    ...(opts.id === null
      ? []
      : [`Message-ID: <${opts.id ?? `m${seq}-${Date.now()}`}@example.test>`]),
    `Date: ${new Date().toUTCString()}`,
    "MIME-Version: 1.0",
    ...(opts.headers ?? []),
  ];
  if (!opts.attachment) {
    return [...head, "Content-Type: text/plain; charset=utf-8", "", opts.body, ""].join("\r\n");
  }
  const a = opts.attachment;
  return [
    ...head,
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=utf-8",
    "",
    opts.body,
    "--b1",
    `Content-Type: ${a.mime}; name="${a.name}"`,
    `Content-Disposition: attachment; filename="${a.name}"`,
    "Content-Transfer-Encoding: base64",
    "",
    a.bytes.toString("base64"),
    "--b1--",
    "",
  ].join("\r\n");
}

describe.skipIf(skipReason !== null)(
  `e-mail channel end to end${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let dovecot: DovecotServer;
    let smtp: SMTPServer;
    let hub: TestHub;
    let dataDir: string;
    const captured: { to: string[]; mail: ParsedMail }[] = [];

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), "aduan-mail-"));
      dovecot = await startDovecot();
      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ["STARTTLS", "AUTH"],
        logger: false,
        onData(stream, session, cb) {
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            void simpleParser(Buffer.concat(chunks)).then((m) => {
              captured.push({ to: session.envelope.rcptTo.map((r) => r.address), mail: m });
              cb();
            });
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
      const smtpPort = (smtp.server.address() as AddressInfo).port;
      hub = await startTestHub({
        name: "channels-email",
        env: {
          IMAP_HOST: dovecot.host,
          IMAP_PORT: String(dovecot.port),
          IMAP_SECURE: "false",
          IMAP_USER: dovecot.user,
          IMAP_PASSWORD: dovecot.password,
          SMTP_HOST: "127.0.0.1",
          SMTP_PORT: String(smtpPort),
          SMTP_FROM: "Pengaduan Dinsos <pengaduan@dinsos.example.test>",
          EMAIL_ATTACHMENT_MAX_BYTES: "2000",
          ADUAN_DATA_DIR: dataDir,
        },
      });
    });

    afterAll(async () => {
      await hub?.close();
      await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
      await dovecot?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    beforeEach(async () => {
      await resetDb(hub);
      captured.length = 0;
    });

    async function flagsOf(mailbox = "INBOX"): Promise<string[][]> {
      const c = new ImapFlow({
        host: dovecot.host,
        port: dovecot.port,
        secure: false,
        doSTARTTLS: false,
        auth: { user: dovecot.user, pass: dovecot.password },
        logger: false,
      });
      await c.connect();
      try {
        const lock = await c.getMailboxLock(mailbox, { readOnly: true });
        try {
          if (!c.mailbox || c.mailbox.exists === 0) return [];
          const msgs = await c.fetchAll("1:*", { flags: true });
          return msgs.map((m) => [...(m.flags ?? [])]);
        } finally {
          lock.release();
        }
      } finally {
        await c.logout();
      }
    }

    it("mail in → case → acknowledgement → reply joins → staff reply threaded; never \\Seen", async () => {
      const before = (await flagsOf()).length;
      await dovecot.append(
        "INBOX",
        mail({
          id: "aduan-1",
          subject: "Bantuan PKH tidak cair",
          body: "Bantuan PKH ibu saya tidak cair sejak tahap 2.",
          attachment: {
            name: "kks.pdf",
            mime: "application/pdf",
            bytes: Buffer.from("%PDF-1.4 uji"),
          },
        }),
      );
      const [run] = await hub.ctx.registry.mailboxes.email!.sync(hub.ctx);
      expect(run).toMatchObject({ status: "succeeded", added: 1, failed: 0, rescanned: false });
      const c = await hub.ctx.db.prisma.case.findFirstOrThrow({
        include: { parties: true, attachments: true },
      });
      expect(c).toMatchObject({
        channel: "email",
        externalId: "aduan-1@example.test",
        title: "Bantuan PKH tidak cair",
      });
      expect(c.parties[0]).toMatchObject({ email: "warga.uji@example.test", name: "Warga Uji" });
      expect(c.attachments.map((a) => [a.fileName, a.status])).toEqual([["kks.pdf", "stored"]]);
      const state = await hub.ctx.db.prisma.syncState.findUniqueOrThrow({
        where: { stream: "email:INBOX" },
      });
      // The engine's position: "<UIDVALIDITY>:<last UID>", saved with the page it covers.
      const cursor = parseEmailCursor((state.cursor as { cursor: string }).cursor);
      expect(cursor?.lastUid).toBeGreaterThan(0);
      const raw = await hub.ctx.db.prisma.rawMessage.findFirstOrThrow({
        where: { channel: "email", externalId: "aduan-1@example.test" },
      });
      // Stored as received, before mapping: the RFC 822 bytes, linked to the case.
      expect(raw).toMatchObject({
        contentType: "message/rfc822",
        status: "processed",
        caseId: c.id,
      });
      expect(Buffer.from(raw.body).toString("latin1")).toContain(
        "Message-ID: <aduan-1@example.test>",
      );
      const runs = await hub.ctx.db.prisma.syncRun.findMany({ where: { stream: "email:INBOX" } });
      expect(runs.at(-1)).toMatchObject({ status: "succeeded", added: 1 });

      // Acknowledgement: once, with the case number, threaded, marked auto-submitted.
      expect(await drainOutbox(hub.ctx)).toEqual([{ kind: "email.ack", status: "sent" }]);
      expect(captured).toHaveLength(1);
      const ack = captured[0]!;
      expect(ack.to).toEqual(["warga.uji@example.test"]);
      expect(ack.mail.subject).toContain(c.number);
      expect(ack.mail.text).toContain(c.number);
      // Issue 18: the status link with a working token; the stored copy keeps no token.
      const link = /\/pengaduan\/status\?nomor=[^&\s]+&token=([A-Za-z0-9_-]+)/.exec(
        ack.mail.text ?? "",
      );
      expect(link).not.toBeNull();
      const seen = await fetch(`${hub.url}/api/v1/public/complaints/${c.number}`, {
        headers: { "x-lookup-token": link![1]! },
      });
      expect(seen.status).toBe(200);
      const stored = await hub.ctx.db.prisma.message.findFirstOrThrow({
        where: { caseId: c.id, direction: "out" },
      });
      expect(stored.body).not.toContain(link![1]!);
      expect(ack.mail.inReplyTo).toBe("<aduan-1@example.test>");
      expect(ack.mail.headers.get("auto-submitted")).toBe("auto-replied");
      const ackId = ack.mail.messageId!;

      // The citizen answers our acknowledgement (headers) and once more by subject only.
      await dovecot.append(
        "INBOX",
        mail({
          subject: `Re: [${c.number}] Pengaduan Anda telah kami terima`,
          body: "Berikut tambahan nomor KKS saya.",
          headers: [`In-Reply-To: ${ackId}`, `References: <aduan-1@example.test> ${ackId}`],
        }),
      );
      await dovecot.append(
        "INBOX",
        mail({ subject: `Tanya lagi soal ${c.number}`, body: "Apakah sudah diproses?" }),
      );
      const [run2] = await hub.ctx.registry.mailboxes.email!.sync(hub.ctx);
      expect(run2).toMatchObject({ added: 2, failed: 0 });
      expect(await hub.ctx.db.prisma.case.count()).toBe(1);
      expect(await hub.ctx.db.prisma.message.count({ where: { direction: "in" } })).toBe(3);
      expect(await drainOutbox(hub.ctx)).toEqual([]); // no second acknowledgement

      // Staff reply (issue-5 reply service) → email.reply, threaded under the last mail.
      const lastIn = await hub.ctx.db.prisma.message.findFirstOrThrow({
        where: { direction: "in" },
        orderBy: [{ at: "desc" }, { createdAt: "desc" }],
      });
      await hub.ctx.db.prisma.$transaction((tx) =>
        writeReply(tx, c, {
          text: "PKH tahap 2 Ibu akan disalurkan bersama tahap 3.",
          status: "ditindaklanjuti",
          actorId: "00000000-0000-4000-8000-000000000001",
          at: new Date(),
        }),
      );
      expect(await drainOutbox(hub.ctx)).toEqual([{ kind: "email.reply", status: "sent" }]);
      const reply = captured[1]!;
      expect(reply.to).toEqual(["warga.uji@example.test"]);
      expect(reply.mail.text).toContain("disalurkan bersama tahap 3");
      expect(reply.mail.subject).toContain(c.number);
      expect(reply.mail.inReplyTo).toBe(`<${lastIn.externalId}>`);
      expect(String(reply.mail.references)).toContain("aduan-1@example.test");

      // Nothing marked read, nothing deleted.
      const flags = await flagsOf();
      expect(flags).toHaveLength(before + 3);
      expect(flags.every((f) => !f.includes("\\Seen") && !f.includes("\\Deleted"))).toBe(true);
    });

    it("does not acknowledge autoresponders and refuses oversized attachments with a note", async () => {
      await dovecot.append(
        "INBOX",
        mail({
          from: "Kantor Desa <desa@example.test>",
          subject: "Balasan otomatis: sedang cuti",
          body: "Saya sedang cuti.",
          headers: ["Auto-Submitted: auto-replied"],
          attachment: { name: "besar.pdf", mime: "application/pdf", bytes: Buffer.alloc(5000, 1) },
        }),
      );
      const [run] = await emailSyncJob
        .handler(hub.ctx, undefined as never)
        .then((r) => (r as { runs: MailboxSyncSummary[] }).runs);
      expect(run!.failed).toBe(0);
      const c = await hub.ctx.db.prisma.case.findFirstOrThrow({
        where: { title: "Balasan otomatis: sedang cuti" },
        include: { attachments: true, events: true },
      });
      expect(await hub.ctx.db.prisma.outbox.count({ where: { caseId: c.id } })).toBe(0);
      expect(c.attachments.map((a) => a.status)).toEqual(["refused"]);
      expect(JSON.stringify(c.events.find((e) => e.type === "attachment.refused")?.data)).toContain(
        "melebihi batas 2000 byte",
      );
    });

    it("runs on the sync engine: a run stopped after one page keeps that page whole with its cursor", async () => {
      for (let i = 0; i < 23; i++)
        await dovecot.append(
          "INBOX",
          mail({
            from: `Warga ${i} <warga${i}@example.test>`,
            subject: `Aduan ${i}`,
            body: `Isi ${i}`,
          }),
        );
      const inMailbox = (await flagsOf()).length;
      expect(inMailbox).toBeGreaterThan(20);
      const [source] = hub.ctx.registry.mailboxes.email!.sources(hub.ctx);
      const stopped = await runSync(hub.ctx, source!, { maxPages: 1 });
      expect(stopped).toMatchObject({ status: "failed", pages: 1, added: 20 });
      const state = await hub.ctx.db.prisma.syncState.findUniqueOrThrow({
        where: { stream: "email:INBOX" },
      });
      // The page of 20 UIDs is stored with its raw mails and the cursor at its last UID.
      expect(parseEmailCursor((state.cursor as { cursor: string }).cursor)?.lastUid).toBe(20);
      expect(await hub.ctx.db.prisma.message.count()).toBe(20);
      expect(await hub.ctx.db.prisma.rawMessage.count({ where: { channel: "email" } })).toBe(20);
      const [rest] = await hub.ctx.registry.mailboxes.email!.sync(hub.ctx);
      expect(rest).toMatchObject({ status: "succeeded", added: inMailbox - 20, failed: 0 });
      expect(await hub.ctx.db.prisma.message.count()).toBe(inMailbox);
      expect(await hub.ctx.db.prisma.rawMessage.count({ where: { channel: "email" } })).toBe(
        inMailbox,
      );
      const [again] = await hub.ctx.registry.mailboxes.email!.sync(hub.ctx);
      expect(again).toMatchObject({ status: "succeeded", added: 0, unchanged: 0 });
      // Every case of the pass went through the intake pipeline: an audit row each.
      const cases = await hub.ctx.db.prisma.case.count({ where: { channel: "email" } });
      expect(await hub.ctx.db.prisma.auditLog.count({ where: { action: "case.create" } })).toBe(
        cases,
      );
    });

    it("refused credentials stop the stream with an alert and store nothing", async () => {
      await dovecot.append("INBOX", mail({ subject: "Aduan baru", body: "Isi." }));
      const wrong = createEmailMailbox(hubServices, {
        imap: () =>
          new ImapFlow({
            host: dovecot.host,
            port: dovecot.port,
            secure: false,
            doSTARTTLS: false,
            auth: { user: dovecot.user, pass: "bukan-sandinya" },
            logger: false,
          }),
      });
      const [run] = await syncMailboxes(hub.ctx, wrong);
      expect(run).toMatchObject({ status: "failed", added: 0 });
      expect(run!.error).toContain("IMAP_PASSWORD");
      const state = await hub.ctx.db.prisma.syncState.findUniqueOrThrow({
        where: { stream: "email:INBOX" },
      });
      expect(state.healthy).toBe(false);
      const alert = await hub.ctx.db.prisma.alert.findFirst({
        where: { kind: "sync.auth", source: "email:INBOX", resolvedAt: null },
      });
      expect(alert).not.toBeNull();
      expect(await hub.ctx.db.prisma.case.count()).toBe(0);
      // The right credentials again: the stream recovers and the alert is resolved.
      const [ok] = await hub.ctx.registry.mailboxes.email!.sync(hub.ctx);
      expect(ok).toMatchObject({ status: "succeeded" });
      expect(
        await hub.ctx.db.prisma.alert.count({ where: { kind: "sync.auth", resolvedAt: null } }),
      ).toBe(0);
    });

    it("a dead-lettered mail is replayed from its stored RFC 822 bytes", async () => {
      const bytes = Buffer.from(
        mail({ id: "replay-1", subject: "Aduan BPNT", body: "Kartu KKS saya hilang." }),
      );
      const stored = emailRawCodec.encode({
        rfc822: bytes,
        mailbox: "INBOX",
        uidValidity: "7",
        uid: 3,
        internalDate: new Date(),
      });
      const raw = await hub.ctx.db.prisma.rawMessage.create({
        data: {
          channel: "email",
          externalId: "INBOX/7/3",
          contentType: stored.contentType,
          headers: stored.headers,
          body: new Uint8Array(stored.body),
          sha256: "x",
          status: "failed",
        },
      });
      const dl = await hub.ctx.db.prisma.deadLetter.create({
        data: {
          source: "email",
          externalId: "INBOX/7/3",
          rawMessageId: raw.id,
          payload: stored.headers,
          errorClass: "mapping",
          error: "EMAIL_UNPARSEABLE: e-mail tidak dapat dibaca",
        },
      });
      const out = await replayDeadLetter(hub.ctx, dl.id);
      expect(out.result).toBe("replayed");
      const c = await hub.ctx.db.prisma.case.findFirstOrThrow({ where: { id: out.caseId! } });
      expect(c).toMatchObject({ channel: "email", externalId: "replay-1@example.test" });
      expect(c.keperluan).toContain("Kartu KKS saya hilang.");
      expect(
        await hub.ctx.db.prisma.deadLetter.findUniqueOrThrow({ where: { id: dl.id } }),
      ).toMatchObject({ status: "replayed" });
    });

    it("re-scans after a UIDVALIDITY change without duplicating anything", async () => {
      await dovecot.append(
        "INBOX",
        mail({ subject: "Aduan RUTILAHU", body: "Rumah kami rusak berat." }),
      );
      await dovecot.append(
        "INBOX",
        mail({ id: null, subject: "Tanpa Message-ID", body: "Isi tanpa id." }),
      );
      await hub.ctx.registry.mailboxes.email!.sync(hub.ctx);
      const cases = await hub.ctx.db.prisma.case.count();
      const messages = await hub.ctx.db.prisma.message.count();
      expect(cases).toBeGreaterThanOrEqual(2);
      // The server rebuilt the mailbox: our stored generation no longer matches.
      await hub.ctx.db.prisma.syncState.update({
        where: { stream: "email:INBOX" },
        data: { cursor: { cursor: "1:999999", since: null } },
      });
      const [run] = await hub.ctx.registry.mailboxes.email!.sync(hub.ctx);
      expect(run).toMatchObject({ status: "succeeded", rescanned: true, added: 0, failed: 0 });
      expect(run!.unchanged).toBeGreaterThanOrEqual(2);
      expect(await hub.ctx.db.prisma.case.count()).toBe(cases);
      expect(await hub.ctx.db.prisma.message.count()).toBe(messages);
    });
  },
);
