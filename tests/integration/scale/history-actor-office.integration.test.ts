// issue 15 item 6: the case history names the staff member who did each step
// (`actorName`), and that name never crosses offices: another office's staff — its admin,
// kadis and koordinator included — reach neither the case nor its history through any
// case-scoped endpoint, the audit trail or the inbox; and a step whose actor belongs to
// another office is shown without a name, even to the case's own office.
import { afterAll, beforeAll, expect, it } from "vitest";
import { addUser } from "../../../src/services/auth.service.js";
import {
  PASSWORD,
  apiClient,
  resetDb,
  startTestHub,
  type TestHub,
} from "../../helpers/test-hub.js";

const A = "6309-DINSOS";
const B = "6311-DINSOS";
// Distinctive names: any answer that contains one of them leaks office A's staff.
const NAMES = ["Sari Wulandari Tabalong", "Budi Hartono Tanjung"];

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ name: "actor-office" });
  await resetDb(hub);
});
afterAll(async () => {
  await hub?.close();
});

async function login(username: string, role: string, instansi: string, displayName?: string) {
  const u = await addUser(hub.ctx, {
    username,
    password: PASSWORD,
    role,
    instansi,
    ...(displayName ? { displayName } : {}),
  });
  const r = await apiClient(hub).post<{ token: string }>("/api/v1/auth/login", {
    username,
    password: PASSWORD,
  });
  expect(r.status).toBe(200);
  return { api: apiClient(hub, r.body.token), id: u.id };
}

it("a case's history names its own office's staff and nobody else's, to nobody else", async () => {
  const foA = await login("fo-a", "front_office", A, NAMES[0]);
  const koA = await login("ko-a", "koordinator", A, NAMES[1]);
  const others = await Promise.all([
    login("adm-b", "admin", B),
    login("kd-b", "kadis", B),
    login("ko-b", "koordinator", B),
    login("fo-b", "front_office", B),
  ]);

  // Office A works a case: recorded by the front office, verified and disposed by the koordinator.
  const created = await foA.api.post<{ id: string; version: number }>("/api/v1/cases", {
    channel: "datang_langsung",
    pelapor: { name: "Warga Tanjung", phone: "081255501234" },
    keperluan: "Bantuan PKH belum cair",
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  let version = created.body.version;
  for (const step of [
    { to: "diverifikasi", note: "Berkas lengkap" },
    { to: "didisposisi", bidang: "LINJAMSOS" },
  ]) {
    const r = await koA.api.post<{ version: number }>(`/api/v1/cases/${id}/transitions`, {
      ...step,
      version,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    version = r.body.version;
  }

  // Office A's own staff see who did each step.
  const own = await koA.api.get<{ events: { type: string; actorName: string | null }[] }>(
    `/api/v1/cases/${id}`,
  );
  expect(own.status).toBe(200);
  const names = own.body.events.map((e) => e.actorName);
  expect(names).toContain(NAMES[0]);
  expect(names).toContain(NAMES[1]);

  // Office B's staff, admin and kadis included, reach nothing of it.
  const paths = [
    `/api/v1/cases/${id}`,
    `/api/v1/cases/${id}/messages`,
    `/api/v1/cases/${id}/findings`,
    `/api/v1/cases/${id}/transitions`,
    `/api/v1/cases/${id}/party-links`,
    `/api/v1/cases/${id}/receipt`,
    `/api/v1/cases?q=Warga`,
    `/api/v1/cases?limit=100`,
    `/api/v1/audit?case=${id}`,
    `/api/v1/audit?limit=200`,
    `/api/v1/console/dashboard`,
  ];
  let checked = 0;
  for (const { api } of others) {
    for (const path of paths) {
      const r = await api.get(path);
      // 404 for the case's own routes; lists answer without it; some roles get 403.
      if (path.startsWith(`/api/v1/cases/${id}`)) expect([403, 404], path).toContain(r.status);
      else expect([200, 403], path).toContain(r.status);
      const text = JSON.stringify(r.body);
      for (const n of [...NAMES, "fo-a", "ko-a"])
        expect(text, `${path} leaks ${n}`).not.toContain(n);
      // The audit trail echoes the caller's own filter (the id they asked about): no row of it.
      if (path.startsWith("/api/v1/audit") && r.status === 200) {
        const rows = (r.body as { data: { caseId: string | null }[] }).data;
        expect(rows.filter((x) => x.caseId === id)).toEqual([]);
      } else expect(text, path).not.toContain(id);
      checked++;
    }
  }
  expect(checked).toBe(paths.length * others.length);

  // A step recorded with an actor of another office (a user moved, or bad data) shows no name
  // to the case's office either.
  await hub.ctx.db.prisma.caseEvent.create({
    data: { caseId: id, type: "note.added", actorId: others[0]!.id, data: { note: "x" } },
  });
  const again = await koA.api.get<{
    events: { actorId: string | null; actorName: string | null }[];
  }>(`/api/v1/cases/${id}`);
  const foreign = again.body.events.find((e) => e.actorId === others[0]!.id);
  expect(foreign).toBeDefined();
  expect(foreign!.actorName).toBeNull();
  expect(JSON.stringify(again.body)).not.toContain("adm-b");
});
