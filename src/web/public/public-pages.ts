// The citizens' pages (issue 18), served by the hub beside the console and alone by
// `serve --role public`: /pengaduan (the complaint form; sending needs JavaScript, the
// answer is a tanda terima on screen and as a PDF) and /pengaduan/status (a plain GET form,
// server-rendered: readable without JavaScript). Nothing here shows staff names, notes,
// NIK or anyone's personal data; an unknown number and a wrong token render the same bytes.
import { contentSecurityPolicy, findAssetDir, sendPage, staticAssets } from "../assets.js";
import { TABALONG_KECAMATAN } from "../../domain/nik.js";
import type { Request, Response, Router } from "express";
import type { HubContext } from "../../context.js";
import { DomainError } from "../../domain/errors.js";
import { origin, publicLookup } from "../../http/handlers/channels.handlers.js";
import { asSystem } from "../../db/scope.js";
import { renderReceiptPdf } from "../../reports/receipt/receipt.pdf.js";
import { esc, receiptArticle } from "../../reports/receipt/receipt.html.js";
import { waktuWita } from "../../reports/receipt/receipt.js";
import {
  publicStatus,
  receiptCase,
  receiptData,
  type PublicStatus,
} from "../../services/public-status.service.js";

const CSP = contentSecurityPolicy({ blobImages: false });

/** The kecamatan of Kabupaten Tabalong (BPS 63.09.01–12), from the domain's one list. */
export const KECAMATAN = Object.values(TABALONG_KECAMATAN).sort((a, b) => a.localeCompare(b, "id"));

type Page = { title: string; body: string; script?: boolean };

function layout(ctx: HubContext, version: string, p: Page): string {
  const base = `/pengaduan/aset/${version}`;
  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title)} · ${esc(ctx.config.ADUAN_OFFICE_NAME)}</title>
<link rel="stylesheet" href="${base}/pengaduan.css">
${p.script ? `<script type="module" src="${base}/pengaduan.js"></script>` : ""}
</head>
<body>
<a class="skip" href="#isi">Langsung ke isi</a>
<header class="kepala"><p class="instansi">${esc(ctx.config.ADUAN_OFFICE_NAME)}</p>
<nav aria-label="Menu"><a href="/pengaduan">Kirim pengaduan</a> <a href="/pengaduan/status">Cek status</a></nav></header>
<main id="isi" tabindex="-1">
${p.body}
</main>
<footer class="kaki"><p>${esc(ctx.config.ADUAN_OFFICE_ADDRESS)}</p><p>Telepon ${esc(ctx.config.ADUAN_OFFICE_PHONE)} · Surel ${esc(ctx.config.ADUAN_OFFICE_EMAIL)}</p><p>Layanan pengaduan tidak dipungut biaya.</p></footer>
</body>
</html>`;
}

function formPage(ctx: HubContext): string {
  const max = Math.floor(ctx.config.PUBLIC_FORM_ATTACHMENT_MAX_BYTES / 1024);
  const kec = KECAMATAN.map((k) => `<option>${esc(k)}</option>`).join("");
  return `<div id="pengantar"><h1>Kirim pengaduan</h1>
<p>Sampaikan keluhan atau pertanyaan tentang layanan ${esc(ctx.config.ADUAN_OFFICE_NAME)} (misalnya PKH, BPNT, PBI JK, bantuan lansia). Setelah terkirim Anda menerima <strong>tanda terima</strong> berisi nomor pengaduan dan token untuk memantau statusnya.</p></div>
<noscript><p class="peringatan">Formulir ini memerlukan JavaScript. Anda juga dapat mengadu melalui WhatsApp, surel, atau datang langsung ke kantor. Status pengaduan tetap dapat dilihat di <a href="/pengaduan/status">halaman status</a>.</p></noscript>
<form id="form-aduan" novalidate>
<p class="catatan">Kolom bertanda * wajib diisi.</p>
<div class="kolom"><label for="nama">Nama lengkap *</label><input id="nama" name="name" autocomplete="name" required maxlength="200"></div>
<div class="kolom"><label for="telepon">Nomor HP/WhatsApp *</label><input id="telepon" name="phone" type="tel" inputmode="tel" autocomplete="tel" required maxlength="40" aria-describedby="telepon-bantu"><p class="bantu" id="telepon-bantu">Contoh: 0812 3456 7890. Petugas dapat menghubungi nomor ini.</p></div>
<div class="kolom"><label for="kecamatan">Kecamatan *</label><select id="kecamatan" name="kecamatan" required><option value="">— pilih kecamatan —</option>${kec}</select></div>
<div class="kolom"><label for="desa">Desa/kelurahan *</label><input id="desa" name="desa" required maxlength="100" autocomplete="address-level3"></div>
<div class="kolom"><label for="keperluan">Isi pengaduan *</label><textarea id="keperluan" name="text" rows="6" required minlength="10" maxlength="5000" aria-describedby="keperluan-bantu"></textarea><p class="bantu" id="keperluan-bantu">Tuliskan apa yang terjadi, program bantuan yang dimaksud, dan sejak kapan. Jangan menuliskan NIK di sini.</p></div>
<div class="kolom"><label for="lampiran">Lampiran (tidak wajib)</label><input id="lampiran" name="attachment" type="file" accept="image/jpeg,image/png,image/webp,application/pdf" aria-describedby="lampiran-bantu"><p class="bantu" id="lampiran-bantu">Foto atau PDF, paling besar ${max} KB.</p></div>
<div class="kolom pilihan"><input id="rahasia" name="rahasia" type="checkbox" aria-describedby="rahasia-bantu"><label for="rahasia">Rahasiakan identitas saya</label><p class="bantu" id="rahasia-bantu">Nama dan nomor Anda hanya dilihat petugas yang menangani, tidak dicantumkan dalam laporan dan tidak diberitahukan kepada pihak yang Anda adukan.</p></div>
<div class="jebakan" aria-hidden="true"><label for="website">Jangan diisi</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
<p id="pesan" class="pesan" role="alert" aria-live="assertive"></p>
<button type="submit">Kirim pengaduan</button>
</form>
<section id="hasil" hidden aria-live="polite"></section>`;
}

const NOT_FOUND_TEXT =
  "Pengaduan tidak ditemukan. Periksa kembali nomor pengaduan dan token pelacakan pada tanda terima Anda.";

function statusForm(number: string): string {
  return `<form class="cari" method="get" action="/pengaduan/status">
<div class="kolom"><label for="nomor">Nomor pengaduan</label><input id="nomor" name="nomor" required maxlength="40" autocapitalize="characters" value="${esc(number)}" placeholder="ADU-2026-000123"></div>
<div class="kolom"><label for="token">Token pelacakan</label><input id="token" name="token" required maxlength="200" autocomplete="off" spellcheck="false"></div>
<button type="submit">Lihat status</button>
</form>`;
}

function statusView(st: PublicStatus): string {
  const steps = st.steps
    .map(
      (x) =>
        `<li><time datetime="${x.at.toISOString()}">${esc(waktuWita(x.at))}</time> ${esc(x.text)}</li>`,
    )
    .join("");
  const replies = st.replies.length
    ? st.replies
        .map(
          (r) =>
            `<article class="jawaban"><p class="waktu"><time datetime="${r.at.toISOString()}">${esc(waktuWita(r.at))}</time></p><p>${esc(r.text).replace(/\n/g, "<br>")}</p></article>`,
        )
        .join("")
    : `<p>Belum ada jawaban petugas.</p>`;
  return `<section class="status" aria-labelledby="judul-status">
<h2 id="judul-status">Pengaduan <span data-nomor>${esc(st.number)}</span></h2>
<p class="status-kini">Status: <strong data-status="${esc(st.status)}">${esc(st.statusLabel)}</strong></p>
<p>Diterima ${esc(waktuWita(st.receivedAt))}${st.closedAt ? `; selesai ${esc(waktuWita(st.closedAt))}` : ""}</p>
<h3>Perjalanan pengaduan</h3><ol class="langkah">${steps}</ol>
<h3>Jawaban petugas</h3>${replies}
</section>`;
}

const q = (req: Request, k: string): string => {
  const v = req.query[k];
  return typeof v === "string" ? v.trim().slice(0, 200) : "";
};

export function publicPageRoutes(r: Router, ctx: HubContext): void {
  // Built code runs from dist/src/web/public/: the source tree's assets then.
  const { version, serve } = staticAssets(
    findAssetDir(
      import.meta.url,
      ["./assets/", "../../../../src/web/public/assets/"],
      "pengaduan.css",
    ),
  );
  const send = (res: Response, status: number, page: Page) => {
    sendPage(res, layout(ctx, version, page), CSP, status);
  };

  r.get("/pengaduan/aset/:version/*path", serve);

  r.get("/pengaduan", (_req, res) =>
    send(res, 200, { title: "Kirim pengaduan", body: formPage(ctx), script: true }),
  );

  // A look-up renders the same page for an unknown number and a wrong token: nothing of
  // what was typed is echoed back, so the two answers are identical byte for byte.
  const lookup = async (
    req: Request,
    res: Response,
    then: (st: PublicStatus, id: string, token: string) => Promise<void>,
  ) => {
    const number = q(req, "nomor");
    const token = q(req, "token");
    const title = "Status pengaduan";
    if (!number && !token) {
      send(res, 200, {
        title,
        body: `<h1>${title}</h1><p>Masukkan nomor pengaduan dan token pelacakan yang tertera pada tanda terima.</p>${statusForm("")}`,
      });
      return;
    }
    let found;
    try {
      found = await publicLookup(ctx, req, number, token);
    } catch (e) {
      if (e instanceof DomainError && e.code === "RATE_LIMITED") {
        res.setHeader("Retry-After", String(Math.ceil(e.retryAfterSeconds ?? 60)));
        send(res, 429, {
          title,
          body: `<h1>${title}</h1><p class="peringatan" role="alert">Terlalu banyak pencarian dari alamat ini. Silakan coba lagi nanti.</p>${statusForm("")}`,
        });
        return;
      }
      throw e;
    }
    const st = await publicStatus(ctx, found);
    if (!found || !st) {
      send(res, 404, {
        title,
        body: `<h1>${title}</h1><p class="peringatan" role="alert">${NOT_FOUND_TEXT}</p>${statusForm("")}`,
      });
      return;
    }
    await then(st, found.id, token);
  };

  r.get("/pengaduan/status", (req, res, next) => {
    lookup(req, res, async (st) => {
      send(res, 200, {
        title: "Status pengaduan",
        body: `<h1>Status pengaduan</h1>${statusView(st)}<h2 class="lagi">Cek pengaduan lain</h2>${statusForm("")}`,
      });
    }).catch(next);
  });

  r.get("/pengaduan/tanda-terima", (req, res, next) => {
    lookup(req, res, async (_st, id, token) => {
      const c = await asSystem("public-status", () => receiptCase(ctx, id));
      const data = await receiptData(ctx, c, { lookupToken: token, baseUrl: origin(ctx, req) });
      if (q(req, "format") === "html") {
        send(res, 200, {
          title: `Tanda terima ${c.number}`,
          body: `${receiptArticle(data)}<p class="no-print"><a href="/pengaduan/tanda-terima?nomor=${encodeURIComponent(c.number)}&amp;token=${encodeURIComponent(token)}">Unduh PDF</a></p>`,
        });
        return;
      }
      res.setHeader("Cache-Control", "no-store");
      res.setHeader("Content-Disposition", `inline; filename="tanda-terima-${c.number}.pdf"`);
      res.type("application/pdf").send(await renderReceiptPdf(data));
    }).catch(next);
  });
}
