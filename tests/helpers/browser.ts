// Headless Debian Chromium driven by playwright-core, for the console's end-to-end tests.
import { markSkippedForPeer } from "./skipped-peers.js";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.ADUAN_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = "test-output/screenshots";

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };
/** The two widths every console page is tried at: the office's desktop and a phone. */
export const WIDTHS = [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const;

/** Why the browser tests cannot run here, or null. Throws when ADUAN_REQUIRE_BROWSER=1. */
export function browserMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run the console e2e tests`;
  if (process.env.ADUAN_REQUIRE_BROWSER === "1") throw new Error(why);
  markSkippedForPeer(`chromium (console e2e tests): ${CHROMIUM} not found`);
  return why;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

export async function newSession(
  browser: Browser,
  baseURL: string,
  viewport = DESKTOP,
  /** The browser's locale; "en-US" shows what a default-English Chromium shows. */
  locale = "id-ID",
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    baseURL,
    viewport,
    acceptDownloads: true,
    locale,
  });
  context.setDefaultTimeout(8_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return { context, page, errors };
}

/** Waits until the console module has rendered the page. */
export async function ready(page: Page): Promise<void> {
  await page.waitForSelector("main[data-ready='1']");
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export async function loginViaForm(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/masuk");
  await ready(page);
  await page.getByLabel("Nama pengguna").fill(username);
  await page.getByLabel("Kata sandi").fill(password);
  await Promise.all([
    page.waitForURL((u) => u.pathname === "/"),
    page.getByRole("button", { name: "Masuk" }).click(),
  ]);
  await ready(page);
}

/** Calls the API from inside the page, as a forced request with the page's own cookie + CSRF. */
export async function fetchFromPage(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const doc = (globalThis as unknown as { document: { cookie: string } }).document;
      const m = doc.cookie.match(/(?:^|;\s*)aduan_csrf=([^;]+)/);
      const res = await fetch(path, {
        method,
        headers: {
          "content-type": "application/json",
          "x-csrf-token": m ? decodeURIComponent(m[1]!) : "",
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    { method, path, body },
  );
}
