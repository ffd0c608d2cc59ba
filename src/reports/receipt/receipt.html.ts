// The tanda terima as a stand-alone print view (no script; A5 page, one sheet).
import { receiptContent, waktuWita, type ReceiptData } from "./receipt.js";
import { qrSvg } from "./receipt-qr.js";

export const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch,
  );

/** The receipt's body (an <article>), for the print view and the citizens' page. */
export function receiptArticle(r: ReceiptData): string {
  const c = receiptContent(r);
  const rows = c.fields
    .map((f) => `<tr><th scope="row">${esc(f.label)}</th><td>${esc(f.value)}</td></tr>`)
    .join("");
  const follow = c.follow
    .map((p) =>
      p.startsWith("Token pelacakan:")
        ? `<p class="token">Token pelacakan: <strong data-token>${esc(r.lookupToken ?? "")}</strong></p>`
        : `<p>${esc(p)}</p>`,
    )
    .join("");
  return `<article class="tanda-terima" aria-labelledby="tt-judul">
<header class="kop"><p>PEMERINTAH KABUPATEN TABALONG</p><p class="kop-nama">${esc(r.office.name.toUpperCase())}</p>${c.contact.map((l) => `<p class="kop-alamat">${esc(l)}</p>`).join("")}</header>
<h2 id="tt-judul">${esc(c.title)}</h2>
<table class="tt-data">${rows}</table>
<h3>Apa yang terjadi selanjutnya</h3>${c.next.map((p) => `<p>${esc(p)}</p>`).join("")}
<h3>Cara memantau pengaduan</h3>${follow}${c.followLink ? `<figure class="qr">${qrSvg(c.followLink, "Kode QR menuju halaman status pengaduan")}<figcaption>Pindai untuk membuka status</figcaption></figure><p>Atau buka langsung: <a href="${esc(c.followLink)}">${esc(c.followLink)}</a></p>` : ""}
<p class="dicetak">Dicetak ${esc(waktuWita(r.printedAt))}</p>
</article>`;
}

export const RECEIPT_CSS = `
@page { size: A5 portrait; margin: 12mm; }
body { font-family: system-ui, sans-serif; color: #111; background: #fff; margin: 0 auto; max-width: 148mm; padding: 1rem; }
.kop { text-align: center; border-bottom: 3px double #111; padding-bottom: .4rem; }
.kop p { margin: 0; font-size: .8rem; }
.kop .kop-nama { font-size: 1.05rem; font-weight: 700; }
.kop .kop-alamat { font-size: .7rem; }
h2 { text-align: center; font-size: 1.05rem; margin: .8rem 0 .5rem; }
h3 { font-size: .9rem; margin: .8rem 0 .2rem; }
p { font-size: .85rem; margin: .25rem 0; overflow-wrap: anywhere; }
.tt-data { border-collapse: collapse; font-size: .85rem; }
.tt-data th { text-align: left; font-weight: 400; padding: .1rem .8rem .1rem 0; vertical-align: top; }
.tt-data td { font-weight: 700; }
.token strong { font-family: ui-monospace, monospace; font-size: 1rem; white-space: nowrap; }
.dicetak { text-align: right; font-size: .7rem; color: #444; }
.qr { margin: .4rem 0; }
.qr svg { width: 32mm; height: 32mm; display: block; }
.qr figcaption { font-size: .7rem; }
@media print { .no-print { display: none; } body { padding: 0; } }
`;

export function renderReceiptHtml(r: ReceiptData): string {
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tanda terima ${esc(r.number)}</title><style>${RECEIPT_CSS}</style></head>
<body>${receiptArticle(r)}</body></html>`;
}
