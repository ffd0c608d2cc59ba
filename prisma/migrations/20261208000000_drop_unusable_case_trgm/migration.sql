-- The trigram indexes on "Case".number, keperluan and title (20261128000000_search_indexes)
-- cannot serve the case list's search since issue 15: it is one OR of number, tracking id,
-- party name (an EXISTS), keperluan/title and exact NIK/phone, so PostgreSQL filters the
-- office's cases row by row and never uses them (EXPLAIN at 30,000 cases: an index scan on
-- instansi with the ILIKEs as a filter; only "Party_name_trgm_idx" is used, inside the
-- EXISTS). They cost every write of a case: keperluan's alone was 1.7 s of a 30,000-case
-- LAPOR! load, more than the whole intake pipeline adds (bench/README.md). Dropped; the
-- party-name index stays.
DROP INDEX IF EXISTS "Case_number_trgm_idx";
DROP INDEX IF EXISTS "Case_keperluan_trgm_idx";
DROP INDEX IF EXISTS "Case_title_trgm_idx";
