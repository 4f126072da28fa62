-- Provider limits (imagegen.providers.<name>.max-concurrent, .creates-per-minute) held across every instance sharing
-- the job store: a create is let through under the same per-provider lock row as its budgets, so budget_lock becomes
-- provider_lock (one row per provider with a budget or a limit). The counts come from the jobs themselves: the
-- provider's jobs in SUBMITTING, SUBMITTED or RUNNING, and its creates sent (job_event rows in SUBMITTING) in the
-- last 60 s; the indexes below serve them. paused_until: a provider's 429 with Retry-After on a create, so no
-- instance sends it a create before then (epoch milliseconds; NULL: no pause). Runs unchanged on H2 2.x and PostgreSQL 15.
ALTER TABLE budget_lock RENAME TO provider_lock;
ALTER TABLE provider_lock ADD COLUMN paused_until BIGINT;

CREATE INDEX job_provider_state ON job (provider, state);
CREATE INDEX job_event_state_at ON job_event (state, at);
