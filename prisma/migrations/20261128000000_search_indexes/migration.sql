-- Trigram indexes for the case list's text search `q` (ILIKE '%…%' on the case number,
-- keperluan, title and party names): without them every search scans both tables.
-- Each is partial (`WHERE … IS NOT NULL`, implied by any ILIKE on the column, so the
-- planner still uses it): Prisma cannot model trigram indexes and leaves partial ones out
-- of its diff, so `npm run db:check` stays clean and `prisma migrate dev` never drops them.
-- PGlite offers pg_trgm because src/db/database.ts loads it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX IF NOT EXISTS "Case_number_trgm_idx" ON "Case" USING gin (number gin_trgm_ops) WHERE number IS NOT NULL;
CREATE INDEX IF NOT EXISTS "Case_keperluan_trgm_idx" ON "Case" USING gin (keperluan gin_trgm_ops) WHERE keperluan IS NOT NULL;
CREATE INDEX IF NOT EXISTS "Case_title_trgm_idx" ON "Case" USING gin (title gin_trgm_ops) WHERE title IS NOT NULL;
CREATE INDEX IF NOT EXISTS "Party_name_trgm_idx" ON "Party" USING gin (name gin_trgm_ops) WHERE name IS NOT NULL;
