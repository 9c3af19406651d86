package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/web"
)

const newPassword = "correct horse battery"

// signupForm is a valid sign-up for email, with extra fields added.
func signupForm(email string, extra ...string) url.Values {
	v := url.Values{"company": {"Company of " + email}, "name": {"Person " + email}, "email": {email},
		"password": {newPassword}, "accept_terms": {"yes"}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// signup submits the sign-up form on the browser's host.
func (b *browser) signup(form url.Values) *response {
	b.f.t.Helper()
	return b.submit("/signup", "/signup", form)
}

// loginWith signs in with a password and returns the response.
func (b *browser) loginWith(email, pw string) *response {
	b.f.t.Helper()
	return b.submit("/login", "/login", url.Values{"email": {email}, "password": {pw}})
}

// provider is the provider admin's store scope, which reads the outbox.
func (f *fixture) provider() *store.Scope {
	return f.scope("portal.localhost", "admin@nimbus.example")
}

// mailTo returns the newest outgoing mail to an address, failing the test
// when there is none.
func (f *fixture) mailTo(addr string) store.OutboxMessage {
	f.t.Helper()
	page, err := f.provider().OutboxMessages(context.Background(), store.OutboxFilter{Q: addr})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, m := range page.Items {
		if m.To == addr {
			return m
		}
	}
	f.t.Fatalf("no mail to %s in the outbox", addr)
	return store.OutboxMessage{}
}

// mailsTo counts the outgoing mail to an address.
func (f *fixture) mailsTo(addr string) int {
	f.t.Helper()
	page, err := f.provider().OutboxMessages(context.Background(), store.OutboxFilter{Q: addr})
	if err != nil {
		f.t.Fatal(err)
	}
	return page.Total
}

var oneTimeLink = regexp.MustCompile(`https?://([^/\s]+)(/(?:verify|reset-password)/[a-z0-9]+)`)

// linkIn returns the host and path of a mail's one-time link.
func linkIn(t *testing.T, m store.OutboxMessage) (string, string) {
	t.Helper()
	got := oneTimeLink.FindStringSubmatch(m.Text)
	if got == nil {
		t.Fatalf("no one-time link in the %s mail to %s:\n%s", m.Kind, m.To, m.Text)
	}
	return got[1], got[2]
}

// account finds an account by name as the provider sees it, or nil.
func (f *fixture) account(name string) *tenantry.Account {
	f.t.Helper()
	page, err := f.provider().Accounts(context.Background(), store.AccountFilter{Q: name, Limit: 10})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, a := range page.Items {
		if a.Name == name {
			return &a
		}
	}
	return nil
}

func (f *fixture) accountCount() int {
	f.t.Helper()
	page, err := f.provider().Accounts(context.Background(), store.AccountFilter{Limit: 1})
	if err != nil {
		f.t.Fatal(err)
	}
	return page.Total
}

// verify follows a verification link in the browser: the page, then its button.
func (b *browser) verify(path string) *response {
	b.f.t.Helper()
	if r := b.get(path); r.Code != http.StatusOK {
		b.f.t.Fatalf("GET %s = %d, want 200: %s", path, r.Code, excerpt(r.body))
	}
	return b.submit(path, path, url.Values{})
}

// A sign-up lands under the domain's reseller as a pending customer with
// the reseller's default plan, whatever else the form carries; confirming
// the address makes it active and its owner can sign in.
func TestSignupLandsUnderDomainTenant(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	acme, orbit := f.accountID("Acme Hosting"), f.accountID("Orbit IT")
	b := f.browser("acme.localhost")

	r := b.get("/signup")
	if r.Code != http.StatusOK || !strings.Contains(r.body, `data-testid="signup-form"`) {
		t.Fatalf("GET /signup = %d, want the form", r.Code)
	}
	if got, _ := byTestID(r.body, "brand"); got != "Acme Hosting" || strings.Contains(r.body, "Nimbus") {
		t.Errorf("sign-up page brand = %q (or names the provider), want Acme's", got)
	}
	r = b.signup(signupForm("tam@example.test", "parent_id", orbit, "kind", "reseller", "status", "active",
		"plan_id", "pln_whatever", "role", "Admin"))
	if r.Code != http.StatusOK {
		t.Fatalf("POST /signup = %d, want 200: %s", r.Code, excerpt(r.body))
	}
	if _, ok := byTestID(r.body, "signup-sent"); !ok {
		t.Errorf("the page after sign-up does not say to check the email")
	}
	a := f.account("Company of tam@example.test")
	if a == nil {
		t.Fatal("no account was created")
	}
	if a.ParentID != acme || a.Kind != tenantry.KindCustomer || a.Status != tenantry.StatusPending {
		t.Errorf("account = parent %s, %s, %s; want a pending customer of Acme (%s)", a.ParentID, a.Kind, a.Status, acme)
	}
	plan, err := f.scope("acme.localhost", "admin@acme.example").CurrentPlan(ctx, a.ID)
	if err != nil || plan == nil || plan.Plan.Name != "Acme Retail" {
		t.Errorf("plan = %+v, %v; want Acme Retail", plan, err)
	}

	// not before the address is confirmed
	r = b.loginWith("tam@example.test", newPassword)
	if msg, _ := byTestID(r.body, "login-error"); r.Code != http.StatusForbidden || !strings.Contains(msg, "confirm your email") {
		t.Errorf("sign-in before confirming = %d %q, want 403 asking to confirm the email", r.Code, msg)
	}

	m := f.mailTo("tam@example.test")
	if m.Kind != mail.KindVerifyEmail || m.TenantName != "Acme Hosting" || m.FromName != "Acme Hosting" {
		t.Errorf("mail = %s from %s (%s), want Acme's verification", m.Kind, m.TenantName, m.FromName)
	}
	host, path := linkIn(t, m)
	if host != "acme.localhost" {
		t.Errorf("link host = %s, want the domain signed up on", host)
	}
	// the link is Acme's: Orbit does not know it
	if r := f.browser("orbit.localhost").get(path); r.Code != http.StatusNotFound {
		t.Errorf("GET %s on orbit = %d, want 404", path, r.Code)
	}
	r = b.verify(path)
	if _, ok := byTestID(r.body, "verified-active"); r.Code != http.StatusOK || !ok {
		t.Fatalf("verification = %d, want the account ready: %s", r.Code, excerpt(r.body))
	}
	if r := b.submit("/login", path, url.Values{}); r.Code != http.StatusNotFound {
		t.Errorf("a second verification = %d, want 404", r.Code)
	}
	r = b.loginWith("tam@example.test", newPassword)
	if r.Code != http.StatusSeeOther || r.location() != "/app" {
		t.Errorf("sign-in after confirming = %d → %q, want 303 → /app", r.Code, r.location())
	}
}

// On Orbit, which reviews sign-ups, a confirmed account waits for Orbit's
// approval in its panel.
func TestSignupApprovalRequired(t *testing.T) {
	f := newFixture(t)
	b := f.browser("orbit.localhost")
	if r := b.signup(signupForm("oli@example.test")); r.Code != http.StatusOK {
		t.Fatalf("POST /signup = %d", r.Code)
	}
	_, path := linkIn(t, f.mailTo("oli@example.test"))
	r := b.verify(path)
	if _, ok := byTestID(r.body, "verified-awaiting"); !ok {
		t.Fatalf("verification on orbit does not say it awaits approval: %s", excerpt(r.body))
	}
	a := f.account("Company of oli@example.test")
	if a == nil || a.Status != tenantry.StatusPending || a.ParentID != f.accountID("Orbit IT") {
		t.Fatalf("account = %+v, want pending under Orbit", a)
	}
	r = b.loginWith("oli@example.test", newPassword)
	if msg, _ := byTestID(r.body, "login-error"); r.Code != http.StatusForbidden || !strings.Contains(msg, "awaiting approval") {
		t.Errorf("sign-in before approval = %d %q, want 403 awaiting approval", r.Code, msg)
	}

	// Acme cannot approve it, not even by posting to its own panel
	acmeAdmin := f.browser("acme.localhost")
	acmeAdmin.login("admin@acme.example")
	if r := acmeAdmin.submit("/reseller", "/reseller/accounts/"+a.ID+"/approve", url.Values{}); r.Code != http.StatusNotFound {
		t.Errorf("Acme approving Orbit's sign-up = %d, want 404", r.Code)
	}

	admin := f.browser("orbit.localhost")
	admin.login("admin@orbit.example")
	page := "/reseller/accounts/" + a.ID
	r = admin.get(page)
	if !strings.Contains(r.body, `data-testid="approve"`) {
		t.Fatalf("the pending account's page has no Approve button: %s", excerpt(r.body))
	}
	// a post without the token changes nothing
	if r := admin.post(page+"/approve", url.Values{}); r.Code != http.StatusForbidden {
		t.Errorf("approve without CSRF = %d, want 403", r.Code)
	}
	if got := f.account("Company of oli@example.test"); got.Status != tenantry.StatusPending {
		t.Fatalf("status after a forged post = %s", got.Status)
	}
	r = admin.submit(page, page+"/approve", url.Values{})
	if r.Code != http.StatusSeeOther || r.location() != page {
		t.Fatalf("approve = %d → %q, want 303 → %s", r.Code, r.location(), page)
	}
	if msg, _ := byTestID(admin.get(page).body, "flash"); !strings.Contains(msg, "approved and active") {
		t.Errorf("flash = %q", msg)
	}
	if got := f.account("Company of oli@example.test"); got.Status != tenantry.StatusActive {
		t.Errorf("status after approval = %s, want active", got.Status)
	}
	m := f.mailTo("oli@example.test")
	if m.Kind != mail.KindAccountActive || m.FromName != "Orbit IT" || !strings.Contains(m.Text, "://orbit.localhost/login") {
		t.Errorf("mail = %s from %s:\n%s\nwant Orbit's account-ready mail", m.Kind, m.FromName, m.Text)
	}
	if r := b.loginWith("oli@example.test", newPassword); r.Code != http.StatusSeeOther {
		t.Errorf("sign-in after approval = %d, want 303", r.Code)
	}
}

var csrfValue = regexp.MustCompile(`name="_csrf" value="[^"]*"`)

// A sign-up with an address that has a user creates nothing, mails the
// address a notice, and answers exactly like a fresh sign-up.
func TestSignupEnumerationParity(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	fresh := b.signup(signupForm("twice@example.test"))
	accounts := f.accountCount()
	mails := f.mailsTo("twice@example.test")
	again := b.signup(signupForm("twice@example.test", "company", "Second Company", "name", "Someone Else",
		"password", "another fine password"))

	if fresh.Code != http.StatusOK || again.Code != fresh.Code {
		t.Errorf("statuses = %d then %d, want 200 both", fresh.Code, again.Code)
	}
	strip := func(s string) string { return csrfValue.ReplaceAllString(s, "") }
	if strip(fresh.body) != strip(again.body) {
		t.Errorf("the pages differ:\nfresh: %s\ntaken: %s", excerpt(fresh.body), excerpt(again.body))
	}
	for h := range fresh.Header() {
		if h != "X-Request-Id" && fresh.Header().Get(h) != again.Header().Get(h) {
			t.Errorf("header %s differs: %q vs %q", h, fresh.Header().Get(h), again.Header().Get(h))
		}
	}
	if len(fresh.Header()) != len(again.Header()) {
		t.Errorf("headers differ: %v vs %v", fresh.Header(), again.Header())
	}
	if got := f.accountCount(); got != accounts {
		t.Errorf("accounts = %d after the second sign-up, want %d", got, accounts)
	}
	if f.account("Second Company") != nil {
		t.Error("the second sign-up created an account")
	}
	if got := f.mailsTo("twice@example.test"); got != mails+1 {
		t.Fatalf("mails to the address = %d, want %d", got, mails+1)
	}
	// the first sign-up still waits for its confirmation: the second one
	// replaces the link (an address with a confirmed account gets the
	// notice: see below)
	m := f.mailTo("twice@example.test")
	if m.Kind != mail.KindVerifyEmail || m.FromName != "Acme Hosting" {
		t.Errorf("mail = %s from %s, want a fresh confirmation link from Acme", m.Kind, m.FromName)
	}

	// a demo user's address, on another tenant: the same page too
	r := f.browser("orbit.localhost").signup(signupForm("owner@bluebakery.example"))
	if r.Code != http.StatusOK || !strings.Contains(r.body, `data-testid="signup-sent"`) {
		t.Errorf("sign-up with a demo user's address = %d, want the check-your-email page", r.Code)
	}
	if m := f.mailTo("owner@bluebakery.example"); m.Kind != mail.KindSignupExists || m.FromName != "Orbit IT" {
		t.Errorf("mail = %s from %s, want Orbit's notice", m.Kind, m.FromName)
	}
}

func TestSignupRefused(t *testing.T) {
	t.Run("Invalid", func(t *testing.T) {
		f := newFixture(t)
		accounts := f.accountCount()
		form := signupForm("inv@example.test")
		form.Del("accept_terms")
		form.Set("password", "short")
		r := f.browser("acme.localhost").signup(form)
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status = %d, want 422", r.Code)
		}
		for _, field := range []string{"password", "accept_terms"} {
			if _, ok := byTestID(r.body, "error-"+field); !ok {
				t.Errorf("no error on %s", field)
			}
		}
		if !strings.Contains(r.body, `value="Company of inv@example.test"`) || strings.Contains(r.body, `value="short"`) {
			t.Error("the refused form lost the input, or echoed the password")
		}
		if f.accountCount() != accounts || f.mailsTo("inv@example.test") != 0 {
			t.Error("a refused sign-up created something")
		}
	})
	t.Run("Disabled", func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		if _, err := f.scope("acme.localhost", "admin@acme.example").UpdateSettings(ctx, f.accountID("Acme Hosting"),
			tenantry.SettingsUpdate{SignupEnabled: ptrTo(false)}); err != nil {
			t.Fatal(err)
		}
		accounts := f.accountCount()
		b := f.browser("acme.localhost")
		if r := b.get("/login"); strings.Contains(r.body, `data-testid="signup-link"`) {
			t.Error("the sign-in page offers a sign-up that is closed")
		}
		if r := b.get("/signup"); r.Code != http.StatusForbidden || !strings.Contains(r.body, `data-testid="signup-closed"`) {
			t.Errorf("GET /signup = %d, want 403 with the closed page", r.Code)
		}
		r := b.submit("/login", "/signup", signupForm("closed@example.test"))
		if r.Code != http.StatusForbidden || !strings.Contains(r.body, `data-testid="signup-closed"`) {
			t.Errorf("POST /signup = %d, want 403 with the closed page", r.Code)
		}
		if f.accountCount() != accounts || f.account("Company of closed@example.test") != nil || f.mailsTo("closed@example.test") != 0 {
			t.Error("a closed sign-up created something")
		}
		// the others still take sign-ups
		if r := f.browser("orbit.localhost").get("/login"); !strings.Contains(r.body, `data-testid="signup-link"`) {
			t.Error("Orbit's sign-in page does not offer its sign-up")
		}
	})
	t.Run("WithoutCSRF", func(t *testing.T) {
		f := newFixture(t)
		accounts := f.accountCount()
		if r := f.browser("acme.localhost").post("/signup", signupForm("forged@example.test")); r.Code != http.StatusForbidden {
			t.Errorf("status = %d, want 403", r.Code)
		}
		if f.accountCount() != accounts {
			t.Error("a forged sign-up created an account")
		}
	})
}

func ptrTo[T any](v T) *T { return &v }

// Ten sign-ups per IP address per hour; refused forms do not count.
func TestSignupThrottle(t *testing.T) {
	f := newFixture(t)
	b := f.browser("beta.localhost")
	bad := signupForm("bad@example.test")
	bad.Del("accept_terms")
	if r := b.signup(bad); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid sign-up = %d, want 422", r.Code)
	}
	for i := range 10 {
		email := "t" + string(rune('a'+i)) + "@example.test"
		if r := b.signup(signupForm(email)); r.Code != http.StatusOK {
			t.Fatalf("sign-up %d = %d, want 200", i+1, r.Code)
		}
	}
	accounts := f.accountCount()
	r := b.signup(signupForm("eleventh@example.test"))
	if r.Code != http.StatusTooManyRequests {
		t.Fatalf("11th sign-up = %d, want 429", r.Code)
	}
	if ra := r.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q, want seconds", ra)
	}
	if msg, _ := byTestID(r.body, "error-message"); !strings.Contains(msg, "Try again in") {
		t.Errorf("message = %q, want when to try again", msg)
	}
	if f.accountCount() != accounts || f.mailsTo("eleventh@example.test") != 0 {
		t.Error("a throttled sign-up created something")
	}
	// another address is another client
	other := f.browser("beta.localhost")
	other.ip = "192.0.2.99"
	if r := other.signup(signupForm("other@example.test")); r.Code != http.StatusOK {
		t.Errorf("sign-up from another address = %d, want 200", r.Code)
	}
}

func TestPasswordReset(t *testing.T) {
	f := newFixture(t)
	const email = "owner@bluebakery.example"
	b := f.browser("acme.localhost")
	if r := b.get("/login"); !strings.Contains(r.body, `href="/forgot-password"`) {
		t.Error("the sign-in page has no forgot-password link")
	}
	signedIn := f.browser("acme.localhost")
	signedIn.login(email)

	// the same answer for an account, a stranger and a user of another tenant
	answers := map[string]*response{}
	for _, e := range []string{email, "nobody@example.test", "admin@orbit.example"} {
		answers[e] = b.submit("/forgot-password", "/forgot-password", url.Values{"email": {e}})
	}
	norm := func(r *response, e string) string {
		return strings.ReplaceAll(csrfValue.ReplaceAllString(r.body, ""), e, "EMAIL")
	}
	for e, r := range answers {
		if r.Code != http.StatusOK || norm(r, e) != norm(answers[email], email) {
			t.Errorf("answer for %s = %d, differs from the one for an account", e, r.Code)
		}
	}
	if f.mailsTo("nobody@example.test") != 0 || f.mailsTo("admin@orbit.example") != 0 {
		t.Error("a reset link went to an address with no account here")
	}
	m := f.mailTo(email)
	if m.Kind != mail.KindResetPassword || m.FromName != "Acme Hosting" {
		t.Fatalf("mail = %s from %s, want Acme's reset link", m.Kind, m.FromName)
	}
	host, path := linkIn(t, m)
	if host != "acme.localhost" {
		t.Errorf("link host = %s, want acme.localhost", host)
	}
	// a link from Acme does nothing on Orbit
	orbit := f.browser("orbit.localhost")
	if r := orbit.get(path); r.Code != http.StatusNotFound {
		t.Errorf("GET the link on orbit = %d, want 404", r.Code)
	}
	if r := orbit.submit("/login", path, url.Values{"password": {"a brand new secret"}, "confirm": {"a brand new secret"}}); r.Code != http.StatusNotFound {
		t.Errorf("POST the link on orbit = %d, want 404", r.Code)
	}

	r := b.get(path)
	if got, _ := byTestID(r.body, "reset-email"); r.Code != http.StatusOK || got != email {
		t.Fatalf("reset page = %d for %q", r.Code, got)
	}
	r = b.submit(path, path, url.Values{"password": {"a brand new secret"}, "confirm": {"something else entirely"}})
	if _, ok := byTestID(r.body, "error-confirm"); r.Code != http.StatusUnprocessableEntity || !ok {
		t.Errorf("mismatched confirmation = %d, want 422 on confirm", r.Code)
	}
	r = b.submit(path, path, url.Values{"password": {"short"}, "confirm": {"short"}})
	if _, ok := byTestID(r.body, "error-password"); r.Code != http.StatusUnprocessableEntity || !ok {
		t.Errorf("weak password = %d, want 422 on password", r.Code)
	}
	r = b.submit(path, path, url.Values{"password": {"a brand new secret"}, "confirm": {"a brand new secret"}})
	if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
		t.Fatalf("reset = %d → %q, want 303 → /login", r.Code, r.location())
	}
	if msg, _ := byTestID(b.get(r.location()).body, "login-notice"); msg == "" {
		t.Error("no notice on the sign-in page after the reset")
	}
	if r := b.submit("/login", path, url.Values{"password": {"yet another secret"}, "confirm": {"yet another secret"}}); r.Code != http.StatusNotFound {
		t.Errorf("second use = %d, want 404", r.Code)
	}
	// the session signed in before the reset has ended
	if r := signedIn.get("/app"); r.Code != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
		t.Errorf("old session GET /app = %d → %q, want a redirect to sign in", r.Code, r.location())
	}
	if r := b.loginWith(email, store.DemoPassword); r.Code != http.StatusUnauthorized {
		t.Errorf("old password = %d, want 401", r.Code)
	}
	if r := b.loginWith(email, "a brand new secret"); r.Code != http.StatusSeeOther {
		t.Errorf("new password = %d, want 303", r.Code)
	}

	t.Run("Expires", func(t *testing.T) {
		b := f.browser("acme.localhost")
		b.ip = "192.0.2.77"
		b.submit("/forgot-password", "/forgot-password", url.Values{"email": {email}})
		_, path := linkIn(t, f.mailTo(email))
		f.db.Now = func() time.Time { return time.Now().UTC().Add(store.ResetPasswordTTL + time.Minute) }
		defer func() { f.db.Now = func() time.Time { return time.Now().UTC() } }()
		if r := b.get(path); r.Code != http.StatusNotFound {
			t.Errorf("GET an hour-old link = %d, want 404", r.Code)
		}
	})
	t.Run("Throttled", func(t *testing.T) {
		b := f.browser("acme.localhost")
		b.ip = "192.0.2.88"
		var r *response
		for range 6 {
			r = b.submit("/forgot-password", "/forgot-password", url.Values{"email": {"flood@example.test"}})
		}
		if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") == "" {
			t.Errorf("6th request for one address = %d, want 429 with Retry-After", r.Code)
		}
	})
}

// Outgoing mail is the provider's to read: reseller staff and customers
// get 404, and every message shows its tenant's brand.
func TestOutboxPage(t *testing.T) {
	f := newFixture(t)
	if r := f.browser("acme.localhost").signup(signupForm("box@example.test")); r.Code != http.StatusOK {
		t.Fatalf("sign-up = %d", r.Code)
	}
	m := f.mailTo("box@example.test")

	for _, v := range []struct{ host, email string }{
		{"acme.localhost", "admin@acme.example"},
		{"portal.localhost", "admin@acme.example"},
		{"orbit.localhost", "admin@orbit.example"},
		{"acme.localhost", "owner@bluebakery.example"},
	} {
		b := f.browser(v.host)
		b.login(v.email)
		for _, path := range []string{"/provider/outbox", "/provider/outbox/" + m.ID, "/provider/outbox/" + m.ID + "/html"} {
			if r := b.get(path); r.Code != http.StatusNotFound {
				t.Errorf("%s on %s: GET %s = %d, want 404", v.email, v.host, path, r.Code)
			}
		}
	}
	if r := f.browser("portal.localhost").get("/provider/outbox"); r.Code != http.StatusSeeOther {
		t.Errorf("anonymous GET /provider/outbox = %d, want a redirect to sign in", r.Code)
	}

	b := f.browser("portal.localhost")
	b.login("admin@nimbus.example")
	r := b.get("/provider")
	if !strings.Contains(r.body, `data-testid="nav-outbox"`) {
		t.Error("the provider panel has no Outgoing mail item")
	}
	r = b.get("/provider/outbox?q=box@")
	if r.Code != http.StatusOK {
		t.Fatalf("GET /provider/outbox = %d", r.Code)
	}
	row := r.body[strings.Index(r.body, `data-testid="outbox-row-`+m.ID+`"`):]
	if got, _ := byTestID(row, "outbox-brand"); got != "Acme Hosting" {
		t.Errorf("listed brand = %q, want Acme Hosting", got)
	}
	if got, _ := byTestID(row, "outbox-to"); got != "box@example.test" {
		t.Errorf("listed recipient = %q", got)
	}
	if r := b.get("/provider/outbox?q=nobody-at-all"); !strings.Contains(r.body, `data-testid="outbox-empty"`) {
		t.Error("a search that matches nothing lists something")
	}

	r = b.get("/provider/outbox/" + m.ID)
	if r.Code != http.StatusOK {
		t.Fatalf("GET the message = %d", r.Code)
	}
	if got, _ := byTestID(r.body, "outbox-tenant"); got != "Acme Hosting" {
		t.Errorf("tenant = %q", got)
	}
	if !strings.Contains(r.body, `data-color="#7c2d12"`) || !strings.Contains(r.body, `fill="#7c2d12"`) {
		t.Error("the message page does not show the brand's colour")
	}
	if !strings.Contains(r.body, `data-testid="outbox-link"`) || !strings.Contains(r.body, "/verify/") {
		t.Error("the message page does not list the verification link")
	}
	if !strings.Contains(r.body, `sandbox=""`) {
		t.Error("the HTML part is not framed in a sandbox")
	}
	h := b.get("/provider/outbox/" + m.ID + "/html")
	if csp := h.Header().Get("Content-Security-Policy"); h.Code != http.StatusOK || !strings.HasPrefix(csp, "sandbox") ||
		!strings.Contains(csp, "frame-ancestors 'self'") {
		t.Errorf("HTML part = %d with CSP %q, want a sandbox framable by the portal only", h.Code, csp)
	}
	if !strings.Contains(h.body, "Acme Hosting") || strings.Contains(h.body, "Nimbus") {
		t.Error("the HTML part is not Acme's alone")
	}
	if r := b.get("/provider/outbox/msg_doesnotexist234567abcdef"); r.Code != http.StatusNotFound {
		t.Errorf("unknown message = %d, want 404", r.Code)
	}
}

// Links in mail carry one-time tokens: a client cannot choose their scheme.
func TestMailLinkScheme(t *testing.T) {
	f := newFixtureWith(t, func(c *web.Config) { c.PublicPort = "8080" })
	b := f.browser("acme.localhost:8080")
	form := url.Values{"email": {"owner@bluebakery.example"}, "_csrf": {b.csrf("/forgot-password")}}
	req := httptest.NewRequest(http.MethodPost, "/forgot-password", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "javascript")
	if r := b.do(req); r.Code != http.StatusOK {
		t.Fatalf("POST /forgot-password = %d", r.Code)
	}
	if m := f.mailTo("owner@bluebakery.example"); !strings.Contains(m.Text, "http://acme.localhost:8080/reset-password/") {
		t.Errorf("reset mail links:\n%s\nwant http on the request's host and port", m.Text)
	}
}

// A pending sign-up's page tells its vendor what it still waits for.
func TestPendingSignupCard(t *testing.T) {
	f := newFixture(t)
	f.browser("orbit.localhost").signup(signupForm("card@example.test"))
	b := f.browser("orbit.localhost")
	b.login("admin@orbit.example")
	page := b.get("/reseller/accounts/" + f.account("Company of card@example.test").ID)
	email, _ := byTestID(page.body, "signup-email-state")
	approval, _ := byTestID(page.body, "signup-approval-state")
	if !strings.Contains(email, "Waiting for the owner") || !strings.Contains(approval, "Waiting for your approval") {
		t.Errorf("card says %q and %q", email, approval)
	}
	if _, ok := byTestID(page.body, "approve"); !ok {
		t.Error("no Approve button while approval is missing")
	}
}
