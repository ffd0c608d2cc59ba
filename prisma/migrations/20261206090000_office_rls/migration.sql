-- Offices isolated in PostgreSQL (issue 13). Hand-written: roles, grants and policies are
-- not part of the Prisma schema, so `prisma migrate diff` (npm run db:check) sees no change.
--
-- aduan_staff: the role every staff request runs as (src/db/scope.ts). It sees and writes
-- only the rows of the office in the setting `aduan.instansi`; with the setting unset it
-- sees nothing. The hub's own role (the one that runs this migration and owns the tables)
-- is the system: it crosses offices for sync, SLA sweep, retention, seal and webhooks.
-- FORCE makes the policies apply to the table owner too, so the owner's access is itself
-- a policy, written here, rather than an exemption nobody sees.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aduan_staff') THEN
    CREATE ROLE aduan_staff NOLOGIN NOINHERIT;
  END IF;
END
$$;
GRANT aduan_staff TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO aduan_staff;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO aduan_staff;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO aduan_staff;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO aduan_staff;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO aduan_staff;


-- Tables that carry the office.

ALTER TABLE "Case" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Case" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "Case";
CREATE POLICY office_staff ON "Case" TO aduan_staff
  USING (instansi = current_setting('aduan.instansi', true)) WITH CHECK (instansi = current_setting('aduan.instansi', true));
DROP POLICY IF EXISTS hub_system ON "Case";
CREATE POLICY hub_system ON "Case" TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE "AuditLog" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AuditLog" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "AuditLog";
CREATE POLICY office_staff ON "AuditLog" TO aduan_staff
  USING (instansi = current_setting('aduan.instansi', true)) WITH CHECK (instansi = current_setting('aduan.instansi', true));
DROP POLICY IF EXISTS hub_system ON "AuditLog";
CREATE POLICY hub_system ON "AuditLog" TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE "User" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "User" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "User";
CREATE POLICY office_staff ON "User" TO aduan_staff
  USING (instansi = current_setting('aduan.instansi', true)) WITH CHECK (instansi = current_setting('aduan.instansi', true));
DROP POLICY IF EXISTS hub_system ON "User";
CREATE POLICY hub_system ON "User" TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE "Report" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Report" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "Report";
CREATE POLICY office_staff ON "Report" TO aduan_staff
  USING (instansi = current_setting('aduan.instansi', true)) WITH CHECK (instansi = current_setting('aduan.instansi', true));
DROP POLICY IF EXISTS hub_system ON "Report";
CREATE POLICY hub_system ON "Report" TO CURRENT_USER USING (true) WITH CHECK (true);

-- Tables that hang off a case: visible when the case is (the Case policy applies inside).
-- Party too: its own office column is not kept by every writer, its case's is.

ALTER TABLE "Party" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Party" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "Party";
CREATE POLICY office_staff ON "Party" TO aduan_staff
  USING (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "Party"."caseId")) WITH CHECK (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "Party"."caseId"));
DROP POLICY IF EXISTS hub_system ON "Party";
CREATE POLICY hub_system ON "Party" TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE "CaseEvent" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "CaseEvent" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "CaseEvent";
CREATE POLICY office_staff ON "CaseEvent" TO aduan_staff
  USING (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "CaseEvent"."caseId")) WITH CHECK (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "CaseEvent"."caseId"));
DROP POLICY IF EXISTS hub_system ON "CaseEvent";
CREATE POLICY hub_system ON "CaseEvent" TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE "Finding" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Finding" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "Finding";
CREATE POLICY office_staff ON "Finding" TO aduan_staff
  USING (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "Finding"."caseId")) WITH CHECK (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "Finding"."caseId"));
DROP POLICY IF EXISTS hub_system ON "Finding";
CREATE POLICY hub_system ON "Finding" TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE "Message" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Message" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "Message";
CREATE POLICY office_staff ON "Message" TO aduan_staff
  USING (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "Message"."caseId")) WITH CHECK (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "Message"."caseId"));
DROP POLICY IF EXISTS hub_system ON "Message";
CREATE POLICY hub_system ON "Message" TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE "CasePause" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "CasePause" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "CasePause";
CREATE POLICY office_staff ON "CasePause" TO aduan_staff
  USING (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "CasePause"."caseId")) WITH CHECK (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "CasePause"."caseId"));
DROP POLICY IF EXISTS hub_system ON "CasePause";
CREATE POLICY hub_system ON "CasePause" TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE "SlaNotification" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "SlaNotification" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "SlaNotification";
CREATE POLICY office_staff ON "SlaNotification" TO aduan_staff
  USING (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "SlaNotification"."caseId")) WITH CHECK (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "SlaNotification"."caseId"));
DROP POLICY IF EXISTS hub_system ON "SlaNotification";
CREATE POLICY hub_system ON "SlaNotification" TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE "Attachment" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Attachment" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "Attachment";
CREATE POLICY office_staff ON "Attachment" TO aduan_staff
  USING (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "Attachment"."caseId")) WITH CHECK (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "Attachment"."caseId"));
DROP POLICY IF EXISTS hub_system ON "Attachment";
CREATE POLICY hub_system ON "Attachment" TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE "PartyLink" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "PartyLink" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "PartyLink";
CREATE POLICY office_staff ON "PartyLink" TO aduan_staff
  USING (EXISTS (SELECT 1 FROM "Party" p WHERE p.id = "PartyLink"."partyId") AND EXISTS (SELECT 1 FROM "Party" p WHERE p.id = "PartyLink"."otherPartyId")) WITH CHECK (EXISTS (SELECT 1 FROM "Party" p WHERE p.id = "PartyLink"."partyId") AND EXISTS (SELECT 1 FROM "Party" p WHERE p.id = "PartyLink"."otherPartyId"));
DROP POLICY IF EXISTS hub_system ON "PartyLink";
CREATE POLICY hub_system ON "PartyLink" TO CURRENT_USER USING (true) WITH CHECK (true);
