// issue 15 item 8 and its leftovers, in Chromium at 1366×768 and 390×844: no page of the
// console sticks out of its card or the viewport and every select shows its longest
// option; date filters read dd/mm/yyyy in an en-US browser; Bahasa role and health labels
// (channels apart from the other checks, "belum dikonfigurasi" with the variables for the
// admin); the inbox's "tanpa bidang" / "tanpa jenis" filters and the beranda links to them;
// the open-case warning for every party of the intake form; the offline queue tied to the
// user who queued it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
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
const NIK_WALI = "6309041203900011"; // the person concerned of an open case
const NIK_QUEUED = "6309041504880021"; // only ever in the offline queue
const LONG_URL =
  "https://lapor.go.id/laporan/detil/bantuan-sosial-belum-cair-sejak-maret-tanpa-kejelasan-1234567890abcdefghijklmnopqrstuvwxyz?ref=whatsapp&utm_source=tabalong";

type G = {
  localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
  document: { querySelector(s: string): unknown };
  HTMLInputElement: { prototype: object };
};

async function inboxSettled(page: Page): Promise<void> {
  await page.waitForSelector("#hasil:not([aria-busy])");
}

/** The text a date field shows (its `value` reads yyyy-mm-dd for the code). */
async function shownText(page: Page, selector: string): Promise<string> {
  return page.locator(selector).evaluate((e) => {
    const g = globalThis as unknown as G;
    const d = Object.getOwnPropertyDescriptor(g.HTMLInputElement.prototype, "value")!;
    return String(d.get!.call(e));
  });
}

describe.skipIf(Boolean(missing))(
  missing ? `console text and layout — SKIPPED: ${missing}` : "console text and layout",
  () => {
    let hub: TestHub;
    let browser: Browser;
    const id: Record<string, string> = {};
    const n: Record<string, string> = {};
    const uid: Record<string, string> = {};

    beforeAll(async () => {
      hub = await startTestHub({ name: "polish-e2e" });
      await resetDb(hub);
      await userWithToken(hub, "adm", "admin");
      const fo = await userWithToken(hub, "fo.a", "front_office");
      uid.foA = fo.id;
      await userWithToken(hub, "fo.b", "front_office");
      await userWithToken(hub, "ko.ani", "koordinator");
      await userWithToken(hub, "kd.abu", "kadis");
      const api = apiClient(hub, fo.token);
      const make = async (key: string, body: Record<string, unknown>) => {
        const r = await api.post<{ id: string; number: string }>("/api/v1/cases", {
          channel: "datang_langsung",
          ...body,
        });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        id[key] = r.body.id;
        n[key] = r.body.number;
      };
      await make("url", {
        pelapor: { name: "Rahmawati Binti Abdul Ghani Panjang Sekali", phone: "081234567890" },
        keperluan: `Mohon cek ${LONG_URL} sebab bantuan belum cair`,
      });
      await make("wali", {
        pelapor: { name: "Anak Pak Basri", phone: "081398765432" },
        atasNama: { name: "Basri", nik: NIK_WALI },
        keperluan: "Bantuan Asistensi Sosial Lanjut Usia Terlantar untuk orang tua belum cair",
      });
      // The inbox's widest row: a LAPOR! case with the longest jenis and status, and an SLA badge.
      const now = Date.now();
      const lapor = await hub.ctx.db.prisma.case.create({
        data: {
          number: "ADU-2026-009001",
          channel: "lapor",
          externalId: "5512345",
          keperluan: `Laporan LAPOR! ${LONG_URL}`,
          jenis: "ASLUT",
          bidang: "LINJAMSOS",
          status: "tidak_dapat_ditindaklanjuti",
          receivedAt: new Date(now - 3_600_000),
          dueAt: new Date(now + 5 * 86_400_000),
        },
      });
      id.lapor = lapor.id;
      await hub.ctx.db.prisma.case.create({
        data: {
          number: "ADU-2026-009002",
          channel: "lapor",
          externalId: "5512346",
          keperluan: "Laporan LAPOR! tentang kartu KIS",
          jenis: "PBI_JK_REAKTIVASI",
          bidang: "LINJAMSOS",
          status: "ditindaklanjuti",
          receivedAt: new Date(now - 7_200_000),
          dueAt: new Date(now + 9 * 86_400_000),
        },
      });
      // No jenis and no bidang yet: the "url" case stays unclassified.
      await hub.ctx.db.prisma.case.update({ where: { id: id.url! }, data: { jenis: null } });
      // The audit seal keeps a sync state: a check, not a channel.
      await hub.ctx.db.prisma.syncState.create({
        data: { stream: "pdp.audit-chain", healthy: true, lastSuccessAt: new Date() },
      });
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await hub?.close();
    });

    it("the API filters cases with no bidang / no jenis, and refuses both with the value", async () => {
      const ko = apiClient(hub, (await userWithToken(hub, "ko.api", "koordinator")).token);
      type List = { data: { id: string; bidang: string | null; jenis: string | null }[] };
      const noBidang = await ko.get<List>("/api/v1/cases?noBidang=true&limit=100");
      expect(noBidang.status).toBe(200);
      const dbNoBidang = await hub.ctx.db.prisma.case.count({ where: { bidang: null } });
      expect(noBidang.body.data.length).toBe(dbNoBidang);
      expect(noBidang.body.data.every((c) => c.bidang === null)).toBe(true);
      expect(noBidang.body.data.map((c) => c.id)).not.toContain(id.lapor);
      const noJenis = await ko.get<List>("/api/v1/cases?noJenis=true&limit=100");
      expect(noJenis.body.data.map((c) => c.id)).toEqual([id.url]);
      const both = await ko.get<{ code: string; fields: { field: string }[] }>(
        "/api/v1/cases?noJenis=true&jenis=ASLUT",
      );
      expect(both.status).toBe(400);
      expect(both.body.code).toBe("VALIDATION_FAILED");
      expect(both.body.fields.map((f) => f.field)).toEqual(["query.noJenis"]);
    });

    for (const [width, viewport] of WIDTHS) {
      it(`no page sticks out of its card or the viewport; selects show their options (${width})`, async () => {
        const pages: [string, string[]][] = [
          ["adm", ["/", "/kesehatan", "/pengguna", "/katalog", "/laporan", "/akun"]],
          ["kd.abu", ["/beranda"]],
          ["fo.a", ["/", "/catat", `/kasus/${id.url}`, `/kasus/${id.lapor}`]],
        ];
        const problems: Record<string, string[]> = {};
        let seen = 0;
        for (const [user, paths] of pages) {
          const s = await newSession(browser, hub.url, viewport);
          const p = s.page;
          await loginViaForm(p, user, PASSWORD);
          for (const path of paths) {
            await p.goto(path);
            await ready(p);
            if (path === "/") {
              await inboxSettled(p);
              // The widest rows are there (an empty list would pass the check).
              expect(await p.locator("tr[data-case='ADU-2026-009001']").count()).toBe(1);
            }
            if (path.startsWith("/kasus/")) await p.locator(".prose").first().waitFor();
            await p.waitForLoadState("networkidle");
            const found = await layoutProblems(p);
            if (found.length) problems[`${user} ${path}`] = found;
            seen++;
            const shot = !path.startsWith("/kasus/")
              ? path
              : path.endsWith(id.url!)
                ? "/kasus-url"
                : "/kasus-lapor";
            await screenshot(
              p,
              `15-tata-letak-${user}${shot.replace(/[^a-z0-9]+/gi, "-")}-${width}`,
            );
          }
          if (user === "adm")
            expect(s.errors.filter((e) => !/status of 40[134]/.test(e))).toEqual([]);
          await s.context.close();
        }
        expect(seen).toBe(11);
        expect(problems).toEqual({});
      });

      it(`date fields read dd/mm/yyyy in an en-US browser: inbox filters, intake (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport, "en-US");
        const p = s.page;
        await loginViaForm(p, "ko.ani", PASSWORD);
        await inboxSettled(p);
        expect(await p.locator("#f-dari").getAttribute("type")).toBe("text");
        expect(await p.locator("#f-dari").getAttribute("placeholder")).toBe("hh/bb/tttt");
        // "Hari ini" writes today (WITA) as dd/mm/yyyy; the address keeps yyyy-mm-dd.
        await p.locator("[data-today]").click();
        await p.waitForURL(/dari=\d{4}-\d{2}-\d{2}/);
        const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
        const [y, m, d] = today.split("-");
        expect(await shownText(p, "#f-dari")).toBe(`${d}/${m}/${y}`);
        expect(p.url()).toContain(`dari=${today}`);
        await inboxSettled(p);
        // Typed the Indonesian way, read the Indonesian way.
        await p.locator("#f-dari").fill("01/02/2026");
        await p.locator("#f-sampai").fill("3/12/2026");
        await p.getByRole("button", { name: "Terapkan" }).click();
        await p.waitForURL(/dari=2026-02-01&sampai=2026-12-03/);
        await inboxSettled(p);
        expect(await shownText(p, "#f-sampai")).toBe("03/12/2026");
        // A US-order date is not a date here: the form refuses it and the list stays.
        await p.locator("#f-sampai").fill("12/31/2026");
        await p.getByRole("button", { name: "Terapkan" }).click();
        expect(
          await p
            .locator("#f-sampai")
            .evaluate((e) => (e as unknown as { validity: { valid: boolean } }).validity.valid),
        ).toBe(false);
        expect(p.url()).toContain("sampai=2026-12-03");
        await screenshot(p, `15-tanggal-en-US-${width}`);
        // The intake's "tanggal dan jam diterima" too: now, as dd/mm/yyyy jj.mm.
        await p.goto("/catat");
        await ready(p);
        const now = new Date(Date.now() + 8 * 3_600_000).toISOString();
        expect(await p.locator("#receivedAt").getAttribute("type")).toBe("text");
        expect(await shownText(p, "#receivedAt")).toMatch(
          new RegExp(`^${now.slice(8, 10)}/${now.slice(5, 7)}/${now.slice(0, 4)} \\d{2}\\.\\d{2}$`),
        );
        await p.locator("#receivedAt").fill("31/12/2099 08.00");
        expect(await p.locator("#receivedAt-err").textContent()).toBe("Tidak boleh di masa depan");
        await p.locator("#receivedAt").fill("12/31/2025 08.00");
        expect(await p.locator("#receivedAt-err").textContent()).toContain("hh/bb/tttt jj.mm");
        await s.context.close();
        // The admin's local holiday: typed dd/mm/yyyy, stored yyyy-mm-dd, listed dd/mm/yyyy.
        const a = await newSession(browser, hub.url, viewport, "en-US");
        const q = a.page;
        await loginViaForm(q, "adm", PASSWORD);
        await q.goto("/katalog");
        await ready(q);
        await q.locator("#h-date").fill("14/08/2026");
        await q.locator("#h-reason").fill("Hari jadi Kabupaten Tabalong");
        await q.locator("#h-reason").press("Enter");
        await q.locator("td", { hasText: "14/08/2026" }).first().waitFor();
        const saved = await hub.ctx.db.prisma.calendarOverride.findUnique({
          where: { date: "2026-08-14" },
        });
        expect(saved?.reason).toBe("Hari jadi Kabupaten Tabalong");
        await a.context.close();
      });

      it(`Bahasa labels: role, health checks apart from channels, not configured says how (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, "fo.a", PASSWORD);
        expect(await p.locator(".who").textContent()).toContain("Petugas layanan");
        expect(await p.locator("body").textContent()).not.toMatch(/Front office/i);
        // A file input speaks Bahasa, not the browser's "Choose File / No file chosen".
        await p.goto(`/kasus/${id.url}`);
        await ready(p);
        const file = p.locator("#f-shot");
        expect(
          await file.evaluate((e) => (e as unknown as { offsetWidth: number }).offsetWidth),
        ).toBeLessThanOrEqual(1);
        const row = p.locator("#f-shot + .file-row");
        expect(await row.locator(".file-pick").textContent()).toBe("Pilih berkas");
        expect(await row.locator(".file-name").textContent()).toBe("Belum ada berkas dipilih");
        await file.setInputFiles({
          name: "bukti-siks.pdf",
          mimeType: "application/pdf",
          buffer: Buffer.from("%PDF-1.4\n"),
        });
        expect(await row.locator(".file-name").textContent()).toBe("bukti-siks.pdf");
        await s.context.close();
        for (const user of ["adm", "ko.ani"]) {
          const a = await newSession(browser, hub.url, viewport);
          const q = a.page;
          await loginViaForm(q, user, PASSWORD);
          await q.goto("/kesehatan");
          await ready(q);
          const channels = q.locator("section[aria-labelledby='s-status-kanal'] tbody");
          const checks = q.locator("section[aria-labelledby='s-pemeriksaan-lain'] tbody");
          const channelText = (await channels.textContent()) ?? "";
          const checkText = (await checks.textContent()) ?? "";
          expect(channelText).not.toContain("pdp.");
          expect(channelText).not.toContain("Segel rantai audit");
          expect(checkText).toContain("Segel rantai audit");
          expect(checkText).not.toContain("pdp.audit-chain");
          const wa = q.locator("tr[data-channel='whatsapp']");
          expect(await wa.textContent()).toContain("WhatsApp belum dikonfigurasi");
          const mail = q.locator("tr[data-channel='email']");
          expect(await mail.textContent()).toContain("belum dikonfigurasi");
          // The admin is told which variables configure them; others are not.
          if (user === "adm") {
            expect(await wa.textContent()).toContain("WHATSAPP_APP_SECRET");
            expect(await mail.textContent()).toContain("IMAP_HOST");
          } else expect(await wa.textContent()).not.toContain("WHATSAPP_");
          await screenshot(q, `15-kesehatan-${user}-${width}`);
          await a.context.close();
        }
      });

      it(`"tanpa bidang" and "tanpa jenis": inbox filters and beranda links (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, "kd.abu", PASSWORD);
        await p.goto("/beranda");
        await ready(p);
        await p.locator("[data-chart='bidang']").waitFor();
        const noBidang = await hub.ctx.db.prisma.case.count({ where: { bidang: null } });
        const link = p
          .locator("[data-chart='bidang'] li", { hasText: "Belum didisposisi" })
          .locator("a");
        expect(await link.textContent()).toBe(String(noBidang));
        await link.click();
        await p.waitForURL(/bidang=tanpa/);
        await ready(p);
        await inboxSettled(p);
        expect(await p.locator("#f-bidang").inputValue()).toBe("tanpa");
        expect(await p.locator("tr[data-case]").count()).toBe(noBidang);
        expect(await p.locator(`tr[data-case='ADU-2026-009001']`).count()).toBe(0);
        // The jenis one: only the unclassified case.
        await p.goBack();
        await ready(p);
        const jl = p
          .locator("[data-chart='jenis'] li", { hasText: "Belum ditentukan" })
          .locator("a");
        expect(await jl.textContent()).toBe("1");
        await jl.click();
        await p.waitForURL(/jenis=tanpa/);
        await ready(p);
        await inboxSettled(p);
        expect(await p.locator("tr[data-case]").count()).toBe(1);
        expect(await p.locator(`tr[data-case='${n.url}']`).count()).toBe(1);
        // And chosen in the inbox itself.
        await p.locator("[data-reset]").click();
        await inboxSettled(p);
        await p.locator("#f-jenis").selectOption("tanpa");
        await p.getByRole("button", { name: "Terapkan" }).click();
        await p.waitForURL(/jenis=tanpa/);
        await inboxSettled(p);
        expect(await p.locator("tr[data-case]").count()).toBe(1);
        await screenshot(p, `15-tanpa-jenis-${width}`);
        await s.context.close();
      });

      it(`the open-case warning checks the person concerned too (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, "fo.a", PASSWORD);
        await p.goto("/catat");
        await ready(p);
        await p.locator("#pelapor-name").fill("Cucu Pak Basri");
        await p.locator("#pelapor-phone").fill("081311112222"); // no case
        await p.locator("#for-other").check();
        await p.locator("#atasnama-name").fill("Basri");
        await p.locator("#atasnama-nik").fill(NIK_WALI);
        await p.locator("#keperluan").focus();
        const warn = p.locator("[data-open-cases]");
        await warn.waitFor();
        expect(await warn.getAttribute("data-parties")).toBe("atas nama");
        expect(await warn.locator(`li[data-case='${n.wali}'] a`).getAttribute("href")).toBe(
          `/kasus/${id.wali}`,
        );
        expect(await warn.textContent()).toContain("NIK atas nama");
        await screenshot(p, `15-peringatan-atas-nama-${width}`);
        // Not asked about once "atas nama" is off again.
        await p.locator("#for-other").uncheck();
        await p.locator("#pelapor-phone").fill("081311112223");
        await p.locator("#keperluan").focus();
        await p.waitForFunction(
          () => !(globalThis as unknown as G).document.querySelector("[data-open-cases]"),
        );
        await s.context.close();
      });

      it(`the offline queue belongs to its user: the same user sends it, another drops it (${width})`, async () => {
        const marker = (k: string) => `Antrean ${width} ${k}: bantuan belum cair`;
        const queueOffline = async (p: Page, k: string) => {
          await p.goto("/catat");
          await ready(p);
          await p.locator("#pelapor-name").fill(`Warga Antrean ${k}`);
          await p.locator("#pelapor-nik").fill(NIK_QUEUED);
          await p.locator("#keperluan").fill(marker(k));
          await p.context().setOffline(true);
          await p.getByRole("button", { name: "Simpan aduan" }).click();
          await p.locator("[data-queued='1']").waitFor();
          expect(
            await p.evaluate(() =>
              (globalThis as unknown as G).localStorage.getItem("aduan.intake.queue"),
            ),
          ).toContain(NIK_QUEUED);
          // The session ends without "Keluar" (its cookie expired, the session revoked), then
          // the line returns.
          await hub.ctx.db.prisma.session.updateMany({
            where: { userId: uid.foA! },
            data: { revokedAt: new Date() },
          });
          await p.context().clearCookies();
          // Back online, the intake page sends the queue, gets 401 and goes to the login page.
          await p.context().setOffline(false);
          await p.waitForURL(/\/masuk/);
          await ready(p);
          expect(await p.locator("[data-queue-owner]").getAttribute("data-queue-owner")).toBe(
            "fo.a",
          );
        };
        const cases = (k: string) =>
          hub.ctx.db.prisma.case.findMany({ where: { keperluan: marker(k) } });

        // Another user logs in: the queue is gone unsent.
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, "fo.a", PASSWORD);
        await queueOffline(p, "1");
        await screenshot(p, `15-antrean-masuk-lagi-${width}`);
        await p.getByLabel("Nama pengguna").fill("fo.b");
        await p.getByLabel("Kata sandi").fill(PASSWORD);
        await Promise.all([
          p.waitForURL((u) => u.pathname === "/"),
          p.getByRole("button", { name: "Masuk" }).click(),
        ]);
        await ready(p);
        const left = await p.evaluate(() =>
          JSON.stringify((globalThis as unknown as G).localStorage),
        );
        expect(left).not.toContain(NIK_QUEUED);
        await p.goto("/catat");
        await ready(p);
        await p.waitForTimeout(300);
        expect(await cases("1")).toEqual([]);

        // The same user logs in again: sent once, as that user, and gone from the device.
        await p.getByRole("button", { name: "Keluar" }).click();
        await p.waitForURL(/\/masuk/);
        await loginViaForm(p, "fo.a", PASSWORD);
        await queueOffline(p, "2");
        await p.getByLabel("Nama pengguna").fill("fo.a");
        await p.getByLabel("Kata sandi").fill(PASSWORD);
        await Promise.all([
          p.waitForURL((u) => u.pathname === "/catat"),
          p.getByRole("button", { name: "Masuk" }).click(),
        ]);
        await ready(p);
        await p.waitForFunction(
          () => !(globalThis as unknown as G).localStorage.getItem("aduan.intake.queue"),
        );
        const sent = await cases("2");
        expect(sent).toHaveLength(1);
        expect(sent[0]!.createdById).toBe(uid.foA);

        // A queue older than a day is dropped by the login page, unsent.
        await p.evaluate(() => {
          const ls = (globalThis as unknown as G).localStorage;
          ls.setItem(
            "aduan.intake.queue",
            JSON.stringify([{ key: "k-old", payload: {}, savedAt: "2020-01-01T00:00:00Z" }]),
          );
          ls.setItem("aduan.intake.queue.user", JSON.stringify({ id: "x", username: "fo.a" }));
        });
        await p.context().clearCookies();
        await p.goto("/masuk");
        await ready(p);
        expect(await p.locator("[data-queue-owner]").count()).toBe(0);
        expect(
          await p.evaluate(() =>
            (globalThis as unknown as G).localStorage.getItem("aduan.intake.queue"),
          ),
        ).toBeNull();
        await s.context.close();
      });
    }
  },
);
