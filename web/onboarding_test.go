package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
)

// A new reseller's page shows its vendor four to-dos linking to where
// each is done; the plan and the domain flip to done once set; a
// reseller's dashboard shows its own end user panel URL and no one else's.
func TestResellerOnboardingChecklist(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	nimbus := f.scope("portal.localhost", "admin@nimbus.example")
	created, err := nimbus.CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindReseller, Name: "Fresh Resale",
		PlanID: new(string)}, mail.Links{Scheme: "http"})
	if err != nil {
		t.Fatal(err)
	}
	id := created.Account.ID
	b := f.browser("portal.localhost")
	b.login("admin@nimbus.example")
	page := "/provider/accounts/" + id
	r := b.get(page)
	if r.Code != 200 {
		t.Fatalf("GET %s = %d", page, r.Code)
	}
	service := page + "/service"
	for _, key := range []string{"plan", "domain", "branding", "signup"} {
		if got, ok := byTestID(r.body, "onboarding-"+key+"-state"); got != "To do" {
			t.Errorf("%s = %q (shown %v), want To do", key, got, ok)
		}
	}
	for _, key := range []string{"plan", "domain"} {
		if !strings.Contains(r.body, `href="`+service+`" data-testid="onboarding-`+key+`-link"`) {
			t.Errorf("%s does not link to %s", key, service)
		}
	}

	plans, err := nimbus.Plans(ctx, f.accountID("Nimbus Cloud"), store.PlanFilter{Audience: tenantry.AudienceResellers, Status: tenantry.PlanActive})
	if err != nil || len(plans) == 0 {
		t.Fatalf("no wholesale plan: %v", err)
	}
	if r := b.submit(service, page+"/plan", url.Values{"plan_id": {plans[0].ID}, "effective_from": {time.Now().UTC().Format(time.DateOnly)}}); r.Code != 303 {
		t.Fatalf("assign plan = %d: %s", r.Code, excerpt(r.body))
	}
	if r := b.submit(service, page+"/domain", url.Values{"fqdn": {"fresh.localhost"}}); r.Code != 303 {
		t.Fatalf("set domain = %d: %s", r.Code, excerpt(r.body))
	}
	r = b.get(page)
	for key, want := range map[string]string{"plan": "Done", "domain": "Done", "branding": "To do", "signup": "To do"} {
		if got, _ := byTestID(r.body, "onboarding-"+key+"-state"); got != want {
			t.Errorf("after setup %s = %q, want %s", key, got, want)
		}
	}

	acme := f.browser("acme.localhost")
	acme.login("admin@acme.example")
	body := acme.get("/reseller").body
	if got, _ := byTestID(body, "own-panel-url"); got != "http://acme.localhost/login" {
		t.Errorf("Acme's panel URL = %q", got)
	}
	orbit := f.browser("orbit.localhost")
	orbit.login("admin@orbit.example")
	body = orbit.get("/reseller").body
	if got, _ := byTestID(body, "own-panel-url"); got != "http://orbit.localhost/login" {
		t.Errorf("Orbit's panel URL = %q", got)
	}
	if strings.Contains(body, "acme.localhost") {
		t.Error("Orbit's dashboard shows Acme's URL")
	}

	// Acme has all four done: no checklist; with sign-up off, its own
	// checklist links to its settings and says its vendor sets the plan
	if strings.Contains(acme.get("/reseller").body, `data-testid="onboarding"`) {
		t.Error("Acme's checklist is shown with all done")
	}
	off := false
	if _, err := f.scope("acme.localhost", "admin@acme.example").UpdateSettings(ctx, f.accountID("Acme Hosting"),
		tenantry.SettingsUpdate{SignupEnabled: &off}); err != nil {
		t.Fatal(err)
	}
	body = acme.get("/reseller").body
	if got, _ := byTestID(body, "onboarding-signup-state"); got != "To do" {
		t.Errorf("Acme's sign-up step = %q, want To do", got)
	}
	if !strings.Contains(body, `href="/reseller/settings" data-testid="onboarding-signup-link"`) {
		t.Error("Acme's sign-up step does not link to /reseller/settings")
	}
	if got, _ := byTestID(body, "onboarding-plan-state"); got != "Done" {
		t.Errorf("Acme's plan step = %q, want Done", got)
	}
	// another vendor does not reach the fresh reseller's page
	if got := otherVendorSees(t, f, id); got != "" {
		t.Error(got)
	}
}

// otherVendorSees checks that Orbit cannot open a reseller of another
// vendor; it returns a complaint or "".
func otherVendorSees(t *testing.T, f *fixture, id string) string {
	t.Helper()
	b := f.browser("orbit.localhost")
	b.login("admin@orbit.example")
	if r := b.get("/reseller/accounts/" + id); r.Code != 404 {
		return "Orbit sees another vendor's reseller"
	}
	return ""
}
