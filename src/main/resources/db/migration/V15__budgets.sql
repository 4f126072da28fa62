-- Budgets (imagegen.budgets.*): a create is let through only if what it is expected to cost, with what its
-- provider's jobs already spent or have reserved in the period, stays within the provider's budget. budget_at: when
-- the job's last create was let through (the period its cost counts in); budget_amount: what that create was
-- expected to cost, counted until the job's real cost is known (or released when it ends without being charged).
-- NULL on jobs created while no budget applied to their provider. budget_lock: one row per budgeted provider,
-- locked (SELECT ... FOR UPDATE) while a create is weighed against its budgets, so two instances sharing the
-- database never let two creates through on the same remainder. Runs unchanged on H2 2.x and PostgreSQL 15.
ALTER TABLE job ADD COLUMN budget_at BIGINT;
ALTER TABLE job ADD COLUMN budget_amount DOUBLE PRECISION;

CREATE INDEX job_budget ON job (provider, budget_at);

CREATE TABLE budget_lock (
    provider VARCHAR(32) NOT NULL PRIMARY KEY
);
