// The work list of the import page (issue 16 follow-up): cases of the caller's office
// imported from the old monthly logs that still have open review points or no recorded
// medium. Closing the points and recording the medium are legacy-import.service.ts's.
import type { HubContext } from "../context.js";
import type { components } from "../generated/api.js";
import type { AuthUser } from "./auth.service.js";
import { queryFlag } from "../domain/query-flag.js";
import { decodeCursor, encodeCursor } from "../domain/cursor.js";
import { isUuid } from "../domain/uuid.js";

export type ImportedCaseDto = components["schemas"]["ImportedCase"];

export type ImportedCasesQuery = {
  reviewOpen?: boolean | string | undefined;
  mediaUnrecorded?: boolean | string | undefined;
  /** One sheet: YYYY-MM (the spec's pattern). */
  period?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
};

export type ImportedCasesPage = {
  data: ImportedCaseDto[];
  total: number;
  nextCursor: string | null;
  periods: { period: string | null; count: number }[];
};

/** An open review point: one staff have not closed yet (no resolvedAt). */
const OPEN_REVIEW = `jsonb_path_exists(c."legacyInfo", '$.review[*] ? (!exists(@.resolvedAt))')`;

type Row = {
  id: string;
  number: string;
  legacyPeriod: string | null;
  legacyInfo: unknown;
  receivedAt: Date;
  status: string;
  keperluan: string;
  media: string | null;
  rowNo: number | null;
};

/** The list's order, sheet then row then number (then id, so the key is unique); cases with
 * no sheet or no row number come last. The inner query names its parts k1…k6. */
const SORT_PARTS = `c."legacyPeriod" IS NULL AS k1, COALESCE(c."legacyPeriod", '') AS k2,
  (c."legacyInfo"->>'rowNo') IS NULL AS k3, COALESCE((c."legacyInfo"->>'rowNo')::int, 0) AS k4,
  c.number AS k5, c.id AS k6`;
const SORT_KEY = `m.k1, m.k2, m.k3, m.k4, m.k5, m.k6`;

type Key = [period: string | null, rowNo: number | null, number: string, id: string];

const readCursor = (cursor: string): Key =>
  decodeCursor(cursor, ([period, rowNo, number, id, ...rest]): Key | null =>
    (period === null || typeof period === "string") &&
    (rowNo === null || (Number.isInteger(rowNo) && Math.abs(rowNo as number) < 2 ** 31)) &&
    typeof number === "string" &&
    isUuid(id) &&
    !rest.length
      ? [period, rowNo as number | null, number, id]
      : null,
  );

type ReviewPoint = { code?: unknown; text?: unknown; resolvedAt?: unknown };
type Info = { rowNo?: unknown; tanggal?: unknown; review?: unknown };

export async function listImportedCases(
  ctx: HubContext,
  user: AuthUser,
  q: ImportedCasesQuery,
): Promise<ImportedCasesPage> {
  const params: unknown[] = [user.instansi];
  const where = [`c.instansi = $1`, `c.channel = 'legacy_import'`];
  if (queryFlag(q.reviewOpen)) where.push(OPEN_REVIEW);
  if (queryFlag(q.mediaUnrecorded)) where.push(`c.media IS NULL`);
  // The sheets that hold matching cases, each with its count, before the sheet filter: the
  // console's sheet picker.
  const periodRows = await ctx.db.prisma.$queryRawUnsafe<{ period: string | null; n: bigint }[]>(
    `SELECT c."legacyPeriod" AS period, count(*) AS n FROM "Case" c
      WHERE ${where.join(" AND ")}
      GROUP BY 1 ORDER BY 1 NULLS LAST`,
    ...params,
  );
  if (q.period) {
    params.push(q.period);
    where.push(`c."legacyPeriod" = $${params.length}`);
  }
  const limit = q.limit ?? 200; // 1–500, checked against the spec
  // The cursor only moves the page: total counts every match (from the sheets' counts).
  let after = "";
  if (q.cursor) {
    const [period, rowNo, number, id] = readCursor(q.cursor);
    const n = params.length;
    params.push(period, rowNo, number, id);
    after = `WHERE (${SORT_KEY}) > ($${n + 1}::text IS NULL, COALESCE($${n + 1}::text, ''),
      $${n + 2}::int IS NULL, COALESCE($${n + 2}::int, 0), $${n + 3}::text, $${n + 4}::uuid)`;
  }
  params.push(limit + 1);
  const rows = await ctx.db.prisma.$queryRawUnsafe<Row[]>(
    `SELECT m.* FROM (
       SELECT c.id::text AS id, c.number, c."legacyPeriod", c."legacyInfo", c."receivedAt",
              c.status, c.keperluan, c.media, (c."legacyInfo"->>'rowNo')::int AS "rowNo", ${SORT_PARTS}
         FROM "Case" c
        WHERE ${where.join(" AND ")}) m
      ${after}
      ORDER BY ${SORT_KEY}
      LIMIT $${params.length}`,
    ...params,
  );
  const periods = periodRows.map((r) => ({ period: r.period, count: Number(r.n) }));
  const total = periods
    .filter((p) => !q.period || p.period === q.period)
    .reduce((sum, p) => sum + p.count, 0);
  const more = rows.length > limit;
  if (more) rows.pop();
  const data = rows.map((r): ImportedCaseDto => {
    const info = (r.legacyInfo ?? {}) as Info;
    const review = Array.isArray(info.review) ? (info.review as ReviewPoint[]) : [];
    return {
      id: r.id,
      number: r.number,
      legacyPeriod: r.legacyPeriod,
      rowNo: typeof info.rowNo === "number" ? info.rowNo : null,
      tanggal: typeof info.tanggal === "string" ? info.tanggal : null,
      receivedAt: r.receivedAt.toISOString(),
      status: r.status as ImportedCaseDto["status"],
      keperluan: r.keperluan,
      media: r.media,
      openReview: review
        .filter((p) => !p.resolvedAt && typeof p.code === "string")
        .map((p) => ({ code: String(p.code), text: typeof p.text === "string" ? p.text : "" })),
    };
  });
  const last = more ? rows[rows.length - 1] : undefined;
  const nextCursor = last
    ? encodeCursor([last.legacyPeriod, last.rowNo, last.number, last.id])
    : null;
  return { data, total, nextCursor, periods };
}
