package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/tenantry/tenantry/internal/jobs"
	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/password"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/web"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	addr := fs.String("addr", defaultAddr, "listen `address` (\":8080\" for every interface)")
	dbPath := dbFlag(fs)
	demo := fs.Bool("demo", false, "load demo data into an empty database")
	secure := fs.Bool("secure-cookies", false, "mark cookies Secure, name them __Host- and send HSTS (set when TLS ends at a proxy)")
	publicScheme := fs.String("public-scheme", "", "`scheme` of the links in mail: http or https (default https with --secure-cookies, else http)")
	publicPort := fs.String("public-port", "", "`port` of the links in mail (default: none over https, the listening port over http)")
	trustProxy := fs.Bool("trust-proxy", false, "take client addresses from X-Forwarded-For (behind a reverse proxy on a private network)")
	sessionKey := fs.String("session-key", "", "`hex` key (≥ 32 bytes) signing cookies; default: generated once and kept in the database")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	smtpURL := fs.String("smtp-url", "", "send mail through this SMTP `URL` (smtp://user:pass@host:587, smtps://...:465); default: keep mail, listed in the provider panel")
	if err := parse(fs, args, getenv); err != nil {
		return err
	}
	log := newLogger(*logFormat, stderr)

	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			log.Error("closing database", "error", err)
		}
	}()

	var logins []store.DemoLogin
	if *demo {
		empty, err := db.IsEmpty(ctx)
		if err != nil {
			return err
		}
		if empty {
			if logins, err = db.System("demo").LoadDemo(ctx); err != nil {
				return err
			}
		} else {
			log.Info("database is not empty: demo data not loaded", "db", *dbPath)
			logins = demoLoginsIfPresent(ctx, db)
		}
	}

	key, err := loadSessionKey(ctx, db, *sessionKey)
	if err != nil {
		return err
	}
	sender, err := newSender(db, *smtpURL, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	scheme, port, err := publicLinks(*publicScheme, *publicPort, *secure, ln.Addr().String())
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: web.New(db, web.Config{SessionKey: key, SecureCookies: *secure, TrustProxy: *trustProxy,
			PublicScheme: scheme, PublicPort: port, Logger: log}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	printBanner(stdout, ln.Addr().String(), logins)

	// background work stops, and is waited for, before the database closes
	bg, stopBG := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { sweep(bg, db, log) })
	wg.Go(func() { sender.Run(bg) })
	wg.Go(func() { newJobRunner(db, log, jobHandlers(db, log)).Run(bg) })
	defer func() {
		stopBG()
		wg.Wait()
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// jobHandlers are the kinds of background job this process runs, by kind
// (none yet: invoice runs and usage imports register theirs here).
func jobHandlers(*store.DB, *slog.Logger) jobs.Handlers {
	return jobs.Handlers{}
}

// newJobRunner returns the runner of the jobs claimed through the
// database, in the system scope named "jobs": the same runner as the mail
// sender's, on the jobs table, claiming only the kinds it has handlers for.
func newJobRunner(db *store.DB, log *slog.Logger, handlers jobs.Handlers) *jobs.Runner[jobs.Job] {
	return &jobs.Runner[jobs.Job]{Name: "jobs", Queue: db.System("jobs").Jobs(handlers.Kinds()...), Do: handlers.Do, Log: log}
}

// newSender returns the mail sender, in the system scope named "mail":
// the job runner on the outbox, delivering through SMTP when smtpURL is
// set, otherwise keeping every message for the provider panel.
func newSender(db *store.DB, smtpURL string, log *slog.Logger) (mail.Sender, error) {
	var t mail.Transport
	if smtpURL != "" {
		smtp, err := mail.NewSMTP(smtpURL)
		if err != nil {
			return nil, fmt.Errorf("%w: --smtp-url: %v", errUsage, err)
		}
		t = smtp
	}
	return mail.NewSender(db.System("mail").Outbox(), t, log), nil
}

// sweep deletes expired sessions, links and throttle records at start and
// every ten minutes, on the jobs package's poll loop.
func sweep(ctx context.Context, db *store.DB, log *slog.Logger) {
	jobs.Poll(ctx, 10*time.Minute, log, "sweeping expired rows", func(ctx context.Context) (int, error) {
		return 0, db.DeleteExpired(ctx, 24*time.Hour)
	})
}

// loadSessionKey takes the key from config, or generates one on first
// start and keeps it in the database so that restarts keep sessions.
func loadSessionKey(ctx context.Context, db *store.DB, configured string) ([]byte, error) {
	if configured == "" {
		var err error
		configured, err = db.SecretOrCreate(ctx, "session_key", func() string {
			return hex.EncodeToString([]byte(tenantry.RandomToken(32)))
		})
		if err != nil {
			return nil, err
		}
	}
	key, err := hex.DecodeString(configured)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("%w: the session key must be at least 32 bytes in hex (64 hex digits)", errUsage)
	}
	return key, nil
}

// defaultAddr is serve's listening address: loopback only, since the
// demo's passwords are public; a deployment says where to listen.
const defaultAddr = "127.0.0.1:8080"

// demoLoginsIfPresent is, on a restart of a demo, the demo logins that
// still sign in as printed: the user exists and its password is still
// the demo password. A login whose password was changed since, or that
// was removed, is not printed: the banner never shows a login that does
// not work. A database that never held the demo prints none.
func demoLoginsIfPresent(ctx context.Context, db *store.DB) []store.DemoLogin {
	if _, err := db.TenantByHost(ctx, "portal.localhost"); err != nil {
		return nil
	}
	var out []store.DemoLogin
	for _, l := range store.DemoLogins {
		u, err := db.UserByEmail(ctx, l.Email)
		if err != nil || !password.Verify(u.PasswordHash, store.DemoPassword) {
			continue
		}
		out = append(out, l)
	}
	return out
}

func printBanner(w io.Writer, addr string, logins []store.DemoLogin) {
	port := "80"
	if _, p, err := net.SplitHostPort(addr); err == nil {
		port = p
	}
	fmt.Fprintf(w, "Tenantry listening on %s\n", addr)
	if len(logins) == 0 {
		return
	}
	seen := map[string]bool{}
	fmt.Fprintln(w, "\nDemo sites:")
	for _, l := range logins {
		if !seen[l.Host] {
			seen[l.Host] = true
			fmt.Fprintf(w, "  http://%s:%s/\n", l.Host, port)
		}
	}
	fmt.Fprintf(w, "\nDemo logins (password %q):\n", store.DemoPassword)
	for _, l := range logins {
		fmt.Fprintf(w, "  %-9s  http://%s:%s/login  %s\n", l.Panel, l.Host, port, l.Email)
	}
	fmt.Fprintln(w)
}

func runInit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("init", stderr)
	dbPath := dbFlag(fs)
	domain := fs.String("platform-domain", "", "the provider's platform `domain`, e.g. portal.example.com")
	name := fs.String("provider-name", "", "the provider's company `name`")
	email := fs.String("admin-email", "", "the first admin's `email`")
	adminName := fs.String("admin-name", "", "the first admin's `name` (default: the email)")
	pwFile := fs.String("admin-password-file", "", "`file` holding the first admin's password (or set TENANTRY_ADMIN_PASSWORD)")
	if err := parse(fs, args, getenv); err != nil {
		return err
	}
	pw := getenv("TENANTRY_ADMIN_PASSWORD")
	if *pwFile != "" {
		b, err := os.ReadFile(*pwFile)
		if err != nil {
			return fmt.Errorf("reading the password file: %w", err)
		}
		pw = strings.TrimRight(string(b), "\r\n")
	}
	if pw == "" {
		return fmt.Errorf("%w: give the admin's password with --admin-password-file or TENANTRY_ADMIN_PASSWORD", errUsage)
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := db.InitPlatform(ctx, store.PlatformInit{Domain: *domain, ProviderName: *name,
		AdminEmail: *email, AdminName: *adminName, AdminPassword: pw})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "Created provider %q on %s with admin %s.\nStart the portal with: tenantry serve --db %s\n",
		p.Provider.Name, p.Domain, p.Admin.Email, *dbPath)
	return nil
}

// describe turns a domain error into a message for the terminal.
func describe(err error) error {
	e := tenantry.AsError(err)
	if e == nil {
		return err
	}
	msg := e.Message
	for field, why := range e.Fields {
		msg += fmt.Sprintf("\n  --%s: %s", strings.ReplaceAll(field, "_", "-"), why)
	}
	return errors.New(msg)
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", stderr)
	dbPath := dbFlag(fs)
	if err := parse(fs, args, getenv); err != nil {
		return err
	}
	db, err := store.Open(ctx, *dbPath) // Open applies pending migrations
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "%s is up to date.\n", *dbPath)
	return nil
}

func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", stderr)
	dbPath := dbFlag(fs)
	to := fs.String("to", "", "backup `file` to write (must not exist)")
	if err := parse(fs, args, getenv); err != nil {
		return err
	}
	if *to == "" {
		return fmt.Errorf("%w: --to is required", errUsage)
	}
	if _, err := os.Stat(*to); err == nil {
		return fmt.Errorf("%s already exists; choose a new file", *to)
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("no database at %s", *dbPath)
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *to); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s.\n", *dbPath, *to)
	return nil
}
