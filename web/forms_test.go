package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
)

func TestCSRF(t *testing.T) {
	f := newFixture(t)
	t.Run("LoginWithoutToken", func(t *testing.T) {
		b := f.browser("acme.localhost")
		b.get("/login") // has the cookie, not the token
		r := b.post("/login", url.Values{"email": {"admin@acme.example"}, "password": {store.DemoPassword}})
		if r.Code != http.StatusForbidden {
			t.Fatalf("status = %d, want 403", r.Code)
		}
		if hasCookie(r.Result().Cookies(), "tenantry_session") {
			t.Error("signed in without a CSRF token")
		}
	})
	t.Run("TokenOfAnotherHost", func(t *testing.T) {
		orbit := f.browser("orbit.localhost")
		token := orbit.csrf("/login")
		acme := f.browser("acme.localhost")
		acme.cookies["acme.localhost"] = orbit.cookies["orbit.localhost"]
		r := acme.post("/login", url.Values{"_csrf": {token}, "email": {"admin@acme.example"}, "password": {store.DemoPassword}})
		if r.Code != http.StatusForbidden {
			t.Fatalf("status = %d, want 403", r.Code)
		}
	})
	t.Run("CreateAccountWithoutToken", func(t *testing.T) {
		b := f.browser("acme.localhost")
		b.login("admin@acme.example")
		r := b.post("/reseller/accounts/new", url.Values{"kind": {"customer"}, "name": {"Forged Ltd"},
			"owner.name": {"F"}, "owner.email": {"forged@example.test"}})
		if r.Code != http.StatusForbidden {
			t.Fatalf("status = %d, want 403", r.Code)
		}
		if strings.Contains(r.body, "Forged") {
			t.Error("the refusal echoes the forged input")
		}
		page, err := f.scope("acme.localhost", "admin@acme.example").Accounts(context.Background(), store.AccountFilter{Q: "Forged"})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 0 {
			t.Error("a post without a CSRF token created an account")
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	f := newFixture(t)
	t.Run("PerEmail", func(t *testing.T) {
		b := f.browser("acme.localhost")
		for i := 0; i < 10; i++ {
			r := b.submit("/login", "/login", url.Values{"email": {"admin@acme.example"}, "password": {"not-the-password"}})
			if r.Code != http.StatusUnauthorized {
				t.Fatalf("attempt %d: status %d, want 401", i+1, r.Code)
			}
		}
		// the right password does not help while throttled, from another IP either
		b.ip = "192.0.2.99"
		r := b.submit("/login", "/login", url.Values{"email": {"admin@acme.example"}, "password": {store.DemoPassword}})
		if r.Code != http.StatusTooManyRequests {
			t.Fatalf("status = %d, want 429", r.Code)
		}
		if s, err := strconv.Atoi(r.Header().Get("Retry-After")); err != nil || s < 1 || s > 15*60 {
			t.Errorf("Retry-After = %q, want seconds up to 15 minutes", r.Header().Get("Retry-After"))
		}
		if msg, _ := byTestID(r.body, "login-error"); !strings.Contains(msg, "Try again in") {
			t.Errorf("message = %q, want it to say when to try again", msg)
		}
		// another user is not affected
		other := f.browser("acme.localhost")
		other.login("owner@bluebakery.example")
	})
	t.Run("PerIP", func(t *testing.T) {
		b := f.browser("orbit.localhost")
		b.ip = "198.51.100.7"
		for i := 0; i < 50; i++ {
			email := "nobody" + strconv.Itoa(i) + "@example.test"
			r := b.submit("/login", "/login", url.Values{"email": {email}, "password": {"whatever-123"}})
			if r.Code != http.StatusUnauthorized {
				t.Fatalf("attempt %d: status %d, want 401", i+1, r.Code)
			}
		}
		r := b.submit("/login", "/login", url.Values{"email": {"admin@orbit.example"}, "password": {store.DemoPassword}})
		if r.Code != http.StatusTooManyRequests {
			t.Fatalf("status = %d, want 429", r.Code)
		}
	})
	t.Run("API", func(t *testing.T) {
		b := f.browser("beta.localhost")
		for i := 0; i < 10; i++ {
			b.api(http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": "admin@beta.example", "password": "wrong-one-123"})
		}
		r := b.api(http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": "admin@beta.example", "password": store.DemoPassword})
		if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") == "" {
			t.Fatalf("status = %d, Retry-After %q; want 429 with Retry-After", r.Code, r.Header().Get("Retry-After"))
		}
		var e apiErr
		decode(t, r, &e)
		if e.Error.Code != "throttled" {
			t.Errorf("code = %q, want throttled", e.Error.Code)
		}
	})
}

func TestCreateCustomerFromResellerPanel(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")

	t.Run("InvalidKeepsInput", func(t *testing.T) {
		r := b.submit("/reseller/accounts/new", "/reseller/accounts/new", url.Values{"kind": {"customer"},
			"name": {"  "}, "contact_email": {"not-an-email"}, "owner.name": {"Ann"}, "owner.email": {"ann@"},
			"owner.password": {"short"}})
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status = %d, want 422", r.Code)
		}
		for _, field := range []string{"name", "contact_email", "owner.email", "owner.password"} {
			if _, ok := byTestID(r.body, "error-"+field); !ok {
				t.Errorf("no error shown for %s", field)
			}
		}
		if !strings.Contains(r.body, `value="Ann"`) || !strings.Contains(r.body, `value="not-an-email"`) {
			t.Error("the input is not kept")
		}
		if strings.Contains(r.body, `value="short"`) {
			t.Error("the password is echoed back")
		}
	})
	// an owner address that has a user is answered like a new one (issue 9
	// item 7): the account is created, its owner invited
	t.Run("TakenOwnerEmailAnsweredLikeNew", func(t *testing.T) {
		r := b.submit("/reseller/accounts/new", "/reseller/accounts/new", url.Values{"kind": {"customer"},
			"name": {"Dup Co"}, "owner.name": {"Dup"}, "owner.email": {"OWNER@bluebakery.example"}})
		if r.Code != http.StatusCreated {
			t.Fatalf("status = %d, want 201", r.Code)
		}
		if msg, ok := byTestID(r.body, "error-owner.email"); ok {
			t.Errorf("an error on the owner email field: %q", msg)
		}
		if _, ok := byTestID(r.body, "set-password-url"); !ok {
			t.Error("no one-time link shown, as for a new address")
		}
		if page, _ := f.scope("acme.localhost", "admin@acme.example").Accounts(context.Background(), store.AccountFilter{Q: "Dup Co"}); page.Total != 1 {
			t.Error("the account was not written")
		}
	})
	t.Run("ResellerUnderOtherTenantRefused", func(t *testing.T) {
		r := b.submit("/reseller/accounts/new", "/reseller/accounts/new", url.Values{"kind": {"customer"},
			"parent_id": {f.accountID("Orbit IT")}, "name": {"Sneaky"}, "owner.name": {"S"}, "owner.email": {"s@example.test"},
			"owner.password": {"a-good-password-1"}})
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status = %d, want 422", r.Code)
		}
		if msg, _ := byTestID(r.body, "error-parent_id"); msg == "" {
			t.Error("no error on parent_id")
		}
	})
	t.Run("Created", func(t *testing.T) {
		r := b.submit("/reseller/accounts/new", "/reseller/accounts/new", url.Values{"kind": {"customer"},
			"name": {"Zeta Dental"}, "contact_email": {"office@zeta.example"}, "owner.name": {"Zoe"},
			"owner.email": {"zoe@zeta.example"}})
		if r.Code != http.StatusCreated {
			t.Fatalf("status = %d, want 201: %s", r.Code, excerpt(r.body))
		}
		// without a password the owner is invited, whatever the address
		// (issue 9 item 7): the link shown is the invitation's
		link, ok := byTestID(r.body, "set-password-url")
		if !ok || !strings.HasPrefix(link, "http://acme.localhost/invitations/") {
			t.Fatalf("owner link = %q, want an invitation on acme.localhost", link)
		}
		list := b.get("/reseller/accounts?q=zeta")
		if !strings.Contains(list.body, "Zeta Dental") {
			t.Error("the new customer is not listed")
		}

		// the link works once, on acme's domain only; accepting it as a
		// new person makes them Owner with the password chosen
		path := strings.TrimPrefix(link, "http://acme.localhost")
		if r := f.browser("orbit.localhost").get(path); r.Code != http.StatusNotFound {
			t.Errorf("link on orbit = %d, want 404", r.Code)
		}
		zoe := f.browser("acme.localhost")
		r = zoe.submit(path, path, url.Values{"name": {"Zoe"}, "password": {"zoe-secret-42"}, "confirm": {"zoe-secret-4"}})
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("mismatched confirmation = %d, want 422", r.Code)
		}
		r = zoe.submit(path, path, url.Values{"name": {"Zoe"}, "password": {"zoe-secret-42"}, "confirm": {"zoe-secret-42"}})
		if r.Code != http.StatusSeeOther || r.location() != "/app" {
			t.Fatalf("accept = %d to %q, want 303 to /app", r.Code, r.location())
		}
		if r := zoe.get(path); r.Code != http.StatusNotFound {
			t.Errorf("reused link = %d, want 404", r.Code)
		}
		zoe = f.browser("acme.localhost")
		r = zoe.submit("/login", "/login", url.Values{"email": {"zoe@zeta.example"}, "password": {"zoe-secret-42"}})
		if r.Code != http.StatusSeeOther || r.location() != "/app" {
			t.Fatalf("login = %d to %q, want /app", r.Code, r.location())
		}
		if got, _ := byTestID(zoe.get("/app").body, "account-title"); got != "Zeta Dental" {
			t.Errorf("app shows %q", got)
		}
	})
}

func TestProviderCreatesResellerOnlyWhenProgrammeOn(t *testing.T) {
	f := newFixture(t)
	b := f.browser("portal.localhost")
	b.login("admin@nimbus.example")
	if r := b.submit("/provider/settings", "/provider/settings/resellers", url.Values{"resellers_enabled": {"false"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("settings = %d", r.Code)
	}
	form := b.get("/provider/accounts/new")
	if strings.Contains(form.body, `value="reseller"`) {
		t.Error("the form offers resellers while the programme is off")
	}
	r := b.submit("/provider/accounts/new", "/provider/accounts/new", url.Values{"kind": {"reseller"},
		"name": {"Nova Resale"}, "owner.name": {"N"}, "owner.email": {"n@nova.example"}})
	if r.Code != http.StatusForbidden {
		t.Fatalf("status = %d, want 403", r.Code)
	}
	b.submit("/provider/settings", "/provider/settings/resellers", url.Values{"resellers_enabled": {"true"}})
	r = b.submit("/provider/accounts/new", "/provider/accounts/new", url.Values{"kind": {"reseller"},
		"parent_id": {f.accountID("Acme Hosting")}, "name": {"Nova Resale"}, "owner.name": {"N"},
		"owner.email": {"n@nova.example"}, "owner.password": {"nova-password-1"}})
	if r.Code != http.StatusCreated {
		t.Fatalf("status = %d, want 201: %s", r.Code, excerpt(r.body))
	}
	nova := f.accountID("Nova Resale")
	a, err := f.scope("portal.localhost", "admin@nimbus.example").Account(context.Background(), nova)
	if err != nil {
		t.Fatal(err)
	}
	if a.ParentID != f.accountID("Acme Hosting") || a.Kind != tenantry.KindReseller {
		t.Errorf("created %+v, want a reseller below Acme", a)
	}
	// its staff log in on the vendor's domain, not on the platform: a
	// sub-reseller's staff never see the provider's brand
	r = f.browser("acme.localhost").submit("/login", "/login", url.Values{"email": {"n@nova.example"}, "password": {"nova-password-1"}})
	if r.Code != http.StatusSeeOther || r.location() != "/reseller" {
		t.Errorf("Nova's owner on acme.localhost: %d to %q, want /reseller", r.Code, r.location())
	}
	r = f.browser("portal.localhost").submit("/login", "/login", url.Values{"email": {"n@nova.example"}, "password": {"nova-password-1"}})
	if r.Code != http.StatusUnauthorized {
		t.Errorf("Nova's owner on portal.localhost: %d, want 401", r.Code)
	}
}

func TestSuspendAndReactivate(t *testing.T) {
	f := newFixture(t)
	admin := f.browser("acme.localhost")
	admin.login("admin@acme.example")
	bakery := f.accountID("Blue Bakery")
	page := "/reseller/accounts/" + bakery

	r := admin.submit(page, page+"/status", url.Values{"status": {"suspended"}, "suspend_reason": {""}})
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("suspend without reason = %d, want 422", r.Code)
	}
	r = admin.submit(page, page+"/status", url.Values{"status": {"suspended"}, "suspend_reason": {"Unpaid invoice 2026-10"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("suspend = %d, want 303", r.Code)
	}
	if got, _ := byTestID(admin.get(page).body, "account-status"); got != "suspended" {
		t.Errorf("status shown = %q", got)
	}

	owner := f.browser("acme.localhost")
	r = owner.submit("/login", "/login", url.Values{"email": {"owner@bluebakery.example"}, "password": {store.DemoPassword}})
	if r.Code != http.StatusForbidden {
		t.Fatalf("login of a suspended account = %d, want 403", r.Code)
	}
	if msg, _ := byTestID(r.body, "login-error"); !strings.Contains(msg, "Unpaid invoice 2026-10") {
		t.Errorf("message = %q, want the reason", msg)
	}
	// a wrong password still gets the generic answer
	r = owner.submit("/login", "/login", url.Values{"email": {"owner@bluebakery.example"}, "password": {"wrong-password-9"}})
	if r.Code != http.StatusUnauthorized {
		t.Errorf("wrong password on a suspended account = %d, want 401", r.Code)
	}

	r = admin.submit(page, page+"/status", url.Values{"status": {"active"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("reactivate = %d", r.Code)
	}
	owner.login("owner@bluebakery.example")
}

func TestSuspensionEndsOpenSessions(t *testing.T) {
	f := newFixture(t)
	owner := f.browser("acme.localhost")
	owner.login("owner@bluebakery.example")
	reason := "Abuse report"
	status := tenantry.StatusSuspended
	if _, err := f.scope("acme.localhost", "admin@acme.example").UpdateAccount(context.Background(),
		f.accountID("Blue Bakery"), tenantry.AccountUpdate{Status: &status, SuspendReason: &reason}); err != nil {
		t.Fatal(err)
	}
	r := owner.get("/app")
	if r.Code != http.StatusSeeOther || !strings.Contains(r.location(), "ended=1") {
		t.Fatalf("GET /app after suspension = %d to %q, want a redirect to sign in that says why", r.Code, r.location())
	}
	if msg, _ := byTestID(owner.get(r.location()).body, "login-notice"); !strings.Contains(msg, "no longer active") {
		t.Errorf("sign-in notice = %q", msg)
	}
}

func TestProviderDashboard(t *testing.T) {
	f := newFixture(t)
	b := f.browser("portal.localhost")
	b.login("admin@nimbus.example")
	r := b.get("/provider")
	want := map[string]string{"stat-resellers": "3", "stat-customers": "7", "stat-users": "12"}
	for id, v := range want {
		if got, _ := byTestID(r.body, id); got != v {
			t.Errorf("%s = %q, want %q", id, got, v)
		}
	}
	// search narrows the tree
	r = b.get("/provider?q=bakery")
	if !strings.Contains(r.body, "Blue Bakery") || strings.Contains(r.body, "Orbit IT") {
		t.Error("search did not narrow the tree to Blue Bakery")
	}
	r = b.get("/provider/accounts?q=zzzz")
	if _, ok := byTestID(r.body, "accounts-empty"); !ok {
		t.Error("no empty state for a search without results")
	}
}

func TestEditAccountProfile(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	page := "/reseller/accounts/" + f.accountID("Cobalt Law")
	r := b.submit(page, page, url.Values{"name": {""}, "contact_email": {"bad"}})
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid edit = %d, want 422", r.Code)
	}
	if !strings.Contains(r.body, `value="bad"`) {
		t.Error("the input is not kept")
	}
	for _, field := range []string{"name", "contact_email"} {
		if _, ok := byTestID(r.body, "error-"+field); !ok {
			t.Errorf("no error shown for %s", field)
		}
	}
	r = b.submit(page, page, url.Values{"name": {"Cobalt Law LLP"}, "contact_email": {"office@cobalt.example"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("edit = %d, want 303", r.Code)
	}
	shown := b.get(page)
	if got, _ := byTestID(shown.body, "account-title"); got != "Cobalt Law LLP" {
		t.Errorf("title = %q", got)
	}
	if got, _ := byTestID(shown.body, "flash"); got != "Changes saved." {
		t.Errorf("flash = %q", got)
	}
}

// Failures on one reseller's site do not lock the same person out of
// another's: the per-email bucket belongs to the tenant.
func TestLoginThrottleIsPerTenant(t *testing.T) {
	f := newFixture(t)
	orbit := f.browser("orbit.localhost")
	for i := 0; i < 10; i++ {
		orbit.ip = "198.51.100." + strconv.Itoa(i+1)
		orbit.submit("/login", "/login", url.Values{"email": {"admin@acme.example"}, "password": {"guess-" + strconv.Itoa(i)}})
	}
	if r := orbit.submit("/login", "/login", url.Values{"email": {"admin@acme.example"}, "password": {"guess-x"}}); r.Code != http.StatusTooManyRequests {
		t.Fatalf("11th failure on orbit = %d, want 429", r.Code)
	}
	f.browser("acme.localhost").login("admin@acme.example")
}
