-- The cost a provider reports for a generation (a provider definition's createCost, or an outcome's cost): the
-- last figure it gave, in the unit the definition names (costUnit: credits, USD, ...). NULL when the provider
-- reports none. A double, not a decimal: it is the number as the provider's JSON gave it, recorded for the
-- operator, not an account. Runs unchanged on H2 2.x and PostgreSQL 15.
ALTER TABLE job ADD COLUMN cost_amount DOUBLE PRECISION;
ALTER TABLE job ADD COLUMN cost_unit VARCHAR(32);
