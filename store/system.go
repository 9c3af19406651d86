package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// The jobs table as the runner's queue.
var _ jobs.Queue = (*SystemScope)(nil)

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

// ClaimJob claims the next due job of one of kinds for lease, in one
// UPDATE ... RETURNING, so that two runners (in one process or in two on
// the same file) never hold the same job: a job is due when it is queued,
// its run_after has come and no live lease holds it. Each claim counts as
// an attempt. It returns nil when nothing is due.
func (s *SystemScope) ClaimJob(ctx context.Context, worker string, kinds []string, lease time.Duration) (*jobs.Job, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	var out *jobs.Job
	err := s.db.inTx(ctx, func(tx *tx) error {
		claim := worker + ":" + tenantry.RandomToken(12)
		now := ms(tx.now)
		args := []any{claim, ms(tx.now.Add(lease)), now, now}
		for _, k := range kinds {
			args = append(args, k)
		}
		j := jobs.Job{Claim: claim}
		err := tx.QueryRowContext(ctx, `UPDATE jobs SET claimed_by = ?, lease_until = ?, attempts = attempts + 1
			WHERE id = (SELECT id FROM jobs WHERE status = 'queued' AND run_after <= ?
				AND (lease_until IS NULL OR lease_until <= ?) AND kind IN (?`+strings.Repeat(", ?", len(kinds)-1)+`)
				ORDER BY run_after, id LIMIT 1)
			RETURNING id, kind, payload, attempts`, args...).Scan(&j.ID, &j.Kind, &j.Payload, &j.Attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim job: %w", err)
		}
		out = &j
		return nil
	})
	return out, err
}

// errJobClaimLost is returned when a runner records the outcome of a
// claim it no longer holds (its lease expired and another runner claimed
// the job).
var errJobClaimLost = errors.New("jobs: claim lost")

func (s *SystemScope) settleJob(ctx context.Context, id, claim, set string, args ...any) error {
	return s.db.inTx(ctx, func(tx *tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET `+set+`, claimed_by = NULL, lease_until = NULL
			WHERE id = ? AND claimed_by = ? AND status = 'queued'`, append(append([]any{}, args...), id, claim)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errJobClaimLost
		}
		return nil
	})
}

// CompleteJob records that a claimed job is done. It fails (not a
// domain error) when the claim is no longer live.
func (s *SystemScope) CompleteJob(ctx context.Context, id, claim string) error {
	return s.settleJob(ctx, id, claim, `status = 'done', done_at = ?, last_error = ''`, ms(s.db.Now()))
}

// FailJob records a failed attempt: due again after retryAfter, or failed
// for good when retryAfter is zero. It fails, like CompleteJob, when the
// claim is no longer live.
func (s *SystemScope) FailJob(ctx context.Context, id, claim, reason string, retryAfter time.Duration) error {
	if retryAfter <= 0 {
		return s.settleJob(ctx, id, claim, `status = 'failed', done_at = ?, last_error = ?`, ms(s.db.Now()), reason)
	}
	return s.settleJob(ctx, id, claim, `last_error = ?, run_after = ?`, reason, ms(s.db.Now().Add(retryAfter)))
}
