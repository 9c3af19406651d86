-- +goose Up
-- Account delegation: a membership granted to someone whose home is
-- another account (MetalCloud's "account delegate"). It works like any
-- membership but is shown, and can be ended, from both sides.
ALTER TABLE memberships ADD COLUMN delegate INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN delegate INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE invitations DROP COLUMN delegate;
ALTER TABLE memberships DROP COLUMN delegate;
