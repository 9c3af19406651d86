package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/store"
)

var invitationPath = regexp.MustCompile(`https?://([^/\s]+)(/invitations/[a-z0-9]+)`)

func TestInvitationJourney(t *testing.T) {
	f := newFixture(t)
	admin := f.browser("acme.localhost")
	admin.login("admin@acme.example")
	r := admin.submit("/reseller/users", "/reseller/users/invite", url.Values{"email": {"not-an-email"}, "role": {"Ops"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.body, `value="not-an-email"`) {
		t.Fatalf("invalid invite = %d", r.Code)
	}
	r = admin.submit("/reseller/users", "/reseller/users/invite", url.Values{"email": {"ops.hire@example.test"}, "role": {"Ops"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("invite = %d: %s", r.Code, excerpt(r.body))
	}
	if r := admin.submit("/reseller/users", "/reseller/users/invite", url.Values{"email": {"owner@cobaltlaw.example"}, "role": {"Viewer"}}); r.Code != http.StatusSeeOther {
		t.Errorf("inviting an existing user from the page = %d, want a redirect", r.Code)
	}
	if page := admin.get("/reseller/users"); !strings.Contains(page.body, "ops.hire@example.test") {
		t.Error("the pending invitation is not listed")
	}
	m := f.mailTo("ops.hire@example.test")
	if m.Kind != mail.KindInvitation || m.FromName != "Acme Hosting" {
		t.Fatalf("mail = %s from %s", m.Kind, m.FromName)
	}
	link := invitationPath.FindStringSubmatch(m.Text)
	if link == nil || link[1] != "acme.localhost" {
		t.Fatalf("invitation link = %v, want one on acme.localhost", link)
	}
	path := link[2]
	if r := f.browser("orbit.localhost").get(path); r.Code != http.StatusNotFound {
		t.Errorf("the link on orbit = %d, want 404", r.Code)
	}

	guest := f.browser("acme.localhost")
	r = guest.submit(path, path, url.Values{"name": {"Olly Ops"}, "password": {"short"}, "confirm": {"short"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.body, `value="Olly Ops"`) {
		t.Fatalf("weak password = %d", r.Code)
	}
	r = guest.submit(path, path, url.Values{"name": {"Olly Ops"}, "password": {"operations-99-x"}, "confirm": {"operations-99-x"}})
	if r.Code != http.StatusSeeOther || r.location() != "/reseller" {
		t.Fatalf("accept = %d to %q, want signed in on /reseller", r.Code, r.location())
	}
	if got, _ := byTestID(guest.get("/reseller").body, "current-user"); got != "ops.hire@example.test" {
		t.Errorf("signed in as %q", got)
	}
	if r := f.browser("acme.localhost").get(path); r.Code != http.StatusNotFound {
		t.Errorf("the used link = %d, want 404", r.Code)
	}
	// Ops may look but not manage customers
	if r := guest.get("/reseller/accounts/new"); r.Code != http.StatusForbidden {
		t.Errorf("an Ops member opening the new-account form = %d, want 403", r.Code)
	}
	if r := guest.submit("/reseller", "/reseller/accounts/new", url.Values{"kind": {"customer"}, "name": {"X"},
		"owner.name": {"X"}, "owner.email": {"x@example.test"}}); r.Code != http.StatusForbidden {
		t.Errorf("an Ops member creating a customer = %d, want 403", r.Code)
	}
}

func TestAPIInvite(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	token := acme.token("admin@acme.example")
	bakery := f.accountID("Blue Bakery")
	// the answer is 201 (API.md: the invitation is created) and the same
	// body, with nothing of the person,
	// for a new address, a user who signs in here and a delegate
	shape := regexp.MustCompile(`"id":"inv_[a-z0-9]+"|"(created|expires)_at":"[^"]+"|"email":"[^"]+"|"role(_name)?":"[^"]+"`)
	var bodies []string
	for _, in := range []map[string]any{
		{"email": "new@example.test", "role": "Viewer"},
		{"email": "owner@cobaltlaw.example", "role": "Viewer"},
		{"email": "admin@beta.example", "role": "Viewer", "delegate": true},
	} {
		r := acme.api(http.MethodPost, "/api/v1/accounts/"+bakery+"/members", token, in)
		if r.Code != http.StatusCreated || !strings.Contains(r.body, `"granted":false`) || !strings.Contains(r.body, `"status":"pending"`) {
			t.Fatalf("invite %v = %d %s, want 201 and a pending invitation", in, r.Code, r.body)
		}
		bodies = append(bodies, shape.ReplaceAllString(r.body, "_"))
	}
	if bodies[0] != bodies[1] || bodies[0] != bodies[2] {
		t.Errorf("answers differ by address:\n%s\n%s\n%s", bodies[0], bodies[1], bodies[2])
	}
	var list struct{ Items []struct{ ID, Email string } }
	decode(t, acme.api(http.MethodGet, "/api/v1/accounts/"+bakery+"/invitations", token, nil), &list)
	if len(list.Items) != 3 {
		t.Fatalf("invitations = %+v, want all three pending", list.Items)
	}
	var members struct{ Items []struct{ Email string } }
	decode(t, acme.api(http.MethodGet, "/api/v1/accounts/"+bakery+"/members", token, nil), &members)
	for _, m := range members.Items {
		if m.Email == "owner@cobaltlaw.example" || m.Email == "admin@beta.example" {
			t.Errorf("%s is a member before accepting", m.Email)
		}
	}
	for i, it := range list.Items {
		if it.Email == "new@example.test" {
			list.Items[0], list.Items[i] = list.Items[i], list.Items[0]
		}
	}
	orbit := f.browser("orbit.localhost")
	if r := orbit.api(http.MethodDelete, "/api/v1/invitations/"+list.Items[0].ID, orbit.token("admin@orbit.example"), nil); r.Code != http.StatusNotFound {
		t.Errorf("orbit revoking acme's invitation = %d, want 404", r.Code)
	}
	if r := acme.api(http.MethodDelete, "/api/v1/invitations/"+list.Items[0].ID, token, nil); r.Code != http.StatusNoContent {
		t.Errorf("revoke = %d", r.Code)
	}
	if r := acme.api(http.MethodPost, "/api/v1/accounts/"+f.accountID("Delta Freight")+"/members", token, map[string]string{"email": "x@example.test", "role": "Viewer"}); r.Code != http.StatusNotFound {
		t.Errorf("inviting to orbit's customer = %d, want 404", r.Code)
	}
}

// MetalCloud's fully-managed scenario: the customer's owner makes the
// reseller's admin an account delegate with Ops; the delegate then
// manages the customer's infrastructures, and either side ends it.
func TestAccountDelegation(t *testing.T) {
	f := newFixture(t)
	owner := f.browser("acme.localhost")
	owner.login("owner@bluebakery.example")
	r := owner.submit("/app/users", "/app/users/invite", url.Values{"email": {"admin@acme.example"}, "role": {"Ops"}, "delegate": {"true"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("delegate = %d: %s", r.Code, excerpt(r.body))
	}
	if msg, _ := byTestID(owner.get("/app/users").body, "flash"); msg != "Invitation sent to admin@acme.example." {
		t.Errorf("flash = %q, want the invitation sent, as for anyone", msg)
	}
	f.acceptInvitation("admin@acme.example", store.DemoPassword)
	if _, ok := byTestID(owner.get("/app/users").body, "delegate-badge"); !ok {
		t.Error("the customer's Users page does not mark the delegate")
	}
	ops := f.browser("acme.localhost")
	ops.login("admin@acme.example") // lands on the chooser now: Acme and Blue Bakery
	profile := ops.get("/profile")
	if _, ok := byTestID(profile.body, "delegation-"+f.accountID("Blue Bakery")); !ok {
		t.Fatal("the delegate's profile does not list the delegation")
	}
	token := ops.token("admin@acme.example")
	bakery := f.accountID("Blue Bakery")
	var members struct{ Items []struct{ Email, Via string } }
	decode(t, ops.api(http.MethodGet, "/api/v1/accounts/"+bakery+"/members", token, nil), &members)
	found := false
	for _, m := range members.Items {
		found = found || (m.Email == "admin@acme.example" && m.Via == "delegate")
	}
	if !found {
		t.Errorf("members = %+v, want Acme's admin via delegate", members.Items)
	}
	r = ops.submit("/profile", "/profile/delegations/"+bakery+"/leave", url.Values{})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("leave = %d", r.Code)
	}
	if _, ok := byTestID(ops.get("/profile").body, "delegations-empty"); !ok {
		t.Error("the delegation is still listed after leaving")
	}
	if r := ops.submit("/profile", "/profile/delegations/"+bakery+"/leave", url.Values{}); r.Code != http.StatusNotFound {
		t.Errorf("leaving twice = %d, want 404", r.Code)
	}
}

// TestRevokedDelegateFormActsNowhere: a delegate who chose the account,
// then lost the delegation, and submits a form still open for it, must not
// have it applied to another account of theirs. The panel used to fall
// back to their only other customer account, so the form created the
// infrastructure there.
func TestRevokedDelegateFormActsNowhere(t *testing.T) {
	f := newFixture(t)
	bakery, cobalt := f.accountID("Blue Bakery"), f.accountID("Cobalt Law")
	owner := f.browser("acme.localhost")
	owner.login("owner@bluebakery.example")
	if r := owner.submit("/app/users", "/app/users/invite", url.Values{"email": {"owner@cobaltlaw.example"},
		"role": {"Ops"}, "delegate": {"true"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("delegate = %d: %s", r.Code, excerpt(r.body))
	}
	f.acceptInvitation("owner@cobaltlaw.example", store.DemoPassword)

	ops := f.browser("acme.localhost")
	ops.login("owner@cobaltlaw.example") // two customer accounts: the chooser
	if r := ops.submit("/choose", "/choose", url.Values{"account_id": {bakery}}); r.Code != http.StatusSeeOther {
		t.Fatalf("choosing Blue Bakery = %d", r.Code)
	}
	csrf := ops.csrf("/app/infrastructures") // the form, open for Blue Bakery

	token := ops.token("owner@cobaltlaw.example")
	var me struct{ User struct{ ID string } }
	decode(t, ops.api(http.MethodGet, "/api/v1/me", token, nil), &me)
	if r := owner.submit("/app/users", "/app/users/"+me.User.ID+"/remove", url.Values{}); r.Code != http.StatusSeeOther {
		t.Fatalf("removing the delegate = %d: %s", r.Code, excerpt(r.body))
	}

	r := ops.post("/app/infrastructures", url.Values{"_csrf": {csrf}, "name": {"late-web"}})
	if r.Code != http.StatusSeeOther || r.location() != "/choose" {
		t.Errorf("the form after the delegation ended = %d to %q, want 303 to /choose", r.Code, r.location())
	}
	for _, id := range []string{bakery, cobalt} {
		owner := "owner@bluebakery.example"
		if id == cobalt {
			owner = "owner@cobaltlaw.example"
		}
		list := ops.api(http.MethodGet, "/api/v1/accounts/"+id+"/infrastructures", ops.token(owner), nil)
		if strings.Contains(list.body, "late-web") {
			t.Errorf("the form for Blue Bakery created late-web in %s", id)
		}
	}
	// the stale choice is gone: the remaining account opens again
	if r := ops.get("/app"); r.Code != http.StatusOK {
		t.Errorf("GET /app after the chooser = %d, want 200 (Cobalt Law, the only account left)", r.Code)
	}
}

// Someone whose login is elsewhere (here the provider's own admin, whom a
// reseller's customer must never learn about) is invited, not granted:
// the customer's Users page shows an address and no name until that
// person accepts, on the customer's domain, with their own password.
func TestInviteSomeoneFromElsewhere(t *testing.T) {
	f := newFixture(t)
	owner := f.browser("acme.localhost")
	owner.login("owner@bluebakery.example")
	r := owner.submit("/app/users", "/app/users/invite", url.Values{"email": {"admin@nimbus.example"}, "role": {"Viewer"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("invite = %d: %s", r.Code, excerpt(r.body))
	}
	users := owner.get("/app/users").body
	if strings.Contains(users, "Nora Nimbus") || !strings.Contains(users, "admin@nimbus.example") {
		t.Errorf("the Users page names the provider's admin, or does not list the invitation: %s", excerpt(users))
	}
	link := invitationPath.FindStringSubmatch(f.mailTo("admin@nimbus.example").Text)
	if link == nil || link[1] != "acme.localhost" {
		t.Fatalf("invitation link = %v", link)
	}
	nimbus := f.browser("acme.localhost")
	if _, ok := byTestID(nimbus.get(link[2]).body, "invitation-has-user"); !ok {
		t.Fatal("the invitation page does not ask for the existing login's password")
	}
	if r := nimbus.submit(link[2], link[2], url.Values{"password": {"wrong-password-42"}}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("wrong password = %d, want 422", r.Code)
	}
	r = nimbus.submit(link[2], link[2], url.Values{"password": {"tenantry-demo"}})
	if r.Code != http.StatusSeeOther || r.location() != "/app" {
		t.Fatalf("accept = %d to %q: %s", r.Code, r.location(), excerpt(r.body))
	}
	if title, _ := byTestID(nimbus.get("/app").body, "account-title"); title != "Blue Bakery" {
		t.Errorf("after accepting: %q", title)
	}
}

// The penetration test's finding: signed in on orbit.localhost, a user
// ended their delegation on an account under Acme. Another tenant's
// delegation is 404 and stays; on acme.localhost it can be left.
func TestLeaveDelegationOnAnotherTenant(t *testing.T) {
	f := newFixture(t)
	bakery := f.accountID("Blue Bakery")
	owner := f.browser("acme.localhost")
	owner.login("owner@bluebakery.example")
	r := owner.submit("/app/users", "/app/users/invite", url.Values{"email": {"admin@orbit.example"}, "role": {"Ops"}, "delegate": {"true"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("delegate = %d: %s", r.Code, excerpt(r.body))
	}
	// Orbit's admin does not sign in on acme.localhost yet: the link in
	// the mail, with their password, makes them a delegate
	link := invitationPath.FindStringSubmatch(f.mailTo("admin@orbit.example").Text)
	if link == nil {
		t.Fatal("no invitation mailed to Orbit's admin")
	}
	if r := f.browser("acme.localhost").submit(link[2], link[2], url.Values{"password": {store.DemoPassword}}); r.Code != http.StatusSeeOther {
		t.Fatalf("accept = %d: %s", r.Code, excerpt(r.body))
	}
	delegated := func() bool {
		members, err := f.scope("acme.localhost", "owner@bluebakery.example").Members(context.Background(), bakery)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range members {
			if m.User.Email == "admin@orbit.example" && m.Via == "delegate" {
				return true
			}
		}
		return false
	}
	if !delegated() {
		t.Fatal("Orbit's admin is not a delegate of Blue Bakery")
	}
	orbit := f.browser("orbit.localhost")
	orbit.login("admin@orbit.example")
	if r := orbit.submit("/profile", "/profile/delegations/"+bakery+"/leave", url.Values{}); r.Code != http.StatusNotFound {
		t.Errorf("leaving Acme's customer on orbit.localhost = %d, want 404", r.Code)
	}
	if !delegated() {
		t.Fatal("the delegation was removed from another tenant")
	}
	acme := f.browser("acme.localhost")
	acme.login("admin@orbit.example")
	if r := acme.submit("/profile", "/profile/delegations/"+bakery+"/leave", url.Values{}); r.Code != http.StatusSeeOther {
		t.Errorf("leaving on acme.localhost = %d, want 303", r.Code)
	}
	if delegated() {
		t.Error("the delegation is still there after leaving on acme.localhost")
	}
}

// acceptInvitation signs in as the existing user email (with pw) on the
// domain of the last invitation mailed to them and accepts it: how an
// existing user becomes a member or delegate, now that no one is granted
// at once.
func (f *fixture) acceptInvitation(email, pw string) {
	f.t.Helper()
	link := invitationPath.FindStringSubmatch(f.mailTo(email).Text)
	if link == nil {
		f.t.Fatalf("no invitation link in the last mail to %s", email)
	}
	b := f.browser(hostOnly(link[1]))
	if r := b.submit("/login", "/login", url.Values{"email": {email}, "password": {pw}}); r.Code != http.StatusSeeOther {
		f.t.Fatalf("login %s on %s = %d", email, link[1], r.Code)
	}
	if r := b.submit(link[2], link[2], url.Values{}); r.Code != http.StatusSeeOther {
		f.t.Fatalf("accept the invitation of %s = %d: %s", email, r.Code, excerpt(r.body))
	}
}
