// Issue 15 item 6 in Chromium at 1366×768 and 390×844: the case history says who did each
// step, in words, with its note; closing asks for confirmation; the deadline is paused and
// resumed; the narasi is edited beside the generated text; suggested person links are
// reviewed; staff change their own password; the admin sets e-mail and resets passwords.
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
  DESKTOP,
  PHONE,
  launchBrowser,
  loginViaForm,
  newSession,
  ready,
  screenshot,
} from "../helpers/browser.js";
import { CASE_EVENT_LABELS } from "../../src/domain/case-events.js";

const missing = browserMissing();

type Client = ReturnType<typeof apiClient>;

async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
        .documentElement.scrollWidth,
  );
}

describe.skipIf(Boolean(missing))(
  missing ? `case steps in the console — SKIPPED: ${missing}` : "case steps in the console",
  () => {
    let hub: TestHub;
    let browser: Browser;
    let fo: Client;

    beforeAll(async () => {
      hub = await startTestHub({ name: "case-steps-e2e" });
      await resetDb(hub);
      const [f, k] = await Promise.all([
        userWithToken(hub, "fo.sari", "front_office"),
        userWithToken(hub, "koor.budi", "koordinator"),
        userWithToken(hub, "ad.nina", "admin"),
      ]);
      await hub.ctx.db.prisma.user.update({
        where: { id: k.id },
        data: { displayName: "Budi Santoso" },
      });
      fo = apiClient(hub, f.token);

      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
      await hub?.close();
    });

    let pairs = 0;
    /** Two cases of one phone (a suggested person link); the first verified by the desk. */
    async function twoCases(): Promise<{ a: string; b: string }> {
      // A phone of its own per pair: the link found is to this pair's other case only.
      const phone = `0812-5123-${String(4000 + ++pairs)}`;
      const make = async (name: string, keperluan: string) => {
        const r = await fo.post<{ id: string }>("/api/v1/cases", {
          channel: "datang_langsung",
          pelapor: { name, phone },
          keperluan,
        });
        expect(r.status).toBe(201);
        return r.body.id;
      };
      const b = await make("Siti Aminah", "Kartu KKS hilang, mohon dicetak ulang");
      const a = await make(
        "Siti Aminah",
        "Bantuan PKH ibu saya tidak cair sejak bulan Maret; lihat https://contoh.example.go.id/sangat/panjang/sekali/alamat/yang/tidak/boleh/melebar/keluar/kartu",
      );
      const v = await fo.post(`/api/v1/cases/${a}/transitions`, {
        to: "diverifikasi",
        version: 1,
        note: "Berkas KTP dan KK lengkap",
      });
      expect(v.status).toBe(200);
      return { a, b };
    }

    for (const [tag, viewport] of [
      ["desktop", DESKTOP],
      ["phone", PHONE],
    ] as const) {
      it(`koordinator pauses, reviews links, confirms the close; history names everyone (${viewport.width} px)`, async () => {
        const { a, b } = await twoCases();
        const { page, context, errors } = await newSession(browser, hub.url, viewport);
        try {
          await loginViaForm(page, "koor.budi", PASSWORD);
          await page.goto(`/kasus/${a}`);
          await ready(page);

          // Deadline pause with its reason, then resume.
          await page
            .getByLabel("Alasan (mis. menunggu fotokopi KK dari pelapor)")
            .fill("Menunggu fotokopi KK dari pelapor");
          await Promise.all([
            page.waitForEvent("load"),
            page.getByRole("button", { name: "Hentikan tenggat sementara" }).click(),
          ]);
          await ready(page);
          await expect(page.locator("#tenggat-berhenti").textContent()).resolves.toContain(
            "Tenggat dihentikan sejak",
          );
          expect(
            (await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: a } })).pausedSince,
          ).not.toBeNull();
          await page
            .getByLabel("Catatan (opsional, mis. dokumen sudah diterima)")
            .fill("KK sudah diterima");
          await Promise.all([
            page.waitForEvent("load"),
            page.getByRole("button", { name: "Lanjutkan tenggat" }).click(),
          ]);
          await ready(page);
          expect(
            (await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: a } })).pausedSince,
          ).toBeNull();

          // The suggested link to the other case of the same phone: not the same person.
          const link = page.locator("#tautan-pihak li").first();
          await expect(link.textContent()).resolves.toContain("nomor telepon sama");
          await expect(link.locator("a").getAttribute("href")).resolves.toBe(`/kasus/${b}`);
          await Promise.all([
            page.waitForEvent("load"),
            link.getByRole("button", { name: "Bukan" }).click(),
          ]);
          await ready(page);
          await expect(
            page.locator("#tautan-pihak li").first().getAttribute("data-link-status"),
          ).resolves.toBe("rejected");

          // Closing asks once more; "Batal" changes nothing.
          const reason = "Pelapor sudah terdaftar sebagai penerima PKH di kabupaten lain";
          await page.getByLabel("Alasan (wajib untuk menolak atau membuka ulang)").fill(reason);
          const close = page.locator("button[data-transition='tidak_dapat_ditindaklanjuti']");
          await close.click();
          const dialog = page.locator("dialog.confirm");
          await expect(dialog.isVisible()).resolves.toBe(true);
          await expect(dialog.textContent()).resolves.toContain(reason);
          await screenshot(page, `kasus-konfirmasi-${viewport.width}`);
          await dialog.getByRole("button", { name: "Batal" }).click();
          expect(
            (await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: a } })).status,
          ).toBe("diverifikasi");
          await close.click();
          await Promise.all([
            page.waitForEvent("load"),
            page.locator("dialog.confirm").getByRole("button", { name: "Ya, tutup kasus" }).click(),
          ]);
          await ready(page);
          await expect(page.locator("#status-kasus").getAttribute("data-status")).resolves.toBe(
            "tidak_dapat_ditindaklanjuti",
          );

          // The history: every step in words, who did it, with the staff's notes.
          const items = page.locator("#riwayat li");
          const texts = await items.allTextContents();
          const byType = async (type: string) =>
            (await page.locator(`#riwayat li[data-event='${type}']`).allTextContents()).join("\n");
          expect(await byType("status.changed")).toContain("oleh Budi Santoso");
          expect(await byType("status.changed")).toContain(reason);
          expect(await byType("status.changed")).toContain("oleh fo.sari");
          expect(await byType("status.changed")).toContain("Berkas KTP dan KK lengkap");
          expect(await byType("sla.paused")).toContain("Menunggu fotokopi KK dari pelapor");
          expect(await byType("sla.resumed")).toContain("KK sudah diterima");
          expect(await byType("case.created")).toContain("oleh fo.sari");
          // No raw event code is shown; every step has its label from the domain list.
          for (const t of await page
            .locator("#riwayat li")
            .evaluateAll((lis) =>
              lis.map((li) => (li as unknown as { dataset: { event: string } }).dataset.event),
            ))
            expect(CASE_EVENT_LABELS[t], t).toBeDefined();
          for (const text of texts)
            for (const code of Object.keys(CASE_EVENT_LABELS).filter((k) => k.includes(".")))
              expect(text).not.toContain(code);

          expect(await scrollWidth(page)).toBeLessThanOrEqual(viewport.width);
          await screenshot(page, `kasus-riwayat-${viewport.width}`);
          expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
        } finally {
          await context.close();
        }
      });

      it(`front office edits the narasi beside the generated text and restores it (${viewport.width} px)`, async () => {
        const { a } = await twoCases();
        const f = await fo.post<{ id: string; narasiGenerated: string }>(
          `/api/v1/cases/${a}/findings`,
          {
            programme: "PKH",
            statusSeen: "EXCLUDE",
            reasonCode: "EXCLUDE_MAMPU_MUSDES",
            dataPeriod: "DTSEN triwulan II 2025",
            person: "pelapor",
          },
        );
        expect(f.status).toBe(201);
        const { page, context, errors } = await newSession(browser, hub.url, viewport);
        try {
          await loginViaForm(page, "fo.sari", PASSWORD);
          await page.goto(`/kasus/${a}`);
          await ready(page);
          const item = page.locator("#temuan li").first();
          await item.getByRole("button", { name: "Ubah narasi" }).click();
          const own = "Ibu Siti Aminah dinyatakan mampu berdasarkan musyawarah desa 2025.";
          await item.getByLabel("Narasi yang dipakai di laporan").fill(own);
          await item.getByRole("button", { name: "Simpan narasi" }).click();
          await expect
            .poll(() => page.locator("#temuan li [data-narasi-final]").first().textContent())
            .toBe(own);
          await expect(
            page.locator("#temuan li .generated").first().textContent(),
          ).resolves.toContain(f.body.narasiGenerated);
          const stored = await hub.ctx.db.prisma.finding.findUniqueOrThrow({
            where: { id: f.body.id },
          });
          expect(stored.narasiEdited).toBe(own);
          expect(await scrollWidth(page)).toBeLessThanOrEqual(viewport.width);
          await screenshot(page, `kasus-narasi-${viewport.width}`);
          await page
            .locator("#temuan li")
            .first()
            .getByRole("button", { name: "Kembalikan ke teks otomatis" })
            .click();
          await expect
            .poll(() => page.locator("#temuan li [data-narasi-final]").first().textContent())
            .toBe(f.body.narasiGenerated);
          expect(
            (await hub.ctx.db.prisma.finding.findUniqueOrThrow({ where: { id: f.body.id } }))
              .narasiEdited,
          ).toBeNull();
          expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
        } finally {
          await context.close();
        }
      });

      it(`staff change their own password; the admin sets e-mail and resets a password (${viewport.width} px)`, async () => {
        const name = `pen.${tag}`;
        await userWithToken(hub, name, "penelaah", "LINJAMSOS");
        const { page, context, errors } = await newSession(browser, hub.url, viewport);
        try {
          await loginViaForm(page, name, PASSWORD);
          await page.getByRole("link", { name: "Akun saya" }).click();
          await ready(page);
          await page.getByLabel("Kata sandi saat ini").fill("bukan-sandinya-99");
          await page.getByLabel("Kata sandi baru", { exact: true }).fill("Tanjung-Tabalong-21");
          await page.getByLabel("Ulangi kata sandi baru").fill("Tanjung-Tabalong-21");
          await page.getByRole("button", { name: "Simpan" }).click();
          await expect.poll(() => page.locator("#a-lama-err").textContent()).toBe("salah");
          await expect(page.locator("[role=alert]").textContent()).resolves.toBe(
            "Kata sandi saat ini salah",
          );
          await page.getByLabel("Kata sandi saat ini").fill(PASSWORD);
          await page.getByRole("button", { name: "Simpan" }).click();
          await expect
            .poll(() => page.locator(".notice.ok").textContent())
            .toContain("Kata sandi sudah diganti");
          expect(await scrollWidth(page)).toBeLessThanOrEqual(viewport.width);
          await screenshot(page, `akun-${viewport.width}`);
        } finally {
          await context.close();
        }
        const relogin = await fetch(`${hub.url}/api/v1/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: name, password: "Tanjung-Tabalong-21" }),
        });
        expect(relogin.status).toBe(200);

        // The admin: the staff member's work e-mail, then a password reset.
        const s2 = await newSession(browser, hub.url, viewport);
        try {
          await loginViaForm(s2.page, "ad.nina", PASSWORD);
          await s2.page.goto("/pengguna");
          await ready(s2.page);
          const row = s2.page.locator(`tr[data-username='${name}']`);
          await row.getByLabel(`E-mail kerja ${name}`).fill(`kabid.${tag}@dinsos.example.go.id`);
          await row.getByRole("button", { name: "Simpan" }).click();
          await expect
            .poll(() => s2.page.locator(".notice.ok").first().textContent())
            .toContain("diperbarui");
          const u = await hub.ctx.db.prisma.user.findUniqueOrThrow({ where: { username: name } });
          expect(u.email).toBe(`kabid.${tag}@dinsos.example.go.id`);
          await s2.page.getByLabel("Pengguna", { exact: true }).selectOption(u.id);
          await s2.page.getByLabel("Kata sandi baru").fill("Murung-Pudak-2026");
          await s2.page.getByRole("button", { name: "Atur ulang" }).click();
          await expect.poll(() => s2.page.locator("text=Kata sandi diatur ulang").count()).toBe(1);
          await screenshot(s2.page, `pengguna-${viewport.width}`);
          expect(s2.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
          // The wrong current password's 422 is the only failed request of the first session.
          expect(errors.filter((e) => !/status of (401|422)/.test(e))).toEqual([]);
        } finally {
          await s2.context.close();
        }
        const after = await fetch(`${hub.url}/api/v1/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: name, password: "Murung-Pudak-2026" }),
        });
        expect(after.status).toBe(200);
      });
    }
  },
);
