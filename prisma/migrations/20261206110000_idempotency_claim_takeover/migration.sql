-- Issue 13 item 6: an Idempotency-Key claim left IN_PROGRESS by a crashed request is taken
-- over after a bounded time. Existing rows count as claimed when they were created, so keys
-- stuck before this migration are freed on the first retry.
ALTER TABLE "IdempotencyRecord" ADD COLUMN "claimedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN "claimToken" UUID;
UPDATE "IdempotencyRecord" SET "claimedAt" = "createdAt";
