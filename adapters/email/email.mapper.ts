import { createHash } from "node:crypto";
import type { AddressObject, HeaderValue, ParsedMail } from "mailparser";
import { normalizeMime } from "../../src/domain/uploads/attachment-policy.js";

/** The hub's case numbers, e.g. ADU-2026-000123 (also inside "[ADU-2026-000123]"). */
export const CASE_NUMBER_PATTERN = /(?<![A-Za-z0-9])ADU-(\d{4})-(\d{6})(?![0-9])/i;

/** Where the message sits on the IMAP server: the cursor and the synthetic id use it. */
export interface EmailSource {
  readonly mailbox: string;
  readonly uidValidity: number | bigint | string;
  readonly uid: number;
  /** IMAP INTERNALDATE: when our server received it. */
  readonly internalDate: Date;
}

export interface InboundEmailAttachment {
  readonly fileName: string;
  readonly mime: string;
  readonly size: number;
  readonly sha256: string;
  /** Inline part referenced from the HTML (logos, signatures), not a document sent to us. */
  readonly inline: boolean;
  readonly content: Buffer;
}

export interface InboundEmail {
  readonly channel: "email";
  /** Message-ID without angle brackets, or a synthetic id (see `syntheticId`). */
  readonly externalId: string;
  /**
   * True when the mail had no Message-ID and `externalId` is sha256(mailbox, uidvalidity,
   * uid): stable across re-reads, but not across a UIDVALIDITY change, so the sync engine
   * must then also compare `contentFingerprint`.
   */
  readonly syntheticId: boolean;
  /** sha256 of sender, Date, subject and text: dedupe aid independent of the mailbox. */
  readonly contentFingerprint: string;
  readonly mailbox: string;
  readonly uid: number;
  readonly uidValidity: string;
  readonly from: { readonly email: string | null; readonly name: string | null };
  readonly subject: string;
  readonly text: string;
  readonly receivedAt: Date;
  readonly inReplyTo: string[];
  readonly references: string[];
  /** Upper-cased case number found in the subject, to join replies without headers. */
  readonly caseNumberInSubject: string | null;
  readonly attachments: InboundEmailAttachment[];
  /** Autoresponder, bounce or list mail: never auto-acknowledge it (mail loops). */
  readonly autoSubmitted: boolean;
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/** "<abc@host>" → "abc@host"; null for an empty or whitespace-only id. */
export function normalizeMessageId(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const trimmed = raw.trim().replace(/^<+/, "").replace(/>+$/, "").trim();
  if (trimmed === "" || /\s/.test(trimmed)) return null;
  return trimmed;
}

/** Every `<id>` of an In-Reply-To/References value, in order, without duplicates. */
export function parseMessageIdList(raw: string | readonly string[] | null | undefined): string[] {
  if (raw === null || raw === undefined) return [];
  const parts = typeof raw === "string" ? [raw] : raw;
  const ids: string[] = [];
  for (const part of parts) {
    const bracketed = part.match(/<[^<>\s]+>/g);
    const tokens = bracketed ?? part.split(/[\s,]+/);
    for (const token of tokens) {
      const id = normalizeMessageId(token);
      if (id !== null && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

export function findCaseNumber(subject: string | null | undefined): string | null {
  if (!subject) return null;
  const match = CASE_NUMBER_PATTERN.exec(subject);
  return match ? `ADU-${match[1]}-${match[2]}` : null;
}

export function syntheticMessageId(source: Omit<EmailSource, "internalDate">): string {
  return createHash("sha256")
    .update(`${source.mailbox}\n${String(source.uidValidity)}\n${source.uid}`)
    .digest("hex");
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/** A deliberately simple HTML → text: enough to read a complaint, not to render it. */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|tr|h[1-6])\s*>/gi, "\n")
    .replace(/<li\b[^>]*>/gi, "- ")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith("#x") || name.startsWith("#X")) {
        return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      }
      if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t\u00a0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function headerText(value: HeaderValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "object" && "value" in value && typeof value.value === "string") {
    return value.value;
  }
  if (typeof value === "object" && "text" in value && typeof value.text === "string") {
    return value.text;
  }
  return null;
}

function firstAddress(from: AddressObject | undefined): {
  email: string | null;
  name: string | null;
} {
  const first = from?.value[0];
  const email = first?.address?.trim().toLowerCase() || null;
  const name = first?.name?.trim() || null;
  return { email, name };
}

/**
 * RFC 3834 Auto-Submitted (anything but "no"), Precedence bulk/junk/list, bounces from a
 * mailer-daemon/postmaster, and the de-facto autoresponder headers of Exchange and others.
 * Acknowledging any of these would start a mail loop or spam a list.
 */
export function isAutoSubmitted(mail: Pick<ParsedMail, "headers" | "from">): boolean {
  const headers = mail.headers;
  const autoSubmitted = headerText(headers.get("auto-submitted"))?.trim().toLowerCase();
  if (autoSubmitted !== undefined && autoSubmitted !== "" && autoSubmitted !== "no") return true;
  const precedence = headerText(headers.get("precedence"))?.trim().toLowerCase();
  if (precedence === "bulk" || precedence === "junk" || precedence === "list") return true;
  if (headers.has("x-autoreply") || headers.has("x-autorespond")) return true;
  const suppress = headerText(headers.get("x-auto-response-suppress"))?.toLowerCase() ?? "";
  if (/\b(all|oof|autoreply)\b/.test(suppress)) return true;
  const sender = firstAddress(mail.from).email ?? "";
  const local = sender.split("@")[0] ?? "";
  return /^(mailer-daemon|postmaster)$/.test(local);
}

function textOf(mail: ParsedMail): string {
  const text = mail.text?.trim();
  if (text) return text;
  if (typeof mail.html === "string" && mail.html.trim() !== "") return htmlToPlainText(mail.html);
  return "";
}

const DATE_SKEW_MS = 24 * 60 * 60 * 1000;

/**
 * The Date header is the sender's clock: when it is missing, invalid, or more than a day
 * after our server received the mail, the IMAP internal date is the honest one.
 */
function receivedAtOf(mail: ParsedMail, internalDate: Date): Date {
  const date = mail.date;
  if (date === undefined || Number.isNaN(date.getTime())) return internalDate;
  if (date.getTime() - internalDate.getTime() > DATE_SKEW_MS) return internalDate;
  return date;
}

function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

// ---------------------------------------------------------------------------------------
// Mapping
// ---------------------------------------------------------------------------------------

/** Pure: a parsed mail and where it was read → the plain object the sync engine upserts. */
export function mapParsedMail(mail: ParsedMail, source: EmailSource): InboundEmail {
  const messageId = normalizeMessageId(mail.messageId);
  const from = firstAddress(mail.from);
  const subject = (mail.subject ?? "").replace(/[\r\n]+/g, " ").trim();
  const text = textOf(mail);
  const receivedAt = receivedAtOf(mail, source.internalDate);
  const attachments = mail.attachments.map((a, i) => ({
    fileName: a.filename?.trim() || `lampiran-${i + 1}`,
    mime: normalizeMime(a.contentType),
    size: a.content.length,
    sha256: sha256(a.content),
    inline: a.contentDisposition === "inline" || a.related === true,
    content: a.content,
  }));
  return {
    channel: "email",
    externalId: messageId ?? syntheticMessageId(source),
    syntheticId: messageId === null,
    contentFingerprint: sha256(
      [from.email ?? "", mail.date?.toISOString() ?? "", subject, text].join("\n"),
    ),
    mailbox: source.mailbox,
    uid: source.uid,
    uidValidity: String(source.uidValidity),
    from,
    subject,
    text,
    receivedAt,
    inReplyTo: parseMessageIdList(mail.inReplyTo),
    references: parseMessageIdList(mail.references),
    caseNumberInSubject: findCaseNumber(subject),
    attachments,
    autoSubmitted: isAutoSubmitted(mail),
  };
}

// The attachment policy lives in src/domain (the public form applies it too).
export {
  checkAttachment,
  DEFAULT_ALLOWED_ATTACHMENT_MIMES,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  type AttachmentError,
  type AttachmentErrorCode,
  type AttachmentLimits,
} from "../../src/domain/uploads/attachment-policy.js";
