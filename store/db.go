// Package store keeps Tenantry's data in SQLite. Every query lives here;
// tenant data is reached only through a Scope, which binds the tenant and the
// actor to every method (see Scope).
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/tenantry/tenantry/internal/tenantry"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the database: one writer connection, so SQLite never sees two
// writers racing for the lock, and a small pool of read-only connections
// that WAL lets run beside it.
type DB struct {
	path  string
	write *sql.DB
	read  *sql.DB
	// Now is the store's clock; every row a transaction writes is stamped
	// with one reading of it. Tests replace it.
	Now func() time.Time
	// usageIDs numbers usage records (usage.go).
	usageIDs usageIDs
	// prepared holds hotQueries, prepared on the write connection.
	prepared sync.Map // query → *sql.Stmt
}

// hotQueries are prepared once on the write connection when the database
// opens (prepareHot), so that the transactions of hot paths use them
// through tx.StmtContext without SQLite parsing them again. They cannot
// be prepared lazily: inside a transaction the one write connection is
// taken, and preparing on the pool would wait for it forever.
var hotQueries = []string{usageInsertSQL(usageChunk), usageHashSQL, usageDailySQL}

func (db *DB) prepareHot(ctx context.Context) error {
	for _, q := range hotQueries {
		st, err := db.write.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		db.prepared.Store(q, st)
	}
	return nil
}

// dsn builds a modernc DSN. Pragmas go in _pragma parameters so that every
// pooled connection gets them, not just the first one.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// take the write lock at BEGIN, so a transaction never fails half
		// way through when it tries to upgrade a read lock
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database file at path and applies
// pending migrations, each in its own transaction.
func Open(ctx context.Context, path string) (*DB, error) {
	write, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{path: path, write: write, Now: func() time.Time { return time.Now().UTC() }}
	if err := db.Migrate(ctx); err != nil {
		write.Close()
		return nil, err
	}
	if err := db.prepareHot(ctx); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	db.read = read
	return db, nil
}

// Migrate applies every pending embedded migration.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := goose.NewProvider(goose.DialectSQLite3, db.write, mustSub(migrations, "migrations"))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Close closes both pools; the WAL is checkpointed when the last
// connection closes.
func (db *DB) Close() error {
	var errs []error
	db.prepared.Range(func(_, st any) bool {
		errs = append(errs, st.(*sql.Stmt).Close())
		return true
	})
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	errs = append(errs, db.write.Close())
	return errors.Join(errs...)
}

// Backup writes a consistent copy of the live database to dest with
// VACUUM INTO; readers and writers carry on meanwhile. dest must not exist.
func (db *DB) Backup(ctx context.Context, dest string) error {
	// VACUUM INTO writes a file, which the read pool's query_only refuses,
	// and on the writer connection it would hold up every write; so it gets
	// a connection of its own, which only reads the live database.
	conn, err := sql.Open("sqlite", dsn(db.path, false))
	if err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}

// tx is a write transaction with the store's clock read once.
type tx struct {
	*sql.Tx
	now time.Time
}

// prepared returns query as a statement of the transaction: one of
// hotQueries, prepared when the database opened, or else prepared now for
// this transaction. The caller closes it; a hot query stays prepared.
func (t *tx) prepared(ctx context.Context, db *DB, query string) (*sql.Stmt, error) {
	if st, ok := db.prepared.Load(query); ok {
		return t.StmtContext(ctx, st.(*sql.Stmt)), nil
	}
	return t.PrepareContext(ctx, query)
}

// inTx runs fn in one write transaction, committing if fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &tx{Tx: sqlTx, now: db.Now()}
	if at, ok := ctx.Value(replayKey{}).(time.Time); ok {
		t.now = at
	}
	if err := fn(t); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// replayKey carries the time at which the transactions of a replayed
// past event happen (replayAt).
type replayKey struct{}

// replayAt returns a context in which every write transaction is stamped
// at instead of the store's clock: the demo replays resources' lifecycle
// months back through the very code that meters them live. The key is
// unexported, so no caller outside the store can date a write; the clock
// itself is left alone, so nothing else running meanwhile sees it move.
func replayAt(ctx context.Context, at time.Time) context.Context {
	return context.WithValue(ctx, replayKey{}, at)
}

// ms converts a time to the Unix milliseconds stored in the database.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored Unix milliseconds back to a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// isUniqueViolation reports whether err is a UNIQUE or PRIMARY KEY
// constraint failure, recognised by the driver's extended error code.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// notFound maps sql.ErrNoRows to the domain's not-found error.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return tenantry.ErrNotFound
	}
	return err
}
