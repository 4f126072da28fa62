-- Where a job's cost came from and the model it was for. cost_source: 'reported' (the provider's own figure) or
-- 'configured' (imagegen.providers.<name>.price, for a provider that reports none); NULL while there is no cost.
-- cost_model: the model the generation ran on, so spend can be summed per provider, model and unit from the store.
-- Runs unchanged on H2 2.x and PostgreSQL 15.
ALTER TABLE job ADD COLUMN cost_source VARCHAR(16);
ALTER TABLE job ADD COLUMN cost_model VARCHAR(256);
