package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAddInfraDelegateForm adds delegates through the form of an
// infrastructure's page: someone with a user is granted at once, anyone
// else is invited, and either way the form comes back to the page it was
// posted from with a flash saying which.
func TestAddInfraDelegateForm(t *testing.T) {
	f := newFixture(t)
	owner := f.browser("acme.localhost")
	owner.login("owner@bluebakery.example")
	var list struct{ Items []struct{ ID, Name string } }
	decode(t, owner.api(http.MethodGet, "/api/v1/accounts/"+f.accountID("Blue Bakery")+"/infrastructures",
		owner.token("owner@bluebakery.example"), nil), &list)
	var id string
	for _, in := range list.Items {
		if in.Name == "web-prod" {
			id = in.ID
		}
	}
	if id == "" {
		t.Fatalf("no web-prod among %+v", list.Items)
	}
	page := "/app/infrastructures/" + id

	tests := []struct {
		name, email, flash string
	}{
		{"ExistingUserGranted", "admin@orbit.example", "admin@orbit.example is now a delegate of web-prod."},
		{"NewPersonInvited", "someone@new.example", "someone@new.example is invited"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := owner.submit(page, "/infrastructures/"+id+"/delegates", url.Values{"email": {tt.email}, "return": {page}})
			if r.Code != http.StatusSeeOther || r.location() != page {
				t.Fatalf("adding %s = %d to %q, want 303 to %s: %s", tt.email, r.Code, r.location(), page, excerpt(r.body))
			}
			body := owner.get(page).body
			if got, _ := byTestID(body, "flash"); !strings.HasPrefix(got, tt.flash) {
				t.Errorf("flash = %q, want it to start with %q", got, tt.flash)
			}
			if !strings.Contains(body, tt.email) {
				t.Errorf("the Delegates section does not list %s", tt.email)
			}
		})
	}
}
