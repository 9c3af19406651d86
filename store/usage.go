package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
)

// The usage fact log (usage_records) and its daily rollup (usage_daily).
// Records are only ever inserted: a correction is a new record. Every
// insert adds its quantity to the rollup in the same transaction, spread
// over the days it covers, so totals read the rollup and always equal the
// raw records.

// usageRow is one record on its way into the log.
type usageRow struct {
	AccountID, InfrastructureID, ResourceID, Metric string
	Quantity                                        money.Micro
	Start, End                                      time.Time
	Source, Key                                     string
	Hash                                            []byte
}

// usageIDs hands out record ids: the time in milliseconds in the high
// bits and random low bits, never below the last one given, so that
// inserts append to the table's b-tree and ids say nothing about how many
// records exist. One generator per process; the single writer connection
// serialises its users.
type usageIDs struct {
	mu   sync.Mutex
	last int64
}

func (g *usageIDs) next(now time.Time) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	id := now.UnixMilli()<<20 | rand.Int64N(1<<20)
	if id <= g.last {
		id = g.last + 1 + rand.Int64N(1<<10)
	}
	g.last = id
	return id
}

// UsageRecordID is how a record's id reads outside the store.
func usageRecordID(id int64) string { return "usg_" + strconv.FormatInt(id, 36) }

type dailyKey struct {
	infra, metric string
	day           usage.Day
}

type dailyValue struct {
	account string
	qty     money.Micro
}

// usageWriter inserts records in one transaction, many rows to a
// statement (one statement per row costs more than the b-tree work), and
// adds them up by day to write the rollup once per infrastructure, metric
// and day at flush.
type usageWriter struct {
	db     *DB
	tx     *tx
	sentBy string
	// stmts holds the prepared multi-row INSERT for each row count used
	stmts map[int]*sql.Stmt
	hash  *sql.Stmt
	daily map[dailyKey]dailyValue
}

// usageChunk is how many rows one INSERT carries: 13 parameters a row
// stays far below SQLite's limit of 32,766.
const usageChunk = 250

func (db *DB) newUsageWriter(ctx context.Context, tx *tx, sentBy string) (*usageWriter, error) {
	hash, err := tx.prepared(ctx, db, usageHashSQL)
	if err != nil {
		return nil, err
	}
	return &usageWriter{db: db, tx: tx, sentBy: sentBy, stmts: map[int]*sql.Stmt{}, hash: hash, daily: map[dailyKey]dailyValue{}}, nil
}

func (w *usageWriter) close() {
	for _, st := range w.stmts {
		st.Close()
	}
	w.hash.Close()
}

func (w *usageWriter) stmt(ctx context.Context, n int) (*sql.Stmt, error) {
	if st, ok := w.stmts[n]; ok {
		return st, nil
	}
	st, err := w.tx.prepared(ctx, w.db, usageInsertSQL(n))
	if err != nil {
		return nil, err
	}
	w.stmts[n] = st
	return st, nil
}

// usageInsertSQL inserts n records; a key seen before for the account
// inserts nothing, and RETURNING names only the rows that went in.
func usageInsertSQL(n int) string {
	return `INSERT INTO usage_records (id, account_id, infrastructure_id, resource_id, metric_key,
		quantity_micro, start_ms, end_ms, source, idempotency_key, content_hash, received_at, sent_by)
		VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ") + `
		ON CONFLICT (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
		RETURNING id`
}

const usageHashSQL = `SELECT content_hash FROM usage_records WHERE account_id = ? AND idempotency_key = ?`

const usageDailySQL = `INSERT INTO usage_daily (infrastructure_id, day, metric_key, account_id, quantity_micro)
	VALUES (?, ?, ?, ?, ?)
	ON CONFLICT (infrastructure_id, day, metric_key) DO UPDATE SET quantity_micro = quantity_micro + excluded.quantity_micro`

// Outcomes of usageWriter.insert.
const (
	inserted = iota
	duplicate
	conflict
)

// insert writes the records, in order, and returns each one's fate: a
// record whose key was seen before for the same account is a duplicate
// when its content is the same, and a conflict when it is not (a key
// repeated within rows counts its first row as seen before).
func (w *usageWriter) insert(ctx context.Context, rows []usageRow) ([]int, error) {
	fates := make([]int, len(rows))
	ids := make([]int64, len(rows))
	args := make([]any, 0, 13*min(len(rows), usageChunk))
	for lo := 0; lo < len(rows); lo += usageChunk {
		chunk := rows[lo:min(lo+usageChunk, len(rows))]
		args = args[:0]
		for i := range chunk {
			r := &chunk[i]
			var key, hash, resource any
			if r.Key != "" {
				key, hash = r.Key, r.Hash
			}
			if r.ResourceID != "" {
				resource = r.ResourceID
			}
			ids[lo+i] = w.db.usageIDs.next(w.tx.now)
			args = append(args, ids[lo+i], r.AccountID, r.InfrastructureID, resource, r.Metric, int64(r.Quantity),
				ms(r.Start), ms(r.End), r.Source, key, hash, ms(w.tx.now), w.sentBy)
		}
		st, err := w.stmt(ctx, len(chunk))
		if err != nil {
			return nil, err
		}
		res, err := st.QueryContext(ctx, args...)
		if err != nil {
			return nil, fmt.Errorf("insert usage: %w", err)
		}
		in := make(map[int64]bool, len(chunk))
		for res.Next() {
			var id int64
			if err := res.Scan(&id); err != nil {
				res.Close()
				return nil, err
			}
			in[id] = true
		}
		res.Close()
		if err := res.Err(); err != nil {
			return nil, fmt.Errorf("insert usage: %w", err)
		}
		for i := range chunk {
			r := &chunk[i]
			if !in[ids[lo+i]] {
				var seen []byte
				if err := w.hash.QueryRowContext(ctx, r.AccountID, r.Key).Scan(&seen); err != nil {
					return nil, fmt.Errorf("usage key: %w", err)
				}
				fates[lo+i] = conflict
				if bytes.Equal(seen, r.Hash) {
					fates[lo+i] = duplicate
				}
				continue
			}
			for _, part := range usage.SpreadDaily(r.Start, r.End, r.Quantity) {
				k := dailyKey{infra: r.InfrastructureID, metric: r.Metric, day: part.Day}
				v := w.daily[k]
				v.account, v.qty = r.AccountID, v.qty+part.Quantity
				w.daily[k] = v
			}
		}
	}
	return fates, nil
}

// flush writes the rollup of what was inserted.
func (w *usageWriter) flush(ctx context.Context) error {
	if len(w.daily) == 0 {
		return nil
	}
	up, err := w.tx.prepared(ctx, w.db, usageDailySQL)
	if err != nil {
		return err
	}
	defer up.Close()
	for k, v := range w.daily {
		if _, err := up.ExecContext(ctx, k.infra, int64(k.day), k.metric, v.account, int64(v.qty)); err != nil {
			return fmt.Errorf("usage rollup: %w", err)
		}
	}
	clear(w.daily)
	return nil
}

// sentBy names who sends the records the scope writes: the system job, an
// API key, or the user.
func (s *Scope) sentBy() string {
	switch {
	case s.system != "":
		return systemActor(s.system)
	case s.actor.APIKey != nil:
		return s.actor.APIKey.ID
	}
	return s.actor.User.ID
}

// IngestUsage adds records to the log from the API (source api) or an
// import (source import), in one transaction: each record is checked on
// its own, and the valid ones are kept even when others are refused. An
// infrastructure the actor may not manage is not_found, as one that does
// not exist. A key seen before for the infrastructure's owner is a
// duplicate (same content, not counted again) or a conflict (other
// content). Errors are the database's only; per-record fates are in the
// result.
func (s *Scope) IngestUsage(ctx context.Context, source string, recs []usage.Input) (*usage.Result, error) {
	return s.ingest(ctx, source, recs, func(ctx context.Context, tx *tx, infraID string) (string, error) {
		_, a, err := s.managedInfra(ctx, tx, infraID, tenantry.PermInfraManage)
		if err != nil {
			return "", err
		}
		return a.ID, nil
	})
}

// IngestUsage adds records for any live infrastructure, for an import run
// by the operator (tenantry usage import). See Scope.IngestUsage.
func (sys *SystemScope) IngestUsage(ctx context.Context, source string, recs []usage.Input) (*usage.Result, error) {
	s := &Scope{db: sys.db, actor: &tenantry.Actor{}, system: sys.reason}
	return s.ingest(ctx, source, recs, func(ctx context.Context, tx *tx, infraID string) (string, error) {
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT account_id FROM infrastructures WHERE id = ? AND status = 'active'`, infraID).Scan(&owner)
		return owner, notFound(err)
	})
}

func (s *Scope) ingest(ctx context.Context, source string, recs []usage.Input,
	owner func(ctx context.Context, tx *tx, infraID string) (string, error)) (*usage.Result, error) {
	if source != usage.SourceAPI && source != usage.SourceImport {
		return nil, fmt.Errorf("ingest: source %q", source)
	}
	if len(recs) > usage.MaxBatch {
		return nil, tenantry.Invalid(map[string]string{"records": fmt.Sprintf("At most %d records a batch.", usage.MaxBatch)})
	}
	catalogue, err := metrics(ctx, s.db.read)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, m := range catalogue {
		known[m.Key] = true
	}
	isKnown := func(k string) bool { return known[k] }
	res := &usage.Result{Rejected: []usage.Rejection{}}
	err = s.db.inTx(ctx, func(tx *tx) error {
		*res = usage.Result{Rejected: []usage.Rejection{}}
		owners := map[string]string{}
		var rows []usageRow
		var index []int // of each row in recs
		w, err := s.db.newUsageWriter(ctx, tx, s.sentBy())
		if err != nil {
			return err
		}
		defer w.close()
		for i := range recs {
			in := &recs[i]
			if code, msg := in.Check(isKnown, tx.now); code != "" {
				res.Reject(i, code, msg)
				continue
			}
			acct, seen := owners[in.InfrastructureID]
			if !seen {
				acct, err = owner(ctx, tx, in.InfrastructureID)
				if err != nil && tenantry.ErrorKind(err) != tenantry.ENOTFOUND && tenantry.ErrorKind(err) != tenantry.EFORBIDDEN {
					return err
				}
				if err != nil {
					acct = ""
				}
				owners[in.InfrastructureID] = acct
			}
			if acct == "" {
				res.Reject(i, usage.CodeNotFound, "There is no infrastructure "+usage.Quote(in.InfrastructureID)+" that you manage.")
				continue
			}
			rows = append(rows, usageRow{AccountID: acct, InfrastructureID: in.InfrastructureID, Metric: in.Metric,
				Quantity: in.Quantity, Start: in.Start, End: in.End, Source: source, Key: in.Key,
				Hash: usage.Hash(in.InfrastructureID, in.Metric, in.Quantity, in.Start, in.End)})
			index = append(index, i)
		}
		fates, err := w.insert(ctx, rows)
		if err != nil {
			return err
		}
		for j, fate := range fates {
			switch fate {
			case duplicate:
				res.Duplicates++
			case conflict:
				res.Reject(index[j], usage.CodeConflict, "This idempotency_key was used before for a record with other content.")
			default:
				res.Accepted++
			}
		}
		slices.SortFunc(res.Rejected, func(a, b usage.Rejection) int { return a.Index - b.Index })
		return w.flush(ctx)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// UsageRecord is one record of an infrastructure's usage as pages and the
// API list it. A running resource's open interval is listed too, Open set
// and End its end so far (now); it has no id of its own.
type UsageRecord struct {
	ID           string
	Metric       string
	Quantity     money.Micro
	Start, End   time.Time
	Open         bool
	Source       string
	Key          string
	ReceivedAt   time.Time
	ResourceID   string
	ResourceName string
}

// UsageFilter narrows an infrastructure's usage records. Records are
// those that start within [From, To) (zero bounds are open); lifecycle
// records are split at month starts and API records lie in one month, so
// a month's filter is exact.
type UsageFilter struct {
	From, To time.Time
	Metric   string
	Cursor   string
	Limit    int
}

// UsagePage is one page of usage records, newest first; the open
// intervals of running resources come first, on the first page only.
type UsagePage struct {
	Items      []UsageRecord
	NextCursor string
}

// InfraUsage lists an infrastructure's usage records. Errors: ENOTFOUND,
// EFORBIDDEN, EINVALID (a bad cursor).
func (s *Scope) InfraUsage(ctx context.Context, infraID string, f UsageFilter) (*UsagePage, error) {
	in, _, err := s.managedInfra(ctx, s.db.read, infraID, tenantry.PermInfraView)
	if err != nil {
		return nil, err
	}
	limit := listLimit(f.Limit)
	where := []string{"u.infrastructure_id = ?"}
	args := []any{in.ID}
	if !f.From.IsZero() {
		where, args = append(where, "u.start_ms >= ?"), append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "u.start_ms < ?"), append(args, ms(f.To))
	}
	if f.Metric != "" {
		where, args = append(where, "u.metric_key = ?"), append(args, f.Metric)
	}
	page := &UsagePage{}
	if f.Cursor != "" {
		start, id, ok := decodeUsageCursor(f.Cursor)
		if !ok {
			return nil, tenantry.Invalid(map[string]string{"cursor": "This cursor is not one a list gave."})
		}
		where = append(where, "(u.start_ms < ? OR (u.start_ms = ? AND u.id < ?))")
		args = append(args, start, start, id)
	} else {
		open, err := s.openIntervals(ctx, in.ID, f)
		if err != nil {
			return nil, err
		}
		page.Items = open
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT u.id, u.metric_key, u.quantity_micro, u.start_ms, u.end_ms, u.source,
		COALESCE(u.idempotency_key, ''), u.received_at, COALESCE(u.resource_id, ''), COALESCE(r.name, '')
		FROM usage_records u LEFT JOIN resources r ON r.id = u.resource_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY u.start_ms DESC, u.id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var n int
	var lastStart, lastID int64
	for rows.Next() {
		var rec UsageRecord
		var id, qty, start, end, received int64
		if err := rows.Scan(&id, &rec.Metric, &qty, &start, &end, &rec.Source, &rec.Key, &received, &rec.ResourceID, &rec.ResourceName); err != nil {
			return nil, err
		}
		if n++; n > limit {
			page.NextCursor = encodeUsageCursor(lastStart, lastID)
			break
		}
		rec.ID, rec.Quantity, rec.Start, rec.End, rec.ReceivedAt = usageRecordID(id), money.Micro(qty), fromMS(start), fromMS(end), fromMS(received)
		lastStart, lastID = start, id
		page.Items = append(page.Items, rec)
	}
	return page, rows.Err()
}

func encodeUsageCursor(start, id int64) string {
	return strconv.FormatInt(start, 36) + "." + strconv.FormatInt(id, 36)
}

func decodeUsageCursor(c string) (int64, int64, bool) {
	a, b, ok := strings.Cut(c, ".")
	start, err1 := strconv.ParseInt(a, 36, 64)
	id, err2 := strconv.ParseInt(b, 36, 64)
	return start, id, ok && err1 == nil && err2 == nil
}

// openIntervals lists the running resources' intervals of an
// infrastructure up to now, cut at month starts as they will be written,
// keeping the pieces that the filter keeps.
func (s *Scope) openIntervals(ctx context.Context, infraID string, f UsageFilter) ([]UsageRecord, error) {
	running, err := runningResources(ctx, s.db.read, `r.infrastructure_id = ?`, infraID)
	if err != nil {
		return nil, err
	}
	now := usage.Second(s.db.Now())
	var out []UsageRecord
	for _, r := range running {
		if f.Metric != "" && f.Metric != r.Metric {
			continue
		}
		pieces := usage.SplitMonths(r.RunningSince, now)
		for i := len(pieces) - 1; i >= 0; i-- {
			p := pieces[i]
			if (!f.From.IsZero() && p.Start.Before(f.From)) || (!f.To.IsZero() && !p.Start.Before(f.To)) {
				continue
			}
			out = append(out, UsageRecord{Metric: r.Metric, Quantity: usage.Hours(p.End.Sub(p.Start), resourceSize(&r)),
				Start: p.Start, End: p.End, Open: true, Source: usage.SourceLifecycle, ResourceID: r.ID, ResourceName: r.Name})
		}
	}
	return out, nil
}

// runningResources reads the running resources that where selects.
func runningResources(ctx context.Context, q querier, where string, args ...any) ([]tenantry.Resource, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+resourceColumns+` FROM resources r WHERE r.state = 'running' AND `+where+`
		ORDER BY r.running_since DESC, r.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenantry.Resource
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// InfraQuantity is a quantity of one metric used by one infrastructure.
type InfraQuantity struct {
	InfrastructureID string
	Metric           string
	Quantity         money.Micro
}

// UsageTotals adds up the usage of the given infrastructures over the
// whole UTC days from from's day up to to's day (exclusive), from the
// daily rollup, plus their running resources' open intervals up to now:
// month-to-date figures need no job to have run. Infrastructures the
// actor may not view are left out. The result is by infrastructure, then
// metric.
func (s *Scope) UsageTotals(ctx context.Context, infraIDs []string, from, to time.Time) ([]InfraQuantity, error) {
	var ids []any
	for _, id := range infraIDs {
		if _, _, err := s.managedInfra(ctx, s.db.read, id, tenantry.PermInfraView); err == nil {
			ids = append(ids, id)
		} else if k := tenantry.ErrorKind(err); k != tenantry.ENOTFOUND && k != tenantry.EFORBIDDEN {
			return nil, err
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return usageTotals(ctx, s.db, s.db.read, ids, from, to)
}

func usageTotals(ctx context.Context, db *DB, q querier, ids []any, from, to time.Time) ([]InfraQuantity, error) {
	fromDay, toDay := usage.DayOf(from), usage.DayOf(to.Add(-time.Millisecond))+1
	in := "(?" + strings.Repeat(", ?", len(ids)-1) + ")"
	rows, err := q.QueryContext(ctx, `SELECT infrastructure_id, metric_key, SUM(quantity_micro) FROM usage_daily
		WHERE infrastructure_id IN `+in+` AND day >= ? AND day < ?
		GROUP BY infrastructure_id, metric_key`, append(slices.Clone(ids), int64(fromDay), int64(toDay))...)
	if err != nil {
		return nil, err
	}
	totals := map[[2]string]money.Micro{}
	for rows.Next() {
		var infra, metric string
		var qty int64
		if err := rows.Scan(&infra, &metric, &qty); err != nil {
			rows.Close()
			return nil, err
		}
		totals[[2]string{infra, metric}] += money.Micro(qty)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// open intervals, clipped to the days asked for
	running, err := runningResources(ctx, q, `r.infrastructure_id IN `+in, ids...)
	if err != nil {
		return nil, err
	}
	now := usage.Second(db.Now())
	for _, r := range running {
		// a resource not running within the days adds no row
		if q := openQuantity(&r, fromDay.Time(), toDay.Time(), now); q != 0 {
			totals[[2]string{r.InfrastructureID, r.Metric}] += q
		}
	}
	out := make([]InfraQuantity, 0, len(totals))
	for k, v := range totals {
		out = append(out, InfraQuantity{InfrastructureID: k[0], Metric: k[1], Quantity: v})
	}
	slices.SortFunc(out, func(a, b InfraQuantity) int {
		return strings.Compare(a.InfrastructureID+"\x00"+a.Metric, b.InfrastructureID+"\x00"+b.Metric)
	})
	return out, nil
}

// subtreeUsageSQL adds up the rollup of every account in a path range
// over a range of days: a range scan of the accounts' path index, and for
// each account a range read of the covering usage_daily_account index —
// never a scan of raw usage (TestSubtreeUsagePlan).
const subtreeUsageSQL = `SELECT d.metric_key, SUM(d.quantity_micro)
	FROM accounts a JOIN usage_daily d ON d.account_id = a.id AND d.day >= ? AND d.day < ?
	WHERE a.path >= ? AND a.path < ?
	GROUP BY d.metric_key ORDER BY d.metric_key`

// AccountUsage adds up the usage of an account's whole subtree (itself and
// every account below it) per metric over the whole UTC days from from's
// day up to to's day (exclusive): the rollup, plus the open intervals of
// the subtree's running resources up to now. Errors: ENOTFOUND,
// EFORBIDDEN (no reports.view).
func (s *Scope) AccountUsage(ctx context.Context, accountID string, from, to time.Time) ([]tenantry.MetricQuantity, error) {
	a, err := s.authorizedAccount(ctx, s.db.read, accountID, tenantry.PermReportsView)
	if err != nil {
		return nil, err
	}
	fromDay, toDay := usage.DayOf(from), usage.DayOf(to.Add(-time.Millisecond))+1
	rows, err := s.db.read.QueryContext(ctx, subtreeUsageSQL, int64(fromDay), int64(toDay), a.Path, tenantry.SubtreeUpper(a.Path))
	if err != nil {
		return nil, err
	}
	var out []tenantry.MetricQuantity
	for rows.Next() {
		var m tenantry.MetricQuantity
		var q int64
		if err := rows.Scan(&m.Metric, &q); err != nil {
			rows.Close()
			return nil, err
		}
		m.Quantity = money.Micro(q)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	running, err := runningResources(ctx, s.db.read, `r.account_id IN (SELECT id FROM accounts WHERE path >= ? AND path < ?)`,
		a.Path, tenantry.SubtreeUpper(a.Path))
	if err != nil {
		return nil, err
	}
	now := usage.Second(s.db.Now())
	for _, r := range running {
		if q := openQuantity(&r, fromDay.Time(), toDay.Time(), now); q != 0 {
			addQuantity(&out, r.Metric, q)
		}
	}
	slices.SortFunc(out, func(a, b tenantry.MetricQuantity) int { return strings.Compare(a.Metric, b.Metric) })
	return out, nil
}
