-- Decree 21/2023, KETIGA 1b and 4: the Tim Penelaah reports its telaah to the Penanggung
-- Jawab with a recommendation (continue with an audit, or stop), and the Kepala Dinas
-- decides whether the complaint goes on to an audit. "auditDecision" (already present)
-- holds the decision; this column holds the recommendation it was taken on.
ALTER TABLE "Case" ADD COLUMN "auditRecommendation" TEXT;
