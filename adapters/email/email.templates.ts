import { BULAN } from "../../src/domain/legacy/indonesian-date.js";
import { WITA_OFFSET_MS } from "../../src/domain/time.js";
import { findCaseNumber, normalizeMessageId } from "./email.mapper.js";

/** Office contact printed under every email; comes from configuration, not code. */
export interface OfficeContact {
  readonly name: string;
  readonly address: string;
  readonly phone: string;
  readonly email: string;
  readonly serviceHours?: string;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  /** Extra headers for nodemailer's `headers` option. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Beyond this, References is trimmed to its first and latest ids (RFC 5322 §3.6.4). */
const MAX_REFERENCES = 20;

const CASE_NUMBER_EXACT = /^ADU-\d{4}-\d{6}$/;

function assertCaseNumber(caseNumber: string): void {
  if (!CASE_NUMBER_EXACT.test(caseNumber)) {
    throw new RangeError("case number must look like ADU-YYYY-NNNNNN");
  }
}

/** Header values must stay on one line: a CR/LF from user input would inject headers. */
function oneLine(value: string): string {
  return value
    .replace(/[\r\n]+/g, " ")
    .replace(/\s{2,}/g, " ")
    .trim();
}

function salutation(citizenName: string | null | undefined): string {
  return citizenName ? `Yth. Bapak/Ibu ${oneLine(citizenName)},` : "Yth. Bapak/Ibu,";
}

function bracket(id: string): string {
  return `<${id}>`;
}

/** "Senin, 2 Februari 2026 pukul 09.15 WITA" */
export function formatWita(date: Date): string {
  const d = new Date(date.getTime() + WITA_OFFSET_MS);
  const hari = ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"][d.getUTCDay()];
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${hari}, ${d.getUTCDate()} ${BULAN[d.getUTCMonth()]} ${d.getUTCFullYear()} pukul ${hh}.${mm} WITA`;
}

function signature(office: OfficeContact): string {
  return [
    "Hormat kami,",
    "Front Office Online",
    oneLine(office.name),
    oneLine(office.address),
    `Telepon/WhatsApp: ${oneLine(office.phone)}`,
    `Email: ${oneLine(office.email)}`,
    ...(office.serviceHours ? [`Jam layanan: ${oneLine(office.serviceHours)}`] : []),
  ].join("\n");
}

/** In-Reply-To + References so mail clients thread the answer under the citizen's mail. */
function threadHeaders(
  citizenMessageId: string | null,
  references: readonly string[],
): Record<string, string> {
  const parent = normalizeMessageId(citizenMessageId);
  const ids: string[] = [];
  for (const raw of [...references, ...(parent ? [parent] : [])]) {
    const id = normalizeMessageId(raw);
    if (id !== null && !ids.includes(id)) ids.push(id);
  }
  const kept =
    ids.length > MAX_REFERENCES ? [ids[0] as string, ...ids.slice(-(MAX_REFERENCES - 1))] : ids;
  return {
    ...(parent ? { "In-Reply-To": bracket(parent) } : {}),
    ...(kept.length > 0 ? { References: kept.map(bracket).join(" ") } : {}),
  };
}

export interface AcknowledgementInput {
  readonly caseNumber: string;
  readonly receivedAt: Date;
  readonly citizenName: string | null;
  /** Message-ID of the citizen's mail (normalised or bracketed); null for other channels. */
  readonly citizenMessageId: string | null;
  readonly citizenReferences?: readonly string[];
  readonly office: OfficeContact;
  /** The status page link with the case's look-up token (issue 18), when there is one. */
  readonly statusLink?: string | null;
}

/**
 * The automatic acknowledgement (Online SOP: acknowledge within 5 minutes). Marked
 * Auto-Submitted so the citizen's own autoresponder does not answer it (mail loop).
 */
export function renderAcknowledgementEmail(input: AcknowledgementInput): RenderedEmail {
  assertCaseNumber(input.caseNumber);
  const text = [
    salutation(input.citizenName),
    "",
    `Terima kasih telah menyampaikan pengaduan kepada ${oneLine(input.office.name)}. ` +
      `Pengaduan Anda telah kami terima pada ${formatWita(input.receivedAt)} ` +
      "dan dicatat dengan nomor pengaduan:",
    "",
    `    ${input.caseNumber}`,
    "",
    "Mohon cantumkan nomor tersebut setiap kali menghubungi kami tentang pengaduan ini. " +
      "Untuk menambahkan keterangan atau dokumen (misalnya foto KKS atau surat keterangan), " +
      "cukup balas email ini tanpa mengubah subjeknya.",
    "",
    "Langkah selanjutnya:",
    "1. Petugas Front Office Online memeriksa kelengkapan pengaduan Anda.",
    "2. Pengaduan diteruskan kepada Tim Penelaah dan didisposisikan ke bidang terkait " +
      "(Pemberdayaan Sosial, Rehabilitasi Sosial, atau Perlindungan dan Jaminan Sosial).",
    "3. Bidang terkait menindaklanjuti pengaduan, termasuk pemeriksaan data pada SIKS-NG " +
      "bila diperlukan.",
    "4. Jawaban atas pengaduan Anda kami kirimkan melalui email ini.",
    "",
    ...(input.statusLink
      ? [
          "Perkembangan pengaduan dan jawaban petugas dapat Anda pantau kapan saja di:",
          "",
          `    ${input.statusLink}`,
          "",
          "Tautan ini khusus untuk pengaduan Anda; jangan dibagikan kepada orang lain.",
          "",
        ]
      : []),
    "Bila petugas memerlukan data tambahan, kami akan menghubungi Anda melalui email ini. " +
      "Petugas kami tidak pernah meminta imbalan dalam bentuk apa pun.",
    "",
    signature(input.office),
    "",
    "--",
    "Email ini dikirim otomatis oleh sistem pengaduan. Mohon tidak mengubah nomor pengaduan " +
      "pada subjek saat membalas.",
  ].join("\n");
  return {
    subject: `[${input.caseNumber}] Pengaduan Anda telah kami terima`,
    text,
    headers: {
      ...threadHeaders(input.citizenMessageId, input.citizenReferences ?? []),
      "Auto-Submitted": "auto-replied",
      "X-Auto-Response-Suppress": "All",
    },
  };
}

export interface StaffReplyInput {
  readonly caseNumber: string;
  /** Subject of the citizen's last mail; null when the case came from another channel. */
  readonly originalSubject: string | null;
  /** Staff text, already approved; sent as is. */
  readonly body: string;
  readonly citizenName: string | null;
  readonly citizenMessageId: string | null;
  readonly citizenReferences?: readonly string[];
  readonly office: OfficeContact;
}

/** "Re: Fwd: RE: x" → "x", so replies do not pile prefixes up. */
function stripReplyPrefixes(subject: string): string {
  return subject.replace(/^(\s*(re|fw|fwd|aw|balas)\s*(\[\d+\])?\s*:\s*)+/i, "").trim();
}

/** The staff answer, threaded under the citizen's mail and keeping the case number. */
export function renderStaffReplyEmail(input: StaffReplyInput): RenderedEmail {
  assertCaseNumber(input.caseNumber);
  const original = stripReplyPrefixes(oneLine(input.originalSubject ?? ""));
  let subject: string;
  if (original === "") {
    subject = `Re: [${input.caseNumber}] Tanggapan atas pengaduan Anda`;
  } else if (findCaseNumber(original) === input.caseNumber) {
    subject = `Re: ${original}`;
  } else {
    subject = `Re: [${input.caseNumber}] ${original}`;
  }
  const text = [
    salutation(input.citizenName),
    "",
    `Menindaklanjuti pengaduan Anda dengan nomor ${input.caseNumber}, berikut tanggapan kami:`,
    "",
    input.body.replace(/\r\n/g, "\n").trim(),
    "",
    "Bila masih ada yang perlu disampaikan, silakan balas email ini tanpa mengubah subjeknya.",
    "",
    signature(input.office),
  ].join("\n");
  return {
    subject,
    text,
    headers: threadHeaders(input.citizenMessageId, input.citizenReferences ?? []),
  };
}
