package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/tenantry/tenantry/store"
)

// planID finds a demo plan's id by its owner and name.
func (f *fixture) planID(owner, name string) string {
	f.t.Helper()
	plans, err := f.scope("portal.localhost", "admin@nimbus.example").Plans(context.Background(), f.accountID(owner), store.PlanFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, p := range plans {
		if p.Name == name {
			return p.ID
		}
	}
	f.t.Fatalf("no plan %q of %s", name, owner)
	return ""
}

// currentPlan names an account's plan in effect, "" for none.
func (f *fixture) currentPlan(id string) string {
	f.t.Helper()
	pa, err := f.scope("portal.localhost", "admin@nimbus.example").CurrentPlan(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	if pa == nil {
		return ""
	}
	return pa.Plan.Name
}

// The New account form offers the vendor's active plans by audience
// with its default plan preselected, and saves the one chosen (issue 10
// item 11).
func TestNewAccountFormPlan(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	acme.login("admin@acme.example")
	r := acme.get("/reseller/accounts/new")
	if r.Code != http.StatusOK {
		t.Fatalf("GET new = %d", r.Code)
	}
	retail, wholesale := f.planID("Acme Hosting", "Acme Retail"), f.planID("Acme Hosting", "Acme Partner Wholesale")
	selected := regexp.MustCompile(`<option value="` + retail + `" selected>Acme Retail`)
	if !selected.MatchString(r.body) {
		t.Errorf("Acme Retail (the default) is not preselected: %s", excerpt(r.body))
	}
	if !regexp.MustCompile(`<optgroup label="For resellers \(wholesale\)"><option value="` + wholesale + `"`).MatchString(r.body) {
		t.Error("the wholesale plan is not offered under resellers")
	}
	for _, foreign := range []string{f.planID("Orbit IT", "Orbit Business"), f.planID("Nimbus Cloud", "Direct Standard")} {
		if regexp.MustCompile(foreign).MatchString(r.body) {
			t.Errorf("the form offers a plan of another vendor: %s", foreign)
		}
	}

	form := func(name, kind, plan string) url.Values {
		return url.Values{"kind": {kind}, "name": {name}, "plan_id": {plan},
			"owner.name": {"Pat"}, "owner.email": {"pat@" + kind + ".example"}}
	}
	created := regexp.MustCompile(`/reseller/accounts/(acc_[a-z0-9]+)`)
	for _, tc := range []struct{ name, kind, plan, want string }{
		{"Sierra Sails", "customer", retail, "Acme Retail"},
		{"Tango Resale", "reseller", wholesale, "Acme Partner Wholesale"},
		{"Uniform Union", "customer", "", ""},
	} {
		r := acme.submit("/reseller/accounts/new", "/reseller/accounts/new", form(tc.name, tc.kind, tc.plan))
		if r.Code != http.StatusCreated {
			t.Fatalf("create %s = %d: %s", tc.name, r.Code, excerpt(r.body))
		}
		m := created.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no link to the new account")
		}
		if got := f.currentPlan(m[1]); got != tc.want {
			t.Errorf("%s: plan = %q, want %q", tc.name, got, tc.want)
		}
	}

	// an organization anchor posted with the preselected default is
	// created without a plan: an anchor is never invoiced
	anchor := form("Oscar Holdings", "customer", retail)
	anchor.Set("is_organization", "true")
	if r := acme.submit("/reseller/accounts/new", "/reseller/accounts/new", anchor); r.Code != http.StatusCreated {
		t.Errorf("anchor with the preselected plan = %d, want 201: %s", r.Code, excerpt(r.body))
	} else if m := created.FindStringSubmatch(r.body); m == nil || f.currentPlan(m[1]) != "" {
		t.Errorf("the anchor got a plan (or no link to it): %v", m)
	}

	// a reseller posted with the customers' default the form preselected
	// starts without a plan; picked on purpose, that plan is refused below
	res := form("Papa Resale", "reseller", retail)
	res.Set("plan_shown", retail)
	if r := acme.submit("/reseller/accounts/new", "/reseller/accounts/new", res); r.Code != http.StatusCreated {
		t.Errorf("reseller left on the preselected default = %d, want 201: %s", r.Code, excerpt(r.body))
	} else if m := created.FindStringSubmatch(r.body); m == nil || f.currentPlan(m[1]) != "" {
		t.Errorf("the reseller got the customers' plan (or no link to it): %v", m)
	}

	// refused: another vendor's plan, the wrong audience; the form keeps
	// the input and says why on the field
	for _, tc := range []struct{ name, kind, plan string }{
		{"Victor Vans", "customer", f.planID("Orbit IT", "Orbit Business")},
		{"Whiskey Works", "customer", "pln_nosuchplan"},
		{"Xray Resale", "reseller", retail},
	} {
		r := acme.submit("/reseller/accounts/new", "/reseller/accounts/new", form(tc.name, tc.kind, tc.plan))
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("%s = %d, want 422", tc.name, r.Code)
		}
		if msg, ok := byTestID(r.body, "error-plan_id"); !ok || msg == "" {
			t.Errorf("%s: no error on plan_id", tc.name)
		}
		if !regexp.MustCompile(`value="` + tc.name + `"`).MatchString(r.body) {
			t.Errorf("%s: the name typed is not kept", tc.name)
		}
	}
}

// POST /api/v1/accounts takes plan_id: the default plan when left out,
// 422 on the field for a plan that is not the vendor's, alike whether it
// exists elsewhere or not at all (issue 10 item 11).
func TestAPICreateAccountPlan(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	token := acme.token("admin@acme.example")
	create := func(body map[string]any) (*response, accountBody) {
		r := acme.api(http.MethodPost, "/api/v1/accounts", token, body)
		var a accountBody
		if r.Code == http.StatusCreated {
			decode(t, r, &a)
		}
		return r, a
	}
	r, a := create(map[string]any{"kind": "customer", "name": "Yankee Yards"})
	if r.Code != http.StatusCreated || f.currentPlan(a.ID) != "Acme Retail" {
		t.Errorf("left out: %d, plan %q; want 201 on the default Acme Retail", r.Code, f.currentPlan(a.ID))
	}
	wholesale := f.planID("Acme Hosting", "Acme Partner Wholesale")
	r, a = create(map[string]any{"kind": "reseller", "name": "Zulu Resale", "plan_id": wholesale})
	if r.Code != http.StatusCreated || f.currentPlan(a.ID) != "Acme Partner Wholesale" {
		t.Errorf("chosen: %d, plan %q; want 201 on Acme Partner Wholesale", r.Code, f.currentPlan(a.ID))
	}
	var bodies []string
	for _, plan := range []string{f.planID("Orbit IT", "Orbit Business"), "pln_nosuchplan"} {
		r, _ := create(map[string]any{"kind": "customer", "name": "Alpha Again", "plan_id": plan})
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusUnprocessableEntity || e.Error.Fields["plan_id"] == "" {
			t.Errorf("plan %s = %d %+v, want 422 on plan_id", plan, r.Code, e.Error)
		}
		bodies = append(bodies, r.body)
	}
	if bodies[0] != bodies[1] {
		t.Errorf("another vendor's plan and no plan answer differently:\n%s\n%s", bodies[0], bodies[1])
	}
	// Orbit's own plan is fine on Orbit's domain: the refusal is per tenant
	orbit := f.browser("orbit.localhost")
	r = orbit.api(http.MethodPost, "/api/v1/accounts", orbit.token("admin@orbit.example"),
		map[string]any{"kind": "customer", "name": "Bravo Boats", "plan_id": f.planID("Orbit IT", "Orbit Business")})
	if r.Code != http.StatusCreated {
		t.Errorf("Orbit with its own plan = %d: %s", r.Code, r.body)
	}
}
