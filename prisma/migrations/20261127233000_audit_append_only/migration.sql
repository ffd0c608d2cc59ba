-- UU 27/2022 PDP processing record: "AuditLog" is append-only. Rows may be inserted; the
-- only permitted change is the chain sealer setting "prevHash"/"hash" once, on a row that
-- has neither yet, leaving every other column as it was. DELETE is refused.
-- Hand-written: triggers are not part of the Prisma schema, so `prisma migrate diff`
-- (npm run db:check) still reports no difference.
CREATE OR REPLACE FUNCTION "audit_log_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD."prevHash" IS NULL AND OLD."hash" IS NULL
     AND NEW."prevHash" IS NOT NULL AND NEW."hash" IS NOT NULL
     AND ROW(NEW."id", NEW."instansi", NEW."at", NEW."actorId", NEW."actorName", NEW."action",
             NEW."caseId", NEW."fields", NEW."purpose", NEW."ip", NEW."requestId", NEW."data")
         IS NOT DISTINCT FROM
         ROW(OLD."id", OLD."instansi", OLD."at", OLD."actorId", OLD."actorName", OLD."action",
             OLD."caseId", OLD."fields", OLD."purpose", OLD."ip", OLD."requestId", OLD."data")
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'AuditLog is append-only: % of row % refused', TG_OP, OLD."id"
    USING ERRCODE = 'insufficient_privilege';
END;
$fn$;

DROP TRIGGER IF EXISTS "AuditLog_append_only" ON "AuditLog";
CREATE TRIGGER "AuditLog_append_only"
  BEFORE UPDATE OR DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_append_only"();
