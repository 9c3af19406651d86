package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/store"
)

type accountBody struct {
	ID             string
	Kind           string
	Name           string
	ParentID       *string `json:"parent_id"`
	Status         string
	Suspension     *string
	Depth          int
	ContactEmail   string  `json:"contact_email"`
	OrganizationID *string `json:"organization_id"`
	IsOrganization bool    `json:"is_organization"`
	CreatedAt      string  `json:"created_at"`
	Owner          *struct {
		Email         string
		InvitationURL string `json:"set_password_url"`
	}
}

type listBody struct {
	Items      []accountBody
	NextCursor *string `json:"next_cursor"`
}

func TestAPIToken(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	r := b.api(http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": "admin@acme.example", "password": store.DemoPassword, "name": "ci"})
	if r.Code != http.StatusCreated {
		t.Fatalf("status = %d: %s", r.Code, r.body)
	}
	if ct := r.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	var tok struct {
		Token     string
		ExpiresAt string `json:"expires_at"`
	}
	decode(t, r, &tok)
	if _, err := time.Parse(time.RFC3339, tok.ExpiresAt); err != nil || tok.Token == "" {
		t.Errorf("token response = %+v", tok)
	}

	t.Run("SameAnswerForEveryBadCredential", func(t *testing.T) {
		var first string
		for _, c := range []map[string]string{
			{"email": "nobody@example.test", "password": store.DemoPassword},
			{"email": "admin@acme.example", "password": "wrong-password-1"},
			{"email": "admin@orbit.example", "password": store.DemoPassword},
		} {
			r := f.browser("acme.localhost").api(http.MethodPost, "/api/v1/auth/token", "", c)
			if r.Code != http.StatusUnauthorized {
				t.Fatalf("%s: status = %d, want 401", c["email"], r.Code)
			}
			if first == "" {
				first = r.body
			}
			if r.body != first {
				t.Errorf("%s: body %s differs from %s", c["email"], r.body, first)
			}
		}
	})
	t.Run("TokenOnlyOnItsTenant", func(t *testing.T) {
		if r := f.browser("acme.localhost").api(http.MethodGet, "/api/v1/me", tok.Token, nil); r.Code != http.StatusOK {
			t.Fatalf("on acme: %d", r.Code)
		}
		for _, host := range []string{"orbit.localhost", "portal.localhost"} {
			if r := f.browser(host).api(http.MethodGet, "/api/v1/me", tok.Token, nil); r.Code != http.StatusUnauthorized {
				t.Errorf("acme's token on %s = %d, want 401", host, r.Code)
			}
		}
	})
	t.Run("Malformed", func(t *testing.T) {
		r := b.api(http.MethodPost, "/api/v1/auth/token", "", `{"email": "x@y.z", `)
		if r.Code != http.StatusBadRequest {
			t.Fatalf("status = %d, want 400", r.Code)
		}
		var e apiErr
		decode(t, r, &e)
		if e.Error.Code == "" || e.Error.Message == "" {
			t.Errorf("error body = %s", r.body)
		}
	})
	t.Run("UnknownField", func(t *testing.T) {
		r := b.api(http.MethodPost, "/api/v1/auth/token", "", `{"email":"a@b.c","password":"x","admin":true}`)
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status = %d, want 422", r.Code)
		}
		var e apiErr
		decode(t, r, &e)
		if e.Error.Fields["admin"] == "" {
			t.Errorf("fields = %v, want one for admin", e.Error.Fields)
		}
	})
	t.Run("Suspended", func(t *testing.T) {
		suspend(t, f, "acme.localhost", "admin@acme.example", "Cobalt Law", "Card declined")
		r := f.browser("acme.localhost").api(http.MethodPost, "/api/v1/auth/token", "",
			map[string]string{"email": "owner@cobaltlaw.example", "password": store.DemoPassword})
		if r.Code != http.StatusForbidden {
			t.Fatalf("status = %d, want 403", r.Code)
		}
		var e apiErr
		decode(t, r, &e)
		if e.Error.Code != "account_suspended" {
			t.Errorf("code = %q, want account_suspended", e.Error.Code)
		}
	})
}

func TestAPIUnauthenticated(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	for _, tc := range []struct{ method, path, token string }{
		{http.MethodGet, "/api/v1/me", ""},
		{http.MethodGet, "/api/v1/accounts", ""},
		{http.MethodGet, "/api/v1/me", "tnt_not-a-token"},
		{http.MethodPost, "/api/v1/accounts", ""},
	} {
		r := b.api(tc.method, tc.path, tc.token, nil)
		if r.Code != http.StatusUnauthorized {
			t.Errorf("%s %s = %d, want 401", tc.method, tc.path, r.Code)
		}
		var e apiErr
		decode(t, r, &e)
		if e.Error.Code != "unauthorized" {
			t.Errorf("code = %q", e.Error.Code)
		}
	}
	if r := f.browser("nowhere.localhost").api(http.MethodGet, "/api/v1/me", "", nil); r.Code != http.StatusNotFound {
		t.Errorf("unknown host = %d, want 404", r.Code)
	}
}

func TestAPIMe(t *testing.T) {
	f := newFixture(t)
	b := f.browser("portal.localhost")
	r := b.api(http.MethodGet, "/api/v1/me", b.token("admin@acme.example"), nil)
	var me struct {
		User   struct{ ID, Email, Name string }
		Tenant struct {
			AccountID string `json:"account_id"`
			Name      string
			Kind      string
		}
		Accounts []struct{ ID, Name, Kind, Role, Via string }
	}
	decode(t, r, &me)
	if me.User.Email != "admin@acme.example" || me.Tenant.Kind != "provider" || me.Tenant.Name != "Nimbus Cloud" {
		t.Errorf("me = %+v", me)
	}
	if len(me.Accounts) != 1 || me.Accounts[0].Name != "Acme Hosting" || me.Accounts[0].Role != "Owner" || me.Accounts[0].Via != "member" {
		t.Errorf("accounts = %+v", me.Accounts)
	}
}

func TestAPIAccounts(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	token := acme.token("admin@acme.example")
	orbitCustomer := f.accountID("Delta Freight")

	t.Run("ListIsTheTenantsSubtree", func(t *testing.T) {
		var l listBody
		decode(t, acme.api(http.MethodGet, "/api/v1/accounts", token, nil), &l)
		names := map[string]bool{}
		for _, a := range l.Items {
			names[a.Name] = true
		}
		for _, want := range []string{"Acme Hosting", "Beta Resale", "Gamma Labs", "Blue Bakery", "Cobalt Law"} {
			if !names[want] {
				t.Errorf("list lacks %s", want)
			}
		}
		for _, not := range []string{"Nimbus Cloud", "Orbit IT", "Delta Freight", "Harbor Health"} {
			if names[not] {
				t.Errorf("list shows %s, outside acme's subtree", not)
			}
		}
	})
	t.Run("Paging", func(t *testing.T) {
		seen := map[string]bool{}
		cursor := ""
		for pages := 0; ; pages++ {
			path := "/api/v1/accounts?limit=2"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			var l listBody
			decode(t, acme.api(http.MethodGet, path, token, nil), &l)
			for _, a := range l.Items {
				if seen[a.ID] {
					t.Fatalf("%s seen twice", a.Name)
				}
				seen[a.ID] = true
			}
			if l.NextCursor == nil {
				break
			}
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			cursor = *l.NextCursor
		}
		if len(seen) != 5 {
			t.Errorf("paged through %d accounts, want 5", len(seen))
		}
		if r := acme.api(http.MethodGet, "/api/v1/accounts?limit=501", token, nil); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("limit=501 = %d, want 422", r.Code)
		}
	})
	t.Run("Filters", func(t *testing.T) {
		var l listBody
		decode(t, acme.api(http.MethodGet, "/api/v1/accounts?kind=customer&q=bakery", token, nil), &l)
		if len(l.Items) != 1 || l.Items[0].Name != "Blue Bakery" {
			t.Errorf("kind+q = %+v", l.Items)
		}
		decode(t, acme.api(http.MethodGet, "/api/v1/accounts?parent_id="+f.accountID("Beta Resale"), token, nil), &l)
		if len(l.Items) != 1 || l.Items[0].Name != "Gamma Labs" {
			t.Errorf("parent_id = %+v", l.Items)
		}
		if r := acme.api(http.MethodGet, "/api/v1/accounts?parent_id="+f.accountID("Orbit IT"), token, nil); r.Code != http.StatusNotFound {
			t.Errorf("foreign parent_id = %d, want 404", r.Code)
		}
	})
	t.Run("CSV", func(t *testing.T) {
		r := acme.api(http.MethodGet, "/api/v1/accounts?format=csv", token, nil)
		if !strings.HasPrefix(r.Header().Get("Content-Type"), "text/csv") || !strings.HasPrefix(r.body, "id,kind,name,") {
			t.Errorf("csv: %q %q", r.Header().Get("Content-Type"), excerpt(r.body))
		}
		if strings.Count(r.body, "\n") != 6 {
			t.Errorf("csv has %d lines, want header + 5", strings.Count(r.body, "\n"))
		}
	})
	t.Run("GetForeignIs404", func(t *testing.T) {
		r := acme.api(http.MethodGet, "/api/v1/accounts/"+orbitCustomer, token, nil)
		if r.Code != http.StatusNotFound {
			t.Fatalf("status = %d, want 404", r.Code)
		}
		nonexistent := acme.api(http.MethodGet, "/api/v1/accounts/acc_doesnotexist", token, nil)
		if nonexistent.body != r.body {
			t.Errorf("a foreign account (%s) and a missing one (%s) answer differently", r.body, nonexistent.body)
		}
		if r := acme.api(http.MethodPatch, "/api/v1/accounts/"+orbitCustomer, token, map[string]string{"name": "Hacked"}); r.Code != http.StatusNotFound {
			t.Errorf("PATCH foreign = %d, want 404", r.Code)
		}
	})
	t.Run("Get", func(t *testing.T) {
		var a accountBody
		r := acme.api(http.MethodGet, "/api/v1/accounts/"+f.accountID("Blue Bakery"), token, nil)
		decode(t, r, &a)
		if a.Kind != "customer" || a.Status != "active" || a.Depth != 2 || a.ParentID == nil ||
			*a.ParentID != f.accountID("Acme Hosting") || a.Suspension != nil || a.CreatedAt == "" {
			t.Errorf("account = %+v", a)
		}
		for _, key := range []string{`"organization_id":null`, `"is_organization":false`, `"suspension":null`} {
			if !strings.Contains(r.body, key) {
				t.Errorf("body lacks %s: %s", key, r.body)
			}
		}
	})
	t.Run("Create", func(t *testing.T) {
		r := acme.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "customer", "name": "Kappa Kiosk",
			"contact_email": "k@kappa.example", "owner": map[string]string{"email": "k@kappa.example", "name": "Kai"}})
		if r.Code != http.StatusCreated {
			t.Fatalf("status = %d: %s", r.Code, r.body)
		}
		var a accountBody
		decode(t, r, &a)
		if a.ParentID == nil || *a.ParentID != f.accountID("Acme Hosting") || a.Owner == nil ||
			!strings.HasPrefix(a.Owner.InvitationURL, "http://acme.localhost/invitations/") {
			t.Errorf("created = %+v owner %+v", a, a.Owner)
		}
		// below the sub-reseller, the link is on the sub-reseller's domain
		r = acme.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "customer", "name": "Lambda Labs",
			"parent_id": f.accountID("Beta Resale"), "owner": map[string]string{"email": "l@lambda.example", "name": "Lee"}})
		decode(t, r, &a)
		if r.Code != http.StatusCreated || !strings.HasPrefix(a.Owner.InvitationURL, "http://beta.localhost/invitations/") {
			t.Errorf("below beta: %d %+v", r.Code, a.Owner)
		}
	})
	t.Run("CreateInvalid", func(t *testing.T) {
		r := acme.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "emperor", "name": "",
			"owner": map[string]string{"email": "nope", "name": "X", "password": "abc"}})
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status = %d: %s", r.Code, r.body)
		}
		var e apiErr
		decode(t, r, &e)
		for _, field := range []string{"kind", "name", "owner.email", "owner.password"} {
			if e.Error.Fields[field] == "" {
				t.Errorf("no message for %s: %v", field, e.Error.Fields)
			}
		}
		if r := acme.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "customer", "name": 7}); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("wrong type = %d, want 422", r.Code)
		}
		if r := acme.api(http.MethodPost, "/api/v1/accounts", token, `[1,2`); r.Code != http.StatusBadRequest {
			t.Errorf("malformed = %d, want 400", r.Code)
		}
		big := `{"kind":"customer","name":"` + strings.Repeat("x", 1<<20) + `"}`
		if r := acme.api(http.MethodPost, "/api/v1/accounts", token, big); r.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("2 MiB body = %d, want 413", r.Code)
		}
		r = acme.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "customer", "name": "Under Orbit",
			"parent_id": f.accountID("Orbit IT")})
		if r.Code != http.StatusNotFound {
			t.Errorf("foreign parent = %d, want 404", r.Code)
		}
		var n int
		page, _ := f.scope("portal.localhost", "admin@nimbus.example").Accounts(context.Background(), store.AccountFilter{Q: "Under Orbit"})
		n += page.Total
		if n != 0 {
			t.Error("a refused create left an account behind")
		}
	})
	t.Run("ResellersDisabled", func(t *testing.T) {
		nimbus := f.browser("portal.localhost")
		provider := nimbus.token("admin@nimbus.example")
		if err := f.scope("portal.localhost", "admin@nimbus.example").SetResellersEnabled(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		r := nimbus.api(http.MethodPost, "/api/v1/accounts", provider, map[string]any{"kind": "reseller", "name": "Nope Resale"})
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusForbidden || e.Error.Code != "resellers_disabled" {
			t.Errorf("reseller while disabled = %d %q, want 403 resellers_disabled", r.Code, e.Error.Code)
		}
	})
	t.Run("Patch", func(t *testing.T) {
		id := f.accountID("Blue Bakery")
		var a accountBody
		r := acme.api(http.MethodPatch, "/api/v1/accounts/"+id, token, map[string]string{"name": "Blue Bakery Ltd"})
		decode(t, r, &a)
		if r.Code != http.StatusOK || a.Name != "Blue Bakery Ltd" {
			t.Fatalf("rename = %d %+v", r.Code, a)
		}
		// API.md's PATCH takes a status alone; a reason is optional
		r = acme.api(http.MethodPatch, "/api/v1/accounts/"+id, token, map[string]string{"status": "suspended"})
		decode(t, r, &a)
		if r.Code != http.StatusOK || a.Status != "suspended" {
			t.Errorf("suspend without reason = %d %s, want 200", r.Code, r.body)
		}
		acme.api(http.MethodPatch, "/api/v1/accounts/"+id, token, map[string]string{"status": "active"})
		r = acme.api(http.MethodPatch, "/api/v1/accounts/"+id, token, map[string]string{"status": "suspended", "suspend_reason": "test"})
		decode(t, r, &a)
		if r.Code != http.StatusOK || a.Status != "suspended" || a.Suspension == nil || *a.Suspension != "own" {
			t.Errorf("suspend = %d %+v", r.Code, a)
		}
		// the customer's own owner may rename, not reactivate, its account
		owner := f.browser("acme.localhost").token("owner@cobaltlaw.example")
		cobalt := f.accountID("Cobalt Law")
		if r := acme.api(http.MethodPatch, "/api/v1/accounts/"+cobalt, owner, map[string]string{"status": "suspended", "suspend_reason": "x"}); r.Code != http.StatusForbidden {
			t.Errorf("owner suspending itself = %d, want 403", r.Code)
		}
		if r := acme.api(http.MethodPatch, "/api/v1/accounts/"+cobalt, owner, map[string]string{"contact_email": "new@cobalt.example"}); r.Code != http.StatusOK {
			t.Errorf("owner editing its contact = %d, want 200", r.Code)
		}
		if r := acme.api(http.MethodPatch, "/api/v1/accounts/"+cobalt, owner, map[string]string{"status": "closed"}); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("status closed = %d, want 422", r.Code)
		}
	})
	t.Run("UnknownRoute", func(t *testing.T) {
		r := acme.api(http.MethodGet, "/api/v1/nothing-here", token, nil)
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusNotFound || e.Error.Code != "not_found" {
			t.Errorf("unknown route = %d %s", r.Code, r.body)
		}
	})
}

// suspend suspends a demo account as a user of a host.
func suspend(t *testing.T, f *fixture, host, email, name, reason string) {
	t.Helper()
	b := f.browser(host)
	token := b.token(email)
	r := b.api(http.MethodPatch, "/api/v1/accounts/"+f.accountID(name), token, map[string]string{"status": "suspended", "suspend_reason": reason})
	if r.Code != http.StatusOK {
		t.Fatalf("suspend %s: %d %s", name, r.Code, r.body)
	}
}
