-- +goose Up
-- Invitations to join an account with a role, by email, for people who
-- have no user yet. The link's secret is kept as a hash only.
CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- the tenant whose domain the link works on and whose brand it wears
    tenant_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    accepted_at INTEGER,
    revoked_at  INTEGER
);
CREATE INDEX invitations_account ON invitations (account_id, created_at);
-- one open invitation per address and account
CREATE UNIQUE INDEX invitations_open ON invitations (account_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- +goose Down
DROP TABLE invitations;
