package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/store"
)

// MetalCloud's referral scenario through the pages: Blue Bakery's Owner
// (on acme.localhost, where Blue Bakery is served) makes Orbit's admin a
// delegate of web-prod only. Orbit's admin has no login on Acme's domain,
// so it is invited (its name stays unknown to Blue Bakery until then),
// accepts with its own password, lands on the list of what it reaches,
// manages web-prod and nothing else; removing the delegation ends it on
// the next request; on its own domain the delegation does not exist.
func TestInfraDelegatePages(t *testing.T) {
	f := newFixture(t)
	webProd := f.infraID(t, "Blue Bakery", "web-prod")
	dbProd := f.infraID(t, "Blue Bakery", "db-prod")
	owner := f.browser(acmeHost)
	owner.login("owner@bluebakery.example")
	page := "/app/infrastructures/" + webProd
	if _, ok := byTestID(owner.get(page).body, "delegates-empty"); !ok {
		t.Fatal("web-prod's page has no empty Delegates section")
	}

	t.Run("BadEmailKeepsTheInput", func(t *testing.T) {
		r := owner.submit(page, "/infrastructures/"+webProd+"/delegates", url.Values{"email": {"not an address"}, "return": {page}})
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.body, `value="not an address"`) {
			t.Fatalf("bad email = %d: %s", r.Code, excerpt(r.body))
		}
		if _, ok := byTestID(r.body, "current-account"); !ok || !strings.Contains(r.body, "Blue Bakery") {
			t.Error("the refused form is not re-rendered in Blue Bakery's panel")
		}
	})

	r := owner.submit(page, "/infrastructures/"+webProd+"/delegates", url.Values{"email": {"admin@orbit.example"}, "return": {page}})
	if r.Code != http.StatusSeeOther || r.location() != page {
		t.Fatalf("add delegate = %d to %q: %s", r.Code, r.location(), excerpt(r.body))
	}
	invited := owner.get(page).body
	if email, ok := byTestID(invited, "delegate-email"); !ok || email != "admin@orbit.example" {
		t.Errorf("delegates list shows %q", email)
	}
	if !strings.Contains(invited, `data-testid="delegate-invitation-inv_`) || strings.Contains(invited, "Owner of Orbit IT") {
		t.Error("Orbit's admin, who has no login here, is not merely invited")
	}

	delegate := f.browser(acmeHost)
	if r := delegate.submit("/login", "/login", url.Values{"email": {"admin@orbit.example"}, "password": {"tenantry-demo"}}); r.Code != http.StatusUnauthorized {
		t.Fatalf("before accepting, Orbit's admin signs in on acme: %d", r.Code)
	}
	link := invitationPath.FindStringSubmatch(f.mailTo("admin@orbit.example").Text)
	if link == nil || link[1] != "acme.localhost" {
		t.Fatalf("invitation link = %v", link)
	}
	if _, ok := byTestID(delegate.get(link[2]).body, "invitation-has-user"); !ok {
		t.Error("the invitation page does not ask someone with a login for its password")
	}
	if r := delegate.submit(link[2], link[2], url.Values{"password": {"not-my-password-1"}}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("a wrong password accepts the invitation: %d", r.Code)
	}
	r = delegate.submit(link[2], link[2], url.Values{"password": {"tenantry-demo"}})
	if r.Code != http.StatusSeeOther || r.location() != "/infrastructures" {
		t.Fatalf("accepting with the password = %d to %q, want /infrastructures: %s", r.Code, r.location(), excerpt(r.body))
	}
	list := delegate.get("/infrastructures")
	if _, ok := byTestID(list.body, "reached-row-"+webProd); !ok {
		t.Fatalf("the delegate's list lacks web-prod: %s", excerpt(list.body))
	}
	if _, ok := byTestID(list.body, "reached-row-"+dbProd); ok {
		t.Error("the delegate's list shows db-prod, which is not delegated")
	}
	if badge, _ := byTestID(list.body, "infra-delegated"); badge != "delegate" {
		t.Errorf("delegate badge = %q", badge)
	}
	if _, ok := byTestID(list.body, "infra-form"); ok {
		t.Error("a delegate is offered to create infrastructures")
	}
	for _, path := range []string{"/infrastructures/" + dbProd, "/app", "/app/infrastructures", "/app/users", "/reseller"} {
		if r := delegate.get(path); r.Code != http.StatusNotFound {
			t.Errorf("GET %s as the delegate = %d, want 404", path, r.Code)
		}
	}
	detail := delegate.get("/infrastructures/" + webProd)
	if detail.Code != http.StatusOK {
		t.Fatalf("the delegate's web-prod page = %d", detail.Code)
	}
	for _, absent := range []string{"infra-delete-form", "delegate-form", "input-cost_center_id", "delegates-table"} {
		if _, ok := byTestID(detail.body, absent); ok {
			t.Errorf("the delegate's page offers %s", absent)
		}
	}
	if name, _ := byTestID(detail.body, "infra-account"); name != "Blue Bakery" {
		t.Errorf("owner shown = %q", name)
	}
	r = delegate.submit("/infrastructures/"+webProd, "/infrastructures/"+webProd, url.Values{"name": {"web-prod-managed"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("the delegate's rename = %d: %s", r.Code, excerpt(r.body))
	}
	if title, _ := byTestID(owner.get(page).body, "infra-title"); title != "web-prod-managed" {
		t.Errorf("the owner sees %q after the delegate's rename", title)
	}
	if r := delegate.submit("/infrastructures/"+webProd, "/infrastructures/"+webProd+"/delete", url.Values{}); r.Code != http.StatusForbidden {
		t.Errorf("the delegate's delete = %d, want 403", r.Code)
	}
	if r := delegate.get("/profile"); r.Code != http.StatusOK || !strings.Contains(r.body, "Delegated access") {
		t.Errorf("the delegate's profile = %d", r.Code)
	} else if _, ok := byTestID(r.body, "infra-delegation-"+webProd); !ok {
		t.Error("the delegate's profile does not list its delegation")
	}

	t.Run("API", func(t *testing.T) {
		token := delegate.token("admin@orbit.example")
		var reached struct {
			Items []struct{ ID, Via, AccountName string }
		}
		decode(t, delegate.api(http.MethodGet, "/api/v1/infrastructures", token, nil), &reached)
		if len(reached.Items) != 1 || reached.Items[0].ID != webProd || reached.Items[0].Via != "delegate" {
			t.Errorf("GET /infrastructures = %+v", reached.Items)
		}
		if r := delegate.api(http.MethodGet, "/api/v1/infrastructures/"+webProd+"/delegates", token, nil); r.Code != http.StatusForbidden {
			t.Errorf("the delegate lists delegates: %d, want 403", r.Code)
		}
		ownerToken := owner.token("owner@bluebakery.example")
		r := owner.api(http.MethodPost, "/api/v1/infrastructures/"+dbProd+"/delegates", ownerToken, map[string]string{"email": "new@agency.example"})
		if r.Code != http.StatusAccepted || !strings.Contains(r.body, `"granted":false`) {
			t.Errorf("inviting a new person = %d: %s", r.Code, r.body)
		}
		newBody := r.body
		r = owner.api(http.MethodPost, "/api/v1/infrastructures/"+dbProd+"/delegates", ownerToken, map[string]string{"email": "admin@orbit.example"})
		if r.Code != http.StatusAccepted || !strings.Contains(r.body, `"granted":false`) || !strings.Contains(r.body, `"delegate":null`) {
			t.Errorf("inviting an existing user = %d: %s, want 202 as for a new person", r.Code, r.body)
		}
		sameShape := regexp.MustCompile(`"id":"inv_[a-z0-9]+"|"(created|expires)_at":"[^"]+"|"email":"[^"]+"`)
		if sameShape.ReplaceAllString(r.body, "_") != sameShape.ReplaceAllString(newBody, "_") {
			t.Errorf("the answers for a new and an existing address differ:\n%s\n%s", newBody, r.body)
		}
		f.acceptInvitation("admin@orbit.example", "tenantry-demo")
		if r := owner.api(http.MethodPost, "/api/v1/infrastructures/"+dbProd+"/delegates", ownerToken, map[string]string{"email": "admin@orbit.example"}); r.Code != http.StatusConflict {
			t.Errorf("granting twice = %d, want 409", r.Code)
		}
		var ds struct {
			Items []struct {
				UserID string `json:"user_id"`
			}
		}
		decode(t, owner.api(http.MethodGet, "/api/v1/infrastructures/"+dbProd+"/delegates", ownerToken, nil), &ds)
		if len(ds.Items) != 1 {
			t.Fatalf("db-prod's delegates = %+v", ds.Items)
		}
		if r := owner.api(http.MethodDelete, "/api/v1/infrastructures/"+dbProd+"/delegates/"+ds.Items[0].UserID, ownerToken, nil); r.Code != http.StatusNoContent {
			t.Errorf("DELETE delegate = %d", r.Code)
		}
		if r := delegate.api(http.MethodGet, "/api/v1/infrastructures/"+dbProd, token, nil); r.Code != http.StatusNotFound {
			t.Errorf("after DELETE the delegate reads db-prod: %d, want 404", r.Code)
		}
	})

	t.Run("ChooserLeadsToDelegations", func(t *testing.T) {
		// Cobalt Law's owner: its own customer panel, and now web-prod too
		r := owner.submit(page, "/infrastructures/"+webProd+"/delegates", url.Values{"email": {"owner@cobaltlaw.example"}, "return": {page}})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("add Cobalt's owner = %d", r.Code)
		}
		f.acceptInvitation("owner@cobaltlaw.example", store.DemoPassword)
		cobalt := f.browser(acmeHost)
		cobalt.login("owner@cobaltlaw.example")
		if _, ok := byTestID(cobalt.get("/choose").body, "choose-delegated"); !ok {
			t.Error("the chooser does not lead to the delegated infrastructure")
		}
	})

	t.Run("ForeignDomain", func(t *testing.T) {
		home := f.browser("orbit.localhost")
		home.login("admin@orbit.example")
		if r := home.get("/infrastructures/" + webProd); r.Code != http.StatusNotFound {
			t.Errorf("web-prod on orbit.localhost = %d, want 404", r.Code)
		}
		if _, ok := byTestID(home.get("/infrastructures").body, "reached-row-"+webProd); ok {
			t.Error("orbit.localhost's list shows Blue Bakery's web-prod")
		}
	})

	t.Run("RemovalEndsAccess", func(t *testing.T) {
		body := owner.get(page).body
		userID := ""
		if i := strings.Index(body, `data-testid="delegate-usr_`); i >= 0 {
			userID = strings.SplitN(body[i+len(`data-testid="delegate-`):], `"`, 2)[0]
		}
		if userID == "" {
			t.Fatal("no delegate row on the owner's page")
		}
		r := owner.submit(page, "/infrastructures/"+webProd+"/delegates/"+userID+"/remove", url.Values{"return": {page}})
		if r.Code != http.StatusSeeOther || r.location() != page {
			t.Fatalf("remove = %d to %q", r.Code, r.location())
		}
		if r := delegate.get("/infrastructures/" + webProd); r.Code == http.StatusOK {
			t.Errorf("after removal the delegate still opens web-prod (%d)", r.Code)
		}
	})
}

// A new person invited to one infrastructure sets a password through the
// link and lands on that infrastructure alone; the link works once.
func TestInfraDelegateInvitation(t *testing.T) {
	f := newFixture(t)
	sandbox := f.infraID(t, "Blue Bakery", "sandbox")
	owner := f.browser(acmeHost)
	owner.login("owner@bluebakery.example")
	page := "/app/infrastructures/" + sandbox
	r := owner.submit(page, "/infrastructures/"+sandbox+"/delegates", url.Values{"email": {"freelancer@example.test"}, "return": {page}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("invite = %d: %s", r.Code, excerpt(r.body))
	}
	if !strings.Contains(owner.get(page).body, `data-testid="delegate-invitation-inv_`) {
		t.Error("the pending invitation is not listed on the infrastructure's page")
	}
	if strings.Contains(owner.get("/app/users").body, "freelancer@example.test") {
		t.Error("the account's Users page lists an invitation to one infrastructure")
	}
	link := invitationPath.FindStringSubmatch(f.mailTo("freelancer@example.test").Text)
	if link == nil || link[1] != "acme.localhost" {
		t.Fatalf("invitation link = %v", link)
	}
	guest := f.browser(acmeHost)
	if summary := guest.get(link[2]).body; !strings.Contains(summary, "Blue Bakery&#39;s infrastructure sandbox") {
		t.Errorf("the invitation page does not name the infrastructure: %s", excerpt(summary))
	}
	form := url.Values{"name": {"Fran Lancer"}, "password": {"Sandbox-Keeper-42"}, "confirm": {"Sandbox-Keeper-42"}}
	r = guest.submit(link[2], link[2], form)
	if r.Code != http.StatusSeeOther || r.location() != "/infrastructures" {
		t.Fatalf("accept = %d to %q: %s", r.Code, r.location(), excerpt(r.body))
	}
	list := guest.get("/infrastructures")
	if _, ok := byTestID(list.body, "reached-row-"+sandbox); !ok {
		t.Errorf("the new delegate's list lacks sandbox")
	}
	if total, _ := byTestID(list.body, "infra-total"); total != "1 infrastructure" {
		t.Errorf("the new delegate reaches %q", total)
	}
	if r := f.browser(acmeHost).submit("/login", link[2], form); r.Code != http.StatusNotFound {
		t.Errorf("the link used twice = %d, want 404", r.Code)
	}
}

// TestAddInfraDelegateForm adds delegates through the form of an
// infrastructure's page: anyone is invited, with the same flash whether
// or not they have a user; only a service user of the account is
// assigned it at once; either way the form comes back to the page it was
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
		// Cobalt Law's owner signs in on acme.localhost, yet is invited
		// like anyone: nothing tells who signs in here
		{"ExistingUserInvited", "owner@cobaltlaw.example", "owner@cobaltlaw.example is invited: the link in their mail is valid for 7 days."},
		{"NewPersonInvited", "someone@new.example", "someone@new.example is invited: the link in their mail is valid for 7 days."},
		// Blue Bakery's own service user is assigned it: no one outside
		{"OwnServiceUserAssigned", "till@bluebakery.example", "web-prod is assigned to the service user till@bluebakery.example."},
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

// The demo's Fleet Partner ops reaches nothing on orbit.localhost but
// Delta Freight's fleet-tracker: leaving it ends the session, and the
// sign-in page says why.
func TestLeaveLastDelegation(t *testing.T) {
	f := newFixture(t)
	tracker := f.infraID(t, "Delta Freight", "fleet-tracker")
	ops := f.browser("orbit.localhost")
	ops.login("ops@fleetpartner.example")
	page := "/infrastructures/" + tracker
	if _, ok := byTestID(ops.get(page).body, "infra-leave-form"); !ok {
		t.Fatal("the delegate's page offers no way to leave")
	}
	r := ops.submit(page, page+"/leave", url.Values{})
	if r.Code != http.StatusSeeOther || r.location() != "/login?left=1" {
		t.Fatalf("leave = %d to %q", r.Code, r.location())
	}
	if !strings.Contains(ops.get("/login?left=1").body, "You left your last delegation here") {
		t.Error("the sign-in page does not say why")
	}
	if r := ops.get(page); r.Code != http.StatusSeeOther {
		t.Errorf("after leaving, the page = %d, want a redirect to sign in", r.Code)
	}
}

// The all-in-one list's create form starts on no account, and says so
// when submitted that way.
func TestReachedCreateNeedsAnAccount(t *testing.T) {
	f := newFixture(t)
	b := f.browser(acmeHost)
	b.login("admin@acme.example")
	body := b.get("/infrastructures").body
	if !strings.Contains(body, `<option value="" selected>Choose an account…</option>`) {
		t.Errorf("the account select does not start on a placeholder: %s", excerpt(body[strings.Index(body, "account_id"):]))
	}
	r := b.submit("/infrastructures", "/infrastructures", url.Values{"account_id": {""}, "name": {"orphan"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Choose the account that owns it.") || !strings.Contains(r.body, `value="orphan"`) {
		t.Errorf("no account = %d: %s", r.Code, excerpt(r.body))
	}
}
