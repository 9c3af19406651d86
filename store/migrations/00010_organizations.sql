-- +goose Up
-- Customer Organizations (Umbrella): a customer may be marked as an
-- organization anchor, and other customers of the same vendor may point
-- to one. The store keeps the rules: only customers, an active anchor of
-- the same vendor, a choice that is permanent, an anchor that points to
-- nothing and holds no infrastructures.
ALTER TABLE accounts ADD COLUMN is_organization INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN organization_id TEXT REFERENCES accounts (id);
CREATE INDEX accounts_organization ON accounts (organization_id) WHERE organization_id IS NOT NULL;

-- +goose Down
DROP INDEX accounts_organization;
ALTER TABLE accounts DROP COLUMN organization_id;
ALTER TABLE accounts DROP COLUMN is_organization;
