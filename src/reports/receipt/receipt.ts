// The tanda terima (SOP: "respon bahwa pengaduan diterima"): one description of the
// receipt, rendered as an A5 PDF (receipt.pdf.ts) and as a print view (receipt.html.ts),
// for the desk, the citizens' page and a reprint alike. Pure: the service fills it.
import { NAMA_BULAN, NAMA_HARI, toCalendarDate } from "../tanggal.js";

export type ReceiptOffice = { name: string; address: string; phone: string; email: string };

export type ReceiptData = {
  office: ReceiptOffice;
  number: string;
  receivedAt: Date;
  channelLabel: string;
  jenisLabel: string | null;
  /** The running step of the case's clock and its due instant. */
  nextStep: { label: string; dueAt: Date | null } | null;
  /** The complaint class's longest target (working days) and its date from receipt. */
  target: { workingDays: number; by: Date } | null;
  /** The status page, without the token ("https://…/pengaduan/status"). */
  statusUrl: string;
  /** The token, when this receipt is the one that hands it out; else null. */
  lookupToken: string | null;
  printedAt: Date;
};

const pad2 = (n: number) => String(n).padStart(2, "0");
const WITA_MS = 8 * 3600_000;

/** "Senin, 7 Desember 2026" in WITA. */
export function tanggalWita(d: Date): string {
  const c = toCalendarDate(d);
  const wd = new Date(Date.UTC(c.year, c.month - 1, c.day)).getUTCDay();
  return `${NAMA_HARI[wd] ?? ""}, ${c.day} ${NAMA_BULAN[c.month - 1] ?? ""} ${c.year}`;
}

/** "Senin, 7 Desember 2026 pukul 09.05 WITA". */
export function waktuWita(d: Date): string {
  const w = new Date(d.getTime() + WITA_MS);
  return `${tanggalWita(d)} pukul ${pad2(w.getUTCHours())}.${pad2(w.getUTCMinutes())} WITA`;
}

/** The link printed on the receipt and sent in acknowledgements: opens the status at once. */
export function followLink(statusUrl: string, number: string, token: string): string {
  return `${statusUrl}?nomor=${encodeURIComponent(number)}&token=${encodeURIComponent(token)}`;
}

export type ReceiptLine = { label: string; value: string };

/** The receipt's content as labelled lines and paragraphs, shared by both renderers. */
export function receiptContent(r: ReceiptData): {
  title: string;
  fields: ReceiptLine[];
  next: string[];
  follow: string[];
  followLink: string | null;
  contact: string[];
} {
  const fields: ReceiptLine[] = [
    { label: "Nomor pengaduan", value: r.number },
    { label: "Diterima", value: waktuWita(r.receivedAt) },
    { label: "Melalui", value: r.channelLabel },
    { label: "Jenis pengaduan", value: r.jenisLabel ?? "Akan ditentukan petugas" },
  ];
  const next: string[] = [];
  if (r.nextStep) {
    next.push(
      r.nextStep.dueAt
        ? `Langkah berikutnya: ${r.nextStep.label}, paling lambat ${waktuWita(r.nextStep.dueAt)}.`
        : `Langkah berikutnya: ${r.nextStep.label}.`,
    );
  }
  if (r.target) {
    next.push(
      `Pengaduan ditangani paling lama ${r.target.workingDays} hari kerja sejak diterima, ` +
        `yaitu sampai ${tanggalWita(r.target.by)} (hari kerja: Senin–Jumat, di luar hari libur nasional dan cuti bersama).`,
    );
  }
  next.push(
    "Jawaban disampaikan melalui saluran yang Anda gunakan dan dapat dilihat di halaman status.",
  );
  const follow = [`Buka ${r.statusUrl} lalu masukkan nomor pengaduan dan token pelacakan.`];
  if (r.lookupToken) {
    follow.push(`Token pelacakan: ${r.lookupToken}`);
    follow.push("Simpan token ini. Token hanya diberikan sekali dan tidak dapat dilihat petugas.");
  } else {
    follow.push(
      "Token pelacakan diberikan saat pengaduan dicatat. Bila hilang, mintalah token baru kepada petugas (token lama tidak berlaku lagi).",
    );
  }
  follow.push("Layanan pengaduan ini tidak dipungut biaya.");
  return {
    title: "TANDA TERIMA PENGADUAN",
    fields,
    next,
    follow,
    followLink: r.lookupToken ? followLink(r.statusUrl, r.number, r.lookupToken) : null,
    contact: [r.office.address, `Telepon ${r.office.phone} · Surel ${r.office.email}`],
  };
}
