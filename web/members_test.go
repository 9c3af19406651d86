package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestUsersAndRolesPages(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	page := b.get("/reseller/users")
	if page.Code != http.StatusOK || !strings.Contains(page.body, "admin@acme.example") {
		t.Fatalf("users page = %d", page.Code)
	}
	if _, ok := byTestID(b.get("/reseller").body, "nav-users"); !ok {
		t.Error("no Users item in the navigation")
	}
	owner := f.scope("acme.localhost", "admin@acme.example").Actor().User.ID
	r := b.submit("/reseller/users", "/reseller/users/"+owner+"/role", url.Values{"role": {"Viewer"}})
	if r.Code != http.StatusConflict {
		t.Fatalf("demoting the last Owner = %d, want 409", r.Code)
	}
	if msg, _ := byTestID(r.body, "users-error"); !strings.Contains(msg, "at least one Owner") {
		t.Errorf("message = %q", msg)
	}
	if r := b.submit("/reseller/users", "/reseller/users/"+owner+"/remove", url.Values{}); r.Code != http.StatusConflict {
		t.Errorf("removing the last Owner = %d, want 409", r.Code)
	}

	r = b.submit("/reseller/roles", "/reseller/roles", url.Values{"name": {""}, "permissions": {"warp.drive"}})
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid role = %d, want 422", r.Code)
	}
	for _, field := range []string{"name", "permissions"} {
		if _, ok := byTestID(r.body, "error-"+field); !ok {
			t.Errorf("no error on %s", field)
		}
	}
	r = b.submit("/reseller/roles", "/reseller/roles", url.Values{"name": {"Night shift"}, "permissions": {"account.view", "infra.manage"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("create role = %d", r.Code)
	}
	roles := b.get("/reseller/roles")
	if !strings.Contains(roles.body, "Night shift") || !strings.Contains(roles.body, "View the account, Manage infrastructures") {
		t.Error("the new role is not listed with its permissions by their human names")
	}
	// the role can be given to members now
	if !strings.Contains(b.get("/reseller/users").body, ">Night shift</option>") {
		t.Error("the new role is not offered on the Users page")
	}
	// another reseller's role is not editable from here
	orbitRoles := f.browser("orbit.localhost")
	orbitRoles.login("admin@orbit.example")
	if !strings.Contains(orbitRoles.get("/reseller/roles").body, "Accountant") {
		t.Fatal("orbit's demo role is missing")
	}
}

func TestAPIMembersAndRoles(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	token := acme.token("admin@acme.example")
	acmeID := f.accountID("Acme Hosting")
	var members struct {
		Items []struct {
			UserID string `json:"user_id"`
			Email  string
			Role   string
		}
	}
	decode(t, acme.api(http.MethodGet, "/api/v1/accounts/"+acmeID+"/members", token, nil), &members)
	if len(members.Items) != 1 || members.Items[0].Email != "admin@acme.example" || members.Items[0].Role != "Owner" {
		t.Fatalf("members = %+v", members.Items)
	}
	if r := acme.api(http.MethodDelete, "/api/v1/accounts/"+acmeID+"/members/"+members.Items[0].UserID, token, nil); r.Code != http.StatusConflict {
		t.Errorf("removing the last Owner = %d, want 409", r.Code)
	}
	if r := acme.api(http.MethodGet, "/api/v1/accounts/"+f.accountID("Orbit IT")+"/members", token, nil); r.Code != http.StatusNotFound {
		t.Errorf("orbit's members from acme = %d, want 404", r.Code)
	}
	r := acme.api(http.MethodPost, "/api/v1/accounts/"+acmeID+"/roles", token, map[string]any{"name": "Auditor", "permissions": []string{"audit.view", "account.view"}})
	if r.Code != http.StatusCreated || !strings.Contains(r.body, `"permissions":["account.view","audit.view"]`) {
		t.Errorf("create role = %d %s", r.Code, r.body)
	}
	var roles struct{ Items []struct{ Name string } }
	decode(t, acme.api(http.MethodGet, "/api/v1/accounts/"+acmeID+"/roles", token, nil), &roles)
	if len(roles.Items) != 5+2 {
		t.Errorf("roles = %+v, want the 5 built-in and 2 custom ones", roles.Items)
	}
	var perms []string
	decode(t, acme.api(http.MethodGet, "/api/v1/permissions", token, nil), &perms)
	if len(perms) != 15 {
		t.Errorf("permissions = %v", perms)
	}
}

// The My Org / Customer switch: a reseller's Users and Roles pages manage
// one of its customers' people and roles; a customer's staff see only
// their own.
func TestOrgCustomerSwitch(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	bakery := f.accountID("Blue Bakery")
	page := b.get("/reseller/users?q=bakery")
	if _, ok := byTestID(page.body, "org-switch"); !ok || !strings.Contains(page.body, ">Blue Bakery</option>") ||
		strings.Contains(page.body, ">Cobalt Law</option>") {
		t.Fatal("the switch does not offer the searched customer")
	}
	users := "/reseller/users?account=" + bakery
	page = b.get(users)
	if !strings.Contains(page.body, "Users of Blue Bakery") || !strings.Contains(page.body, "owner@bluebakery.example") {
		t.Fatalf("switched page: %s", excerpt(page.body))
	}
	r := b.submit(users, "/reseller/users/invite", url.Values{"account": {bakery}, "email": {"baker@bluebakery.example"}, "role": {"Ops"}})
	if r.Code != http.StatusSeeOther || r.location() != users {
		t.Fatalf("invite through the switch = %d to %q", r.Code, r.location())
	}
	if !strings.Contains(b.get(users).body, "baker@bluebakery.example") {
		t.Error("the customer's pending invitation is not listed")
	}
	if strings.Contains(b.get("/reseller/users").body, "baker@bluebakery.example") {
		t.Error("the customer's invitation shows in the reseller's own list")
	}
	roles := "/reseller/roles?account=" + bakery
	r = b.submit(roles, "/reseller/roles", url.Values{"account": {bakery}, "name": {"Bakery shift"}, "permissions": {"infra.view"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("role through the switch = %d", r.Code)
	}
	owner := f.browser("acme.localhost")
	owner.login("owner@bluebakery.example")
	app := owner.get("/app/roles")
	if !strings.Contains(app.body, "Bakery shift") {
		t.Error("the customer does not see the role made for it")
	}
	if _, ok := byTestID(app.body, "org-switch"); ok {
		t.Error("a customer's staff get the switch")
	}
	// nothing outside the reseller's own customers
	for _, id := range []string{f.accountID("Delta Freight"), f.accountID("Beta Resale"), f.accountID("Nimbus Cloud")} {
		if r := b.get("/reseller/users?account=" + id); r.Code != http.StatusNotFound {
			t.Errorf("switch to %s = %d, want 404", id, r.Code)
		}
	}
	if r := owner.get("/app/users?account=" + f.accountID("Cobalt Law")); r.Code != http.StatusNotFound {
		t.Errorf("a customer switching to a sibling = %d, want 404", r.Code)
	}
}

// The switch's search finds a customer in one step when the name is
// unique, and its links keep that customer across Users, Roles and Cost
// centers; a search that matches several customers, or another vendor's,
// stays on the vendor's own organization.
func TestSwitchSearchAndPages(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	bakery := f.accountID("Blue Bakery")
	r := b.get("/reseller/users?q=bakery&account=")
	if !strings.Contains(r.body, "Users of Blue Bakery") {
		t.Fatalf("a unique match is not managed at once: %s", excerpt(r.body))
	}
	for _, page := range []string{"users", "roles", "cost-centers"} {
		if !strings.Contains(r.body, `href="/reseller/`+page+`?account=`+bakery+`"`) {
			t.Errorf("no link to Blue Bakery's %s", page)
		}
	}
	for _, q := range []string{"o", "delta"} { // several customers; Orbit's customer
		if r := b.get("/reseller/users?q=" + q + "&account="); !strings.Contains(r.body, "Users of Acme Hosting") {
			t.Errorf("q=%s: not on Acme's own organization", q)
		}
	}
}
