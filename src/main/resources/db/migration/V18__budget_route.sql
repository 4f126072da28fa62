-- Budgets per route over providers (imagegen.budgets.route.<route>.*): budget_route is the route a job's last create
-- was let through on (NULL: none, or no budget applied), written with budget_at and budget_amount in the same
-- SUBMITTING transaction, so a route's spend is summed from the jobs themselves. The overall and route budgets are
-- weighed under one more provider_lock row ('budgets:currency'). Runs unchanged on H2 2.x and PostgreSQL 15.
ALTER TABLE job ADD COLUMN budget_route VARCHAR(64);

CREATE INDEX job_budget_at ON job (budget_at);
