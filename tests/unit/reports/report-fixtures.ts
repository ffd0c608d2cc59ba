/** Inputs for the report writer tests, taken from the seed's 2023 tables. */
import type {
  AnnualReportInput,
  MonthlyReportInput,
  MonthlyRow,
  OfficeInfo,
} from "../../../src/reports/report.types.js";
import { defaultAnnualTemplates } from "../../../src/reports/annual.templates.js";

export const office: OfficeInfo = {
  kabupaten: "TABALONG",
  kepalaDinas: {
    name: "Drs. H. Abu Bakar Sidiq",
    pangkat: "Pembina Utama Muda (IV/c)",
    nip: "19670720 199103 1 014",
  },
  place: "Tabalong",
  signDate: "2023-01-31",
};

export const januaryRows: MonthlyRow[] = [
  {
    receivedAt: "2023-01-04",
    nama: "Hadi Wiyono",
    phones: ["+6281254224300", "+6285248019792"],
    alamat: "Kel Mabuun Rt 03 Kec Murung Pudak",
    keperluan:
      "Atas Nama Agxelo Gilang Prudeka Penerima Bantuan ODKB Sudah Tidak Menerima Bantuan Lagi Sejak Tahun 2019",
    tindakLanjut: "Selesai",
    narasi:
      "Petugas menerima aduan dari bapak Hadi Wiyono Terkait bantuan ODKB yang tidak masuk, petugas melakukan koordinasi dengan bidang yang menangani, hasilnya pihak desa tidak mengusulkan kembali pada saat pembaharuan data di akhir tahun.",
    rahasia: false,
  },
  {
    // 2023-01-05 00:30 WITA is still 4 January in UTC: the date must be read in WITA.
    receivedAt: new Date("2023-01-04T16:30:00Z"),
    nama: "Hatmiati",
    phones: ["085845240653"],
    alamat: "Ds Takulat Rt 01 Kec Kelua",
    keperluan:
      "Datang Ke Dinas Sosial Ingin melapor supaya mendapat bantuan karena tida pernah mendapat bantuan sama sekali di desa.",
    tindakLanjut: "Selesai",
    narasi:
      "Petugas menerima aduan dari ibu Hatmiati terkait keluhan tidak menerima bantuan sosial selama ini dari desa, petugas melakukan penelusuran data yang bersangkutan belum masuk sk kemiskinan desa, dan menyampaikan aduan tersebut kepada pimpinan untuk di tindaklanjuti.",
    rahasia: false,
  },
  {
    receivedAt: "2023-01-09",
    nama: "Rusmailin",
    phones: ["+6282152201870"],
    alamat: "Ds Kasiau Rt 04 Kec Murung Pudak",
    keperluan: "Ingin Mengaktifkan BPJS Atas Nama Rusmailin",
    tindakLanjut: "Selesai",
    narasi:
      "Petugas menerima aduan dari Rusmailin terkait kartu BPJS tidak aktif, tindak selanjutnya yakni dengan membuka akun Siks Ng dan meminta data dukung kartu keluarga atas nama pemilik.",
    rahasia: true,
  },
  {
    receivedAt: "2023-01-20",
    nama: "Mahrита",
    phones: [],
    alamat: "Ds Talan Rt 04 Kec Banua Lawas",
    keperluan: '=HYPERLINK("http://evil","klik"), Menanyakan "BPNT"\nbaris kedua',
    tindakLanjut: "Selesai",
    narasi:
      "Petugas menelusuri pada siks ng, hasilnya pada riwayat bansos terbaca EXCLUDE (Mampu hasil musdes)",
    rahasia: false,
  },
];

export const januaryInput: MonthlyReportInput = { year: 2023, month: 1, office, rows: januaryRows };

/** n rows, each narasi with unique start/end markers to check that no row is cut. */
export function manyRows(n: number): MonthlyRow[] {
  const rows: MonthlyRow[] = [];
  for (let i = 0; i < n; i++) {
    const id = String(i + 1).padStart(4, "0");
    const filler =
      "petugas melakukan penelusuran data pada siks ng dan berkoordinasi dengan bidang Linjamsos ".repeat(
        1 + (i % 7),
      );
    rows.push({
      receivedAt: `2023-01-${String(1 + (i % 31)).padStart(2, "0")}`,
      nama: `Warga ${id}`,
      phones: ["+628125550" + id],
      alamat: `Ds Takulat Rt ${i % 10} Kec Kelua`,
      keperluan: "Ingin Mengaktifkan BPJS",
      tindakLanjut: "Selesai",
      narasi: `AWAL${id} ${filler}AKHIR${id}`,
      rahasia: i % 13 === 0,
    });
  }
  return rows;
}

export const annualInput: AnnualReportInput = {
  year: 2023,
  office: { ...office, signDate: "2023-12-31" },
  perJenis: [
    { kode: "PBI_JK", nama: "Reaktivasi kartu PBI JK", jumlah: 12 },
    { kode: "ASLUT", nama: "Bantuan Asistensi Sosial Lanjut Usia Terlantar (ASLUT)", jumlah: 1 },
    { kode: "BPNT", nama: "Bantuan Pangan Non Tunai (BPNT)", jumlah: 10 },
    { kode: "PKH", nama: "Bantuan Keluarga Harapan (PKH)", jumlah: 6 },
    { kode: "RASDA", nama: "Bantuan Pangan Daerah (RASDA)", jumlah: 2 },
    { kode: "RUTILAHU", nama: "Bantuan Rumah Tidak Layak Huni (RUTILAHU)", jumlah: 0 },
    { kode: "KKS", nama: "Kehilangan Kartu Keluarga Sejahtera (KKS)", jumlah: 2 },
    { kode: "LAIN", nama: "Lain-lain", jumlah: 10 },
  ],
  perMedia: [
    { media: "walk_in", nama: "Datang Langsung", jumlah: 38 },
    { media: "whatsapp", nama: "WhatsApp", jumlah: 5 },
    { media: "website", nama: "Website/Online", jumlah: 0 },
    { media: "telepon", nama: "Telepon", jumlah: 0 },
    { media: "kotak_saran", nama: "Kotak Saran", jumlah: 0 },
  ],
  perStatus: { selesai: 43, dalamProses: 0, tidakDapatDitindaklanjuti: 0 },
  perMonth: [14, 3, 9, 4, 6, 1, 0, 1, 0, 4, 0, 1],
  waktuPenyelesaian: {
    rataRata: 1.4,
    median: 1,
    perKelas: { ringan: 38, sedang: 4, khusus: 1, melewatiBatas: 0 },
  },
  chapters: defaultAnnualTemplates,
};
