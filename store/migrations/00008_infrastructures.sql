-- +goose Up
-- Infrastructures (containers of resources owned by a customer) and the
-- cost centers that group them within an account. Resources and usage come
-- with their own migration.

CREATE TABLE cost_centers (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
-- names are unique per account whatever their case ("Prod" and "prod"
-- would read as one in a report)
CREATE UNIQUE INDEX cost_centers_account_name ON cost_centers (account_id, lower(name));

-- A deleted infrastructure is kept (usage and invoices will point at it)
-- but is gone for every reader: status 'deleted', deleted_at set, and its
-- name free for a new one. That a cost center belongs to the same account
-- as its infrastructures is checked by the store, in the transaction that
-- assigns it; deleting a cost center unlinks the deleted infrastructures
-- that still name it (the store refuses while live ones do).
CREATE TABLE infrastructures (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    cost_center_id TEXT REFERENCES cost_centers (id) ON DELETE SET NULL,
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted')),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    deleted_at     INTEGER,
    CHECK ((status = 'deleted') = (deleted_at IS NOT NULL))
);
-- unique among the live ones; also the index a list by name walks
CREATE UNIQUE INDEX infrastructures_account_name ON infrastructures (account_id, lower(name))
    WHERE status = 'active';
CREATE INDEX infrastructures_cost_center ON infrastructures (cost_center_id) WHERE cost_center_id IS NOT NULL;

-- +goose Down
DROP TABLE infrastructures;
DROP TABLE cost_centers;
