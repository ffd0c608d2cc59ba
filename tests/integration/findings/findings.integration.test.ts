import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
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

type Finding = {
  id: string;
  caseId: string;
  reasonCode: string;
  catalogueVersion: number;
  person: { role: string; name: string | null; sex: string | null; nikMasked: string | null };
  narasiGenerated: string;
  narasiEdited: string | null;
  narasi: string;
  saran: string | null;
  evidenceId: string | null;
};
type ErrorBody = { code: string; fields?: { field: string; message: string }[] };

let hub: TestHub;
let dataDir: string;
let fo: ReturnType<typeof apiClient>;
let pen: ReturnType<typeof apiClient>;
let kadis: ReturnType<typeof apiClient>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "aduan-findings-"));
  hub = await startTestHub({ name: "findings", env: { ADUAN_DATA_DIR: dataDir } });
});
afterAll(async () => {
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(async () => {
  await resetDb(hub);
  fo = apiClient(hub, (await userWithToken(hub, "fo1", "front_office")).token);
  pen = apiClient(hub, (await userWithToken(hub, "pen1", "penelaah", "LINJAMSOS")).token);
  kadis = apiClient(hub, (await userWithToken(hub, "kadis1", "kadis")).token);
});

async function newCase(
  pelapor: Record<string, unknown>,
  atasNama?: Record<string, unknown>,
): Promise<string> {
  const res = await fo.post<{ id: string }>("/api/v1/cases", {
    channel: "datang_langsung",
    pelapor,
    ...(atasNama ? { atasNama } : {}),
    keperluan: "Bantuan PKH tidak masuk lagi",
  });
  expect(res.status).toBe(201);
  // The penelaah of these tests works LINJAMSOS cases only (issue 13): the case is theirs.
  await hub.ctx.db.sql.query(`UPDATE "Case" SET bidang = 'LINJAMSOS' WHERE id = $1`, [res.body.id]);
  return res.body.id;
}

const exclude = (over: Record<string, unknown> = {}) => ({
  programme: "PKH",
  statusSeen: "EXCLUDE",
  reasonCode: "EXCLUDE_MAMPU_MUSDES",
  dataPeriod: "DTSEN triwulan II 2025",
  person: "pelapor",
  ...over,
});

const counts = async () => ({
  findings: await hub.ctx.db.prisma.finding.count(),
  events: await hub.ctx.db.prisma.caseEvent.count({ where: { type: { startsWith: "finding." } } }),
});

describe("recording a finding", () => {
  it("renders the narasi with the complainant's own name and the person concerned", async () => {
    const id = await newCase(
      { name: "Hatmiati", sex: "P", phone: "085845240653" },
      { name: "Muhammad Rizki", nik: "6309041203100001" },
    );
    const res = await fo.post<Finding>(
      `/api/v1/cases/${id}/findings`,
      exclude({ person: "atas_nama", note: "dicek bersama pendamping" }),
    );
    expect(res.status).toBe(201);
    expect(res.body.narasiGenerated).toBe(
      "Petugas menerima aduan dari Ibu Hatmiati terkait bantuan PKH atas nama Muhammad Rizki yang tidak masuk, petugas melakukan penelusuran data pada SIKS-NG (DTSEN triwulan II 2025), hasilnya EXCLUDE (mampu dari hasil musdes). Catatan petugas: dicek bersama pendamping",
    );
    expect(res.body.narasi).toBe(res.body.narasiGenerated);
    expect(res.body.saran).toMatch(/musyawarah desa/);
    expect(res.body.person).toMatchObject({
      role: "atas_nama",
      name: "Muhammad Rizki",
      sex: "L",
      nikMasked: "6309********0001",
    });
    expect(res.body.catalogueVersion).toBe(1);

    const list = await pen.get<{ data: Finding[] }>(`/api/v1/cases/${id}/findings`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((f) => f.id)).toEqual([res.body.id]);
    const c = await fo.get<{ events: { type: string; data: Record<string, unknown> }[] }>(
      `/api/v1/cases/${id}`,
    );
    const ev = c.body.events.find((e) => e.type === "finding.recorded");
    expect(ev?.data).toMatchObject({ findingId: res.body.id, reasonCode: "EXCLUDE_MAMPU_MUSDES" });
    const audits = await hub.ctx.db.prisma.auditLog.findMany({
      where: { caseId: id, action: { startsWith: "finding." } },
    });
    expect(audits.map((a) => a.action).sort()).toEqual(["finding.create", "finding.read"]);
  });

  it("uses every honorific branch: recorded sex, NIK rule, Bapak/Ibu by default", async () => {
    const sapaanFor = async (caseId: string) => {
      const r = await fo.post<Finding>(`/api/v1/cases/${caseId}/findings`, exclude());
      expect(r.status).toBe(201);
      return /aduan dari (\S+) /.exec(r.body.narasi)?.[1];
    };
    expect(await sapaanFor(await newCase({ name: "Hairudin", sex: "L" }))).toBe("Bapak");
    expect(await sapaanFor(await newCase({ name: "Rusmailin", sex: "P" }))).toBe("Ibu");
    expect(await sapaanFor(await newCase({ name: "Kartini" }))).toBe("Bapak/Ibu");

    // A party recorded without sex (e.g. from another channel) but with a NIK: day + 40 → Ibu.
    const woman = await newCase({ name: "Hernianti", nik: "6309045203900002" });
    const man = await newCase({ name: "Jumberi", nik: "6309041203900003" });
    await hub.ctx.db.prisma.party.updateMany({
      where: { caseId: { in: [woman, man] } },
      data: { sex: null },
    });
    expect(await sapaanFor(woman)).toBe("Ibu");
    expect(await sapaanFor(man)).toBe("Bapak");
  });

  it("never takes a name from another case", async () => {
    const a = await newCase({ name: "Siti Ratul Juwita", sex: "P" });
    const b = await newCase({ name: "Arsiah", sex: "P" }, { name: "Purnama" });
    await fo.post(`/api/v1/cases/${b}/findings`, exclude({ person: "atas_nama" }));
    const ra = await fo.post<Finding>(`/api/v1/cases/${a}/findings`, exclude());
    expect(ra.body.narasi).toContain("Ibu Siti Ratul Juwita");
    expect(ra.body.narasi).not.toMatch(/Arsiah|Purnama|atas nama/);
    const rb = await fo.post<Finding>(`/api/v1/cases/${b}/findings/preview`, exclude());
    expect(rb.body.narasi).toContain("Ibu Arsiah");
    expect(rb.body.narasi).not.toContain("Siti");
  });

  it("records a finding about another person, validating the NIK", async () => {
    const id = await newCase({ name: "Hamdanah", sex: "P" });
    const ok = await pen.post<Finding>(
      `/api/v1/cases/${id}/findings`,
      exclude({ person: { name: "Ahmad Yani", nik: "6309041203800005" } }),
    );
    expect(ok.status).toBe(201);
    expect(ok.body.person).toMatchObject({
      role: "lainnya",
      sex: "L",
      nikMasked: "6309********0005",
    });
    expect(ok.body.narasi).toContain("dari Ibu Hamdanah terkait bantuan PKH atas nama Ahmad Yani");
    const row = await hub.ctx.db.prisma.finding.findUniqueOrThrow({ where: { id: ok.body.id } });
    expect(Buffer.from(row.nikCipher!).toString("latin1")).not.toContain("6309041203800005");
    expect(row.nikHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("preview renders without storing", async () => {
    const id = await newCase({ name: "Hatmiati", sex: "P" });
    const before = await counts();
    const res = await fo.post<{ narasi: string; saran: string | null; sapaan: string }>(
      `/api/v1/cases/${id}/findings/preview`,
      exclude({ reasonCode: "PBI_JK_NONAKTIF_PUSAT", programme: "PBI_JK", statusSeen: "NONAKTIF" }),
    );
    expect(res.status).toBe(200);
    expect(res.body.sapaan).toBe("Ibu");
    expect(res.body.narasi).toContain("Hatmiati");
    expect(await counts()).toEqual(before);
  });
});

describe("refusals store nothing", () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ["unknown code", { reasonCode: "TIDAK_ADA" }, "REASON_CODE_UNKNOWN", "body.reasonCode"],
    [
      "code not valid for the programme",
      { reasonCode: "KOMPONEN_PKH_HABIS", programme: "BPNT" },
      "REASON_CODE_PROGRAMME_MISMATCH",
      "body.programme",
    ],
    [
      "missing template variable",
      { reasonCode: "LAIN_LAIN", programme: "PKH" },
      "NARASI_VARIABLE_MISSING",
      "body.note",
    ],
    [
      "bad NIK",
      { person: { name: "Ahmad", nik: "9909041203800005" } },
      "NIK_INVALID",
      "body.person.nik",
    ],
    ["atas_nama absent", { person: "atas_nama" }, "PERSON_NOT_ON_CASE", "body.person"],
    [
      "evidence of no attachment",
      { evidenceId: "00000000-0000-4000-8000-000000000000" },
      "EVIDENCE_NOT_FOUND",
      "body.evidenceId",
    ],
  ];
  it.each(cases)("%s → 422", async (_name, over, code, field) => {
    const id = await newCase({ name: "Hatmiati", sex: "P" });
    const before = await counts();
    for (const path of ["findings", "findings/preview"]) {
      const res = await fo.post<ErrorBody>(`/api/v1/cases/${id}/${path}`, exclude(over));
      expect(res.status).toBe(422);
      expect(res.body.code).toBe(code);
      expect(res.body.fields?.[0]?.field).toBe(field);
    }
    expect(await counts()).toEqual(before);
  });

  it("names the missing variable", async () => {
    const id = await newCase({ name: "Hatmiati", sex: "P" });
    const res = await fo.post<ErrorBody & { message: string }>(
      `/api/v1/cases/${id}/findings`,
      exclude({ reasonCode: "LAIN_LAIN" }),
    );
    expect(res.body.message).toContain("catatan");
  });

  it("kadis cannot record; unknown case is 404", async () => {
    const id = await newCase({ name: "Hatmiati", sex: "P" });
    expect((await kadis.post(`/api/v1/cases/${id}/findings`, exclude())).status).toBe(403);
    const missing = await fo.post<ErrorBody>(
      "/api/v1/cases/00000000-0000-4000-8000-000000000000/findings",
      exclude(),
    );
    expect(missing.status).toBe(404);
  });
});

describe("editing the narasi", () => {
  it("keeps the edit beside the generated text and shows it in the timeline", async () => {
    const id = await newCase({ name: "Hatmiati", sex: "P" });
    const f = await fo.post<Finding>(`/api/v1/cases/${id}/findings`, exclude());
    const edited = "Narasi yang diperbaiki petugas untuk Ibu Hatmiati.";
    const res = await pen.patch<Finding>(`/api/v1/cases/${id}/findings/${f.body.id}`, {
      narasiEdited: edited,
    });
    expect(res.status).toBe(200);
    expect(res.body.narasiEdited).toBe(edited);
    expect(res.body.narasi).toBe(edited);
    expect(res.body.narasiGenerated).toBe(f.body.narasiGenerated);
    const c = await fo.get<{ events: { type: string; data: Record<string, unknown> }[] }>(
      `/api/v1/cases/${id}`,
    );
    expect(c.body.events.map((e) => e.type)).toEqual([
      "case.created",
      "finding.recorded",
      "finding.narasi_edited",
    ]);
    const reverted = await pen.patch<Finding>(`/api/v1/cases/${id}/findings/${f.body.id}`, {
      narasiEdited: null,
    });
    expect(reverted.body.narasi).toBe(f.body.narasiGenerated);
    const other = await newCase({ name: "Arsiah", sex: "P" });
    const wrongCase = await pen.patch(`/api/v1/cases/${other}/findings/${f.body.id}`, {
      narasiEdited: "x",
    });
    expect(wrongCase.status).toBe(404);
  });
});

// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

async function upload(
  token: string,
  caseId: string,
  body: Buffer,
  type: string,
  name = "cek%20siks.png",
) {
  const res = await fetch(`${hub.url}/api/v1/cases/${caseId}/attachments`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": type, "x-file-name": name },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

describe("evidence files", () => {
  it("stores the screenshot encrypted, streams it back, and links it to a finding", async () => {
    const { token } = await userWithToken(hub, "fo2", "front_office");
    const id = await newCase({ name: "Hatmiati", sex: "P" });
    const up = await upload(token, id, PNG, "image/png");
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      mime: "image/png",
      size: PNG.length,
      fileName: "cek siks.png",
    });
    const row = await hub.ctx.db.prisma.attachment.findUniqueOrThrow({
      where: { id: String(up.body.id) },
    });
    expect(row.encrypted).toBe(true);
    expect(row.keyId).toBe("k1");
    expect(row.storagePath).toMatch(/^files\/\d{4}\/\d{2}\/[0-9a-f-]{36}$/);
    const onDisk = readFileSync(join(dataDir, row.storagePath!));
    expect(onDisk.includes(PNG.subarray(0, 8))).toBe(false);
    expect(onDisk.length).toBeGreaterThan(PNG.length);
    expect(filesUnder(join(dataDir, "files")).some((f) => f.endsWith(".part"))).toBe(false);

    const get = await fetch(`${hub.url}/api/v1/cases/${id}/attachments/${String(up.body.id)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await get.arrayBuffer()).equals(PNG)).toBe(true);
    expect(
      await hub.ctx.db.prisma.auditLog.count({ where: { action: "attachment.read", caseId: id } }),
    ).toBe(1);

    const f = await fo.post<Finding>(
      `/api/v1/cases/${id}/findings`,
      exclude({ evidenceId: up.body.id }),
    );
    expect(f.status).toBe(201);
    expect(f.body.evidenceId).toBe(up.body.id);
    // Evidence of one case cannot be read through another.
    const other = await newCase({ name: "Arsiah" });
    const cross = await fetch(
      `${hub.url}/api/v1/cases/${other}/attachments/${String(up.body.id)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(cross.status).toBe(404);
  });

  it("refuses other types, disguised files and files over 5 MB, storing nothing", async () => {
    const { token } = await userWithToken(hub, "fo3", "front_office");
    const id = await newCase({ name: "Hatmiati", sex: "P" });
    const exe = await upload(
      token,
      id,
      Buffer.from("MZ\x90\x00 not an image"),
      "application/x-msdownload",
    );
    expect(exe.status).toBe(415);
    expect(exe.body.code).toBe("ATTACHMENT_TYPE_REFUSED");
    const disguised = await upload(token, id, Buffer.from("MZ\x90\x00 not an image"), "image/png");
    expect(disguised.status).toBe(415);
    expect(disguised.body.code).toBe("ATTACHMENT_TYPE_REFUSED");
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const tooBig = await upload(token, id, big, "image/png");
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.code).toBe("ATTACHMENT_TOO_LARGE");
    expect(await hub.ctx.db.prisma.attachment.count()).toBe(0);
    const kadisToken = (await userWithToken(hub, "kadis2", "kadis")).token;
    expect((await upload(kadisToken, id, PNG, "image/png")).status).toBe(403);
  });
});
