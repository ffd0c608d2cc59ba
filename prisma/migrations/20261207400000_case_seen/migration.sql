-- issue 15: the inbox's unread marker (last seen per user x case) and its sort by arrival.

-- CreateTable
CREATE TABLE "CaseSeen" (
    "userId" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "seenAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CaseSeen_pkey" PRIMARY KEY ("userId","caseId")
);

-- CreateIndex
CREATE INDEX "CaseSeen_caseId_idx" ON "CaseSeen"("caseId");

-- CreateIndex
CREATE INDEX "Case_createdAt_id_idx" ON "Case"("createdAt" DESC, "id" DESC);

-- Hangs off a case: visible to staff when the case is (the Case policy applies inside).
GRANT SELECT, INSERT, UPDATE, DELETE ON "CaseSeen" TO aduan_staff;
ALTER TABLE "CaseSeen" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "CaseSeen" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS office_staff ON "CaseSeen";
CREATE POLICY office_staff ON "CaseSeen" TO aduan_staff
  USING (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "CaseSeen"."caseId")) WITH CHECK (EXISTS (SELECT 1 FROM "Case" c WHERE c.id = "CaseSeen"."caseId"));
DROP POLICY IF EXISTS hub_system ON "CaseSeen";
CREATE POLICY hub_system ON "CaseSeen" TO CURRENT_USER USING (true) WITH CHECK (true);
