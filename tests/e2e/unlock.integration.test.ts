// "Buka blokir masuk" on /pengguna (Chromium at 1366 and 390): a staff member throttled by
// failed logins (429) is let in again by the admin at once; the unlock is audited, and a
// second one says there was nothing to unlock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import {
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
const MAX = 3; // ADUAN_LOGIN_MAX_FAILURES of this hub

describe.skipIf(Boolean(missing))(
  missing ? `unlock on /pengguna — SKIPPED: ${missing}` : "unlock on /pengguna",
  () => {
    let hub: TestHub;
    let browser: Browser;

    beforeAll(async () => {
      hub = await startTestHub({
        name: "unlock-e2e",
        env: { ADUAN_LOGIN_MAX_FAILURES: String(MAX) },
      });
      await resetDb(hub);
      await userWithToken(hub, "ad.rudi", "admin");
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await hub?.close();
    });

    const login = async (username: string, password: string) =>
      (
        await fetch(`${hub.url}/api/v1/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": "198.51.100.7" },
          body: JSON.stringify({ username, password }),
        })
      ).status;

    for (const [width, viewport] of WIDTHS) {
      it(`admin lets a throttled staff member in again (${width})`, async () => {
        const name = `fo.lupa-${width}`;
        await userWithToken(hub, name, "front_office");
        for (let i = 0; i < MAX; i++) expect(await login(name, `salah-${i}`)).toBe(401);
        expect(await login(name, PASSWORD)).toBe(429);

        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, "ad.rudi", PASSWORD);
        await p.goto("/pengguna");
        await ready(p);
        const who = p.getByLabel("Pengguna yang terblokir");
        await who.selectOption({ label: name });
        await p.getByRole("button", { name: "Buka blokir" }).click();
        const msg = p.locator("#unlock-msg .notice");
        await msg.waitFor();
        expect(await msg.textContent()).toBe(
          `Blokir masuk ${name} dibuka (${MAX} percobaan gagal dihapus); ia dapat masuk sekarang.`,
        );
        expect(await login(name, PASSWORD)).toBe(200);

        // Nothing left to unlock: said so, not an error.
        await who.selectOption({ label: name });
        await p.getByRole("button", { name: "Buka blokir" }).click();
        await p.getByText(`${name} tidak sedang terblokir.`).waitFor();
        // No user chosen: refused in the page.
        await p.getByRole("button", { name: "Buka blokir" }).click();
        await p.getByText("Pilih pengguna yang blokirnya dibuka.").waitFor();

        const user = await hub.ctx.db.prisma.user.findUniqueOrThrow({ where: { username: name } });
        const audits = await hub.ctx.db.prisma.auditLog.findMany({
          where: { action: "user.unlock", data: { path: ["userId"], equals: user.id } },
        });
        expect(audits.map((a) => a.actorName)).toEqual(["ad.rudi", "ad.rudi"]);
        expect(await layoutProblems(p)).toEqual([]);
        await screenshot(p, `pengguna-buka-blokir-${width}`);
        expect(s.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
        await s.context.close();
      });
    }
  },
);
