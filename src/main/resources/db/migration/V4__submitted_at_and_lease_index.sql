-- job.submitted_at: when the provider accepted the current generation (the poll planner learns durations from it).
-- V2 and V3 are taken by the message-queue and sink changes.
ALTER TABLE job ADD COLUMN submitted_at BIGINT;

-- the claim reads back the rows it leased by their lease owner
CREATE INDEX job_lease_owner ON job (lease_owner);
