// Static assets and page headers shared by the staff console (src/web/pages.ts) and the
// citizens' page (src/web/public/public-pages.ts): one loader, one cache rule, one CSP.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Request, Response } from "express";

type Asset = { body: Buffer; gzip: Buffer | null; type: string };

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/**
 * The first of `candidates` (relative to `base`, a module's import.meta.url) that holds
 * `marker`: built code runs from dist/, which holds no static files, so callers list the
 * source tree as a fallback.
 */
export function findAssetDir(base: string, candidates: string[], marker: string): string {
  for (const rel of candidates) {
    const dir = fileURLToPath(new URL(rel, base));
    if (existsSync(join(dir, marker))) return dir;
  }
  throw new Error(`static assets not found (${marker} in ${candidates.join(" or ")})`);
}

/** Every file under `dir` (one folder per console page), as `/`-separated paths, sorted. */
function assetNames(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join("/"))
    .sort();
}

/**
 * A folder's assets (sub-folders included), gzipped once, under a version that is the hash of them all: a file
 * under the current version never changes (cached a year); a stale version (a page opened
 * before an upgrade) gets the current file, uncached.
 */
export function staticAssets(dir: string): {
  version: string;
  serve: (req: Request, res: Response) => void;
} {
  const assets = new Map<string, Asset>();
  const hash = createHash("sha256");
  for (const name of assetNames(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    hash.update(name).update(body);
    const gz = gzipSync(body, { level: 9 });
    assets.set(name, { body, gzip: gz.length < body.length ? gz : null, type });
  }
  const version = hash.digest("hex").slice(0, 12);
  const serve = (req: Request, res: Response): void => {
    // `/assets/:version/*path`: express 5 hands the wildcard over as its segments.
    const path = (req.params as { path?: string | string[] }).path;
    const asset = assets.get(Array.isArray(path) ? path.join("/") : String(path));
    if (!asset) {
      res.status(404).type("text/plain").send("Tidak ditemukan");
      return;
    }
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
  };
  return { version, serve };
}

/**
 * Self only: no inline script or style, so an injected string can never run. `blobImages`:
 * the console previews uploads from blob: URLs; the citizens' page needs no such thing.
 */
export function contentSecurityPolicy(opts: { blobImages: boolean }): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    opts.blobImages ? "img-src 'self' data: blob:" : "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** An HTML page with the headers every page of the hub carries. */
export function sendPage(res: Response, html: string, csp: string, status = 200): void {
  res.status(status);
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.setHeader("Content-Security-Policy", csp);
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cache-Control", "no-store");
  res.send(html);
}
