package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A reseller's staff manage cost centers for their own organization and,
// through the My Org / Customer switch, for one customer; the customer's
// staff see the result in their own panel.
func TestVendorCostCenters(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")

	t.Run("OwnOrganization", func(t *testing.T) {
		own := "/reseller/cost-centers"
		if _, ok := byTestID(b.get("/reseller").body, "nav-cost-centers"); !ok {
			t.Error("no Cost centers item in the reseller's navigation")
		}
		r := b.submit(own, own, url.Values{"name": {"Marketing"}})
		if r.Code != http.StatusSeeOther || r.location() != own {
			t.Fatalf("create = %d to %q, want 303 to %s", r.Code, r.location(), own)
		}
		page := b.get(own)
		if title, _ := byTestID(page.body, "cost-centers-title"); title != "Cost centers of Acme Hosting" {
			t.Errorf("title = %q", title)
		}
		if name, _ := byTestID(page.body, "cost-center-name"); name != "Marketing" {
			t.Errorf("listed = %q, want Marketing", name)
		}
		if strings.Contains(page.body, "infrastructures?cost_center=") {
			t.Error("the vendor's own counts link to an infrastructure list it does not have")
		}
		long := strings.Repeat("x", 101)
		r = b.submit(own, own, url.Values{"name": {long}})
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.body, `value="`+long+`"`) {
			t.Errorf("too long a name = %d, want 422 with the input kept", r.Code)
		}
		cc := f.costCenterID(t, "Acme Hosting", "Marketing")
		r = b.submit(own, own+"/"+cc, url.Values{"name": {"Sales"}})
		if r.Code != http.StatusSeeOther || r.location() != own {
			t.Fatalf("rename = %d to %q", r.Code, r.location())
		}
		if name, _ := byTestID(b.get(own).body, "cost-center-name"); name != "Sales" {
			t.Errorf("renamed = %q, want Sales", name)
		}
		r = b.submit(own, own+"/"+cc+"/delete", url.Values{})
		if r.Code != http.StatusSeeOther || r.location() != own {
			t.Fatalf("delete = %d to %q", r.Code, r.location())
		}
		if _, ok := byTestID(b.get(own).body, "cost-centers-empty"); !ok {
			t.Error("the deleted cost center is still listed")
		}
	})

	bakery := f.accountID("Blue Bakery")
	sw := "/reseller/cost-centers?account=" + bakery
	owner := f.browser("acme.localhost")
	owner.login("owner@bluebakery.example")

	t.Run("Customer", func(t *testing.T) {
		page := b.get("/reseller/cost-centers?q=bakery")
		if _, ok := byTestID(page.body, "org-switch"); !ok || !strings.Contains(page.body, ">Blue Bakery</option>") ||
			strings.Contains(page.body, ">Cobalt Law</option>") {
			t.Fatal("the switch does not offer the searched customer")
		}
		page = b.get(sw)
		if title, _ := byTestID(page.body, "cost-centers-title"); title != "Cost centers of Blue Bakery" {
			t.Fatalf("switched title = %q", title)
		}
		prod := f.costCenterID(t, "Blue Bakery", "Production")
		link := "/reseller/accounts/" + bakery + "/infrastructures?cost_center=" + prod
		if !strings.Contains(page.body, `href="`+link+`"`) {
			t.Errorf("the count does not link to %s", link)
		}
		if r := b.get(link); r.Code != http.StatusOK {
			t.Errorf("GET %s = %d", link, r.Code)
		}
		if !strings.Contains(page.body, `name="account" value="`+bakery+`"`) {
			t.Error("the forms do not carry the switched account")
		}

		r := b.submit(sw, "/reseller/cost-centers", url.Values{"account": {bakery}, "name": {"Catering"}})
		if r.Code != http.StatusSeeOther || r.location() != sw {
			t.Fatalf("create through the switch = %d to %q, want 303 to %s", r.Code, r.location(), sw)
		}
		if !strings.Contains(owner.get("/app/cost-centers").body, ">Catering<") {
			t.Error("the customer's Owner does not see the cost center made for it")
		}
		if strings.Contains(b.get("/reseller/cost-centers").body, ">Catering<") {
			t.Error("the customer's cost center shows in the reseller's own list")
		}
		r = b.submit(sw, "/reseller/cost-centers", url.Values{"account": {bakery}, "name": {"catering"}})
		if r.Code != http.StatusConflict || !strings.Contains(r.body, `name="account" value="`+bakery+`"`) {
			t.Errorf("duplicate through the switch = %d, want 409 still on Blue Bakery", r.Code)
		}
		r = b.submit(sw, "/reseller/cost-centers", url.Values{"account": {bakery}, "name": {""}})
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Cost centers of Blue Bakery") {
			t.Errorf("empty name through the switch = %d, want 422 on Blue Bakery's page", r.Code)
		}

		cc := f.costCenterID(t, "Blue Bakery", "Catering")
		// without the switch the id is not one of the reseller's own
		if r := b.submit(sw, "/reseller/cost-centers/"+cc, url.Values{"name": {"Events"}}); r.Code != http.StatusNotFound {
			t.Errorf("rename of a customer's cost center as the reseller's own = %d, want 404", r.Code)
		}
		r = b.submit(sw, "/reseller/cost-centers/"+cc, url.Values{"account": {bakery}, "name": {"Events"}})
		if r.Code != http.StatusSeeOther || r.location() != sw {
			t.Fatalf("rename through the switch = %d to %q", r.Code, r.location())
		}
		app := owner.get("/app/cost-centers")
		if !strings.Contains(app.body, ">Events<") {
			t.Error("the customer's Owner does not see the renamed cost center")
		}
		if !strings.Contains(app.body, `href="/app/infrastructures?cost_center=`+cc+`"`) {
			t.Error("the customer's counts do not link to its infrastructures")
		}
		if _, ok := byTestID(app.body, "org-switch"); ok {
			t.Error("a customer's staff get the switch")
		}
		r = b.submit(sw, "/reseller/cost-centers/"+cc+"/delete", url.Values{"account": {bakery}})
		if r.Code != http.StatusSeeOther || r.location() != sw {
			t.Fatalf("delete through the switch = %d to %q", r.Code, r.location())
		}
		if strings.Contains(owner.get("/app/cost-centers").body, ">Events<") {
			t.Error("the deleted cost center is still the customer's")
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		// Orbit's customer, a sub-reseller, a customer of the provider, the
		// provider itself: none is a customer below Acme
		for _, name := range []string{"Delta Freight", "Beta Resale", "Harbor Health", "Nimbus Cloud"} {
			id := f.accountID(name)
			if r := b.get("/reseller/cost-centers?account=" + id); r.Code != http.StatusNotFound {
				t.Errorf("switch to %s = %d, want 404", name, r.Code)
			}
			r := b.submit("/reseller/cost-centers", "/reseller/cost-centers", url.Values{"account": {id}, "name": {"Intruder"}})
			if r.Code != http.StatusNotFound {
				t.Errorf("create for %s = %d, want 404", name, r.Code)
			}
		}
		if r := owner.get("/app/cost-centers?account=" + f.accountID("Cobalt Law")); r.Code != http.StatusNotFound {
			t.Errorf("a customer switching to a sibling = %d, want 404", r.Code)
		}
	})

	t.Run("Provider", func(t *testing.T) {
		p := f.browser("portal.localhost")
		p.login("admin@nimbus.example")
		page := p.get("/provider/cost-centers?account=" + bakery)
		link := `href="/provider/accounts/` + bakery + `/infrastructures?cost_center=`
		if page.Code != http.StatusOK || !strings.Contains(page.body, link) {
			t.Errorf("provider's switched page = %d, want 200 with links to its infrastructures", page.Code)
		}
		if _, ok := byTestID(p.get("/provider").body, "nav-cost-centers"); !ok {
			t.Error("no Cost centers item in the provider's navigation")
		}
	})
}
