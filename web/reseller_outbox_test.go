package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestResellerOutbox: a reseller's Outgoing mail lists the mail sent on
// its own domain, and none of another reseller's or the provider's; a
// foreign message is 404, and customers have no such page.
func TestResellerOutbox(t *testing.T) {
	f := newFixture(t)
	for _, v := range []struct{ host, email string }{
		{"acme.localhost", "owner@bluebakery.example"},
		{"orbit.localhost", "admin@orbit.example"},
		{"portal.localhost", "admin@nimbus.example"},
	} {
		b := f.browser(v.host)
		if r := b.submit("/forgot-password", "/forgot-password", url.Values{"email": {v.email}}); r.Code != http.StatusOK {
			t.Fatalf("password reset on %s = %d", v.host, r.Code)
		}
	}
	acmeMail := f.mailTo("owner@bluebakery.example")
	orbitMail := f.mailTo("admin@orbit.example")
	providerMail := f.mailTo("admin@nimbus.example")

	acme := f.browser("acme.localhost")
	acme.login("admin@acme.example")
	if r := acme.get("/reseller"); !strings.Contains(r.body, `data-testid="nav-outbox"`) {
		t.Error("Acme's Owner has no Outgoing mail item")
	}
	r := acme.get("/reseller/outbox")
	if r.Code != http.StatusOK {
		t.Fatalf("GET /reseller/outbox = %d", r.Code)
	}
	if !strings.Contains(r.body, `data-testid="outbox-row-`+acmeMail.ID+`"`) {
		t.Error("Acme's outbox does not list the reset mail sent on acme.localhost")
	}
	for _, m := range []string{orbitMail.ID, providerMail.ID} {
		if strings.Contains(r.body, m) {
			t.Errorf("Acme's outbox lists foreign mail %s", m)
		}
	}
	if !strings.Contains(r.body, `href="/reseller/outbox/`+acmeMail.ID+`"`) {
		t.Error("the row does not link to the reseller panel's message page")
	}
	if r := acme.get("/reseller/outbox/" + acmeMail.ID); r.Code != http.StatusOK || !strings.Contains(r.body, acmeMail.Subject) {
		t.Errorf("GET Acme's message = %d", r.Code)
	}
	if r := acme.get("/reseller/outbox/" + acmeMail.ID + "/html"); r.Code != http.StatusOK {
		t.Errorf("GET Acme's message HTML = %d", r.Code)
	}
	for _, m := range []string{orbitMail.ID, providerMail.ID} {
		for _, p := range []string{"/reseller/outbox/" + m, "/reseller/outbox/" + m + "/html"} {
			if r := acme.get(p); r.Code != http.StatusNotFound {
				t.Errorf("Acme: GET %s = %d, want 404", p, r.Code)
			}
		}
	}

	orbit := f.browser("orbit.localhost")
	orbit.login("admin@orbit.example")
	for _, p := range []string{"/reseller/outbox/" + acmeMail.ID, "/reseller/outbox/" + acmeMail.ID + "/html"} {
		if r := orbit.get(p); r.Code != http.StatusNotFound {
			t.Errorf("Orbit: GET %s = %d, want 404", p, r.Code)
		}
	}
	if r := orbit.get("/reseller/outbox"); r.Code != http.StatusOK || strings.Contains(r.body, acmeMail.ID) ||
		!strings.Contains(r.body, orbitMail.ID) {
		t.Errorf("Orbit's outbox = %d, want its own mail only", r.Code)
	}

	cust := f.browser("acme.localhost")
	cust.login("owner@bluebakery.example")
	for _, p := range []string{"/reseller/outbox", "/reseller/outbox/" + acmeMail.ID} {
		if r := cust.get(p); r.Code != http.StatusNotFound && r.Code != http.StatusForbidden {
			t.Errorf("customer: GET %s = %d, want 403 or 404", p, r.Code)
		}
	}
}
