-- +goose Up
-- Custom role names are unique per account whatever their case: "Night
-- shift" and "night shift" read as one role in a select. Roles that
-- already clash keep their permissions and members; all but the oldest
-- get a suffix from their id, to be renamed by hand.
UPDATE roles SET name = name || ' (' || substr(id, -6) || ')'
WHERE EXISTS (SELECT 1 FROM roles r2 WHERE r2.account_id = roles.account_id AND lower(r2.name) = lower(roles.name)
    AND (r2.created_at < roles.created_at OR (r2.created_at = roles.created_at AND r2.id < roles.id)));
CREATE UNIQUE INDEX roles_account_name_any_case ON roles (account_id, lower(name));

-- +goose Down
DROP INDEX roles_account_name_any_case;
