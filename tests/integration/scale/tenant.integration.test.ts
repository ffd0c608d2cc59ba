import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import {
  PASSWORD,
  apiClient,
  resetDb,
  startTestHub,
  type TestHub,
} from "../../helpers/test-hub.js";
import { addUser } from "../../../src/services/auth.service.js";
import { witaYear } from "../../../src/domain/time.js";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ name: "tenant" });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  await resetDb(hub);
});

async function login(
  username: string,
  instansi: string,
  role: "front_office" | "koordinator" = "front_office",
) {
  await addUser(hub.ctx, { username, password: PASSWORD, role, instansi });
  const r = await apiClient(hub).post<{ token: string }>("/api/v1/auth/login", {
    username,
    password: PASSWORD,
  });
  return apiClient(hub, r.body.token);
}

it("one office never sees or touches another office's cases", async () => {
  const tabalong = await login("fo-tabalong", "6309-DINSOS");
  const balangan = await login("fo-balangan", "6311-DINSOS");
  const kBalangan = await login("ko-balangan", "6311-DINSOS", "koordinator");
  const mine = await tabalong.post<{ id: string; number: string }>("/api/v1/cases", {
    channel: "datang_langsung",
    pelapor: { name: "Warga Tanjung" },
    keperluan: "Saldo BPNT tidak masuk",
  });
  const theirs = await balangan.post<{ id: string }>("/api/v1/cases", {
    channel: "datang_langsung",
    pelapor: { name: "Warga Paringin" },
    keperluan: "Kartu KKS hilang",
  });
  expect(mine.status).toBe(201);
  expect(theirs.status).toBe(201);

  const listT = await tabalong.get<{ data: { id: string }[] }>("/api/v1/cases");
  expect(listT.body.data.map((c) => c.id)).toEqual([mine.body.id]);
  const listB = await balangan.get<{ data: { id: string }[] }>("/api/v1/cases?q=Warga");
  expect(listB.body.data.map((c) => c.id)).toEqual([theirs.body.id]);

  // Every case-scoped route answers 404 across offices, and nothing changes.
  expect((await balangan.get(`/api/v1/cases/${mine.body.id}`)).status).toBe(404);
  expect(
    (await balangan.patch(`/api/v1/cases/${mine.body.id}`, { version: 1, rahasia: true })).status,
  ).toBe(404);
  const t = await kBalangan.post(`/api/v1/cases/${mine.body.id}/transitions`, {
    to: "diverifikasi",
    version: 1,
  });
  expect(t.status).toBe(404);
  expect((await balangan.get(`/api/v1/cases/${mine.body.id}/findings`)).status).toBe(404);
  const after = await tabalong.get<{ version: number; rahasia: boolean; status: string }>(
    `/api/v1/cases/${mine.body.id}`,
  );
  expect(after.body).toMatchObject({ version: 1, rahasia: false, status: "diterima" });
  // Reports count an office's own cases only.
  const year = witaYear(new Date());
  const annualT = await tabalong.get<{ total: number }>(`/api/v1/reports/annual?year=${year}`);
  const annualB = await balangan.get<{ total: number }>(`/api/v1/reports/annual?year=${year}`);
  expect([annualT.body.total, annualB.body.total]).toEqual([1, 1]);
  const rows = await hub.ctx.db.prisma.case.findMany({
    select: { instansi: true },
    orderBy: { instansi: "asc" },
  });
  expect(rows.map((r) => r.instansi)).toEqual(["6309-DINSOS", "6311-DINSOS"]);
});
