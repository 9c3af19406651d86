package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/static"
	"github.com/tenantry/tenantry/web"
)

// headCase is one address asked with GET and then HEAD.
type headCase struct {
	name, host, login, path, token string
}

func (b *browser) request(method, path, token string, hdr ...string) *response {
	req := httptest.NewRequest(method, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return b.do(req)
}

// TestHeadAnswersLikeGet: HEAD gets GET's status and headers and no body,
// on a page signed in and signed out, /healthz, a static asset, the brand
// stylesheet, a 404 page and an API GET, on two tenants.
func TestHeadAnswersLikeGet(t *testing.T) {
	f := newFixture(t)
	var cases []headCase
	for _, tn := range []struct{ host, email, panel string }{
		{"acme.localhost", "admin@acme.example", "/reseller"},
		{"orbit.localhost", "admin@orbit.example", "/reseller"},
	} {
		token := f.browser(tn.host).token(tn.email)
		cases = append(cases,
			headCase{"LoginPage", tn.host, "", "/login", ""},
			headCase{"Healthz", tn.host, "", "/healthz", ""},
			headCase{"StaticAsset", tn.host, "", static.URL("css/app.css"), ""},
			headCase{"BrandCSS", tn.host, "", "/brand.css", ""},
			headCase{"NotFoundPage", tn.host, "", "/no-such-page", ""},
			headCase{"PanelSignedOut", tn.host, "", tn.panel, ""},
			headCase{"PanelSignedIn", tn.host, tn.email, tn.panel + "/accounts", ""},
			headCase{"NotFoundSignedIn", tn.host, tn.email, tn.panel + "/no-such-page", ""},
			headCase{"APIGet", tn.host, "", "/api/v1/accounts", token},
			headCase{"APINotFound", tn.host, "", "/api/v1/no-such-thing", token},
		)
	}
	for _, tc := range cases {
		t.Run(tc.host+"/"+tc.name, func(t *testing.T) {
			b := f.browser(tc.host)
			if tc.login != "" {
				b.login(tc.login)
			}
			get := b.request(http.MethodGet, tc.path, tc.token)
			head := b.request(http.MethodHead, tc.path, tc.token)
			if head.Code != get.Code {
				t.Errorf("HEAD %s = %d, GET = %d", tc.path, head.Code, get.Code)
			}
			if head.Code == http.StatusNotFound && tc.name != "NotFoundPage" && tc.name != "NotFoundSignedIn" && tc.name != "APINotFound" {
				t.Errorf("HEAD %s = 404", tc.path)
			}
			if head.body != "" {
				t.Errorf("HEAD %s has a body of %d bytes", tc.path, len(head.body))
			}
			for _, k := range []string{"Content-Type", "Cache-Control", "Location", "Content-Security-Policy", "Vary", "ETag"} {
				if g, h := get.Header().Get(k), head.Header().Get(k); g != h {
					t.Errorf("HEAD %s: %s = %q, GET's %q", tc.path, k, h, g)
				}
			}
			if got, want := head.Header().Get("Content-Length"), strconv.Itoa(len(get.body)); got != want {
				t.Errorf("HEAD %s: Content-Length %s, want GET's body length %s", tc.path, got, want)
			}
		})
	}
}

// TestHeadOverHTTP: through a real server too (which, for HEAD, would drop
// a body anyway), HEAD /healthz is 200 with GET's length, and the request
// log says HEAD.
func TestHeadOverHTTP(t *testing.T) {
	logged := &lockedBuffer{}
	f := newFixtureWith(t, func(c *web.Config) { c.Logger = slog.New(slog.NewTextHandler(logged, nil)) })
	ts := httptest.NewServer(f.srv)
	defer ts.Close()
	req, _ := http.NewRequest(http.MethodHead, ts.URL+"/healthz", nil)
	req.Host = "acme.localhost"
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.ContentLength != int64(len("ok\n")) {
		t.Errorf("HEAD /healthz = %d, length %d; want 200, length 3", res.StatusCode, res.ContentLength)
	}
	if !strings.Contains(logged.String(), "method=HEAD") || !strings.Contains(logged.String(), "path=/healthz") {
		t.Errorf("the request log does not show HEAD /healthz:\n%s", logged.String())
	}
}

// lockedBuffer is a log written by the server's goroutines and read by
// the test's.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func gunzip(t *testing.T, body string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGzip: pages, stylesheets, scripts and API answers are gzipped for a
// client that accepts it and decompress to what an identity client gets;
// without Accept-Encoding nothing is; every answer says Vary:
// Accept-Encoding. Uploaded images are never compressed.
func TestGzip(t *testing.T) {
	f := newFixture(t)
	for _, host := range []string{"acme.localhost", "orbit.localhost"} {
		b := f.browser(host)
		email := map[string]string{"acme.localhost": "admin@acme.example", "orbit.localhost": "admin@orbit.example"}[host]
		token := b.token(email)
		b.login(email)
		for _, path := range []string{"/reseller/audit", static.URL("css/app.css"), static.URL("js/app.js"), "/api/v1/accounts"} {
			tok := ""
			if strings.HasPrefix(path, "/api/") {
				tok = token
			}
			plain := b.request(http.MethodGet, path, tok)
			zipped := b.request(http.MethodGet, path, tok, "Accept-Encoding", "gzip, deflate, br")
			if plain.Code != http.StatusOK || zipped.Code != http.StatusOK {
				t.Fatalf("%s %s: %d and %d, want 200", host, path, plain.Code, zipped.Code)
			}
			if got := plain.Header().Get("Content-Encoding"); got != "" {
				t.Errorf("%s %s without Accept-Encoding: Content-Encoding %q", host, path, got)
			}
			if len(plain.body) < 1024 {
				// below the threshold: sent as is
				if got := zipped.Header().Get("Content-Encoding"); got != "" || zipped.body != plain.body {
					t.Errorf("%s %s of %d bytes: Content-Encoding %q, want none", host, path, len(plain.body), got)
				}
				continue
			}
			if got := zipped.Header().Get("Content-Encoding"); got != "gzip" {
				t.Errorf("%s %s with Accept-Encoding gzip: Content-Encoding %q, want gzip", host, path, got)
				continue
			}
			for _, r := range []*response{plain, zipped} {
				if !strings.Contains(r.Header().Get("Vary"), "Accept-Encoding") {
					t.Errorf("%s %s: Vary %q lacks Accept-Encoding", host, path, r.Header().Get("Vary"))
				}
			}
			if len(zipped.body) >= len(plain.body) {
				t.Errorf("%s %s: gzipped %d bytes, plain %d", host, path, len(zipped.body), len(plain.body))
			}
			got := gunzip(t, zipped.body)
			if strings.HasPrefix(path, "/static/") || strings.HasPrefix(path, "/api/") {
				if got != plain.body {
					t.Errorf("%s %s: gunzipped body differs from the plain one", host, path)
				}
			} else if !strings.Contains(got, `data-testid="nav"`) || !strings.HasSuffix(strings.TrimSpace(got), "</html>") {
				t.Errorf("%s %s: gunzipped page is not the whole page: %s", host, path, excerpt(got))
			}
		}
		// a short answer is not worth compressing
		if r := b.request(http.MethodGet, "/healthz", "", "Accept-Encoding", "gzip"); r.Header().Get("Content-Encoding") != "" || r.body != "ok\n" {
			t.Errorf("%s /healthz with gzip: Content-Encoding %q, body %q", host, r.Header().Get("Content-Encoding"), r.body)
		}
	}
}

// TestGzipSkipsImages: an uploaded PNG favicon and logo go out as they
// are, whatever the client accepts.
func TestGzipSkipsImages(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	img := pngImage(t, 64, 64, true) // noisy: 12 KB, above the threshold
	r := b.submitMultipart("/reseller/branding", "/reseller/branding", brandingFields("", "", "", "", ""),
		upload{"logo", "logo.png", "image/png", img}, upload{"favicon", "fav.png", "image/png", img})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("uploading: status %d, want 303; body: %s", r.Code, excerpt(r.body))
	}
	for _, path := range []string{"/brand/logo", "/brand/favicon", "/favicon.ico", "/reseller/branding/logo", "/reseller/branding/favicon"} {
		r := b.request(http.MethodGet, path, "", "Accept-Encoding", "gzip")
		if r.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, r.Code)
			continue
		}
		if r.Header().Get("Content-Encoding") != "" || !bytes.Equal([]byte(r.body), img) {
			t.Errorf("GET %s: Content-Encoding %q, body %d bytes (want the %d-byte upload as is)", path,
				r.Header().Get("Content-Encoding"), len(r.body), len(img))
		}
	}
}

// TestNoStoreSignedIn: every answer to a signed-in user is no-store (a
// page, an error page, an API call with a token); a signed-out page, a
// static asset and the brand stylesheet keep their own cache headers.
func TestNoStoreSignedIn(t *testing.T) {
	f := newFixture(t)
	for _, tn := range []struct{ host, email string }{{"acme.localhost", "admin@acme.example"}, {"orbit.localhost", "admin@orbit.example"}} {
		b := f.browser(tn.host)
		token := b.token(tn.email)
		anon := f.browser(tn.host)
		if got := anon.get("/login").Header().Get("Cache-Control"); got == "no-store" {
			t.Errorf("%s: signed-out /login is no-store", tn.host)
		}
		b.login(tn.email)
		for _, path := range []string{"/reseller", "/reseller/accounts", "/reseller/no-such-page", "/profile"} {
			if got := b.get(path).Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("%s %s signed in: Cache-Control %q, want no-store", tn.host, path, got)
			}
		}
		if got := b.api(http.MethodGet, "/api/v1/me", token, nil).Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s API with a caller: Cache-Control %q, want no-store", tn.host, got)
		}
		for path, want := range map[string]string{
			static.URL("css/app.css"): "public, max-age=31536000, immutable",
			"/brand.css":              "no-cache",
		} {
			if got := b.get(path).Header().Get("Cache-Control"); got != want {
				t.Errorf("%s %s signed in: Cache-Control %q, want %q", tn.host, path, got, want)
			}
		}
	}
}

// TestCSVExportCompressed: the streamed audit export still arrives whole,
// gzipped or not.
func TestCSVExportCompressed(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	plain := b.get("/reseller/audit/export")
	zipped := b.request(http.MethodGet, "/reseller/audit/export", "", "Accept-Encoding", "gzip")
	if plain.Code != http.StatusOK || zipped.Code != http.StatusOK {
		t.Fatalf("export: %d and %d, want 200", plain.Code, zipped.Code)
	}
	body := zipped.body
	if zipped.Header().Get("Content-Encoding") == "gzip" {
		body = gunzip(t, body)
	}
	if plain.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("export Cache-Control %q, want no-store", plain.Header().Get("Cache-Control"))
	}
	for _, s := range []string{plain.body, body} {
		rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("export: %d rows, %v", len(rows), err)
		}
	}
	if body != plain.body {
		t.Errorf("gunzipped export differs from the plain one")
	}
}

var iconLink = regexp.MustCompile(`<link rel="icon" type="([^"]+)" href="([^"]+)"`)

// TestDefaultFavicon: a tenant without an uploaded favicon gets its brand
// name's initial on its primary colour, in the text colour the contrast
// helper picks, at /favicon.ico and at the versioned address its pages
// link to; each tenant its own (a sub-reseller's never shows its
// vendor's); an uploaded favicon is still the one served.
func TestDefaultFavicon(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	set := func(host, email, account, name, colour string) {
		if _, err := f.scope(host, email).UpdateBranding(ctx, f.accountID(account),
			tenantry.BrandingUpdate{DisplayName: &name, PrimaryColor: &colour}); err != nil {
			t.Fatal(err)
		}
	}
	set("acme.localhost", "admin@acme.example", "Acme Hosting", "zephyr hosting", "#ffeb3b")
	set("orbit.localhost", "admin@orbit.example", "Orbit IT", "", "#102030") // the account's name: Orbit IT
	for _, tc := range []struct{ host, initial, colour string }{
		{"acme.localhost", "Z", "#ffeb3b"},
		{"orbit.localhost", "O", "#102030"},
		{"beta.localhost", "B", ""}, // Acme's sub-reseller: its own initial and colours, not Acme's
	} {
		b := f.browser(tc.host)
		ico := b.get("/favicon.ico")
		if ico.Code != http.StatusOK || ico.Header().Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("%s /favicon.ico = %d %q, want 200 image/svg+xml", tc.host, ico.Code, ico.Header().Get("Content-Type"))
		}
		if !strings.Contains(ico.body, ">"+tc.initial+"</text>") {
			t.Errorf("%s favicon shows no %q: %s", tc.host, tc.initial, ico.body)
		}
		if tc.colour != "" {
			want := fmt.Sprintf(`fill="%s"`, tc.colour)
			text := fmt.Sprintf(`fill="%s">%s<`, tenantry.TextColor(tc.colour), tc.initial)
			if !strings.Contains(ico.body, want) || !strings.Contains(ico.body, text) {
				t.Errorf("%s favicon lacks %s or %s: %s", tc.host, want, text, ico.body)
			}
		}
		if got := ico.Header().Get("Cache-Control"); got != "no-cache" || ico.Header().Get("ETag") == "" {
			t.Errorf("%s /favicon.ico: Cache-Control %q, ETag %q; want no-cache and an ETag", tc.host, got, ico.Header().Get("ETag"))
		}
		m := iconLink.FindStringSubmatch(b.get("/login").body)
		if m == nil || m[1] != "image/svg+xml" || !strings.HasPrefix(m[2], "/brand/favicon?v=") {
			t.Fatalf("%s login page: icon link %q, want the SVG at /brand/favicon?v=", tc.host, m)
		}
		linked := b.get(m[2])
		if linked.body != ico.body || !strings.Contains(linked.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("%s %s: Cache-Control %q, same icon %t; want immutable and the same icon", tc.host, m[2],
				linked.Header().Get("Cache-Control"), linked.body == ico.body)
		}
	}
	// a new name is a new icon at a new address
	before := iconLink.FindStringSubmatch(f.browser("orbit.localhost").get("/login").body)[2]
	set("orbit.localhost", "admin@orbit.example", "Orbit IT", "Quasar", "#102030")
	after := iconLink.FindStringSubmatch(f.browser("orbit.localhost").get("/login").body)[2]
	if before == after || !strings.Contains(f.browser("orbit.localhost").get(after).body, ">Q</text>") {
		t.Errorf("renamed: icon link %q then %q, want a new address showing Q", before, after)
	}

	t.Run("Uploaded", func(t *testing.T) {
		b := f.browser("acme.localhost")
		b.login("admin@acme.example")
		fav := pngImage(t, 32, 32, false)
		r := b.submitMultipart("/reseller/branding", "/reseller/branding", brandingFields("zephyr hosting", "#ffeb3b", "", "", ""),
			upload{"favicon", "fav.png", "image/png", fav})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("uploading: status %d; body: %s", r.Code, excerpt(r.body))
		}
		for _, path := range []string{"/favicon.ico", "/brand/favicon"} {
			if r := f.browser("acme.localhost").get(path); r.Code != http.StatusOK || r.Header().Get("Content-Type") != "image/png" || r.body != string(fav) {
				t.Errorf("%s after upload: %d %q, want the uploaded PNG", path, r.Code, r.Header().Get("Content-Type"))
			}
		}
		m := iconLink.FindStringSubmatch(f.browser("acme.localhost").get("/login").body)
		if m == nil || m[1] != "image/png" {
			t.Errorf("login page after upload: icon link %q, want image/png", m)
		}
		// orbit still has its own default
		if r := f.browser("orbit.localhost").get("/favicon.ico"); r.Header().Get("Content-Type") != "image/svg+xml" {
			t.Errorf("orbit's favicon after acme's upload: %q", r.Header().Get("Content-Type"))
		}
	})
}

// TestErrorPageKeepsPanel: a signed-in user's error page (404, 403) is
// framed by their panel, with the very navigation its pages show them and
// Sign out; a signed-out visitor's is the plain card.
func TestErrorPageKeepsPanel(t *testing.T) {
	f := newFixture(t)
	orbitCustomer := f.accountID("Delta Freight") // below Orbit: not Acme's
	for _, tc := range []struct {
		name, host, email, home, path string
		status                        int
	}{
		{"ResellerUnknownPage", "acme.localhost", "admin@acme.example", "/reseller", "/reseller/no-such-page", 404},
		{"ResellerForeignAccount", "acme.localhost", "admin@acme.example", "/reseller", "/reseller/accounts/" + orbitCustomer, 404},
		{"OtherTenant", "orbit.localhost", "admin@orbit.example", "/reseller", "/reseller/no-such-page", 404},
		{"OutsidePanels", "orbit.localhost", "admin@orbit.example", "/reseller", "/no-such-page", 404},
		// a customer asking for the reseller panel gets its own panel's frame
		{"CustomerInResellerPanel", "acme.localhost", "owner@bluebakery.example", "/app", "/reseller/accounts", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := f.browser(tc.host)
			b.login(tc.email)
			home := b.get(tc.home)
			r := b.get(tc.path)
			if r.Code != tc.status {
				t.Fatalf("GET %s = %d, want %d", tc.path, r.Code, tc.status)
			}
			if !strings.Contains(r.body, `data-testid="panel-error"`) {
				t.Errorf("GET %s: the error is not in the panel: %s", tc.path, excerpt(r.body))
			}
			if !strings.Contains(r.body, `data-testid="logout"`) || !strings.Contains(r.body, `action="/logout"`) {
				t.Errorf("GET %s: no Sign out", tc.path)
			}
			// navItems (nav_test.go): key → href of every nav- link
			if got, want := navItems(r.body), navItems(home.body); len(want) == 0 || !maps.Equal(got, want) {
				t.Errorf("GET %s: navigation %v, want the panel's own %v", tc.path, got, want)
			}
			if title, _ := byTestID(r.body, "error-title"); title != "Page not found" {
				t.Errorf("GET %s: title %q", tc.path, title)
			}
			if strings.Contains(r.body, "Delta Freight") {
				t.Errorf("GET %s: the error page names the foreign account", tc.path)
			}
		})
	}
	t.Run("RefusedPost", func(t *testing.T) {
		b := f.browser("acme.localhost")
		b.login("admin@acme.example")
		r := b.post("/reseller/settings", url.Values{})
		if r.Code != http.StatusForbidden {
			t.Fatalf("post without a token = %d, want 403", r.Code)
		}
		m := csrfInput.FindStringSubmatch(r.body)
		if !strings.Contains(r.body, `data-testid="nav-dashboard"`) || m == nil || m[1] == "" {
			t.Fatalf("403 page: no panel or no token for Sign out: %s", excerpt(r.body))
		}
		// and that Sign out works
		if out := b.post("/logout", url.Values{"_csrf": {m[1]}}); out.Code != http.StatusSeeOther {
			t.Errorf("sign out from the error page = %d, want 303", out.Code)
		}
	})
	t.Run("SignedOut", func(t *testing.T) {
		for _, host := range []string{"acme.localhost", "orbit.localhost"} {
			r := f.browser(host).get("/no-such-page")
			if r.Code != http.StatusNotFound {
				t.Fatalf("%s: %d, want 404", host, r.Code)
			}
			if strings.Contains(r.body, `data-testid="nav"`) || strings.Contains(r.body, `data-testid="logout"`) ||
				strings.Contains(r.body, `data-testid="panel-error"`) {
				t.Errorf("%s: a signed-out 404 shows a panel", host)
			}
			if title, _ := byTestID(r.body, "error-title"); title != "Page not found" {
				t.Errorf("%s: title %q", host, title)
			}
		}
	})
}
