package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tenantry/tenantry/internal/jobs"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// leased describes a table of work that runners (internal/jobs) claim one
// row at a time under a lease: the jobs table and the outbox. A row is due
// when its status is 'queued', its due time has come and no live lease
// holds it.
type leased struct {
	table string
	// due is the column of the time a row is due; claim and lease hold
	// the live claim's token and expiry.
	due, claim, lease string
}

var (
	jobsTable   = leased{table: "jobs", due: "run_after", claim: "claimed_by", lease: "lease_until"}
	outboxTable = leased{table: "outbox", due: "next_attempt_at", claim: "claim_token", lease: "claimed_until"}
)

// errClaimLost is returned when a runner records the outcome of a claim
// it no longer holds (its lease expired and another runner claimed the
// row, or the outcome was recorded already).
var errClaimLost = errors.New("claim lost")

// claimNext claims the next due row of t that also meets cond (with
// args; "" for none) for lease, in one UPDATE ... RETURNING, so that two
// runners (in one process or in two on the same file) never hold the same
// row. Each claim counts as an attempt. returning lists the columns dest
// scans into the claimed work. It returns nil when nothing is due.
func claimNext[T any](ctx context.Context, db *DB, t leased, worker string, lease time.Duration,
	cond string, args []any, returning string, dest func(*T) []any) (*jobs.Claimed[T], error) {
	if cond != "" {
		cond = " AND " + cond
	}
	var out *jobs.Claimed[T]
	err := db.inTx(ctx, func(tx *tx) error {
		c := jobs.Claimed[T]{Claim: worker + ":" + tenantry.RandomToken(12)}
		now := ms(tx.now)
		err := tx.QueryRowContext(ctx, `UPDATE `+t.table+` SET `+t.claim+` = ?, `+t.lease+` = ?, attempts = attempts + 1
			WHERE id = (SELECT id FROM `+t.table+` WHERE status = 'queued' AND `+t.due+` <= ?
				AND (`+t.lease+` IS NULL OR `+t.lease+` <= ?)`+cond+`
				ORDER BY `+t.due+`, id LIMIT 1)
			RETURNING id, attempts, `+returning, append([]any{c.Claim, ms(tx.now.Add(lease)), now, now}, args...)...).
			Scan(append([]any{&c.ID, &c.Attempts}, dest(&c.Work)...)...)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim from %s: %w", t.table, err)
		}
		out = &c
		return nil
	})
	return out, err
}

// settle records the outcome of a live claim on row id of t: set (with
// its args, given the transaction's time) is applied only while the claim
// still holds, and releases it. Otherwise it returns errClaimLost.
func (db *DB) settle(ctx context.Context, t leased, id, claim string, set func(now time.Time) (string, []any)) error {
	return db.inTx(ctx, func(tx *tx) error {
		cols, args := set(tx.now)
		res, err := tx.ExecContext(ctx, `UPDATE `+t.table+` SET `+cols+`, `+t.claim+` = NULL, `+t.lease+` = NULL
			WHERE id = ? AND `+t.claim+` = ? AND status = 'queued'`, append(args, id, claim)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errClaimLost
		}
		return nil
	})
}
