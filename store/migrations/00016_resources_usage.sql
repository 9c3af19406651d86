-- +goose Up
-- Resources inside infrastructures, the usage fact log, and its daily
-- rollup. Times are integer Unix milliseconds (lifecycle times fall on
-- whole seconds); quantities are integer millionths, so SQL sums stay exact.

-- which resource type's lifecycle a metric meters: NULL for a metric
-- reported only by the API or imports (traffic, backups)
ALTER TABLE metrics ADD COLUMN resource_type TEXT CHECK (resource_type IN ('server', 'volume', 'ip'));

-- A resource is metered while it runs: running_since opens the interval,
-- and stop, resize and delete close it by writing usage records in the
-- same transaction that clears or moves it, so an interval is counted
-- once whatever restarts in between. A deleted resource is kept for the
-- usage that points at it.
CREATE TABLE resources (
    id                TEXT PRIMARY KEY,
    infrastructure_id TEXT NOT NULL REFERENCES infrastructures (id) ON DELETE CASCADE,
    -- the infrastructure's owner, so that subtree reads need no join
    account_id        TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    type              TEXT NOT NULL CHECK (type IN ('server', 'volume', 'ip')),
    name              TEXT NOT NULL,
    metric_key        TEXT NOT NULL REFERENCES metrics (key),
    size_gb           INTEGER CHECK (size_gb > 0),
    state             TEXT NOT NULL CHECK (state IN ('stopped', 'running', 'deleted')),
    running_since     INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    deleted_at        INTEGER,
    CHECK ((state = 'running') = (running_since IS NOT NULL)),
    CHECK ((state = 'deleted') = (deleted_at IS NOT NULL)),
    CHECK ((type = 'volume') = (size_gb IS NOT NULL))
);
CREATE UNIQUE INDEX resources_infra_name ON resources (infrastructure_id, lower(name)) WHERE state <> 'deleted';
-- open intervals of a subtree, read by every month-to-date figure
CREATE INDEX resources_running ON resources (account_id, infrastructure_id) WHERE state = 'running';

-- The fact log: never updated, never deleted; a correction is a new
-- record. The id is time-ordered with random low bits (store/usage.go),
-- so inserts append and ids are not guessable in sequence. account_id is
-- the infrastructure's owner: idempotency keys are unique per owner,
-- forever, and content_hash tells a duplicate from a conflict.
CREATE TABLE usage_records (
    id                INTEGER PRIMARY KEY,
    account_id        TEXT NOT NULL,
    infrastructure_id TEXT NOT NULL REFERENCES infrastructures (id) ON DELETE CASCADE,
    resource_id       TEXT,
    metric_key        TEXT NOT NULL REFERENCES metrics (key),
    quantity_micro    INTEGER NOT NULL CHECK (quantity_micro >= 0),
    start_ms          INTEGER NOT NULL,
    end_ms            INTEGER NOT NULL,
    source            TEXT NOT NULL CHECK (source IN ('lifecycle', 'api', 'import')),
    idempotency_key   TEXT,
    content_hash      BLOB,
    received_at       INTEGER NOT NULL,
    -- who sent it: a user id, an API key id, or system:<reason>
    sent_by           TEXT NOT NULL DEFAULT '',
    CHECK (start_ms < end_ms),
    CHECK ((idempotency_key IS NULL) = (content_hash IS NULL))
);
CREATE UNIQUE INDEX usage_records_key ON usage_records (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX usage_records_infra ON usage_records (infrastructure_id, start_ms);
CREATE INDEX usage_records_resource ON usage_records (resource_id, start_ms) WHERE resource_id IS NOT NULL;

-- The daily rollup, kept in the transaction of every insert: a record's
-- quantity is spread over the UTC days its span covers (internal/usage
-- SpreadDaily), so a period's total for an infrastructure or a subtree is
-- an indexed range read that equals the sum of the raw records.
CREATE TABLE usage_daily (
    infrastructure_id TEXT NOT NULL,
    day               INTEGER NOT NULL,
    metric_key        TEXT NOT NULL,
    account_id        TEXT NOT NULL,
    quantity_micro    INTEGER NOT NULL,
    PRIMARY KEY (infrastructure_id, day, metric_key)
) WITHOUT ROWID;
CREATE INDEX usage_daily_account ON usage_daily (account_id, day, metric_key, quantity_micro);

-- +goose Down
DROP TABLE usage_daily;
DROP TABLE usage_records;
DROP TABLE resources;
ALTER TABLE metrics DROP COLUMN resource_type;
