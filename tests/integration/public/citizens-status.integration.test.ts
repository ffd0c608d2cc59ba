// The citizens' side (issues 18 and 15.2) over real HTTP and PostgreSQL: every desk case
// gets a token shown once; the status API, the no-JS status page and the tanda terima open
// with it; a wrong or missing token answers byte for byte like an unknown number; a staff
// reissue invalidates the old token and is audited; look-ups are rate-limited.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";

function pdfText(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "tt-"));
  const file = join(dir, "tt.pdf");
  writeFileSync(file, bytes);
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}

const NAME = "Rusmini Hairunnisa";
const NIK = "6309044507850003";

describe("citizens' status look-up and tanda terima", () => {
  let hub: TestHub;
  let fo: { token: string; id: string };
  let created: { id: string; number: string; lookupToken: string };

  beforeAll(async () => {
    hub = await startTestHub({
      name: "citizens-status",
      env: { PUBLIC_LOOKUP_PER_IP_PER_HOUR: "10000" },
    });
    await resetDb(hub);
    fo = await userWithToken(hub, "fo.tt", "front_office");
    await userWithToken(hub, "ko.tt", "koordinator");
    const res = await apiClient(hub, fo.token).post<typeof created>("/api/v1/cases", {
      channel: "datang_langsung",
      pelapor: { name: NAME, phone: "0812-5555-0101", nik: NIK },
      keperluan: "PKH tidak cair sejak tiga bulan, mohon dicek datanya",
    });
    expect(res.status).toBe(201);
    created = res.body;
  });
  afterAll(async () => {
    await hub?.close();
  });

  const status = (number: string, token?: string) =>
    fetch(`${hub.url}/api/v1/public/complaints/${encodeURIComponent(number)}`, {
      headers: token === undefined ? {} : { "x-lookup-token": token },
    });

  it("the desk intake answers a token once, stored only as its hash", async () => {
    expect(created.lookupToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const row = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.publicTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.publicTokenHash).not.toContain(created.lookupToken);
    const again = await apiClient(hub, fo.token).get(`/api/v1/cases/${created.id}`);
    expect(JSON.stringify(again.body)).not.toContain(created.lookupToken);
    expect(hub.logs.text()).not.toContain(created.lookupToken);
  });

  it("status by token: plain steps, no name, NIK, phone or staff", async () => {
    const res = await status(created.number, created.lookupToken);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      statusLabel: string;
      steps: { text: string }[];
    };
    expect(body.status).toBe("diterima");
    expect(body.statusLabel).toBe("Diterima");
    expect(body.steps.map((s) => s.text)).toContain("Pengaduan diterima");
    const text = JSON.stringify(body);
    for (const secret of [NAME, NIK, "0812", "5555", "fo.tt"]) expect(text).not.toContain(secret);
  });

  it("wrong, missing and guessed: the same 404 body as an unknown number", async () => {
    const unknown = await status("ADU-2026-999999", created.lookupToken);
    const wrong = await status(created.number, `${created.lookupToken.slice(0, -1)}x`);
    const missing = await status(created.number);
    const empty = await status(created.number, "");
    const bodies = await Promise.all([unknown, wrong, missing, empty].map((r) => r.text()));
    for (const r of [unknown, wrong, missing, empty]) expect(r.status).toBe(404);
    const strip = (s: string) => s.replace(/"requestId":"[^"]*"/, "");
    expect(new Set(bodies.map(strip)).size).toBe(1);
  });

  it("timing: a wrong token for a real number costs what an unknown number does", async () => {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const time = async (number: string, token: string) => {
      const t0 = performance.now();
      const r = await status(number, token);
      await r.arrayBuffer();
      return performance.now() - t0;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    const right: number[] = [];
    for (let i = 0; i < 5; i++) await time(created.number, "pemanasan"); // warm-up
    // Interleaved, so load on the shared machine hits all three alike.
    for (let i = 0; i < 60; i++) {
      wrong.push(await time(created.number, `salah-${i}`));
      unknown.push(await time(`ADU-2026-9${String(i).padStart(5, "0")}`, `salah-${i}`));
      right.push(await time(created.number, created.lookupToken));
    }
    const [w, u, ok] = [median(wrong), median(unknown), median(right)];
    // Printed for the report: the two refusals must not tell a number that exists.
    process.stdout.write(
      `lookup timing medians (ms): wrong token ${w.toFixed(2)}, unknown number ${u.toFixed(2)}, right token ${ok.toFixed(2)}\n`,
    );
    // Paired differences (each pair ran back to back) cancel the machine's load drift.
    const paired = median(wrong.map((x, i) => x - unknown[i]!));
    expect(Math.abs(paired)).toBeLessThan(Math.max(1.5, 0.25 * u));
  });

  it("the status page works without JavaScript and refuses alike", async () => {
    const q = (n: string, t: string) =>
      fetch(
        `${hub.url}/pengaduan/status?nomor=${encodeURIComponent(n)}&token=${encodeURIComponent(t)}`,
      );
    const ok = await q(created.number, created.lookupToken);
    expect(ok.status).toBe(200);
    const html = await ok.text();
    expect(html).toContain(created.number);
    expect(html).toContain('data-status="diterima"');
    expect(html).not.toContain(NAME);
    expect(html).not.toContain("<script");
    const wrong = await q(created.number, "salah-token");
    const unknown = await q("ADU-2026-999998", "salah-token");
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await wrong.text()).toBe(await unknown.text());
    const form = await fetch(`${hub.url}/pengaduan/status`);
    const page = await form.text();
    expect(page).toMatch(/<label for="nomor">Nomor pengaduan<\/label>/);
    expect(page).toMatch(/<label for="token">Token pelacakan<\/label>/);
    expect(page).toContain('method="get"');
  });

  it("the desk's tanda terima: with the intake token it is printed, without it never", async () => {
    const withToken = await fetch(`${hub.url}/api/v1/cases/${created.id}/receipt`, {
      headers: { authorization: `Bearer ${fo.token}`, "x-lookup-token": created.lookupToken },
    });
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get("content-type")).toContain("application/pdf");
    const text = pdfText(Buffer.from(await withToken.arrayBuffer()));
    expect(text).toContain("TANDA TERIMA PENGADUAN");
    expect(text).toContain(created.number);
    expect(text).toContain(created.lookupToken);
    expect(text).toContain("Datang langsung");
    expect(text).toContain("WITA");
    expect(text).toMatch(/hari kerja/);
    expect(text).toContain("/pengaduan/status");
    expect(text).toContain("(0526) 2031680");
    expect(text).not.toContain(NAME);
    expect(text).not.toContain(NIK);

    const without = await fetch(`${hub.url}/api/v1/cases/${created.id}/receipt?format=html`, {
      headers: { authorization: `Bearer ${fo.token}`, "x-lookup-token": "bukan-token" },
    });
    expect(without.status).toBe(200);
    const html = await without.text();
    expect(html).toContain(created.number);
    expect(html).not.toContain("bukan-token");
    expect(html).toContain("mintalah token baru");
  });

  it("reissue: the new token opens the status, the old one no longer; audited", async () => {
    const res = await apiClient(hub, fo.token).post<{ number: string; lookupToken: string }>(
      `/api/v1/cases/${created.id}/lookup-token`,
    );
    expect(res.status).toBe(200);
    expect(res.body.lookupToken).not.toBe(created.lookupToken);
    expect((await status(created.number, created.lookupToken)).status).toBe(404);
    expect((await status(created.number, res.body.lookupToken)).status).toBe(200);
    const audit = await hub.ctx.db.prisma.auditLog.findMany({
      where: { caseId: created.id, action: "case.lookup_token_reissued" },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorName).toBe("fo.tt");
    expect(JSON.stringify(audit.map((a) => [a.data, a.purpose, a.fields]))).not.toContain(
      res.body.lookupToken,
    );
    // The public PDF with the new token.
    const pdf = await fetch(
      `${hub.url}/pengaduan/tanda-terima?nomor=${created.number}&token=${encodeURIComponent(res.body.lookupToken)}`,
    );
    expect(pdf.status).toBe(200);
    expect(pdfText(Buffer.from(await pdf.arrayBuffer()))).toContain(res.body.lookupToken);
    created.lookupToken = res.body.lookupToken;
  });

  it("a reply appears on the status page; internal notes never", async () => {
    const api = apiClient(hub, fo.token);
    const c = await api.get<{ version: number }>(`/api/v1/cases/${created.id}`);
    const verify = await api.post(`/api/v1/cases/${created.id}/transitions`, {
      to: "diverifikasi",
      note: "Catatan internal rahasia petugas",
      version: c.body.version,
    });
    expect(verify.status).toBe(200);
    const reply = await api.post(`/api/v1/cases/${created.id}/replies`, {
      text: "Data PKH Ibu sudah kami periksa dan diusulkan kembali.",
    });
    expect([200, 201]).toContain(reply.status);
    const res = await status(created.number, created.lookupToken);
    const body = (await res.json()) as { steps: { text: string }[]; replies: { text: string }[] };
    expect(body.steps.map((s) => s.text)).toContain("Pengaduan diverifikasi petugas");
    expect(body.replies.map((r) => r.text)).toContain(
      "Data PKH Ibu sudah kami periksa dan diusulkan kembali.",
    );
    expect(JSON.stringify(body)).not.toContain("Catatan internal");
  });
});

describe("the form's 'rahasiakan identitas saya'", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ name: "citizens-rahasia" });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it("makes the case rahasia; without it the case is not", async () => {
    const send = (rahasia: boolean | undefined, phone: string) =>
      apiClient(hub).post<{ number: string }>("/api/v1/public/complaints", {
        name: "Warga Rahasia",
        phone,
        desa: "Kapar",
        kecamatan: "Murung Pudak",
        text: "Pungutan liar saat penyaluran bantuan di desa kami",
        ...(rahasia === undefined ? {} : { rahasia }),
      });
    const secret = await send(true, "081255507001");
    const plain = await send(undefined, "081255507002");
    expect(secret.status).toBe(201);
    expect(plain.status).toBe(201);
    const rows = await hub.ctx.db.prisma.case.findMany({
      where: { number: { in: [secret.body.number, plain.body.number] }, channel: "website" },
      select: { number: true, rahasia: true },
    });
    expect(Object.fromEntries(rows.map((r) => [r.number, r.rahasia]))).toEqual({
      [secret.body.number]: true,
      [plain.body.number]: false,
    });
  });
});

describe("look-ups are rate-limited per address", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({
      name: "citizens-ratelimit",
      env: { PUBLIC_LOOKUP_PER_IP_PER_HOUR: "5" },
    });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it("the sixth guess within the hour is refused (429 with Retry-After), page and API alike", async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${hub.url}/api/v1/public/complaints/ADU-2026-00000${i}`, {
        headers: { "x-lookup-token": "tebakan" },
      });
      codes.push(r.status);
    }
    expect(codes).toEqual([404, 404, 404, 404, 404]);
    const api = await fetch(`${hub.url}/api/v1/public/complaints/ADU-2026-000009`, {
      headers: { "x-lookup-token": "tebakan" },
    });
    expect(api.status).toBe(429);
    expect(Number(api.headers.get("retry-after"))).toBeGreaterThan(0);
    const page = await fetch(`${hub.url}/pengaduan/status?nomor=ADU-2026-000009&token=x`);
    expect(page.status).toBe(429);
  });
});
