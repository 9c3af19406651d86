-- +goose Up
-- Core of the tenancy model: the account tree, domains, users, memberships,
-- sessions, tokens, audit and throttles. Times are Unix milliseconds (UTC).

CREATE TABLE accounts (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('provider', 'reseller', 'customer')),
    parent_id      TEXT REFERENCES accounts (id),
    -- materialized path: ancestor ids from the provider down, each followed
    -- by '/'; a subtree is one range scan on this index
    path           TEXT NOT NULL UNIQUE,
    depth          INTEGER NOT NULL,
    name           TEXT NOT NULL,
    contact_email  TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('pending', 'active', 'suspended', 'closed')),
    -- the account whose suspension suspended this one (itself or a vendor)
    suspended_by   TEXT REFERENCES accounts (id),
    suspend_reason TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    CHECK ((kind = 'provider') = (parent_id IS NULL))
);
CREATE INDEX accounts_parent ON accounts (parent_id, path);
CREATE INDEX accounts_suspended_by ON accounts (suspended_by) WHERE suspended_by IS NOT NULL;
CREATE UNIQUE INDEX accounts_one_provider ON accounts (kind) WHERE kind = 'provider';

CREATE TABLE domains (
    fqdn       TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE INDEX domains_account ON domains (account_id);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE, -- stored lower-cased
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE memberships (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- one-time links (set password, later reset and verify); only hashes are kept
CREATE TABLE user_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    data         TEXT NOT NULL DEFAULT '{}',
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE audit_events (
    id                   TEXT PRIMARY KEY,
    at                   INTEGER NOT NULL,
    actor_user_id        TEXT,
    actor_email          TEXT NOT NULL DEFAULT '',
    acting_as_account_id TEXT,
    account_id           TEXT,
    -- the account's path when the event happened: a vendor reads its
    -- subtree's events with one range scan
    account_path         TEXT NOT NULL DEFAULT '',
    action               TEXT NOT NULL,
    object_type          TEXT NOT NULL DEFAULT '',
    object_id            TEXT NOT NULL DEFAULT '',
    summary              TEXT NOT NULL DEFAULT '',
    ip                   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_path_at ON audit_events (account_path, at);

CREATE TABLE throttle_failures (
    bucket TEXT NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX throttle_failures_bucket_at ON throttle_failures (bucket, at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE throttle_failures;
DROP TABLE audit_events;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE user_tokens;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE domains;
DROP TABLE accounts;
