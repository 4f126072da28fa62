-- Cluster (issue 7): the inbox's read locks, one row per file being read, in the database every instance shares, so
-- that several instances watching one folder never read the same file at once. The table is the one camel-sql's
-- JdbcOrphanLockAwareIdempotentRepository uses (its default name and columns; the bundle does not let it create the
-- table itself): createdAt is refreshed while the lock is held, and a row left unrefreshed by an instance that died
-- is taken over after imagegen.cluster.read-lock-max-age. messageId holds the file's name in the inbox (up to 1024
-- characters rather than the repository's default 100). Written to run unchanged on H2 2.x and PostgreSQL 15.

CREATE TABLE CAMEL_MESSAGEPROCESSED (
    processorName VARCHAR(255)  NOT NULL,
    messageId     VARCHAR(1024) NOT NULL,
    createdAt     TIMESTAMP,
    PRIMARY KEY (processorName, messageId)
);
