-- Provider definitions: where a generation's status is asked when the provider returned a URL for it at create
-- (fal's status_url, BFL's polling_url), kept beside the generation id so the id stays the provider's own (webhooks
-- and cancel find the generation by it); and the queue position and progress (0-100) the provider last reported,
-- shown by the HTTP API and the jobs page. All three are NULL until known. Jobs created before this column kept
-- their status URL as the generation id, and are still checked at it. Runs unchanged on H2 2.x and PostgreSQL 15.
ALTER TABLE job ADD COLUMN status_url VARCHAR(2048);
ALTER TABLE job ADD COLUMN queue_position INT;
ALTER TABLE job ADD COLUMN progress INT;
