// Table 3.1 (per jenis) takes its labels and order from the jenis catalogue in the
// database, so an admin's rename or new jenis shows in the annual report and the recap.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { annualCounts } from "../../../src/services/annual-counts.service.js";
import { invalidateSlaCaches } from "../../../src/services/sla.service.js";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";

let hub: TestHub;
let admin: ReturnType<typeof apiClient>;

beforeAll(async () => {
  hub = await startTestHub({ name: "annual-counts" });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  await resetDb(hub);
  // resetDb truncates the catalogue tables behind the SLA policy cache's back.
  invalidateSlaCaches(hub.ctx);
  admin = apiClient(hub, (await userWithToken(hub, "admin1", "admin")).token);
});

async function closedCase(n: number, jenis: string): Promise<void> {
  const at = new Date(`2023-03-${String(n).padStart(2, "0")}T01:00:00Z`);
  await hub.ctx.db.prisma.case.create({
    data: {
      number: `ADU-2023-${String(n).padStart(6, "0")}`,
      channel: "datang_langsung",
      externalId: `jenis-${n}`,
      keperluan: "Aduan uji tabel per jenis",
      jenis,
      status: "selesai",
      receivedAt: at,
      closedAt: at,
    },
  });
}

describe("annual counts", () => {
  it("print the catalogue's current labels, in its order, including an admin-added jenis", async () => {
    const renamed = await admin.put("/api/v1/catalogue/jenis/PKH", {
      label: "Program Keluarga Harapan (PKH)",
    });
    expect(renamed.status).toBe(200);
    const added = await admin.put("/api/v1/catalogue/jenis/ATENSI_YATIM", {
      label: "ATENSI Yatim Piatu",
    });
    expect(added.status).toBe(200);
    await closedCase(1, "PKH");
    await closedCase(2, "ATENSI_YATIM");
    await closedCase(3, "ATENSI_YATIM");

    const catalogue = await admin.get<{ codes: { code: string; label: string }[] }>(
      "/api/v1/catalogue/jenis",
    );
    expect(catalogue.status).toBe(200);
    const counts = await annualCounts(hub.ctx, 2023);
    expect(counts.perJenis.map((j) => [j.kode, j.nama])).toEqual(
      catalogue.body.codes.map((j) => [j.code, j.label]),
    );
    expect(counts.perJenis.at(-1)).toEqual({
      kode: "ATENSI_YATIM",
      nama: "ATENSI Yatim Piatu",
      jumlah: 2,
    });
    expect(counts.perJenis.find((j) => j.kode === "PKH")).toEqual({
      kode: "PKH",
      nama: "Program Keluarga Harapan (PKH)",
      jumlah: 1,
    });
    expect(counts.total).toBe(3);
  });
  it("class completion times by the SLA policy's class bounds (table 3.4)", async () => {
    // Closed after 1, 3, 5 and 9 working days (March 2023 has no holiday on these days).
    const mk = async (n: number, recv: string, closed: string) =>
      hub.ctx.db.prisma.case.create({
        data: {
          number: `ADU-2023-${String(100 + n).padStart(6, "0")}`,
          channel: "datang_langsung",
          externalId: `kelas-${n}`,
          keperluan: "Aduan uji kelas waktu",
          jenis: "PKH",
          status: "selesai",
          receivedAt: new Date(recv),
          closedAt: new Date(closed),
        },
      });
    await mk(1, "2023-03-06T01:00:00Z", "2023-03-06T05:00:00Z");
    await mk(2, "2023-03-06T01:00:00Z", "2023-03-08T05:00:00Z");
    await mk(3, "2023-03-06T01:00:00Z", "2023-03-10T05:00:00Z");
    await mk(4, "2023-03-06T01:00:00Z", "2023-03-16T05:00:00Z");
    const before = (await annualCounts(hub.ctx, 2023)).waktuPenyelesaian.perKelas;
    expect(before).toEqual({ ringan: 2, sedang: 1, khusus: 1, melewatiBatas: 0 });
    const put = await admin.put("/api/v1/catalogue/sla-policy", {
      override: {
        classTargets: {
          ringan: { minWorkingDays: 1, maxWorkingDays: 1 },
          sedang: { minWorkingDays: 1, maxWorkingDays: 5 },
          khusus: { minWorkingDays: null, maxWorkingDays: 7 },
        },
      },
    });
    expect(put.status).toBe(200);
    const after = (await annualCounts(hub.ctx, 2023)).waktuPenyelesaian.perKelas;
    expect(after).toEqual({ ringan: 1, sedang: 2, khusus: 0, melewatiBatas: 1 });
  });
});
