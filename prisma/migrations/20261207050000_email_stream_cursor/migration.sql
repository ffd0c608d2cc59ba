-- E-mail mailboxes now run on the sync engine: the stream position is the engine's
-- {cursor, since} with cursor "<UIDVALIDITY>:<last UID>". Carry the old per-mailbox
-- {uidValidity, lastUid} over so an upgrade does not re-read every mailbox.
UPDATE "SyncState"
   SET cursor = jsonb_build_object(
         'cursor', (cursor->>'uidValidity') || ':' || (cursor->>'lastUid'),
         'since', NULL)
 WHERE stream LIKE 'email:%' AND cursor ? 'uidValidity' AND cursor ? 'lastUid';
