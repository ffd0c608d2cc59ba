// The citizens' page in Debian's headless Chromium against a real hub (issues 18, 15.2), at
// 390×844 and 1366×768: a citizen submits (with and without an attachment), prints the tanda
// terima (the PDF's text read back with pdftotext) and follows the status through the staff's
// steps until the reply appears; a desk case recorded in the console is followed with the
// token from its tanda terima, on the status page with JavaScript off; wrong tokens and
// guessed numbers give nothing away; the pages fit 320 px and every field has a label.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  PASSWORD,
  type TestHub,
} from "../helpers/test-hub.js";
import {
  browserMissing,
  DESKTOP,
  launchBrowser,
  loginViaForm,
  newSession,
  PHONE,
  ready,
  screenshot,
} from "../helpers/browser.js";

const missing = browserMissing();

function pdfText(file: string): string {
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}
function pdfBytesText(bytes: Buffer): string {
  const f = join(mkdtempSync(join(tmpdir(), "e2e-tt-")), "x.pdf");
  writeFileSync(f, bytes);
  return pdfText(f);
}

// A real 1×1 PNG (typed by its content on the server).
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

async function noHorizontalScroll(page: Page): Promise<void> {
  const w = await page.evaluate(() => {
    const d = (globalThis as unknown as { document: { scrollingElement: { scrollWidth: number } } })
      .document;
    return d.scrollingElement.scrollWidth;
  });
  expect(w).toBeLessThanOrEqual(page.viewportSize()!.width);
}

describe.skipIf(Boolean(missing))(
  missing ? `citizens' page — SKIPPED: ${missing}` : "citizens' page in Chromium",
  () => {
    let hub: TestHub;
    let browser: Browser;
    let ko: ReturnType<typeof apiClient>;

    beforeAll(async () => {
      hub = await startTestHub({
        name: "citizens-e2e",
        env: { PUBLIC_FORM_PER_IP_PER_HOUR: "100", PUBLIC_LOOKUP_PER_IP_PER_HOUR: "1000" },
      });
      await resetDb(hub);
      await userWithToken(hub, "fo.desk", "front_office");
      ko = apiClient(hub, (await userWithToken(hub, "ko.desk", "koordinator")).token);
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await hub?.close();
    });

    async function staffStep(id: string, body: Record<string, unknown>): Promise<void> {
      const c = await ko.get<{ version: number }>(`/api/v1/cases/${id}`);
      const r = await ko.post(`/api/v1/cases/${id}/transitions`, {
        ...body,
        version: c.body.version,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }

    const cases: { label: string; viewport: typeof PHONE; attach: boolean; phone: string }[] = [
      { label: "ponsel-tanpa-lampiran", viewport: PHONE, attach: false, phone: "081255501001" },
      { label: "ponsel-dengan-lampiran", viewport: PHONE, attach: true, phone: "081255501002" },
      { label: "desktop-tanpa-lampiran", viewport: DESKTOP, attach: false, phone: "081255501003" },
      { label: "desktop-dengan-lampiran", viewport: DESKTOP, attach: true, phone: "081255501004" },
    ];

    for (const t of cases) {
      it(`${t.label}: submit, tanda terima, follow the status until the reply`, async () => {
        const s = await newSession(browser, hub.url, t.viewport);
        const p = s.page;
        await p.goto("/pengaduan");
        await noHorizontalScroll(p);
        await p.getByLabel("Nama lengkap *").fill("Mariyati Binti Sahran");
        await p.getByLabel("Nomor HP/WhatsApp *").fill(t.phone);
        await p.getByLabel("Kecamatan *").selectOption("Kelua");
        await p.getByLabel("Desa/kelurahan *").fill("Pudak Setegal");
        await p
          .getByLabel("Isi pengaduan *")
          .fill("Kartu KKS hilang, bantuan BPNT tidak bisa diambil sejak bulan lalu.");
        if (t.attach)
          await p
            .getByLabel("Lampiran (tidak wajib)")
            .setInputFiles({ name: "kks.png", mimeType: "image/png", buffer: PNG });
        await p.getByRole("button", { name: "Kirim pengaduan" }).click();
        const number = (await p.locator("#hasil [data-nomor]").first().textContent())!;
        const token = (await p.locator("#hasil [data-token]").first().textContent())!;
        expect(number).toMatch(/^ADU-\d{4}-\d{6}$/);
        expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
        await expect(p.locator("#hasil article.tanda-terima").textContent()).resolves.toContain(
          "TANDA TERIMA PENGADUAN",
        );
        await noHorizontalScroll(p);
        await screenshot(p, `citizen-${t.label}-tanda-terima`);

        // The PDF the citizen downloads.
        const [dl] = await Promise.all([
          p.waitForEvent("download"),
          p.getByRole("link", { name: "Unduh tanda terima (PDF)" }).click(),
        ]);
        const text = pdfText((await dl.path())!);
        expect(text).toContain(number);
        expect(text, text).toContain(token);
        expect(text).toContain("Situs web");
        expect(text).not.toContain("Mariyati");
        // Printing the page prints the receipt alone (print stylesheet), on A5.
        await p.emulateMedia({ media: "print" });
        const printed = pdfBytesText(await p.pdf({ preferCSSPageSize: true }));
        expect(printed).toContain(number);
        expect(printed, printed).toContain(token);
        expect(printed).not.toContain("Cek status");
        await p.emulateMedia({ media: "screen" });

        const created = await hub.ctx.db.prisma.case.findFirstOrThrow({
          where: { number },
          include: { attachments: true },
        });
        expect(created.attachments.length).toBe(t.attach ? 1 : 0);

        // Follow the status through the staff's steps.
        await p.getByRole("link", { name: "Lihat status" }).click();
        await expect(p.locator("[data-status]").getAttribute("data-status")).resolves.toBe(
          "diterima",
        );
        await staffStep(created.id, { to: "diverifikasi", note: "catatan internal verifikasi" });
        await staffStep(created.id, { to: "didisposisi", bidang: "LINJAMSOS" });
        await p.reload();
        await expect(p.locator("[data-status]").getAttribute("data-status")).resolves.toBe(
          "didisposisi",
        );
        await expect(p.locator(".langkah").textContent()).resolves.toContain(
          "Pengaduan diteruskan ke bidang yang menangani",
        );
        await staffStep(created.id, { to: "ditindaklanjuti" });
        const reply = "KKS dapat dicetak ulang di bank dengan surat kehilangan dari kepolisian.";
        expect((await ko.post(`/api/v1/cases/${created.id}/replies`, { text: reply })).status).toBe(
          201,
        );
        await staffStep(created.id, { to: "selesai" });
        await p.reload();
        await expect(p.locator("[data-status]").getAttribute("data-status")).resolves.toBe(
          "selesai",
        );
        await expect(p.locator(".jawaban").textContent()).resolves.toContain(reply);
        const html = await p.content();
        for (const hidden of ["ko.desk", "catatan internal", "Mariyati", t.phone, "LINJAMSOS"])
          expect(html).not.toContain(hidden);
        await noHorizontalScroll(p);
        await screenshot(p, `citizen-${t.label}-status-selesai`);
        expect(s.errors).toEqual([]);
        await s.context.close();
      });
    }

    for (const viewport of [PHONE, DESKTOP]) {
      it(`desk case at ${viewport.width}: console confirmation, printed token, status without JavaScript`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        await loginViaForm(s.page, "fo.desk", PASSWORD);
        const p = s.page;
        await p.goto("/catat");
        await ready(p);
        await p.getByLabel("Nama (wajib)").first().fill("Jumberi");
        await p.locator("#pelapor-phone").fill("0813-4444-2121");
        await p.locator("#keperluan").fill("Menanyakan ASLUT untuk ibu yang sudah lanjut usia");
        await p.getByRole("button", { name: "Simpan aduan" }).click();
        const saved = p.locator("[data-case-number]");
        await saved.waitFor();
        const number = (await saved.getAttribute("data-case-number"))!;
        const token = (await p.locator("[data-lookup-token]").textContent())!;
        expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
        const [dl] = await Promise.all([
          p.waitForEvent("download"),
          p.getByRole("button", { name: "Cetak tanda terima" }).click(),
        ]);
        const text = pdfText((await dl.path())!);
        expect(text).toContain(number);
        expect(text).toContain(token);
        expect(text).toContain("Datang langsung");
        expect(text).not.toContain("Jumberi");
        await screenshot(p, `desk-${viewport.width}-tanda-terima`);
        await s.context.close();

        // The citizen, at home, with JavaScript off: the plain GET form.
        const ctx = await browser.newContext({
          viewport,
          javaScriptEnabled: false,
          baseURL: hub.url,
        });
        const c = await ctx.newPage();
        await c.goto("/pengaduan/status");
        await c.getByLabel("Nomor pengaduan").fill(number);
        await c.getByLabel("Token pelacakan").fill(token);
        await c.keyboard.press("Enter");
        await c.waitForURL(/\/pengaduan\/status\?/);
        await expect(c.locator("[data-status]").getAttribute("data-status")).resolves.toBe(
          "diterima",
        );
        expect(await c.content()).not.toContain("Jumberi");

        // Wrong token and a guessed number: the same page, nothing about the case.
        const answer = async (n: string, tk: string) => {
          await c.goto("/pengaduan/status");
          await c.getByLabel("Nomor pengaduan").fill(n);
          await c.getByLabel("Token pelacakan").fill(tk);
          await c.getByRole("button", { name: "Lihat status" }).click();
          await c.waitForURL(/\/pengaduan\/status\?/);
          return (await c.locator("main").innerHTML()).trim();
        };
        const wrong = await answer(number, `${token.slice(0, -2)}zz`);
        const guessed = await answer(number.replace(/\d{6}$/, "999999"), token);
        const missingToken = await answer(number, " ");
        expect(wrong).toContain("Pengaduan tidak ditemukan");
        expect(guessed).toBe(wrong);
        expect(missingToken).toBe(wrong);
        expect(wrong).not.toContain(number);
        await ctx.close();
      });
    }

    for (const viewport of [PHONE, DESKTOP]) {
      it(`case page at ${viewport.width}: reprint, a new token (old one dead), print stylesheet`, async () => {
        const fo = apiClient(
          hub,
          (await userWithToken(hub, `fo.cetak${viewport.width}`, "front_office")).token,
        );
        const made = await fo.post<{ id: string; number: string; lookupToken: string }>(
          "/api/v1/cases",
          {
            channel: "telepon",
            pelapor: { name: "Hj. Rabiatul Adawiyah", phone: "0812-7000-3131" },
            keperluan: "Menanyakan jadwal penyaluran PKH tahap empat",
          },
        );
        expect(made.status).toBe(201);
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, `fo.cetak${viewport.width}`, PASSWORD);
        await p.goto(`/kasus/${made.body.id}`);
        await ready(p);
        // Reprint: the token is not recoverable, so the receipt says how to get a new one.
        const [first] = await Promise.all([
          p.waitForEvent("download"),
          p.getByRole("button", { name: "Cetak tanda terima" }).click(),
        ]);
        const reprint = pdfText((await first.path())!);
        expect(reprint).toContain(made.body.number);
        expect(reprint).toContain("Telepon");
        expect(reprint).not.toContain(made.body.lookupToken);
        expect(reprint).toContain("mintalah token baru");
        // A new token, confirmed, shown once and printed; the old one stops working.
        p.once("dialog", (d) => void d.accept());
        const [second] = await Promise.all([
          p.waitForEvent("download"),
          p.getByRole("button", { name: "Token baru + cetak" }).click(),
        ]);
        const fresh = (await p.locator("[data-lookup-token]").textContent())!;
        expect(fresh).toMatch(/^[A-Za-z0-9_-]{32}$/);
        expect(pdfText((await second.path())!)).toContain(fresh);
        const look = (tk: string) =>
          fetch(`${hub.url}/api/v1/public/complaints/${made.body.number}`, {
            headers: { "x-lookup-token": tk },
          }).then((r) => r.status);
        expect(await look(made.body.lookupToken)).toBe(404);
        expect(await look(fresh)).toBe(200);
        // The printed case page: no menus, forms or buttons; the case itself.
        await p.emulateMedia({ media: "print" });
        expect(await p.locator("header.top").isVisible()).toBe(false);
        expect(await p.getByRole("button", { name: "Cetak tanda terima" }).isVisible()).toBe(false);
        const printed = pdfBytesText(await p.pdf());
        expect(printed).toContain(made.body.number);
        expect(printed).toContain("Menanyakan jadwal penyaluran PKH");
        expect(printed).not.toContain("Kotak masuk");
        expect(printed).not.toContain("Cetak tanda terima");
        await p.emulateMedia({ media: "screen" });
        await screenshot(p, `case-${viewport.width}-cetak`);
        expect(s.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
        await s.context.close();
      });
    }

    it("accessible: labels on every field, keyboard reach, 320 px wide", async () => {
      const s = await newSession(browser, hub.url, { width: 320, height: 640 });
      const p = s.page;
      for (const path of ["/pengaduan", "/pengaduan/status"]) {
        await p.goto(path);
        await noHorizontalScroll(p);
        const unlabeled = await p.evaluate(() => {
          type El = { id: string; outerHTML: string; closest(s: string): unknown };
          const d = (
            globalThis as unknown as {
              document: {
                querySelectorAll(s: string): Iterable<El>;
                querySelector(s: string): unknown;
              };
            }
          ).document;
          return [...d.querySelectorAll("input, select, textarea")]
            .filter((e) => !e.closest("[aria-hidden='true']"))
            .filter((e) => !d.querySelector(`label[for='${e.id}']`))
            .map((e) => e.outerHTML);
        });
        expect(unlabeled, path).toEqual([]);
        // The first Tab reaches the skip link, and it leads to the content.
        await p.keyboard.press("Tab");
        await expect(
          p.evaluate(
            () =>
              (
                globalThis as unknown as {
                  document: { activeElement: { textContent: string } | null };
                }
              ).document.activeElement?.textContent,
          ),
        ).resolves.toBe("Langsung ke isi");
      }
      // The form can be filled and sent with the keyboard alone; a missing field is named.
      await p.goto("/pengaduan");
      await p.getByLabel("Nama lengkap *").focus();
      await p.keyboard.type("Warga Papan Ketik");
      await p.keyboard.press("Tab");
      await p.keyboard.type("081255509999");
      await p.getByRole("button", { name: "Kirim pengaduan" }).focus();
      await p.keyboard.press("Enter");
      await expect(p.locator("#pesan").textContent()).resolves.toContain("Kecamatan wajib diisi");
      await s.context.close();
    });
  },
);
