package web_test

import (
	"net/http"
	"testing"

	"github.com/tenantry/tenantry/store"
)

// A sub-reseller's staff get, on the platform domain, the answer of a
// wrong password from the API token endpoint too.
func TestAPITokenPlatformDomain(t *testing.T) {
	f := newFixture(t)
	b := f.browser("portal.localhost")
	ask := func(email, pw string) (int, apiErr) {
		r := b.api(http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": email, "password": pw})
		var e apiErr
		decode(t, r, &e)
		return r.Code, e
	}
	wantCode, want := ask("admin@acme.example", "wrong-password-1")
	if wantCode != http.StatusUnauthorized {
		t.Fatalf("wrong password = %d, want 401", wantCode)
	}
	for _, email := range []string{"admin@beta.example", "owner@gamma.example"} {
		code, got := ask(email, store.DemoPassword)
		if code != wantCode || got.Error.Code != want.Error.Code || got.Error.Message != want.Error.Message {
			t.Errorf("%s on the platform domain = %d %+v, want the wrong password's %d %+v", email, code, got, wantCode, want)
		}
	}
	if code, _ := ask("admin@acme.example", store.DemoPassword); code != http.StatusCreated {
		t.Errorf("a reseller directly below the provider = %d, want 201", code)
	}
	// on its own domain and its vendor's, the sub-reseller's staff do get one
	for _, host := range []string{"beta.localhost", "acme.localhost"} {
		if r := f.browser(host).api(http.MethodPost, "/api/v1/auth/token", "",
			map[string]string{"email": "admin@beta.example", "password": store.DemoPassword}); r.Code != http.StatusCreated {
			t.Errorf("beta's admin on %s = %d, want 201", host, r.Code)
		}
	}
}
