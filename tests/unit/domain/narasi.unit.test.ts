import { describe, expect, it } from "vitest";
import {
  atasNamaFragment,
  honorific,
  parseTemplate,
  renderNarasi,
  renderTemplate,
} from "../../../src/domain/narasi.js";
import { defaultCatalogue } from "../../../src/domain/reason-codes.js";

const catalogue = defaultCatalogue();
const code = (id: string) => {
  const c = catalogue.byId.get(id);
  if (!c) throw new Error(id);
  return c;
};

describe("honorific", () => {
  it("uses the recorded sex first", () => {
    expect(honorific({ sex: "L" })).toBe("Bapak");
    expect(honorific({ sex: "P", nik: "6309020101800001" })).toBe("Ibu");
  });

  it("falls back to the NIK birth day (+40 for women)", () => {
    expect(honorific({ nik: "6309024512800001" })).toBe("Ibu"); // day 45 → 5, female
    expect(honorific({ nik: "6309021512800001" })).toBe("Bapak"); // day 15, male
    expect(honorific({ nik: "6309 0245 1280 0001" })).toBe("Ibu");
  });

  it("is neutral without sex or with an invalid NIK", () => {
    expect(honorific({})).toBe("Bapak/Ibu");
    expect(honorific({ sex: null, nik: null })).toBe("Bapak/Ibu");
    expect(honorific({ nik: "6309023512800001" })).toBe("Bapak/Ibu"); // day 35: neither
    expect(honorific({ nik: "630902151280" })).toBe("Bapak/Ibu"); // too short
    expect(honorific({ nik: "6309021512800000" })).toBe("Bapak/Ibu"); // serial 0000
  });
});

describe("atas_nama", () => {
  it("is empty when the complainant is the person concerned", () => {
    expect(atasNamaFragment("Siti Salihah", "siti  salihah")).toBe("");
    expect(atasNamaFragment("Mahrita", "Mahrита")).toBe("");
    expect(atasNamaFragment("Rahmat", undefined)).toBe("");
  });
  it("names the person concerned otherwise", () => {
    expect(atasNamaFragment("Rahmat", "Hartati")).toBe(" atas nama Hartati");
  });
});

describe("renderNarasi", () => {
  it("writes the office's sentence with the case's own data", () => {
    const r = renderNarasi(code("EXCLUDE_MAMPU_MUSDES"), {
      sapaan: honorific({ sex: "P" }),
      nama_pelapor: "Siti Ratul Juwita",
      program: "BPNT",
    });
    expect(r).toEqual({
      ok: true,
      value: {
        narasi:
          "Petugas menerima aduan dari Ibu Siti Ratul Juwita terkait bantuan BPNT yang tidak masuk, petugas melakukan penelusuran data pada SIKS-NG, hasilnya EXCLUDE (mampu dari hasil musdes).",
        saran: expect.stringContaining("musyawarah desa") as unknown as string,
      },
    });
  });

  it("adds the data period and the person concerned when given", () => {
    const r = renderNarasi(code("TIDAK_DIUSULKAN_DESA"), {
      sapaan: "Bapak",
      nama_pelapor: "Hadi Wiyono",
      nama_terkait: "Agxelo Gilang Prudeka",
      program: "ODKB",
      periode: "DTSEN triwulan III 2026",
    });
    expect(r.ok && r.value.narasi).toBe(
      "Petugas menerima aduan dari Bapak Hadi Wiyono terkait bantuan ODKB atas nama Agxelo Gilang Prudeka yang tidak masuk, petugas melakukan koordinasi dengan bidang yang menangani, hasilnya pihak desa tidak mengusulkan kembali pada saat pembaharuan data (DTSEN triwulan III 2026).",
    );
  });

  it("renders the programme's human label", () => {
    const r = renderNarasi(code("BANTUAN_BERPROSES"), {
      sapaan: "Bapak/Ibu",
      nama_pelapor: "Rina Yuliani",
      program: "PBI_JK",
    });
    expect(r.ok && r.value.narasi).toContain("terkait bantuan BPJS/PBI JK yang belum masuk");
  });

  it("names the missing required variable", () => {
    expect(
      renderNarasi(code("LAIN_LAIN"), { sapaan: "Ibu", nama_pelapor: "Lamisah" }),
    ).toMatchObject({
      ok: false,
      error: { code: "NARASI_VARIABLE_MISSING", field: "catatan" },
    });
    expect(
      renderNarasi(code("EXCLUDE_TANPA_KETERANGAN"), { sapaan: "Ibu", nama_pelapor: "Julaiha" }),
    ).toMatchObject({
      ok: false,
      error: { code: "NARASI_VARIABLE_MISSING", field: "program" },
    });
    expect(
      renderNarasi(code("EXCLUDE_TANPA_KETERANGAN"), {
        sapaan: "Ibu",
        nama_pelapor: "  ",
        program: "PKH",
      }),
    ).toMatchObject({
      ok: false,
      error: { code: "NARASI_VARIABLE_MISSING", field: "nama_pelapor" },
    });
  });

  it("never carries another case's data (rendering is a pure function of the vars)", () => {
    const a = { sapaan: "Ibu", nama_pelapor: "Siti Ratul Juwita", program: "BPNT" } as const;
    const b = {
      sapaan: "Ibu",
      nama_pelapor: "Arsiah",
      nama_terkait: "Hadiansyah",
      program: "PKH",
      catatan: "Sudah lengkap",
    };
    for (const c of catalogue.codes) {
      const vars = c.id === "LAIN_LAIN" ? { ...a, catatan: "Menanyakan BPNT" } : a;
      const first = renderNarasi(c, vars);
      renderNarasi(c, b);
      const again = renderNarasi(c, vars);
      expect(again).toEqual(first);
      if (!again.ok) throw new Error(c.id);
      for (const text of [again.value.narasi, again.value.saran ?? ""]) {
        expect(text).not.toContain("Arsiah");
        expect(text).not.toContain("Hadiansyah");
        expect(text).not.toContain("Sudah lengkap");
      }
    }
  });

  it("does not interpret template syntax inside values", () => {
    const r = renderNarasi(code("LAIN_LAIN"), {
      sapaan: "Ibu",
      nama_pelapor: "{{catatan}}",
      catatan: "{{nama_pelapor}}",
    });
    expect(r.ok && r.value.narasi).toBe(
      "Petugas menerima aduan dari Ibu {{catatan}}. {{nama_pelapor}}",
    );
  });
});

describe("template engine", () => {
  it("renders sections only when their variable has a value", () => {
    const t = "A{{#periode}} ({{periode}}){{/periode}}.";
    expect(renderTemplate(t, { periode: "Q3" })).toEqual({ ok: true, value: "A (Q3)." });
    expect(renderTemplate(t, {})).toEqual({ ok: true, value: "A." });
  });

  it("reports malformed templates", () => {
    expect(parseTemplate("{{nama_pelapor}").ok).toBe(false);
    expect(parseTemplate("{{/periode}}").ok).toBe(false);
    expect(parseTemplate("{{#periode}}{{#periode}}{{/periode}}{{/periode}}").ok).toBe(false);
    expect(parseTemplate("{{ nama }}").ok).toBe(false);
    expect(renderTemplate("{{x}}", {})).toMatchObject({
      ok: false,
      error: { code: "NARASI_TEMPLATE_INVALID" },
    });
  });
});
