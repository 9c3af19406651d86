package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/web"
)

// templateDB is a database with the demo platform, built once; every test
// gets its own copy, so tests are independent and argon2 runs only once
// per demo user.
var templateDB string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tenantry-web-test")
	if err != nil {
		panic(err)
	}
	templateDB = filepath.Join(dir, "template.db")
	ctx := context.Background()
	db, err := store.Open(ctx, templateDB)
	if err != nil {
		panic(err)
	}
	if _, err := db.System("demo").LoadDemo(ctx); err != nil {
		panic(err)
	}
	if err := db.Close(); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fixture is a portal on a private copy of the demo database, which holds
// several tenants: the platform (portal.localhost) and the resellers Acme
// (acme.localhost, with Beta on beta.localhost) and Orbit (orbit.localhost).
type fixture struct {
	t   *testing.T
	db  *store.DB
	srv *web.Server
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, nil)
}

// newFixtureWith is newFixture with a server configured by cfg.
func newFixtureWith(t *testing.T, cfg func(*web.Config)) *fixture {
	t.Helper()
	b, err := os.ReadFile(templateDB)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "t.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := web.Config{SessionKey: []byte(strings.Repeat("k", 32)),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if cfg != nil {
		cfg(&c)
	}
	srv := web.New(db, c)
	return &fixture{t: t, db: db, srv: srv}
}

// scope returns a store scope for a user on a host, for checking what a
// request changed.
func (f *fixture) scope(host, email string) *store.Scope {
	f.t.Helper()
	ctx := context.Background()
	tn, err := f.db.TenantByHost(ctx, host)
	if err != nil {
		f.t.Fatal(err)
	}
	u, err := f.db.UserByEmail(ctx, email)
	if err != nil {
		f.t.Fatal(err)
	}
	a, err := f.db.ActorFor(ctx, tn, u.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.db.Scope(tn, a, "127.0.0.1")
}

// accountID finds a demo account's id by name, as the provider sees it.
func (f *fixture) accountID(name string) string {
	f.t.Helper()
	page, err := f.scope("portal.localhost", "admin@nimbus.example").Accounts(context.Background(),
		store.AccountFilter{Q: name, Limit: 10})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, a := range page.Items {
		if a.Name == name {
			return a.ID
		}
	}
	f.t.Fatalf("no account named %q", name)
	return ""
}

// browser is a minimal user agent: it keeps cookies per host (as host-only
// cookies are kept) and sends requests straight to the handler.
type browser struct {
	f       *fixture
	host    string
	ip      string
	cookies map[string]map[string]*http.Cookie
}

func (f *fixture) browser(host string) *browser {
	return &browser{f: f, host: host, ip: "192.0.2.10", cookies: map[string]map[string]*http.Cookie{}}
}

type response struct {
	*httptest.ResponseRecorder
	body string
}

func (r *response) location() string { return r.Header().Get("Location") }

// do sends a request on the browser's current host.
func (b *browser) do(req *http.Request) *response {
	b.f.t.Helper()
	req.Host = b.host
	req.RemoteAddr = b.ip + ":5555"
	for _, c := range b.cookies[hostOnly(b.host)] {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.f.srv.ServeHTTP(rec, req)
	jar := b.cookies[hostOnly(b.host)]
	if jar == nil {
		jar = map[string]*http.Cookie{}
		b.cookies[hostOnly(b.host)] = jar
	}
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(jar, c.Name)
		} else {
			jar[c.Name] = c
		}
	}
	return &response{ResponseRecorder: rec, body: rec.Body.String()}
}

func hostOnly(h string) string { return tenantry.NormalizeHost(h) }

func (b *browser) get(path string) *response {
	return b.do(httptest.NewRequest(http.MethodGet, path, nil))
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf fetches a page and returns the CSRF token of its forms.
func (b *browser) csrf(path string) string {
	b.f.t.Helper()
	r := b.get(path)
	m := csrfInput.FindStringSubmatch(r.body)
	if m == nil {
		b.f.t.Fatalf("GET %s on %s: no CSRF token in the page (status %d)", path, b.host, r.Code)
	}
	return m[1]
}

// post submits a form as is, without adding a CSRF token.
func (b *browser) post(path string, form url.Values) *response {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// submit posts a form the way a user would: with the token of the page
// the form is on.
func (b *browser) submit(page, action string, form url.Values) *response {
	b.f.t.Helper()
	form.Set("_csrf", b.csrf(page))
	return b.post(action, form)
}

// login signs in and fails the test unless it redirects.
func (b *browser) login(email string) {
	b.f.t.Helper()
	r := b.submit("/login", "/login", url.Values{"email": {email}, "password": {store.DemoPassword}})
	if r.Code != http.StatusSeeOther {
		b.f.t.Fatalf("login %s on %s: status %d, want 303; body: %s", email, b.host, r.Code, excerpt(r.body))
	}
}

// api sends a JSON request with an optional bearer token.
func (b *browser) api(method, path, token string, body any) *response {
	b.f.t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	default:
		j, err := json.Marshal(v)
		if err != nil {
			b.f.t.Fatal(err)
		}
		rd = strings.NewReader(string(j))
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return b.do(req)
}

// token gets an API token for a demo user on the browser's host.
func (b *browser) token(email string) string {
	b.f.t.Helper()
	r := b.api(http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": email, "password": store.DemoPassword})
	if r.Code != http.StatusCreated {
		b.f.t.Fatalf("token for %s on %s: status %d: %s", email, b.host, r.Code, r.body)
	}
	var out struct{ Token string }
	decode(b.f.t, r, &out)
	return out.Token
}

func decode(t *testing.T, r *response, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decoding %q: %v", excerpt(r.body), err)
	}
}

// apiErr is the API's error body.
type apiErr struct {
	Error struct {
		Code    string
		Message string
		Fields  map[string]string
	}
}

func excerpt(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

var testidText = regexp.MustCompile(`data-testid="([^"]+)"[^>]*>([^<]*)<`)

// byTestID returns the text directly inside the element with that
// data-testid, and whether there is one.
func byTestID(body, id string) (string, bool) {
	for _, m := range testidText.FindAllStringSubmatch(body, -1) {
		if m[1] == id {
			return strings.TrimSpace(m[2]), true
		}
	}
	return "", false
}
