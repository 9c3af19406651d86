-- +goose Up
-- Profile: a change of email address waits in a one-time link (purpose
-- 'change_email') until the new address proves it reads its mail; the
-- address it would become is kept on the link itself, so a link changes
-- exactly the address it was mailed to and nothing else.
ALTER TABLE user_tokens ADD COLUMN new_email TEXT;
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);

-- the profile lists a user's API tokens per tenant
CREATE INDEX api_tokens_user_tenant ON api_tokens (user_id, tenant_id);

-- +goose Down
DROP INDEX api_tokens_user_tenant;
DROP INDEX user_tokens_user;
ALTER TABLE user_tokens DROP COLUMN new_email;
