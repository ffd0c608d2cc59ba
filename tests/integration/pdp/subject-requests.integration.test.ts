// Reveal of a full NIK/phone (audited, purpose mandatory, not for admin) and data-subject
// requests: access export checked for completeness, restriction, deletion, the 72 h clock.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";
import { filterRestricted, isRestricted, restrictedCaseIds } from "../../../src/pdp/restriction.js";
import { addFinding, newCase, NIK_A, NIK_B, PHONE_A, staff } from "./pdp-fixtures.js";

let now = new Date("2026-11-20T02:00:00Z");
let hub: TestHub;
let tmp: string;
let kadis: ReturnType<typeof apiClient>;
let fo: ReturnType<typeof apiClient>;
let penelaah: ReturnType<typeof apiClient>;
let admin: ReturnType<typeof apiClient>;

beforeAll(async () => {
  hub = await startTestHub({ name: "pdp-subject", clock: () => now });
  tmp = mkdtempSync(join(tmpdir(), "aduan-sar-"));
});
afterAll(async () => {
  await hub.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  now = new Date("2026-11-20T02:00:00Z");
  await resetDb(hub);
  kadis = apiClient(hub, (await userWithToken(hub, "kadis1", "kadis")).token);
  fo = apiClient(hub, (await userWithToken(hub, "fo1", "front_office")).token);
  penelaah = apiClient(hub, (await userWithToken(hub, "pen1", "penelaah", "LINJAMSOS")).token);
  admin = apiClient(hub, (await userWithToken(hub, "adm1", "admin")).token);
});

function unzip(zip: Buffer): Record<string, Buffer> {
  const file = join(tmp, `x-${Date.now()}.zip`);
  writeFileSync(file, zip);
  const names = execFileSync("unzip", ["-Z1", file], { encoding: "utf8" }).trim().split("\n");
  return Object.fromEntries(
    names.map((n) => [n, execFileSync("unzip", ["-p", file, n], { maxBuffer: 1 << 26 })]),
  );
}

describe("reveal", () => {
  it("masks the NIK in API output and reveals it only with a purpose, audited", async () => {
    const u = await staff(hub.ctx, "fo-r", "front_office");
    const c = await newCase(hub.ctx, u, {
      atasNama: { name: "Rahmah", nik: NIK_A },
      bidang: "LINJAMSOS",
    });
    const party = c.parties.find((p) => p.role === "atas_nama")!;
    const got = await penelaah.get<{ parties: { nikMasked: string | null }[] }>(
      `/api/v1/cases/${c.id}`,
    );
    expect(JSON.stringify(got.body)).not.toContain(NIK_A);
    expect(got.body.parties[1]!.nikMasked).toBe("6309********0001");

    const path = `/api/v1/cases/${c.id}/parties/${party.id}/reveal`;
    const noPurpose = await penelaah.post<{ code: string; fields: { field: string }[] }>(path, {
      field: "nik",
    });
    expect(noPurpose.status).toBe(422);
    expect(noPurpose.body.code).toBe("PURPOSE_REQUIRED");
    expect(noPurpose.body.fields[0]!.field).toBe("body.purpose");
    expect((await admin.post(path, { field: "nik", purpose: "cek data" })).status).toBe(403);
    expect(await hub.ctx.db.prisma.auditLog.count({ where: { action: "pdp.reveal" } })).toBe(0);

    const ok = await penelaah.post(path, { field: "nik", purpose: "cek SIKS-NG PBI JK" });
    expect(ok).toMatchObject({ status: 200, body: { field: "nik", value: NIK_A } });
    const phone = await fo.post(`/api/v1/cases/${c.id}/parties/${c.parties[0]!.id}/reveal`, {
      field: "phone",
      purpose: "menghubungi pelapor",
    });
    expect(phone.body).toEqual({ field: "phone", value: "+6285845240653" });
    const logged = await hub.ctx.db.prisma.auditLog.findMany({
      where: { action: "pdp.reveal" },
      orderBy: { id: "asc" },
    });
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({
      actorName: "pen1",
      caseId: c.id,
      fields: ["nik"],
      purpose: "cek SIKS-NG PBI JK",
    });
    expect(JSON.stringify(logged.map((l) => ({ ...l, id: l.id.toString() })))).not.toContain(NIK_A);
    // A party of another case is not reachable through this case.
    const other = await newCase(hub.ctx, u, { bidang: "LINJAMSOS" });
    expect(
      (
        await penelaah.post(`/api/v1/cases/${other.id}/parties/${party.id}/reveal`, {
          field: "nik",
          purpose: "cek data",
        })
      ).status,
    ).toBe(404);
  });

  it("reveals a finding's NIK the same way", async () => {
    const u = await staff(hub.ctx, "fo-f", "front_office");
    const c = await newCase(hub.ctx, u, { bidang: "LINJAMSOS" });
    const fid = await addFinding(hub.ctx, c.id, NIK_B, "Aluh");
    const path = `/api/v1/cases/${c.id}/findings/${fid}/reveal`;
    expect((await penelaah.post(path, {})).status).toBe(422);
    const r = await penelaah.post(path, { purpose: "verifikasi temuan" });
    expect(r.body).toEqual({ field: "nik", value: NIK_B });
    expect(
      await hub.ctx.db.prisma.auditLog.count({ where: { action: "pdp.reveal", caseId: c.id } }),
    ).toBe(1);
  });
});

describe("subject requests", () => {
  it("access: the export lists every case of the person, their data and the trail", async () => {
    const u = await staff(hub.ctx, "fo-s", "front_office");
    const a = await newCase(hub.ctx, u, {
      pelapor: { name: "Siti Aisyah", phone: PHONE_A, nik: NIK_A },
      keperluan: "PBI JK nonaktif",
    });
    const b = await newCase(hub.ctx, u, {
      pelapor: { name: "Bahrudin Saleh", phone: "0813-4800-1122" },
      atasNama: { name: "Siti Aisyah", nik: NIK_A },
    });
    const unrelated = await newCase(hub.ctx, u, { pelapor: { name: "Jumberi" } });
    await addFinding(hub.ctx, b.id, NIK_A, "Siti Aisyah");
    await hub.ctx.db.prisma.message.create({
      data: { caseId: a.id, direction: "in", channel: "whatsapp", body: "mohon dibantu", at: now },
    });
    await hub.ctx.db.prisma.message.create({
      data: { caseId: b.id, direction: "in", channel: "whatsapp", body: "pesan Bahrudin", at: now },
    });
    await hub.ctx.db.prisma.attachment.create({
      data: {
        caseId: a.id,
        source: "whatsapp",
        fileName: "ktp.jpg",
        mime: "image/jpeg",
        size: 10,
        status: "stored",
      },
    });
    await penelaah.get(`/api/v1/cases/${b.id}`);

    const created = await fo.post<{
      id: string;
      dueAt: string;
      receivedAt: string;
      overdue: boolean;
    }>("/api/v1/pdp/requests", {
      kind: "access",
      nik: NIK_A,
      note: "datang ke kantor, minta salinan data",
    });
    expect(created.status).toBe(201);
    expect(
      new Date(created.body.dueAt).getTime() - new Date(created.body.receivedAt).getTime(),
    ).toBe(72 * 3600_000);
    const id = created.body.id;
    expect((await fo.get(`/api/v1/pdp/requests/${id}/export`)).status).toBe(403);
    expect((await fo.post(`/api/v1/pdp/requests/${id}/complete`, {})).status).toBe(409);

    const res = await fetch(`${hub.url}/api/v1/pdp/requests/${id}/export`, {
      headers: { authorization: `Bearer ${(await userWithToken(hub, "kadis2", "kadis")).token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    const files = unzip(Buffer.from(await res.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(["data.json", "ringkasan.pdf"]);
    expect(files["ringkasan.pdf"]!.subarray(0, 4).toString()).toBe("%PDF");
    const data = JSON.parse(files["data.json"]!.toString("utf8")) as {
      orang: { nik: string; nikMasked: string };
      kasus: {
        nomor: string;
        pihak: { nama?: string; peran: string }[];
        temuan: unknown[];
        pesan: { isi?: string }[];
        lampiran: { namaBerkas: string }[];
        jejakPemrosesan: { tindakan: string; tujuan: string | null }[];
      }[];
    };
    expect(data.orang.nikMasked).toBe("6309********0001");
    expect(data.kasus.map((k) => k.nomor).sort()).toEqual([a.number, b.number].sort());
    expect(data.kasus.map((k) => k.nomor)).not.toContain(unrelated.number);
    const ka = data.kasus.find((k) => k.nomor === a.number)!;
    const kb = data.kasus.find((k) => k.nomor === b.number)!;
    expect(ka.pesan.map((p) => p.isi)).toEqual(["mohon dibantu"]);
    expect(ka.lampiran.map((l) => l.namaBerkas)).toEqual(["ktp.jpg"]);
    expect(kb.temuan).toHaveLength(1);
    expect(ka.jejakPemrosesan.map((t) => t.tindakan)).toContain("case.create");
    expect(kb.jejakPemrosesan.map((t) => t.tindakan)).toEqual(
      expect.arrayContaining(["case.create", "case.read"]),
    );
    // Another person on the same case: role only, their words not included.
    const json = files["data.json"]!.toString("utf8");
    expect(json).not.toContain("Bahrudin");
    expect(json).not.toContain("pesan Bahrudin");
    expect(kb.pihak.find((p) => p.peran === "pelapor")!.nama).toBeUndefined();

    const exports = await hub.ctx.db.prisma.auditLog.findMany({ where: { action: "pdp.export" } });
    expect(exports.map((e) => e.caseId).sort()).toEqual([a.id, b.id].sort());
    expect(exports.every((e) => e.hash !== null)).toBe(true);

    const done = await fo.post(`/api/v1/pdp/requests/${id}/complete`, {});
    expect(done.body).toMatchObject({ status: "selesai", overdue: false });
  });

  it("validates the person and flags overdue requests after 3×24 hours", async () => {
    const bad = await fo.post<{ fields: { field: string }[] }>("/api/v1/pdp/requests", {
      kind: "access",
      name: "Siti",
      note: "tanpa telepon",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0]!.field).toBe("body.nik");
    expect(
      (await fo.post("/api/v1/pdp/requests", { kind: "access", nik: "123", note: "x" })).status,
    ).toBe(422);
    expect(await hub.ctx.db.prisma.subjectRequest.count()).toBe(0);
    expect((await penelaah.get("/api/v1/pdp/requests")).status).toBe(403);

    await fo.post("/api/v1/pdp/requests", {
      kind: "correction",
      nik: NIK_A,
      note: "nama salah eja",
    });
    now = new Date(now.getTime() + 73 * 3600_000);
    // Sessions expire in 12 h of (injected) time: log in again.
    kadis = apiClient(hub, (await userWithToken(hub, "kadis3", "kadis")).token);
    const list = await kadis.get<{ data: { overdue: boolean; kind: string }[] }>(
      "/api/v1/pdp/requests?overdue=true",
    );
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ kind: "correction", overdue: true });
  });

  it("restriction marks the person's parties; the helpers drop them", async () => {
    const u = await staff(hub.ctx, "fo-x", "front_office");
    const a = await newCase(hub.ctx, u, { pelapor: { name: "Siti Aisyah", phone: PHONE_A } });
    const b = await newCase(hub.ctx, u, {
      pelapor: { name: "siti aisyah ", phone: "081251107788" },
    });
    const c = await newCase(hub.ctx, u, {
      pelapor: { name: "Siti Aisyah", phone: "0813-1111-2222" },
    });
    const r = await fo.post<{ id: string }>("/api/v1/pdp/requests", {
      kind: "restriction",
      name: "Siti Aisyah",
      phone: PHONE_A,
      note: "keberatan datanya diteruskan",
    });
    const done = await kadis.post<{ result: { restrictedParties: number } }>(
      `/api/v1/pdp/requests/${r.body.id}/complete`,
      {},
    );
    expect(done.body.result.restrictedParties).toBe(2);
    const parties = await hub.ctx.db.prisma.party.findMany();
    expect(
      parties
        .filter(isRestricted)
        .map((p) => p.caseId)
        .sort(),
    ).toEqual([a.id, b.id].sort());
    expect(filterRestricted(parties).map((p) => p.caseId)).toEqual([c.id]);
    expect(await restrictedCaseIds(hub.ctx, [a.id, b.id, c.id])).toEqual(new Set([a.id, b.id]));
  });

  it("deletion anonymises the person on closed cases only, keeping the case", async () => {
    const u = await staff(hub.ctx, "fo-d", "front_office");
    const closed = await newCase(hub.ctx, u, { atasNama: { name: "Rahmah", nik: NIK_B } });
    const open = await newCase(hub.ctx, u, { atasNama: { name: "Rahmah", nik: NIK_B } });
    await addFinding(hub.ctx, closed.id, NIK_B, "Rahmah");
    await hub.ctx.db.prisma.case.update({
      where: { id: closed.id },
      data: { status: "selesai", closedAt: now },
    });
    const r = await fo.post<{ id: string }>("/api/v1/pdp/requests", {
      kind: "deletion",
      nik: NIK_B,
      note: "minta data dihapus",
    });
    const done = await kadis.post<{ result: Record<string, number> }>(
      `/api/v1/pdp/requests/${r.body.id}/complete`,
      {},
    );
    expect(done.body.result).toMatchObject({
      anonymisedParties: 1,
      anonymisedFindings: 1,
      keptOpenCases: 1,
    });
    const gone = await hub.ctx.db.prisma.party.findFirstOrThrow({
      where: { caseId: closed.id, role: "atas_nama" },
    });
    expect(gone).toMatchObject({
      name: "(dihapus)",
      nikHash: null,
      nikCipher: null,
      restricted: true,
    });
    const f = await hub.ctx.db.prisma.finding.findFirstOrThrow({ where: { caseId: closed.id } });
    expect(f.narasiGenerated).not.toContain("Rahmah");
    const kept = await hub.ctx.db.prisma.party.findFirstOrThrow({
      where: { caseId: open.id, role: "atas_nama" },
    });
    expect(kept.name).toBe("Rahmah");
    expect(await hub.ctx.db.prisma.case.count()).toBe(2);
  });
  it("deletion of a pelapor also clears their name from the case texts, their raw payloads and the case files", async () => {
    const u = await staff(hub.ctx, "fo-p", "front_office");
    const c = await newCase(hub.ctx, u, {
      pelapor: { name: "Juwairiyah", nik: NIK_A, phone: PHONE_A },
      keperluan: "Juwairiyah menanyakan PKH yang tidak cair",
    });
    const p = hub.ctx.db.prisma;
    await p.case.update({
      where: { id: c.id },
      data: { status: "selesai", closedAt: now, historicalNarasi: "Ibu Juwairiyah sudah dicek" },
    });
    const raw = await p.rawMessage.create({
      data: {
        channel: "whatsapp",
        body: new Uint8Array(Buffer.from('{"from":"Juwairiyah"}')),
        sha256: "x",
        caseId: c.id,
        receivedAt: now,
      },
    });
    const file = join(tmp, "ktp-juwairiyah.bin");
    writeFileSync(file, "KTP");
    const att = await p.attachment.create({
      data: {
        caseId: c.id,
        source: "intake",
        fileName: "ktp-juwairiyah.jpg",
        status: "stored",
        storagePath: file,
      },
    });
    const r = await fo.post<{ id: string }>("/api/v1/pdp/requests", {
      kind: "deletion",
      nik: NIK_A,
      note: "minta data dihapus",
    });
    const done = await kadis.post<{ result: Record<string, number> }>(
      `/api/v1/pdp/requests/${r.body.id}/complete`,
      {},
    );
    expect(done.status).toBe(200);
    expect(done.body.result).toMatchObject({
      anonymisedParties: 1,
      anonymisedCaseTexts: 1,
      blankedRawMessages: 1,
      deletedAttachments: 1,
    });
    expect(JSON.stringify(done.body.result)).not.toContain(file);
    const kase = await p.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(kase.keperluan).toBe("(dihapus) menanyakan PKH yang tidak cair");
    expect(kase.historicalNarasi).toBe("Ibu (dihapus) sudah dicek");
    expect(kase.status).toBe("selesai");
    expect((await p.rawMessage.findUniqueOrThrow({ where: { id: raw.id } })).body.length).toBe(0);
    expect(await p.attachment.findUniqueOrThrow({ where: { id: att.id } })).toMatchObject({
      storagePath: null,
      fileName: null,
      status: "deleted",
    });
    expect(existsSync(file)).toBe(false);
  });
});
