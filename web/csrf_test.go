package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/web"
)

// userName reads a user's name straight from the store.
func (f *fixture) userName(email string) string {
	f.t.Helper()
	u, err := f.db.UserByEmail(context.Background(), email)
	if err != nil {
		f.t.Fatal(err)
	}
	return u.Name
}

// The CSRF token is bound to the session: a token from another session is
// refused with 403 and changes nothing, even when the attacker plants
// their own pre-session nonce in the victim's browser (which made their
// token valid there when the token hung on that nonce).
func TestCSRFBoundToSession(t *testing.T) {
	f := newFixture(t)
	victim := f.browser("acme.localhost")
	victim.login("admin@acme.example")
	attacker := f.browser("acme.localhost")
	attacker.login("owner@bluebakery.example")
	token := attacker.csrf("/profile")
	before := f.userName("admin@acme.example")

	if r := victim.post("/profile/name", url.Values{"name": {"Forged"}, "_csrf": {token}}); r.Code != http.StatusForbidden {
		t.Errorf("another session's token = %d, want 403", r.Code)
	}
	// the attacker's nonce cookie, planted in the victim's browser
	for name, c := range attacker.cookies["acme.localhost"] {
		if strings.Contains(name, "csrf") {
			victim.cookies["acme.localhost"][name] = c
		}
	}
	if r := victim.post("/profile/name", url.Values{"name": {"Forged"}, "_csrf": {token}}); r.Code != http.StatusForbidden {
		t.Errorf("another session's token with its nonce planted = %d, want 403", r.Code)
	}
	if got := f.userName("admin@acme.example"); got != before {
		t.Errorf("name = %q after refused posts, want %q unchanged", got, before)
	}
	// the victim's own token still works
	if r := victim.submit("/profile", "/profile/name", url.Values{"name": {"Ada Acme"}}); r.Code != http.StatusSeeOther {
		t.Errorf("own token = %d, want 303", r.Code)
	}
}

// Signing in rotates the token: one seen before sign-in (say, planted by
// an attacker with a login form) is no good after it, nor after sign-out.
func TestCSRFRotatesAtSignIn(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	anon := b.csrf("/login")
	if again := b.csrf("/login"); again != anon {
		t.Fatalf("the anonymous token changed between two pages: %q, %q", anon, again)
	}
	r := b.post("/login", url.Values{"email": {"admin@acme.example"}, "password": {store.DemoPassword}, "_csrf": {anon}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("login = %d", r.Code)
	}
	signedIn := b.csrf("/profile")
	if signedIn == anon {
		t.Fatal("the token did not change at sign-in")
	}
	if r := b.post("/profile/name", url.Values{"name": {"Forged"}, "_csrf": {anon}}); r.Code != http.StatusForbidden {
		t.Errorf("pre-sign-in token after sign-in = %d, want 403", r.Code)
	}
	if r := b.post("/logout", url.Values{"_csrf": {signedIn}}); r.Code != http.StatusSeeOther {
		t.Fatalf("logout = %d", r.Code)
	}
	if after := b.csrf("/login"); after == anon || after == signedIn {
		t.Error("after sign-out the token is one seen before")
	}
	// a second sign-in gets a token of its own
	b.login("admin@acme.example")
	if again := b.csrf("/profile"); again == signedIn {
		t.Error("a second sign-in got the first session's token")
	}
}

// Cross-origin posts are refused before the token is even looked at;
// same-origin posts and the bearer-token API go through.
func TestCrossOriginRefused(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	before := f.userName("admin@acme.example")
	post := func(headers map[string]string) *response {
		form := url.Values{"name": {"Cross Site"}, "_csrf": {b.csrf("/profile")}}
		req := httptest.NewRequest(http.MethodPost, "/profile/name", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		return b.do(req)
	}
	for name, h := range map[string]map[string]string{
		"SecFetchSiteCrossSite": {"Sec-Fetch-Site": "cross-site"},
		"SecFetchSiteSameSite":  {"Sec-Fetch-Site": "same-site"},
		"ForeignOrigin":         {"Origin": "http://evil.example"},
		"SiblingTenantOrigin":   {"Origin": "http://orbit.localhost"},
	} {
		t.Run(name, func(t *testing.T) {
			if r := post(h); r.Code != http.StatusForbidden {
				t.Errorf("POST with %v = %d, want 403", h, r.Code)
			}
			if got := f.userName("admin@acme.example"); got != before {
				t.Errorf("name = %q, want %q unchanged", got, before)
			}
		})
	}
	t.Run("SameOrigin", func(t *testing.T) {
		if r := post(map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://acme.localhost"}); r.Code != http.StatusSeeOther {
			t.Errorf("same-origin POST = %d, want 303", r.Code)
		}
	})
	t.Run("BearerAPI", func(t *testing.T) {
		token := b.token("admin@acme.example")
		req := httptest.NewRequest(http.MethodPost, "/api/v1/accounts/"+f.accountID("Acme Hosting")+"/cost-centers",
			strings.NewReader(`{"name":"Cross origin API"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if r := b.do(req); r.Code != http.StatusCreated {
			t.Errorf("bearer API POST = %d %s, want 201", r.Code, excerpt(r.body))
		}
	})
}

// Behind the documented TLS proxy (secure cookies) the cookies are
// __Host- cookies and HSTS is sent; on plain HTTP neither.
func TestSecureMode(t *testing.T) {
	t.Run("Secure", func(t *testing.T) {
		f := newFixtureWith(t, func(c *web.Config) { c.SecureCookies = true })
		b := f.browser("acme.localhost")
		r := b.get("/login")
		if got := r.Header().Get("Strict-Transport-Security"); !strings.Contains(got, "max-age=") {
			t.Errorf("Strict-Transport-Security = %q, want it sent", got)
		}
		b.login("admin@acme.example")
		jar := b.cookies["acme.localhost"]
		for _, name := range []string{"__Host-tenantry_session", "__Host-tenantry_csrf"} {
			c := jar[name]
			if c == nil {
				t.Errorf("no cookie %s; have %v", name, jar)
				continue
			}
			if !c.Secure || c.Path != "/" || c.Domain != "" || !c.HttpOnly {
				t.Errorf("cookie %s = %+v, want Secure, HttpOnly, Path=/ and no Domain", name, c)
			}
		}
		if jar["tenantry_session"] != nil || jar["tenantry_csrf"] != nil {
			t.Error("unprefixed cookies set in secure mode")
		}
		if r := b.get("/profile"); r.Code != http.StatusOK {
			t.Errorf("signed-in GET /profile = %d, want 200", r.Code)
		}
		if r := b.submit("/profile", "/profile/name", url.Values{"name": {"Ada Acme"}}); r.Code != http.StatusSeeOther {
			t.Errorf("form post = %d, want 303", r.Code)
		}
	})
	t.Run("PlainHTTP", func(t *testing.T) {
		f := newFixture(t)
		if got := f.browser("acme.localhost").get("/login").Header().Get("Strict-Transport-Security"); got != "" {
			t.Errorf("Strict-Transport-Security = %q on plain HTTP, want none", got)
		}
	})
}
