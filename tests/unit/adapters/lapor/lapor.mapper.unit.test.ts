import { describe, expect, it } from "vitest";
import type { LaporanDto } from "../../../../adapters/lapor/lapor.dto.js";
import {
  LAPOR_ISI_MAX_CHARS,
  mapLaporan,
  mapRawLaporan,
} from "../../../../adapters/lapor/lapor.mapper.js";
import { normalizeIdPhone } from "../../../../adapters/lapor/lapor.phone.js";
import {
  HUB_TO_LAPOR,
  LAPOR_STATUSES,
  LAPOR_TO_HUB,
  hubToLaporStatus,
  laporToHubStatus,
} from "../../../../adapters/lapor/lapor.status-map.js";

function dto(extra: Partial<LaporanDto> = {}): LaporanDto {
  return {
    tracking_id: "4718203",
    judul: "Mohon reaktivasi BPJS PBI JK",
    isi: "Kartu BPJS PBI ibu saya tidak aktif waktu berobat ke puskesmas Kelua.",
    klasifikasi: "pengaduan",
    kategori: { id: 12, nama: "Jaminan Kesehatan" },
    status: "Terdisposisi",
    rahasia: false,
    anonim: false,
    sumber: "sms_1708",
    pelapor: { nama: "Siti Aisyah", telepon: "0812-5555-1234", email: "Siti@Example.id" },
    lokasi: { kecamatan: "Kelua", desa: "Takulat" },
    lampiran: [
      { id: "L1", nama_file: "surat.pdf", mime: "application/pdf", url: "https://x.test/files/L1" },
    ],
    tindak_lanjut: [
      {
        id: "T1",
        isi: "Sedang berproses.",
        oleh: "Dinas Sosial",
        dibuat_pada: "2025-03-02T08:00:00+08:00",
      },
    ],
    dibuat_pada: "2025-03-01T09:00:00+08:00",
    diperbarui_pada: "2025-03-02T08:00:00+08:00",
    ...extra,
  };
}

function mapped(extra: Partial<LaporanDto> = {}) {
  const result = mapLaporan(dto(extra));
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}`);
  return result.value;
}

describe("mapLaporan", () => {
  it("maps every field of a normal report", () => {
    const c = mapped();
    expect(c).toMatchObject({
      channel: "lapor",
      externalId: "4718203",
      title: "Mohon reaktivasi BPJS PBI JK",
      klasifikasi: "pengaduan",
      kategori: "Jaminan Kesehatan",
      upstreamStatus: "Terdisposisi",
      hubStatus: "diterima",
      rahasia: false,
      anonim: false,
      sumber: "sms_1708",
      reporter: { name: "Siti Aisyah", phoneE164: "+6281255551234", email: "siti@example.id" },
      lokasi: { kecamatan: "Kelua", desa: "Takulat" },
      attachments: [
        {
          externalId: "L1",
          fileName: "surat.pdf",
          mime: "application/pdf",
          url: "https://x.test/files/L1",
        },
      ],
    });
    expect(c.receivedAt.toISOString()).toBe("2025-03-01T01:00:00.000Z");
    expect(c.upstreamUpdatedAt.toISOString()).toBe("2025-03-02T00:00:00.000Z");
    expect(c.tindakLanjut[0]?.at.toISOString()).toBe("2025-03-02T00:00:00.000Z");
    expect(c.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("rahasia strips the reporter even when the payload carries one", () => {
    const c = mapped({
      rahasia: true,
      pelapor: { nama: "Bocor", telepon: "081255551234", email: "bocor@x.id" },
    });
    expect(c.reporter).toBeNull();
    expect(c.rahasia).toBe(true);
    expect(JSON.stringify(c)).not.toMatch(/Bocor|81255551234|bocor@/);
  });

  it("anonim keeps contact but never the name", () => {
    const c = mapped({
      anonim: true,
      pelapor: { nama: "Tersembunyi", telepon: "+62 852 1111 2222", email: null },
    });
    expect(c.reporter).toEqual({ name: null, phoneE164: "+6285211112222", email: null });
    expect(JSON.stringify(c)).not.toContain("Tersembunyi");
  });

  it("a reporter with nothing usable is null, a missing lokasi/kategori are nulls", () => {
    const c = mapped({
      pelapor: { nama: " ", telepon: "-", email: "bukan-email" },
      lokasi: null,
      kategori: null,
    });
    expect(c.reporter).toBeNull();
    expect(c.lokasi).toEqual({ kecamatan: null, desa: null });
    expect(c.kategori).toBeNull();
  });

  it("an unknown status is quarantined, never defaulted", () => {
    const result = mapLaporan(dto({ status: "Dibekukan" }));
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: "LAPOR_STATUS_UNKNOWN",
        disposition: "quarantine",
        externalId: "4718203",
        field: "status",
      }),
    });
  });

  it("isi over 100,000 characters goes to the dead letter", () => {
    expect(mapLaporan(dto({ isi: "a".repeat(LAPOR_ISI_MAX_CHARS) })).ok).toBe(true);
    const result = mapLaporan(dto({ isi: "a".repeat(2 * 1024 * 1024) }));
    expect(!result.ok && result.error).toMatchObject({
      code: "LAPOR_ISI_TOO_LONG",
      disposition: "dead_letter",
      field: "isi",
    });
  });

  it.each([
    ["dibuat_pada", { dibuat_pada: "kemarin" }],
    ["diperbarui_pada", { diperbarui_pada: "2025-13-45T99:00:00Z" }],
    ["diperbarui_pada", { diperbarui_pada: "2025-03-01" }],
    [
      "tindak_lanjut.0.dibuat_pada",
      { tindak_lanjut: [{ id: "T", isi: "x", oleh: "y", dibuat_pada: "" }] },
    ],
  ] as const)("a bad date names the field %s", (field, extra) => {
    const result = mapLaporan(dto(extra as Partial<LaporanDto>));
    expect(!result.ok && result.error).toMatchObject({
      code: "LAPOR_DATE_INVALID",
      field,
      externalId: "4718203",
    });
  });

  it("a missing tracking id is a MapError (typed and raw paths)", () => {
    const typed = mapLaporan(dto({ tracking_id: "" }));
    expect(!typed.ok && typed.error.code).toBe("LAPOR_TRACKING_ID_MISSING");
    const { tracking_id: _t, ...raw } = dto();
    const fromRaw = mapRawLaporan(raw);
    expect(!fromRaw.ok && fromRaw.error).toMatchObject({
      code: "LAPOR_TRACKING_ID_MISSING",
      field: "tracking_id",
      externalId: null,
    });
    const invalid = mapRawLaporan({ ...raw, tracking_id: "LAP-1" });
    expect(!invalid.ok && invalid.error.code).toBe("LAPOR_TRACKING_ID_INVALID");
  });

  it("mapRawLaporan reports schema errors with their path and keeps the id for the dead letter", () => {
    const result = mapRawLaporan({ ...dto(), klasifikasi: "curhat" });
    expect(!result.ok && result.error).toMatchObject({
      code: "LAPOR_SCHEMA_INVALID",
      field: "klasifikasi",
      externalId: "4718203",
    });
    expect(mapRawLaporan(dto()).ok).toBe(true);
  });

  it("content hash is stable across key order and changes with content", () => {
    const a = mapped();
    const reordered = Object.fromEntries(Object.entries(dto()).reverse()) as LaporanDto;
    const b = mapLaporan(reordered);
    expect(b.ok && b.value.contentHash).toBe(a.contentHash);
    expect(mapped({ status: "Ditindaklanjuti" }).contentHash).not.toBe(a.contentHash);
    expect(mapped({ isi: `${dto().isi} ` }).contentHash).not.toBe(a.contentHash);
    expect(mapped({ diperbarui_pada: "2025-03-03T08:00:00+08:00" }).contentHash).not.toBe(
      a.contentHash,
    );
    // Same instant written in another zone is the same content.
    expect(mapped({ dibuat_pada: "2025-03-01T01:00:00Z" }).contentHash).toBe(a.contentHash);
    // A re-signed attachment URL is not a change.
    const resigned = mapped({
      lampiran: [
        {
          id: "L1",
          nama_file: "surat.pdf",
          mime: "application/pdf",
          url: "https://x.test/files/L1?sig=2",
        },
      ],
    });
    expect(resigned.contentHash).toBe(a.contentHash);
  });
});

describe("normalizeIdPhone", () => {
  it.each([
    ["081255551234", "+6281255551234"],
    ["0812-5555-1234", "+6281255551234"],
    ["0812 5555 1234", "+6281255551234"],
    ["6281255551234", "+6281255551234"],
    ["+62 812-5555-1234", "+6281255551234"],
    ["+62 (0)812 5555 1234", "+6281255551234"],
    ["006281255551234", "+6281255551234"],
    ["81255551234", "+6281255551234"],
    ["(0526) 2021-11", "+62526202111"],
  ])("%s → %s", (raw, expected) => {
    expect(normalizeIdPhone(raw)).toBe(expected);
  });

  it.each([
    null,
    undefined,
    "",
    "-",
    "12345",
    "0812",
    "+1 415 555 0100",
    "0812abc5678",
    "08123456789012345",
  ])("rejects %s", (raw) => {
    expect(normalizeIdPhone(raw)).toBeNull();
  });
});

describe("status map", () => {
  it("covers every LAPOR! status with a hub status", () => {
    for (const status of LAPOR_STATUSES) expect(laporToHubStatus(status).ok).toBe(true);
    expect(LAPOR_TO_HUB.Terdisposisi.hub).toBe("diterima");
    expect(LAPOR_TO_HUB.Ditindaklanjuti.hub).toBe("ditindaklanjuti");
    expect(LAPOR_TO_HUB.Selesai.hub).toBe("selesai");
    expect(LAPOR_TO_HUB.Diarsipkan).toMatchObject({
      hub: "tidak_dapat_ditindaklanjuti",
      closedUpstream: true,
    });
  });

  it("an unknown or differently-cased status is a quarantine error", () => {
    for (const status of ["Dibekukan", "selesai", "", "toString"]) {
      const result = laporToHubStatus(status);
      expect(!result.ok && result.error).toMatchObject({
        code: "LAPOR_STATUS_UNKNOWN",
        disposition: "quarantine",
        status,
      });
    }
  });

  it("pushes back only follow-up and closing statuses", () => {
    expect(hubToLaporStatus("ditindaklanjuti")).toBe("Ditindaklanjuti");
    expect(hubToLaporStatus("selesai")).toBe("Selesai");
    expect(hubToLaporStatus("tidak_dapat_ditindaklanjuti")).toBe("Selesai");
    expect(hubToLaporStatus("diterima")).toBeNull();
    expect(Object.keys(HUB_TO_LAPOR)).toHaveLength(6);
  });
});
