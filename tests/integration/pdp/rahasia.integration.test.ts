// Issue 13, item 4: the identity of a rahasia pelapor is need-to-know. Every staff role ×
// every surface (list, search by name / NIK / phone, detail, monthly report) on a rahasia,
// an anonim and an ordinary case; the whole serialised body is searched for the secret
// strings. Only koordinator and kadis see it, through an explicit, audited reveal.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type ApiResponse,
  type TestHub,
} from "../../helpers/test-hub.js";
import type { Role } from "../../../src/domain/roles.js";
import { ROLES } from "../../../src/domain/roles.js";
import { maskNik } from "../../../src/domain/nik.js";
import { maskPhone } from "../../../src/domain/phone.js";
import { addFinding } from "./pdp-fixtures.js";
import { breachReport } from "../../../src/pdp/breach.js";

const LABEL = "Identitas dirahasiakan";
const NIK = "6309044507850003";
const SECRET = {
  name: "Siti Zubaidah Rahmawati",
  phone: "0812-7777-3141",
  email: "zubaidah.rahasia@example.id",
  alamat: "Jl. Merpati Putih No. 77",
};
// Every spelling of the rahasia pelapor that must never leave the hub unasked.
const NEEDLES = [
  "Zubaidah",
  "Rahmawati",
  "zubaidah.rahasia",
  "Merpati Putih",
  "+6281277773141",
  "081277773141",
  "0812-7777-3141",
  "77773141",
  maskPhone("+6281277773141"),
  NIK,
  maskNik(NIK),
];
const ANON = { name: "Nama Anonim Tersimpan", phone: "+6285211112222" };
const ANON_NEEDLES = ["Anonim Tersimpan", "085211112222", "85211112222", maskPhone(ANON.phone)];

let hub: TestHub;
const client: Partial<Record<Role, ReturnType<typeof apiClient>>> = {};
const as = (r: Role) => client[r]!;
let rahasiaId: string;
let textId: string;
let normalId: string;
let anonId: string;
let linkedId: string;
let findingId: string;
let intakeAnswer: ApiResponse<unknown>;

function expectNoLeak(res: ApiResponse<unknown>, what: string, needles = NEEDLES) {
  const body = typeof res.body === "string" ? res.body : JSON.stringify(res.body);
  for (const n of needles) {
    expect(body.toLowerCase(), `${what}: "${n}" leaked`).not.toContain(n.toLowerCase());
  }
}

beforeAll(async () => {
  hub = await startTestHub({ name: "rahasia" });
  await resetDb(hub);
  for (const r of ROLES) {
    const u = await userWithToken(hub, `u-${r}`, r, r === "penelaah" ? "LINJAMSOS" : undefined);
    client[r] = apiClient(hub, u.token);
  }
  const fo = as("front_office");
  const made = await fo.post<{ id: string }>("/api/v1/cases", {
    channel: "datang_langsung",
    rahasia: true,
    receivedAt: "2026-08-04T02:00:00Z",
    pelapor: {
      name: SECRET.name,
      phone: SECRET.phone,
      nik: NIK,
      email: SECRET.email,
      alamat: SECRET.alamat,
      desa: "Takulat",
      kecamatan: "Kelua",
    },
    keperluan: "Melaporkan pungutan liar pada penyaluran BPNT di desanya",
  });
  expect(made.status).toBe(201);
  intakeAnswer = made;
  rahasiaId = made.body.id;
  // The narrative names the pelapor: it is scrubbed wherever the case is listed or shown.
  const withText = await fo.post<{ id: string }>("/api/v1/cases", {
    channel: "telepon",
    rahasia: true,
    receivedAt: "2026-08-05T02:00:00Z",
    pelapor: { name: SECRET.name, phone: SECRET.phone },
    keperluan: `Ibu Siti Zubaidah Rahmawati (0812 7777 3141) takut dicoret dari PKH`,
  });
  expect(withText.status).toBe(201);
  textId = withText.body.id;
  const normal = await fo.post<{ id: string }>("/api/v1/cases", {
    channel: "datang_langsung",
    receivedAt: "2026-08-06T02:00:00Z",
    pelapor: { name: "Hatmiati", phone: "0858-4524-0653", nik: "6309041203100001" },
    keperluan: "Ingin mengaktifkan kembali PBI JK",
  });
  normalId = normal.body.id;
  // An anonim case whose party still carries a name (as an import or a later flag may leave it).
  const anon = await hub.ctx.db.prisma.case.create({
    data: {
      number: "ADU-2026-000099",
      channel: "lapor",
      externalId: "LAPOR-ANON-1",
      keperluan: "Aduan anonim tentang data DTKS",
      anonim: true,
      receivedAt: new Date("2026-08-07T02:00:00Z"),
      instansi: "6309-DINSOS",
      parties: { create: { role: "pelapor", name: ANON.name, phoneE164: ANON.phone } },
    },
  });
  anonId = anon.id;
  // The same person filed an ordinary case earlier (same e-mail): the hub suggested a link.
  const earlier = await hub.ctx.db.prisma.case.create({
    data: {
      number: "ADU-2026-000098",
      channel: "email",
      externalId: "EMAIL-EARLIER-1",
      keperluan: "Pertanyaan jadwal penyaluran BPNT",
      receivedAt: new Date("2026-07-01T02:00:00Z"),
      instansi: "6309-DINSOS",
      parties: { create: { role: "pelapor", name: "Ibu Idah", email: SECRET.email } },
    },
    include: { parties: true },
  });
  linkedId = earlier.id;
  // A SIKS-NG finding about the pelapor: its narasi greets them by name.
  findingId = await addFinding(hub.ctx, rahasiaId, NIK, SECRET.name, "pelapor");
  await hub.ctx.db.prisma.attachment.create({
    data: {
      caseId: rahasiaId,
      source: "upload",
      fileName: "Surat Siti Zubaidah Rahmawati.pdf",
      status: "stored",
    },
  });
  // A message the pelapor sent (on WhatsApp the author is their profile name), signed.
  await hub.ctx.db.prisma.message.create({
    data: {
      caseId: rahasiaId,
      direction: "in",
      channel: "whatsapp",
      author: SECRET.name,
      body: "Mohon ditindaklanjuti. Salam, Siti Zubaidah Rahmawati 0812-7777-3141",
      at: new Date("2026-08-04T03:00:00Z"),
    },
  });
  const secretParty = await hub.ctx.db.prisma.party.findFirstOrThrow({
    where: { caseId: rahasiaId, role: "pelapor" },
  });
  await hub.ctx.db.prisma.partyLink.create({
    data: { partyId: secretParty.id, otherPartyId: earlier.parties[0]!.id, basis: "email" },
  });
});
afterAll(async () => {
  await hub.close();
});

it("the intake answer to the front office that typed it is masked as well", () => {
  expectNoLeak(intakeAnswer, "createCase answer");
});

type Summary = { id: string; pelaporName: string | null; keperluan: string };

describe.each(ROLES.map((r) => [r]))("rahasia pelapor as %s", (role) => {
  it("list: masked label, nothing of the identity in the body", async () => {
    const res = await as(role).get<{ data: Summary[] }>("/api/v1/cases");
    expect(res.status).toBe(200);
    expectNoLeak(res, "list");
    expectNoLeak(res, "list (anonim)", ANON_NEEDLES);
    const byId = new Map(res.body.data.map((d) => [d.id, d]));
    expect(byId.get(rahasiaId)!.pelaporName).toBe(LABEL);
    expect(byId.get(textId)!.pelaporName).toBe(LABEL);
    expect(byId.get(textId)!.keperluan).not.toMatch(/zubaidah|7777/i);
    expect(byId.get(normalId)!.pelaporName).toBe("Hatmiati");
    expect(byId.get(anonId)!.pelaporName).toBeNull();
  });

  it("search by name does not find the rahasia pelapor's name; the normal one is found", async () => {
    for (const q of ["Zubaidah", "Siti Zubaidah Rahmawati", "Nama Anonim"]) {
      const res = await as(role).get<{ data: Summary[] }>(
        `/api/v1/cases?q=${encodeURIComponent(q)}`,
      );
      expect(res.status).toBe(200);
      expectNoLeak(res, `search ${q}`);
      expectNoLeak(res, `search ${q} (anonim)`, ANON_NEEDLES);
      expect(res.body.data.map((d) => d.id)).not.toContain(rahasiaId);
      expect(res.body.data.map((d) => d.id)).not.toContain(textId);
      expect(res.body.data.map((d) => d.id)).not.toContain(anonId);
    }
    const normal = await as(role).get<{ data: Summary[] }>("/api/v1/cases?q=hatmi");
    expect(normal.body.data.map((d) => d.id)).toEqual([normalId]);
  });

  it("search by exact NIK or phone finds the rahasia case, masked", async () => {
    for (const q of [NIK, SECRET.phone, "+6281277773141", "081277773141"]) {
      const res = await as(role).get<{ data: Summary[] }>(
        `/api/v1/cases?q=${encodeURIComponent(q)}`,
      );
      expect(res.status, q).toBe(200);
      expectNoLeak(res, `search ${q}`);
      const ids = res.body.data.map((d) => d.id).sort();
      expect(ids, q).toEqual(q === NIK ? [rahasiaId] : [rahasiaId, textId].sort());
      for (const d of res.body.data) expect(d.pelaporName).toBe(LABEL);
    }
    const normal = await as(role).get<{ data: Summary[] }>("/api/v1/cases?q=6309041203100001");
    expect(normal.body.data.map((d) => d.id)).toEqual([normalId]);
  });

  it("detail: masked for every role until an explicit reveal", async () => {
    for (const id of [rahasiaId, textId]) {
      const res = await as(role).get<{
        keperluan: string;
        parties: { role: string; name: string; identityHidden?: boolean }[];
      }>(`/api/v1/cases/${id}`);
      expect(res.status).toBe(200);
      expectNoLeak(res, "detail");
      const p = res.body.parties.find((x) => x.role === "pelapor")!;
      expect(p.name).toBe(LABEL);
      expect(p.identityHidden).toBe(true);
    }
    const anon = await as(role).get<{ parties: { name: string | null }[] }>(
      `/api/v1/cases/${anonId}`,
    );
    expect(anon.body.parties[0]!.name).toBeNull();
    expect(JSON.stringify(anon.body)).not.toContain("Anonim Tersimpan");
    const normal = await as(role).get<{ parties: { name: string }[] }>(`/api/v1/cases/${normalId}`);
    expect(normal.body.parties[0]!.name).toBe("Hatmiati");
  });

  it("monthly report: no identity of the rahasia or anonim pelapor in the CSV", async () => {
    const res = await as(role).get<string>("/api/v1/reports/monthly?month=2026-08&format=csv");
    if (role === "admin") {
      expect(res.status).toBe(403);
      return;
    }
    expect(res.status).toBe(200);
    expectNoLeak(res, "monthly csv");
    expectNoLeak(res, "monthly csv (anonim)", ANON_NEEDLES);
    expect(res.body).toContain("Hatmiati");
  });

  it("reveal: koordinator and kadis only, each reveal audited", async () => {
    const before = await hub.ctx.db.prisma.auditLog.count({
      where: { action: "case.identity.reveal", caseId: rahasiaId },
    });
    const res = await as(role).post<{
      parties: { role: string; name: string; phone: string | null; nikMasked: string | null }[];
    }>(`/api/v1/cases/${rahasiaId}/reveal-identity`, {
      purpose: "Klarifikasi langsung kepada pelapor",
    });
    const after = await hub.ctx.db.prisma.auditLog.findMany({
      where: { action: "case.identity.reveal", caseId: rahasiaId },
      orderBy: { id: "asc" },
    });
    if (role === "koordinator" || role === "kadis") {
      expect(res.status).toBe(200);
      const p = res.body.parties.find((x) => x.role === "pelapor")!;
      expect(p.name).toBe(SECRET.name);
      expect(p.phone).toBe("+6281277773141");
      expect(p.nikMasked).toBe(maskNik(NIK));
      expect(after).toHaveLength(before + 1);
      const row = after.at(-1)!;
      expect(row.purpose).toBe("Klarifikasi langsung kepada pelapor");
      expect(row.fields).toEqual(expect.arrayContaining(["name", "phone", "nik_masked"]));
      expect(JSON.stringify({ ...row, id: String(row.id) })).not.toMatch(/zubaidah|7777/i);
      // A reveal is an access of personal data: the breach report counts it.
      const breach = await breachReport(hub.ctx, { since: row.at, user: `u-${role}` });
      expect(breach.records.find((r) => r.caseId === rahasiaId)?.actions).toContain(
        "case.identity.reveal",
      );
    } else {
      expect(res.status).toBe(403);
      expectNoLeak(res, "refused reveal");
      expect(after).toHaveLength(before);
    }
  });

  it("findings: the finding about the pelapor shows no name or NIK; the narasi is scrubbed", async () => {
    const res = await as(role).get<{ data: { person: { name: string | null }; narasi: string }[] }>(
      `/api/v1/cases/${rahasiaId}/findings`,
    );
    expect(res.status).toBe(200);
    expectNoLeak(res, "findings");
    expect(res.body.data[0]!.person.name).toBe(LABEL);
    expect(res.body.data[0]!.narasi).toBe("Setelah dicek, (dirahasiakan) tercatat nonaktif.");
    const reveal = await as(role).post<{ value: string }>(
      `/api/v1/cases/${rahasiaId}/findings/${findingId}/reveal`,
      { purpose: "Cek SIKS-NG pelapor" },
    );
    if (role === "koordinator" || role === "kadis") {
      expect(reveal.status).toBe(200);
      expect(reveal.body.value).toBe(NIK);
    } else {
      expect(reveal.status).toBe(403);
      expectNoLeak(reveal, "refused finding reveal");
    }
  });

  it("messages: the pelapor's author name and signature are masked", async () => {
    const res = await as(role).get<{ data: { author: string | null; body: string }[] }>(
      `/api/v1/cases/${rahasiaId}/messages`,
    );
    expect(res.status).toBe(200);
    expectNoLeak(res, "messages");
    expect(res.body.data[0]!.author).toBe(LABEL);
    expect(res.body.data[0]!.body).toBe(
      "Mohon ditindaklanjuti. Salam, (dirahasiakan) (dirahasiakan)",
    );
  });

  it("attachment list: the file name does not name the pelapor", async () => {
    const res = await as(role).get<{ data: { fileName: string | null }[] }>(
      `/api/v1/cases/${rahasiaId}/attachments`,
    );
    expect(res.status).toBe(200);
    expectNoLeak(res, "attachments");
    expect(res.body.data[0]!.fileName).toBe("Surat (dirahasiakan).pdf");
  });

  it("party links: a link to or from a rahasia pelapor is listed on neither side", async () => {
    const number = (await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: rahasiaId } }))
      .number;
    for (const id of [linkedId, rahasiaId]) {
      const res = await as(role).get<{ items: unknown[] }>(`/api/v1/cases/${id}/party-links`);
      if (role === "kadis") {
        expect(res.status).toBe(403);
        continue;
      }
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
      expectNoLeak(res, "party links", [...NEEDLES, rahasiaId, number, "Ibu Idah"]);
    }
  });

  it("full NIK/phone reveal of the rahasia pelapor: koordinator and kadis only", async () => {
    const c = await hub.ctx.db.prisma.party.findFirstOrThrow({
      where: { caseId: rahasiaId, role: "pelapor" },
    });
    const res = await as(role).post<{ value: string }>(
      `/api/v1/cases/${rahasiaId}/parties/${c.id}/reveal`,
      { field: "nik", purpose: "Cek SIKS-NG pelapor" },
    );
    if (role === "koordinator" || role === "kadis") {
      expect(res.status).toBe(200);
      expect(res.body.value).toBe(NIK);
    } else {
      expect(res.status).toBe(403);
      expectNoLeak(res, "refused NIK reveal");
    }
  });
});

describe("taking the rahasia flag off", () => {
  it("is refused to the front office and penelaah (it would show the identity), allowed to the koordinator", async () => {
    for (const role of ["front_office", "penelaah"] as const) {
      const cur = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: textId } });
      const res = await as(role).patch(`/api/v1/cases/${textId}`, {
        version: cur.version,
        rahasia: false,
      });
      expect(res.status, role).toBe(403);
      expectNoLeak(res, "refused patch");
      const after = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: textId } });
      expect(after.rahasia).toBe(true);
    }
    const cur = await hub.ctx.db.prisma.case.findUniqueOrThrow({ where: { id: textId } });
    const ok = await as("koordinator").patch(`/api/v1/cases/${textId}`, {
      version: cur.version,
      rahasia: false,
    });
    expect(ok.status).toBe(200);
  });
});

describe("on the embedded database (PGlite)", () => {
  it("lists a rahasia case masked and finds it by exact phone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aduan-rahasia-"));
    const emb = await startTestHub({
      name: "rahasia-embedded",
      embedded: true,
      env: { ADUAN_DATA_DIR: dir, DATABASE_URL: "" },
    });
    try {
      expect(emb.ctx.db.kind).toBe("pglite");
      const { token } = await userWithToken(emb, "ko-embedded", "koordinator");
      const api = apiClient(emb, token);
      const made = await api.post<{ id: string }>("/api/v1/cases", {
        channel: "telepon",
        rahasia: true,
        pelapor: { name: SECRET.name, phone: SECRET.phone },
        keperluan: "Ibu Siti Zubaidah Rahmawati takut dicoret dari PKH",
      });
      expect(made.status).toBe(201);
      for (const path of ["/api/v1/cases", `/api/v1/cases?q=${encodeURIComponent(SECRET.phone)}`]) {
        const res = await api.get<{ data: Summary[] }>(path);
        expect(res.status).toBe(200);
        expectNoLeak(res, `embedded ${path}`);
        expect(res.body.data.map((d) => [d.id, d.pelaporName, d.keperluan])).toEqual([
          [made.body.id, LABEL, "Ibu (dirahasiakan) takut dicoret dari PKH"],
        ]);
      }
    } finally {
      await emb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
