package store

import (
	"context"
	"database/sql"
	"errors"
)

// SecretOrCreate returns the secret stored under key, generating and
// persisting one with gen on first use. The session key lives here so that
// every process and every restart signs cookies alike.
func (db *DB) SecretOrCreate(ctx context.Context, key string, gen func() string) (string, error) {
	var value string
	err := db.inTx(ctx, func(tx *tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		value = gen()
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, key, value)
		return err
	})
	return value, err
}
