// issue 15 in Chromium, at 1366×768 and 390×844: one search box (name with a space, NIK,
// phone typed three ways, LAPOR! tracking id) saying what matched; the inbox's state in the
// URL, "Bidang saya", "hari ini", unread marker, total and clickable counts; the intake's
// received date, open-case warning and clear-form; drafts gone at logout; the beranda;
// Bahasa messages naming fields by their label.
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

const missing = browserMissing();

/** What the page functions below touch of the browser (they run there, not in Node). */
type BrowserGlobals = {
  localStorage: { getItem(k: string): string | null };
  document: {
    querySelector(s: string): {
      textContent: string | null;
      getAttribute(n: string): string | null;
    } | null;
  };
};
const NIK = "6309044507850003";
const PHONE_SITI = "0812-5123-4567";
const TRACKING = "4412907";

/** Waits until the inbox has drawn the rows of its last request. */
async function inboxSettled(page: Page): Promise<void> {
  await page.waitForSelector("#hasil:not([aria-busy])");
}

async function searchFor(page: Page, text: string): Promise<string[]> {
  await page.locator("#f-q").fill(text);
  await page.getByRole("button", { name: "Terapkan" }).click();
  await page.waitForFunction(
    (t) =>
      (globalThis as unknown as { history: { state: unknown } }).history.state &&
      JSON.stringify(
        (globalThis as unknown as { history: { state: unknown } }).history.state,
      ).includes(JSON.stringify(t)),
    text,
  );
  await inboxSettled(page);
  return page
    .locator("tr[data-case]")
    .evaluateAll((rows) =>
      rows.map((r) => (r as unknown as { dataset: { case: string } }).dataset.case),
    );
}

describe.skipIf(Boolean(missing))(
  missing ? `the desk's day in Chromium — SKIPPED: ${missing}` : "the desk's day in Chromium",
  () => {
    let hub: TestHub;
    let browser: Browser;
    const n: Record<string, string> = {};
    const id: Record<string, string> = {};

    beforeAll(async () => {
      hub = await startTestHub({
        name: "desk-e2e",
        env: { ADUAN_INTAKE_MAX_AGE_DAYS: "365" },
      });
      await resetDb(hub);
      const fo = await userWithToken(hub, "fo.sari", "front_office");
      await userWithToken(hub, "ko.budi", "koordinator");
      await userWithToken(hub, "pe.rahmat", "penelaah", "LINJAMSOS");
      await userWithToken(hub, "kd.abu", "kadis");
      const api = apiClient(hub, fo.token);
      const make = async (key: string, body: Record<string, unknown>) => {
        const r = await api.post<{ id: string; number: string }>("/api/v1/cases", {
          channel: "datang_langsung",
          ...body,
        });
        expect(r.status).toBe(201);
        n[key] = r.body.number;
        id[key] = r.body.id;
      };
      await make("siti", {
        pelapor: { name: "Siti Aisyah", phone: PHONE_SITI, nik: NIK },
        keperluan: "Bantuan PKH belum cair sejak Maret",
      });
      await make("budi", {
        pelapor: { name: "Budi Santoso", phone: "081399887766" },
        keperluan: "Menanyakan jadwal penyaluran BPNT di desa Kelua",
      });
      await make("late", {
        pelapor: { name: "Rusdiana", phone: "081277778888" },
        keperluan: "Permohonan rehabilitasi rumah tidak layak huni",
      });
      const lapor = await hub.ctx.db.prisma.case.create({
        data: {
          number: "ADU-2026-009999",
          channel: "lapor",
          externalId: TRACKING,
          keperluan: "Laporan LAPOR! tentang kartu KIS yang tidak aktif",
          receivedAt: new Date(Date.now() - 3 * 86_400_000),
        },
      });
      n.lapor = lapor.number;
      id.lapor = lapor.id;
      // Budi's case is with LINJAMSOS and its telaah waits for the kadis; Rusdiana's is late.
      await hub.ctx.db.prisma.case.update({
        where: { id: id.budi! },
        data: { bidang: "LINJAMSOS", status: "didisposisi", auditRecommendation: "audit" },
      });
      await hub.ctx.db.prisma.case.update({
        where: { id: id.late! },
        data: { dueAt: new Date(Date.now() - 86_400_000) },
      });
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await hub?.close();
    });

    for (const [width, viewport] of WIDTHS) {
      it(`search finds by name with a space, NIK, phone three ways, tracking id (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        await loginViaForm(s.page, "fo.sari", PASSWORD);
        await inboxSettled(s.page);
        const cases = {
          "Siti Aisyah": [n.siti, "nama"],
          [NIK]: [n.siti, "NIK"],
          "081251234567": [n.siti, "nomor telepon"],
          [PHONE_SITI]: [n.siti, "nomor telepon"],
          "+62 812-5123-4567": [n.siti, "nomor telepon"],
          [TRACKING]: [n.lapor, "nomor pelacakan LAPOR!"],
        } as const;
        for (const [q, [number, what]] of Object.entries(cases)) {
          expect(await searchFor(s.page, q), q).toEqual([number]);
          const match = s.page.locator(`tr[data-case='${number}'] .match`);
          expect(await match.textContent(), q).toContain(what);
          // No English validator error, and the words stay out of the address.
          expect(await s.page.locator(".notice.error").count(), q).toBe(0);
          expect(decodeURIComponent(s.page.url())).not.toContain(q);
          expect(await s.page.locator("[data-total]").getAttribute("data-total")).toBe("1");
        }
        await screenshot(s.page, `15-cari-${width}`);
        // The NIK searches were audited (two per width: the NIK itself).
        const audited = await hub.ctx.db.prisma.auditLog.count({
          where: { action: "case.search.nik" },
        });
        expect(audited).toBeGreaterThanOrEqual(1);
        expect(s.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
        await s.context.close();
      });

      it(`inbox: filters in the URL survive Back, counts follow and are clickable, unread clears (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, "ko.budi", PASSWORD);
        await inboxSettled(p);
        expect(await p.locator("[data-total]").getAttribute("data-total")).toBe("4");
        expect(await p.locator(".list-total").textContent()).toContain("4 kasus");
        expect(await p.locator("[data-page-no]").textContent()).toBe("Halaman 1 dari 1");
        // A case this user never opened is marked unread.
        expect(await p.locator(`tr[data-case='${n.siti}']`).getAttribute("data-unread")).toBe("");
        expect(await p.locator(`tr[data-case='${n.siti}'] .dot`).count()).toBe(1);
        // "terlambat" is a count like the others: one click lists the late case.
        expect(await p.locator("[data-count='terlambat'] strong").textContent()).toBe("1");
        await p.locator("[data-count='terlambat']").click();
        await p.waitForURL(/terlambat=1/);
        await inboxSettled(p);
        expect(await p.locator("tr[data-case]").count()).toBe(1);
        await p.locator(`tr[data-case='${n.late}']`).waitFor();
        // A kanal filter: the status counts follow it.
        await p.locator("[data-count='terlambat']").click();
        await p.waitForURL((u) => !u.search.includes("terlambat"));
        await p.locator("#f-channel").selectOption("lapor");
        await p.getByRole("button", { name: "Terapkan" }).click();
        await p.waitForURL(/kanal=lapor/);
        await inboxSettled(p);
        expect(await p.locator("[data-count='diterima'] strong").textContent()).toBe("1");
        expect(await p.locator("[data-count='semua'] strong").textContent()).toBe("1");
        // Clicking a status count filters by it.
        await p.locator("#f-channel").selectOption("");
        await p.locator("#f-q").fill("Budi");
        await p.getByRole("button", { name: "Terapkan" }).click();
        await p.waitForURL((u) => !u.search.includes("kanal"));
        await inboxSettled(p);
        await p.locator("[data-count='didisposisi']").click();
        await p.waitForURL(/status=didisposisi/);
        await inboxSettled(p);
        expect(await p.locator("tr[data-case]").count()).toBe(1);
        // Open it, come Back: filters and search words are there, the row is read now.
        await p.locator(`tr[data-case='${n.budi}'] a`).click();
        await p.waitForURL(/\/kasus\//);
        await ready(p);
        await p.goBack();
        await p.waitForURL(/status=didisposisi/);
        await ready(p);
        await inboxSettled(p);
        expect(await p.locator("#f-status").inputValue()).toBe("didisposisi");
        expect(await p.locator("#f-q").inputValue()).toBe("Budi");
        expect(await p.locator(`tr[data-case='${n.budi}']`).getAttribute("data-unread")).toBe(null);
        expect(p.url()).not.toContain("Budi");
        // "Hari ini": the LAPOR! case received three days ago drops out.
        await p.locator("[data-reset]").click();
        await inboxSettled(p);
        await p.locator("[data-today]").click();
        await p.waitForURL(/dari=\d{4}-\d{2}-\d{2}&sampai=/);
        await inboxSettled(p);
        const rows = await p.locator("tr[data-case]").count();
        expect(rows).toBe(3);
        expect(await p.locator(`tr[data-case='${n.lapor}']`).count()).toBe(0);
        await screenshot(p, `15-kotak-masuk-${width}`);
        // Nothing sticks out of the page at this width.
        const overflow = await p.evaluate(
          () =>
            (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
              .document.documentElement.scrollWidth,
        );
        expect(overflow).toBeLessThanOrEqual(viewport.width);
        expect(s.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
        await s.context.close();
      });

      it(`inbox: a penelaah starts on "Bidang saya" and may widen it (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, "pe.rahmat", PASSWORD);
        await inboxSettled(p);
        expect(await p.locator("#f-bidang").inputValue()).toBe("LINJAMSOS");
        expect(await p.locator("#f-bidang option:checked").textContent()).toContain("Bidang saya");
        expect(await p.locator("tr[data-case]").count()).toBe(1);
        await p.locator("#f-bidang").selectOption("");
        await p.getByRole("button", { name: "Terapkan" }).click();
        await p.waitForURL(/bidang=semua/);
        await inboxSettled(p);
        expect(await p.locator("tr[data-case]").count()).toBe(4);
        // A reload keeps the choice.
        await p.reload();
        await ready(p);
        await inboxSettled(p);
        expect(await p.locator("#f-bidang").inputValue()).toBe("");
        await s.context.close();
      });

      it(`intake: received date bounded, open-case warning with a link, clear form, no draft after logout (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, "fo.sari", PASSWORD);
        await p.locator("[data-nav='catat']").click();
        await ready(p);
        // Defaults to now (WITA).
        const wita = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
        // Shown dd/mm/yyyy jj.mm whatever the browser's locale.
        const witaShown = wita.split("-").reverse().join("/");
        expect(await p.locator("#receivedAt").inputValue()).toContain(witaShown);
        await p.getByLabel("Nama (wajib)").first().fill("Siti Aisyah");
        await p.locator("#pelapor-nik").fill(NIK);
        await p.locator("#pelapor-phone").focus();
        const warn = p.locator("[data-open-cases]");
        await warn.waitFor();
        expect(await warn.textContent()).toContain(n.siti);
        expect(await warn.locator("a").getAttribute("href")).toBe(`/kasus/${id.siti}`);
        expect(await warn.textContent()).toContain("NIK");
        // The same by phone only, typed the other way.
        await p.locator("#pelapor-nik").fill("");
        await p.locator("#pelapor-phone").fill("+62 812 5123 4567");
        await p.locator("#keperluan").focus();
        await p.waitForFunction(
          () =>
            (globalThis as unknown as BrowserGlobals).document
              .querySelector("[data-open-cases]")
              ?.textContent?.includes("nomor telepon") ?? false,
        );
        await screenshot(p, `15-catat-peringatan-${width}`);
        // A future time is refused beside the field, by its label, in Bahasa.
        await p.locator("#keperluan").fill("Menanyakan bantuan PKH yang belum cair");
        await p.locator("#receivedAt").fill("2099-01-01T08:00");
        await p.getByRole("button", { name: "Simpan aduan" }).click();
        expect(await p.locator("#receivedAt-err").textContent()).toBe("Tidak boleh di masa depan");
        // Older than the server's bound: the server's refusal names the field's label.
        await p
          .locator("#receivedAt")
          .fill(`${Number(wita.slice(0, 4)) - 2}-${wita.slice(5, 7)}-01T08:00`);
        await p.getByRole("button", { name: "Simpan aduan" }).click();
        const err = p.locator("#hasil-simpan .notice.error");
        await err.waitFor();
        const text = (await err.textContent()) ?? "";
        expect(text).toContain("Tanggal dan jam diterima");
        expect(text).not.toMatch(/body\.|query\./);
        expect(await p.locator("#receivedAt-err").textContent()).toContain("365 hari");
        // Clear form: every field empty, the warning and the draft gone, the time back to now.
        await p.locator("[data-clear-form]").click();
        await p.waitForFunction(
          () =>
            !(globalThis as unknown as BrowserGlobals).localStorage.getItem("aduan.intake.draft"),
        );
        expect(await p.locator("#pelapor-name").inputValue()).toBe("");
        expect(await p.locator("#pelapor-phone").inputValue()).toBe("");
        expect(await p.locator("#keperluan").inputValue()).toBe("");
        expect(await p.locator("[data-open-cases]").count()).toBe(0);
        expect(await p.locator("#receivedAt").inputValue()).toContain(witaShown);
        // A draft holding a NIK …
        await p.getByLabel("Nama (wajib)").first().fill("Warga Baru");
        await p.locator("#pelapor-nik").fill(NIK);
        await p.locator("#pelapor-nik").blur();
        const draft = await p.evaluate(() =>
          (globalThis as unknown as BrowserGlobals).localStorage.getItem("aduan.intake.draft"),
        );
        expect(draft).toContain(NIK);
        // … is gone after "Keluar", and the next user's form is empty.
        await p.getByRole("button", { name: "Keluar" }).click();
        await p.waitForURL(/\/masuk/);
        const after = await p.evaluate(() =>
          JSON.stringify((globalThis as unknown as BrowserGlobals).localStorage),
        );
        expect(after).not.toContain(NIK);
        await loginViaForm(p, "ko.budi", PASSWORD);
        await p.locator("[data-nav='catat']").click();
        await ready(p);
        expect(await p.locator("#pelapor-nik").inputValue()).toBe("");
        expect(await p.locator("#pelapor-name").inputValue()).toBe("");
        expect(s.errors.filter((e) => !/status of (401|400)/.test(e))).toEqual([]);
        await s.context.close();
      });

      it(`a draft left by an expired session is not shown to the next user (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, "fo.sari", PASSWORD);
        await p.goto("/catat");
        await ready(p);
        await p.locator("#pelapor-nik").fill(NIK);
        await p.locator("#pelapor-nik").blur();
        // The session ends without "Keluar" (cookie gone): the login page drops the draft.
        await s.context.clearCookies();
        await p.goto("/masuk");
        await ready(p);
        const left = await p.evaluate(() =>
          JSON.stringify((globalThis as unknown as BrowserGlobals).localStorage),
        );
        expect(left).not.toContain(NIK);
        await s.context.close();
      });

      it(`beranda for kadis and koordinator: counts, charts, lists, numbers link to the inbox (${width})`, async () => {
        for (const user of ["kd.abu", "ko.budi"]) {
          const s = await newSession(browser, hub.url, viewport);
          const p = s.page;
          await loginViaForm(p, user, PASSWORD);
          await p.locator("[data-nav='beranda']").click();
          await ready(p);
          await p.locator("[data-chart='status']").waitFor();
          const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
          expect(await p.locator("[data-count^='total:']").textContent()).toBe("4");
          for (const chart of ["status", "bidang", "channel", "jenis", "bulan"])
            expect(await p.locator(`[data-chart='${chart}'] svg`).count(), chart).toBeGreaterThan(
              0,
            );
          expect(await p.locator("[data-count='status:3']").count()).toBe(1); // diterima
          expect(await p.locator("[data-count='channel:1']").count()).toBe(1); // lapor
          // Menunggu keputusan and terlambat list their cases.
          expect(await p.locator(`section li[data-case='${n.budi}']`).textContent()).toContain(
            "rekomendasi: diteruskan dengan audit",
          );
          expect(await p.locator(`section li[data-case='${n.late}']`).count()).toBe(1);
          await screenshot(p, `15-beranda-${user}-${width}`);
          // A number is a link to the inbox filtered to what it counts.
          await p.locator("[data-chart='channel'] a[data-count='channel:1']").click();
          await p.waitForURL(/kanal=lapor/);
          await ready(p);
          await inboxSettled(p);
          expect(await p.locator("tr[data-case]").count()).toBe(1);
          expect(p.url()).toContain(`dari=${year}-01-01`);
          await p.goBack();
          await ready(p);
          await p.locator("a[data-count^='terlambat:']").click();
          await p.waitForURL(/terlambat=1/);
          await inboxSettled(p);
          expect(await p.locator("tr[data-case]").count()).toBe(1);
          expect(s.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
          await s.context.close();
        }
        // Not on the menu of the front office.
        const s = await newSession(browser, hub.url, viewport);
        await loginViaForm(s.page, "fo.sari", PASSWORD);
        expect(await s.page.locator("[data-nav='beranda']").count()).toBe(0);
        await s.context.close();
      });

      it(`masking note matches what the case page shows (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, "fo.sari", PASSWORD);
        await p.goto(`/kasus/${id.siti}`);
        await ready(p);
        const note = (await p.locator("[data-masking-note]").textContent()) ?? "";
        const parties = (await p.locator("ul.parties").textContent()) ?? "";
        // The front office sees the phone in full and the NIK masked: the note says so.
        expect(parties).toContain("+6281251234567");
        expect(note).toContain("NIK ditampilkan tersamar");
        expect(note).toContain("ditampilkan lengkap");
        expect(note).not.toContain("telepon tersamar");
        // A long URL in a complaint wraps inside its card at this width.
        await hub.ctx.db.prisma.case.update({
          where: { id: id.siti! },
          data: {
            keperluan: `Bantuan PKH belum cair, bukti di https://drive.example.go.id/berkas/${"a1b2c3d4".repeat(20)}?unduh=1`,
          },
        });
        await p.reload();
        await ready(p);
        const width = await p.evaluate(
          () =>
            (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
              .document.documentElement.scrollWidth,
        );
        expect(width).toBeLessThanOrEqual(viewport.width);
        // An anonim LAPOR! case: no phone, no e-mail with the name, and the note says so.
        const anon = await hub.ctx.db.prisma.case.create({
          data: {
            number: "ADU-2026-009998",
            channel: "lapor",
            externalId: "5512345",
            anonim: true,
            keperluan: "Laporan anonim tentang penyaluran bantuan",
            receivedAt: new Date(),
            parties: {
              create: [
                {
                  role: "pelapor",
                  name: "Warga Anonim Kelua",
                  phoneE164: "+6281300001111",
                  email: "warga.anonim.kelua@example.com",
                },
              ],
            },
          },
        });
        try {
          await p.goto(`/kasus/${anon.id}`);
          await ready(p);
          const page = (await p.locator("main").textContent()) ?? "";
          expect(page).not.toContain("6281300001111");
          expect(page).not.toContain("warga.anonim");
          expect(page).not.toContain("Warga Anonim Kelua");
          const anonNote = (await p.locator("[data-masking-note]").textContent()) ?? "";
          expect(anonNote).toContain("Pelapor anonim");
          expect(anonNote).not.toContain("ditampilkan lengkap");
        } finally {
          await hub.ctx.db.prisma.case.delete({ where: { id: anon.id } });
        }
        await s.context.close();
      });
    }

    it("errors read in Bahasa and name fields by label, never by code", async () => {
      const s = await newSession(browser, hub.url);
      await loginViaForm(s.page, "fo.sari", PASSWORD);
      const errors = [
        {
          message: "body.reason: wajib diisi",
          fields: [{ field: "body.reason", message: "wajib diisi" }],
        },
        {
          message: "query.q: must NOT have fewer than 2 characters",
          fields: [{ field: "query.q", message: "must NOT have fewer than 2 characters" }],
        },
        {
          message:
            "query.q: Parameter 'q' must be url encoded. Its value may not contain reserved characters.",
          fields: [{ field: "query.q", message: "Parameter 'q' must be url encoded." }],
        },
        { status: 403, message: "Peran front_office tidak berwenang untuk tindakan ini" },
      ];
      // A string, so the test runner does not rewrite the browser's dynamic import.
      const out = await s.page.evaluate(`(async () => {
        const src = document.querySelector("script[type=module]").getAttribute("src");
        const ui = await import(src.replace("app.js", "shared/ui.js"));
        return ${JSON.stringify(errors)}.map((e) => ui.errorMessage(e));
      })()`);
      expect(out).toEqual([
        "Alasan: wajib diisi",
        "Kata pencarian: minimal 2 karakter",
        "Kata pencarian: berisi karakter yang tidak diizinkan",
        expect.stringMatching(/^Anda tidak berwenang: Peran [A-Z][^_]+ tidak berwenang/),
      ]);
      await s.context.close();
    });
  },
);
