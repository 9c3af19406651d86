package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// Creating an account answers 409 email_taken for an owner address that
// has a user: those answers are throttled per actor (shared by the API
// and the panel's form), and past the limit nothing is created.
func TestCreateAccountOwnerTakenThrottled(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	token := acme.token("admin@acme.example")
	create := func(name, owner string) *response {
		return acme.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "customer", "name": name,
			"owner": map[string]string{"email": owner, "name": "X"}})
	}
	for i := range 10 {
		if r := create("Probe", "admin@orbit.example"); r.Code != http.StatusConflict {
			t.Fatalf("taken owner %d = %d, want 409", i+1, r.Code)
		}
	}
	r := create("Probe", "admin@orbit.example")
	if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") == "" {
		t.Fatalf("past the limit = %d (Retry-After %q), want 429 with Retry-After", r.Code, r.Header().Get("Retry-After"))
	}
	if r := create("Fresh After The Limit", "fresh@probe.example"); r.Code != http.StatusTooManyRequests {
		t.Errorf("a free owner past the limit = %d, want 429", r.Code)
	}
	var list struct{ Items []struct{ Name string } }
	decode(t, acme.api(http.MethodGet, "/api/v1/accounts?q=Fresh+After", token, nil), &list)
	if len(list.Items) != 0 {
		t.Errorf("accounts created past the limit: %+v", list.Items)
	}
	acme.login("admin@acme.example")
	form := acme.submit("/reseller/accounts/new", "/reseller/accounts/new", url.Values{"kind": {"customer"}, "name": {"Form Probe"},
		"owner.name": {"X"}, "owner.email": {"owner@bluebakery.example"}})
	if form.Code != http.StatusTooManyRequests {
		t.Errorf("the panel's form past the limit = %d, want 429", form.Code)
	}
}
