package store

import (
	"context"
	"time"
)

// RecordFailure notes one failure in each bucket (e.g. "login:ip:1.2.3.4").
// Throttles live in the database so that they hold across processes.
func (db *DB) RecordFailure(ctx context.Context, buckets ...string) error {
	return db.inTx(ctx, func(tx *tx) error {
		for _, b := range buckets {
			if _, err := tx.ExecContext(ctx, `INSERT INTO throttle_failures (bucket, at) VALUES (?, ?)`, b, ms(tx.now)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Failures counts a bucket's failures within window and returns when the
// oldest of them leaves the window (the time to wait when over a limit).
func (db *DB) Failures(ctx context.Context, bucket string, window time.Duration) (int, time.Time, error) {
	now := db.Now()
	var n int
	var oldest *int64
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), MIN(at) FROM throttle_failures WHERE bucket = ? AND at > ?`,
		bucket, ms(now.Add(-window))).Scan(&n, &oldest)
	if err != nil || oldest == nil {
		return n, now, err
	}
	return n, fromMS(*oldest).Add(window), nil
}
