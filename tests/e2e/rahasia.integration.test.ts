// The rahasia rule in the console (Debian's headless Chromium against a real hub): the
// inbox and the case page show "Identitas dirahasiakan"; only the koordinator gets the
// "Tampilkan identitas" button, and using it shows the pelapor and is audited.
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
} from "../helpers/browser.js";

const missing = browserMissing();
const NAME = "Siti Zubaidah Rahmawati";

describe.skipIf(Boolean(missing))(
  missing ? `rahasia in the console — SKIPPED: ${missing}` : "rahasia in the console",
  () => {
    let hub: TestHub;
    let browser: Browser;
    let caseId: string;

    beforeAll(async () => {
      hub = await startTestHub({ name: "rahasia-e2e" });
      await resetDb(hub);
      const fo = await userWithToken(hub, "fo.sari", "front_office");
      await userWithToken(hub, "ko.budi", "koordinator");
      const made = await apiClient(hub, fo.token).post<{ id: string }>("/api/v1/cases", {
        channel: "datang_langsung",
        rahasia: true,
        pelapor: { name: NAME, phone: "0812-7777-3141", nik: "6309044507850003" },
        keperluan: "Melaporkan pungutan liar pada penyaluran BPNT",
      });
      expect(made.status).toBe(201);
      caseId = made.body.id;
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await hub?.close();
    });

    it("front office: inbox and case show the label, no reveal button", async () => {
      const s = await newSession(browser, hub.url);
      await loginViaForm(s.page, "fo.sari", PASSWORD);
      const cell = s.page.locator("td[data-label='Pelapor'] [data-rahasia]");
      await cell.waitFor();
      expect(await cell.textContent()).toBe("Identitas dirahasiakan");
      expect(await s.page.content()).not.toContain("Zubaidah");
      await s.page.goto(`/kasus/${caseId}`);
      await ready(s.page);
      await s.page.locator("li[data-identity-hidden]").waitFor();
      expect(await s.page.locator("li[data-identity-hidden]").textContent()).toContain(
        "Identitas dirahasiakan",
      );
      expect(await s.page.getByText("Tampilkan identitas").count()).toBe(0);
      expect(await s.page.content()).not.toContain("Zubaidah");
      // The login page asks who is logged in first (401 before login).
      expect(s.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
      await s.context.close();
    });

    it("koordinator: the reveal shows the pelapor and writes an audit row", async () => {
      const s = await newSession(browser, hub.url);
      await loginViaForm(s.page, "ko.budi", PASSWORD);
      await s.page.goto(`/kasus/${caseId}`);
      await ready(s.page);
      expect(await s.page.content()).not.toContain("Zubaidah");
      await s.page.locator("li[data-identity-hidden] summary").click();
      await s.page.getByLabel("Keperluan membuka identitas").fill("Klarifikasi kepada pelapor");
      await s.page.getByRole("button", { name: "Tampilkan identitas" }).click();
      await s.page.getByText(NAME).waitFor();
      expect(await s.page.locator("li[data-identity-hidden]").count()).toBe(0);
      const rows = await hub.ctx.db.prisma.auditLog.findMany({
        where: { action: "case.identity.reveal", caseId },
      });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.purpose).toBe("Klarifikasi kepada pelapor");
      // The login page asks who is logged in first (401 before login).
      expect(s.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
      await s.context.close();
    });
  },
);
