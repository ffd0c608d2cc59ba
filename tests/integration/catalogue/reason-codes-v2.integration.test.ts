// Issue 16: reason-code catalogue version 2 rewords BANTUAN_BERPROSES (no more "pencairan
// tahap selanjutnya" the office never wrote) and adds three outcomes. A hub that ran on
// version 1 picks version 2 up from the repository; findings recorded on version 1 keep the
// text they were rendered with, in the API and in the printed monthly report.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JENIS } from "../../../src/domain/jenis.js";
import {
  currentReasonCatalogue,
  ensureCatalogues,
  JENIS_FILE_VERSION,
} from "../../../src/services/catalogue.service.js";
import {
  apiClient,
  resetDb,
  startTestHub,
  userWithToken,
  type TestHub,
} from "../../helpers/test-hub.js";

const V1 = JSON.parse(readFileSync("adapters/siks-ng/reason-codes.v1.json", "utf8")) as {
  codes: unknown[];
};

type Finding = { id: string; catalogueVersion: number; narasi: string; reasonCode: string };

describe("reason-code catalogue version 2 over findings of version 1", () => {
  let hub: TestHub;
  let fo: ReturnType<typeof apiClient>;
  let kadisToken: string;

  beforeAll(async () => {
    hub = await startTestHub({ name: "reason-codes-v2" });
    // The hub has seeded its catalogues once (as at boot); the database is then emptied
    // and given what a hub of the previous release left.
    await currentReasonCatalogue(hub.ctx);
    await resetDb(hub);
    // The database as a hub of the previous release left it: version 1 of each catalogue.
    await hub.ctx.db.prisma.catalogueVersion.createMany({
      data: [
        {
          kind: "jenis",
          version: 1,
          source: "file",
          note: "uji",
          data: {
            version: 1,
            fileVersion: JENIS_FILE_VERSION,
            codes: JENIS.map((j) => ({ code: j.code, label: j.label })),
          },
        },
        {
          kind: "reason_codes",
          version: 1,
          source: "file",
          note: "berkas adapters/siks-ng/reason-codes.v1.json (versi berkas 1)",
          data: { version: 1, fileVersion: 1, codes: V1.codes as never },
        },
      ],
    });
    fo = apiClient(hub, (await userWithToken(hub, "fo16", "front_office")).token);
    ({ token: kadisToken } = await userWithToken(hub, "kadis16b", "kadis"));
  });
  afterAll(async () => {
    await hub?.close();
  });

  async function newCase(name: string): Promise<string> {
    const res = await fo.post<{ id: string }>("/api/v1/cases", {
      channel: "datang_langsung",
      pelapor: { name },
      keperluan: "Saldo BPNT belum masuk",
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const berproses = {
    programme: "BPNT",
    statusSeen: "AKTIF",
    reasonCode: "BANTUAN_BERPROSES",
    person: "pelapor",
  };

  it("keeps the text of a version-1 finding after version 2 is loaded", async () => {
    const before = await fo.get<{ version: number }>("/api/v1/catalogue/reason-codes");
    expect(before.body.version).toBe(1);
    const id = await newCase("Rina Yuliani");
    const f1 = await fo.post<Finding>(`/api/v1/cases/${id}/findings`, berproses);
    expect(f1.status).toBe(201);
    expect(f1.body.catalogueVersion).toBe(1);
    // Version 1's wording, and its greeting for an unknown sex: "Bapak/Ibu", never "Sdr.".
    expect(f1.body.narasi).toContain("pencairan tahap selanjutnya");
    expect(f1.body.narasi).toContain("dari Bapak/Ibu Rina Yuliani");

    // The repository ships version 2: a running hub adds it as the next version.
    const added = await ensureCatalogues(hub.ctx);
    expect(added).toEqual([{ kind: "reason_codes", version: 2 }]);
    const after = await fo.get<{ version: number; codes: { id: string }[] }>(
      "/api/v1/catalogue/reason-codes",
    );
    expect(after.body.version).toBe(2);
    for (const code of [
      "DITERUSKAN_KEPADA_PIMPINAN",
      "KOORDINASI_BIDANG",
      "BERPROSES_TANPA_CEK_SIKS",
    ])
      expect(after.body.codes.map((c) => c.id)).toContain(code);

    const listed = await fo.get<{ data: Finding[] }>(`/api/v1/cases/${id}/findings`);
    const old = listed.body.data.find((f) => f.id === f1.body.id)!;
    expect(old.catalogueVersion).toBe(1);
    expect(old.narasi).toBe(f1.body.narasi);

    // A new finding with the same code renders version 2's text.
    const id2 = await newCase("Hartati");
    const f2 = await fo.post<Finding>(`/api/v1/cases/${id2}/findings`, berproses);
    expect(f2.body.catalogueVersion).toBe(2);
    expect(f2.body.narasi).not.toContain("tahap selanjutnya");
    expect(f2.body.narasi).toContain("hasilnya saat ini sedang berproses.");

    // The printed report carries each finding's own text.
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const res = await fetch(`${hub.url}/api/v1/reports/monthly?month=${month}&format=csv`, {
      headers: { authorization: `Bearer ${kadisToken}` },
    });
    const csv = await res.text();
    expect(csv).toContain(f1.body.narasi);
    expect(csv).toContain(f2.body.narasi);
  });
});
