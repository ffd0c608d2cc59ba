-- Issue 13: offices isolated at the application level. Existing rows land in the default
-- office (6309-DINSOS), which is the office every row had before a second one existed.

-- Case numbers are counted per office and WITA year. The old shared counter becomes the
-- default office's; every other office starts from the highest number it already holds,
-- so no number it issued can be issued twice.
ALTER TABLE "CaseCounter" ADD COLUMN "instansi" TEXT NOT NULL DEFAULT '6309-DINSOS';
ALTER TABLE "CaseCounter" DROP CONSTRAINT "CaseCounter_pkey";
ALTER TABLE "CaseCounter" ADD CONSTRAINT "CaseCounter_pkey" PRIMARY KEY ("instansi", "year");
INSERT INTO "CaseCounter" ("instansi", "year", "last")
SELECT c.instansi, m[1]::int, max(m[2]::int)
  FROM "Case" c, regexp_match(c.number, '^[A-Z]+-([0-9]{4})-([0-9]+)$') AS m
 WHERE m IS NOT NULL
 GROUP BY 1, 2
ON CONFLICT ("instansi", "year") DO UPDATE
  SET "last" = greatest("CaseCounter"."last", EXCLUDED."last");

-- The same number (and, for desk cases, the same externalId, which is the number) may
-- now exist once per office.
DROP INDEX "Case_number_key";
DROP INDEX "Case_channel_externalId_key";
CREATE UNIQUE INDEX "Case_instansi_number_key" ON "Case"("instansi", "number");
CREATE UNIQUE INDEX "Case_instansi_channel_externalId_key" ON "Case"("instansi", "channel", "externalId");

-- Lists that were global: each row now names the office it belongs to.
ALTER TABLE "DeadLetter" ADD COLUMN "instansi" TEXT NOT NULL DEFAULT '6309-DINSOS';
ALTER TABLE "ImportRun" ADD COLUMN "instansi" TEXT NOT NULL DEFAULT '6309-DINSOS';
ALTER TABLE "SubjectRequest" ADD COLUMN "instansi" TEXT NOT NULL DEFAULT '6309-DINSOS';

-- Import runs and subject requests of an actor of another office go to that office.
UPDATE "ImportRun" r SET instansi = u.instansi FROM "User" u WHERE u.id = r."actorId";
UPDATE "SubjectRequest" r SET instansi = u.instansi FROM "User" u WHERE u.id = r."actorId";

-- Link suggestions are made within one office now; undecided ones that crossed offices go.
DELETE FROM "PartyLink" l
 USING "Party" a, "Case" ca, "Party" b, "Case" cb
 WHERE l.status = 'suggested'
   AND a.id = l."partyId" AND ca.id = a."caseId"
   AND b.id = l."otherPartyId" AND cb.id = b."caseId"
   AND ca.instansi <> cb.instansi;

-- A failed push names its case: the letter is that case's office's.
UPDATE "DeadLetter" d SET instansi = c.instansi
  FROM "Case" c
 WHERE d.source LIKE 'outbox:%' AND d.payload->>'caseId' = c.id::text AND d.instansi <> c.instansi;
