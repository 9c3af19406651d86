package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	usagelog "github.com/tenantry/tenantry/internal/usage"
	"github.com/tenantry/tenantry/store"
)

// importDB is a demo database in t's temp dir and the ids of its
// infrastructures by name.
func importDB(t *testing.T) (string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.System("demo").LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	q := openRO(t, path)
	rows, err := q.Query(`SELECT name, id FROM infrastructures`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, id string
		if err := rows.Scan(&name, &id); err != nil {
			t.Fatal(err)
		}
		ids[name] = id
	}
	return path, ids
}

func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	q, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

// rollup is the daily rollup's total of one infrastructure's metric, and
// the raw records' total, read behind the store's back.
func rollup(t *testing.T, path, infraID, metric string) (daily, raw int64) {
	t.Helper()
	q := openRO(t, path)
	if err := q.QueryRow(`SELECT COALESCE(SUM(quantity_micro), 0) FROM usage_daily WHERE infrastructure_id = ? AND metric_key = ?`,
		infraID, metric).Scan(&daily); err != nil {
		t.Fatal(err)
	}
	if err := q.QueryRow(`SELECT COALESCE(SUM(quantity_micro), 0) FROM usage_records WHERE infrastructure_id = ? AND metric_key = ?`,
		infraID, metric).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	return daily, raw
}

// runImport runs `tenantry usage import` with stdin.
func runImport(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	err = run(ctx, append([]string{"usage", "import"}, args...), env(), strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// pastDay is a whole UTC day that has passed, two days ago.
func pastDay() (string, string) {
	start := time.Now().UTC().Truncate(24 * time.Hour).Add(-48 * time.Hour)
	return start.Format(time.RFC3339), start.Add(24 * time.Hour).Format(time.RFC3339)
}

// TestUsageImport: a file with good, duplicate, conflicting,
// unknown-infrastructure and unreadable lines keeps the good ones, counts
// the duplicate once, names every rejected line by its number, exits
// non-zero but not as a usage error, and lands in the rollup; the same
// file again is all duplicates; "-" reads standard input.
func TestUsageImport(t *testing.T) {
	path, ids := importDB(t)
	web, dbProd := ids["web-prod"], ids["db-prod"]
	start, end := pastDay()
	future := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
	// columns in another order and case than documented: both are free
	file := writeFile(t, "usage.csv", strings.Join([]string{
		"Metric,INFRASTRUCTURE_ID,quantity,start,end,idempotency_key",
		fmt.Sprintf("network.egress,%s,12.5,%s,%s,t-1", web, start, end),                      // 2 accepted
		fmt.Sprintf("network.egress,%s,0.000001,%s,%s,t-2", dbProd, start, end),               // 3 accepted
		fmt.Sprintf("network.egress,%s,12.5,%s,%s,t-1", web, start, end),                      // 4 duplicate of 2
		fmt.Sprintf("network.egress,%s,13,%s,%s,t-1", web, start, end),                        // 5 conflict with 2
		fmt.Sprintf("network.egress,inf_nope,1,%s,%s,t-3", start, end),                        // 6 not_found
		fmt.Sprintf("network.egress,%s,abc,%s,%s,t-4", web, start, end),                       // 7 bad quantity
		fmt.Sprintf("network.egress,%s,1,%s,%s,t-5", web, start, future.Format(time.RFC3339)), // 8 future
		fmt.Sprintf("network.egress,%s,1,%s,%s", web, start, end),                             // 9 five fields
		fmt.Sprintf("network.egress,%s,1,yesterday,%s,t-6", web, end),                         // 10 bad time
		fmt.Sprintf("disk.magic,%s,1,%s,%s,t-7", web, start, end),                             // 11 unknown metric
		fmt.Sprintf("network.egress,%s,1,%s,%s,t-\"8", web, start, end),                       // 12 not CSV
		fmt.Sprintf("network.egress,%s,2,%s,%s,t-9", web, start, end),                         // 13 accepted
	}, "\n")+"\n")
	dailyBefore, _ := rollup(t, path, web, "network.egress")

	stdout, stderr, err := runImport(t, "", "--db", path, file)
	if err == nil || errors.Is(err, errUsage) {
		t.Fatalf("an import with rejected lines: err = %v, want a non-usage error (exit 1)\n%s", err, stderr)
	}
	wantLines := []string{
		"line 5: conflict: ",
		"line 6: not_found: ",
		`line 7: invalid: quantity "abc"`,
		"line 8: invalid: end lies in the future",
		"line 9: invalid: 5 fields, where the header names 6 columns.",
		`line 10: invalid: start "yesterday" is not an RFC 3339 time`,
		"line 11: unknown_metric: ",
		`line 12: invalid: not CSV: bare " in non-quoted-field.`,
		"accepted 3, duplicates 1, rejected 8",
	}
	got := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(got) != len(wantLines) {
		t.Fatalf("output has %d lines, want %d:\n%s", len(got), len(wantLines), stdout)
	}
	for i, want := range wantLines {
		if !strings.HasPrefix(got[i], want) {
			t.Errorf("output line %d = %q, want it to start with %q", i+1, got[i], want)
		}
	}
	daily, raw := rollup(t, path, web, "network.egress")
	if daily-dailyBefore != 14_500_000 {
		t.Errorf("web-prod's egress rollup grew by %d µGB, want 14500000 (lines 2 and 13)", daily-dailyBefore)
	}
	if daily != raw {
		t.Errorf("web-prod's egress: rollup %d, raw records %d", daily, raw)
	}
	var n int
	if err := openRO(t, path).QueryRow(`SELECT COUNT(*) FROM usage_records WHERE source = 'import' AND idempotency_key LIKE 't-%'`).Scan(&n); err != nil || n != 3 {
		t.Errorf("import records stored = %d (%v), want 3", n, err)
	}

	t.Run("Again", func(t *testing.T) {
		stdout, _, err := runImport(t, "", file, "--db", path) // flags after the file too
		if err == nil {
			t.Error("the conflicting line is still rejected: want a non-zero exit")
		}
		if !strings.Contains(stdout, "accepted 0, duplicates 4, rejected 8\n") {
			t.Errorf("a second run is not all duplicates:\n%s", stdout)
		}
		if d, _ := rollup(t, path, web, "network.egress"); d != daily {
			t.Errorf("a second run changed the rollup: %d, want %d", d, daily)
		}
	})
	t.Run("Stdin", func(t *testing.T) {
		in := "infrastructure_id,metric,quantity,start,end,idempotency_key\r\n" +
			fmt.Sprintf("%s,network.egress,0.5,%s,%s,t-stdin\r\n", web, start, end)
		stdout, stderr, err := runImport(t, in, "--db", path, "-")
		if err != nil {
			t.Fatalf("a clean import from stdin: %v\n%s", err, stderr)
		}
		if stdout != "accepted 1, duplicates 0, rejected 0\n" {
			t.Errorf("stdout = %q", stdout)
		}
		if d, _ := rollup(t, path, web, "network.egress"); d-daily != 500_000 {
			t.Errorf("the rollup grew by %d, want 500000", d-daily)
		}
	})
}

// TestUsageImportChunks: a file of several chunks is sent a chunk at a
// time and its rejections keep their line numbers in the file (a quoted
// field over two lines included), not their index in a chunk.
func TestUsageImportChunks(t *testing.T) {
	path, ids := importDB(t)
	web := ids["web-prod"]
	start, end := pastDay()
	var b strings.Builder
	b.WriteString("infrastructure_id,metric,quantity,start,end,idempotency_key\n")
	line := 1
	bad := map[int]string{}
	for i := range 2500 {
		line++
		switch {
		case i == 3:
			// a key over two lines: one record, two lines
			fmt.Fprintf(&b, "%s,network.egress,1,%s,%s,\"two\nlines\"\n", web, start, end)
			line++
		case line == 1001 || line == 2001:
			fmt.Fprintf(&b, "%s,network.egress,x,%s,%s,c-%d\n", web, start, end, i)
			bad[line] = "invalid"
		case line == 1002 || line == 2002 || i == 2499:
			fmt.Fprintf(&b, "inf_gone,network.egress,1,%s,%s,c-%d\n", start, end, i)
			bad[line] = "not_found"
		default:
			fmt.Fprintf(&b, "%s,network.egress,0.01,%s,%s,c-%d\n", web, start, end, i)
		}
	}
	stdout, _, err := runImport(t, "", "--db", path, writeFile(t, "big.csv", b.String()))
	if err == nil {
		t.Fatal("rejected lines: want a non-zero exit")
	}
	var want strings.Builder
	for _, l := range []int{1001, 1002, 2001, 2002, line} {
		fmt.Fprintf(&want, "line %d: %s: ", l, bad[l])
	}
	var got strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if head, _, ok := strings.Cut(l, ": "); ok && strings.HasPrefix(l, "line ") {
			code, _, _ := strings.Cut(strings.TrimPrefix(l, head+": "), ": ")
			fmt.Fprintf(&got, "%s: %s: ", head, code)
		}
	}
	if got.String() != want.String() {
		t.Errorf("rejections:\n got %s\nwant %s", got.String(), want.String())
	}
	if !strings.HasSuffix(stdout, fmt.Sprintf("accepted %d, duplicates 0, rejected 5\n", 2495)) {
		t.Errorf("summary:\n%s", stdout[max(0, len(stdout)-200):])
	}
	if daily, raw := rollup(t, path, web, "network.egress"); daily != raw {
		t.Errorf("rollup %d, raw records %d", daily, raw)
	}
}

// TestUsageImportStreams: the importer hands the store at most one chunk
// at a time, so a file of any size is never held in memory, and counts
// what every chunk answered.
func TestUsageImportStreams(t *testing.T) {
	var b strings.Builder
	b.WriteString("infrastructure_id,metric,quantity,start,end,idempotency_key\n")
	for i := range 2500 {
		fmt.Fprintf(&b, "inf_x,network.egress,1,2026-01-01T00:00:00Z,2026-01-02T00:00:00Z,k-%d\n", i)
	}
	var sizes []int
	var out bytes.Buffer
	imp := &usageImport{out: &out, ingest: func(_ context.Context, recs []usagelog.Input) (*usagelog.Result, error) {
		sizes = append(sizes, len(recs))
		return &usagelog.Result{Accepted: len(recs) - 1, Duplicates: 1}, nil
	}}
	if err := imp.run(context.Background(), strings.NewReader(b.String()), "test"); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sizes) != "[1000 1000 500]" {
		t.Errorf("chunks sent: %v, want [1000 1000 500]", sizes)
	}
	if imp.accepted != 2497 || imp.duplicates != 3 {
		t.Errorf("accepted %d, duplicates %d; want 2497, 3", imp.accepted, imp.duplicates)
	}
	failing := &usageImport{out: io.Discard, ingest: func(context.Context, []usagelog.Input) (*usagelog.Result, error) {
		return nil, errors.New("disk full")
	}}
	if err := failing.run(context.Background(), strings.NewReader(b.String()), "test"); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("a store failure: err = %v, want it passed on", err)
	}
}

// TestUsageImportUsageErrors: what cannot be imported at all is a usage
// error (exit 2), and nothing is written.
func TestUsageImportUsageErrors(t *testing.T) {
	// a database with the schema and no data: nothing here gets that far
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	noDB := filepath.Join(t.TempDir(), "nope.db")
	good := "infrastructure_id,metric,quantity,start,end,idempotency_key\n"
	for _, tc := range []struct {
		name, file, stderr string
		args               []string
	}{
		{name: "NoFile", args: []string{"--db", path}},
		{name: "TwoFiles", args: []string{"--db", path, "a.csv", "b.csv"}},
		{name: "Missing", args: []string{"--db", path, filepath.Join(t.TempDir(), "nope.csv")}},
		{name: "NoDatabase", file: good, args: []string{"--db", noDB}},
		{name: "Empty", file: "", args: []string{"--db", path}},
		{name: "UnknownColumn", file: "infrastructure_id,metric,quantity,start,end,idempotency_key,note\n", args: []string{"--db", path}},
		{name: "MissingColumn", file: "infrastructure_id,metric,quantity,start,end\n", args: []string{"--db", path}},
		{name: "TwiceColumn", file: "infrastructure_id,metric,metric,quantity,start,end,idempotency_key\n", args: []string{"--db", path}},
		{name: "Help", args: []string{"--help"}, stderr: "idempotency_key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if tc.name != "Help" && tc.name != "NoFile" && tc.name != "TwoFiles" && tc.name != "Missing" {
				args = append(args, writeFile(t, "in.csv", tc.file))
			}
			_, stderr, err := runImport(t, "", args...)
			if !errors.Is(err, errUsage) {
				t.Errorf("err = %v, want errUsage (exit 2)", err)
			}
			if tc.stderr != "" && !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tc.stderr, stderr)
			}
		})
	}
	if _, err := os.Stat(noDB); err == nil {
		t.Error("an import created a database")
	}
	var n int
	if err := openRO(t, path).QueryRow(`SELECT COUNT(*) FROM usage_records WHERE source = 'import'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("import records = %d (%v), want 0", n, err)
	}
}
