-- +goose Up
-- A plan's prices are versioned: each version takes effect from a moment
-- (UTC milliseconds) and holds until the next one, so usage is rated at
-- the prices in force when it was used. Versions are never rewritten once
-- in force; only a version still in the future may be replaced or dropped.
CREATE TABLE plan_price_versions (
    id             TEXT PRIMARY KEY,
    plan_id        TEXT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    effective_from INTEGER NOT NULL,
    created_by     TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    UNIQUE (plan_id, effective_from)
);

CREATE TABLE plan_version_prices (
    version_id       TEXT NOT NULL REFERENCES plan_price_versions (id) ON DELETE CASCADE,
    metric_key       TEXT NOT NULL REFERENCES metrics (key),
    unit_price_micro INTEGER NOT NULL CHECK (unit_price_micro >= 0),
    PRIMARY KEY (version_id, metric_key)
);

-- today's prices become each plan's first version, in force since the
-- plan was created
INSERT INTO plan_price_versions (id, plan_id, effective_from, created_by, created_at)
    SELECT 'ppv_' || id, id, created_at, NULL, created_at FROM plans;
INSERT INTO plan_version_prices (version_id, metric_key, unit_price_micro)
    SELECT 'ppv_' || plan_id, metric_key, unit_price_micro FROM plan_prices;

DROP TABLE plan_prices;

-- +goose Down
CREATE TABLE plan_prices (
    plan_id          TEXT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    metric_key       TEXT NOT NULL REFERENCES metrics (key),
    unit_price_micro INTEGER NOT NULL CHECK (unit_price_micro >= 0),
    PRIMARY KEY (plan_id, metric_key)
);
-- going back keeps the prices in force now; history and scheduled
-- versions are lost
INSERT INTO plan_prices (plan_id, metric_key, unit_price_micro)
    SELECT v.plan_id, vp.metric_key, vp.unit_price_micro
    FROM plan_price_versions v JOIN plan_version_prices vp ON vp.version_id = v.id
    WHERE v.effective_from = (SELECT MAX(effective_from) FROM plan_price_versions
        WHERE plan_id = v.plan_id AND effective_from <= CAST(strftime('%s', 'now') AS INTEGER) * 1000);
DROP TABLE plan_version_prices;
DROP TABLE plan_price_versions;
