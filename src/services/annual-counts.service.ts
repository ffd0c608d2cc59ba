// The figures of the annual report, chapter III: per jenis (3.1), per media (3.2), per
// status (3.3) and completion time in working days (3.4), for one WITA year. One
// aggregate statement; the working-day arithmetic runs over closed cases only.
import { DEFAULT_INSTANSI } from "../domain/instansi.js";
import type { HubContext } from "../context.js";
import type { components } from "../generated/api.js";
import { WITA_OFFSET_MS } from "../domain/time.js";
import { loadCalendar } from "./calendar.service.js";
import { currentJenisCatalogue } from "./catalogue.service.js";
import { loadSlaPolicy } from "./sla.service.js";
import { MEDIA_TIDAK_TERCATAT } from "../reports/annual.templates.js";
import { CLOSED_AT_UNRECORDED } from "../domain/legacy/legacy-case.js";

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** "YYYY-MM" of the first WITA month starting at or after the instant. */
function periodKey(instant: Date): string {
  const wita = new Date(instant.getTime() + WITA_OFFSET_MS);
  let y = wita.getUTCFullYear();
  let m = wita.getUTCMonth() + 1;
  const atStart =
    wita.getUTCDate() === 1 &&
    wita.getUTCHours() === 0 &&
    wita.getUTCMinutes() === 0 &&
    wita.getUTCSeconds() === 0 &&
    wita.getUTCMilliseconds() === 0;
  if (!atStart) {
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return `${y}-${pad2(m)}`;
}

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
  tidak_tercatat: "Tidak tercatat",
};
export { MEDIA_TIDAK_TERCATAT } from "../reports/annual.templates.js";
// The seed's table 3.2 always shows these rows, zero or not.
const MEDIA_ALWAYS = ["datang_langsung", "whatsapp", "website", "telepon", "kotak_saran"];

export type AnnualCounts = components["schemas"]["AnnualCounts"];

export function yearBounds(year: number): { from: Date; to: Date } {
  return {
    from: new Date(Date.UTC(year, 0, 1) - WITA_OFFSET_MS),
    to: new Date(Date.UTC(year + 1, 0, 1) - WITA_OFFSET_MS),
  };
}

type Row = { jenis: string | null; media: string; status: string; month: number; n: number };
const DAY_MS = 86_400_000;
const EPOCH_2000 = Date.UTC(2000, 0, 1);

export async function annualCounts(
  ctx: HubContext,
  year: number,
  instansi = DEFAULT_INSTANSI,
): Promise<AnnualCounts> {
  const { from, to } = yearBounds(year);
  return { year, ...(await periodCounts(ctx, from, to, instansi)) };
}

export async function periodCounts(
  ctx: HubContext,
  from: Date,
  to: Date,
  instansi = DEFAULT_INSTANSI,
): Promise<Omit<AnnualCounts, "year">> {
  // Two aggregates run side by side (two pool connections on PostgreSQL): the table counts,
  // and closed cases grouped by their (receipt, completion) WITA day pair, as days since
  // 2000-01-01 (cheap to group and to return). A single GROUPING SETS scan was slower.
  // A row imported from the old logs counts in the period of the sheet it was filed in
  // (legacyPeriod, "YYYY-MM"), like the monthly report lists it; every other case by its
  // receipt.
  const where = `instansi = $1 AND (("legacyPeriod" IS NULL AND "receivedAt" >= $2 AND "receivedAt" < $3)
    OR ("legacyPeriod" >= $4 AND "legacyPeriod" < $5))`;
  const params = [instansi, from, to, periodKey(from), periodKey(to)];
  const [rows, pairs, catalogue] = await Promise.all([
    // The medium is what staff recorded, else what the channel says; an import has no
    // medium of its own ("tidak tercatat"), never its internal channel.
    ctx.db.sql.query<Row>(
      `SELECT jenis,
              COALESCE(media, CASE WHEN channel = 'legacy_import' THEN '${MEDIA_TIDAK_TERCATAT}'
                                   ELSE channel END) AS media,
              status,
              COALESCE(substring("legacyPeriod" from 6 for 2)::int,
                       EXTRACT(MONTH FROM ("receivedAt" AT TIME ZONE 'Asia/Makassar'))::int) AS month,
              count(*)::int AS n
       FROM "Case" WHERE ${where}
       GROUP BY 1, 2, 3, 4`,
      params,
    ),
    // Completion times count only closures that were recorded.
    ctx.db.sql.query<{ received: number | null; closed: number | null; n: number }>(
      `SELECT CASE WHEN NOT ('${CLOSED_AT_UNRECORDED}' = ANY(flags)) THEN
                ("receivedAt" AT TIME ZONE 'Asia/Makassar')::date - DATE '2000-01-01' END AS received,
              CASE WHEN NOT ('${CLOSED_AT_UNRECORDED}' = ANY(flags)) THEN
                ("closedAt" AT TIME ZONE 'Asia/Makassar')::date - DATE '2000-01-01' END AS closed,
              count(*)::int AS n
       FROM "Case" WHERE ${where} AND status = 'selesai'
       GROUP BY 1, 2`,
      params,
    ),
    // Labels and order of table 3.1 follow the jenis catalogue as the admin keeps it
    // (PUT /api/v1/catalogue/jenis/{code}), not the list the repository was seeded with.
    currentJenisCatalogue(ctx),
  ]);
  // Class bounds of table 3.4 from the SLA policy (defaults: the annual report's ringan 1–3,
  // sedang 3–7, khusus ≤ 14 working days); the policy version is among the report's
  // catalogue versions, so a changed bound shows on a re-issued report.
  const classes = (await loadSlaPolicy(ctx)).policy.classTargets;
  const ringanMax = classes.ringan.maxWorkingDays;
  const sedangMax = Math.max(ringanMax, classes.sedang.maxWorkingDays);
  const khususMax = Math.max(sedangMax, classes.khusus.maxWorkingDays);
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
    byMedia.set(r.media, (byMedia.get(r.media) ?? 0) + r.n);
    perMonth[r.month - 1]! += r.n;
    if (r.status === "selesai") selesai += r.n;
    else if (r.status === "tidak_dapat_ditindaklanjuti") tidak += r.n;
  }
  const perJenis = catalogue.codes.map((j) => ({
    kode: j.code,
    nama: j.label,
    jumlah: byJenis.get(j.code) ?? 0,
  }));
  for (const [kode, jumlah] of [...byJenis].sort(([a], [b]) => a.localeCompare(b))) {
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
  // (working days, number of cases), sorted by days: the median is found by walking counts.
  const byDays = new Map<number, number>();
  let tidakTercatat = 0;
  for (const p of pairs) {
    if (p.received === null || p.closed === null) {
      tidakTercatat += p.n;
      continue;
    }
    // Noon WITA of each day: only the calendar dates matter to workingDaysBetween.
    const noon = (day: number) => new Date(EPOCH_2000 + day * DAY_MS + 4 * 3600_000);
    const d = calendar.workingDaysBetween(noon(p.received), noon(p.closed));
    byDays.set(d, (byDays.get(d) ?? 0) + p.n);
  }
  const dist = [...byDays].sort(([a], [b]) => a - b);
  const closedCount = dist.reduce((s, [, n]) => s + n, 0);
  const nth = (k: number): number => {
    let seen = 0;
    for (const [d, n] of dist) {
      seen += n;
      if (k < seen) return d;
    }
    return dist[dist.length - 1]![0];
  };
  const inRange = (lo: number, hi: number) =>
    dist.filter(([d]) => d >= lo && d <= hi).reduce((s, [, n]) => s + n, 0);
  const median =
    closedCount === 0
      ? null
      : closedCount % 2
        ? nth((closedCount - 1) / 2)
        : (nth(closedCount / 2 - 1) + nth(closedCount / 2)) / 2;
  const round2 = (n: number) => Math.round(n * 100) / 100;
  return {
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
      jumlahKasusSelesai: closedCount,
      tidakTercatat,
      rataRata: closedCount ? round2(dist.reduce((s, [d, n]) => s + d * n, 0) / closedCount) : null,
      median,
      // Classes of the seed's 3.4: ringan 1–3, sedang 3–7 (4–7 here, so each case counts
      // once), khusus up to 14 working days; beyond that the case is over the limit.
      perKelas: {
        ringan: inRange(Number.NEGATIVE_INFINITY, ringanMax),
        sedang: inRange(ringanMax + 1, sedangMax),
        khusus: inRange(sedangMax + 1, khususMax),
        melewatiBatas: inRange(khususMax + 1, Number.POSITIVE_INFINITY),
      },
    },
  };
}
