import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_ALLOWED_ATTACHMENT_MIMES,
  checkAttachment,
  findCaseNumber,
  htmlToPlainText,
  mapParsedMail,
  parseMessageIdList,
  syntheticMessageId,
  type EmailSource,
} from "../../../../adapters/email/email.mapper.js";

const INTERNAL = new Date("2026-02-08T00:00:00Z");
const source = (uid: number): EmailSource => ({
  mailbox: "INBOX",
  uidValidity: 1770000000,
  uid,
  internalDate: INTERNAL,
});

async function load(name: string, uid = 1) {
  const raw = readFileSync(new URL(`../../../fixtures/email/${name}`, import.meta.url));
  return mapParsedMail(await simpleParser(raw), source(uid));
}

describe("mapParsedMail", () => {
  it("maps a plain-text complaint", async () => {
    const mail = await load("plain.eml");
    expect(mail).toMatchObject({
      channel: "email",
      externalId: "CAF0000000000000001@mail.example.test",
      syntheticId: false,
      from: { email: "warga.uji1@example.test", name: "Ahmad Uji" },
      subject: "Saldo BPNT tidak masuk 3 bulan",
      receivedAt: new Date("2026-02-02T01:15:00Z"),
      inReplyTo: [],
      references: [],
      caseNumberInSubject: null,
      attachments: [],
      autoSubmitted: false,
      mailbox: "INBOX",
      uid: 1,
      uidValidity: "1770000000",
    });
    expect(mail.text).toMatch(/^Yth\. Dinas Sosial Kabupaten Tabalong,/);
    expect(mail.text).toContain("Saldo BPNT di kartu KKS");
  });

  it("derives text from an HTML-only mail without tags, styles or entities", async () => {
    const mail = await load("html-only.eml");
    expect(mail.text).toContain(
      "BPJS PBI JK ayah saya nonaktif sejak Januari & beliau harus kontrol ke RSUD.",
    );
    expect(mail.text).not.toMatch(/<|color:red|&amp;/);
  });

  it("keeps attachments with size, type and sha256 of the decoded bytes", async () => {
    const mail = await load("attachment.eml");
    expect(mail.attachments).toHaveLength(1);
    const [a] = mail.attachments;
    expect(a?.content.subarray(0, 8).toString("latin1")).toBe("%PDF-1.4");
    expect(a).toMatchObject({
      fileName: "surat-kehilangan-kks.pdf",
      mime: "application/pdf",
      size: a?.content.length,
      inline: false,
      sha256: createHash("sha256").update(a!.content).digest("hex"),
    });
    expect(mail.text).toMatch(/KKS saya hilang/);
  });

  it("reads In-Reply-To and References of a reply, and the case number in its subject", async () => {
    const mail = await load("reply.eml");
    expect(mail.inReplyTo).toEqual(["ack-ADU-2026-000123@dinsos.tabalong.example.test"]);
    expect(mail.references).toEqual([
      "CAF0000000000000001@mail.example.test",
      "ack-ADU-2026-000123@dinsos.tabalong.example.test",
    ]);
    expect(mail.caseNumberInSubject).toBe("ADU-2026-000123");
    expect(mail.autoSubmitted).toBe(false);
  });

  it("finds a lower-case case number in a new thread's subject", async () => {
    const mail = await load("case-number-subject.eml");
    expect(mail.inReplyTo).toEqual([]);
    expect(mail.caseNumberInSubject).toBe("ADU-2026-000123");
  });

  it("uses a stable synthetic id and the internal date when Message-ID and Date are missing", async () => {
    const a = await load("no-message-id.eml", 7);
    const again = await load("no-message-id.eml", 7);
    const other = await load("no-message-id.eml", 8);
    expect(a.syntheticId).toBe(true);
    expect(a.externalId).toMatch(/^[0-9a-f]{64}$/);
    expect(a.externalId).toBe(
      syntheticMessageId({ mailbox: "INBOX", uidValidity: 1770000000, uid: 7 }),
    );
    expect(again.externalId).toBe(a.externalId);
    expect(other.externalId).not.toBe(a.externalId);
    // Same content read at another uid: the fingerprint still matches.
    expect(other.contentFingerprint).toBe(a.contentFingerprint);
    expect(a.receivedAt).toEqual(INTERNAL);
    expect(a.from).toEqual({ email: "warga.uji6@example.test", name: null });
  });

  it("flags an autoresponder and a bounce as autoSubmitted", async () => {
    expect((await load("autoresponder.eml")).autoSubmitted).toBe(true);
    expect((await load("bounce.eml")).autoSubmitted).toBe(true);
  });

  it.each([
    ["Auto-Submitted: no", false],
    ["Auto-Submitted: auto-generated", true],
    ["Precedence: bulk", true],
    ["Precedence: list", true],
    ["Precedence: junk", true],
    ["X-Auto-Response-Suppress: OOF, AutoReply", true],
  ])("header %s → autoSubmitted %s", async (header, expected) => {
    const raw = [
      "From: a@example.test",
      "Subject: uji",
      "Message-ID: <x@example.test>",
      header,
      "",
      "isi",
    ].join("\r\n");
    expect(mapParsedMail(await simpleParser(raw), source(1)).autoSubmitted).toBe(expected);
  });

  it("falls back to the internal date when the Date header is far in the future", async () => {
    const raw = "From: a@example.test\r\nDate: Fri, 01 Jan 2100 00:00:00 +0000\r\n\r\nisi";
    expect(mapParsedMail(await simpleParser(raw), source(1)).receivedAt).toEqual(INTERNAL);
  });
});

describe("helpers", () => {
  it("finds case numbers in brackets, prefixed subjects and any case", () => {
    expect(findCaseNumber("[ADU-2026-000123] Pengaduan Anda telah kami terima")).toBe(
      "ADU-2026-000123",
    );
    expect(findCaseNumber("RE: adu-2025-004567 tambahan")).toBe("ADU-2025-004567");
    expect(findCaseNumber("ADU-2026-0001234")).toBeNull();
    expect(findCaseNumber("XADU-2026-000123")).toBeNull();
    expect(findCaseNumber("ADU-26-000123")).toBeNull();
    expect(findCaseNumber(undefined)).toBeNull();
  });

  it("parses Message-ID lists with or without brackets, deduplicated", () => {
    expect(parseMessageIdList("<a@x> <b@x>\r\n <a@x>")).toEqual(["a@x", "b@x"]);
    expect(parseMessageIdList(["<a@x>", "c@x"])).toEqual(["a@x", "c@x"]);
    expect(parseMessageIdList(undefined)).toEqual([]);
  });

  it("strips HTML simply", () => {
    expect(htmlToPlainText("<p>Satu</p><p>Dua&nbsp;&#39;tiga&#x27;</p><script>x()</script>")).toBe(
      "Satu\nDua 'tiga'",
    );
  });
});

describe("checkAttachment", () => {
  const limits = { maxBytes: 1_000, allowedMimes: DEFAULT_ALLOWED_ATTACHMENT_MIMES };
  it("accepts an allowed type within the size cap (wildcards and parameters included)", () => {
    expect(checkAttachment({ mime: "application/pdf", size: 1_000 }, limits)).toEqual({
      ok: true,
      value: undefined,
    });
    expect(checkAttachment({ mime: "IMAGE/JPEG; name=kks.jpg", size: 10 }, limits).ok).toBe(true);
  });
  it("refuses a file above the cap with ATTACHMENT_TOO_LARGE", () => {
    const r = checkAttachment({ mime: "application/pdf", size: 1_001 }, limits);
    expect(r.ok ? null : r.error.code).toBe("ATTACHMENT_TOO_LARGE");
  });
  it("refuses a type not on the list with ATTACHMENT_TYPE_REFUSED", () => {
    const r = checkAttachment({ mime: "application/x-msdownload", size: 10 }, limits);
    expect(r.ok ? null : r.error.code).toBe("ATTACHMENT_TYPE_REFUSED");
  });
});
