package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/store"
)

func TestActOnBehalf(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	bakery := f.accountID("Blue Bakery")
	page := "/reseller/accounts/" + bakery
	if _, ok := byTestID(b.get(page).body, "act-as-submit"); !ok {
		t.Fatal("no act-as form on a customer's page")
	}
	r := b.submit(page, page+"/act-as", url.Values{"reason": {""}})
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("no reason = %d, want 422", r.Code)
	}
	r = b.submit(page, page+"/act-as", url.Values{"reason": {"ticket 4711"}})
	if r.Code != http.StatusSeeOther || r.location() != "/app" {
		t.Fatalf("act as = %d to %q, want /app", r.Code, r.location())
	}
	app := b.get("/app")
	if got, _ := byTestID(app.body, "acting-as"); got != "Blue Bakery" {
		t.Errorf("banner names %q", got)
	}
	if got, _ := byTestID(app.body, "account-title"); got != "Blue Bakery" {
		t.Errorf("panel shows %q", got)
	}
	// what is done meanwhile carries both names
	if r := b.submit("/app/users", "/app/users/invite", url.Values{"email": {"helper@bluebakery.example"}, "role": {"Viewer"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("invite while acting = %d", r.Code)
	}
	owner := f.scope("acme.localhost", "owner@bluebakery.example")
	events, err := owner.AuditEvents(ctx, bakery, store.AuditFilter{Action: "invitation"})
	if err != nil || len(events.Items) != 1 || events.Items[0].ActingAsID != bakery || events.Items[0].ActorEmail != "admin@acme.example" {
		t.Errorf("the customer's log = %+v, %v; want the invitation by Acme's admin acting for it", events, err)
	}
	if _, ok := byTestID(app.body, "acting-back"); ok {
		t.Error("the acted-for panel offers to go back to itself")
	}
	// acting narrows the scope to Blue Bakery: the reseller's own panel,
	// its accounts and the customer's sibling are out of reach until exit;
	// a page there leads back to the acted-for panel, saying how to exit
	for _, path := range []string{"/reseller", "/reseller/accounts", "/reseller/accounts/" + bakery,
		"/reseller/cost-centers?account=" + bakery} {
		if r := b.get(path); r.Code != http.StatusSeeOther || r.location() != "/app" {
			t.Errorf("GET %s while acting = %d to %q, want 303 to /app", path, r.Code, r.location())
		}
	}
	if r := b.get("/app"); !strings.Contains(r.body, "exit to return to your own panel") {
		t.Errorf("the acted-for panel after a page of the reseller's does not say how to get back: %s", excerpt(r.body))
	}
	if r := b.submit("/app", "/reseller/accounts/"+f.accountID("Cobalt Law")+"/status", url.Values{"status": {"suspended"}}); r.Code != http.StatusNotFound {
		t.Errorf("suspending the sibling while acting = %d, want 404", r.Code)
	}
	if r := b.get("/app/infrastructures"); r.Code != http.StatusOK {
		t.Errorf("the acted-for panel's infrastructures = %d, want 200", r.Code)
	}
	// exit returns to the reseller's own panel
	r = b.submit("/app", "/act-as/exit", url.Values{})
	if r.Code != http.StatusSeeOther || r.location() != "/reseller" {
		t.Fatalf("exit = %d to %q", r.Code, r.location())
	}
	if _, ok := byTestID(b.get("/reseller").body, "acting-banner"); ok {
		t.Error("still acting after exit")
	}

	t.Run("EndsAfterAnHour", func(t *testing.T) {
		b.submit(page, page+"/act-as", url.Values{"reason": {"second look"}})
		real := f.db.Now
		f.db.Now = func() time.Time { return real().Add(61 * time.Minute) }
		defer func() { f.db.Now = real }()
		if r := b.get("/app"); r.Code != http.StatusNotFound {
			t.Errorf("the customer panel an hour later = %d, want 404 (acting ended)", r.Code)
		}
		ended, _ := owner.AuditEvents(ctx, bakery, store.AuditFilter{Action: "act_as.end"})
		found := false
		for _, e := range ended.Items {
			found = found || strings.Contains(e.Summary, "expired")
		}
		if !found {
			t.Errorf("no audited end after the hour: %+v", ended.Items)
		}
	})
	t.Run("NeverSidewaysOrAbove", func(t *testing.T) {
		orbit := f.browser("orbit.localhost")
		token := orbit.token("admin@orbit.example")
		if r := orbit.api(http.MethodPost, "/api/v1/accounts/"+bakery+"/act-as", token, map[string]string{"reason": "x"}); r.Code != http.StatusNotFound {
			t.Errorf("orbit acting as acme's customer = %d, want 404", r.Code)
		}
		acme := f.browser("acme.localhost")
		atoken := acme.token("admin@acme.example")
		for _, name := range []string{"Acme Hosting", "Nimbus Cloud", "Delta Freight"} {
			if r := acme.api(http.MethodPost, "/api/v1/accounts/"+f.accountID(name)+"/act-as", atoken, map[string]string{"reason": "x"}); r.Code != http.StatusNotFound {
				t.Errorf("acme acting as %s = %d, want 404", name, r.Code)
			}
		}
		if r := acme.api(http.MethodPost, "/api/v1/accounts/"+f.accountID("Beta Resale")+"/act-as", atoken, map[string]string{"reason": "support"}); r.Code != http.StatusNoContent {
			t.Errorf("acme acting as its sub-reseller = %d, want 204", r.Code)
		}
	})
}
