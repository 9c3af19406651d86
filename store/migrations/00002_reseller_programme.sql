-- +goose Up
-- The reseller programme: metric catalogue, pricing plans and their
-- assignment, vendor settings, branding, domain roles and sub-reseller depth.
-- Money and percentages are integers in millionths (micro-units), so that
-- SQL sums stay exact.

-- how many levels of sub-resellers a reseller may create below itself
ALTER TABLE accounts ADD COLUMN max_reseller_depth INTEGER NOT NULL DEFAULT 0;

-- a reseller's end user panel URL is its primary domain; others are aliases
ALTER TABLE domains ADD COLUMN is_primary INTEGER NOT NULL DEFAULT 0;
UPDATE domains SET is_primary = 1;
CREATE UNIQUE INDEX domains_one_primary ON domains (account_id) WHERE is_primary = 1;

CREATE TABLE metrics (
    key        TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    unit       TEXT NOT NULL CHECK (unit IN ('hour', 'GB-hour', 'GB', 'GB-month', 'unit', 'month')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE plans (
    id             TEXT PRIMARY KEY,
    owner_id       TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    currency       TEXT NOT NULL,
    audience       TEXT NOT NULL CHECK (audience IN ('resellers', 'customers')),
    markup_micro   INTEGER NOT NULL DEFAULT 0 CHECK (markup_micro >= 0),
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (owner_id, name)
);

CREATE TABLE plan_prices (
    plan_id          TEXT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    metric_key       TEXT NOT NULL REFERENCES metrics (key),
    unit_price_micro INTEGER NOT NULL CHECK (unit_price_micro >= 0),
    PRIMARY KEY (plan_id, metric_key)
);

-- every plan an account has had, by the date it took effect: the current
-- plan is the latest one in effect; history is never rewritten
CREATE TABLE plan_assignments (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    plan_id        TEXT NOT NULL REFERENCES plans (id),
    effective_from INTEGER NOT NULL,
    assigned_by    TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX plan_assignments_account ON plan_assignments (account_id, effective_from, created_at);
CREATE INDEX plan_assignments_plan ON plan_assignments (plan_id);

-- a vendor's configuration (provider or reseller)
CREATE TABLE account_settings (
    account_id               TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    signup_enabled           INTEGER NOT NULL DEFAULT 0,
    signup_requires_approval INTEGER NOT NULL DEFAULT 0,
    default_plan_id          TEXT REFERENCES plans (id),
    currency                 TEXT NOT NULL DEFAULT 'USD',
    tax_rate_micro           INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_micro >= 0),
    invoice_prefix           TEXT NOT NULL DEFAULT '',
    support_email            TEXT NOT NULL DEFAULT '',
    terms_url                TEXT NOT NULL DEFAULT '',
    updated_at               INTEGER NOT NULL
);

-- a vendor's white label; images are served by the portal itself
CREATE TABLE account_branding (
    account_id    TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    display_name  TEXT NOT NULL DEFAULT '',
    primary_color TEXT NOT NULL DEFAULT '',
    accent_color  TEXT NOT NULL DEFAULT '',
    footer_text   TEXT NOT NULL DEFAULT '',
    logo          BLOB,
    logo_type     TEXT NOT NULL DEFAULT '',
    favicon       BLOB,
    favicon_type  TEXT NOT NULL DEFAULT '',
    updated_at    INTEGER NOT NULL
);

-- +goose Down
DROP TABLE account_branding;
DROP TABLE account_settings;
DROP TABLE plan_assignments;
DROP TABLE plan_prices;
DROP TABLE plans;
DROP TABLE metrics;
DROP INDEX domains_one_primary;
ALTER TABLE domains DROP COLUMN is_primary;
ALTER TABLE accounts DROP COLUMN max_reseller_depth;
