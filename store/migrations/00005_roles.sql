-- +goose Up
-- Custom roles: a named set of permissions defined by an account for its
-- own members. memberships.role holds a built-in role's name or the id of
-- one of these.
CREATE TABLE roles (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    permissions TEXT NOT NULL, -- space-separated permission names
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (account_id, name)
);

-- +goose Down
DROP TABLE roles;
