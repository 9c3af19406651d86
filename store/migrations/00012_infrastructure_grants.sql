-- +goose Up
-- Access to one infrastructure only: MetalCloud's "infrastructure
-- delegate". The user sees and manages that infrastructure and nothing
-- else of the account that owns it; the grant ends with the
-- infrastructure (a deleted one is invisible anyway) or the user.
CREATE TABLE infrastructure_grants (
    infrastructure_id TEXT NOT NULL REFERENCES infrastructures (id) ON DELETE CASCADE,
    user_id           TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    granted_by        TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL,
    PRIMARY KEY (infrastructure_id, user_id)
);
-- what a user reaches is read on every request
CREATE INDEX infrastructure_grants_user ON infrastructure_grants (user_id);

-- An invitation may be to one infrastructure rather than to the account;
-- one open invitation per address and account, or per address and
-- infrastructure.
ALTER TABLE invitations ADD COLUMN infrastructure_id TEXT REFERENCES infrastructures (id) ON DELETE CASCADE;
DROP INDEX invitations_open;
CREATE UNIQUE INDEX invitations_open ON invitations (account_id, COALESCE(infrastructure_id, ''), email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- +goose Down
DROP INDEX invitations_open;
CREATE UNIQUE INDEX invitations_open ON invitations (account_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL;
ALTER TABLE invitations DROP COLUMN infrastructure_id;
DROP TABLE infrastructure_grants;
