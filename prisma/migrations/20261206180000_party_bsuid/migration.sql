-- WhatsApp business-scoped user IDs (issue 19): a sender who hides their phone number is
-- identified by a BSUID. Kept beside phoneE164/waId on the party, treated like them.
ALTER TABLE "Party" ADD COLUMN "bsuid" TEXT;

CREATE INDEX "Party_bsuid_idx" ON "Party"("bsuid");
