import type { LaporanDto, LampiranDto, TindakLanjutDto } from "../lapor.dto.js";
import { BULAN } from "../../../src/domain/legacy/indonesian-date.js";

/**
 * Deterministic fake LAPOR! reports about Tabalong's aid programmes. Only the sort keys
 * (tracking id, timestamps) are generated up front; the full report is materialised
 * from its own seeded PRNG when served, so 100k reports cost a few arrays, not 100k
 * objects, and the same (seed, index) always yields the same report.
 */

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mix(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ index, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const int = (rng: Rng, min: number, max: number): number =>
  min + Math.floor(rng() * (max - min + 1));

/** Kecamatan with desa/kelurahan named in the office's own 2023 logs (DOMAIN.md, seed). */
export const WILAYAH: Readonly<Record<string, readonly string[]>> = {
  "Banua Lawas": ["Hariang", "Sungai Durian", "Purai", "Talan"],
  Kelua: ["Takulat", "Ampukung", "Binturu", "Pulau", "Puduk Setegal"],
  Tanta: ["Pamarangan Kanan", "Tanta Hulu"],
  Tanjung: ["Agung", "Wayau"],
  Haruai: ["Bongkang", "Marindi"],
  "Murung Pudak": ["Kasiau", "Mabuun", "Belimbing Raya", "Belimbing", "Kapar", "Pembataan"],
  "Muara Uya": ["Uwie"],
  "Muara Harus": ["Muara Harus", "Tantaringin"],
  Pugaan: ["Pampanan"],
  Upau: ["Kaong"],
  Jaro: ["Jaro"],
  "Bintang Ara": ["Bintang Ara"],
};
const KECAMATAN = Object.keys(WILAYAH);

const NAMA = [
  "Muhammad Rizki",
  "Siti Aisyah",
  "Ahmad Fauzi",
  "Nurul Hidayah",
  "Abdul Halim",
  "Rusdiana",
  "Fahriansyah",
  "Hj. Masitah",
  "Akhmad Yani",
  "Salasiah",
  "Jumberi",
  "Ardiansyah",
  "Hamidah",
  "Noorlatifah",
  "Samsul Bahri",
  "Rabiatul Adawiyah",
  "Wahyudi",
  "Mariatul Kiptiah",
  "Syarifah",
  "Gusti Rahmadi",
  "Norlina",
  "Basri",
  "Isnawati",
  "Taufik Hidayat",
  "Rahimah",
  "Zainal Arifin",
  "Mahdiah",
  "Khairil Anwar",
  "Siti Rahmah",
  "Yusran",
];
const HUBUNGAN = [
  "ibu saya",
  "bapak saya",
  "nenek saya",
  "kakek saya",
  "istri saya",
  "saya sendiri",
  "tetangga saya",
];

interface Topic {
  readonly kategori: { readonly id: number; readonly nama: string };
  readonly judul: (ctx: Ctx) => string;
  readonly isi: (ctx: Ctx) => string;
  readonly jawaban: readonly string[];
}
interface Ctx {
  readonly atasNama: string;
  readonly hubungan: string;
  readonly desa: string;
  readonly kecamatan: string;
  readonly rt: string;
  readonly bulan: string;
  readonly tahun: number;
  readonly lamaBulan: number;
}

const BANSOS = { id: 71, nama: "Bantuan Sosial" } as const;
const KESEHATAN = { id: 12, nama: "Jaminan Kesehatan" } as const;
const PERUMAHAN = { id: 44, nama: "Perumahan dan Permukiman" } as const;

const TOPICS: readonly Topic[] = [
  {
    kategori: BANSOS,
    judul: (c) => `Bantuan PKH tidak masuk sejak ${c.bulan} ${c.tahun}`,
    isi: (c) =>
      `Assalamualaikum. Saya warga Desa ${c.desa} RT ${c.rt} Kecamatan ${c.kecamatan}. Bantuan PKH atas nama ${c.atasNama} (${c.hubungan}) sudah tidak masuk sejak ${c.bulan} ${c.tahun}, padahal anak masih sekolah. Mohon dicek apakah masih terdaftar di DTSEN. Terima kasih.`,
    jawaban: [
      "Setelah dicek pada SIKS-NG, status kepesertaan EXCLUDE (mampu dari hasil musdes). Silakan mengajukan usul ulang melalui pihak desa.",
      "Hasil pengecekan SIKS-NG: komponen PKH habis, sehingga bantuan PKH tidak lagi disalurkan.",
    ],
  },
  {
    kategori: BANSOS,
    judul: (c) => `Saldo BPNT kosong ${c.lamaBulan} bulan`,
    isi: (c) =>
      `Mohon bantuannya, saldo BPNT di kartu KKS atas nama ${c.atasNama} kosong sudah ${c.lamaBulan} bulan. Sudah ditanyakan ke e-warong di ${c.desa} tapi disuruh melapor ke Dinas Sosial. Alamat RT ${c.rt} Desa ${c.desa}, Kec. ${c.kecamatan}.`,
    jawaban: [
      "Data atas nama tersebut tidak padan capil. Mohon membawa KK dan KTP asli ke Dinas Sosial untuk perbaikan data.",
      "Hasil pengecekan: bantuan sedang berproses pada tahap penyaluran berikutnya.",
    ],
  },
  {
    kategori: KESEHATAN,
    judul: (c) => `Mohon reaktivasi BPJS PBI JK atas nama ${c.atasNama}`,
    isi: (c) =>
      `Kartu BPJS Kesehatan PBI atas nama ${c.atasNama} tidak aktif waktu mau berobat ke puskesmas ${c.kecamatan}. Kata petugas dinonaktifkan oleh pusat. Bagaimana cara mengaktifkan kembali? Kami tinggal di Desa ${c.desa} RT ${c.rt}.`,
    jawaban: [
      "Kepesertaan masuk kategori penonaktifan oleh pusat. Silakan membawa surat keterangan berobat dan KK untuk diusulkan reaktivasi melalui SIKS-NG.",
      "Usulan reaktivasi PBI JK sudah diinput pada SIKS-NG dan menunggu verifikasi Kemensos dan BPJS Kesehatan.",
    ],
  },
  {
    kategori: BANSOS,
    judul: () => "Bantuan ASLUT untuk orang tua belum cair",
    isi: (c) =>
      `Orang tua kami ${c.atasNama}, lansia di Desa ${c.desa} Kec. ${c.kecamatan}, sudah terdaftar bantuan ASLUT tetapi sampai ${c.bulan} ${c.tahun} belum masuk ke rekening. Mohon informasinya.`,
    jawaban: [
      "Sudah dikoordinasikan dengan bidang Rehabilitasi Sosial; pencairan ASLUT sedang berproses pada tahap berikutnya.",
    ],
  },
  {
    kategori: BANSOS,
    judul: (c) => `Bantuan RASDA bulan ${c.bulan} tidak dapat`,
    isi: (c) =>
      `Kami biasanya menerima beras RASDA, tetapi bulan ${c.bulan} ${c.tahun} nama ${c.atasNama} tidak ada lagi di daftar penerima Desa ${c.desa}. Kenapa bantuan RASDA dihapus?`,
    jawaban: [
      "Berdasarkan SK kemiskinan desa terbaru, yang bersangkutan tidak lagi masuk daftar penerima RASDA. Pihak desa tidak mengusulkan kembali.",
    ],
  },
  {
    kategori: BANSOS,
    judul: () => "Kartu KKS hilang, bagaimana cetak ulang",
    isi: (c) =>
      `Kartu KKS atas nama ${c.atasNama} hilang waktu pindahan rumah. Bagaimana cara mencetak ulang supaya bantuan BPNT dan PKH tetap bisa diambil? Alamat Desa ${c.desa} RT ${c.rt}, Kec. ${c.kecamatan}.`,
    jawaban: [
      "Silakan melakukan cetak ulang KKS dengan surat keterangan kehilangan dari kepolisian, dibawa ke bank penyalur (BRI) bersama KTP dan KK.",
    ],
  },
  {
    kategori: PERUMAHAN,
    judul: () => "Permohonan bantuan bedah rumah (RUTILAHU)",
    isi: (c) =>
      `Rumah ${c.hubungan} (${c.atasNama}) di Desa ${c.desa} RT ${c.rt} sudah tidak layak huni, atap bocor dan dinding papan lapuk. Apakah bisa diusulkan bantuan RUTILAHU tahun ${c.tahun + 1}?`,
    jawaban: [
      "Usulan RUTILAHU disampaikan melalui pemerintah desa dan diverifikasi oleh bidang Pemberdayaan Sosial sesuai kuota tahun anggaran.",
    ],
  },
  {
    kategori: BANSOS,
    judul: () => "Belum terdaftar DTKS/DTSEN padahal keluarga tidak mampu",
    isi: (c) =>
      `Keluarga ${c.atasNama} di Desa ${c.desa} Kec. ${c.kecamatan} belum pernah menerima bantuan apapun. Waktu dicek ternyata belum terdaftar DTKS. Mohon bantuan agar bisa didata.`,
    jawaban: [
      "Hasil pengecekan: belum terdaftar pada DTKS. Pendaftaran dilakukan melalui musyawarah desa lalu diinput operator SIKS-NG desa.",
    ],
  },
];

const SUMBER = ["hallo_tabalong", "hallo_tabalong", "web", "android", "sms_1708"] as const;
const KLASIFIKASI = [
  "pengaduan",
  "pengaduan",
  "pengaduan",
  "pengaduan",
  "aspirasi",
  "permintaan_informasi",
] as const;

/** Weighted toward the statuses an agency sees after disposition. */
const STATUS_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ["Terdisposisi", 0.36],
  ["Ditindaklanjuti", 0.3],
  ["Selesai", 0.25],
  ["Diarsipkan", 0.04],
  ["Terverifikasi", 0.03],
  ["Belum Terverifikasi", 0.02],
];

/**
 * A live office (issue 17): the older a report, the likelier it is answered and closed.
 * LAPOR! gives 3 working days to verify and 5 to follow up, so a report still waiting for
 * disposition is young, save a stray few: a first start shows a handful late, not hundreds.
 */
const STATUS_BY_AGE: ReadonlyArray<
  readonly [maxAgeDays: number, weights: ReadonlyArray<readonly [string, number]>]
> = [
  [
    3,
    [
      ["Terdisposisi", 0.4],
      ["Terverifikasi", 0.08],
      ["Belum Terverifikasi", 0.07],
      ["Ditindaklanjuti", 0.35],
      ["Selesai", 0.1],
    ],
  ],
  [
    12,
    [
      ["Ditindaklanjuti", 0.6],
      ["Selesai", 0.35],
      ["Terdisposisi", 0.02],
      ["Diarsipkan", 0.03],
    ],
  ],
  [
    Infinity,
    [
      ["Selesai", 0.86],
      ["Diarsipkan", 0.08],
      ["Ditindaklanjuti", 0.05],
      ["Terdisposisi", 0.01],
    ],
  ],
];

function pickWeighted(rng: Rng, weights: ReadonlyArray<readonly [string, number]>): string {
  let r = rng();
  for (const [status, weight] of weights) {
    if (r < weight) return status;
    r -= weight;
  }
  return weights[0]?.[0] ?? "Terdisposisi";
}

function pickStatusByAge(rng: Rng, ageDays: number): string {
  const row = STATUS_BY_AGE.find(([max]) => ageDays <= max) ?? STATUS_BY_AGE[0];
  return pickWeighted(rng, row?.[1] ?? STATUS_WEIGHTS);
}

function pickStatus(rng: Rng): string {
  let r = rng();
  for (const [status, weight] of STATUS_WEIGHTS) {
    if (r < weight) return status;
    r -= weight;
  }
  return "Terdisposisi";
}

function phoneFor(rng: Rng): string | null {
  const rest = `${int(rng, 1, 9)}${String(int(rng, 0, 9_999_999)).padStart(7, "0")}`;
  const prefix = pick(rng, ["812", "813", "821", "822", "852", "853", "857", "878"]);
  switch (int(rng, 0, 5)) {
    case 0:
      return `0${prefix}${rest}`;
    case 1:
      return `0${prefix}-${rest.slice(0, 4)}-${rest.slice(4)}`;
    case 2:
      return `+62 ${prefix} ${rest.slice(0, 4)} ${rest.slice(4)}`;
    case 3:
      return `62${prefix}${rest}`;
    case 4:
      return `0062${prefix}${rest}`;
    default:
      return null;
  }
}

const START_MS = Date.UTC(2025, 0, 1, 0, 0, 0);
const SPAN_MS = 420 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
/** With `relativeTo`: reports of the last six weeks. */
export const RECENT_SPAN_DAYS = 42;

export interface SandboxKeys {
  readonly count: number;
  /** Set: dates end at this instant and statuses follow each report's age. */
  readonly relativeTo?: number;
  readonly trackingIds: readonly string[];
  readonly createdMs: Float64Array;
  readonly updatedMs: Float64Array;
}

/**
 * Sort keys only. Tracking ids are a bijection i ↦ (i·M + offset) mod 9·10⁸ with M odd
 * and not a multiple of 3 or 5 (coprime to the modulus), so they are unique, nine
 * digits, and uncorrelated with update order.
 */
export function generateKeys(seed: number, count: number, relativeTo?: number): SandboxKeys {
  const rng = mulberry32(seed);
  if (relativeTo !== undefined) return recentKeys(rng, count, Math.floor(relativeTo / 1000) * 1000);
  const offset = Math.floor(rng() * 900_000_000);
  const trackingIds: string[] = new Array<string>(count);
  const createdMs = new Float64Array(count);
  const updatedMs = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    trackingIds[i] = String(100_000_000 + ((i * 2_654_435_761 + offset) % 900_000_000));
    // Whole seconds: the wire format and cursors round-trip exactly.
    const created = START_MS + Math.floor((rng() * SPAN_MS) / 1000) * 1000;
    createdMs[i] = created;
    updatedMs[i] = created + Math.floor(rng() * 21 * 24 * 3600) * 1000;
  }
  return { count, trackingIds, createdMs, updatedMs };
}

function recentKeys(rng: Rng, count: number, end: number): SandboxKeys {
  const offset = Math.floor(rng() * 900_000_000);
  const trackingIds: string[] = new Array<string>(count);
  const createdMs = new Float64Array(count);
  const updatedMs = new Float64Array(count);
  const span = RECENT_SPAN_DAYS * DAY_MS;
  for (let i = 0; i < count; i++) {
    trackingIds[i] = String(100_000_000 + ((i * 2_654_435_761 + offset) % 900_000_000));
    const created = end - span + Math.floor((rng() * span) / 1000) * 1000;
    createdMs[i] = created;
    // Updated within three weeks of creation, never after `end`.
    updatedMs[i] = Math.min(end, created + Math.floor(rng() * 21 * 24 * 3600) * 1000);
  }
  return { count, relativeTo: end, trackingIds, createdMs, updatedMs };
}

export interface ReportOverride {
  status?: string;
  updatedMs?: number;
  tindakLanjut?: TindakLanjutDto[];
}

export interface LampiranContent {
  readonly mime: string;
  readonly bytes: Buffer;
}

export const INSTANSI_TUJUAN = { id: 630_912, nama: "Dinas Sosial Kabupaten Tabalong" } as const;

/** Full report for generation index `index`. `fileBaseUrl` lets attachment URLs follow the served host. */
export function materialize(
  seed: number,
  keys: SandboxKeys,
  index: number,
  override: ReportOverride | undefined,
  fileBaseUrl: string,
): LaporanDto {
  const rng = mulberry32(mix(seed, index));
  const trackingId = keys.trackingIds[index] as string;
  const created = keys.createdMs[index] as number;
  const updated = override?.updatedMs ?? (keys.updatedMs[index] as number);
  const kecamatan = pick(rng, KECAMATAN);
  const desa = pick(rng, WILAYAH[kecamatan] ?? ["-"]);
  const topic = pick(rng, TOPICS);
  const createdDate = new Date(created);
  const lamaBulan = int(rng, 2, 12);
  const back = new Date(
    Date.UTC(createdDate.getUTCFullYear(), createdDate.getUTCMonth() - lamaBulan, 1),
  );
  const reporterName = pick(rng, NAMA);
  const hubungan = pick(rng, HUBUNGAN);
  const ctx: Ctx = {
    atasNama: hubungan === "saya sendiri" ? reporterName : pick(rng, NAMA),
    hubungan,
    desa,
    kecamatan,
    rt: String(int(rng, 1, 15)).padStart(2, "0"),
    bulan: BULAN[back.getUTCMonth()] as string,
    tahun: back.getUTCFullYear(),
    lamaBulan,
  };
  const privacy = rng();
  const rahasia = privacy < 0.1;
  const anonim = !rahasia && privacy < 0.22;
  const status =
    keys.relativeTo === undefined
      ? pickStatus(rng)
      : pickStatusByAge(rng, (keys.relativeTo - created) / DAY_MS);
  const telepon = phoneFor(rng);
  const email =
    rng() < 0.3
      ? `${reporterName.toLowerCase().replace(/[^a-z]+/g, ".")}${int(rng, 1, 99)}@gmail.com`
      : null;

  const lampiran: LampiranDto[] = [];
  const nLampiran = rng() < 0.35 ? int(rng, 1, 2) : 0;
  for (let k = 0; k < nLampiran; k++) {
    const id = `LMP-${trackingId}-${k + 1}`;
    const isPdf = isPdfAttachment(trackingId, k + 1);
    lampiran.push({
      id,
      nama_file: isPdf ? `surat-keterangan-${k + 1}.pdf` : `foto-${k + 1}.jpg`,
      mime: isPdf ? "application/pdf" : "image/jpeg",
      url: `${fileBaseUrl}/files/${id}`,
    });
  }

  let tindakLanjut: TindakLanjutDto[] = [];
  if (status === "Ditindaklanjuti" || status === "Selesai") {
    const n = status === "Selesai" ? int(rng, 1, 2) : 1;
    for (let k = 0; k < n; k++) {
      const at = Math.min(
        updated,
        created + (k + 1) * Math.floor((updated - created) / (n + 1) / 1000) * 1000,
      );
      tindakLanjut.push({
        id: `TL-${trackingId}-${k + 1}`,
        isi: pick(rng, topic.jawaban),
        oleh: k === 0 ? INSTANSI_TUJUAN.nama : "Admin Hallo Tabalong",
        dibuat_pada: new Date(at).toISOString(),
      });
    }
  }
  if (override?.tindakLanjut) tindakLanjut = [...tindakLanjut, ...override.tindakLanjut];

  return {
    tracking_id: trackingId,
    judul: topic.judul(ctx),
    isi: topic.isi(ctx),
    klasifikasi: pick(rng, KLASIFIKASI),
    kategori: rng() < 0.1 ? null : { ...topic.kategori },
    status: override?.status ?? status,
    rahasia,
    anonim,
    sumber: pick(rng, SUMBER),
    pelapor: rahasia ? null : { nama: anonim ? null : reporterName, telepon, email },
    lokasi: rng() < 0.05 ? null : { kecamatan, desa },
    instansi_tujuan: { ...INSTANSI_TUJUAN },
    lampiran,
    tindak_lanjut: tindakLanjut,
    dibuat_pada: new Date(created).toISOString(),
    diperbarui_pada: new Date(updated).toISOString(),
  };
}

function isPdfAttachment(trackingId: string, k: number): boolean {
  return mix(Number(trackingId) ^ 0x5a5a, k) % 10 < 3;
}

/** Deterministic bytes for an attachment id: a real JPEG/PDF header, filler after it. */
export function attachmentContent(id: string): LampiranContent | null {
  const match = /^LMP-(\d+)-(\d+)$/.exec(id);
  if (!match) return null;
  const trackingId = match[1] as string;
  const k = Number(match[2]);
  const rng = mulberry32(mix(Number(trackingId), k));
  const size = int(rng, 2_000, 40_000);
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = Math.floor(rng() * 256);
  const isPdf = isPdfAttachment(trackingId, k);
  const header = isPdf ? Buffer.from("%PDF-1.4\n") : Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
  header.copy(bytes, 0);
  return { mime: isPdf ? "application/pdf" : "image/jpeg", bytes };
}
