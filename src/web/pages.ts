// The staff console (served at /). Registered after the API. Plain HTML shells plus small
// ES modules from src/web/static/: every action the console takes is an ordinary /api/v1
// call with the cookie session and the CSRF header, so role checks are the API's own.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Request, Response, Router } from "express";
import type { Routes } from "../http/app.js";
import { publicPageRoutes } from "./public/public-pages.js";

type Asset = { body: Buffer; gzip: Buffer | null; type: string };

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

// Built code runs from dist/src/web/, which holds no static files: fall back to the source tree.
function staticDir(): string {
  for (const rel of ["./static/", "../../../src/web/static/"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, "app.js"))) return dir;
  }
  throw new Error("console assets not found (src/web/static)");
}

function loadAssets(): { assets: Map<string, Asset>; version: string } {
  const dir = staticDir();
  const assets = new Map<string, Asset>();
  const hash = createHash("sha256");
  for (const name of readdirSync(dir).sort()) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    hash.update(name).update(body);
    const gz = gzipSync(body, { level: 9 });
    assets.set(name, { body, gzip: gz.length < body.length ? gz : null, type });
  }
  return { assets, version: hash.digest("hex").slice(0, 12) };
}

// Self only: no inline script or style, so an injected string can never run.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

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
<link rel="modulepreload" href="${base}/api.js">
<link rel="modulepreload" href="${base}/ui.js">
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
  res.status(status);
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.setHeader("Content-Security-Policy", CSP);
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cache-Control", "no-store");
  res.send(shell(page, version));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const consoleRoutes: Routes = (r: Router) => {
  const { assets, version } = loadAssets();

  r.get("/assets/:version/:name", (req: Request, res: Response) => {
    const asset = assets.get(String(req.params.name));
    if (!asset) {
      res.status(404).type("text/plain").send("Tidak ditemukan");
      return;
    }
    // The version in the path is the hash of every asset, so a file under it never changes;
    // a stale version (a page opened before an upgrade) gets the current file, uncached.
    res.setHeader(
      "Cache-Control",
      req.params.version === version ? "public, max-age=31536000, immutable" : "no-cache",
    );
    res.setHeader("Content-Type", asset.type);
    res.setHeader("Vary", "Accept-Encoding");
    if (asset.gzip && /\bgzip\b/.test(req.get("accept-encoding") ?? "")) {
      res.setHeader("Content-Encoding", "gzip");
      res.send(asset.gzip);
    } else {
      res.send(asset.body);
    }
  });

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
  ];
  r.get("/", (_req, res) => sendHtml(res, "kotak-masuk", version));
  for (const page of simple) r.get(`/${page}`, (_req, res) => sendHtml(res, page, version));
  r.get("/kasus/:id", (req, res) =>
    UUID.test(String(req.params.id))
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
