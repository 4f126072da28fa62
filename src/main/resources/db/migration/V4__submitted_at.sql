-- When the provider accepted the current generation (the poll planner learns durations from it).
-- V2 and V3 are taken by the message-queue and sink changes.
ALTER TABLE job ADD COLUMN submitted_at BIGINT;
