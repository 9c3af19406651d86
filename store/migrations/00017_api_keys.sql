-- +goose Up
-- Account API keys: bearer credentials of an account (not of a person)
-- for integrations that post usage or read reports. A key works only on
-- the tenant domain where it was made (tenant_id), acts for its account
-- with its scopes only, and is stored as the SHA-256 of its secret, which
-- is shown once.
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    tenant_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    -- comma-separated, in tenantry.APIKeyScopes order: "usage:write,read"
    scopes       TEXT NOT NULL CHECK (scopes <> ''),
    key_hash     TEXT NOT NULL UNIQUE,
    created_by   TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
-- the API keys page lists an account's keys, newest first
CREATE INDEX api_keys_account ON api_keys (account_id, created_at);

-- +goose Down
DROP TABLE api_keys;
