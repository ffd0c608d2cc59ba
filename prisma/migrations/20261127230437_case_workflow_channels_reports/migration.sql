-- AlterTable
ALTER TABLE "AuditLog" ADD COLUMN     "hash" TEXT,
ADD COLUMN     "instansi" TEXT NOT NULL DEFAULT '6309-DINSOS',
ADD COLUMN     "prevHash" TEXT;

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "anonymisedAt" TIMESTAMPTZ(3),
ADD COLUMN     "assigneeId" UUID,
ADD COLUMN     "auditDecision" TEXT,
ADD COLUMN     "currentStep" TEXT,
ADD COLUMN     "instansi" TEXT NOT NULL DEFAULT '6309-DINSOS',
ADD COLUMN     "jenisRule" TEXT,
ADD COLUMN     "kategori" TEXT,
ADD COLUMN     "klasifikasi" TEXT,
ADD COLUMN     "lastInboundAt" TIMESTAMPTZ(3),
ADD COLUMN     "pausedSince" TIMESTAMPTZ(3),
ADD COLUMN     "publicTokenHash" TEXT,
ADD COLUMN     "reasonCode" TEXT,
ADD COLUMN     "stepStartedAt" TIMESTAMPTZ(3),
ADD COLUMN     "upstreamUpdatedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Finding" ADD COLUMN     "personRole" TEXT;

-- AlterTable
ALTER TABLE "Party" ADD COLUMN     "altPhones" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "instansi" TEXT NOT NULL DEFAULT '6309-DINSOS',
ADD COLUMN     "metaId" TEXT,
ADD COLUMN     "restricted" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "instansi" TEXT NOT NULL DEFAULT '6309-DINSOS';

-- CreateTable
CREATE TABLE "Message" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "direction" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "externalId" TEXT,
    "author" TEXT,
    "body" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "deliveryStatus" TEXT,
    "deliveryError" TEXT,
    "outboxId" UUID,
    "rawMessageId" UUID,
    "actorId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CasePause" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "from" TIMESTAMPTZ(3) NOT NULL,
    "to" TIMESTAMPTZ(3),
    "reason" TEXT NOT NULL,
    "actorId" UUID,

    CONSTRAINT "CasePause_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlaNotification" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "step" TEXT NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "notifiedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recipients" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "SlaNotification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarOverride" (
    "date" TEXT NOT NULL,
    "working" BOOLEAN NOT NULL,
    "reason" TEXT,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CalendarOverride_pkey" PRIMARY KEY ("date")
);

-- CreateTable
CREATE TABLE "CatalogueVersion" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "note" TEXT,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CatalogueVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportRun" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "actorId" UUID,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),
    "status" TEXT NOT NULL DEFAULT 'running',
    "rows" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "anomalies" JSONB NOT NULL DEFAULT '[]',
    "error" TEXT,

    CONSTRAINT "ImportRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "data" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Report" (
    "id" UUID NOT NULL,
    "instansi" TEXT NOT NULL DEFAULT '6309-DINSOS',
    "kind" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "catalogueVersions" JSONB NOT NULL,
    "dataHash" TEXT NOT NULL,
    "checksum" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "content" BYTEA NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Report_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecapReceipt" (
    "id" UUID NOT NULL,
    "target" TEXT NOT NULL,
    "periode" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "receiptId" TEXT,
    "status" TEXT NOT NULL,
    "response" JSONB,
    "outboxId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecapReceipt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PartyLink" (
    "id" UUID NOT NULL,
    "partyId" UUID NOT NULL,
    "otherPartyId" UUID NOT NULL,
    "basis" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'suggested',
    "decidedById" UUID,
    "decidedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PartyLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubjectRequest" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "nikHash" TEXT,
    "personName" TEXT,
    "status" TEXT NOT NULL DEFAULT 'diterima',
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "completedAt" TIMESTAMPTZ(3),
    "note" TEXT,
    "actorId" UUID,
    "result" JSONB,

    CONSTRAINT "SubjectRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Message_caseId_at_idx" ON "Message"("caseId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Message_channel_externalId_key" ON "Message"("channel", "externalId");

-- CreateIndex
CREATE INDEX "CasePause_caseId_idx" ON "CasePause"("caseId");

-- CreateIndex
CREATE UNIQUE INDEX "SlaNotification_caseId_step_dueAt_key" ON "SlaNotification"("caseId", "step", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "CatalogueVersion_kind_version_key" ON "CatalogueVersion"("kind", "version");

-- CreateIndex
CREATE INDEX "ImportRun_kind_startedAt_idx" ON "ImportRun"("kind", "startedAt");

-- CreateIndex
CREATE INDEX "Alert_resolvedAt_createdAt_idx" ON "Alert"("resolvedAt", "createdAt");

-- CreateIndex
CREATE INDEX "Report_kind_createdAt_idx" ON "Report"("kind", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "RecapReceipt_target_periode_revision_key" ON "RecapReceipt"("target", "periode", "revision");

-- CreateIndex
CREATE INDEX "PartyLink_otherPartyId_idx" ON "PartyLink"("otherPartyId");

-- CreateIndex
CREATE UNIQUE INDEX "PartyLink_partyId_otherPartyId_basis_key" ON "PartyLink"("partyId", "otherPartyId", "basis");

-- CreateIndex
CREATE INDEX "SubjectRequest_status_dueAt_idx" ON "SubjectRequest"("status", "dueAt");

-- CreateIndex
CREATE INDEX "Case_instansi_receivedAt_idx" ON "Case"("instansi", "receivedAt");

-- CreateIndex
CREATE INDEX "Case_dueAt_idx" ON "Case"("dueAt");

-- CreateIndex
CREATE INDEX "Party_waId_idx" ON "Party"("waId");

-- CreateIndex
CREATE INDEX "Party_email_idx" ON "Party"("email");

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CasePause" ADD CONSTRAINT "CasePause_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
