package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/tenantry/tenantry/internal/money"
	usagelog "github.com/tenantry/tenantry/internal/usage" // "usage" is main's help text
	"github.com/tenantry/tenantry/store"
)

const usageHelp = `Usage:
  tenantry usage import [--db tenantry.db] FILE.csv    (FILE "-" reads standard input)

Adds usage records to the fact log as POST /api/v1/usage does, for any live
infrastructure (an operator's import: source "import"). The file is CSV with a
header row naming these columns, in any order, in any case; no others:

  infrastructure_id  the infrastructure's id (as the API and the portal show it)
  metric             a metric key of the catalogue, e.g. network.egress
  quantity           a non-negative decimal, at most 6 decimal places: 12.5
  start, end         RFC 3339 times, start before end, both in one calendar
                     month (UTC), end not in the future: 2026-11-01T00:00:00Z
  idempotency_key    unique per record: the same key and content again is a
                     duplicate (not counted twice), other content a conflict

Example:
  infrastructure_id,metric,quantity,start,end,idempotency_key
  inf_2kq…,network.egress,12.5,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,egress-2026-11-01

The file is read and sent in chunks of 1,000 records, each kept in its own
transaction, so any size works and an import can simply be run again: what
was kept comes back as duplicates. Each rejected record is printed with its
line number and reason, then the counts: accepted N, duplicates N, rejected N.

Exit status: 0 when no record was rejected, 1 when some were (the others are
kept) or the import failed part way, 2 for a usage error (no such file or
database, a missing or unknown column in the header).

Flags:
`

// usageColumns are the import file's columns, as the API names the
// fields of a record.
var usageColumns = []string{"infrastructure_id", "metric", "quantity", "start", "end", "idempotency_key"}

// importChunk is how many records go to the store in one transaction:
// large enough that a transaction's cost is shared, small enough that
// memory stays flat whatever the file's size.
const importChunk = 1000

func runUsage(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprint(stderr, usageHelp)
		return errUsage
	}
	fs := newFlags("usage import", stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHelp)
		fs.PrintDefaults()
	}
	dbPath := dbFlag(fs)
	files, err := parseArgs(fs, args[1:], getenv)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: give one FILE.csv to import, or - for standard input", errUsage)
	}
	in, name := stdin, "standard input"
	if files[0] != "-" {
		f, err := os.Open(files[0])
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		defer f.Close()
		in, name = f, files[0]
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("%w: no database at %s (give it with --db)", errUsage, *dbPath)
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	sys := db.System("usage-import")
	imp := &usageImport{out: stdout, ingest: func(ctx context.Context, recs []usagelog.Input) (*usagelog.Result, error) {
		return sys.IngestUsage(ctx, usagelog.SourceImport, recs)
	}}
	err = imp.run(ctx, bufio.NewReaderSize(in, 1<<16), name)
	if err != nil && !errors.Is(err, errUsage) {
		// what was sent before the failure is kept: say so, then fail
		imp.summary("before the failure")
	}
	if err != nil {
		return err
	}
	imp.summary("")
	if imp.rejected > 0 {
		return fmt.Errorf("%d of %d records rejected", imp.rejected, imp.accepted+imp.duplicates+imp.rejected)
	}
	return nil
}

// usageImport reads an import file record by record and sends it on in
// chunks, keeping each record's line number so that a rejection names
// the line, whichever chunk it was in.
type usageImport struct {
	out    io.Writer
	ingest func(context.Context, []usagelog.Input) (*usagelog.Result, error)

	chunk []usagelog.Input
	lines []int // lines[i] is the line chunk[i] starts on
	// unparsed are the lines of this chunk that never became records
	unparsed []lineRejection

	accepted, duplicates, rejected int
}

type lineRejection struct {
	line          int
	code, message string
}

func (imp *usageImport) run(ctx context.Context, in io.Reader, name string) error {
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1 // a short or long line is rejected on its own, the import goes on
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %s is empty: its first line must name the columns %s", errUsage, name, strings.Join(usageColumns, ","))
	}
	if err != nil {
		return fmt.Errorf("%w: reading the header of %s: %v", errUsage, name, err)
	}
	col, err := usageHeader(header)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", errUsage, name, err)
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var perr *csv.ParseError
		switch {
		case errors.As(err, &perr):
			imp.unparsed = append(imp.unparsed, lineRejection{perr.StartLine, usagelog.CodeInvalid, "not CSV: " + perr.Err.Error() + "."})
		case err != nil:
			return fmt.Errorf("reading %s: %w", name, err)
		default:
			line, _ := r.FieldPos(0)
			if u, why := usageRecord(rec, col); why != "" {
				imp.unparsed = append(imp.unparsed, lineRejection{line, usagelog.CodeInvalid, why})
			} else {
				imp.chunk, imp.lines = append(imp.chunk, u), append(imp.lines, line)
			}
		}
		if len(imp.chunk)+len(imp.unparsed) >= importChunk {
			if err := imp.flush(ctx); err != nil {
				return err
			}
		}
	}
	return imp.flush(ctx)
}

// flush sends the chunk and prints its rejections in line order, the
// unparsed lines among them.
func (imp *usageImport) flush(ctx context.Context) error {
	rejected := imp.unparsed
	if len(imp.chunk) > 0 {
		res, err := imp.ingest(ctx, imp.chunk)
		if err != nil {
			return err
		}
		imp.accepted += res.Accepted
		imp.duplicates += res.Duplicates
		for _, rj := range res.Rejected {
			rejected = append(rejected, lineRejection{imp.lines[rj.Index], rj.Code, rj.Message})
		}
	}
	slices.SortStableFunc(rejected, func(a, b lineRejection) int { return a.line - b.line })
	for _, rj := range rejected {
		fmt.Fprintf(imp.out, "line %d: %s: %s\n", rj.line, rj.code, rj.message)
	}
	imp.rejected += len(rejected)
	imp.chunk, imp.lines, imp.unparsed = imp.chunk[:0], imp.lines[:0], imp.unparsed[:0]
	return nil
}

func (imp *usageImport) summary(note string) {
	if note != "" {
		note = " " + note
	}
	fmt.Fprintf(imp.out, "accepted %d, duplicates %d, rejected %d%s\n", imp.accepted, imp.duplicates, imp.rejected, note)
}

// usageHeader maps each column to its place in a line: every column of
// usageColumns exactly once, in any order and case, and no other (a
// misspelt column is refused rather than read as missing data).
func usageHeader(header []string) (map[string]int, error) {
	col := map[string]int{}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // a byte order mark, as spreadsheets write
		}
		h = strings.ToLower(strings.TrimSpace(h))
		switch _, dup := col[h]; {
		case !slices.Contains(usageColumns, h):
			return nil, fmt.Errorf("unknown column %q in the header (the columns are %s)", h, strings.Join(usageColumns, ","))
		case dup:
			return nil, fmt.Errorf("column %q appears twice in the header", h)
		}
		col[h] = i
	}
	var missing []string
	for _, c := range usageColumns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the header lacks the column(s) %s (the columns are %s)", strings.Join(missing, ", "), strings.Join(usageColumns, ","))
	}
	return col, nil
}

// usageRecord reads one line as a record, or says why it cannot be one.
// What the store checks (metric, period, key) is left to it, so that a
// line is rejected for the same reasons as a record sent to the API.
func usageRecord(rec []string, col map[string]int) (usagelog.Input, string) {
	if len(rec) != len(col) {
		return usagelog.Input{}, fmt.Sprintf("%d fields, where the header names %d columns.", len(rec), len(col))
	}
	field := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
	in := usagelog.Input{InfrastructureID: field("infrastructure_id"), Metric: field("metric"), Key: field("idempotency_key")}
	q, err := money.Parse(field("quantity"))
	if err != nil {
		return usagelog.Input{}, fmt.Sprintf("quantity %q: %v: give a non-negative decimal with at most 6 decimal places.", field("quantity"), err)
	}
	in.Quantity = q
	for _, t := range []struct {
		name string
		to   *time.Time
	}{{"start", &in.Start}, {"end", &in.End}} {
		v := field(t.name)
		if v == "" {
			continue // the store's check says it is required
		}
		at, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return usagelog.Input{}, fmt.Sprintf("%s %q is not an RFC 3339 time such as 2026-11-01T00:00:00Z.", t.name, v)
		}
		*t.to = at.UTC()
	}
	return in, ""
}
