-- Message queues (issue 3).
-- job_event.published_at: the transactional outbox. Every state change already adds a job_event row in the same
-- transaction as the change; the publish-events route sends the unpublished rows to the configured event endpoints
-- and then sets published_at (at-least-once: a crash in between sends the row again, with the same event id).
-- History written before this migration is not announced again.
ALTER TABLE job_event ADD COLUMN published_at BIGINT;
UPDATE job_event SET published_at = at;
CREATE INDEX job_event_unpublished ON job_event (published_at, id);

-- job_reply: a request that named a reply destination (JMSReplyTo) gets its final result there, carrying its
-- correlation id. Written in the same transaction as the job row.
CREATE TABLE job_reply (
    job_key        VARCHAR(128)  NOT NULL PRIMARY KEY REFERENCES job (job_key) ON DELETE CASCADE,
    destination    VARCHAR(1024) NOT NULL,
    correlation_id VARCHAR(1024)
);
