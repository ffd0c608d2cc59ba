-- An outbox entry without a case (a recap push) belongs to the office whose counts it
-- carries, named by its recap target (REKAP_TARGETS instansiKode), no longer always the
-- default office. An entry with a case stays its case's office's: the policy reads the
-- case, not this column.
ALTER TABLE "Outbox" ADD COLUMN "instansi" TEXT NOT NULL DEFAULT '6309-DINSOS';

UPDATE "Outbox" SET "instansi" = payload->>'instansiKode'
 WHERE "caseId" IS NULL AND kind = 'rekap.push' AND payload->>'instansiKode' IS NOT NULL;

DROP POLICY IF EXISTS office_staff ON "Outbox";
CREATE POLICY office_staff ON "Outbox" TO aduan_staff
  USING (
    EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "Outbox"."caseId")
    OR ("caseId" IS NULL AND "instansi" = current_setting('aduan.instansi', true))
  ) WITH CHECK (
    EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "Outbox"."caseId")
    OR ("caseId" IS NULL AND "instansi" = current_setting('aduan.instansi', true))
  );
