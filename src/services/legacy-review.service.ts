// The work list of the import page (issue 16 follow-up): cases of the caller's office
// imported from the old monthly logs that still have open review points or no recorded
// medium. Closing the points and recording the medium are legacy-import.service.ts's.
import type { HubContext } from "../context.js";
import type { components } from "../generated/api.js";
import type { AuthUser } from "./auth.service.js";
import { queryFlag } from "../domain/query-flag.js";

export type ImportedCaseDto = components["schemas"]["ImportedCase"];

export type ImportedCasesQuery = {
  reviewOpen?: boolean | string | undefined;
  mediaUnrecorded?: boolean | string | undefined;
  limit?: number | undefined;
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
  total: bigint;
};

type ReviewPoint = { code?: unknown; text?: unknown; resolvedAt?: unknown };
type Info = { rowNo?: unknown; tanggal?: unknown; review?: unknown };

export async function listImportedCases(
  ctx: HubContext,
  user: AuthUser,
  q: ImportedCasesQuery,
): Promise<{ data: ImportedCaseDto[]; total: number }> {
  const where = [`c.instansi = $1`, `c.channel = 'legacy_import'`];
  if (queryFlag(q.reviewOpen)) where.push(OPEN_REVIEW);
  if (queryFlag(q.mediaUnrecorded)) where.push(`c.media IS NULL`);
  const limit = Math.min(Math.max(Number(q.limit ?? 200) || 200, 1), 500);
  const rows = await ctx.db.prisma.$queryRawUnsafe<Row[]>(
    `SELECT c.id::text AS id, c.number, c."legacyPeriod", c."legacyInfo", c."receivedAt",
            c.status, c.keperluan, c.media, count(*) OVER () AS total
       FROM "Case" c
      WHERE ${where.join(" AND ")}
      ORDER BY c."legacyPeriod" NULLS LAST, (c."legacyInfo"->>'rowNo')::int NULLS LAST,
               c.number
      LIMIT $2`,
    user.instansi,
    limit,
  );
  const total = rows.length ? Number(rows[0]!.total) : 0;
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
  return { data, total };
}
