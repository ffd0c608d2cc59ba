// The citizens' page on the embedded database (PGlite, one connection, row-level security
// FORCE'd as on PostgreSQL): a desk case's token opens the status page and the receipt; a
// wrong token answers like an unknown number.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, startTestHub, userWithToken, type TestHub } from "../../helpers/test-hub.js";

describe("citizens' status on PGlite", () => {
  let hub: TestHub;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "aduan-pglite-public-"));
    hub = await startTestHub({
      name: "public-pglite",
      embedded: true,
      env: { ADUAN_DATA_DIR: dir },
    });
  });
  afterAll(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("desk token → status page and receipt; wrong token like an unknown number", async () => {
    const fo = apiClient(hub, (await userWithToken(hub, "fo.pglite", "front_office")).token);
    const made = await fo.post<{ id: string; number: string; lookupToken: string }>(
      "/api/v1/cases",
      {
        channel: "kotak_saran",
        pelapor: { name: "Surat tanpa nama jelas" },
        keperluan: "Usulan agar jadwal pencairan BPNT diumumkan di balai desa",
      },
    );
    expect(made.status).toBe(201);
    const page = (token: string, number = made.body.number) =>
      fetch(`${hub.url}/pengaduan/status?nomor=${number}&token=${encodeURIComponent(token)}`);
    const ok = await page(made.body.lookupToken);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('data-status="diterima"');
    const wrong = await page("salah");
    const unknown = await page("salah", "ADU-2026-777777");
    expect(wrong.status).toBe(404);
    expect(await wrong.text()).toBe(await unknown.text());
    const pdf = await fetch(
      `${hub.url}/pengaduan/tanda-terima?nomor=${made.body.number}&token=${encodeURIComponent(made.body.lookupToken)}`,
    );
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toContain("application/pdf");
  });
});
