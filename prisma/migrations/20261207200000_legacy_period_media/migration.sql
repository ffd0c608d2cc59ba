-- Issue 16: legacy rows keep the reporting period of the sheet they were filed in; the
-- medium of a complaint is recorded apart from the channel; completion times that were
-- never recorded are flagged.
ALTER TABLE "Case" ADD COLUMN "legacyPeriod" TEXT;
ALTER TABLE "Case" ADD COLUMN "legacyInfo" JSONB;
ALTER TABLE "Case" ADD COLUMN "media" TEXT;

CREATE INDEX "Case_instansi_legacyPeriod_idx" ON "Case"("instansi", "legacyPeriod");

-- Rows imported before: the sheet and row are in "sumber" ("impor <file> 2023-01 baris 10").
UPDATE "Case"
   SET "legacyPeriod" = substring(sumber from ' ([0-9]{4}-[0-9]{2}) baris [0-9]+$'),
       "legacyInfo" = jsonb_build_object(
         'rowNo', substring(sumber from ' baris ([0-9]+)$')::int,
         'tanggal', NULL,
         'review', '[]'::jsonb),
       flags = CASE WHEN 'closed_at_unrecorded' = ANY(flags) THEN flags
                    ELSE array_append(flags, 'closed_at_unrecorded') END
 WHERE channel = 'legacy_import' AND sumber ~ ' [0-9]{4}-[0-9]{2} baris [0-9]+$';
