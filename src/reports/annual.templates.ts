/**
 * Narrative chapters of the "Laporan Tahunan Layanan Pengaduan Masyarakat" as editable
 * templates. The text is the seed's own; every year and figure is a placeholder, so a
 * report can no longer mix two years (the seed says 2024 in KATA PENGANTAR and BAB V of
 * the 2023 report). The lead stores admin-edited copies with the same shape.
 */
import type { AnnualReportInput, AnnualTemplate } from "./report.types.js";
import { formatTanggalPanjang } from "./tanggal.js";

export const defaultAnnualTemplates: readonly AnnualTemplate[] = [
  {
    id: "kata_pengantar",
    title: "KATA PENGANTAR",
    body: `Puji syukur kehadiran Tuhan Yang Maha Esa karena atas rahmat dan karunia-Nya, Laporan Tahunan Layanan Pengaduan Masyarakat Tahun {{tahun}} pada Dinas Sosial Kabupaten Tabalong dapat disusun dengan baik.

Laporan ini disusun sebagai bentuk pertanggungjawaban pelaksanaan pelayanan publik khususnya dalam pengelolaan pengaduan masyarakat baik secara langsung maupun melalui media digital/online. Selain itu, laporan ini bertujuan untuk memberikan gambaran mengenai efektivitas layanan pengaduan, jenis pengaduan yang diterima, tindak lanjut penyelesaian, serta upaya peningkatan kualitas pelayanan.

Kami menyadari bahwa laporan ini masih memiliki kekurangan, oleh karena itu kritik dan saran yang membangun sangat diharapkan guna penyempurnaan pelayanan di masa mendatang.

[[tanda_tangan]]`,
  },
  {
    id: "bab_1",
    title: "BAB I\nPENDAHULUAN",
    body: `## 1.1 Latar Belakang

Pelayanan pengaduan masyarakat merupakan salah satu bentuk implementasi pelayanan publik yang transparan, responsif, dan akuntabel. Dinas Sosial Kabupaten Tabalong berkomitmen memberikan ruang kepada masyarakat untuk menyampaikan pengaduan, aspirasi, saran, maupun masukan terhadap pelayanan yang diberikan.

Layanan pengaduan masyarakat menjadi sarana evaluasi dalam meningkatkan mutu pelayanan serta memperkuat kepercayaan masyarakat terhadap instansi pemerintah.

## 1.2 Dasar Hukum

1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik
2. Peraturan Presiden Nomor 76 Tahun 2013 tentang Pengelolaan Pengaduan Pelayanan Publik
3. Peraturan Menteri PANRB tentang Pedoman Pengelolaan Pengaduan Pelayanan Publik
4. Peraturan Bupati Tabalong Nomor 40 Tahun 2023 tentang Tugas Pokok, Fungsi dan Uraian Tugas Dinas Sosial Kabupaten Tabalong.

## 1.3 Maksud dan Tujuan

Maksud

Sebagai bentuk dokumentasi dan evaluasi terhadap pelaksanaan layanan pengaduan masyarakat selama Tahun {{tahun}}.

Tujuan

- Mengetahui jumlah dan jenis pengaduan masyarakat
- Mengetahui tingkat penyelesaian pengaduan
- Menjadi bahan evaluasi peningkatan kualitas pelayanan
- Meningkatkan transparansi dan akuntabilitas pelayanan publik

## 1.4 Ruang Lingkup

Ruang lingkup laporan meliputi:

- Pengaduan pelayanan sosial
- Pengaduan bantuan sosial
- Pengaduan administrasi pelayanan
- Pengaduan melalui media langsung dan online`,
  },
  {
    id: "bab_2",
    title: "BAB II\nPROFIL LAYANAN PENGADUAN",
    body: `## 2.1 Media Layanan Pengaduan

Layanan pengaduan masyarakat pada Dinas Sosial Kabupaten Tabalong dilaksanakan melalui beberapa media, yaitu:

1. Pengaduan langsung di kantor pelayanan
2. Kotak saran/pengaduan
3. Telepon/WhatsApp layanan
4. Website resmi
5. Media sosial resmi instansi
6. Email pelayanan

## 2.2 Mekanisme Pengaduan

Alur layanan pengaduan meliputi:

1. Pengaduan diterima petugas
2. Verifikasi dan klasifikasi pengaduan
3. Disposisi kepada bidang terkait
4. Tindak lanjut penyelesaian
5. Penyampaian hasil tindak lanjut kepada pelapor
6. Dokumentasi dan arsip pengaduan

## 2.3 Tim Pengelola Pengaduan

Tim pengelola pengaduan terdiri dari:

- Penanggung jawab
- Koordinator layanan
- Admin pengaduan
- Petugas verifikasi
- Operator tindak lanjut`,
  },
  {
    id: "bab_3",
    title: "BAB III\nPELAKSANAAN LAYANAN PENGADUAN",
    body: `## 3.1 Jumlah Pengaduan Tahun {{tahun}}

Selama Tahun {{tahun}}, jumlah pengaduan masyarakat yang diterima sebanyak {{total}} pengaduan, dengan jenis pengaduan terbanyak {{jenis_terbanyak}} ({{jumlah_jenis_terbanyak}} pengaduan).

[[tabel:3.1]]

[[grafik:jenis]]

[[grafik:bulan]]

## 3.2 Media Penyampaian Pengaduan

{{kalimat_media}}

[[tabel:3.2]]

## 3.3 Tingkat Penyelesaian Pengaduan

[[tabel:3.3]]

Persentase penyelesaian pengaduan mencapai {{persentase_selesai}}%.

## 3.4 Waktu Penyelesaian

{{kalimat_waktu}}, dengan standar waktu penyelesaian:

- Pengaduan ringan: 1-3 hari kerja
- Pengaduan sedang: 3-7 hari kerja
- Pengaduan khusus: maksimal 14 hari kerja

[[tabel:3.4]]`,
  },
  {
    id: "bab_4",
    title: "BAB IV\nEVALUASI DAN HAMBATAN",
    body: `## 4.1 Evaluasi Pelaksanaan

Berdasarkan hasil evaluasi, layanan pengaduan masyarakat telah berjalan dengan baik dan responsif. Penggunaan media digital membantu mempercepat proses penerimaan dan tindak lanjut pengaduan.

## 4.2 Hambatan yang Dihadapi

Beberapa hambatan yang ditemui antara lain:

- Pengaduan tanpa identitas jelas
- Keterbatasan SDM pengelola
- Jaringan internet yang tidak stabil
- Kurangnya kelengkapan dokumen pendukung dari pelapor

## 4.3 Upaya Perbaikan

Upaya yang dilakukan meliputi:

- Peningkatan kompetensi petugas layanan
- Optimalisasi layanan digital
- Penyempurnaan SOP pengaduan
- Sosialisasi mekanisme pengaduan kepada masyarakat`,
  },
  {
    id: "bab_5",
    title: "BAB V\nPENUTUP",
    body: `## 5.1 Kesimpulan

Pelaksanaan layanan pengaduan masyarakat pada Dinas Sosial Kabupaten Tabalong Tahun {{tahun}} secara umum berjalan dengan baik. Dari {{total}} pengaduan, {{jumlah_selesai}} pengaduan ({{persentase_selesai}}%) telah selesai ditindaklanjuti.

Layanan pengaduan menjadi sarana penting dalam meningkatkan kualitas pelayanan publik dan membangun kepercayaan masyarakat terhadap pemerintah daerah.

## 5.2 Saran

Untuk meningkatkan kualitas layanan pengaduan di masa mendatang, diperlukan:

- Penguatan sistem pengaduan berbasis digital
- Penambahan SDM pengelola layanan
- Peningkatan sarana dan prasarana layanan
- Monitoring dan evaluasi berkala

[[tanda_tangan]]`,
  },
];

export class TemplateError extends Error {
  readonly code = "TEMPLATE_INVALID";
  constructor(message: string) {
    super(message);
    this.name = "TemplateError";
  }
}

export type TemplateVars = Readonly<Record<string, string>>;

/** Fills {{name}}; an unknown name is an error so a typo never prints as literal text. */
export function renderTemplate(body: string, vars: TemplateVars): string {
  return body.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_m, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(vars, name)) {
      throw new TemplateError(`Placeholder tidak dikenal: {{${name}}}`);
    }
    return vars[name] ?? "";
  });
}

/** Indonesian number style: decimal comma, no trailing ",0". */
export function formatAngka(value: number, fractionDigits = 1): string {
  const fixed = value.toFixed(fractionDigits);
  return (fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed).replace(".", ",");
}

export function persentase(part: number, total: number): string {
  if (total <= 0) return "0";
  return formatAngka((part / total) * 100, 1);
}

/** Table 3.2's row for complaints whose medium nobody recorded. */
export const MEDIA_TIDAK_TERCATAT = "tidak_tercatat";

// The sentence of 3.2: the most used recorded medium, and how many complaints have none.
function kalimatMedia(
  top: { nama: string; jumlah: number },
  unknown: number,
  total: number,
): string {
  if (total === 0) return "Tidak ada pengaduan yang diterima pada tahun ini.";
  const known =
    top.jumlah > 0
      ? `Media penyampaian pengaduan yang paling banyak digunakan adalah ${top.nama} (${top.jumlah} pengaduan)`
      : "";
  if (unknown === 0) return `${known}.`;
  const none = `media penyampaian ${unknown} pengaduan tidak tercatat`;
  return known ? `${known}; ${none}.` : `${none.charAt(0).toUpperCase()}${none.slice(1)}.`;
}

// The sentence of 3.4: averages over recorded closures only, and how many were not recorded.
function kalimatWaktu(w: AnnualReportInput["waktuPenyelesaian"]): string {
  const unknown = w.tidakTercatat ?? 0;
  const hari = (v: number | null) => (v === null ? "-" : formatAngka(v));
  if (w.rataRata === null) {
    return unknown > 0
      ? `Waktu penyelesaian ${unknown} pengaduan tidak tercatat`
      : "Belum ada pengaduan yang selesai";
  }
  const base = `Rata-rata waktu penyelesaian pengaduan${unknown > 0 ? " yang waktu selesainya tercatat" : ""} adalah ${hari(w.rataRata)} hari kerja dengan median ${hari(w.median)} hari kerja`;
  return unknown > 0 ? `${base}; waktu penyelesaian ${unknown} pengaduan tidak tercatat` : base;
}

function terbanyak<T extends { nama: string; jumlah: number }>(
  items: readonly T[],
): { nama: string; jumlah: number } {
  let best: { nama: string; jumlah: number } = { nama: "-", jumlah: 0 };
  for (const item of items) if (item.jumlah > best.jumlah) best = item;
  return best;
}

export function annualTotal(input: AnnualReportInput): number {
  const s = input.perStatus;
  return s.selesai + s.dalamProses + s.tidakDapatDitindaklanjuti;
}

/** Every placeholder the default templates (and admin edits) may use. */
export function annualTemplateVars(input: AnnualReportInput): TemplateVars {
  const total = annualTotal(input);
  const jenis = terbanyak(input.perJenis);
  // "Tidak tercatat" is not a medium: the most used medium is among those recorded.
  const recorded = input.perMedia.filter((m) => m.media !== MEDIA_TIDAK_TERCATAT);
  const media = terbanyak(recorded);
  const mediaUnknown = input.perMedia
    .filter((m) => m.media === MEDIA_TIDAK_TERCATAT)
    .reduce((n, m) => n + m.jumlah, 0);
  const w = input.waktuPenyelesaian;
  const unrecorded = w.tidakTercatat ?? 0;
  return {
    kalimat_media: kalimatMedia(media, mediaUnknown, total),
    kalimat_waktu: kalimatWaktu(w),
    jumlah_media_tidak_tercatat: String(mediaUnknown),
    jumlah_waktu_tidak_tercatat: String(unrecorded),
    tahun: String(input.year),
    total: String(total),
    jenis_terbanyak: jenis.nama,
    jumlah_jenis_terbanyak: String(jenis.jumlah),
    media_terbanyak: media.nama,
    jumlah_media_terbanyak: String(media.jumlah),
    jumlah_selesai: String(input.perStatus.selesai),
    jumlah_dalam_proses: String(input.perStatus.dalamProses),
    jumlah_tidak_dapat: String(input.perStatus.tidakDapatDitindaklanjuti),
    persentase_selesai: persentase(input.perStatus.selesai, total),
    rata_rata_hari: w.rataRata === null ? "-" : formatAngka(w.rataRata),
    median_hari: w.median === null ? "-" : formatAngka(w.median),
    jumlah_ringan: String(w.perKelas.ringan),
    jumlah_sedang: String(w.perKelas.sedang),
    jumlah_khusus: String(w.perKelas.khusus),
    jumlah_melewati_batas: String(w.perKelas.melewatiBatas),
    tempat: input.office.place,
    tanggal_ttd: formatTanggalPanjang(input.office.signDate),
    nama_kepala_dinas: input.office.kepalaDinas.name,
  };
}

export type TemplateBlock =
  | { kind: "heading"; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "bullet"; text: string }
  | { kind: "numbered"; marker: string; text: string }
  | { kind: "table"; id: "3.1" | "3.2" | "3.3" | "3.4" }
  | { kind: "chart"; id: "jenis" | "bulan" }
  | { kind: "signature" };

const TABLE_IDS = new Set(["3.1", "3.2", "3.3", "3.4"]);

/** Parses a rendered body into blocks; an unknown [[token]] is an error like {{…}}. */
export function parseTemplateBody(rendered: string): TemplateBlock[] {
  const blocks: TemplateBlock[] = [];
  for (const chunk of rendered.replace(/\r\n?/g, "\n").split(/\n\s*\n/)) {
    const para: string[] = [];
    const flush = (): void => {
      if (para.length > 0) blocks.push({ kind: "paragraph", text: para.join(" ") });
      para.length = 0;
    };
    for (const raw of chunk.split("\n")) {
      const line = raw.trim();
      if (line === "") continue;
      const token = /^\[\[([^\]]+)\]\]$/.exec(line);
      const numbered = /^(\d+\.)\s+(.*)$/.exec(line);
      if (token) {
        flush();
        const t = (token[1] ?? "").trim();
        const [kind, id] = t.split(":").map((s) => s.trim());
        if (kind === "tabel" && id !== undefined && TABLE_IDS.has(id)) {
          blocks.push({ kind: "table", id: id as "3.1" | "3.2" | "3.3" | "3.4" });
        } else if (kind === "grafik" && (id === "jenis" || id === "bulan")) {
          blocks.push({ kind: "chart", id });
        } else if (t === "tanda_tangan") {
          blocks.push({ kind: "signature" });
        } else {
          throw new TemplateError(`Blok tidak dikenal: [[${t}]]`);
        }
      } else if (line.startsWith("## ")) {
        flush();
        blocks.push({ kind: "heading", text: line.slice(3).trim() });
      } else if (line.startsWith("- ")) {
        flush();
        blocks.push({ kind: "bullet", text: line.slice(2).trim() });
      } else if (numbered) {
        flush();
        blocks.push({ kind: "numbered", marker: numbered[1] ?? "", text: numbered[2] ?? "" });
      } else {
        para.push(line);
      }
    }
    flush();
  }
  return blocks;
}

export interface RenderedChapter {
  id: string;
  title: string;
  blocks: TemplateBlock[];
}

export function renderChapters(input: AnnualReportInput): RenderedChapter[] {
  const vars = annualTemplateVars(input);
  return input.chapters.map((c) => ({
    id: c.id,
    title: renderTemplate(c.title, vars),
    blocks: parseTemplateBody(renderTemplate(c.body, vars)),
  }));
}

export interface AnnualTable {
  id: "3.1" | "3.2" | "3.3" | "3.4";
  caption: string;
  header: string[];
  /** Relative column widths. */
  widths: number[];
  /** Right-aligned (numeric) columns. */
  numeric: boolean[];
  rows: string[][];
  /** Index of the bold "Total" row, if any. */
  totalRow?: number;
}

/** The seed prints a zero count as "-". */
export function jumlahCell(n: number): string {
  return n === 0 ? "-" : String(n);
}

/** A numbered count per name with its "Total" row (tables 3.1 and 3.2). */
function countTable(
  id: "3.1" | "3.2",
  caption: string,
  label: string,
  items: readonly { nama: string; jumlah: number }[],
): AnnualTable {
  const total = items.reduce((s, x) => s + x.jumlah, 0);
  return {
    id,
    caption,
    header: ["No", label, "Jumlah"],
    widths: [1, 10, 2],
    numeric: [false, false, true],
    rows: [
      ...items.map((x, i) => [String(i + 1), x.nama, jumlahCell(x.jumlah)]),
      ["", "Total", String(total)],
    ],
    totalRow: items.length,
  };
}

/** Tables 3.1–3.4, shared by the PDF and XLSX writers so both print the same figures. */
export function annualTables(input: AnnualReportInput): Record<AnnualTable["id"], AnnualTable> {
  const tahun = input.year;
  const st = input.perStatus;
  const total = annualTotal(input);
  const w = input.waktuPenyelesaian;
  const unrecorded = w.tidakTercatat ?? 0;
  // Nothing recorded is said as such, never printed as a figure.
  const hari = (v: number | null): string =>
    v === null ? (unrecorded > 0 ? "tidak tercatat" : "-") : `${formatAngka(v)} hari kerja`;
  return {
    "3.1": countTable(
      "3.1",
      `Tabel 3.1 Jumlah Pengaduan per Jenis Tahun ${tahun}`,
      "Jenis Pengaduan",
      input.perJenis,
    ),
    "3.2": countTable(
      "3.2",
      `Tabel 3.2 Media Penyampaian Pengaduan Tahun ${tahun}`,
      "Media Pengaduan",
      input.perMedia,
    ),
    "3.3": {
      id: "3.3",
      caption: `Tabel 3.3 Tingkat Penyelesaian Pengaduan Tahun ${tahun}`,
      header: ["Keterangan", "Jumlah", "Persentase"],
      widths: [8, 2, 3],
      numeric: [false, true, true],
      rows: [
        ["Selesai Ditindaklanjuti", jumlahCell(st.selesai), `${persentase(st.selesai, total)}%`],
        ["Dalam Proses", jumlahCell(st.dalamProses), `${persentase(st.dalamProses, total)}%`],
        [
          "Tidak Dapat Ditindaklanjuti",
          jumlahCell(st.tidakDapatDitindaklanjuti),
          `${persentase(st.tidakDapatDitindaklanjuti, total)}%`,
        ],
        ["Total", String(total), total > 0 ? "100%" : "0%"],
      ],
      totalRow: 3,
    },
    "3.4": {
      id: "3.4",
      caption: `Tabel 3.4 Waktu Penyelesaian Pengaduan Tahun ${tahun} (hari kerja)`,
      header: ["Keterangan", "Standar", "Jumlah"],
      widths: [6, 4, 3],
      numeric: [false, false, true],
      rows: [
        ["Rata-rata waktu penyelesaian", "-", hari(w.rataRata)],
        ["Median waktu penyelesaian", "-", hari(w.median)],
        ["Pengaduan ringan", "1-3 hari kerja", jumlahCell(w.perKelas.ringan)],
        ["Pengaduan sedang", "3-7 hari kerja", jumlahCell(w.perKelas.sedang)],
        ["Pengaduan khusus", "maksimal 14 hari kerja", jumlahCell(w.perKelas.khusus)],
        ["Melewati batas waktu", "lebih dari 14 hari kerja", jumlahCell(w.perKelas.melewatiBatas)],
        ...(unrecorded > 0
          ? [["Waktu penyelesaian tidak tercatat", "-", jumlahCell(unrecorded)]]
          : []),
      ],
    },
  };
}

export { BULAN_SINGKAT } from "../domain/legacy/indonesian-date.js";

export function annualTitle(year: number): string {
  return `LAPORAN TAHUNAN LAYANAN PENGADUAN MASYARAKAT ${year}`;
}
