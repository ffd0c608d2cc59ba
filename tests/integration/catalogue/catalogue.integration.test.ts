import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureCatalogues } from "../../../src/services/catalogue.service.js";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";

type Catalogue = {
  version: number;
  source: string;
  note: string | null;
  createdBy: { username: string } | null;
  codes: { id: string; label: string; narasi: string; programmes: string[] }[];
  created?: boolean;
};
type JenisCatalogue = { version: number; codes: { code: string; label: string }[] };
type ErrorBody = { code: string; fields?: { field: string; message: string }[] };

let hub: TestHub;
let admin: ReturnType<typeof apiClient>;
let fo: ReturnType<typeof apiClient>;

beforeAll(async () => {
  hub = await startTestHub({ name: "catalogue" });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  await resetDb(hub);
  admin = apiClient(hub, (await userWithToken(hub, "admin1", "admin")).token);
  fo = apiClient(hub, (await userWithToken(hub, "fo1", "front_office")).token);
});

const newCode = {
  programmes: ["PKH", "BPNT"],
  label: "Rekening KKS diblokir bank",
  statusSeen: ["SUSPEND"],
  narasi:
    "Petugas menerima aduan dari {{sapaan}} {{nama_pelapor}} terkait bantuan {{program}}{{atas_nama}}, hasil pengecekan SIKS-NG menunjukkan rekening diblokir bank.",
  saran: "Silakan menghubungi bank penyalur.",
  jenis: null,
  bidang: "LINJAMSOS",
  note: "temuan baru dari bank",
};

describe("catalogue versions", () => {
  it("loads the shipped files once as version 1 (idempotent)", async () => {
    const res = await fo.get<Catalogue>("/api/v1/catalogue/reason-codes");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 1, source: "file", createdBy: null });
    expect(res.body.codes.map((c) => c.id)).toContain("EXCLUDE_MAMPU_MUSDES");
    expect(await ensureCatalogues(hub.ctx)).toEqual([]);
    expect(await ensureCatalogues(hub.ctx)).toEqual([]);
    expect(await hub.ctx.db.prisma.catalogueVersion.count()).toBe(2);
    const jenis = await fo.get<JenisCatalogue>("/api/v1/catalogue/jenis");
    expect(jenis.body.codes.map((j) => j.code)).toEqual([
      "PBI_JK_REAKTIVASI",
      "ASLUT",
      "BPNT",
      "PKH",
      "RASDA",
      "RUTILAHU",
      "KKS_HILANG",
      "LAIN_LAIN",
    ]);
  });

  it("an admin edit creates a new version, listed in the history, used by findings", async () => {
    const put = await admin.put<Catalogue>(
      "/api/v1/catalogue/reason-codes/REKENING_DIBLOKIR",
      newCode,
    );
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ version: 2, source: "admin", created: true });
    expect(put.body.createdBy?.username).toBe("admin1");
    expect(put.body.codes.find((c) => c.id === "REKENING_DIBLOKIR")?.label).toBe(newCode.label);

    const history = await fo.get<{ versions: Catalogue[] }>(
      "/api/v1/catalogue/reason-codes/versions",
    );
    expect(history.body.versions.map((v) => [v.version, v.source, v.note])).toEqual([
      [2, "admin", "temuan baru dari bank"],
      [1, "file", expect.stringContaining("reason-codes.v2.json")],
    ]);

    const c = await fo.post<{ id: string }>("/api/v1/cases", {
      channel: "datang_langsung",
      pelapor: { name: "Hernianti", sex: "P" },
      keperluan: "PKH tidak cair",
    });
    const f = await fo.post<{ narasi: string; catalogueVersion: number }>(
      `/api/v1/cases/${c.body.id}/findings`,
      {
        programme: "PKH",
        statusSeen: "SUSPEND",
        reasonCode: "REKENING_DIBLOKIR",
        person: "pelapor",
      },
    );
    expect(f.status).toBe(201);
    expect(f.body.catalogueVersion).toBe(2);
    expect(f.body.narasi).toContain("Ibu Hernianti terkait bantuan PKH, hasil pengecekan");

    // Retire: a new version without it; the finding keeps its code and version.
    const del = await admin.del<Catalogue>("/api/v1/catalogue/reason-codes/REKENING_DIBLOKIR");
    expect(del.status).toBe(200);
    expect(del.body.version).toBe(3);
    expect(del.body.codes.some((x) => x.id === "REKENING_DIBLOKIR")).toBe(false);
    const list = await fo.get<{
      data: { reasonCode: string; catalogueVersion: number; reasonLabel: string | null }[];
    }>(`/api/v1/cases/${c.body.id}/findings`);
    expect(list.body.data[0]).toMatchObject({
      reasonCode: "REKENING_DIBLOKIR",
      catalogueVersion: 2,
      reasonLabel: null,
    });
    const again = await fo.post<ErrorBody>(`/api/v1/cases/${c.body.id}/findings`, {
      programme: "PKH",
      statusSeen: "SUSPEND",
      reasonCode: "REKENING_DIBLOKIR",
      person: "pelapor",
    });
    expect(again.body.code).toBe("REASON_CODE_UNKNOWN");
    expect((await admin.del("/api/v1/catalogue/reason-codes/REKENING_DIBLOKIR")).status).toBe(404);
  });

  it("non-admins get 403 and nothing is stored", async () => {
    const res = await fo.put<ErrorBody>(
      "/api/v1/catalogue/reason-codes/REKENING_DIBLOKIR",
      newCode,
    );
    expect(res.status).toBe(403);
    expect((await fo.put("/api/v1/catalogue/jenis/BANSOS_YATIM", { label: "x" })).status).toBe(403);
    expect((await fo.del("/api/v1/catalogue/reason-codes/LAIN_LAIN")).status).toBe(403);
    expect(await hub.ctx.db.prisma.catalogueVersion.count({ where: { source: "admin" } })).toBe(0);
  });

  it.each([
    [
      "unknown template variable",
      { narasi: "Aduan dari {{nama_pelapor}} {{alamat}}" },
      "body.narasi",
    ],
    ["narasi without the complainant", { narasi: "Hasilnya EXCLUDE." }, "body.narasi"],
    ["unknown programme", { programmes: ["BLT"] }, "body.programmes.0"],
    ["unknown jenis", { jenis: "BANSOS_YATIM" }, "body.jenis"],
  ])("invalid edit (%s) → 422 naming the path, nothing stored", async (_n, over, field) => {
    const res = await admin.put<ErrorBody>("/api/v1/catalogue/reason-codes/REKENING_DIBLOKIR", {
      ...newCode,
      ...over,
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("CATALOGUE_INVALID");
    expect(res.body.fields?.map((f) => f.field)).toContain(field);
    expect(await hub.ctx.db.prisma.catalogueVersion.count({ where: { source: "admin" } })).toBe(0);
  });

  it("a lowercase code id is refused naming the path parameter", async () => {
    const res = await admin.put<ErrorBody>("/api/v1/catalogue/reason-codes/rekening", newCode);
    expect(res.status).toBe(422);
    expect(res.body.fields?.[0]?.field).toBe("params.code");
  });
});

describe("jenis", () => {
  it("admin adds a jenis; reason codes and intake may then use it", async () => {
    const put = await admin.put<JenisCatalogue & { created: boolean }>(
      "/api/v1/catalogue/jenis/ATENSI_YATIM",
      { label: "Bantuan ATENSI anak yatim piatu", note: "permintaan kabid Rehsos" },
    );
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ version: 2, created: true });
    const rename = await admin.put<JenisCatalogue & { created: boolean }>(
      "/api/v1/catalogue/jenis/ATENSI_YATIM",
      { label: "ATENSI Yatim Piatu" },
    );
    expect(rename.body).toMatchObject({ version: 3, created: false });
    expect(rename.body.codes.find((j) => j.code === "ATENSI_YATIM")?.label).toBe(
      "ATENSI Yatim Piatu",
    );
    const code = await admin.put("/api/v1/catalogue/reason-codes/REKENING_DIBLOKIR", {
      ...newCode,
      jenis: "ATENSI_YATIM",
    });
    expect(code.status).toBe(200);
    const c = await fo.post<{ jenis: string; jenisDecision: string }>("/api/v1/cases", {
      channel: "datang_langsung",
      pelapor: { name: "Rohani" },
      keperluan: "Bantuan anak yatim",
      jenis: "ATENSI_YATIM",
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ jenis: "ATENSI_YATIM", jenisDecision: "overridden" });
    const bad = await admin.put<ErrorBody>("/api/v1/catalogue/jenis/atensi", { label: "x" });
    expect(bad.status).toBe(422);
    expect(bad.body.fields?.[0]?.field).toBe("params.code");
  });

  it("suggests a jenis on intake and records accept / override", async () => {
    const suggested = await fo.post<{
      id: string;
      jenis: string;
      jenisSuggested: string;
      jenisDecision: string;
      version: number;
    }>("/api/v1/cases", {
      channel: "datang_langsung",
      pelapor: { name: "Hatmiati" },
      keperluan: "Saldo Bpnt 0 sejak bulan lalu",
    });
    expect(suggested.body).toMatchObject({
      jenis: "BPNT",
      jenisSuggested: "BPNT",
      jenisDecision: "suggested",
    });
    const accepted = await fo.post<{ jenis: string; jenisDecision: string }>("/api/v1/cases", {
      channel: "datang_langsung",
      pelapor: { name: "Hairudin" },
      keperluan: "BPJS JKN tidak aktif",
      jenis: "PBI_JK_REAKTIVASI",
    });
    expect(accepted.body).toMatchObject({ jenis: "PBI_JK_REAKTIVASI", jenisDecision: "accepted" });

    const override = await fo.patch<{
      jenis: string;
      jenisSuggested: string;
      jenisDecision: string;
      events: { type: string; data: Record<string, unknown> }[];
    }>(`/api/v1/cases/${suggested.body.id}`, { version: suggested.body.version, jenis: "PKH" });
    expect(override.status).toBe(200);
    expect(override.body).toMatchObject({
      jenis: "PKH",
      jenisSuggested: "BPNT",
      jenisDecision: "overridden",
    });
    expect(override.body.events.at(-1)?.data).toMatchObject({ jenis: { from: "BPNT", to: "PKH" } });

    const unknownCreate = await fo.post<ErrorBody>("/api/v1/cases", {
      channel: "datang_langsung",
      pelapor: { name: "Hatmiati" },
      keperluan: "Saldo Bpnt 0",
      jenis: "BANSOS_YATIM",
    });
    expect(unknownCreate.status).toBe(422);
    expect(unknownCreate.body).toMatchObject({
      code: "JENIS_UNKNOWN",
      fields: [{ field: "body.jenis" }],
    });
    const unknownPatch = await fo.patch<ErrorBody>(`/api/v1/cases/${suggested.body.id}`, {
      version: 2,
      jenis: "BANSOS_YATIM",
    });
    expect(unknownPatch.status).toBe(422);
    expect(unknownPatch.body.code).toBe("JENIS_UNKNOWN");
    expect(await hub.ctx.db.prisma.case.count()).toBe(2);
    const row = await hub.ctx.db.prisma.case.findUniqueOrThrow({
      where: { id: suggested.body.id },
    });
    expect(row).toMatchObject({ jenis: "PKH", version: 2 });
  });
});
