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
