package store

import (
	"context"
	"strings"
	"time"

	"github.com/tenantry/tenantry/internal/jobs"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// SystemScope is the store seen by work no person starts: the mail
// sender, the job runner, the demo loader, and the invoice runs and usage
// imports to come. It is built with a reason that names the job; the
// audit events it writes carry "system:<reason>" as their actor, and it
// reaches only what those jobs need (the outbox, the jobs table, an empty
// database for the demo), never a tenant's data at large.
type SystemScope struct {
	db     *DB
	reason string
}

// System returns the system scope for the job named by reason (a short
// word such as "mail" or "demo"). It panics on an empty reason: work with
// no name cannot be told apart in the audit log.
func (db *DB) System(reason string) *SystemScope {
	reason = strings.TrimSpace(reason)
	if reason == "" || tenantry.UnsafeText(reason) {
		panic("store: a system scope needs a reason")
	}
	return &SystemScope{db: db, reason: reason}
}

// Reason returns the name the scope was built with.
func (s *SystemScope) Reason() string { return s.reason }

// Actor is the actor recorded on the scope's audit events.
func (s *SystemScope) Actor() string { return systemActor(s.reason) }

func systemActor(reason string) string { return "system:" + reason }

// Enqueue adds a job of kind, due at runAfter (now when zero), recording
// the scope's reason on it. It returns the job's id. Errors: EINVALID
// (no kind).
func (s *SystemScope) Enqueue(ctx context.Context, kind string, payload []byte, runAfter time.Time) (string, error) {
	if strings.TrimSpace(kind) == "" {
		return "", tenantry.Invalid(map[string]string{"kind": "Name the kind of job."})
	}
	id := tenantry.NewID("job")
	err := s.db.inTx(ctx, func(tx *tx) error {
		due := runAfter
		if due.IsZero() {
			due = tx.now
		}
		if payload == nil {
			payload = []byte{}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO jobs (id, kind, payload, reason, created_at, run_after)
			VALUES (?, ?, ?, ?, ?, ?)`, id, kind, payload, s.reason, ms(tx.now), ms(due))
		return err
	})
	return id, err
}

// JobQueue is the jobs table as a job runner's queue (a
// jobs.Runner[jobs.Job]): it claims only jobs of its kinds, so that a kind
// this process has no handler for is left for one that does.
type JobQueue struct {
	s     *SystemScope
	kinds []string
}

var _ jobs.Queue[jobs.Job] = JobQueue{}

// Jobs returns the queue of the jobs of kinds (jobs.Handlers.Kinds). With
// no kinds it claims nothing.
func (s *SystemScope) Jobs(kinds ...string) JobQueue { return JobQueue{s: s, kinds: kinds} }

// Claim claims the next due job of the queue's kinds for lease (see
// claimNext), or returns nil when none is due.
func (q JobQueue) Claim(ctx context.Context, worker string, lease time.Duration) (*jobs.Claimed[jobs.Job], error) {
	if len(q.kinds) == 0 {
		return nil, nil
	}
	args := make([]any, len(q.kinds))
	for i, k := range q.kinds {
		args[i] = k
	}
	return claimNext(ctx, q.s.db, jobsTable, worker, lease, `kind IN (?`+strings.Repeat(", ?", len(q.kinds)-1)+`)`, args,
		`kind, payload`, func(j *jobs.Job) []any { return []any{&j.Kind, &j.Payload} })
}

// Complete records that a claimed job is done. It fails with errClaimLost
// (not a domain error) when the claim is no longer live.
func (q JobQueue) Complete(ctx context.Context, id, claim string) error {
	return q.s.db.settle(ctx, jobsTable, id, claim, func(now time.Time) (string, []any) {
		return `status = 'done', done_at = ?, last_error = ''`, []any{ms(now)}
	})
}

// Fail records a failed attempt: due again after retryAfter, or failed
// for good when retryAfter is zero. It fails, like Complete, when the
// claim is no longer live.
func (q JobQueue) Fail(ctx context.Context, id, claim, reason string, retryAfter time.Duration) error {
	return q.s.db.settle(ctx, jobsTable, id, claim, func(now time.Time) (string, []any) {
		if retryAfter <= 0 {
			return `status = 'failed', done_at = ?, last_error = ?`, []any{ms(now), reason}
		}
		return `last_error = ?, run_after = ?`, []any{reason, ms(now.Add(retryAfter))}
	})
}
