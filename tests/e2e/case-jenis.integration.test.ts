// The jenis on the case page (issue 14, item 8) in Chromium at 1366 px: a jenis an admin
// adds reaches the console's dropdowns (labels come from the API, not a copy in the
// console) and the front office picks it on the case page; the decision is shown.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import {
  apiClient,
  PASSWORD,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../helpers/test-hub.js";
import {
  browserMissing,
  DESKTOP,
  launchBrowser,
  loginViaForm,
  newSession,
  ready,
  screenshot,
} from "../helpers/browser.js";

const missing = browserMissing();
const NEW_JENIS = { code: "BANTUAN_YATIM", label: "Bantuan anak yatim piatu" };

describe.skipIf(Boolean(missing))(
  missing ? `jenis on the case page — SKIPPED: ${missing}` : "jenis on the case page",
  () => {
    let hub: TestHub;
    let browser: Browser;
    let caseId = "";

    beforeAll(async () => {
      hub = await startTestHub({ name: "case-jenis-e2e" });
      await resetDb(hub);
      const [fo, ad] = await Promise.all([
        userWithToken(hub, "fo.sari", "front_office"),
        userWithToken(hub, "ad.nina", "admin"),
      ]);
      const admin = apiClient(hub, ad.token);
      const put = await admin.put(`/api/v1/catalogue/jenis/${NEW_JENIS.code}`, {
        label: NEW_JENIS.label,
      });
      expect(put.status).toBe(200);
      const created = await apiClient(hub, fo.token).post<{ id: string; jenis: string }>(
        "/api/v1/cases",
        {
          channel: "datang_langsung",
          pelapor: { name: "Siti Aminah", phone: "0812-5123-4567" },
          keperluan: "Bantuan PKH ibu saya tidak cair sejak bulan Maret",
        },
      );
      expect(created.status).toBe(201);
      expect(created.body.jenis).toBe("PKH");
      caseId = created.body.id;
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
      await hub?.close();
    });

    it("front office picks the admin-added jenis on the case page at 1366 px", async () => {
      const { page, context, errors } = await newSession(browser, hub.url, DESKTOP);
      try {
        await loginViaForm(page, "fo.sari", PASSWORD);
        // The inbox's jenis filter offers the new code with its label (from the API).
        await expect(
          page.locator(`select[name='jenis'] option[value='${NEW_JENIS.code}']`).textContent(),
        ).resolves.toBe(NEW_JENIS.label);

        // So does the intake form's jenis choice.
        await page.goto("/catat");
        await ready(page);
        await expect(
          page.locator(`select[name='jenis'] option[value='${NEW_JENIS.code}']`).textContent(),
        ).resolves.toBe(NEW_JENIS.label);

        await page.goto(`/kasus/${caseId}`);
        await ready(page);
        await expect(page.locator("#jenis-kasus").getAttribute("data-jenis")).resolves.toBe("PKH");
        await expect(page.locator("#jenis-saran-sistem").textContent()).resolves.toBe(
          "Bantuan Keluarga Harapan (PKH)",
        );
        await expect(page.locator("#jenis-keputusan").textContent()).resolves.toBe(
          "Saran sistem, belum diperiksa petugas",
        );
        await page.getByLabel("Ubah jenis").selectOption(NEW_JENIS.code);
        await Promise.all([
          page.waitForEvent("load"),
          page.getByRole("button", { name: "Simpan jenis" }).click(),
        ]);
        await ready(page);
        await expect(page.locator("#jenis-kasus").getAttribute("data-jenis")).resolves.toBe(
          NEW_JENIS.code,
        );
        await expect(page.locator("#jenis-kasus").textContent()).resolves.toBe(NEW_JENIS.label);
        await expect(page.locator("#jenis-keputusan").getAttribute("data-decision")).resolves.toBe(
          "overridden",
        );
        await expect(page.locator("#jenis-keputusan").textContent()).resolves.toBe(
          "Diubah petugas",
        );
        // Nothing of the page spills past 1366 px.
        const width = await page.evaluate(
          () =>
            (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
              .document.documentElement.scrollWidth,
        );
        expect(width).toBeLessThanOrEqual(DESKTOP.width);
        await screenshot(page, "kasus-jenis-1366");

        const row = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
        expect(row).toMatchObject({ jenis: NEW_JENIS.code, jenisDecision: "overridden" });
        // The login page's own session probe answers 401 before the login; nothing else fails.
        expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
      } finally {
        await context.close();
      }
    });
  },
);
