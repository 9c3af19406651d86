package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// RawUsageInserts is the floor under usage ingestion that `make bench`
// prints beside POST /api/v1/usage: batches of size records written with
// plain multi-row INSERTs into usage_records, one transaction a batch,
// with the table's indexes but no validation, no authorization, no
// idempotency check and no rollup. It writes into the first live
// infrastructure of db, which must be a scratch database: the records are
// real rows. It returns how many records it wrote.
func (db *DB) RawUsageInserts(ctx context.Context, d time.Duration, size int) (int, error) {
	var infra, account string
	if err := db.read.QueryRowContext(ctx, `SELECT id, account_id FROM infrastructures WHERE status = 'active' ORDER BY id LIMIT 1`).
		Scan(&infra, &account); err != nil {
		return 0, fmt.Errorf("raw inserts need an infrastructure: %w", notFound(err))
	}
	const chunk = usageChunk
	stmt := `INSERT INTO usage_records (id, account_id, infrastructure_id, metric_key, quantity_micro, start_ms, end_ms,
		source, idempotency_key, content_hash, received_at, sent_by) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, 'network.egress', ?, ?, ?, 'api', ?, ?, ?, 'bench'), ", chunk), ", ")
	end := time.Now().Add(d)
	n := 0
	hash := make([]byte, 16)
	for time.Now().Before(end) {
		err := db.inTx(ctx, func(tx *tx) error {
			st, err := tx.PrepareContext(ctx, stmt)
			if err != nil {
				return err
			}
			defer st.Close()
			start := tx.now.Add(-time.Hour).UnixMilli()
			args := make([]any, 0, 9*chunk)
			for done := 0; done < size; done += chunk {
				args = args[:0]
				for range chunk {
					n++
					args = append(args, db.usageIDs.next(tx.now), account, infra, int64(n), start, start+60_000,
						fmt.Sprintf("raw-%d", n), hash, ms(tx.now))
				}
				if _, err := st.ExecContext(ctx, args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
