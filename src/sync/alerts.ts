// Operator alerts (Alert table): one open alert per (kind, source, key) so a failure that
// repeats every five minutes does not flood the console; resolved when the cause clears.
import { asPageTx, type SqlWriter } from "./page-tx.js";

export type AlertInput = {
  kind: string;
  source: string;
  /** Dedupe key inside (kind, source), e.g. the external id; null = one per kind/source. */
  key: string | null;
  /** Bahasa Indonesia, no personal data. */
  message: string;
  data?: Record<string, unknown>;
};

export async function raiseAlert(writer: SqlWriter, a: AlertInput): Promise<string> {
  const db = asPageTx(writer);
  const data = JSON.stringify({ ...(a.data ?? {}), key: a.key });
  const existing = await db.query<{ id: string }>(
    `SELECT id FROM "Alert" WHERE kind = $1 AND source = $2 AND "resolvedAt" IS NULL
       AND coalesce(data->>'key', '') = coalesce($3::text, '') LIMIT 1`,
    [a.kind, a.source, a.key],
  );
  if (existing[0]) {
    await db.query(`UPDATE "Alert" SET message = $2, data = $3::jsonb WHERE id = $1::uuid`, [
      existing[0].id,
      a.message,
      data,
    ]);
    return existing[0].id;
  }
  const rows = await db.query<{ id: string }>(
    `INSERT INTO "Alert" (id, kind, source, message, data)
     VALUES (gen_random_uuid(), $1, $2, $3, $4::jsonb) RETURNING id`,
    [a.kind, a.source, a.message, data],
  );
  return rows[0]?.id ?? "";
}

export async function resolveAlerts(
  writer: SqlWriter,
  where: { kind: string; source: string; key?: string | null },
  at: Date,
): Promise<number> {
  const rows = await asPageTx(writer).query(
    `UPDATE "Alert" SET "resolvedAt" = $3::timestamptz WHERE kind = $1 AND source = $2 AND "resolvedAt" IS NULL
       AND ($4::boolean OR coalesce(data->>'key', '') = coalesce($5::text, ''))
     RETURNING id`,
    [where.kind, where.source, at.toISOString(), where.key === undefined, where.key ?? null],
  );
  return rows.length;
}
