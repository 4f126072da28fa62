-- HTTP API and webhooks (issue 4): a webhook names the provider's generation id, so finding its job must not scan
-- the table; the API lists jobs newest first. Runs unchanged on H2 2.x and PostgreSQL 15.
CREATE INDEX job_provider_job ON job (provider, provider_job_id);
CREATE INDEX job_accepted ON job (accepted_at, job_key);
