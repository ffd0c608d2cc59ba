-- Person-link suggestions (src/intake/intake.repo.ts) match a new party's phone against the
-- further numbers of other parties: without this index that is a scan of every party per
-- new case, which a LAPOR! page of 200 cannot afford. fastupdate off: with the default
-- pending list every look-up also scans the list of entries not yet merged (measured 26 ms
-- for a page's 200 look-ups after 10,000 inserts, 0.6 ms without it); the arrays are
-- nearly always empty, so writing the index directly costs the inserts almost nothing.
CREATE INDEX "Party_altPhones_idx" ON "Party" USING GIN ("altPhones") WITH (fastupdate = off);
