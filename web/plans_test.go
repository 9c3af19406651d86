package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

type planBody struct {
	ID            string
	OwnerID       string `json:"owner_id"`
	Name          string
	Currency      string
	Audience      string
	MarkupPercent string `json:"markup_percent"`
	Status        string
	Prices        []struct {
		Metric    string
		UnitPrice string `json:"unit_price"`
	}
}

// planID finds a demo plan's id through the API as its owner's admin.
func planID(t *testing.T, f *fixture, host, email, owner, name string) string {
	t.Helper()
	b := f.browser(host)
	var l struct{ Items []planBody }
	decode(t, b.api(http.MethodGet, "/api/v1/accounts/"+f.accountID(owner)+"/plans", b.token(email), nil), &l)
	for _, p := range l.Items {
		if p.Name == name {
			return p.ID
		}
	}
	t.Fatalf("no plan %q of %s", name, owner)
	return ""
}

func TestAPIMetrics(t *testing.T) {
	f := newFixture(t)
	customer := f.browser("acme.localhost")
	var list []struct{ Key, Name, Unit string }
	decode(t, customer.api(http.MethodGet, "/api/v1/metrics", customer.token("owner@bluebakery.example"), nil), &list)
	if len(list) != 7 || list[0].Key == "" || list[0].Unit == "" {
		t.Fatalf("metrics = %+v, want the 7 demo metrics", list)
	}
	provider := f.browser("portal.localhost")
	token := provider.token("admin@nimbus.example")
	r := provider.api(http.MethodPost, "/api/v1/metrics", token, map[string]string{"key": "gpu.a100", "name": "GPU A100", "unit": "hour"})
	if r.Code != http.StatusCreated {
		t.Fatalf("create = %d %s", r.Code, r.body)
	}
	if r := provider.api(http.MethodPost, "/api/v1/metrics", token, map[string]string{"key": "gpu.a100", "name": "Again", "unit": "hour"}); r.Code != http.StatusConflict {
		t.Errorf("duplicate = %d, want 409", r.Code)
	}
	r = provider.api(http.MethodPost, "/api/v1/metrics", token, map[string]string{"key": "Bad Key", "name": "", "unit": "parsec"})
	var e apiErr
	decode(t, r, &e)
	if r.Code != http.StatusUnprocessableEntity || e.Error.Fields["key"] == "" || e.Error.Fields["name"] == "" || e.Error.Fields["unit"] == "" {
		t.Errorf("invalid = %d %v", r.Code, e.Error.Fields)
	}
	acme := f.browser("acme.localhost")
	if r := acme.api(http.MethodPost, "/api/v1/metrics", acme.token("admin@acme.example"), map[string]string{"key": "x.y", "name": "X", "unit": "hour"}); r.Code != http.StatusNotFound {
		t.Errorf("reseller adding a metric = %d, want 404", r.Code)
	}
}

func TestAPIPlans(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	token := acme.token("admin@acme.example")
	acmeID := f.accountID("Acme Hosting")

	r := acme.api(http.MethodPost, "/api/v1/accounts/"+acmeID+"/plans", token, map[string]any{
		"name": "Acme Pro", "currency": "USD", "audience": "customers", "markup_percent": "12.5",
		"prices": []map[string]string{{"metric": "instance.small", "unit_price": "0.0215"}, {"metric": "network.egress", "unit_price": "0.01"}}})
	if r.Code != http.StatusCreated {
		t.Fatalf("create = %d %s", r.Code, r.body)
	}
	var p planBody
	decode(t, r, &p)
	if p.OwnerID != acmeID || p.MarkupPercent != "12.50" || len(p.Prices) != 2 || p.Prices[0].UnitPrice != "0.021500" {
		t.Errorf("created %+v", p)
	}

	t.Run("Invalid", func(t *testing.T) {
		r := acme.api(http.MethodPost, "/api/v1/accounts/"+acmeID+"/plans", token, map[string]any{
			"name": "", "currency": "usd1", "audience": "everyone", "markup_percent": "-3",
			"prices": []map[string]string{{"metric": "instance.small", "unit_price": "0.0000001"}, {"metric": "warp.drive", "unit_price": "1"}}})
		var e apiErr
		decode(t, r, &e)
		for _, field := range []string{"name", "currency", "audience", "markup_percent", "prices.instance.small", "prices.warp.drive"} {
			if e.Error.Fields[field] == "" {
				t.Errorf("no message for %s: %v", field, e.Error.Fields)
			}
		}
		if r.Code != http.StatusUnprocessableEntity {
			t.Errorf("status = %d", r.Code)
		}
		r = acme.api(http.MethodPost, "/api/v1/accounts/"+acmeID+"/plans", token, map[string]any{"name": "Acme Pro", "currency": "USD", "audience": "customers"})
		if r.Code != http.StatusConflict {
			t.Errorf("duplicate name = %d, want 409", r.Code)
		}
	})
	t.Run("PutTheGetAnswer", func(t *testing.T) {
		got := acme.api(http.MethodGet, "/api/v1/plans/"+p.ID, token, nil)
		body := strings.Replace(got.body, `"Acme Pro"`, `"Acme Pro 2026"`, 1)
		r := acme.api(http.MethodPut, "/api/v1/plans/"+p.ID, token, body)
		var put planBody
		decode(t, r, &put)
		if r.Code != http.StatusOK || put.Name != "Acme Pro 2026" || len(put.Prices) != 2 {
			t.Fatalf("put = %d %s", r.Code, r.body)
		}
		tampered := strings.Replace(got.body, `"owner_id":"`+acmeID, `"owner_id":"`+f.accountID("Orbit IT"), 1)
		if r := acme.api(http.MethodPut, "/api/v1/plans/"+p.ID, token, tampered); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("changing owner_id = %d, want 422", r.Code)
		}
	})
	t.Run("ArchivedCannotBeAssigned", func(t *testing.T) {
		r := acme.api(http.MethodPut, "/api/v1/plans/"+p.ID, token, map[string]any{"name": "Acme Pro 2026", "currency": "USD",
			"audience": "customers", "status": "archived"})
		var put planBody
		decode(t, r, &put)
		if put.Status != "archived" {
			t.Fatalf("archive = %d %s", r.Code, r.body)
		}
		r = acme.api(http.MethodPut, "/api/v1/accounts/"+f.accountID("Blue Bakery")+"/plan", token, map[string]string{"plan_id": p.ID})
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusUnprocessableEntity || e.Error.Code != "plan_archived" {
			t.Errorf("assign archived = %d %s", r.Code, r.body)
		}
	})
	t.Run("AnotherResellersPlanIsNotFound", func(t *testing.T) {
		orbitPlan := planID(t, f, "orbit.localhost", "admin@orbit.example", "Orbit IT", "Orbit Business")
		r := acme.api(http.MethodPut, "/api/v1/accounts/"+f.accountID("Blue Bakery")+"/plan", token, map[string]string{"plan_id": orbitPlan})
		if r.Code != http.StatusNotFound {
			t.Errorf("assign orbit's plan = %d, want 404", r.Code)
		}
		if r := acme.api(http.MethodGet, "/api/v1/plans/"+orbitPlan, token, nil); r.Code != http.StatusNotFound {
			t.Errorf("GET orbit's plan = %d, want 404", r.Code)
		}
		// nor the provider's plans that are not Acme's own wholesale plan
		direct := planID(t, f, "portal.localhost", "admin@nimbus.example", "Nimbus Cloud", "Direct Standard")
		if r := acme.api(http.MethodGet, "/api/v1/plans/"+direct, token, nil); r.Code != http.StatusNotFound {
			t.Errorf("GET the provider's retail plan = %d, want 404", r.Code)
		}
		wholesale := planID(t, f, "portal.localhost", "admin@nimbus.example", "Nimbus Cloud", "Reseller Wholesale")
		if r := acme.api(http.MethodGet, "/api/v1/plans/"+wholesale, token, nil); r.Code != http.StatusOK {
			t.Errorf("GET its own wholesale plan = %d, want 200", r.Code)
		}
		if r := acme.api(http.MethodPut, "/api/v1/plans/"+wholesale, token, map[string]any{"name": "Cheaper", "currency": "USD", "audience": "resellers"}); r.Code != http.StatusForbidden {
			t.Errorf("editing its vendor's plan = %d, want 403", r.Code)
		}
	})
	t.Run("AssignWithHistory", func(t *testing.T) {
		retail := planID(t, f, "acme.localhost", "admin@acme.example", "Acme Hosting", "Acme Retail")
		cp := acme.api(http.MethodPost, "/api/v1/plans/"+retail+"/copy", token, map[string]string{"name": "Acme Retail 2027"})
		var copied planBody
		decode(t, cp, &copied)
		if cp.Code != http.StatusCreated || len(copied.Prices) != 7 {
			t.Fatalf("copy = %d %s", cp.Code, cp.body)
		}
		bakery := f.accountID("Blue Bakery")
		r := acme.api(http.MethodPut, "/api/v1/accounts/"+bakery+"/plan", token, map[string]string{"plan_id": copied.ID, "effective_from": "2026-11-01"})
		if r.Code != http.StatusOK {
			t.Fatalf("assign = %d %s", r.Code, r.body)
		}
		var got struct {
			Current struct {
				PlanName      string `json:"plan_name"`
				EffectiveFrom string `json:"effective_from"`
			}
			History []any
		}
		decode(t, acme.api(http.MethodGet, "/api/v1/accounts/"+bakery+"/plan", token, nil), &got)
		if got.Current.PlanName != "Acme Retail 2027" || got.Current.EffectiveFrom != "2026-11-01" || len(got.History) != 2 {
			t.Errorf("plan = %+v", got)
		}
		if r := acme.api(http.MethodPut, "/api/v1/accounts/"+bakery+"/plan", token, map[string]string{"plan_id": copied.ID, "effective_from": "1st of May"}); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("bad date = %d, want 422", r.Code)
		}
		// a wholesale plan does not fit a customer
		partner := planID(t, f, "acme.localhost", "admin@acme.example", "Acme Hosting", "Acme Partner Wholesale")
		if r := acme.api(http.MethodPut, "/api/v1/accounts/"+bakery+"/plan", token, map[string]string{"plan_id": partner}); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("reseller plan on a customer = %d, want 422", r.Code)
		}
		// the customer itself cannot change its plan
		owner := f.browser("acme.localhost").token("owner@bluebakery.example")
		if r := acme.api(http.MethodPut, "/api/v1/accounts/"+bakery+"/plan", owner, map[string]string{"plan_id": retail}); r.Code != http.StatusForbidden {
			t.Errorf("customer changing its own plan = %d, want 403", r.Code)
		}
	})
}

func TestAPISettings(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	token := acme.token("admin@acme.example")
	path := "/api/v1/accounts/" + f.accountID("Acme Hosting") + "/settings"
	got := acme.api(http.MethodGet, path, token, nil)
	if got.Code != http.StatusOK || !strings.Contains(got.body, `"tax_rate_percent":"20.00"`) || strings.Contains(got.body, "resellers_enabled") {
		t.Fatalf("GET = %d %s", got.Code, got.body)
	}
	body := strings.Replace(got.body, `"invoice_prefix":"ACME-"`, `"invoice_prefix":"AC/"`, 1)
	r := acme.api(http.MethodPut, path, token, body)
	if r.Code != http.StatusOK || !strings.Contains(r.body, `"invoice_prefix":"AC/"`) {
		t.Fatalf("PUT the GET answer = %d %s", r.Code, r.body)
	}
	r = acme.api(http.MethodPut, path, token, map[string]any{"default_plan_id": nil, "tax_rate_percent": "7.25"})
	if r.Code != http.StatusOK || !strings.Contains(r.body, `"default_plan_id":null`) || !strings.Contains(r.body, `"tax_rate_percent":"7.25"`) ||
		!strings.Contains(r.body, `"invoice_prefix":"AC/"`) {
		t.Errorf("partial PUT = %d %s", r.Code, r.body)
	}
	orbitPlan := planID(t, f, "orbit.localhost", "admin@orbit.example", "Orbit IT", "Orbit Business")
	r = acme.api(http.MethodPut, path, token, map[string]any{"currency": "EURO", "tax_rate_percent": "120",
		"default_plan_id": orbitPlan, "terms_url": "javascript:alert(1)", "support_email": "nope"})
	var e apiErr
	decode(t, r, &e)
	for _, field := range []string{"currency", "tax_rate_percent", "terms_url", "support_email"} {
		if e.Error.Fields[field] == "" {
			t.Errorf("no message for %s: %v", field, e.Error.Fields)
		}
	}
	r = acme.api(http.MethodPut, path, token, map[string]any{"default_plan_id": orbitPlan})
	decode(t, r, &e)
	if r.Code != http.StatusUnprocessableEntity || e.Error.Fields["default_plan_id"] == "" {
		t.Errorf("another reseller's plan as default = %d %s", r.Code, r.body)
	}
	if r := acme.api(http.MethodPut, path, token, map[string]any{"resellers_enabled": true}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("a reseller switching the programme = %d, want 422", r.Code)
	}
	if r := acme.api(http.MethodGet, "/api/v1/accounts/"+f.accountID("Orbit IT")+"/settings", token, nil); r.Code != http.StatusNotFound {
		t.Errorf("orbit's settings from acme = %d, want 404", r.Code)
	}
	provider := f.browser("portal.localhost")
	ptoken := provider.token("admin@nimbus.example")
	ppath := "/api/v1/accounts/" + f.accountID("Nimbus Cloud") + "/settings"
	r = provider.api(http.MethodPut, ppath, ptoken, map[string]any{"resellers_enabled": false})
	if r.Code != http.StatusOK || !strings.Contains(r.body, `"resellers_enabled":false`) {
		t.Errorf("provider switching the programme off = %d %s", r.Code, r.body)
	}
}

func TestDomains(t *testing.T) {
	f := newFixture(t)
	provider := f.browser("portal.localhost")
	token := provider.token("admin@nimbus.example")
	acme := f.accountID("Acme Hosting")
	path := "/api/v1/accounts/" + acme + "/domains"

	for _, tc := range []struct {
		fqdn string
		want int
	}{
		{"https://cloud.acme.example/", http.StatusUnprocessableEntity},
		{"cloud.acme.example:8443", http.StatusUnprocessableEntity},
		{"*.acme.example", http.StatusUnprocessableEntity},
		{"acme", http.StatusUnprocessableEntity},
		{"portal.localhost", http.StatusConflict},
		{"orbit.localhost", http.StatusConflict},
		{"Cloud.Acme.Example.", http.StatusCreated},
		{"cloud.acme.example", http.StatusConflict},
		{"bücher-acme.localhost", http.StatusCreated},
	} {
		r := provider.api(http.MethodPost, path, token, map[string]string{"fqdn": tc.fqdn})
		if r.Code != tc.want {
			t.Errorf("POST %q = %d, want %d: %s", tc.fqdn, r.Code, tc.want, r.body)
		}
	}
	if r := f.browser("bücher-acme.localhost").get("/login"); !strings.Contains(r.body, "Acme") {
		t.Errorf("the IDN alias does not serve acme: %d", r.Code)
	}
	// the end user panel URL changes on the next request, without restart
	r := provider.api(http.MethodPost, path, token, map[string]any{"fqdn": "zen.localhost", "primary": true})
	if r.Code != http.StatusCreated || !strings.Contains(r.body, `"primary":true`) {
		t.Fatalf("primary = %d %s", r.Code, r.body)
	}
	if got, _ := byTestID(f.browser("zen.localhost").get("/login").body, "brand"); got != "Acme Hosting" {
		t.Errorf("zen.localhost brand = %q", got)
	}
	if r := f.browser("acme.localhost").get("/login"); r.Code != http.StatusNotFound {
		t.Errorf("the old URL still answers: %d", r.Code)
	}
	if r := provider.api(http.MethodDelete, path+"/cloud.acme.example", token, nil); r.Code != http.StatusNoContent {
		t.Errorf("DELETE alias = %d", r.Code)
	}
	// only its vendor manages a reseller's domains
	zen := f.browser("zen.localhost")
	if r := zen.api(http.MethodPost, path, zen.token("admin@acme.example"), map[string]string{"fqdn": "mine.example"}); r.Code != http.StatusForbidden {
		t.Errorf("a reseller adding its own domain = %d, want 403", r.Code)
	}

	t.Run("Form", func(t *testing.T) {
		b := f.browser("portal.localhost")
		b.login("admin@nimbus.example")
		page := "/provider/accounts/" + f.accountID("Orbit IT") + "/service"
		r := b.submit(page, page[:len(page)-len("/service")]+"/domain", url.Values{"fqdn": {"zen.localhost"}})
		if r.Code != http.StatusConflict {
			t.Fatalf("duplicate in the form = %d, want 409", r.Code)
		}
		if msg, _ := byTestID(r.body, "error-fqdn"); msg == "" || !strings.Contains(r.body, `value="zen.localhost"`) {
			t.Errorf("no field error or input lost: %q", msg)
		}
		r = b.submit(page, page[:len(page)-len("/service")]+"/domain", url.Values{"fqdn": {"orbit-cloud.localhost"}})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("set URL = %d", r.Code)
		}
		if got, _ := byTestID(b.get(page).body, "panel-url"); !strings.Contains(got, "orbit-cloud.localhost") {
			t.Errorf("panel URL shown = %q", got)
		}
	})
}

func TestSubResellerDepth(t *testing.T) {
	f := newFixture(t)
	beta := f.browser("beta.localhost")
	token := beta.token("admin@beta.example")
	r := beta.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "reseller", "name": "Gamma Resale",
		"owner": map[string]string{"email": "g@gamma-resale.example", "name": "G"}})
	if r.Code != http.StatusCreated {
		t.Fatalf("beta (depth 1) creating a sub-reseller = %d %s", r.Code, r.body)
	}
	var gamma accountBody
	decode(t, r, &gamma)
	r = beta.api(http.MethodPatch, "/api/v1/accounts/"+gamma.ID, token, map[string]any{"max_reseller_depth": 1})
	if r.Code != http.StatusUnprocessableEntity {
		t.Errorf("deeper than beta may = %d, want 422", r.Code)
	}
	gammaToken := beta.token("admin@beta.example")
	r = beta.api(http.MethodPost, "/api/v1/accounts", gammaToken, map[string]any{"kind": "reseller", "name": "Delta Resale",
		"parent_id": gamma.ID})
	if r.Code != http.StatusUnprocessableEntity {
		t.Errorf("a sub-reseller below a depth-0 reseller = %d, want 422", r.Code)
	}
	acme := f.browser("acme.localhost")
	r = acme.api(http.MethodPatch, "/api/v1/accounts/"+f.accountID("Beta Resale"), acme.token("admin@acme.example"), map[string]any{"max_reseller_depth": 5})
	if r.Code != http.StatusUnprocessableEntity {
		t.Errorf("acme (depth 2) giving beta 5 = %d, want 422", r.Code)
	}
}

func TestPlanEditorShowsMarginAndWarns(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	form := url.Values{"name": {"Loss Leader"}, "currency": {"USD"}, "audience": {"customers"}, "markup_percent": {"0"},
		"prices.instance.small": {"0.010"}, "prices.network.egress": {"0.0200"}, "prices.storage.block": {"0.00000001"}}
	r := b.submit("/reseller/plans/new", "/reseller/plans/new", form)
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("7 decimals = %d, want 422", r.Code)
	}
	if msg, _ := byTestID(r.body, "error-prices.storage.block"); msg == "" {
		t.Error("no error on the over-precise price")
	}
	if !strings.Contains(r.body, `value="Loss Leader"`) || !strings.Contains(r.body, `value="0.0200"`) {
		t.Error("the input is not kept")
	}
	form.Set("prices.storage.block", "")
	r = b.submit("/reseller/plans/new", "/reseller/plans/new", form)
	if r.Code != http.StatusSeeOther {
		t.Fatalf("create = %d: %s", r.Code, excerpt(r.body))
	}
	page := b.get(r.location())
	if _, ok := byTestID(page.body, "plan-warning"); !ok {
		t.Error("no warning for prices below wholesale")
	}
	if _, ok := byTestID(page.body, "below-wholesale"); !ok {
		t.Error("the small instance is not flagged below wholesale (0.010 < 0.012)")
	}
	if !strings.Contains(page.body, "0.012000 USD") || !strings.Contains(page.body, "0.012000") {
		t.Error("the wholesale price is not shown")
	}
	// the provider's page never names the provider on acme's domain
	if strings.Contains(page.body, "Nimbus") {
		t.Error("the plan editor names the provider on acme's domain")
	}
}

func TestCustomerListFiltersByPlan(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	retail := planID(t, f, "acme.localhost", "admin@acme.example", "Acme Hosting", "Acme Retail")
	r := b.get("/reseller/accounts?plan=" + retail)
	if !strings.Contains(r.body, "Blue Bakery") || !strings.Contains(r.body, "Cobalt Law") || strings.Contains(r.body, "Beta Resale") {
		t.Errorf("plan filter: %s", excerpt(r.body))
	}
	if got, _ := byTestID(r.body, "account-plan"); got != "Acme Retail" {
		t.Errorf("plan column = %q", got)
	}
}

func TestConvertDirectCustomer(t *testing.T) {
	f := newFixture(t)
	b := f.browser("portal.localhost")
	b.login("admin@nimbus.example")
	harbor := f.accountID("Harbor Health")
	page := "/provider/accounts/" + harbor
	if _, ok := byTestID(b.get(page).body, "convert"); !ok {
		t.Fatal("no convert button on a direct customer")
	}
	r := b.submit(page, page+"/convert", url.Values{})
	if r.Code != http.StatusSeeOther || !strings.HasSuffix(r.location(), "/service") {
		t.Fatalf("convert = %d to %q", r.Code, r.location())
	}
	var a accountBody
	decode(t, b.api(http.MethodGet, "/api/v1/accounts/"+harbor, b.token("admin@nimbus.example"), nil), &a)
	if a.Kind != "reseller" {
		t.Errorf("kind = %q", a.Kind)
	}
	// a customer of a reseller is not a direct customer
	r = b.api(http.MethodPost, "/api/v1/accounts/"+f.accountID("Blue Bakery")+"/convert", b.token("admin@nimbus.example"), nil)
	if r.Code != http.StatusUnprocessableEntity {
		t.Errorf("converting acme's customer = %d, want 422", r.Code)
	}
}

// A PUT that leaves prices or markup out keeps them.
func TestAPIPlanPutKeepsWhatItDoesNotSend(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	token := acme.token("admin@acme.example")
	id := planID(t, f, "acme.localhost", "admin@acme.example", "Acme Hosting", "Acme Retail")
	r := acme.api(http.MethodPut, "/api/v1/plans/"+id, token, map[string]string{"name": "Acme Retail Renamed"})
	var p planBody
	decode(t, r, &p)
	if r.Code != http.StatusOK || p.Name != "Acme Retail Renamed" || len(p.Prices) != 7 || p.MarkupPercent != "25.00" {
		t.Errorf("partial PUT = %d %+v, want the prices and markup kept", r.Code, p)
	}
	r = acme.api(http.MethodPut, "/api/v1/plans/"+id, token, map[string]any{"prices": []map[string]any{{"metric": "instance.small", "unit_price": 0.5}}})
	var e apiErr
	decode(t, r, &e)
	if r.Code != http.StatusUnprocessableEntity || e.Error.Fields["prices.unit_price"] == "" {
		t.Errorf("a number for a price = %d %v, want 422 on prices.unit_price", r.Code, e.Error.Fields)
	}
}

// The API warns like the editor: below wholesale, and unpriced metrics
// the reseller pays for.
func TestAPIPlanWarnings(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	token := acme.token("admin@acme.example")
	r := acme.api(http.MethodPost, "/api/v1/accounts/"+f.accountID("Acme Hosting")+"/plans", token, map[string]any{
		"name": "Cheap", "currency": "USD", "audience": "customers",
		"prices": []map[string]string{{"metric": "instance.small", "unit_price": "0.001"}}})
	var p struct{ Warnings []string }
	decode(t, r, &p)
	if r.Code != http.StatusCreated || len(p.Warnings) != 2 || !strings.Contains(p.Warnings[0], "instance.small") ||
		!strings.Contains(p.Warnings[1], "instance.large") {
		t.Errorf("warnings = %d %q, want one for the loss and one for the 6 unpriced metrics", r.Code, p.Warnings)
	}
}

// Fixes from a QA pass, each as the user met it.
func TestQAFindings(t *testing.T) {
	f := newFixture(t)
	provider := f.browser("portal.localhost")
	ptoken := provider.token("admin@nimbus.example")

	t.Run("ControlCharactersInNames", func(t *testing.T) {
		r := provider.api(http.MethodPatch, "/api/v1/accounts/"+f.accountID("Harbor Health"), ptoken, map[string]string{"name": "Harbor\u0000Health"})
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusUnprocessableEntity || e.Error.Fields["name"] == "" {
			t.Errorf("NUL in a name = %d %s, want 422 on name", r.Code, r.body)
		}
	})
	t.Run("EffectiveDateBounds", func(t *testing.T) {
		plan := planID(t, f, "portal.localhost", "admin@nimbus.example", "Nimbus Cloud", "Direct Standard")
		for _, d := range []string{"0001-01-01", "9999-12-31"} {
			r := provider.api(http.MethodPut, "/api/v1/accounts/"+f.accountID("Harbor Health")+"/plan", ptoken, map[string]string{"plan_id": plan, "effective_from": d})
			if r.Code != http.StatusUnprocessableEntity {
				t.Errorf("effective_from %s = %d, want 422", d, r.Code)
			}
		}
	})
	t.Run("DepthBelowExistingSubResellers", func(t *testing.T) {
		r := provider.api(http.MethodPatch, "/api/v1/accounts/"+f.accountID("Acme Hosting"), ptoken, map[string]any{"max_reseller_depth": 0})
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(e.Error.Fields["max_reseller_depth"], "already has sub-resellers") {
			t.Errorf("depth 0 while Beta exists = %d %s", r.Code, r.body)
		}
	})
	t.Run("PlatformDomainSaysSo", func(t *testing.T) {
		r := provider.api(http.MethodPost, "/api/v1/accounts/"+f.accountID("Orbit IT")+"/domains", ptoken, map[string]string{"fqdn": "portal.localhost"})
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusConflict || !strings.Contains(e.Error.Fields["fqdn"], "platform") {
			t.Errorf("the platform domain = %d %s", r.Code, r.body)
		}
	})
	t.Run("ConvertHiddenWhileProgrammeOff", func(t *testing.T) {
		b := f.browser("portal.localhost")
		b.login("admin@nimbus.example")
		b.submit("/provider/settings", "/provider/settings/resellers", url.Values{"resellers_enabled": {"false"}})
		if _, ok := byTestID(b.get("/provider/accounts/"+f.accountID("Ion Robotics")).body, "convert"); ok {
			t.Error("the convert button shows while the reseller programme is off")
		}
		b.submit("/provider/settings", "/provider/settings/resellers", url.Values{"resellers_enabled": {"true"}})
	})
	t.Run("NoResellerKindWithoutDepth", func(t *testing.T) {
		b := f.browser("orbit.localhost")
		b.login("admin@orbit.example")
		if r := b.get("/reseller/accounts/new"); !strings.Contains(r.body, `value="reseller"`) {
			t.Error("orbit (depth 1) is not offered resellers")
		}
		r := provider.api(http.MethodPatch, "/api/v1/accounts/"+f.accountID("Orbit IT"), ptoken, map[string]any{"max_reseller_depth": 0})
		if r.Code != http.StatusOK {
			t.Fatalf("depth 0 = %d %s", r.Code, r.body)
		}
		if r := b.get("/reseller/accounts/new"); strings.Contains(r.body, `value="reseller"`) {
			t.Error("orbit (depth 0) is offered resellers")
		}
	})
}

// The metric catalogue is readable by every provider staff member; its
// forms are for those who may change it (plans.manage).
func TestMetricsReadOnlyWithoutPlansManage(t *testing.T) {
	f := newFixtureWithMembers(t, auditMember{"Nimbus Cloud", "viewer@nimbus.example", tenantry.RoleViewer})
	for _, c := range []struct {
		email    string
		readOnly bool
	}{{"viewer@nimbus.example", true}, {"admin@nimbus.example", false}} {
		b := f.browser("portal.localhost")
		b.login(c.email)
		r := b.get("/provider/metrics")
		if r.Code != http.StatusOK {
			t.Fatalf("%s: metrics = %d", c.email, r.Code)
		}
		_, form := byTestID(r.body, "metric-form")
		_, note := byTestID(r.body, "metrics-read-only")
		if form == c.readOnly || note != c.readOnly || strings.Contains(r.body, `action="/provider/metrics/`) == c.readOnly {
			t.Errorf("%s: add form %v, read-only note %v, want read-only %v", c.email, form, note, c.readOnly)
		}
	}
}
