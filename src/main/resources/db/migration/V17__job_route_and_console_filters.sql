-- The jobs page's filters (provider, route, state, accepted from/to, id) read indexed columns only. job.route: the
-- named route over providers the request asked for (imagegen.routes.<name>), written with the job; NULL for a job on
-- one provider. The jobs accepted before this migration get theirs from their request_json in V17_1 (a Java
-- migration, db/migration/V17_1__job_route_from_request). The list is ordered by accepted_at, so each filter's index
-- ends with it; state keeps its own index (job_state), id prefixes use the primary key.
-- Runs unchanged on H2 2.x and PostgreSQL 15.
ALTER TABLE job ADD COLUMN route VARCHAR(64);

CREATE INDEX job_route_accepted ON job (route, accepted_at);
CREATE INDEX job_provider_accepted ON job (provider, accepted_at);
