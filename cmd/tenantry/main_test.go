package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, for counting rows behind the store's back

	"github.com/tenantry/tenantry/internal/jobs"
	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/password"
	"github.com/tenantry/tenantry/store"
)

// syncBuffer is a bytes.Buffer that the program and the test may use from
// different goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is a getenv for run: only the variables given, never the developer's
// own TENANTRY_* settings.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// testServer is a running `tenantry serve`.
type testServer struct {
	port   string
	stdout *syncBuffer
	stderr *syncBuffer
}

// startServer runs `tenantry serve --addr 127.0.0.1:0 --db <temp>/t.db
// --demo` plus extraArgs (a later flag wins, so "--db", path reuses a
// database) the way main does, waits for its banner and returns the port.
// Cleanup stops it as SIGINT would and fails the test unless run returns
// nil: shutdown must be graceful and the database must close cleanly.
func startServer(t *testing.T, extraArgs ...string) string {
	t.Helper()
	return startTestServer(t, extraArgs...).port
}

func startTestServer(t *testing.T, extraArgs ...string) *testServer {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "t.db"), "--demo"}, extraArgs...)
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{stdout: &syncBuffer{}, stderr: &syncBuffer{}}

	pr, pw := io.Pipe()
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			s.stdout.Write([]byte(line + "\n"))
			if addr, ok := strings.CutPrefix(line, "Tenantry listening on "); ok {
				select {
				case addrc <- addr:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, pr) // never block the program's writes
	}()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, env(), strings.NewReader(""), pw, s.stderr)
		pw.Close()
		done <- err
	}()

	stopped := false
	t.Cleanup(func() {
		if stopped {
			return
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v after its context was cancelled, want nil", err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("serve did not return within 15s of its context being cancelled")
		}
		if t.Failed() {
			t.Logf("serve's stderr:\n%s", s.stderr.String())
		}
	})

	select {
	case addr := <-addrc:
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatalf("banner address %q: %v", addr, err)
		}
		if want := "127.0.0.1:"; !strings.HasPrefix(addr, want) {
			t.Fatalf("listening on %q, want %s<port>", addr, want)
		}
		s.port = port
		return s
	case err := <-done:
		stopped = true
		cancel()
		t.Fatalf("serve returned before listening: %v\nstderr:\n%s", err, s.stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("no %q line on stdout within 20s\nstdout:\n%s\nstderr:\n%s",
			"Tenantry listening on", s.stdout.String(), s.stderr.String())
	}
	return nil
}

// waitStdout reports whether the server's stdout shows want within a
// second: the banner's later lines may still be on their way through the pipe.
func (s *testServer) waitStdout(want string) bool {
	for deadline := time.Now().Add(time.Second); ; time.Sleep(10 * time.Millisecond) {
		if strings.Contains(s.stdout.String(), want) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// get requests path from the server on 127.0.0.1:port with the Host header
// set to host:port, as a browser would send it for http://host:port/path.
// It returns the response (body already read and closed) and the body.
func get(t *testing.T, port, host, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host + ":" + port
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatalf("GET http://%s%s: %v", req.Host, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET http://%s%s: reading the body: %v", req.Host, path, err)
	}
	return resp, string(b)
}

// countedTables are the tables whose row counts tell two databases apart.
var countedTables = []string{"accounts", "users", "memberships", "domains"}

// countRows counts the rows of countedTables in the database file at path
// through a plain read-only connection, not through the store.
func countRows(t *testing.T, path string) map[string]int {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	counts := map[string]int{}
	for _, table := range countedTables {
		var n int
		// table names come from the constant list above, not from input
		if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatalf("counting %s in %s: %v", table, path, err)
		}
		counts[table] = n
	}
	return counts
}

func sameCounts(t *testing.T, got, want map[string]int) {
	t.Helper()
	for _, table := range countedTables {
		if got[table] != want[table] {
			t.Errorf("%s: got %d rows, want %d", table, got[table], want[table])
		}
	}
}

// runCmd runs one short-lived command and returns its output.
func runCmd(t *testing.T, getenv func(string) string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	err = run(ctx, args, getenv, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestServe(t *testing.T) {
	port := startServer(t)

	t.Run("Healthz", func(t *testing.T) {
		resp, body := get(t, port, "127.0.0.1", "/healthz")
		if resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != "ok" {
			t.Errorf("GET /healthz: got %d %q, want 200 %q", resp.StatusCode, body, "ok")
		}
	})

	t.Run("HomeRedirectsToLogin", func(t *testing.T) {
		resp, _ := get(t, port, "acme.localhost", "/")
		if resp.StatusCode < 300 || resp.StatusCode > 399 {
			t.Fatalf("GET / on acme.localhost: got status %d, want a redirect", resp.StatusCode)
		}
		if got, want := resp.Header.Get("Location"), "/login"; got != want {
			t.Errorf("GET / on acme.localhost: Location %q, want %q", got, want)
		}
	})

	t.Run("LoginPageIsBranded", func(t *testing.T) {
		resp, body := get(t, port, "acme.localhost", "/login")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /login on acme.localhost: got status %d, want 200", resp.StatusCode)
		}
		if !strings.Contains(body, "Acme Hosting") {
			t.Errorf("login page on acme.localhost does not name %q", "Acme Hosting")
		}
		if strings.Contains(body, "Nimbus") {
			t.Errorf("login page on acme.localhost names the provider %q:\n%s", "Nimbus", body)
		}
	})

	t.Run("UnknownHost", func(t *testing.T) {
		for _, path := range []string{"/", "/login"} {
			resp, body := get(t, port, "nowhere.localhost", path)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s on nowhere.localhost: got status %d, want 404", path, resp.StatusCode)
			}
			for _, name := range []string{"Nimbus", "Acme"} {
				if strings.Contains(body, name) {
					t.Errorf("GET %s on nowhere.localhost names %q:\n%s", path, name, body)
				}
			}
		}
	})
}

// TestServeDemoTwice restarts the portal with --demo on the database the
// first start filled: the second start must keep the data as it is.
func TestServeDemoTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	var first map[string]int
	t.Run("FirstStart", func(t *testing.T) {
		s := startTestServer(t, "--db", path)
		if !s.waitStdout("admin@acme.example") {
			t.Errorf("first start printed no demo logins:\n%s", s.stdout.String())
		}
		first = countRows(t, path)
		if first["accounts"] == 0 {
			t.Fatalf("demo data not loaded: %v", first)
		}
	})
	t.Run("SecondStart", func(t *testing.T) {
		s := startTestServer(t, "--db", path)
		if resp, _ := get(t, s.port, "acme.localhost", "/login"); resp.StatusCode != http.StatusOK {
			t.Errorf("GET /login on acme.localhost after a restart: got status %d, want 200", resp.StatusCode)
		}
		if !s.waitStdout("admin@acme.example") {
			t.Errorf("second start does not print the demo logins that are in the database:\n%s", s.stdout.String())
		}
		if !strings.Contains(s.stderr.String(), "demo data not loaded") {
			t.Errorf("second start does not log that it left the database alone:\n%s", s.stderr.String())
		}
		sameCounts(t, countRows(t, path), first)
	})
}

func TestVersion(t *testing.T) {
	stdout, _, err := runCmd(t, env(), "version")
	if err != nil {
		t.Fatalf("version: %v", err)
	}
	if !strings.HasPrefix(stdout, "tenantry ") {
		t.Errorf("version printed %q, want it to start with %q", stdout, "tenantry ")
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{name: "NoCommand", args: nil, wantStderr: "Usage:"},
		{name: "UnknownCommand", args: []string{"frobnicate"}, wantStderr: `unknown command "frobnicate"`},
		{name: "UnknownFlag", args: []string{"serve", "--no-such-flag"}, wantStderr: "no-such-flag"},
		// main prints this error itself, then exits with status 2
		{name: "ExtraArgument", args: []string{"migrate", "extra"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := runCmd(t, env(), tc.args...)
			if !errors.Is(err, errUsage) {
				t.Errorf("run(%q): got %v, want errUsage", tc.args, err)
			}
			if !strings.Contains(stderr, tc.wantStderr) {
				t.Errorf("run(%q): stderr does not contain %q:\n%s", tc.args, tc.wantStderr, stderr)
			}
		})
	}
}

func TestInit(t *testing.T) {
	const goodPassword = "correct-horse-battery"
	initArgs := func(db string, extra ...string) []string {
		return append([]string{"init", "--db", db, "--platform-domain", "portal.example.com",
			"--provider-name", "Example Cloud", "--admin-email", "ops@example.com"}, extra...)
	}
	platformOnly := map[string]int{"accounts": 1, "users": 1, "memberships": 1, "domains": 1}
	empty := map[string]int{"accounts": 0, "users": 0, "memberships": 0, "domains": 0}

	t.Run("PasswordFromEnv", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "t.db")
		getenv := env("TENANTRY_ADMIN_PASSWORD", goodPassword)
		stdout, _, err := runCmd(t, getenv, initArgs(db)...)
		if err != nil {
			t.Fatalf("init: %v", err)
		}
		for _, want := range []string{`"Example Cloud"`, "portal.example.com", "ops@example.com"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("init's output does not contain %s:\n%s", want, stdout)
			}
		}
		sameCounts(t, countRows(t, db), platformOnly)

		t.Run("SecondInitRefused", func(t *testing.T) {
			_, _, err := runCmd(t, getenv, initArgs(db)...)
			if err == nil {
				t.Fatal("a second init on the same database succeeded")
			}
			if !strings.Contains(err.Error(), "already holds a platform") {
				t.Errorf("second init: got %q, want a message that the database already holds a platform", err)
			}
			sameCounts(t, countRows(t, db), platformOnly)
		})
	})

	t.Run("PasswordFile", func(t *testing.T) {
		dir := t.TempDir()
		db, pwFile := filepath.Join(dir, "t.db"), filepath.Join(dir, "pw")
		if err := os.WriteFile(pwFile, []byte(goodPassword+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := runCmd(t, env(), initArgs(db, "--admin-password-file", pwFile)...); err != nil {
			t.Fatalf("init --admin-password-file: %v", err)
		}
		sameCounts(t, countRows(t, db), platformOnly)
	})

	t.Run("FlagsFromEnv", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "t.db")
		getenv := env(
			"TENANTRY_ADMIN_PASSWORD", goodPassword,
			"TENANTRY_DB", db,
			"TENANTRY_PLATFORM_DOMAIN", "panel.example.net",
			"TENANTRY_PROVIDER_NAME", "Env Cloud",
			"TENANTRY_ADMIN_EMAIL", "env@example.net",
		)
		stdout, _, err := runCmd(t, getenv, "init")
		if err != nil {
			t.Fatalf("init configured by environment: %v", err)
		}
		for _, want := range []string{`"Env Cloud"`, "panel.example.net", "env@example.net", db} {
			if !strings.Contains(stdout, want) {
				t.Errorf("init's output does not contain %s:\n%s", want, stdout)
			}
		}
		sameCounts(t, countRows(t, db), platformOnly)
	})

	t.Run("FlagWinsOverEnv", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "t.db")
		getenv := env("TENANTRY_ADMIN_PASSWORD", goodPassword, "TENANTRY_PLATFORM_DOMAIN", "not a domain")
		stdout, _, err := runCmd(t, getenv, initArgs(db)...)
		if err != nil {
			t.Fatalf("init with --platform-domain and a bad TENANTRY_PLATFORM_DOMAIN: %v", err)
		}
		if !strings.Contains(stdout, "portal.example.com") {
			t.Errorf("the flag did not win over the environment:\n%s", stdout)
		}
	})

	for _, tc := range []struct {
		name     string
		getenv   func(string) string
		extra    []string
		wantFlag string // the flag the message points at
		usage    bool
	}{
		{name: "WeakPassword", getenv: env("TENANTRY_ADMIN_PASSWORD", "short"), wantFlag: "--admin-password"},
		{name: "CommonPassword", getenv: env("TENANTRY_ADMIN_PASSWORD", "password123"), wantFlag: "--admin-password"},
		{name: "BadDomain", getenv: env("TENANTRY_ADMIN_PASSWORD", goodPassword),
			extra: []string{"--platform-domain", "https://portal.example.com/"}, wantFlag: "--platform-domain"},
		{name: "BadEmail", getenv: env("TENANTRY_ADMIN_PASSWORD", goodPassword),
			extra: []string{"--admin-email", "not-an-email"}, wantFlag: "--admin-email"},
		{name: "NoPassword", getenv: env(), wantFlag: "--admin-password-file", usage: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "t.db")
			_, _, err := runCmd(t, tc.getenv, initArgs(db, tc.extra...)...)
			if err == nil {
				t.Fatal("init succeeded")
			}
			if !strings.Contains(err.Error(), tc.wantFlag) {
				t.Errorf("got %q, want a message naming %s", err, tc.wantFlag)
			}
			if got := errors.Is(err, errUsage); got != tc.usage {
				t.Errorf("errors.Is(err, errUsage) = %v, want %v", got, tc.usage)
			}
			if _, statErr := os.Stat(db); statErr == nil {
				sameCounts(t, countRows(t, db), empty)
			}
		})
	}
}

func TestMigrate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fresh.db")
	stdout, _, err := runCmd(t, env(), "migrate", "--db", db)
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if !strings.Contains(stdout, "up to date") {
		t.Errorf("migrate printed %q, want it to say the database is up to date", stdout)
	}
	sameCounts(t, countRows(t, db), map[string]int{})

	// a second run finds nothing to do
	if _, _, err := runCmd(t, env(), "migrate", "--db", db); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
}

// TestBackup backs up the demo database while the portal serves it.
func TestBackup(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "live.db"), filepath.Join(dir, "backup.db")
	startServer(t, "--db", src)

	stdout, _, err := runCmd(t, env(), "backup", "--db", src, "--to", dst)
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if !strings.Contains(stdout, dst) {
		t.Errorf("backup's output does not name the target:\n%s", stdout)
	}
	want := countRows(t, src)
	if want["accounts"] == 0 {
		t.Fatalf("the source holds no demo data: %v", want)
	}
	sameCounts(t, countRows(t, dst), want)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := store.Open(ctx, dst)
	if err != nil {
		t.Fatalf("store.Open(backup): %v", err)
	}
	if empty, err := db.IsEmpty(ctx); err != nil || empty {
		t.Errorf("backup IsEmpty: got %v, %v; want false, nil", empty, err)
	}
	if _, err := db.TenantByHost(ctx, "acme.localhost"); err != nil {
		t.Errorf("backup: TenantByHost(acme.localhost): %v", err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("closing the backup: %v", err)
	}

	t.Run("ExistingTargetRefused", func(t *testing.T) {
		before, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = runCmd(t, env(), "backup", "--db", src, "--to", dst)
		if err == nil {
			t.Fatal("backup over an existing file succeeded")
		}
		if !strings.Contains(err.Error(), "already exists") {
			t.Errorf("got %q, want a message that the target already exists", err)
		}
		after, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Error("the refused backup changed the existing file")
		}
	})

	t.Run("MissingSource", func(t *testing.T) {
		missing := filepath.Join(dir, "missing.db")
		_, _, err := runCmd(t, env(), "backup", "--db", missing, "--to", filepath.Join(dir, "b2.db"))
		if err == nil {
			t.Fatal("backup of a missing database succeeded")
		}
		if _, statErr := os.Stat(missing); statErr == nil {
			t.Error("backup created the database it was asked to copy")
		}
	})

	t.Run("NoTarget", func(t *testing.T) {
		if _, _, err := runCmd(t, env(), "backup", "--db", src); !errors.Is(err, errUsage) {
			t.Errorf("backup without --to: got %v, want errUsage", err)
		}
	})
}

// The runner serve starts claims jobs through the system scope and runs
// each by its kind's handler; jobs of a kind it has no handler for wait.
func TestJobRunner(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "jobs.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sys := db.System("billing")
	for _, kind := range []string{"invoice.run", "usage.import"} {
		if _, err := sys.Enqueue(ctx, kind, []byte("2026-04"), time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	r := newJobRunner(db, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Handlers{
		"invoice.run": func(_ context.Context, payload []byte) error {
			got = append(got, string(payload))
			return nil
		}})
	if n, err := r.Drain(ctx); err != nil || n != 1 || len(got) != 1 || got[0] != "2026-04" {
		t.Fatalf("Drain = %d, %v, ran %q; want the one invoice run", n, err, got)
	}
}

// serve's mail sender is the job runner on the outbox when an SMTP URL is
// set, and keeps mail for the provider panel when none is; a bad URL is a
// usage error.
func TestMailSender(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "mail.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := newSender(db, "http://mail.example", quiet); !errors.Is(err, errUsage) {
		t.Errorf("a bad SMTP URL: got %v, want errUsage", err)
	}
	s, err := newSender(db, "smtp://127.0.0.1:1025", quiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*jobs.Runner[mail.Message]); !ok {
		t.Errorf("the sender with SMTP is a %T, want the job runner", s)
	}
	if _, err := db.System("demo").LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	s, err = newSender(db, "", quiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*jobs.Runner[mail.Message]); ok {
		t.Error("the sender without SMTP claims mail to send")
	}
	if n, err := s.Drain(ctx); err != nil || n != 0 {
		t.Errorf("Drain of an outbox with nothing due = %d, %v", n, err)
	}
}

// TestServeDefaultAddr: serve listens on loopback unless told otherwise,
// since the demo's passwords are public.
func TestServeDefaultAddr(t *testing.T) {
	_, stderr, _ := runCmd(t, env(), "serve", "--help")
	if !strings.Contains(stderr, `(default "127.0.0.1:8080")`) {
		t.Errorf("serve --help does not give 127.0.0.1:8080 as --addr's default:\n%s", stderr)
	}
	if stdout, _, _ := runCmd(t, env(), "help"); !strings.Contains(stdout, "--addr 127.0.0.1:8080") {
		t.Errorf("the usage does not give 127.0.0.1:8080:\n%s", stdout)
	}
}

// TestServeDemoLoginsOnlyWhenTheyWork: the banner lists a demo login when
// this start loaded the demo, or on a restart while that login's password
// is still the demo's; a login whose password was changed is left out, and
// a database that never held the demo prints no demo logins at all.
func TestServeDemoLoginsOnlyWhenTheyWork(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	t.Run("Loaded", func(t *testing.T) {
		s := startTestServer(t, "--db", path)
		if !s.waitStdout("admin@acme.example") || !s.waitStdout("owner@bluebakery.example") {
			t.Errorf("the start that loaded the demo printed no logins:\n%s", s.stdout.String())
		}
	})
	// Acme's admin changes its password between two runs
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE users SET password_hash = ? WHERE email = ?`,
		password.Hash("a-password-of-its-own"), "admin@acme.example"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	t.Run("Restart", func(t *testing.T) {
		s := startTestServer(t, "--db", path)
		if !s.waitStdout("owner@bluebakery.example") {
			t.Errorf("restart does not print the logins that still work:\n%s", s.stdout.String())
		}
		if strings.Contains(s.stdout.String(), "admin@acme.example") {
			t.Errorf("restart prints a demo login whose password was changed:\n%s", s.stdout.String())
		}
	})
	t.Run("NotDemo", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "other.db")
		if _, stderr, err := runCmd(t, env("TENANTRY_ADMIN_PASSWORD", "correct-horse-battery"), "init", "--db", other,
			"--platform-domain", "portal.example.com", "--provider-name", "Example Cloud", "--admin-email", "ops@example.com"); err != nil {
			t.Fatalf("init: %v\n%s", err, stderr)
		}
		s := startTestServer(t, "--db", other)
		if s.waitStdout("Demo logins") {
			t.Errorf("a database without the demo prints demo logins:\n%s", s.stdout.String())
		}
	})
}
