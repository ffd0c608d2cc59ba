import { z } from "zod";

/**
 * Wire shapes of the modeled SP4N-LAPOR! contract (../shared/upstream/lapor.yaml).
 *
 * Deliberately lenient where the mapper owns the decision:
 * - `status` is any non-empty string: an unknown status must reach the status map and be
 *   quarantined with LAPOR_STATUS_UNKNOWN, not vanish as a schema error;
 * - dates are strings: the mapper rejects a bad date naming the field.
 * Unknown extra properties are ignored (upstream may add fields at any time).
 */

export const TRACKING_ID_PATTERN = /^[0-9]{5,12}$/;

export const LAPOR_KLASIFIKASI = ["pengaduan", "aspirasi", "permintaan_informasi"] as const;
export const LAPOR_PUSH_STATUSES = ["Ditindaklanjuti", "Selesai"] as const;

export const TindakLanjutSchema = z.object({
  id: z.string().min(1),
  isi: z.string(),
  oleh: z.string(),
  dibuat_pada: z.string(),
});
export type TindakLanjutDto = z.infer<typeof TindakLanjutSchema>;

export const KategoriSchema = z.object({
  id: z.number().int().optional(),
  nama: z.string().optional(),
});

export const PelaporSchema = z.object({
  nama: z.string().nullable().optional(),
  telepon: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
});
export type PelaporDto = z.infer<typeof PelaporSchema>;

export const LokasiSchema = z.object({
  kecamatan: z.string().nullable().optional(),
  desa: z.string().nullable().optional(),
});

export const LampiranSchema = z.object({
  id: z.string().min(1),
  nama_file: z.string(),
  mime: z.string(),
  url: z.string(),
});
export type LampiranDto = z.infer<typeof LampiranSchema>;

export const LaporanSchema = z.object({
  tracking_id: z.string().regex(TRACKING_ID_PATTERN, "tracking_id must be 5-12 digits"),
  judul: z.string(),
  isi: z.string(),
  klasifikasi: z.enum(LAPOR_KLASIFIKASI),
  kategori: KategoriSchema.nullable().optional(),
  status: z.string().min(1),
  rahasia: z.boolean(),
  anonim: z.boolean(),
  sumber: z.string(),
  pelapor: PelaporSchema.nullable().optional(),
  lokasi: LokasiSchema.nullable().optional(),
  instansi_tujuan: z
    .object({ id: z.number().int().optional(), nama: z.string().optional() })
    .optional(),
  lampiran: z.array(LampiranSchema).optional(),
  tindak_lanjut: z.array(TindakLanjutSchema).optional(),
  dibuat_pada: z.string(),
  diperbarui_pada: z.string(),
});
export type LaporanDto = z.infer<typeof LaporanSchema>;

/** The envelope is strict: a page that is not this shape cannot be trusted at all. */
export const PageEnvelopeSchema = z.object({
  data: z.array(z.unknown()),
  next_cursor: z.string().min(1).nullable(),
});

export const PostTindakLanjutBodySchema = z.object({
  isi: z.string().min(20).max(5000),
  status: z.enum(LAPOR_PUSH_STATUSES),
});
export type PostTindakLanjutBody = z.infer<typeof PostTindakLanjutBodySchema>;

export interface ItemIssue {
  /** Dotted path, e.g. "tracking_id" or "lampiran.0.url"; "" for the item itself. */
  readonly path: string;
  readonly message: string;
}

export type LaporanItemResult =
  | { readonly ok: true; readonly value: LaporanDto; readonly raw: unknown; readonly index: number }
  | {
      readonly ok: false;
      readonly raw: unknown;
      readonly index: number;
      /** Best-effort id from the raw item so a dead letter can still be keyed. */
      readonly trackingId: string | null;
      readonly issues: readonly ItemIssue[];
    };

export interface LaporanPage {
  readonly items: readonly LaporanItemResult[];
  readonly nextCursor: string | null;
}

export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join(".");
}

function rawTrackingId(raw: unknown): string | null {
  if (typeof raw !== "object" || raw === null || !("tracking_id" in raw)) return null;
  const value = (raw as { tracking_id: unknown }).tracking_id;
  if (typeof value === "string" && value.length > 0) return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

export function parseLaporanItem(raw: unknown, index = 0): LaporanItemResult {
  const parsed = LaporanSchema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data, raw, index };
  return {
    ok: false,
    raw,
    index,
    trackingId: rawTrackingId(raw),
    issues: parsed.error.issues.map((issue) => ({
      path: formatIssuePath(issue.path),
      message: issue.message,
    })),
  };
}

/**
 * Envelope strictly, items one by one: one malformed report must go to the dead letter
 * queue while its neighbours are stored and the cursor can still advance.
 */
export function parseLaporanPage(
  body: unknown,
): { ok: true; page: LaporanPage } | { ok: false; issues: readonly ItemIssue[] } {
  const envelope = PageEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    return {
      ok: false,
      issues: envelope.error.issues.map((issue) => ({
        path: formatIssuePath(issue.path),
        message: issue.message,
      })),
    };
  }
  return {
    ok: true,
    page: {
      items: envelope.data.data.map((item, index) => parseLaporanItem(item, index)),
      nextCursor: envelope.data.next_cursor,
    },
  };
}
