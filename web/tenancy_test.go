package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/store"
)

func TestTenantResolution(t *testing.T) {
	f := newFixture(t)
	// an IDN domain, stored in punycode, reached by its Unicode name
	acme := f.accountID("Acme Hosting")
	if err := f.scope("portal.localhost", "admin@nimbus.example").AddDomain(context.Background(), acme, "bücher.localhost"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host  string
		brand string // "" means the plain 404
	}{
		{"acme.localhost", "Acme Hosting"},
		{"ACME.LOCALHOST", "Acme Hosting"},
		{"acme.localhost:8080", "Acme Hosting"},
		{"acme.localhost.", "Acme Hosting"},
		{"Acme.Localhost.:443", "Acme Hosting"},
		{"bücher.localhost", "Acme Hosting"},
		{"xn--bcher-kva.localhost:8080", "Acme Hosting"},
		{"portal.localhost", "Nimbus Cloud"},
		{"orbit.localhost", "Orbit IT"},
		{"beta.localhost", "Beta Resale"},
		{"unknown.localhost", ""},
		{"acme.localhost.evil.example", ""},
		{"localhost", ""},
		{"", ""},
		{"[::1]:8080", ""},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			r := f.browser(tt.host).get("/login")
			if tt.brand == "" {
				if r.Code != http.StatusNotFound {
					t.Fatalf("status = %d, want 404", r.Code)
				}
				for _, leak := range []string{"Nimbus", "Acme", "Orbit", "Beta", "_csrf", "Sign in"} {
					if strings.Contains(r.body, leak) {
						t.Errorf("404 page for an unknown host contains %q", leak)
					}
				}
				return
			}
			if r.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200", r.Code)
			}
			if got, _ := byTestID(r.body, "brand"); got != tt.brand {
				t.Errorf("brand = %q, want %q", got, tt.brand)
			}
		})
	}
}

// A reseller's domain never names the provider behind it.
func TestResellerDomainHidesProvider(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	for _, path := range []string{"/login", "/nope"} {
		if r := b.get(path); strings.Contains(r.body, "Nimbus") {
			t.Errorf("anonymous %s on acme names the provider", path)
		}
	}
	b.login("admin@acme.example")
	for _, path := range []string{"/reseller", "/reseller/accounts", "/reseller/accounts/new", "/choose"} {
		r := b.get(path)
		if r.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, r.Code)
		}
		if strings.Contains(r.body, "Nimbus") {
			t.Errorf("GET %s on acme names the provider", path)
		}
	}
}

func TestLoginIsBoundToTenant(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, host, email, password string
	}{
		{"UnknownEmail", "acme.localhost", "nobody@example.test", store.DemoPassword},
		{"WrongPassword", "acme.localhost", "admin@acme.example", "wrong-password-1"},
		{"OtherResellersUser", "acme.localhost", "admin@orbit.example", store.DemoPassword},
		{"ProviderStaffOnResellerDomain", "acme.localhost", "admin@nimbus.example", store.DemoPassword},
		{"CustomerOnPlatformDomain", "portal.localhost", "owner@bluebakery.example", store.DemoPassword},
		{"SubResellerCustomerOnParentDomain", "acme.localhost", "owner@gamma.example", store.DemoPassword},
		{"SubResellerStaffOnPlatformDomain", "portal.localhost", "admin@beta.example", store.DemoPassword},
		{"SubResellerCustomerOnPlatformDomain", "portal.localhost", "owner@gamma.example", store.DemoPassword},
	}
	var want string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser(tt.host)
			r := b.submit("/login", "/login", url.Values{"email": {tt.email}, "password": {tt.password}})
			if r.Code != http.StatusUnauthorized {
				t.Fatalf("status = %d, want 401", r.Code)
			}
			msg, ok := byTestID(r.body, "login-error")
			if !ok {
				t.Fatal("no login error shown")
			}
			if want == "" {
				want = msg
			}
			if msg != want {
				t.Errorf("message = %q, want the same message as for an unknown email: %q", msg, want)
			}
			if got := r.Result().Cookies(); hasCookie(got, "tenantry_session") {
				t.Error("a refused login set a session cookie")
			}
			if v, _ := byTestID(r.body, "input-email"); v != "" {
				t.Errorf("unexpected text in email input: %q", v)
			}
			if !strings.Contains(r.body, `value="`+tt.email+`"`) {
				t.Error("the email typed is not kept in the form")
			}
		})
	}
}

func hasCookie(cs []*http.Cookie, name string) bool {
	for _, c := range cs {
		if c.Name == name && c.Value != "" && c.MaxAge >= 0 {
			return true
		}
	}
	return false
}

func TestLandingAfterLogin(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		host, email, landing, account string
	}{
		{"portal.localhost", "admin@nimbus.example", "/provider", "Nimbus Cloud"},
		{"acme.localhost", "admin@acme.example", "/reseller", "Acme Hosting"},
		{"portal.localhost", "admin@acme.example", "/reseller", "Acme Hosting"},
		{"acme.localhost", "admin@beta.example", "/reseller", "Beta Resale"},
		{"beta.localhost", "admin@beta.example", "/reseller", "Beta Resale"},
		{"acme.localhost", "owner@bluebakery.example", "/app", "Blue Bakery"},
		{"beta.localhost", "owner@gamma.example", "/app", "Gamma Labs"},
		{"portal.localhost", "owner@harbor.example", "/app", "Harbor Health"},
	}
	for _, tt := range tests {
		t.Run(tt.host+"/"+tt.email, func(t *testing.T) {
			b := f.browser(tt.host)
			r := b.submit("/login", "/login", url.Values{"email": {tt.email}, "password": {store.DemoPassword}})
			if r.Code != http.StatusSeeOther || r.location() != tt.landing {
				t.Fatalf("login: %d to %q, want 303 to %q", r.Code, r.location(), tt.landing)
			}
			page := b.get(tt.landing)
			if page.Code != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.landing, page.Code)
			}
			if got, _ := byTestID(page.body, "current-account"); got != tt.account {
				t.Errorf("panel account = %q, want %q", got, tt.account)
			}
		})
	}
}

func TestSessionIsBoundToHost(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	acme.login("admin@acme.example")
	if r := acme.get("/reseller"); r.Code != http.StatusOK {
		t.Fatalf("GET /reseller on acme = %d", r.Code)
	}
	// replay acme's cookies on other hosts, as a cookie thief would
	for _, host := range []string{"orbit.localhost", "portal.localhost", "beta.localhost"} {
		t.Run(host, func(t *testing.T) {
			other := f.browser(host)
			other.cookies[host] = acme.cookies["acme.localhost"]
			r := other.get("/reseller")
			if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
				t.Errorf("GET /reseller with acme's session = %d to %q, want a redirect to /login", r.Code, r.location())
			}
		})
	}
}

func TestSessionRenewedAtLoginAndEndedAtLogout(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	first := b.cookies["acme.localhost"]["tenantry_session"].Value
	stolen := map[string]*http.Cookie{}
	for k, v := range b.cookies["acme.localhost"] {
		stolen[k] = v
	}
	// a second login, from a page of the signed-in session, gets a new id
	r2 := b.submit("/reseller", "/login", url.Values{"email": {"admin@acme.example"}, "password": {store.DemoPassword}})
	if r2.Code != http.StatusSeeOther {
		t.Fatalf("second login = %d", r2.Code)
	}
	if b.cookies["acme.localhost"]["tenantry_session"].Value == first {
		t.Error("the session id was not renewed at login")
	}
	r := b.submit("/reseller", "/logout", url.Values{})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("logout = %d", r.Code)
	}
	if msg, _ := byTestID(b.get(r.location()).body, "login-notice"); msg != "You are signed out." {
		t.Errorf("after logout the sign-in page says %q", msg)
	}
	if r := b.get("/reseller"); r.Code != http.StatusSeeOther {
		t.Errorf("after logout GET /reseller = %d, want a redirect", r.Code)
	}
	old := f.browser("acme.localhost")
	old.cookies["acme.localhost"] = stolen
	if r := old.get("/reseller"); r.Code != http.StatusSeeOther {
		t.Errorf("the session from before the second login still works: %d", r.Code)
	}
}

func TestPanelsNeedTheRightAccount(t *testing.T) {
	f := newFixture(t)
	customer := f.browser("acme.localhost")
	customer.login("owner@bluebakery.example")
	for _, path := range []string{"/reseller", "/reseller/accounts", "/provider"} {
		if r := customer.get(path); r.Code != http.StatusNotFound {
			t.Errorf("customer GET %s = %d, want 404", path, r.Code)
		}
	}
	reseller := f.browser("acme.localhost")
	reseller.login("admin@acme.example")
	if r := reseller.get("/provider"); r.Code != http.StatusNotFound {
		t.Errorf("reseller GET /provider = %d, want 404", r.Code)
	}
	// Orbit's customer, by id, through Acme's panel
	delta := f.accountID("Delta Freight")
	if r := reseller.get("/reseller/accounts/" + delta); r.Code != http.StatusNotFound {
		t.Errorf("acme GET orbit's customer = %d, want 404", r.Code)
	}
	if r := reseller.get("/reseller/accounts/" + f.accountID("Acme Hosting")); r.Code != http.StatusNotFound {
		t.Errorf("acme GET its own account as an account below it = %d, want 404", r.Code)
	}
	anon := f.browser("acme.localhost")
	if r := anon.get("/reseller"); r.Code != http.StatusSeeOther || r.location() != "/login?next=%2Freseller" {
		t.Errorf("anonymous GET /reseller = %d to %q", r.Code, r.location())
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	for _, host := range []string{"acme.localhost", "unknown.localhost"} {
		r := f.browser(host).get("/login")
		h := r.Header()
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", host, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code: %q", host, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Request-Id") == "" {
			t.Errorf("%s: missing headers: %v", host, h)
		}
		if strings.Contains(r.body, "<script>") {
			t.Errorf("%s: inline script in page", host)
		}
	}
}

func TestCookiesAreHostOnlyAndHttpOnly(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.csrf("/login")
	form := url.Values{"email": {"admin@acme.example"}, "password": {store.DemoPassword}}
	r := b.submit("/login", "/login", form)
	var found bool
	for _, c := range r.Result().Cookies() {
		if c.Name != "tenantry_session" {
			continue
		}
		found = true
		if c.Domain != "" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure {
			t.Errorf("session cookie = %+v, want host-only, HttpOnly, SameSite=Lax, not Secure on plain HTTP", c)
		}
	}
	if !found {
		t.Fatal("no session cookie set at login")
	}
}

func TestHealthz(t *testing.T) {
	f := newFixture(t)
	// health checks come from load balancers with any Host
	if r := f.browser("10.0.0.1:8080").get("/healthz"); r.Code != http.StatusOK || strings.TrimSpace(r.body) != "ok" {
		t.Errorf("healthz = %d %q", r.Code, r.body)
	}
}

func TestTrustProxy(t *testing.T) {
	f := newFixture(t)
	// without --trust-proxy a spoofed X-Forwarded-For does not dodge the per-IP throttle
	b := f.browser("orbit.localhost")
	for i := 0; i < 50; i++ {
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{
			"_csrf": {b.csrf("/login")}, "email": {"x" + strconv.Itoa(i) + "@example.test"}, "password": {"whatever-123"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113."+strconv.Itoa(i))
		if r := b.do(req); r.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d = %d", i, r.Code)
		}
	}
	if r := b.submit("/login", "/login", url.Values{"email": {"admin@orbit.example"}, "password": {store.DemoPassword}}); r.Code != http.StatusTooManyRequests {
		t.Errorf("after 50 failures from one address with spoofed headers: %d, want 429", r.Code)
	}
}
