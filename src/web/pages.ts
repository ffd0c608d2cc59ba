// The staff console (served at /). Registered after the API. Plain HTML shells plus small
// ES modules from src/web/static/: every action the console takes is an ordinary /api/v1
// call with the cookie session and the CSRF header, so role checks are the API's own.
import type { Response, Router } from "express";
import type { Routes } from "../http/app.js";
import { contentSecurityPolicy, findAssetDir, sendPage, staticAssets } from "./assets.js";
import { publicPageRoutes } from "./public/public-pages.js";
import { isUuid } from "../domain/uuid.js";

const CSP = contentSecurityPolicy({ blobImages: true });

const PAGES: Record<string, string> = {
  masuk: "Masuk",
  "kotak-masuk": "Kotak masuk",
  beranda: "Beranda",
  catat: "Catat aduan",
  kasus: "Halaman kasus",
  laporan: "Laporan",
  kesehatan: "Kesehatan kanal",
  pengguna: "Pengguna",
  katalog: "Katalog",
  akun: "Akun saya",
  impor: "Impor log lama",
  "tidak-ditemukan": "Halaman tidak ditemukan",
};

function shell(page: string, version: string): string {
  const title = PAGES[page] ?? "Aduan";
  const base = `/assets/${version}`;
  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Aduan Dinas Sosial Tabalong</title>
<link rel="stylesheet" href="${base}/style.css">
<link rel="modulepreload" href="${base}/shared/api.js">
<link rel="modulepreload" href="${base}/shared/ui.js">
<script type="module" src="${base}/app.js"></script>
</head>
<body data-page="${page}">
<a class="skip" href="#utama">Langsung ke isi</a>
<header class="top"><div class="brand">Aduan Dinsos Tabalong</div><nav id="nav" aria-label="Menu utama"></nav></header>
<main id="utama" tabindex="-1"><h1>${title}</h1><p class="muted" id="memuat">Memuat…</p>
<noscript><p class="error">Konsol ini memerlukan JavaScript.</p></noscript></main>
</body>
</html>`;
}

function sendHtml(res: Response, page: string, version: string, status = 200): void {
  sendPage(res, shell(page, version), CSP, status);
}

export const consoleRoutes: Routes = (r: Router) => {
  // Built code runs from dist/src/web/, which holds no static files: the source tree then.
  const { version, serve } = staticAssets(
    findAssetDir(import.meta.url, ["./static/", "../../../src/web/static/"], "app.js"),
  );

  r.get("/assets/:version/*path", serve);

  r.get("/favicon.ico", (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=86400");
    res.status(204).end();
  });

  const simple = [
    "masuk",
    "kotak-masuk",
    "beranda",
    "catat",
    "laporan",
    "kesehatan",
    "pengguna",
    "katalog",
    "akun",
    "impor",
  ];
  r.get("/", (_req, res) => sendHtml(res, "kotak-masuk", version));
  for (const page of simple) r.get(`/${page}`, (_req, res) => sendHtml(res, page, version));
  r.get("/kasus/:id", (req, res) =>
    isUuid(req.params.id)
      ? sendHtml(res, "kasus", version)
      : sendHtml(res, "tidak-ditemukan", version, 404),
  );
  r.use((req, res, next) => {
    if (req.method !== "GET" || req.path.startsWith("/api/")) return next();
    sendHtml(res, "tidak-ditemukan", version, 404);
  });
};

/** The citizens' pages first: the console's catch-all 404 comes last. */
export const pageRoutes: Routes[] = [publicPageRoutes, consoleRoutes];
/** What `serve --role public` serves besides the public API. */
export const publicSitePages: Routes[] = [publicPageRoutes];
