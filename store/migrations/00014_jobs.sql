-- +goose Up
-- Background jobs claimed through the database (internal/jobs): a runner
-- claims a due job by setting claimed_by and lease_until in one UPDATE,
-- so two runners never hold the same job; an expired lease frees it.
CREATE TABLE jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    payload     BLOB NOT NULL DEFAULT x'',
    -- the system scope's reason that enqueued it
    reason      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    run_after   INTEGER NOT NULL,
    claimed_by  TEXT,
    lease_until INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'failed')),
    done_at     INTEGER
);
CREATE INDEX jobs_due ON jobs (status, run_after);

-- +goose Down
DROP TABLE jobs;
