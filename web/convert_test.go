package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestConvertOfferedOnlyWhereItWorks: the provider's account page offers
// "Convert to reseller" by the same rule the conversion itself applies
// (tenantry.Account.CanConvertToReseller). An organization anchor directly
// below the provider is not offered it (its POST is refused with 422); a
// plain direct customer is, and converts.
func TestConvertOfferedOnlyWhereItWorks(t *testing.T) {
	f := newFixture(t)
	b := f.browser("portal.localhost")
	b.login("admin@nimbus.example")
	tok := b.token("admin@nimbus.example")
	r := b.api(http.MethodPost, "/api/v1/accounts", tok, map[string]any{"kind": "customer", "name": "Contoso Group",
		"is_organization": true, "parent_id": f.accountID("Nimbus Cloud")})
	if r.Code != http.StatusCreated {
		t.Fatalf("create an anchor below the provider: %d %s", r.Code, r.body)
	}
	var anchor struct{ ID string }
	decode(t, r, &anchor)

	page := "/provider/accounts/" + anchor.ID
	if _, ok := byTestID(b.get(page).body, "convert"); ok {
		t.Error("an organization anchor is offered Convert to reseller")
	}
	if r := b.submit(page, page+"/convert", url.Values{}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("converting the anchor = %d, want 422", r.Code)
	}

	ion := "/provider/accounts/" + f.accountID("Ion Robotics")
	if _, ok := byTestID(b.get(ion).body, "convert"); !ok {
		t.Fatal("a plain direct customer is not offered Convert to reseller")
	}
	if r := b.submit(ion, ion+"/convert", url.Values{}); r.Code != http.StatusSeeOther {
		t.Errorf("converting a plain direct customer = %d, want 303", r.Code)
	}
}
