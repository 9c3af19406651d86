package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// CloudBlue's staff members vs service users: Blue Bakery's Owner invites
// a service user, then assigns web-prod to them. The service user signs
// in to the end-user panel and sees exactly what is assigned to them:
// web-prod, and nothing else of the account (its users, its other
// infrastructures, its audit log).
func TestServiceUsers(t *testing.T) {
	f := newFixture(t)
	webProd := f.infraID(t, "Blue Bakery", "web-prod")
	dbProd := f.infraID(t, "Blue Bakery", "db-prod")
	owner := f.browser(acmeHost)
	owner.login("owner@bluebakery.example")
	if !strings.Contains(owner.get("/app/roles").body, "Service user") {
		t.Error("Blue Bakery's Roles page does not describe the Service user role")
	}
	r := owner.submit("/app/users", "/app/users/invite", url.Values{"email": {"cashier@bluebakery.example"}, "role": {"Service user"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("invite a service user = %d: %s", r.Code, excerpt(r.body))
	}
	link := invitationPath.FindStringSubmatch(f.mailTo("cashier@bluebakery.example").Text)
	if link == nil {
		t.Fatal("no invitation mail")
	}
	cashier := f.browser(acmeHost)
	pw := "Dough-Rises-Slowly-77"
	r = cashier.submit(link[2], link[2], url.Values{"name": {"Cass Cashier"}, "password": {pw}, "confirm": {pw}})
	if r.Code != http.StatusSeeOther || r.location() != "/app" {
		t.Fatalf("accept = %d to %q: %s", r.Code, r.location(), excerpt(r.body))
	}
	if r := cashier.get("/app"); r.Code != http.StatusOK {
		t.Fatalf("the service user's dashboard = %d", r.Code)
	} else if _, ok := byTestID(r.body, "assigned-empty"); !ok {
		t.Errorf("before any assignment the dashboard is not empty: %s", excerpt(r.body))
	} else if strings.Contains(r.body, "owner@bluebakery.example") {
		t.Error("the service user's dashboard lists the account's users")
	}

	page := "/app/infrastructures/" + webProd
	r = owner.submit(page, "/infrastructures/"+webProd+"/delegates", url.Values{"email": {"cashier@bluebakery.example"}, "return": {page}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("assign = %d: %s", r.Code, excerpt(r.body))
	}
	if via, _ := byTestID(owner.get(page).body, "delegate-via"); via != "service user" {
		t.Errorf("the assignment reads %q, want service user", via)
	}

	dash := cashier.get("/app").body
	if _, ok := byTestID(dash, "assigned-"+webProd); !ok {
		t.Errorf("the dashboard does not show web-prod: %s", excerpt(dash))
	}
	if _, ok := byTestID(dash, "assigned-"+dbProd); ok {
		t.Error("the dashboard shows db-prod, which is not assigned")
	}
	if r := cashier.get(page); r.Code != http.StatusOK {
		t.Errorf("the assigned infrastructure's page = %d", r.Code)
	} else {
		if _, ok := byTestID(r.body, "delegates-table"); ok {
			t.Error("a service user sees who else has access")
		}
		if badge, _ := byTestID(r.body, "infra-assigned"); badge != "assigned to you" {
			t.Errorf("access badge = %q, want assigned to you", badge)
		}
		if _, ok := byTestID(r.body, "infra-leave-form"); ok {
			t.Error("a service user is offered to leave as if a delegate")
		}
		if !strings.Contains(r.body, `href="/app">← Dashboard`) {
			t.Error("the back link does not lead to the service user's dashboard")
		}
	}
	// an infrastructure of the account not assigned to them does not
	// exist for them, here or through the API
	if r := cashier.get("/app/infrastructures/" + dbProd); r.Code != http.StatusNotFound {
		t.Errorf("GET the unassigned db-prod as the service user = %d, want 404", r.Code)
	}
	for _, path := range []string{"/app/users", "/app/infrastructures", "/app/audit", "/app/cost-centers"} {
		if r := cashier.get(path); r.Code != http.StatusForbidden {
			t.Errorf("GET %s as the service user = %d, want 403", path, r.Code)
		}
	}
	var tok struct{ Token string }
	decode(t, cashier.api(http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": "cashier@bluebakery.example", "password": pw}), &tok)
	token := tok.Token
	if r := cashier.api(http.MethodGet, "/api/v1/infrastructures/"+webProd, token, nil); r.Code != http.StatusOK {
		t.Errorf("API: the assigned infrastructure = %d", r.Code)
	}
	if r := cashier.api(http.MethodGet, "/api/v1/infrastructures/"+dbProd, token, nil); r.Code != http.StatusNotFound {
		t.Errorf("API: the unassigned db-prod = %d, want 404", r.Code)
	}
	if r := cashier.api(http.MethodGet, "/api/v1/accounts/"+f.accountID("Blue Bakery"), token, nil); r.Code != http.StatusForbidden {
		t.Errorf("API: the account itself = %d, want 403", r.Code)
	}
	var listed struct{ Items []struct{ ID string } }
	decode(t, cashier.api(http.MethodGet, "/api/v1/accounts", token, nil), &listed)
	if len(listed.Items) != 0 {
		t.Errorf("API: the service user lists accounts %+v, want none (it may view none)", listed.Items)
	}
	r = owner.api(http.MethodGet, "/api/v1/accounts/"+f.accountID("Blue Bakery")+"/roles", owner.token("owner@bluebakery.example"), nil)
	if !strings.Contains(r.body, `"Service user"`) {
		t.Errorf("the roles API of a customer lacks Service user: %s", excerpt(r.body))
	}

	t.Run("RemovedWithTheirAssignments", func(t *testing.T) {
		body := owner.get("/app/users").body
		i := strings.Index(body, "cashier@bluebakery.example")
		j := strings.LastIndex(body[:i], `data-testid="user-`)
		if i < 0 || j < 0 {
			t.Fatal("the service user is not on the Users page")
		}
		userID := strings.SplitN(body[j+len(`data-testid="user-`):], `"`, 2)[0]
		if r := owner.submit("/app/users", "/app/users/"+userID+"/remove", url.Values{}); r.Code != http.StatusSeeOther {
			t.Fatalf("remove = %d", r.Code)
		}
		if _, ok := byTestID(owner.get(page).body, "delegate-email"); ok {
			t.Error("the removed service user stays on web-prod as a delegate")
		}
		if r := cashier.get("/infrastructures/" + webProd); r.Code == http.StatusOK {
			t.Error("the removed service user still opens web-prod")
		}
	})

	t.Run("OnlyCustomersHaveServiceUsers", func(t *testing.T) {
		acme := f.browser(acmeHost)
		tok := acme.token("admin@acme.example")
		r := acme.api(http.MethodPost, "/api/v1/accounts/"+f.accountID("Acme Hosting")+"/members", tok,
			map[string]string{"email": "desk@acme.example", "role": "Service user"})
		if r.Code != http.StatusUnprocessableEntity {
			t.Errorf("a reseller's service user = %d, want 422: %s", r.Code, r.body)
		}
		if strings.Contains(acme.api(http.MethodGet, "/api/v1/accounts/"+f.accountID("Acme Hosting")+"/roles", tok, nil).body, "Service user") {
			t.Error("a reseller's roles list Service user")
		}
	})
}

// A service user has no permission on its account, so the plan its
// account pays is none of its business either: GET /api/v1/plans/:id is
// 403 for it, as GET /api/v1/accounts/:id/plan is, while any staff role
// of the customer (account.view) still reads it.
func TestServiceUserDoesNotReadThePlan(t *testing.T) {
	f := newFixtureWithMembers(t,
		auditMember{"Blue Bakery", "plan-reader@bluebakery.example", tenantry.RoleService},
		auditMember{"Blue Bakery", "ops@bluebakery.example", tenantry.RoleOps})
	retail := planID(t, f, "acme.localhost", "admin@acme.example", "Acme Hosting", "Acme Retail")
	bakery := f.accountID("Blue Bakery")
	for _, c := range []struct {
		email string
		want  int
	}{
		{"plan-reader@bluebakery.example", http.StatusForbidden},
		{"ops@bluebakery.example", http.StatusOK},
		{"owner@bluebakery.example", http.StatusOK},
	} {
		t.Run(c.email, func(t *testing.T) {
			b := f.browser(acmeHost)
			tok := b.token(c.email)
			if r := b.api(http.MethodGet, "/api/v1/plans/"+retail, tok, nil); r.Code != c.want {
				t.Errorf("GET the plan = %d, want %d: %s", r.Code, c.want, excerpt(r.body))
			}
			if r := b.api(http.MethodGet, "/api/v1/accounts/"+bakery+"/plan", tok, nil); r.Code != c.want {
				t.Errorf("GET the account's plan = %d, want %d: %s", r.Code, c.want, excerpt(r.body))
			}
			// changing it is nobody's here: the plan is Acme's
			if r := b.api(http.MethodPut, "/api/v1/plans/"+retail, tok, map[string]string{"name": "Mine"}); r.Code != http.StatusForbidden {
				t.Errorf("PUT the plan = %d, want 403", r.Code)
			}
		})
	}
}
