-- Cluster (issue 7): the all-images webhook subscription in force, one per API key and so one for every instance
-- sharing the job store. The leader (routes/webhooks.camel.yaml) records the subscription it made; a leader that
-- finds a row not its own - left by a leader that died before it could unsubscribe, or by this instance before a
-- crash - removes that subscription at the provider first, so subscriptions never pile up. Runs unchanged on H2 2.x
-- and PostgreSQL 15.
CREATE TABLE webhook_subscription (
    provider      VARCHAR(40)  NOT NULL PRIMARY KEY,
    webhook_id    VARCHAR(200) NOT NULL,
    node_id       VARCHAR(200) NOT NULL,
    subscribed_at TIMESTAMP    NOT NULL
);
