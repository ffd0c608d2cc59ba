-- Row-level security for the two tables that hang off a case without always having one
-- (see 20261206090000_office_rls).
--
-- Outbox: an entry with a case is that case's office's. An entry without one is a recap
-- push, which belongs to the hub's default office (the column default of every office
-- column, and the only office the recap targets serve).
ALTER TABLE "Outbox" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Outbox" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "Outbox";
CREATE POLICY office_staff ON "Outbox" TO aduan_staff
  USING (
    EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "Outbox"."caseId")
    OR ("caseId" IS NULL AND current_setting('aduan.instansi', true) = '6309-DINSOS')
  ) WITH CHECK (
    EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "Outbox"."caseId")
    OR ("caseId" IS NULL AND current_setting('aduan.instansi', true) = '6309-DINSOS')
  );
DROP POLICY IF EXISTS hub_system ON "Outbox";
CREATE POLICY hub_system ON "Outbox" TO CURRENT_USER USING (true) WITH CHECK (true);

-- RawMessage: a payload linked to a case is that case's office's. One not linked yet (an
-- import row being mapped, a quarantined webhook) belongs to no office until it is.
ALTER TABLE "RawMessage" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "RawMessage" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "RawMessage";
CREATE POLICY office_staff ON "RawMessage" TO aduan_staff
  USING ("caseId" IS NULL OR EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "RawMessage"."caseId"))
  WITH CHECK ("caseId" IS NULL OR EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "RawMessage"."caseId"));
DROP POLICY IF EXISTS hub_system ON "RawMessage";
CREATE POLICY hub_system ON "RawMessage" TO CURRENT_USER USING (true) WITH CHECK (true);
