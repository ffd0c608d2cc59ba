// The figures of the annual report, chapter III: per jenis (3.1), per media (3.2), per
// status (3.3) and completion time in working days (3.4), for one WITA year. One
// aggregate statement; the working-day arithmetic runs over closed cases only.
import type { HubContext } from "../context.js";
import { JENIS } from "../domain/jenis.js";
import { WITA_OFFSET_MS } from "../domain/time.js";
import { loadCalendar } from "./calendar.service.js";

export const MEDIA_LABELS: Record<string, string> = {
  datang_langsung: "Datang Langsung",
  whatsapp: "WhatsApp",
  website: "Website/Online",
  email: "Email",
  lapor: "SP4N-LAPOR! (Hallo Tabalong)",
  facebook: "Facebook",
  instagram: "Instagram",
  telepon: "Telepon",
  kotak_saran: "Kotak Saran",
  legacy_import: "Impor catatan lama",
};
// The seed's table 3.2 always shows these rows, zero or not.
const MEDIA_ALWAYS = ["datang_langsung", "whatsapp", "website", "telepon", "kotak_saran"];

export type AnnualCounts = {
  year: number;
  total: number;
  perJenis: { kode: string; nama: string; jumlah: number }[];
  perMedia: { media: string; nama: string; jumlah: number }[];
  perStatus: {
    selesai: number;
    dalamProses: number;
    tidakDapatDitindaklanjuti: number;
    persentaseSelesai: number | null;
  };
  perMonth: number[];
  waktuPenyelesaian: {
    jumlahKasusSelesai: number;
    rataRata: number | null;
    median: number | null;
    perKelas: { ringan: number; sedang: number; khusus: number; melewatiBatas: number };
  };
};

export function yearBounds(year: number): { from: Date; to: Date } {
  return {
    from: new Date(Date.UTC(year, 0, 1) - WITA_OFFSET_MS),
    to: new Date(Date.UTC(year + 1, 0, 1) - WITA_OFFSET_MS),
  };
}

type Row = { jenis: string | null; channel: string; status: string; month: number; n: number };

export async function annualCounts(
  ctx: HubContext,
  year: number,
  instansi = "6309-DINSOS",
): Promise<AnnualCounts> {
  const { from, to } = yearBounds(year);
  const rows = await ctx.db.sql.query<Row>(
    `SELECT jenis, channel, status,
            EXTRACT(MONTH FROM ("receivedAt" AT TIME ZONE 'Asia/Makassar'))::int AS month,
            count(*)::int AS n
     FROM "Case"
     WHERE instansi = $1 AND "receivedAt" >= $2 AND "receivedAt" < $3
     GROUP BY 1, 2, 3, 4`,
    [instansi, from, to],
  );
  const closed = await ctx.db.sql.query<{ receivedAt: Date; closedAt: Date }>(
    `SELECT "receivedAt", "closedAt" FROM "Case"
     WHERE instansi = $1 AND "receivedAt" >= $2 AND "receivedAt" < $3 AND status = 'selesai' AND "closedAt" IS NOT NULL`,
    [instansi, from, to],
  );
  const byJenis = new Map<string, number>();
  const byMedia = new Map<string, number>();
  const perMonth = Array.from({ length: 12 }, () => 0);
  let total = 0;
  let selesai = 0;
  let tidak = 0;
  for (const r of rows) {
    total += r.n;
    const j = r.jenis ?? "BELUM_DIKLASIFIKASI";
    byJenis.set(j, (byJenis.get(j) ?? 0) + r.n);
    byMedia.set(r.channel, (byMedia.get(r.channel) ?? 0) + r.n);
    perMonth[r.month - 1]! += r.n;
    if (r.status === "selesai") selesai += r.n;
    else if (r.status === "tidak_dapat_ditindaklanjuti") tidak += r.n;
  }
  const perJenis = JENIS.map((j) => ({
    kode: j.code as string,
    nama: j.label as string,
    jumlah: byJenis.get(j.code) ?? 0,
  }));
  for (const [kode, jumlah] of byJenis) {
    if (!perJenis.some((p) => p.kode === kode)) {
      perJenis.push({
        kode,
        nama: kode === "BELUM_DIKLASIFIKASI" ? "Belum diklasifikasi" : kode,
        jumlah,
      });
    }
  }
  const mediaKeys = [
    ...MEDIA_ALWAYS,
    ...[...byMedia.keys()].filter((k) => !MEDIA_ALWAYS.includes(k)).sort(),
  ];
  const perMedia = mediaKeys.map((m) => ({
    media: m,
    nama: MEDIA_LABELS[m] ?? m,
    jumlah: byMedia.get(m) ?? 0,
  }));

  const calendar = await loadCalendar(ctx);
  const days = closed
    .map((c) => calendar.workingDaysBetween(new Date(c.receivedAt), new Date(c.closedAt)))
    .sort((a, b) => a - b);
  const median =
    days.length === 0
      ? null
      : days.length % 2
        ? days[(days.length - 1) / 2]!
        : (days[days.length / 2 - 1]! + days[days.length / 2]!) / 2;
  const round2 = (n: number) => Math.round(n * 100) / 100;
  return {
    year,
    total,
    perJenis,
    perMedia,
    perStatus: {
      selesai,
      dalamProses: total - selesai - tidak,
      tidakDapatDitindaklanjuti: tidak,
      persentaseSelesai: total ? round2((selesai / total) * 100) : null,
    },
    perMonth,
    waktuPenyelesaian: {
      jumlahKasusSelesai: days.length,
      rataRata: days.length ? round2(days.reduce((a, b) => a + b, 0) / days.length) : null,
      median,
      // Classes of the seed's 3.4: ringan 1–3, sedang 3–7 (4–7 here, so each case counts
      // once), khusus up to 14 working days; beyond that the case is over the limit.
      perKelas: {
        ringan: days.filter((d) => d <= 3).length,
        sedang: days.filter((d) => d >= 4 && d <= 7).length,
        khusus: days.filter((d) => d >= 8 && d <= 14).length,
        melewatiBatas: days.filter((d) => d > 14).length,
      },
    },
  };
}
