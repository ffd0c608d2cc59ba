// The recap body of ../shared/upstream/rekap.yaml. Counts only: the schema has no field
// that could carry a name, phone, NIK or free text, and `.strict()` refuses extra ones.
import { z } from "zod";

export const RekapBodySchema = z
  .object({
    instansi_kode: z.string().min(1).max(40),
    periode: z.string().regex(/^[0-9]{4}(-[0-9]{2})?$/),
    revision: z.number().int().min(1),
    dibuat_pada: z.iso.datetime({ offset: true }),
    total: z.number().int().min(0),
    per_jenis: z.array(
      z.object({ kode: z.string(), nama: z.string(), jumlah: z.number().int().min(0) }).strict(),
    ),
    per_media: z.array(z.object({ media: z.string(), jumlah: z.number().int().min(0) }).strict()),
    per_status: z
      .object({
        selesai: z.number().int().min(0),
        dalam_proses: z.number().int().min(0),
        tidak_dapat_ditindaklanjuti: z.number().int().min(0),
      })
      .strict(),
    waktu_penyelesaian: z
      .object({
        rata_rata_hari_kerja: z.number().optional(),
        median_hari_kerja: z.number().optional(),
        melewati_batas: z.number().int().min(0).optional(),
      })
      .strict(),
  })
  .strict();

export type RekapBody = z.infer<typeof RekapBodySchema>;

export const RekapReceiptSchema = z.object({ receipt_id: z.string().min(1) });

export function rekapIdempotencyKey(b: Pick<RekapBody, "instansi_kode" | "periode" | "revision">) {
  return `${b.instansi_kode}:${b.periode}:${b.revision}`;
}

/** The outbox kind of a recap push (one entry per target, periode and revision). */
export const REKAP_OUTBOX_KIND = "rekap.push";

/** What the recap service stores in a `rekap.push` outbox entry and its publisher sends. */
export const RekapOutboxPayloadSchema = z.object({
  periode: z.string(),
  revision: z.number().int().min(1),
  instansiKode: z.string(),
  /** sha256 of the counts (without revision and dibuat_pada): decides "changed". */
  contentHash: z.string(),
  /** The Idempotency-Key header, `<instansi_kode>:<periode>:<revision>`. */
  idempotencyKey: z.string(),
  /** The JSON body exactly as signed and sent. */
  body: z.string(),
});
export type RekapOutboxPayload = z.infer<typeof RekapOutboxPayloadSchema>;
