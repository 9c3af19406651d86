// Package dbtest holds the helpers that tests of several packages use to
// look at a Tenantry database whole: the store's scope tests and the
// web's route matrix both prove that a refused request changed nothing.
// Only tests import it.
package dbtest

import (
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Tables lists every table of the schema from sqlite_master, SQLite's own
// left out, so that a table added by a later migration is covered without
// anyone remembering to add it. It fails t when there is none.
func Tables(t testing.TB, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatalf("list the tables: %v", err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(tables) == 0 {
		t.Fatal("sqlite_master lists no table: is the schema migrated?")
	}
	return tables
}

// Rows dumps every row of every table Tables lists, one "table [values]"
// line per row in rowid order (primary-key order for a WITHOUT ROWID
// table). Tables named in except are left out (a
// change expected to write there), and the columns volatile names for a
// table read "-" (values that change on any request, such as a session's
// last use).
func Rows(t testing.TB, db *sql.DB, volatile map[string][]string, except ...string) []string {
	t.Helper()
	var out []string
	for _, table := range Tables(t, db) {
		if slices.Contains(except, table) {
			continue
		}
		rows, err := db.Query(`SELECT * FROM "` + table + `" ORDER BY rowid`)
		if err != nil && strings.Contains(err.Error(), "no such column: rowid") {
			// a WITHOUT ROWID table is stored in its primary key's order
			rows, err = db.Query(`SELECT * FROM "` + table + `"`)
		}
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var line []byte
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, c := range cols {
				if slices.Contains(volatile[table], c) {
					vals[i] = "-"
				}
			}
			line = appendRow(append(line[:0], table...), vals)
			out = append(out, string(line))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

// appendRow formats a row as fmt's "%s %v" of the table and the values
// would, without fmt's reflection for the types SQLite returns: scope
// tests dump the database hundreds of times.
func appendRow(b []byte, vals []any) []byte {
	b = append(b, " ["...)
	for i, v := range vals {
		if i > 0 {
			b = append(b, ' ')
		}
		switch v := v.(type) {
		case nil:
			b = append(b, "<nil>"...)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case string:
			b = append(b, v...)
		case float64:
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		default:
			b = fmt.Append(b, v)
		}
	}
	return append(b, ']')
}

// Changed lists the rows only one of two Rows dumps has: "+ row" for a
// row after has and before lacks, "- row" for the other way round.
func Changed(before, after []string) []string {
	var out []string
	for _, r := range after {
		if !slices.Contains(before, r) {
			out = append(out, "+ "+r)
		}
	}
	for _, r := range before {
		if !slices.Contains(after, r) {
			out = append(out, "- "+r)
		}
	}
	return out
}
