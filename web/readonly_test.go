package web_test

import (
	"net/http"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// Pages a role may read but not change show no form to change them: an
// Ops member of Acme reads Settings and Plans without Save, Copy, Archive
// or New plan, and is offered no New account; Acme's Owner gets them all.
// (The store refuses the changes either way: this is what the person sees.)
func TestReadOnlyPagesOfferNoForms(t *testing.T) {
	f := newFixtureWithMembers(t, auditMember{"Acme Hosting", "ro-ops@acme.example", tenantry.RoleOps})
	retail := planID(t, f, "acme.localhost", "admin@acme.example", "Acme Hosting", "Acme Retail")
	pages := []struct {
		path      string
		forms     []string // testids an Owner gets and Ops does not
		readOnlys []string // testids Ops gets instead
	}{
		{"/reseller", []string{"new-account"}, nil},
		{"/reseller/accounts", []string{"new-account"}, nil},
		{"/reseller/settings", []string{"settings-save"}, []string{"settings-read-only"}},
		{"/reseller/plans", []string{"new-plan"}, nil},
		{"/reseller/plans/" + retail, []string{"plan-save", "plan-copy", "plan-archive"}, []string{"plan-read-only"}},
	}
	for _, who := range []struct {
		email string
		owner bool
	}{{"admin@acme.example", true}, {"ro-ops@acme.example", false}} {
		b := f.browser(acmeHost)
		b.login(who.email)
		for _, p := range pages {
			r := b.get(p.path)
			if r.Code != http.StatusOK {
				t.Fatalf("%s: GET %s = %d", who.email, p.path, r.Code)
			}
			for _, id := range p.forms {
				if _, ok := byTestID(r.body, id); ok != who.owner {
					t.Errorf("%s on %s: %s shown = %v, want %v", who.email, p.path, id, ok, who.owner)
				}
			}
			for _, id := range p.readOnlys {
				if _, ok := byTestID(r.body, id); ok == who.owner {
					t.Errorf("%s on %s: %s shown = %v, want %v", who.email, p.path, id, ok, !who.owner)
				}
			}
		}
	}
}
