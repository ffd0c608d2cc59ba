import { describe, expect, it } from "vitest";
import { findNul, stripNul } from "../../src/util/text.js";
import { mapRawLaporan } from "../../adapters/lapor/lapor.mapper.js";

describe("NUL characters", () => {
  it("are stripped from text and located in JSON bodies", () => {
    expect(stripNul("a\u0000b\u0000")).toBe("ab");
    expect(stripNul("x\ud800y")).toBe("x\ufffdy");
    expect(findNul({ name: "\udc00" }, "body")).toBe("body.name");
    expect(findNul({ pelapor: { name: "x\u0000" } }, "body")).toBe("body.pelapor.name");
    expect(findNul({ list: ["ok", "n\u0000"] }, "body")).toBe("body.list.1");
    expect(findNul({ a: "fine" }, "body")).toBeNull();
  });
  it("never reach a mapped LAPOR! report", () => {
    const r = mapRawLaporan({
      tracking_id: "123456",
      judul: "Judul\u0000",
      isi: "Saldo BPNT\u0000 tidak masuk",
      klasifikasi: "pengaduan",
      status: "Terdisposisi",
      rahasia: false,
      anonim: false,
      sumber: "web",
      pelapor: { nama: "Nama\u0000", telepon: null, email: null },
      dibuat_pada: "2026-03-02T01:00:00Z",
      diperbarui_pada: "2026-03-02T01:00:00Z",
    });
    expect(r.ok).toBe(true);
    if (r.ok) expect(JSON.stringify(r.value)).not.toContain("\\u0000");
  });
});
