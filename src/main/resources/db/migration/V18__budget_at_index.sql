-- The overall and route budgets (imagegen.budgets.overall.*, imagegen.budgets.route.<route>.*) sum every provider's
-- jobs whose create was let through in a period (budget_at), a route's by the job's route (V17): this index serves
-- that read, made under the 'budgets:currency' lock row of provider_lock at each create they weigh.
-- Runs unchanged on H2 2.x and PostgreSQL 15.
CREATE INDEX job_budget_at ON job (budget_at);
