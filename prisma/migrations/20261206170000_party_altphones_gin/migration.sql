-- Person-link suggestions (src/intake/intake.repo.ts) match a new party's phone against the
-- further numbers of other parties: without this index that is a scan of every party per
-- new case, which a LAPOR! page of 200 cannot afford.
CREATE INDEX "Party_altPhones_idx" ON "Party" USING GIN ("altPhones");
