package dbtest

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	_ "modernc.org/sqlite"
)

func TestRows(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE accounts (id TEXT, name TEXT)`,
		`CREATE TABLE sessions (id TEXT, seen INTEGER)`,
		`INSERT INTO accounts VALUES ('a1', 'Acme')`,
		`INSERT INTO sessions VALUES ('s1', 42)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := Tables(t, db), []string{"accounts", "sessions"}; !slices.Equal(got, want) {
		t.Errorf("Tables = %v, want %v", got, want)
	}
	volatile := map[string][]string{"sessions": {"seen"}}
	before := Rows(t, db, volatile)
	if want := []string{"accounts [a1 Acme]", "sessions [s1 -]"}; !slices.Equal(before, want) {
		t.Errorf("Rows = %q, want %q", before, want)
	}
	if _, err := db.Exec(`UPDATE sessions SET seen = 43`); err != nil {
		t.Fatal(err)
	}
	if after := Rows(t, db, volatile); !slices.Equal(after, before) {
		t.Errorf("a volatile column's change shows: %q", after)
	}
	if _, err := db.Exec(`UPDATE accounts SET name = 'Beta'`); err != nil {
		t.Fatal(err)
	}
	after := Rows(t, db, volatile)
	if got, want := Changed(before, after), []string{"+ accounts [a1 Beta]", "- accounts [a1 Acme]"}; !slices.Equal(got, want) {
		t.Errorf("Changed = %q, want %q", got, want)
	}
	if got := Rows(t, db, volatile, "accounts"); !slices.Equal(got, []string{"sessions [s1 -]"}) {
		t.Errorf("Rows without accounts = %q", got)
	}
}

// TestAppendRow: a row reads as fmt's %v of its values would, whatever
// type SQLite returned.
func TestAppendRow(t *testing.T) {
	vals := []any{nil, int64(-42), "a b", 0.25, 1e21, []byte{1, 2}, true}
	if got, want := string(appendRow([]byte("t"), vals)), fmt.Sprintf("%s %v", "t", vals); got != want {
		t.Errorf("appendRow = %q, want %q", got, want)
	}
}
