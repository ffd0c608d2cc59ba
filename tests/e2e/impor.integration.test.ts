// /impor ("Impor log lama") in Chromium at 1366×768 and 390×844: a koordinator uploads the
// office's 2023 log (tests/fixtures/seed-2023.txt), reads the import report, closes a review
// mark with a note and records the medium of two imported cases; the API and the audit
// trail show the change; nothing sticks out at either width. A penelaah has no menu entry
// and the API refuses the import (403).
import { readFileSync } from "node:fs";
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
  fetchFromPage,
  launchBrowser,
  loginViaForm,
  newSession,
  PHONE,
  ready,
  screenshot,
  WIDTHS,
} from "../helpers/browser.js";
import { layoutProblems } from "../helpers/layout.js";
import { REVIEW_CODE_LABELS } from "../../src/domain/legacy/import-labels.js";

const missing = browserMissing();
const SEED = "tests/fixtures/seed-2023.txt";
type Listed = { data: { id: string; media: string | null; openReview: unknown[] }[] };

async function listSettled(page: Page): Promise<void> {
  await page.waitForSelector("#impor-daftar:not([aria-busy])");
}

describe.skipIf(Boolean(missing))(
  missing ? `import page — SKIPPED: ${missing}` : "import page",
  () => {
    let hub: TestHub;
    let browser: Browser;
    let koToken: string;

    beforeAll(async () => {
      hub = await startTestHub({ name: "impor-e2e" });
      await resetDb(hub);
      koToken = (await userWithToken(hub, "ko.impor", "koordinator")).token;
      await userWithToken(hub, "pen.impor", "penelaah", "LINJAMSOS");
      await userWithToken(hub, "fo.impor", "front_office");
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await hub?.close();
    });

    for (const [width, viewport] of WIDTHS) {
      it(`koordinator: upload, report, a mark checked, media of two cases (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, "ko.impor", PASSWORD);
        if (width === "phone") await p.goto("/impor");
        else await p.locator("a[data-nav='impor']").click();
        await ready(p);
        expect(await p.locator("h1").textContent()).toBe("Impor log lama");

        // A file the import cannot read: the error in Bahasa, naming the file.
        await p.locator("#impor-berkas").setInputFiles({
          name: "rusak.xlsx",
          mimeType: "application/octet-stream",
          buffer: Buffer.from("bukan lembar kerja"),
        });
        await p.getByRole("button", { name: "Impor berkas" }).click();
        const err = p.locator("#impor-pesan .notice.error");
        await err.waitFor();
        expect(await err.textContent()).toBe(
          "Impor gagal: Berkas XLSX tidak dapat dibaca: bukan arsip ZIP (XLSX). Berkas: rusak.xlsx.",
        );

        await p.locator("#impor-berkas").setInputFiles(SEED);
        await p.getByRole("button", { name: "Impor berkas" }).click();
        await p.locator("[data-import-counts]").waitFor();
        const count = (k: string) => p.locator(`[data-count='${k}'] dd`).textContent();
        expect(await count("Baris dibaca")).toBe("43");
        // The second width imports the same file again: nothing new, all 43 skipped.
        expect(await count("Kasus baru")).toBe(width === "desktop" ? "43" : "0");
        expect(await count("Sudah ada (dilewati)")).toBe(width === "desktop" ? "0" : "43");
        const kolom = await p.locator("#impor-laporan td[data-label='Kolom']").allTextContents();
        expect(kolom.length).toBeGreaterThan(5);
        expect(kolom).toContain("Nomor HP");
        expect(kolom.some((k) => /^[a-z]+[A-Z]/.test(k))).toBe(false); // no "noHp" codes
        const masalah = p.locator("#impor-laporan td[data-label='Masalah']").first();
        expect((await masalah.textContent())!.length).toBeGreaterThan(5);

        // "Perlu diperiksa": marks in Bahasa, a link to each case.
        await listSettled(p);
        const rows = p.locator("#impor-kasus tbody tr");
        const before = await rows.count();
        expect(before).toBeGreaterThan(1);
        const first = rows.first();
        const id = (await first.getAttribute("data-id"))!;
        expect(await first.locator("a").getAttribute("href")).toBe(`/kasus/${id}`);
        const marks = await first.locator("li[data-mark] strong").allTextContents();
        expect(marks.length).toBeGreaterThan(0);
        for (const m of marks) expect(Object.values(REVIEW_CODE_LABELS)).toContain(m);
        expect(await p.locator("#impor-kasus").textContent()).not.toMatch(/[a-z]+_[a-z]+/);
        expect(await layoutProblems(p)).toEqual([]);
        await screenshot(p, `impor-laporan-${width}`);

        // The note is required; then the mark closes and the row leaves the list.
        await first.locator("input[type='checkbox']").check();
        await p.getByRole("button", { name: "Tandai sudah diperiksa" }).click();
        expect(await p.locator("#impor-catatan-err").textContent()).toBe(
          "Catatan pemeriksaan wajib diisi.",
        );
        const note = `Dicocokkan dengan buku register (${width})`;
        await p.getByLabel("Catatan pemeriksaan").fill(note);
        await p.getByRole("button", { name: "Tandai sudah diperiksa" }).click();
        await p.getByText("1 kasus ditandai sudah diperiksa.").waitFor();
        await listSettled(p);
        expect(await rows.count()).toBe(before - 1);
        expect(await p.locator(`#impor-kasus tr[data-id='${id}']`).count()).toBe(0);

        // Media of two cases without one ("Tidak tercatat").
        await p.getByLabel("Tampilkan").selectOption("media");
        await listSettled(p);
        expect(await p.locator("#impor-kasus td[data-media='']").count()).toBe(await rows.count());
        expect(await rows.first().locator("td[data-media]").textContent()).toBe("Tidak tercatat");
        const two = [
          (await rows.nth(0).getAttribute("data-id"))!,
          (await rows.nth(1).getAttribute("data-id"))!,
        ];
        for (const i of [0, 1]) await rows.nth(i).locator("input[type='checkbox']").check();
        await p.getByLabel("Media pengaduan").selectOption("datang_langsung");
        await p.getByRole("button", { name: "Atur media" }).click();
        await p.getByText("2 kasus dicatat dengan media Datang langsung.").waitFor();
        await listSettled(p);
        for (const c of two)
          expect(await p.locator(`#impor-kasus tr[data-id='${c}']`).count()).toBe(0);
        await p.getByLabel("Tampilkan").selectOption("semua");
        await listSettled(p);
        expect(await rows.count()).toBe(43);
        expect(await p.locator(`tr[data-id='${two[0]}'] td[data-media]`).textContent()).toBe(
          "Datang langsung",
        );
        expect(await layoutProblems(p)).toEqual([]);
        await screenshot(p, `impor-daftar-${width}`);

        // Through the API and the audit trail.
        const ko = apiClient(hub, koToken);
        const open = await ko.get<Listed>("/api/v1/imports/legacy/cases?reviewOpen=true");
        expect(open.body.data.map((c) => c.id)).not.toContain(id);
        const all = await ko.get<Listed>("/api/v1/imports/legacy/cases");
        for (const c of two)
          expect(all.body.data.find((x) => x.id === c)?.media).toBe("datang_langsung");
        const stored = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id } });
        const review = (stored.legacyInfo as { review: { resolvedAt?: string; note?: string }[] })
          .review;
        expect(review.length).toBeGreaterThan(0);
        expect(review.every((r) => r.resolvedAt && r.note === note)).toBe(true);
        const audits = await hub.ctx.db.prisma.auditLog.findMany({
          where: { caseId: { in: [id, ...two] } },
          select: { action: true, caseId: true },
        });
        expect(audits.filter((a) => a.action === "import.review.resolve")).toEqual([
          { action: "import.review.resolve", caseId: id },
        ]);
        expect(
          audits
            .filter((a) => a.action === "case.media.set")
            .map((a) => a.caseId)
            .sort(),
        ).toEqual([...two].sort());
        expect(s.errors.filter((e) => !/status of (401|422)/.test(e))).toEqual([]);
        await s.context.close();
      });
    }

    for (const [width, viewport] of WIDTHS) {
      it(`koordinator: only the ticked review point closes (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        await loginViaForm(p, "ko.impor", PASSWORD);
        await p.goto("/impor");
        await ready(p);
        await listSettled(p);
        // A row with two marks or more ("Perlu diperiksa" is the default view).
        const row = p.locator("#impor-kasus tbody tr", {
          has: p.locator("li[data-mark] + li[data-mark]"),
        });
        const target = row.first();
        const id = (await target.getAttribute("data-id"))!;
        const marks = ((await target.locator("td[data-marks]").getAttribute("data-marks")) ?? "")
          .split(" ")
          .filter(Boolean);
        expect(marks.length).toBeGreaterThan(1);
        const [closed, ...kept] = marks as [keyof typeof REVIEW_CODE_LABELS, ...string[]];
        await target.locator("input[type='checkbox']").check();
        await p.locator("#impor-periksa fieldset").getByLabel(REVIEW_CODE_LABELS[closed]).check();
        const note = `Hanya satu poin diperiksa (${width})`;
        await p.getByLabel("Catatan pemeriksaan").fill(note);
        await p.getByRole("button", { name: "Tandai sudah diperiksa" }).click();
        await p.getByText("1 kasus ditandai sudah diperiksa.").waitFor();
        await listSettled(p);
        // Still in the list, with the other marks only.
        const after = p.locator(`#impor-kasus tr[data-id='${id}'] td[data-marks]`);
        expect((await after.getAttribute("data-marks"))!.split(" ")).toEqual(kept);
        const stored = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id } });
        const review = (
          stored.legacyInfo as { review: { code: string; resolvedAt?: string; note?: string }[] }
        ).review;
        // This width's note closed the ticked point alone (the other width may have closed
        // another point of the same row before).
        expect(review.filter((r) => r.note === note).map((r) => [r.code, !!r.resolvedAt])).toEqual([
          [closed, true],
        ]);
        expect(
          review
            .filter((r) => !r.resolvedAt)
            .map((r) => r.code)
            .sort(),
        ).toEqual([...kept].sort());
        expect(await layoutProblems(p)).toEqual([]);
        expect(s.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
        await s.context.close();
      });
    }

    for (const [width, viewport] of WIDTHS) {
      it(`sheet picker and "Muat berikutnya" (${width})`, async () => {
        const s = await newSession(browser, hub.url, viewport);
        const p = s.page;
        // The real API, in pages of 10 instead of the console's 200: the 43 rows of the seed
        // then take five pages.
        await p.route("**/api/v1/imports/legacy/cases?*", (route) =>
          route.continue({
            url: route
              .request()
              .url()
              .replace(/limit=\d+/, "limit=10"),
          }),
        );
        await loginViaForm(p, "ko.impor", PASSWORD);
        await p.goto("/impor");
        await ready(p);
        await listSettled(p);
        await p.getByLabel("Tampilkan").selectOption("semua");
        await listSettled(p);
        const rows = p.locator("#impor-kasus tbody tr");
        const summary = p.locator("#impor-jumlah");
        expect(await rows.count()).toBe(10);
        expect(await summary.textContent()).toBe("43 kasus, 10 pertama ditampilkan.");
        const firstId = (await rows.first().getAttribute("data-id"))!;
        await rows.first().locator("input[type='checkbox']").check();
        const more = p.getByRole("button", { name: "Muat berikutnya" });
        for (const shown of [20, 30, 40, 43]) {
          // A double click (the first time) still appends one page, not the same page twice.
          if (shown === 20) await more.dblclick();
          else await more.click();
          await expect.poll(() => rows.count()).toBe(shown);
          await listSettled(p);
        }
        expect(await more.isHidden()).toBe(true);
        expect(await summary.textContent()).toBe("43 kasus.");
        const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-id")));
        expect(new Set(ids).size).toBe(43);
        // The tick given on the first page survived four appends.
        expect(await p.locator(`tr[data-id='${firstId}'] input[type='checkbox']`).isChecked()).toBe(
          true,
        );
        const api = await apiClient(hub, koToken).get<Listed>(
          "/api/v1/imports/legacy/cases?limit=500",
        );
        expect(ids).toEqual(api.body.data.map((c) => c.id));

        // One sheet: its rows only, its count in the picker and in the summary.
        const sheet = p.locator("#impor-lembar");
        const options = await sheet.locator("option").allTextContents();
        expect(options[0]).toBe("Semua lembar");
        expect(options.slice(1).every((o) => /^[A-Z][a-z]+ 2023 \(\d+\)$/.test(o))).toBe(true);
        const [, name, n] = /^(\S+) 2023 \((\d+)\)$/.exec(options[1]!)!;
        await sheet.selectOption({ label: options[1]! });
        await listSettled(p);
        if (Number(n) > 10) {
          expect(await rows.count()).toBe(10);
          expect(await summary.textContent()).toBe(`${n} kasus, 10 pertama ditampilkan.`);
          await more.click();
          await expect.poll(() => rows.count()).toBe(Math.min(Number(n), 20));
          await listSettled(p);
        }
        if (Number(n) <= 20) {
          expect(await rows.count()).toBe(Number(n));
          expect(await summary.textContent()).toBe(`${n} kasus.`);
        }
        const month = String(
          ["Januari", "Februari", "Maret", "April", "Mei", "Juni"].indexOf(name!) + 1,
        ).padStart(2, "0");
        const places = await p.locator("#impor-kasus td[data-label='Lembar']").allTextContents();
        expect(places.every((t) => t.startsWith(`${month}/2023`))).toBe(true);
        expect(await layoutProblems(p)).toEqual([]);
        await screenshot(p, `impor-lembar-${width}`);
        // The login page's session check before logging in is the only 401.
        expect(s.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
        await s.context.close();
      });
    }

    it("a penelaah has no menu entry and the API refuses the import (403)", async () => {
      const s = await newSession(browser, hub.url, PHONE);
      const p = s.page;
      await loginViaForm(p, "pen.impor", PASSWORD);
      expect(await p.locator("#nav a[data-nav='kotak-masuk']").count()).toBe(1);
      expect(await p.locator("#nav a[data-nav='impor']").count()).toBe(0);
      const seed = readFileSync(SEED, "utf8");
      const post = await p.evaluate(async (body) => {
        const doc = (globalThis as unknown as { document: { cookie: string } }).document;
        const m = doc.cookie.match(/(?:^|;\s*)aduan_csrf=([^;]+)/);
        const res = await fetch("/api/v1/imports/legacy", {
          method: "POST",
          headers: {
            "content-type": "text/plain",
            "x-file-name": "seed-2023.txt",
            "x-csrf-token": m ? decodeURIComponent(m[1]!) : "",
          },
          body,
        });
        return { status: res.status, body: (await res.json()) as { code: string } };
      }, seed);
      expect(post.status).toBe(403);
      const list = await fetchFromPage(p, "GET", "/api/v1/imports/legacy/cases?reviewOpen=true");
      expect(list.status).toBe(403);
      await p.goto("/impor");
      await ready(p);
      expect(await p.locator("main .notice.error").textContent()).toBe(
        "Halaman ini hanya untuk admin dan koordinator.",
      );
      expect(await layoutProblems(p)).toEqual([]);
      await s.context.close();
    });

    it("the front office: no menu entry, but the rows to check on /impor without the upload", async () => {
      const s = await newSession(browser, hub.url, PHONE);
      const p = s.page;
      await loginViaForm(p, "fo.impor", PASSWORD);
      expect(await p.locator("#nav a[data-nav='impor']").count()).toBe(0);
      await p.goto("/impor");
      await ready(p);
      await listSettled(p);
      expect(await p.locator("#impor-berkas").count()).toBe(0);
      expect(await p.locator("#impor-kasus tbody tr").count()).toBeGreaterThan(0);
      expect(await p.getByRole("button", { name: "Tandai sudah diperiksa" }).count()).toBe(1);
      expect(await layoutProblems(p)).toEqual([]);
      await s.context.close();
    });
  },
);
