-- Scheduled jobs with memory (issue 17): the last period each job completed.
CREATE TABLE "JobState" (
    "job" TEXT NOT NULL,
    "lastPeriod" TEXT NOT NULL,
    "completedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "JobState_pkey" PRIMARY KEY ("job")
);
