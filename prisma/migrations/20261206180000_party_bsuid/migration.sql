-- WhatsApp business-scoped user IDs (issue 19): a sender who hides their phone number is
-- identified by a BSUID. Kept beside phoneE164/waId on the party, treated like them.
ALTER TABLE "Party" ADD COLUMN "bsuid" TEXT;

CREATE INDEX "Party_bsuid_idx" ON "Party"("bsuid");

-- Replay (issue 19 item 5): WhatsApp webhooks whose messages the mapper could not read
-- before (a BSUID in `from` was refused) are handed back to the webhook.process job, which
-- processes every "stored" row within a minute of start. A message already on a case is a
-- duplicate by its wamid and changes nothing; a part still unreadable is quarantined again.
-- Bodies that were not JSON ("JSON tidak valid") stay quarantined.
UPDATE "RawMessage" SET status = 'stored', error = NULL
 WHERE channel = 'whatsapp'
   AND status IN ('quarantined', 'processed')
   AND error LIKE '% bagian tidak terbaca';
