// "Buka data lengkap" on the case page (Chromium at 1366 and 390 against a real hub): a
// person's full NIK is shown only after a stated purpose, and each reveal is one pdp.reveal
// row naming the field. The WhatsApp BSUID is an opaque id staff have no use for: the page
// says "WhatsApp (nama pengguna)" and offers no reveal of it (the API has one, for the
// processing record's own tools).
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
  launchBrowser,
  loginViaForm,
  newSession,
  ready,
  screenshot,
  WIDTHS,
} from "../helpers/browser.js";
import { layoutProblems } from "../helpers/layout.js";

const missing = browserMissing();
const NIK = "6309044507850003";

describe.skipIf(Boolean(missing))(
  missing ? `reveal on the case page — SKIPPED: ${missing}` : "reveal on the case page",
  () => {
    let hub: TestHub;
    let browser: Browser;
    let caseId: string;

    beforeAll(async () => {
      hub = await startTestHub({ name: "reveal-e2e" });
      await resetDb(hub);
      const fo = await userWithToken(hub, "fo.rina", "front_office");
      await userWithToken(hub, "kd.ahmad", "kadis");
      const made = await apiClient(hub, fo.token).post<{ id: string }>("/api/v1/cases", {
        channel: "datang_langsung",
        pelapor: { name: "Rusmini", phone: "0812-5422-4300", nik: NIK },
        keperluan: "Kartu KKS hilang, mohon dicetak ulang",
      });
      expect(made.status).toBe(201);
      caseId = made.body.id;
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await hub?.close();
    });

    for (const [width, viewport] of WIDTHS) {
      it(`kadis: purpose first, then the NIK in full, audited (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, "kd.ahmad", PASSWORD);
        await p.goto(`/kasus/${caseId}`);
        await ready(p);
        expect(await p.content()).not.toContain(NIK);
        const before = await hub.ctx.db.prisma.auditLog.count({ where: { action: "pdp.reveal" } });

        await p.getByText("Buka data lengkap").click();
        const form = p.locator("form.reveal").first();
        const field = form.getByLabel("Buka", { exact: true });
        expect(await field.locator("option").allTextContents()).toEqual(["NIK", "Telepon"]);
        // No purpose: refused in the page, nothing asked of the API.
        await form.getByRole("button", { name: "Tampilkan" }).click();
        await form.getByText("Tulis keperluannya (minimal 5 huruf).").waitFor();

        const purpose = form.getByLabel("Keperluan membuka data");
        await field.selectOption("nik");
        await purpose.fill(`Verifikasi di SIKS-NG (${width})`);
        await form.getByRole("button", { name: "Tampilkan" }).click();
        await form.locator("strong.revealed").getByText(NIK).waitFor();

        expect(await layoutProblems(p)).toEqual([]);
        await screenshot(p, `reveal-${width}`);

        const rows = await hub.ctx.db.prisma.auditLog.findMany({
          where: { action: "pdp.reveal", caseId },
          orderBy: { id: "asc" },
        });
        expect(rows).toHaveLength(before + 1);
        expect(rows.slice(-1).map((r) => [r.fields, r.purpose, r.actorName])).toEqual([
          [["nik"], `Verifikasi di SIKS-NG (${width})`, "kd.ahmad"],
        ]);
        expect(hub.logs.text()).not.toContain(NIK);
        expect(s.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
        await s.context.close();
      });
    }
  },
);
