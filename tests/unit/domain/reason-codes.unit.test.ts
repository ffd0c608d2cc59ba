import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  renderNarasi,
  TEMPLATE_VARIABLES,
  parseTemplate,
  templateVariables,
  type Sapaan,
} from "../../../src/domain/narasi.js";
import {
  CatalogueError,
  defaultCatalogue,
  loadCatalogue,
  parseCatalogue,
  PROGRAMMES,
  validateFinding,
} from "../../../src/domain/reason-codes.js";

const rawJson = JSON.parse(
  readFileSync(new URL("../../../adapters/siks-ng/reason-codes.v1.json", import.meta.url), "utf8"),
) as { version: number; codes: Array<Record<string, unknown>> };

const clone = (): { version: number; codes: Array<Record<string, unknown>> } =>
  JSON.parse(JSON.stringify(rawJson)) as { version: number; codes: Array<Record<string, unknown>> };

const REQUIRED_IDS = [
  "EXCLUDE_MAMPU_MUSDES",
  "EXCLUDE_TANPA_KETERANGAN",
  "EXCLUDE_GAGAL_CEK_REKENING",
  "EXCLUDE_MENINGGAL",
  "EXCLUDE_ASN_TNI_POLRI",
  "DATA_TIDAK_PADAN_DUKCAPIL",
  "PBI_JK_NONAKTIF_PUSAT",
  "PBI_JK_NONAKTIF_REAKTIVASI",
  "BELUM_TERDAFTAR_DTSEN",
  "TIDAK_DIUSULKAN_DESA",
  "KOMPONEN_PKH_HABIS",
  "BANSOS_SEMENTARA",
  "BANTUAN_BERPROSES",
  "DATA_SEDANG_DIPERBAIKI",
  "KKS_HILANG_CETAK_ULANG",
  "PINDAH_DOMISILI_PEMADANAN",
  "RUJUKAN_LINJAMSOS_BENCANA",
  "RUJUKAN_REHSOS_KEDARURATAN",
  "RUMAH_SINGGAH",
  "TIDAK_LAYAK_SK_KEMISKINAN",
  "LAIN_LAIN",
];

describe("reason-code catalogue v1", () => {
  const catalogue = loadCatalogue(rawJson); // version 1 (reason-codes.v1.json)

  it("loads from the repository file and covers the issue's findings", () => {
    expect(catalogue.version).toBe(1);
    for (const id of REQUIRED_IDS) expect(catalogue.byId.has(id), id).toBe(true);
  });

  it("version 2 keeps every code of version 1 and adds the missing outcomes", () => {
    const v2 = defaultCatalogue();
    expect(v2.version).toBe(2);
    for (const code of catalogue.codes) expect(v2.byId.has(code.id), code.id).toBe(true);
    for (const id of [
      "DITERUSKAN_KEPADA_PIMPINAN",
      "KOORDINASI_BIDANG",
      "BERPROSES_TANPA_CEK_SIKS",
    ])
      expect(v2.byId.has(id), id).toBe(true);
    expect(v2.byId.get("BERPROSES_TANPA_CEK_SIKS")?.narasi).not.toMatch(/SIKS-NG/);
    expect(v2.byId.get("DITERUSKAN_KEPADA_PIMPINAN")?.narasi).not.toMatch(/tidak layak|SIKS/);
    // "pencairan tahap selanjutnya" is no longer added to a plain "sedang berproses".
    expect(v2.byId.get("BANTUAN_BERPROSES")?.narasi).not.toMatch(/tahap selanjutnya/);
  });

  it("uses only known template variables", () => {
    for (const code of catalogue.codes) {
      for (const template of [code.narasi, code.saran]) {
        if (template === null) continue;
        const parsed = parseTemplate(template);
        expect(parsed.ok, `${code.id}: ${template}`).toBe(true);
        if (!parsed.ok) continue;
        for (const v of templateVariables(parsed.value).used)
          expect(TEMPLATE_VARIABLES).toContain(v);
      }
    }
  });

  const SAPAAN: Sapaan[] = ["Bapak", "Ibu", "Bapak/Ibu"];
  const cases = catalogue.codes.flatMap((code) =>
    SAPAAN.map((sapaan) => [code.id, sapaan] as const),
  );

  it.each(cases)("%s renders with %s, fully resolved", (id, sapaan) => {
    const code = catalogue.byId.get(id);
    if (!code) throw new Error(id);
    const programme = code.programmes[0] ?? "LAINNYA";
    const rendered = renderNarasi(code, {
      sapaan,
      nama_pelapor: "Siti Aminah",
      nama_terkait: "Muhammad Rizki",
      program: programme,
      periode: "DTSEN triwulan III 2026",
      catatan: "Data dukung lengkap.",
    });
    expect(rendered.ok).toBe(true);
    if (!rendered.ok) return;
    const { narasi, saran } = rendered.value;
    expect(narasi).toContain(`${sapaan} Siti Aminah`);
    expect(narasi).toContain("atas nama Muhammad Rizki");
    for (const text of [narasi, saran ?? ""]) {
      expect(text).not.toMatch(/\{\{|\}\}/);
      expect(text).not.toMatch(/ {2}| [.,]/);
    }
  });

  it.each(catalogue.codes.map((c) => [c.id] as const))(
    "%s renders without the optional variables",
    (id) => {
      const code = catalogue.byId.get(id);
      if (!code) throw new Error(id);
      const rendered = renderNarasi(code, {
        sapaan: "Ibu",
        nama_pelapor: "Hatmiati",
        program: code.programmes[0] ?? "LAINNYA",
        ...(id === "LAIN_LAIN" ? { catatan: "Menanyakan jadwal pelayanan." } : {}),
      });
      expect(rendered.ok).toBe(true);
      if (!rendered.ok) return;
      expect(rendered.value.narasi).not.toMatch(/\{\{|\(\)|Catatan petugas|atas nama Hatmiati/);
    },
  );
});

describe("parseCatalogue / loadCatalogue validation", () => {
  it("rejects duplicate ids", () => {
    const json = clone();
    json.codes.push({ ...json.codes[0] });
    const r = parseCatalogue(json);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error.map((i) => i.message).join()).toMatch(/id ganda: EXCLUDE_MAMPU_MUSDES/);
    expect(() => loadCatalogue(json)).toThrow(CatalogueError);
  });

  it("rejects an unknown template variable and names the code", () => {
    const json = clone();
    const first = json.codes[0];
    if (first)
      first.narasi = "Petugas menerima aduan dari {{sapaan}} {{nama_pelapor}} di {{alamat}}.";
    const r = parseCatalogue(json);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error[0]?.path).toBe("codes.0.narasi");
      expect(r.error[0]?.message).toContain("{{alamat}}");
    }
  });

  it("rejects unbalanced sections, unknown programmes and unknown jenis", () => {
    const json = clone();
    const [a, b, c] = json.codes;
    if (a) a.narasi = "{{nama_pelapor}} {{#periode}}tanpa penutup";
    if (b) b.programmes = ["PKH", "BANSOS_X"];
    if (c) c.jenis = "JENIS_X";
    const r = parseCatalogue(json);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const paths = r.error.map((i) => i.path);
      expect(paths).toContain("codes.1.programmes.1");
    }
    const r2 = parseCatalogue({ version: 1, codes: [{ ...rawJson.codes[0], jenis: "JENIS_X" }] });
    expect(r2.ok).toBe(false);
    const r3 = parseCatalogue({
      version: 1,
      codes: [{ ...rawJson.codes[0], narasi: "{{nama_pelapor}} {{#periode}}x" }],
    });
    expect(!r3.ok && r3.error[0]?.message).toMatch(/tidak ditutup/);
  });
});

describe("validateFinding", () => {
  const catalogue = defaultCatalogue();

  it("accepts a code valid for the programme", () => {
    const r = validateFinding(catalogue, { code: "KOMPONEN_PKH_HABIS", programme: "PKH" });
    expect(r.ok && r.value.id).toBe("KOMPONEN_PKH_HABIS");
  });

  it("names the reason-code field for an unknown code", () => {
    const r = validateFinding(catalogue, { code: "TIDAK_ADA", programme: "PKH" });
    expect(r).toMatchObject({
      ok: false,
      error: { code: "REASON_CODE_UNKNOWN", field: "reasonCode" },
    });
  });

  it("names the programme field when the code does not apply to it", () => {
    const r = validateFinding(catalogue, { code: "KOMPONEN_PKH_HABIS", programme: "BPNT" });
    expect(r).toMatchObject({
      ok: false,
      error: { code: "REASON_CODE_PROGRAMME_MISMATCH", field: "programme" },
    });
  });

  it("LAIN_LAIN applies to every programme", () => {
    for (const p of PROGRAMMES)
      expect(validateFinding(catalogue, { code: "LAIN_LAIN", programme: p }).ok).toBe(true);
  });
});
