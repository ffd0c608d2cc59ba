// The staff console in a real browser (Debian's headless Chromium) against a real hub and
// PostgreSQL: intake, case work, reports, role limits and offline intake.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import ExcelJS from "exceljs";
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
  createRekapSandbox,
  type RunningRekapSandbox,
} from "../../adapters/rekap/sandbox/rekap-sandbox.js";
import { flushOutbox } from "../../src/outbox/outbox.worker.js";
import {
  browserMissing,
  fetchFromPage,
  launchBrowser,
  loginViaForm,
  newSession,
  PHONE,
  ready,
  screenshot,
} from "../helpers/browser.js";

const missing = browserMissing();

const NIK = "6309044507850003"; // Tabalong, woman born 5 Jul 1985
const KEPERLUAN = "Bantuan PKH ibu saya tidak cair sejak bulan Maret";

/** Labels a failing step so the report names it, e.g. "[penelaah: catat hasil SIKS-NG]". */
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    err.message = `[${name}] ${err.message}`;
    throw err;
  }
}

describe.skipIf(Boolean(missing))(
  missing ? `staff console in Chromium — SKIPPED: ${missing}` : "staff console in Chromium",
  () => {
    let hub: TestHub;
    let browser: Browser;
    let tokens: Record<string, string>;
    let foId = "";
    let rekap: RunningRekapSandbox;

    beforeAll(async () => {
      rekap = await createRekapSandbox({ keys: { "6309-DINSOS": "kunci-rekap-e2e" } }).start();
      hub = await startTestHub({
        name: "console-e2e",
        env: {
          // A crashed Idempotency-Key claim is taken over after 3 s (the offline-queue test).
          ADUAN_IDEMPOTENCY_CLAIM_SECONDS: "3",
          REKAP_TARGETS: JSON.stringify([
            {
              name: "provinsi",
              baseUrl: rekap.url,
              key: "kunci-rekap-e2e",
              instansiKode: "6309-DINSOS",
            },
          ]),
        },
      });
      await resetDb(hub);
      const [fo, ko, pe, ad] = await Promise.all([
        userWithToken(hub, "fo.sari", "front_office"),
        userWithToken(hub, "ko.budi", "koordinator"),
        userWithToken(hub, "pe.rahmat", "penelaah", "LINJAMSOS"),
        userWithToken(hub, "ad.nina", "admin"),
        userWithToken(hub, "kd.abu", "kadis"),
      ]);
      tokens = { fo: fo.token, ko: ko.token, pe: pe.token, ad: ad.token };
      foId = fo.id;
      browser = await launchBrowser();
      mkdirSync("test-output/downloads", { recursive: true });
    });

    afterAll(async () => {
      await browser?.close();
      await hub?.close();
      await rekap?.close();
    });

    it("serves pages with CSP and frame denial, and assets with a long cache and gzip", async () => {
      const res = await fetch(`${hub.url}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      const html = await res.text();
      const asset = html.match(/src="(\/assets\/[0-9a-f]+\/app\.js)"/)?.[1];
      expect(asset).toBeTruthy();
      const a = await fetch(`${hub.url}${asset}`, { headers: { "accept-encoding": "gzip" } });
      expect(a.status).toBe(200);
      expect(a.headers.get("cache-control")).toContain("immutable");
      expect(a.headers.get("content-type")).toContain("javascript");
      const css = await fetch(`${hub.url}${asset!.replace("app.js", "style.css")}`, {
        headers: { "accept-encoding": "gzip" },
      });
      expect(css.headers.get("content-encoding")).toBe("gzip");
      // One folder per page: a page's module is served from its folder, and a path that
      // climbs out of the asset folder finds nothing.
      const inbox = await fetch(`${hub.url}${asset!.replace("app.js", "inbox/inbox.js")}`);
      expect(inbox.status).toBe(200);
      expect(await inbox.text()).toContain("export");
      for (const bad of ["../pages.ts", "%2e%2e/pages.ts", "inbox/../../pages.ts", "inbox"]) {
        const r = await fetch(`${hub.url}${asset!.replace("app.js", bad)}`);
        expect(r.status, bad).toBe(404);
      }
      expect((await fetch(`${hub.url}/kasus/not-a-uuid`)).status).toBe(404);
    });

    it("front office records a walk-in, the case is worked through to closed, the monthly XLSX holds it", async () => {
      // ---- front office: log in, role-aware menu, intake with live validation ----
      const fo = await newSession(browser, hub.url);
      let caseNumber = "";
      let caseUrl = "";
      await step("front_office: masuk", async () => {
        await fo.page.goto("/masuk");
        await ready(fo.page);
        await screenshot(fo.page, "01-masuk");
        await loginViaForm(fo.page, "fo.sari", PASSWORD);
        await expect(fo.page.locator("[data-nav='catat']").count()).resolves.toBe(1);
        // Not offered to the front office:
        await expect(fo.page.locator("[data-nav='pengguna']").count()).resolves.toBe(0);
        await expect(fo.page.locator("[data-nav='katalog']").count()).resolves.toBe(0);
      });
      await step("front_office: catat aduan datang langsung", async () => {
        const p = fo.page;
        await p.locator("[data-nav='catat']").click();
        await ready(p);
        await p.getByLabel("Nama (wajib)").first().fill("Siti Aminah");
        // Month 13 is refused while typing, before the server is asked.
        await p.locator("#pelapor-nik").fill("6309045513850003");
        await expect(p.locator("#pelapor-nik-err").textContent()).resolves.toContain("bulan");
        await p.locator("#pelapor-nik").fill(NIK);
        await expect(p.locator("#pelapor-nik-err").textContent()).resolves.toBe("");
        await p.locator("#pelapor-phone").fill("0812-5123-4567");
        await expect(p.locator("#pelapor-phone-hint").textContent()).resolves.toContain(
          "+6281251234567",
        );
        await p.locator("#keperluan").fill(KEPERLUAN);
        await screenshot(p, "02-catat-aduan");
        await p.getByRole("button", { name: "Simpan aduan" }).click();
        const saved = p.locator("[data-case-number]");
        await saved.waitFor();
        // The jenis is the server's suggestion, labelled from the jenis catalogue.
        await expect(saved.textContent()).resolves.toContain(
          "Bantuan Keluarga Harapan (PKH) (sesuai saran sistem)",
        );
        caseNumber = (await saved.getAttribute("data-case-number")) ?? "";
        expect(caseNumber).toMatch(/^[A-Z]+-\d{4}-\d{4,}$/);
        await expect(p.locator(".case-number").textContent()).resolves.toBe(caseNumber);
        await screenshot(p, "03-catat-aduan-tersimpan");
        caseUrl = (await p.getByRole("link", { name: "Buka halaman kasus" }).getAttribute("href"))!;
        expect(caseUrl).toMatch(/^\/kasus\/[0-9a-f-]{36}$/);
      });
      await step(
        "front_office: kotak masuk lists the case, search stays out of the URL",
        async () => {
          const p = fo.page;
          await p.goto("/");
          await ready(p);
          await p.locator(`tr[data-case='${caseNumber}']`).waitFor();
          await p.locator("#f-q").fill("Aminah");
          await p.getByRole("button", { name: "Terapkan" }).click();
          await p.locator(`tr[data-case='${caseNumber}']`).waitFor();
          expect(p.url()).not.toContain("Aminah");
          await expect(p.locator("[data-count='diterima'] strong").textContent()).resolves.toBe(
            "1",
          );
          await screenshot(p, "04-kotak-masuk");
        },
      );
      await step(
        "front_office: forbidden actions are not offered and are refused if forced",
        async () => {
          const p = fo.page;
          await p.goto(caseUrl);
          await ready(p);
          await expect(p.locator("[data-transition='didisposisi']").count()).resolves.toBe(0);
          const users = await fetchFromPage(p, "POST", "/api/v1/users", {
            username: "penyusup",
            password: "kata-sandi-panjang",
            role: "admin",
          });
          expect(users.status).toBe(403);
          expect((users.body as { code: string }).code).toBe("FORBIDDEN");
          const list = await fetchFromPage(p, "GET", "/api/v1/users");
          expect(list.status).toBe(403);
          // A write without the CSRF header is refused even with a valid session cookie.
          const noCsrf = await p.evaluate(async () => {
            const r = await fetch("/api/v1/cases", {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: "{}",
            });
            return r.status;
          });
          expect(noCsrf).toBe(403);
        },
      );
      await step("front_office: verifikasi", async () => {
        const p = fo.page;
        await screenshot(p, "05-kasus-front-office");
        await p.locator("[data-transition='diverifikasi']").click();
        await p.locator("#status-kasus[data-status='diverifikasi']").waitFor();
      });
      await fo.context.close();

      // ---- koordinator: dispose to the bidang ----
      const ko = await newSession(browser, hub.url);
      await step("koordinator: disposisi ke LINJAMSOS", async () => {
        await loginViaForm(ko.page, "ko.budi", PASSWORD);
        await ko.page.goto(caseUrl);
        await ready(ko.page);
        await ko.page.locator("#t-bidang").selectOption("LINJAMSOS");
        await ko.page.locator("[data-transition='didisposisi']").click();
        await ko.page.locator("#status-kasus[data-status='didisposisi']").waitFor();
      });
      await ko.context.close();

      // ---- penelaah: follow-up, SIKS-NG finding with live narasi, close ----
      const pe = await newSession(browser, hub.url);
      await step("penelaah: tandai ditindaklanjuti", async () => {
        await loginViaForm(pe.page, "pe.rahmat", PASSWORD);
        await pe.page.goto(caseUrl);
        await ready(pe.page);
        await pe.page.locator("[data-transition='ditindaklanjuti']").click();
        await pe.page.locator("#status-kasus[data-status='ditindaklanjuti']").waitFor();
      });
      await step("penelaah: catat hasil SIKS-NG dengan pratinjau narasi", async () => {
        const p = pe.page;
        await p.locator("#f-programme").selectOption("PKH");
        await p.locator("#f-status-seen").selectOption("NONAKTIF");
        const options = await p.locator("#f-code option").count();
        expect(options).toBeGreaterThan(0);
        const first = await p.locator("#f-code option").first().getAttribute("value");
        await p.locator("#f-code").selectOption(first!);
        const preview = p.locator("#pratinjau-narasi [data-narasi]");
        await preview.waitFor();
        const narasi = (await preview.textContent()) ?? "";
        expect(narasi.length).toBeGreaterThan(20);
        expect(narasi).toMatch(/Siti Aminah|Ibu/);
        await screenshot(p, "06-kasus-catat-siks-ng");
        await p.getByRole("button", { name: "Simpan hasil SIKS-NG" }).click();
        await p.locator(`#temuan li[data-finding='${first}'] .narasi`).waitFor();
        await expect(
          p.locator(`#temuan li[data-finding='${first}'] .narasi`).textContent(),
        ).resolves.toBe(narasi);
      });
      await step("penelaah: laporkan hasil telaah (dihentikan)", async () => {
        const p = pe.page;
        await p.locator("#telaah-pilihan").selectOption("dihentikan");
        await p.locator("#telaah-catatan").fill("Data sudah padan di SIKS-NG; cukup penjelasan");
        await p.getByRole("button", { name: "Laporkan hasil telaah" }).click();
        await p.locator("#telaah-rekomendasi", { hasText: "Dihentikan" }).waitFor();
        await expect(p.locator("#telaah-keputusan").textContent()).resolves.toBe(
          "Belum diputuskan",
        );
      });
      await step("penelaah: tutup kasus (selesai)", async () => {
        const p = pe.page;
        await p.locator("[data-transition='selesai']").click();
        // Closing is asked once more.
        await p.locator("dialog.confirm").getByRole("button", { name: "Ya, tutup kasus" }).click();
        await p.locator("#status-kasus[data-status='selesai']").waitFor();
        await screenshot(p, "07-kasus-selesai");
      });
      await pe.context.close();

      // ---- kadis: decides on the audit after the telaah ----
      const kd = await newSession(browser, hub.url);
      await step("kadis: putuskan tidak diaudit", async () => {
        const p = kd.page;
        await loginViaForm(p, "kd.abu", PASSWORD);
        await p.goto(caseUrl);
        await ready(p);
        await p.locator("#keputusan-pilihan").selectOption("dihentikan");
        await p.locator("#keputusan-catatan").fill("Sependapat dengan hasil telaah");
        await p.getByRole("button", { name: "Simpan keputusan" }).click();
        await p.locator("#telaah-keputusan", { hasText: "Dihentikan" }).waitFor();
        // Decided once: the form is gone.
        await expect(p.locator("#keputusan-pilihan").count()).resolves.toBe(0);
      });
      await kd.context.close();

      // ---- koordinator: monthly XLSX ----
      const rep = await newSession(browser, hub.url);
      await step("koordinator: unduh laporan bulanan XLSX dan periksa isinya", async () => {
        const p = rep.page;
        await loginViaForm(p, "ko.budi", PASSWORD);
        await p.goto("/laporan");
        await ready(p);
        const month = new Intl.DateTimeFormat("en-CA", {
          timeZone: "Asia/Makassar",
          year: "numeric",
          month: "2-digit",
        }).format(new Date());
        await p.locator("#m-bulan").fill(month);
        await p.locator("#m-format").selectOption("xlsx");
        await screenshot(p, "08-laporan");
        const [dl] = await Promise.all([
          p.waitForEvent("download"),
          p.getByRole("button", { name: "Unduh", exact: true }).click(),
        ]);
        const file = `test-output/downloads/${dl.suggestedFilename()}`;
        await dl.saveAs(file);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
        const cells: string[] = [];
        wb.eachSheet((ws) =>
          ws.eachRow((row) =>
            row.eachCell((c) => {
              if (c.type === ExcelJS.ValueType.Merge) return;
              const v = c.value;
              cells.push(typeof v === "string" ? v : JSON.stringify(v ?? ""));
            }),
          ),
        );
        expect(cells.some((t) => t.includes("Siti Aminah") || t.includes(caseNumber))).toBe(true);
      });
      await step("koordinator: unduh ulang setelah data berubah, konsol memberi tahu", async () => {
        const p = rep.page;
        // Same data: no warning.
        await Promise.all([
          p.waitForEvent("download"),
          p.getByRole("button", { name: "Unduh", exact: true }).click(),
        ]);
        await p.locator(".notice.ok").last().waitFor();
        await expect(p.locator(".notice.warn").count()).resolves.toBe(0);
        // A new case this month changes the report's data.
        const created = await apiClient(hub, tokens.fo!).post("/api/v1/cases", {
          channel: "datang_langsung",
          pelapor: { name: "Rusmini", phone: "0812-5000-2222" },
          keperluan: "Menanyakan jadwal penyaluran BPNT bulan ini",
        });
        expect(created.status).toBe(201);
        await Promise.all([
          p.waitForEvent("download"),
          p.getByRole("button", { name: "Unduh", exact: true }).click(),
        ]);
        await p.locator(".notice.warn", { hasText: "Data berubah" }).waitFor();
      });
      await step("koordinator: kirim rekap bulan ini, tanda terima tampil", async () => {
        const p = rep.page;
        const month = new Intl.DateTimeFormat("en-CA", {
          timeZone: "Asia/Makassar",
          year: "numeric",
          month: "2-digit",
        }).format(new Date());
        await p.locator("#r-periode").fill(month);
        await p.getByRole("button", { name: "Kirim rekap" }).click();
        await p.locator("#rekap-pesan .notice.ok").waitFor();
        // The outbox worker runs every minute; here it is run at once.
        expect(await flushOutbox(hub.ctx, { kinds: ["rekap.push"] })).toMatchObject({
          claimed: 1,
          sent: 1,
        });
        await p.reload();
        await ready(p);
        const row = p.locator("table tr", { hasText: month });
        await row.waitFor();
        await expect(row.textContent()).resolves.toContain("Diterima");
      });
      await rep.context.close();
    });

    it("an intake made while offline is queued on the device and sent exactly once", async () => {
      const { context, page } = await newSession(browser, hub.url);
      await loginViaForm(page, "fo.sari", PASSWORD);
      await page.goto("/catat");
      await ready(page);
      const keperluan = "Kartu KKS hilang waktu banjir, mohon dibantu " + Date.now();
      await context.setOffline(true);
      await page.locator("input[value='telepon']").check();
      await page.locator("#pelapor-name").fill("Abdul Gani");
      await page.locator("#keperluan").fill(keperluan);
      await page.getByRole("button", { name: "Simpan aduan" }).click();
      await page.locator("[data-queued='1']").waitFor();
      const queued = await page.evaluate(() =>
        (
          globalThis as unknown as { localStorage: { getItem(k: string): string | null } }
        ).localStorage.getItem("aduan.intake.queue"),
      );
      expect(JSON.parse(queued!)).toHaveLength(1);
      await screenshot(page, "09-catat-aduan-antrean-offline");
      await context.setOffline(false);
      await page.locator("[data-case-number]").waitFor({ timeout: 20_000 });
      await expect(page.locator("[data-queued]").count()).resolves.toBe(0);
      const api = apiClient(hub, tokens.ko);
      const found = await api.get<{ data: { keperluan: string; channel: string }[] }>(
        `/api/v1/cases?q=${encodeURIComponent(keperluan.slice(-20))}`,
      );
      expect(found.status).toBe(200);
      expect(found.body.data.filter((c) => c.keperluan === keperluan)).toHaveLength(1);
      expect(found.body.data[0]!.channel).toBe("telepon");
      await context.close();
    });

    it("a queued intake answered 409 'still in progress' is sent again after Retry-After, not dropped", async () => {
      const { context, page, errors } = await newSession(browser, hub.url);
      await loginViaForm(page, "fo.sari", PASSWORD);
      const key = randomUUID();
      const keperluan = "KKS belum diterima, hub mati saat menyimpan " + Date.now();
      // Exactly what the console sends for this form (same key order, so the same hash).
      const payload = {
        channel: "telepon",
        pelapor: { name: "Abdul Gani" },
        keperluan,
        rahasia: false,
      };
      // The hub was killed right after claiming this key: the claim is IN_PROGRESS and fresh.
      await hub.ctx.db.sql.query(
        `INSERT INTO "IdempotencyRecord" (key, "userId", "requestHash", status, response)
         VALUES ($1, $2::uuid, $3, 0, '{}')`,
        [
          `cases:${foId}:${key}`,
          foId,
          createHash("sha256").update(JSON.stringify(payload)).digest("hex"),
        ],
      );
      // The queue as the console writes it: the item and its owner (issue 15: a queue
      // belongs to the user who queued it).
      await page.evaluate(
        ([k, p, id]) => {
          const ls = (
            globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }
          ).localStorage;
          ls.setItem(
            "aduan.intake.queue",
            JSON.stringify([{ key: k, payload: p, savedAt: new Date().toISOString() }]),
          );
          ls.setItem("aduan.intake.queue.user", JSON.stringify({ id, username: "fo.sari" }));
        },
        [key, payload, foId] as const,
      );
      const answers: number[] = [];
      page.on("response", (r) => {
        if (r.request().method() === "POST" && r.url().endsWith("/api/v1/cases"))
          answers.push(r.status());
      });
      await page.goto("/catat");
      await ready(page);
      await page.locator("[data-case-number]").waitFor({ timeout: 20_000 });
      expect(answers[0]).toBe(409);
      expect(answers.filter((s) => s === 201)).toHaveLength(1);
      await expect(page.locator("[data-queued]").count()).resolves.toBe(0);
      await expect(page.locator(".notice.error").count()).resolves.toBe(0);
      expect(await hub.ctx.db.prisma.case.count({ where: { keperluan } })).toBe(1);
      expect(errors.filter((e) => !/status of 40[19]/.test(e))).toEqual([]);
      await context.close();
    });

    it("admin manages users; every page renders at desktop and phone width", async () => {
      const { context, page, errors } = await newSession(browser, hub.url);
      await loginViaForm(page, "ad.nina", PASSWORD);
      await page.locator("[data-nav='pengguna']").click();
      await ready(page);
      await page.locator("#u-username").fill("fo.baru");
      await page.locator("#u-password").fill("kata-sandi-baru-1");
      await page.locator("#u-role").selectOption("front_office");
      await page.getByRole("button", { name: "Tambah" }).click();
      const row = page.locator("tr[data-username='fo.baru']");
      await row.waitFor();
      await row.locator("input[type='checkbox']").uncheck();
      await row.getByRole("button", { name: "Simpan" }).click();
      await page.locator("tr[data-username='fo.baru'].inactive").waitFor();
      const login = await fetch(`${hub.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "fo.baru", password: "kata-sandi-baru-1" }),
      });
      expect(login.status).toBe(401);
      await screenshot(page, "10-pengguna");
      for (const [path, name] of [
        ["/kesehatan", "11-kesehatan-kanal"],
        ["/katalog", "12-katalog"],
        ["/laporan", "13-laporan-admin"],
      ] as const) {
        await page.goto(path);
        await ready(page);
        await screenshot(page, name);
      }
      await context.close();

      const phone = await newSession(browser, hub.url, PHONE);
      await loginViaForm(phone.page, "fo.sari", PASSWORD);
      await screenshot(phone.page, "20-ponsel-kotak-masuk");
      const link = await phone.page.locator("table.cases a").first().getAttribute("href");
      await phone.page.goto(link!);
      await ready(phone.page);
      await screenshot(phone.page, "21-ponsel-kasus");
      await phone.page.goto("/catat");
      await ready(phone.page);
      await screenshot(phone.page, "22-ponsel-catat-aduan");
      // Nothing wider than the phone's screen.
      const overflow = await phone.page.evaluate(() => {
        const d = (
          globalThis as unknown as {
            document: { documentElement: { scrollWidth: number; clientWidth: number } };
          }
        ).document;
        return d.documentElement.scrollWidth - d.documentElement.clientWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      await phone.context.close();
      expect(errors.filter((e) => !/status of 40[134]/.test(e))).toEqual([]);
    });
  },
);
