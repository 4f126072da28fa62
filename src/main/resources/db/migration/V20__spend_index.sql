-- The spend series (imagegen_spend_total) sum the costs of every job at each refresh of the metrics. Without an
-- index that sum read every row of the job table, request and image JSON included: at 100,000 jobs waiting for
-- their creates the metrics page no longer answered. With every column the sum reads in this index, it reads the
-- costed jobs' entries only (JobQueries.spend asks for cost_amount >= 0, a range). Runs unchanged on H2 2.x and
-- PostgreSQL 15.
CREATE INDEX job_spend ON job (cost_amount, provider, cost_model, cost_unit);
