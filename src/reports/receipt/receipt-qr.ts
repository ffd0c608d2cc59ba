// The QR code of a tanda terima: the status link with its number and token, so a citizen
// opens their status by pointing a phone at the paper. Encoded by `qrcode` (the matrix
// only); drawn here as vector squares in the PDF and as one SVG path on the print view.
import QRCode from "qrcode";

/** Dark modules, row by row; error correction M (a crease or a stain still scans). */
export function qrMatrix(text: string): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const rows: boolean[][] = [];
  for (let r = 0; r < modules.size; r++) {
    const row: boolean[] = [];
    for (let c = 0; c < modules.size; c++) row.push(Boolean(modules.get(r, c)));
    rows.push(row);
  }
  return rows;
}

/** Quiet zone of four modules, as the standard asks. */
export const QUIET = 4;

/** An SVG of the code (no script, no external reference): for the HTML print view. */
export function qrSvg(text: string, label: string): string {
  const m = qrMatrix(text);
  const n = m.length + 2 * QUIET;
  let d = "";
  m.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (dark) d += `M${c + QUIET} ${r + QUIET}h1v1h-1z`;
    }),
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" role="img" aria-label="${label}" shape-rendering="crispEdges"><rect width="${n}" height="${n}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}
