package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// Creating an account is throttled per actor (shared by the API and the
// panel's form), counting every creation, whatever the owner's address:
// past the limit the answer is 429 with Retry-After and nothing is
// created.
func TestCreateAccountThrottled(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	token := acme.token("admin@acme.example")
	create := func(name, owner string) *response {
		return acme.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "customer", "name": name,
			"owner": map[string]string{"email": owner, "name": "X"}})
	}
	for i := range 30 {
		// taken and free addresses count alike
		owner := fmt.Sprintf("probe%d@free.example", i)
		if i%2 == 0 {
			owner = "admin@orbit.example"
		}
		if r := create(fmt.Sprintf("Probe %d", i), owner); r.Code != http.StatusCreated {
			t.Fatalf("creation %d = %d, want 201: %s", i+1, r.Code, r.body)
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
	// another actor has buckets of its own
	orbit := f.browser("orbit.localhost")
	if r := orbit.api(http.MethodPost, "/api/v1/accounts", orbit.token("admin@orbit.example"), map[string]any{"kind": "customer",
		"name": "Orbit Probe"}); r.Code != http.StatusCreated {
		t.Errorf("another actor = %d, want 201", r.Code)
	}
}
