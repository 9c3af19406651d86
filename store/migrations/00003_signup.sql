-- +goose Up
-- Sign-up under a tenant: email verification, the vendor's approval, and
-- the outbox through which every mail leaves the portal.

-- when the user proved they read mail at their address (NULL: not yet)
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;

-- a pending sign-up becomes active once its owner's email is verified
-- and, where its vendor requires it, once the vendor approved it (who
-- approved is in the audit log)
ALTER TABLE accounts ADD COLUMN approved_at INTEGER;

-- mail waiting to be sent, sent, failed for good, or kept (no SMTP server
-- configured: listed in the provider panel, never sent). A sender claims a
-- due message by setting claimed_until and claim_token in one UPDATE ...
-- RETURNING, so two processes never hold a live claim on one message.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    -- the account whose brand and domain the mail carries
    tenant_id       TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    to_address      TEXT NOT NULL,
    from_name       TEXT NOT NULL DEFAULT '',
    from_address    TEXT NOT NULL DEFAULT '',
    reply_to        TEXT NOT NULL DEFAULT '',
    brand_color     TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'kept')),
    -- claims so far; a failed attempt waits until next_attempt_at
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    next_attempt_at INTEGER NOT NULL,
    claimed_until   INTEGER,
    claim_token     TEXT,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX outbox_tenant ON outbox (tenant_id);

-- +goose Down
DROP TABLE outbox;
ALTER TABLE accounts DROP COLUMN approved_at;
ALTER TABLE users DROP COLUMN email_verified_at;
