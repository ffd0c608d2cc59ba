// Table 3.1 (per jenis) takes its labels and order from the jenis catalogue in the
// database, so an admin's rename or new jenis shows in the annual report and the recap.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { annualCounts } from "../../../src/services/annual-counts.service.js";
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

describe("annual counts per jenis", () => {
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
});
