package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/dbtest"
	"github.com/tenantry/tenantry/internal/password"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// demoTemplate is a database file holding the demo platform, built once in
// TestMain (hashing its users' passwords is the slow part) and copied into
// each test's own temp dir by newDemo.
var demoTemplate string

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "tenantry-store-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if demoTemplate, err = buildDemo(dir); err != nil {
		fmt.Fprintln(os.Stderr, "build demo template:", err)
		return 1
	}
	return m.Run()
}

func buildDemo(dir string) (string, error) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(dir, "build.db"))
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.System("demo").LoadDemo(ctx); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "demo.db")
	return path, db.Backup(ctx, path)
}

// testIP is the address every test scope writes into the audit log.
const testIP = "192.0.2.10"

// openDB opens (creating) the database at path, closed when t ends.
func openDB(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// newEmptyDB opens a fresh, empty database file in t's temp dir.
func newEmptyDB(t *testing.T) *DB {
	t.Helper()
	return openDB(t, filepath.Join(t.TempDir(), "tenantry.db"))
}

// fixture is a private copy of the demo platform: the provider Nimbus
// Cloud (portal.localhost), the resellers Acme Hosting (acme.localhost,
// with the sub-reseller Beta Resale on beta.localhost) and Orbit IT
// (orbit.localhost), and customers below each.
type fixture struct {
	db *DB
}

func newDemo(t *testing.T) *fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tenantry.db")
	copyFile(t, demoTemplate, path)
	return &fixture{db: openDB(t, path)}
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) tenant(t *testing.T, host string) *tenantry.Tenant {
	t.Helper()
	tn, err := f.db.TenantByHost(context.Background(), host)
	if err != nil {
		t.Fatalf("TenantByHost(%s): %v", host, err)
	}
	return tn
}

// tenantOf returns the named account as a tenant, as if a request had
// come in on one of its domains.
func (f *fixture) tenantOf(t *testing.T, name string) *tenantry.Tenant {
	t.Helper()
	return &tenantry.Tenant{Account: *f.acc(t, name)}
}

func (f *fixture) user(t *testing.T, email string) *tenantry.User {
	t.Helper()
	u, err := f.db.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("UserByEmail(%s): %v", email, err)
	}
	return u
}

func (f *fixture) actor(t *testing.T, host, email string) *tenantry.Actor {
	t.Helper()
	a, err := f.db.ActorFor(context.Background(), f.tenant(t, host), f.user(t, email).ID)
	if err != nil {
		t.Fatalf("ActorFor(%s, %s): %v", host, email, err)
	}
	return a
}

// scope is what a request by email on host gets.
func (f *fixture) scope(t *testing.T, host, email string) *Scope {
	t.Helper()
	return f.db.Scope(f.tenant(t, host), f.actor(t, host, email), testIP)
}

// provider is the provider admin on the platform domain: it sees everything.
func (f *fixture) provider(t *testing.T) *Scope {
	t.Helper()
	return f.scope(t, "portal.localhost", "admin@nimbus.example")
}

// acme is Acme Hosting's admin on Acme's own domain.
func (f *fixture) acme(t *testing.T) *Scope {
	t.Helper()
	return f.scope(t, "acme.localhost", "admin@acme.example")
}

// acc reads an account by its (unique in the demo) name, unscoped.
func (f *fixture) acc(t *testing.T, name string) *tenantry.Account {
	t.Helper()
	a, err := scanAccount(f.db.read.QueryRowContext(context.Background(),
		`SELECT `+accountColumns+` FROM accounts a WHERE a.name = ?`, name))
	if err != nil {
		t.Fatalf("account %q: %v", name, err)
	}
	return a
}

func (f *fixture) id(t *testing.T, name string) string {
	t.Helper()
	return f.acc(t, name).ID
}

// addMember gives a new user (no password) a role on the named account.
// No store method adds members yet, so this uses the store's own helpers
// inside one transaction, as a future AddMember would.
func (f *fixture) addMember(t *testing.T, accountName, email string, role tenantry.Role) *tenantry.User {
	t.Helper()
	accountID := f.id(t, accountName)
	u := &tenantry.User{Email: email, Name: "Member " + email}
	err := f.db.inTx(context.Background(), func(tx *tx) error {
		if err := insertUser(context.Background(), tx, u, "email"); err != nil {
			return err
		}
		return insertMembership(context.Background(), tx, accountID, u.ID, role)
	})
	if err != nil {
		t.Fatalf("add %s as %s of %s: %v", email, role, accountName, err)
	}
	return u
}

// snapshot dumps every row of every table, so that a test can tell that
// a refused write changed nothing at all, audit log included.
// Tables named in except are left out (a change expected to write there).
func (f *fixture) snapshot(t *testing.T, except ...string) string {
	t.Helper()
	return strings.Join(dbtest.Rows(t, f.db.read, nil, except...), "\n")
}

// assertUnchanged fails t when the database differs from before.
func (f *fixture) assertUnchanged(t *testing.T, before string, except ...string) {
	t.Helper()
	if after := f.snapshot(t, except...); after != before {
		t.Errorf("the database changed:\n%s", diffLines(before, after))
	}
}

func diffLines(before, after string) string {
	return strings.Join(dbtest.Changed(strings.Split(before, "\n"), strings.Split(after, "\n")), "\n")
}

func count(t *testing.T, db *DB, table string) int {
	t.Helper()
	var n int
	if err := db.read.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// wantKind fails t unless err is a domain error of the given kind ("" for nil).
func wantKind(t *testing.T, err error, want string) *tenantry.Error {
	t.Helper()
	got := ""
	if err != nil {
		got = tenantry.ErrorKind(err)
	}
	if got != want {
		t.Fatalf("error = %v, want kind %q", err, want)
	}
	return tenantry.AsError(err)
}

// wantField fails t unless err is EINVALID (or kind) with a message on field.
func wantField(t *testing.T, err error, kind, field string) {
	t.Helper()
	e := wantKind(t, err, kind)
	if e.Fields[field] == "" {
		t.Errorf("error fields = %v, want a message on %q", e.Fields, field)
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tenantry.db")

	t.Run("Fresh", func(t *testing.T) {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer db.Close()
		empty, err := db.IsEmpty(ctx)
		if err != nil || !empty {
			t.Fatalf("IsEmpty() = %v, %v; want true, nil", empty, err)
		}
		for _, table := range dbtest.Tables(t, db.read) {
			if table == "goose_db_version" {
				continue
			}
			if n := count(t, db, table); n != 0 {
				t.Errorf("%s has %d rows, want 0", table, n)
			}
		}
		var version int
		if err := db.read.QueryRow(`SELECT MAX(version_id) FROM goose_db_version`).Scan(&version); err != nil {
			t.Fatalf("goose version: %v", err)
		}
		if version < 1 {
			t.Errorf("goose version = %d, want >= 1", version)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Errorf("Migrate() on a migrated database: %v", err)
		}
		if _, err := db.SecretOrCreate(ctx, "k", func() string { return "v" }); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Reopen", func(t *testing.T) {
		var before int
		for i := range 2 {
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("Open #%d of an existing file: %v", i+2, err)
			}
			var n int
			if err := db.read.QueryRow(`SELECT COUNT(*) FROM goose_db_version`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if i > 0 && n != before {
				t.Errorf("goose_db_version rows = %d after reopening, want %d (migrations re-applied)", n, before)
			}
			before = n
			got, err := db.SecretOrCreate(ctx, "k", func() string { return "other" })
			if err != nil || got != "v" {
				t.Errorf("SecretOrCreate after reopening = %q, %v; want %q", got, err, "v")
			}
			db.Close()
		}
	})
	t.Run("DemoCopy", func(t *testing.T) {
		f := newDemo(t)
		if got, want := count(t, f.db, "accounts"), 11; got != want {
			t.Errorf("accounts = %d, want %d", got, want)
		}
	})
	t.Run("Pragmas", func(t *testing.T) {
		db := openDB(t, filepath.Join(t.TempDir(), "p.db"))
		// hold several read connections at once so the check reaches more
		// than the first one the pool made
		for name, pool := range map[string]*sql.DB{"write": db.write, "read": db.read} {
			var conns []*sql.Conn
			for range 3 {
				if name == "write" && len(conns) == 1 {
					break // one writer connection by design
				}
				c, err := pool.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				conns = append(conns, c)
			}
			for i, c := range conns {
				for pragma, want := range map[string]string{"foreign_keys": "1", "journal_mode": "wal", "busy_timeout": "10000"} {
					var got string
					if err := c.QueryRowContext(ctx, `PRAGMA `+pragma).Scan(&got); err != nil {
						t.Fatal(err)
					}
					if got != want {
						t.Errorf("%s conn %d: PRAGMA %s = %s, want %s", name, i, pragma, got, want)
					}
				}
			}
			for _, c := range conns {
				c.Close()
			}
		}
		if _, err := db.read.Exec(`INSERT INTO settings (key, value) VALUES ('x', 'y')`); err == nil {
			t.Error("the read pool accepted a write, want query_only")
		}
	})
	t.Run("ForeignKeysEnforced", func(t *testing.T) {
		db := newEmptyDB(t)
		err := db.SaveSession(ctx, "sid", &Session{UserID: "usr_none", TenantID: "acc_none", ExpiresAt: time.Now().Add(time.Hour)})
		if err == nil {
			t.Error("SaveSession with an unknown user and tenant succeeded, want a foreign key error")
		}
	})
}

func TestTenantByHost(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	tests := []struct {
		host, want string
	}{
		{"portal.localhost", "Nimbus Cloud"},
		{"acme.localhost", "Acme Hosting"},
		{"beta.localhost", "Beta Resale"},
		{"orbit.localhost", "Orbit IT"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			tn, err := f.db.TenantByHost(ctx, tt.host)
			if err != nil {
				t.Fatal(err)
			}
			if tn.Account.Name != tt.want || tn.Host != tt.host {
				t.Errorf("TenantByHost(%s) = %q on %q, want %q", tt.host, tn.Account.Name, tn.Host, tt.want)
			}
			if got, want := tn.IsPlatform(), tt.host == "portal.localhost"; got != want {
				t.Errorf("IsPlatform() = %v, want %v", got, want)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, host := range []string{"", "unknown.localhost", "ACME.localhost", "localhost"} {
			_, err := f.db.TenantByHost(ctx, host)
			if got := tenantry.ErrorKind(err); got != tenantry.ENOTFOUND {
				t.Errorf("TenantByHost(%q) = %v, want ENOTFOUND", host, err)
			}
		}
	})
}

// TestServingAccount: the domain on which an account's users sign in is
// that of its nearest vendor with a domain (servingAccount), as sign-in
// (usableOn) and mail links (loginTenant) find it.
func TestServingAccount(t *testing.T) {
	f := newDemo(t)
	tests := []struct {
		account, want string
	}{
		{"Nimbus Cloud", ""},
		{"Acme Hosting", "portal.localhost"},
		{"Orbit IT", "portal.localhost"},
		{"Harbor Health", "portal.localhost"},
		{"Beta Resale", "acme.localhost"},
		{"Blue Bakery", "acme.localhost"},
		{"Gamma Labs", "beta.localhost"},
		{"Delta Freight", "orbit.localhost"},
	}
	// below the provider, a reseller without a domain (Omega) and its
	// customer (Tau): the platform domain serves Omega, directly below
	// the provider, but nothing serves Tau (issue 9 item 17)
	ctx := context.Background()
	omega, err := f.provider(t).CreateAccount(ctx, tenantry.NewAccount{ParentID: f.id(t, "Nimbus Cloud"), Kind: tenantry.KindReseller,
		Name: "Omega Resale"}, testLinks)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.provider(t).CreateAccount(ctx, tenantry.NewAccount{ParentID: omega.Account.ID, Kind: tenantry.KindCustomer,
		Name: "Tau Trading"}, testLinks); err != nil {
		t.Fatal(err)
	}
	tests = append(tests, []struct{ account, want string }{{"Omega Resale", "portal.localhost"}, {"Tau Trading", ""}}...)
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.account, " ", ""), func(t *testing.T) {
			id, err := servingAccount(ctx, f.db.read, f.acc(t, tt.account))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if id != "" {
				if got, err = primaryDomain(ctx, f.db.read, id); err != nil {
					t.Fatal(err)
				}
			}
			if got != tt.want {
				t.Errorf("the domain serving %s = %q, want %q", tt.account, got, tt.want)
			}
		})
	}
}

// TestActorFor checks the login rule (usableOn): a membership is usable on
// the account's own domain, on the domain that serves it, and for the
// staff of a reseller directly below the provider on the platform domain
// (a sub-reseller's staff no longer: issue 9 item 17); never on another
// reseller's domain.
func TestActorFor(t *testing.T) {
	f := newDemo(t)
	// a delegation: Acme's admin is also a Viewer of Orbit's customer Delta
	if err := f.db.inTx(context.Background(), func(tx *tx) error {
		return insertMembership(context.Background(), tx, f.id(t, "Delta Freight"), f.user(t, "admin@acme.example").ID, tenantry.RoleViewer)
	}); err != nil {
		t.Fatal(err)
	}
	hosts := []string{"portal.localhost", "acme.localhost", "beta.localhost", "orbit.localhost"}
	tests := []struct {
		email string
		// want maps a host to the accounts whose grants are usable there.
		want map[string][]string
	}{
		{"admin@nimbus.example", map[string][]string{"portal.localhost": {"Nimbus Cloud"}}},
		{"admin@acme.example", map[string][]string{"portal.localhost": {"Acme Hosting"},
			"acme.localhost": {"Acme Hosting"}, "orbit.localhost": {"Delta Freight"}}},
		{"admin@beta.example", map[string][]string{"acme.localhost": {"Beta Resale"}, "beta.localhost": {"Beta Resale"}}},
		{"admin@orbit.example", map[string][]string{"portal.localhost": {"Orbit IT"}, "orbit.localhost": {"Orbit IT"}}},
		{"owner@bluebakery.example", map[string][]string{"acme.localhost": {"Blue Bakery"}}},
		{"owner@gamma.example", map[string][]string{"beta.localhost": {"Gamma Labs"}}},
		{"owner@delta.example", map[string][]string{"orbit.localhost": {"Delta Freight"}}},
		{"owner@harbor.example", map[string][]string{"portal.localhost": {"Harbor Health"}}},
	}
	for _, tt := range tests {
		for _, host := range hosts {
			t.Run(tt.email+"/"+host, func(t *testing.T) {
				a := f.actor(t, host, tt.email)
				var got []string
				for _, g := range a.Grants {
					got = append(got, g.Account.Name)
					if g.Via != "member" {
						t.Errorf("grant on %s Via = %q, want member", g.Account.Name, g.Via)
					}
				}
				if want := tt.want[host]; !slices.Equal(got, want) {
					t.Errorf("grants = %q, want %q", got, want)
				}
				if a.User.Email != tt.email {
					t.Errorf("actor email = %q, want %q", a.User.Email, tt.email)
				}
			})
		}
	}
	t.Run("Roles", func(t *testing.T) {
		a := f.actor(t, "orbit.localhost", "admin@acme.example")
		if len(a.Grants) != 1 || a.Grants[0].Role != tenantry.RoleViewer {
			t.Errorf("grants = %+v, want one Viewer grant", a.Grants)
		}
		a = f.actor(t, "acme.localhost", "admin@acme.example")
		if len(a.Grants) != 1 || a.Grants[0].Role != tenantry.RoleOwner {
			t.Errorf("grants = %+v, want one Owner grant", a.Grants)
		}
	})
	t.Run("SuspendedGrantsStay", func(t *testing.T) {
		_, err := f.provider(t).UpdateAccount(context.Background(), f.id(t, "Acme Hosting"),
			tenantry.AccountUpdate{Status: ptr(tenantry.StatusSuspended), SuspendReason: ptr("test")})
		if err != nil {
			t.Fatal(err)
		}
		a := f.actor(t, "acme.localhost", "admin@acme.example")
		if len(a.Grants) != 1 || a.Grants[0].Account.Status != tenantry.StatusSuspended {
			t.Errorf("grants = %+v, want the suspended Acme grant (callers decide)", a.Grants)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := f.db.ActorFor(context.Background(), f.tenant(t, "acme.localhost"), "usr_nobody")
		wantKind(t, err, tenantry.ENOTFOUND)
	})
}

func ptr[T any](v T) *T { return &v }

func TestBackup(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	// a write after opening, so the backup must include the WAL's content
	if _, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Kappa Kilns",
		Owner: &tenantry.NewOwner{Email: "owner@kappa.example", Name: "Kim"}}, testLinks); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := f.db.Backup(ctx, dest); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	copyDB := openDB(t, dest)
	for _, table := range []string{"accounts", "users", "memberships", "domains", "audit_events", "user_tokens", "settings"} {
		if got, want := count(t, copyDB, table), count(t, f.db, table); got != want {
			t.Errorf("backup %s = %d rows, want %d", table, got, want)
		}
	}
	if _, err := copyDB.TenantByHost(ctx, "acme.localhost"); err != nil {
		t.Errorf("TenantByHost on the backup: %v", err)
	}
	t.Run("DestinationExists", func(t *testing.T) {
		if err := f.db.Backup(ctx, dest); err == nil {
			t.Error("Backup over an existing file succeeded, want an error")
		}
	})
}

func TestSessions(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.db.Now = func() time.Time { return now }
	user := f.user(t, "admin@acme.example")
	acme := f.tenant(t, "acme.localhost")

	in := &Session{UserID: user.ID, TenantID: acme.Account.ID, Data: `{"flash":"hi"}`, IP: testIP,
		UserAgent: "test", ExpiresAt: now.Add(time.Hour)}
	if err := f.db.SaveSession(ctx, "sid-1", in); err != nil {
		t.Fatalf("SaveSession: %v", err)
	}
	got, err := f.db.SessionByID(ctx, "sid-1")
	if err != nil {
		t.Fatalf("SessionByID: %v", err)
	}
	want := Session{UserID: user.ID, TenantID: acme.Account.ID, Data: `{"flash":"hi"}`, IP: testIP,
		UserAgent: "test", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
	if *got != want {
		t.Errorf("SessionByID = %+v, want %+v", *got, want)
	}
	var n int
	if err := f.db.read.QueryRow(`SELECT COUNT(*) FROM sessions WHERE id_hash = ?`, "sid-1").Scan(&n); err != nil || n != 0 {
		t.Errorf("a session id is stored in clear (%d rows, %v), want only its hash", n, err)
	}

	t.Run("Update", func(t *testing.T) {
		now = now.Add(10 * time.Minute)
		if err := f.db.SaveSession(ctx, "sid-1", &Session{UserID: user.ID, TenantID: acme.Account.ID,
			Data: `{}`, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.SessionByID(ctx, "sid-1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Data != `{}` || !got.LastSeenAt.Equal(now) || !got.ExpiresAt.Equal(now.Add(time.Hour)) {
			t.Errorf("after update = %+v, want new data, last seen and expiry", got)
		}
		if !got.CreatedAt.Equal(now.Add(-10*time.Minute)) || got.IP != testIP {
			t.Errorf("after update = %+v, want creation time and IP kept", got)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := f.db.SessionByID(ctx, "sid-unknown")
		wantKind(t, err, tenantry.ENOTFOUND)
	})
	t.Run("Expired", func(t *testing.T) {
		if err := f.db.SaveSession(ctx, "sid-2", &Session{UserID: user.ID, TenantID: acme.Account.ID,
			ExpiresAt: now.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SessionByID(ctx, "sid-2"); err != nil {
			t.Fatalf("live session: %v", err)
		}
		now = now.Add(time.Minute)
		_, err := f.db.SessionByID(ctx, "sid-2")
		wantKind(t, err, tenantry.ENOTFOUND)
		if err := f.db.DeleteExpired(ctx, time.Hour); err != nil {
			t.Fatal(err)
		}
		if got := count(t, f.db, "sessions"); got != 1 {
			t.Errorf("sessions after DeleteExpired = %d, want 1 (the live one)", got)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		if err := f.db.DeleteSession(ctx, "sid-1"); err != nil {
			t.Fatal(err)
		}
		_, err := f.db.SessionByID(ctx, "sid-1")
		wantKind(t, err, tenantry.ENOTFOUND)
		if err := f.db.DeleteSession(ctx, "sid-1"); err != nil {
			t.Errorf("DeleteSession of an unknown id = %v, want nil", err)
		}
	})
}

func TestAPITokens(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.db.Now = func() time.Time { return now }
	user := f.user(t, "admin@acme.example")
	acme := f.tenant(t, "acme.localhost")
	portal := f.tenant(t, "portal.localhost")

	token, expires, err := f.db.Me(acme, user, testIP).CreateAPIToken(ctx, "ci")
	if err != nil {
		t.Fatalf("CreateAPIToken: %v", err)
	}
	if !strings.HasPrefix(token, "tnt_") || len(token) < 40 {
		t.Errorf("token = %q, want tnt_ and at least 40 characters", token)
	}
	if want := now.Add(APITokenTTL); !expires.Equal(want) {
		t.Errorf("expires = %v, want %v", expires, want)
	}
	other, _, err := f.db.Me(portal, user, testIP).CreateAPIToken(ctx, "ci")
	if err != nil {
		t.Fatal(err)
	}
	if other == token {
		t.Fatal("two tokens are equal")
	}
	tests := []struct {
		name        string
		tenant      *tenantry.Tenant
		token, want string
	}{
		{"IssuingTenant", acme, token, user.ID},
		{"OtherTenantErrNotFound", portal, token, ""},
		{"ResellerTokenOnVendorErrNotFound", f.tenantOf(t, "Beta Resale"), token, ""},
		{"PlatformToken", portal, other, user.ID},
		{"PlatformTokenOnResellerErrNotFound", acme, other, ""},
		{"UnknownErrNotFound", acme, "tnt_nope", ""},
		{"EmptyErrNotFound", acme, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.db.APITokenUser(ctx, tt.tenant, tt.token)
			if tt.want == "" {
				wantKind(t, err, tenantry.ENOTFOUND)
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("APITokenUser = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	t.Run("Expired", func(t *testing.T) {
		now = now.Add(APITokenTTL)
		_, err := f.db.APITokenUser(ctx, acme, token)
		wantKind(t, err, tenantry.ENOTFOUND)
	})
	t.Run("Audited", func(t *testing.T) {
		evs := auditEvents(t, f.db, "api_token.create")
		if len(evs) != 2 || evs[0].AccountID != acme.Account.ID || evs[0].ActorID != user.ID || evs[0].IP != testIP {
			t.Errorf("api_token.create events = %+v, want two, the first on Acme by its admin", evs)
		}
	})
}

func TestThrottle(t *testing.T) {
	db := newEmptyDB(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	now := t0
	db.Now = func() time.Time { return now }
	const window = 15 * time.Minute
	for _, step := range []time.Duration{0, 5 * time.Minute, 10 * time.Minute} {
		now = t0.Add(step)
		if err := db.RecordFailure(ctx, "login:email:a@example.test", "login:ip:192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.RecordFailure(ctx, "login:ip:192.0.2.2"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		at     time.Duration
		bucket string
		want   int
		// retry is when the oldest counted failure leaves the window,
		// as an offset from t0; -1 means "now" (nothing counted).
		retry time.Duration
	}{
		{"AllInWindow", 10 * time.Minute, "login:email:a@example.test", 3, 15 * time.Minute},
		{"OtherBucketSameEvents", 10 * time.Minute, "login:ip:192.0.2.1", 3, 15 * time.Minute},
		{"FirstLeft", 16 * time.Minute, "login:email:a@example.test", 2, 20 * time.Minute},
		{"ExactlyWindowOld", 15 * time.Minute, "login:email:a@example.test", 2, 20 * time.Minute},
		{"AllLeft", 26 * time.Minute, "login:email:a@example.test", 0, -1},
		{"SeparateBucket", 10 * time.Minute, "login:ip:192.0.2.2", 1, 25 * time.Minute},
		{"UnknownBucket", 10 * time.Minute, "login:email:b@example.test", 0, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = t0.Add(tt.at)
			n, retry, err := db.Failures(ctx, tt.bucket, window)
			if err != nil {
				t.Fatal(err)
			}
			wantRetry := now
			if tt.retry >= 0 {
				wantRetry = t0.Add(tt.retry)
			}
			if n != tt.want || !retry.Equal(wantRetry) {
				t.Errorf("Failures = %d, %v; want %d, %v", n, retry, tt.want, wantRetry)
			}
		})
	}
	t.Run("DeleteExpired", func(t *testing.T) {
		now = t0.Add(16 * time.Minute)
		if err := db.DeleteExpired(ctx, window); err != nil {
			t.Fatal(err)
		}
		if got, want := count(t, db, "throttle_failures"), 5; got != want {
			t.Errorf("throttle_failures = %d, want %d", got, want)
		}
	})
}

func TestSecretOrCreate(t *testing.T) {
	db := newEmptyDB(t)
	ctx := context.Background()
	calls := 0
	gen := func() string { calls++; return fmt.Sprintf("secret-%d", calls) }
	first, err := db.SecretOrCreate(ctx, "session_key", gen)
	if err != nil || first != "secret-1" {
		t.Fatalf("SecretOrCreate = %q, %v; want secret-1", first, err)
	}
	for range 3 {
		got, err := db.SecretOrCreate(ctx, "session_key", gen)
		if err != nil || got != first {
			t.Errorf("SecretOrCreate again = %q, %v; want %q", got, err, first)
		}
	}
	if calls != 1 {
		t.Errorf("gen called %d times, want 1", calls)
	}
	other, err := db.SecretOrCreate(ctx, "csrf_key", gen)
	if err != nil || other == first {
		t.Errorf("SecretOrCreate(other key) = %q, %v; want a different secret", other, err)
	}
}

func TestInitPlatform(t *testing.T) {
	ctx := context.Background()
	good := PlatformInit{Domain: "Portal.Example.com", ProviderName: "Nimbus Cloud",
		AdminEmail: " Admin@Nimbus.Example ", AdminPassword: "a-long-enough-password"}
	invalid := []struct {
		name  string
		edit  func(*PlatformInit)
		field string
	}{
		{"NoDomain", func(p *PlatformInit) { p.Domain = "" }, "platform_domain"},
		{"SingleLabelDomain", func(p *PlatformInit) { p.Domain = "localhost" }, "platform_domain"},
		{"DomainWithScheme", func(p *PlatformInit) { p.Domain = "https://portal.example.com" }, "platform_domain"},
		{"NoProviderName", func(p *PlatformInit) { p.ProviderName = "" }, "provider_name"},
		{"LongProviderName", func(p *PlatformInit) { p.ProviderName = strings.Repeat("x", 201) }, "provider_name"},
		{"NoEmail", func(p *PlatformInit) { p.AdminEmail = "" }, "admin_email"},
		{"BadEmail", func(p *PlatformInit) { p.AdminEmail = "not-an-email" }, "admin_email"},
		{"NoPassword", func(p *PlatformInit) { p.AdminPassword = "" }, "admin_password"},
		{"WeakPassword", func(p *PlatformInit) { p.AdminPassword = "short" }, "admin_password"},
		{"CommonPassword", func(p *PlatformInit) { p.AdminPassword = "password123" }, "admin_password"},
	}
	db := newEmptyDB(t)
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			tt.edit(&in)
			_, err := db.InitPlatform(ctx, in)
			wantField(t, err, tenantry.EINVALID, tt.field)
			if empty, _ := db.IsEmpty(ctx); !empty {
				t.Fatal("a refused init wrote an account")
			}
		})
	}
	t.Run("Created", func(t *testing.T) {
		p, err := db.InitPlatform(ctx, good)
		if err != nil {
			t.Fatalf("InitPlatform: %v", err)
		}
		if p.Domain != "portal.example.com" {
			t.Errorf("Domain = %q, want portal.example.com", p.Domain)
		}
		if p.Provider.Kind != tenantry.KindProvider || p.Provider.Depth != 0 || p.Provider.Path != "/"+p.Provider.ID+"/" ||
			p.Provider.ParentID != "" || p.Provider.Status != tenantry.StatusActive {
			t.Errorf("Provider = %+v, want an active root provider", p.Provider)
		}
		if p.Admin.Email != "admin@nimbus.example" || p.Admin.Name != "admin@nimbus.example" {
			t.Errorf("Admin = %q %q, want the normalised email as email and name", p.Admin.Email, p.Admin.Name)
		}
		u, err := db.UserByEmail(ctx, "ADMIN@nimbus.example")
		if err != nil || !password.Verify(u.PasswordHash, good.AdminPassword) {
			t.Errorf("admin password does not verify (%v)", err)
		}
		tn, err := db.TenantByHost(ctx, "portal.example.com")
		if err != nil || tn.Account.ID != p.Provider.ID {
			t.Fatalf("TenantByHost = %v, %v; want the provider", tn, err)
		}
		a, err := db.ActorFor(ctx, tn, u.ID)
		if err != nil || len(a.Grants) != 1 || a.Grants[0].Role != tenantry.RoleOwner {
			t.Errorf("ActorFor = %+v, %v; want one Owner grant", a, err)
		}
		if on, err := db.ResellersEnabled(ctx); err != nil || on {
			t.Errorf("ResellersEnabled = %v, %v; want false after init", on, err)
		}
		if evs := auditEvents(t, db, "platform.init"); len(evs) != 1 || evs[0].AccountID != p.Provider.ID || evs[0].ActorID != u.ID {
			t.Errorf("platform.init events = %+v, want one on the provider by its admin", evs)
		}
	})
	t.Run("RefusesNonEmpty", func(t *testing.T) {
		in := good
		in.Domain, in.AdminEmail = "other.example.com", "other@nimbus.example"
		_, err := db.InitPlatform(ctx, in)
		wantKind(t, err, tenantry.EINVALID)
		if got := count(t, db, "accounts"); got != 1 {
			t.Errorf("accounts = %d, want 1", got)
		}
	})
	t.Run("RefusesDemo", func(t *testing.T) {
		f := newDemo(t)
		before := f.snapshot(t)
		_, err := f.db.InitPlatform(ctx, good)
		wantKind(t, err, tenantry.EINVALID)
		f.assertUnchanged(t, before)
		if _, err := f.db.System("demo").LoadDemo(ctx); err == nil {
			t.Error("LoadDemo on a loaded database succeeded, want an error")
		}
	})
}

// auditRow is one audit_events row, as the tests read it.
type auditRow struct {
	ActorID, ActorEmail, AccountID, AccountPath, Action, ObjectType, ObjectID, Summary, IP string
	At                                                                                     time.Time
}

// auditEvents returns the events with this action in the order written.
func auditEvents(t *testing.T, db *DB, action string) []auditRow {
	t.Helper()
	rows, err := db.read.Query(`SELECT COALESCE(actor_user_id, ''), actor_email, COALESCE(account_id, ''), account_path,
		action, object_type, object_id, summary, ip, at FROM audit_events WHERE action = ? ORDER BY rowid`, action)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		var at int64
		if err := rows.Scan(&r.ActorID, &r.ActorEmail, &r.AccountID, &r.AccountPath, &r.Action, &r.ObjectType,
			&r.ObjectID, &r.Summary, &r.IP, &at); err != nil {
			t.Fatal(err)
		}
		r.At = fromMS(at)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// errorsEqual reports whether two domain errors say exactly the same.
func errorsEqual(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ea, eb := tenantry.AsError(a), tenantry.AsError(b)
	if ea == nil || eb == nil {
		return errors.Is(a, b) || a.Error() == b.Error()
	}
	if ea.Kind != eb.Kind || ea.Code != eb.Code || ea.Message != eb.Message || len(ea.Fields) != len(eb.Fields) {
		return false
	}
	for k, v := range ea.Fields {
		if eb.Fields[k] != v {
			return false
		}
	}
	return true
}
