/** The Kepala Dinas signature block, shared by every printed document. */
import type { OfficeInfo } from "./report.types.js";
import { formatTanggalPanjang } from "./tanggal.js";

export interface SignatureLine {
  text: string;
  bold?: boolean;
  underline?: boolean;
}

/** Blank lines leave room for the wet signature and stamp, as in the seed. */
export const SIGNATURE_GAP_LINES = 3;

export function signatureLines(office: OfficeInfo): SignatureLine[] {
  const k = office.kepalaDinas;
  const lines: SignatureLine[] = [
    { text: `${office.place}, ${formatTanggalPanjang(office.signDate)}` },
    { text: "KEPALA DINAS SOSIAL" },
    { text: `KABUPATEN ${office.kabupaten}` },
  ];
  for (let i = 0; i < SIGNATURE_GAP_LINES; i++) lines.push({ text: "" });
  lines.push({ text: k.name, bold: true, underline: true });
  if (k.pangkat !== undefined && k.pangkat.trim() !== "") lines.push({ text: k.pangkat });
  lines.push({ text: `NIP. ${k.nip}` });
  return lines;
}
