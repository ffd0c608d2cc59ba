-- Row-level security for the tables that got an office column in 20261206130000
-- (dead letters, import runs, PDP subject requests); see 20261206090000_office_rls.

ALTER TABLE "DeadLetter" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "DeadLetter" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "DeadLetter";
CREATE POLICY office_staff ON "DeadLetter" TO aduan_staff
  USING (instansi = current_setting('aduan.instansi', true)) WITH CHECK (instansi = current_setting('aduan.instansi', true));
DROP POLICY IF EXISTS hub_system ON "DeadLetter";
CREATE POLICY hub_system ON "DeadLetter" TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE "ImportRun" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ImportRun" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "ImportRun";
CREATE POLICY office_staff ON "ImportRun" TO aduan_staff
  USING (instansi = current_setting('aduan.instansi', true)) WITH CHECK (instansi = current_setting('aduan.instansi', true));
DROP POLICY IF EXISTS hub_system ON "ImportRun";
CREATE POLICY hub_system ON "ImportRun" TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE "SubjectRequest" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "SubjectRequest" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "SubjectRequest";
CREATE POLICY office_staff ON "SubjectRequest" TO aduan_staff
  USING (instansi = current_setting('aduan.instansi', true)) WITH CHECK (instansi = current_setting('aduan.instansi', true));
DROP POLICY IF EXISTS hub_system ON "SubjectRequest";
CREATE POLICY hub_system ON "SubjectRequest" TO CURRENT_USER USING (true) WITH CHECK (true);
