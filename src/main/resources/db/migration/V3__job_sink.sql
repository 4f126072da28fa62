-- Sinks (issue 8): one row per job and selected sink, so that each sink is delivered and retried on its own.
-- A sink that has every image and the manifest is DELIVERED and never written to again; a PENDING one is tried
-- at next_try_at; a FAILED one ran out of attempts (or was refused for good) and waits for an operator's retry.
-- Written to run unchanged on H2 2.x and PostgreSQL 15; times are epoch milliseconds, as in V1.

CREATE TABLE job_sink (
    job_key      VARCHAR(128)  NOT NULL REFERENCES job (job_key) ON DELETE CASCADE,
    sink         VARCHAR(64)   NOT NULL,
    state        VARCHAR(16)   NOT NULL,
    attempts     INT           NOT NULL DEFAULT 0,
    next_try_at  BIGINT,
    delivered_at BIGINT,
    -- where the images went (no credentials): a folder, s3://bucket/key-prefix/, sftp://host:port/path/, a URL
    location     VARCHAR(1024),
    last_error   VARCHAR(4000),
    updated_at   BIGINT        NOT NULL,
    PRIMARY KEY (job_key, sink)
);
