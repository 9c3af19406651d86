package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/store"
)

// stealCookies copies the browser's cookies on its host, as a thief would.
func (b *browser) stealCookies() map[string]*http.Cookie {
	out := map[string]*http.Cookie{}
	for k, v := range b.cookies[hostOnly(b.host)] {
		c := *v
		out[k] = &c
	}
	return out
}

// withCookies is a fresh browser on host holding the given cookies.
func (f *fixture) withCookies(host string, cookies map[string]*http.Cookie) *browser {
	b := f.browser(host)
	b.cookies[hostOnly(host)] = cookies
	return b
}

// signedIn reports whether the browser's session opens the profile.
func (b *browser) signedIn() bool {
	b.f.t.Helper()
	r := b.get("/profile")
	switch {
	case r.Code == http.StatusOK:
		return true
	case r.Code == http.StatusSeeOther && strings.HasPrefix(r.location(), "/login"):
		return false
	default:
		b.f.t.Fatalf("GET /profile = %d to %q", r.Code, r.location())
		return false
	}
}

var (
	revokeSessionButton = regexp.MustCompile(`data-testid="revoke-session-([0-9a-f]+)"`)
	thisSessionRow      = regexp.MustCompile(`data-testid="session-([0-9a-f]+)" data-current`)
	changeEmailURL      = regexp.MustCompile(`https?://([^/\s]+)(/profile/email/[a-z0-9]+)`)
)

func TestProfileNeedsLoginAndIsLinked(t *testing.T) {
	f := newFixture(t)
	for _, host := range []string{"portal.localhost", "acme.localhost", "beta.localhost"} {
		t.Run(host, func(t *testing.T) {
			b := f.browser(host)
			r := b.get("/profile")
			if r.Code != http.StatusSeeOther || r.location() != "/login?next=%2Fprofile" {
				t.Errorf("anonymous GET /profile = %d to %q, want the sign-in page", r.Code, r.location())
			}
			if r := b.post("/profile/name", url.Values{"name": {"x"}}); r.Code != http.StatusForbidden {
				t.Errorf("anonymous POST without CSRF = %d, want 403", r.Code)
			}
		})
	}
	for _, tt := range []struct{ host, email, panel string }{
		{"acme.localhost", "admin@acme.example", "/reseller"},
		{"acme.localhost", "owner@bluebakery.example", "/app"},
		{"portal.localhost", "admin@nimbus.example", "/provider"},
	} {
		t.Run(tt.email, func(t *testing.T) {
			b := f.browser(tt.host)
			b.login(tt.email)
			panel := b.get(tt.panel)
			if !strings.Contains(panel.body, `href="/profile"`) {
				t.Errorf("the %s topbar has no link to the profile", tt.panel)
			}
			r := b.get("/profile")
			if r.Code != http.StatusOK {
				t.Fatalf("GET /profile = %d", r.Code)
			}
			if got, _ := byTestID(r.body, "profile-current-email"); got != tt.email {
				t.Errorf("profile email = %q, want %q", got, tt.email)
			}
		})
	}
}

func TestProfileName(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")

	if r := b.post("/profile/name", url.Values{"name": {"Forged"}}); r.Code != http.StatusForbidden {
		t.Errorf("POST without CSRF = %d, want 403", r.Code)
	}
	r := b.submit("/profile", "/profile/name", url.Values{"name": {""}})
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("empty name = %d, want 422", r.Code)
	}
	if _, ok := byTestID(r.body, "error-name"); !ok {
		t.Error("no error on the name field")
	}
	r = b.submit("/profile", "/profile/name", url.Values{"name": {"Ada\nAcme"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.body, `value="Ada
Acme"`) {
		t.Errorf("a refused name = %d, want 422 with the input kept", r.Code)
	}
	r = b.submit("/profile", "/profile/name", url.Values{"name": {"Ada Acme"}})
	if r.Code != http.StatusSeeOther || r.location() != "/profile" {
		t.Fatalf("save name = %d to %q", r.Code, r.location())
	}
	page := b.get("/profile")
	if msg, _ := byTestID(page.body, "flash"); msg == "" || !strings.Contains(page.body, `value="Ada Acme"`) {
		t.Errorf("after saving: flash %q, want a flash and the new name", msg)
	}
	u, err := f.db.UserByEmail(context.Background(), "admin@acme.example")
	if err != nil || u.Name != "Ada Acme" {
		t.Errorf("saved name = %q, %v", u.Name, err)
	}
}

func TestProfilePasswordEndsOtherSessions(t *testing.T) {
	f := newFixture(t)
	const email = "admin@acme.example"
	me := f.browser("acme.localhost")
	me.login(email)
	laptop := f.browser("acme.localhost")
	laptop.login(email)
	platform := f.browser("portal.localhost")
	platform.login(email)
	other := f.browser("acme.localhost")
	other.login("owner@bluebakery.example")
	token := me.token(email)
	stolen := me.stealCookies()

	tests := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"WrongCurrent", url.Values{"current_password": {"wrong-password"}, "password": {newPassword}, "confirm": {newPassword}}, "current_password"},
		{"Weak", url.Values{"current_password": {store.DemoPassword}, "password": {"short"}, "confirm": {"short"}}, "password"},
		{"Mismatch", url.Values{"current_password": {store.DemoPassword}, "password": {newPassword}, "confirm": {"different thing"}}, "confirm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := me.submit("/profile", "/profile/password", tt.form)
			if r.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422", r.Code)
			}
			if _, ok := byTestID(r.body, "error-"+tt.field); !ok {
				t.Errorf("no error on %s", tt.field)
			}
			if !laptop.signedIn() {
				t.Error("a refused change ended another session")
			}
		})
	}

	r := me.submit("/profile", "/profile/password", url.Values{"current_password": {store.DemoPassword},
		"password": {newPassword}, "confirm": {newPassword}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("change password = %d: %s", r.Code, excerpt(r.body))
	}
	page := me.get("/profile")
	if page.Code != http.StatusOK {
		t.Fatalf("the current session after the change: GET /profile = %d, want it kept", page.Code)
	}
	if msg, _ := byTestID(page.body, "flash"); !strings.Contains(msg, "other sessions are signed out") || !strings.Contains(msg, "API tokens are revoked") {
		t.Errorf("flash = %q, want it to say other sessions ended and tokens are revoked", msg)
	}
	if me.cookies["acme.localhost"]["tenantry_session"].Value == stolen["tenantry_session"].Value {
		t.Error("the current session's id was not renewed")
	}
	if f.withCookies("acme.localhost", stolen).signedIn() {
		t.Error("the current session's old cookie still works")
	}
	if laptop.signedIn() {
		t.Error("another session on this domain still works")
	}
	if platform.signedIn() {
		t.Error("the user's session on the platform domain still works")
	}
	if !other.signedIn() {
		t.Error("another user's session was ended")
	}
	// a token is a credential the old password minted: it ends with it
	if r := me.api(http.MethodGet, "/api/v1/me", token, nil); r.Code != http.StatusUnauthorized {
		t.Errorf("API token after the change = %d, want 401 (revoked)", r.Code)
	}
	if r := f.browser("acme.localhost").loginWith(email, newPassword); r.Code != http.StatusSeeOther {
		t.Errorf("login with the new password = %d", r.Code)
	}
}

func TestProfileEmailChange(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")

	t.Run("TakenAnsweredLikeFree", func(t *testing.T) {
		// another user's address is answered as a free one: the same
		// redirect, flash and pending change; its owner gets a notice
		// without a link
		r := b.submit("/profile", "/profile/email", url.Values{"email": {"owner@bluebakery.example"}, "email_password": {store.DemoPassword}})
		if r.Code != http.StatusSeeOther || r.location() != "/profile" {
			t.Fatalf("status = %d to %q, want 303 to /profile as for a free address", r.Code, r.location())
		}
		page := b.get("/profile")
		if msg, _ := byTestID(page.body, "flash"); !strings.HasPrefix(msg, "We sent a confirmation link to owner@bluebakery.example.") {
			t.Errorf("flash = %q, want the confirmation-sent message", msg)
		}
		if got, _ := byTestID(page.body, "pending-email"); got != "pending: owner@bluebakery.example" {
			t.Errorf("pending = %q, want owner@bluebakery.example, as for a free address", got)
		}
		if m := f.mailTo("owner@bluebakery.example"); m.Kind != mail.KindEmailChangeTaken || changeEmailURL.MatchString(m.Text) {
			t.Errorf("mail to the taken address = %s, want email_change_taken without a link", m.Kind)
		}
	})
	t.Run("WrongPassword", func(t *testing.T) {
		r := b.submit("/profile", "/profile/email", url.Values{"email": {"owner@bluebakery.example"}, "email_password": {"nope-nope-nope"}})
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status = %d, want 422", r.Code)
		}
		if _, ok := byTestID(r.body, "error-email_password"); !ok {
			t.Error("no error on the password field")
		}
	})

	r := b.submit("/profile", "/profile/email", url.Values{"email": {"ada@example.test"}, "email_password": {store.DemoPassword}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("request change = %d: %s", r.Code, excerpt(r.body))
	}
	page := b.get("/profile")
	if got, _ := byTestID(page.body, "pending-email"); got != "pending: ada@example.test" {
		t.Errorf("pending = %q, want %q", got, "pending: ada@example.test")
	}
	if got, _ := byTestID(page.body, "profile-current-email"); got != "admin@acme.example" {
		t.Errorf("email before the link is followed = %q", got)
	}
	if n := f.mailsTo("admin@acme.example"); n < 1 || f.mailTo("admin@acme.example").Kind != mail.KindEmailChangeNotice {
		t.Error("no notice to the old address")
	}
	m := f.mailTo("ada@example.test")
	if m.Kind != mail.KindChangeEmail || m.FromName != "Acme Hosting" {
		t.Errorf("mail to the new address = %s from %q, want change_email from Acme Hosting", m.Kind, m.FromName)
	}
	link := changeEmailURL.FindStringSubmatch(m.Text)
	if link == nil || link[1] != "acme.localhost" {
		t.Fatalf("no link on acme.localhost in %q", m.Text)
	}
	path := link[2]

	t.Run("OtherTenantsDomain", func(t *testing.T) {
		p := f.browser("portal.localhost")
		p.login("admin@acme.example")
		if r := p.get(path); r.Code != http.StatusNotFound {
			t.Errorf("GET the link on the platform domain = %d, want 404", r.Code)
		}
		if r := p.submit("/profile", path, url.Values{}); r.Code != http.StatusNotFound {
			t.Errorf("POST the link on the platform domain = %d, want 404", r.Code)
		}
	})
	t.Run("OtherUser", func(t *testing.T) {
		o := f.browser("acme.localhost")
		o.login("owner@bluebakery.example")
		if r := o.get(path); r.Code != http.StatusNotFound {
			t.Errorf("GET another user's link = %d, want 404", r.Code)
		}
	})
	t.Run("Anonymous", func(t *testing.T) {
		if r := f.browser("acme.localhost").get(path); r.Code != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
			t.Errorf("anonymous GET = %d to %q, want the sign-in page", r.Code, r.location())
		}
	})

	confirm := b.get(path)
	if got, _ := byTestID(confirm.body, "confirm-new-email"); confirm.Code != http.StatusOK || got != "ada@example.test" {
		t.Fatalf("GET link = %d, new email %q", confirm.Code, got)
	}
	if _, err := f.db.UserByEmail(ctx, "ada@example.test"); err == nil {
		t.Fatal("the GET changed the email")
	}
	if r := b.submit(path, path, url.Values{}); r.Code != http.StatusSeeOther {
		t.Fatalf("POST link = %d: %s", r.Code, excerpt(r.body))
	}
	if got, _ := byTestID(b.get("/profile").body, "profile-current-email"); got != "ada@example.test" {
		t.Errorf("email after confirming = %q", got)
	}
	if r := b.get(path); r.Code != http.StatusNotFound {
		t.Errorf("the link a second time = %d, want 404", r.Code)
	}
	if r := f.browser("acme.localhost").loginWith("ada@example.test", store.DemoPassword); r.Code != http.StatusSeeOther {
		t.Errorf("login with the new email = %d", r.Code)
	}
	if r := f.browser("acme.localhost").loginWith("admin@acme.example", store.DemoPassword); r.Code != http.StatusUnauthorized {
		t.Errorf("login with the old email = %d, want 401", r.Code)
	}
}

func TestProfileSessions(t *testing.T) {
	f := newFixture(t)
	me := f.browser("acme.localhost")
	me.login("admin@acme.example")
	phone := f.browser("acme.localhost")
	phone.login("admin@acme.example")
	tablet := f.browser("acme.localhost")
	tablet.login("admin@acme.example")
	other := f.browser("acme.localhost")
	other.login("owner@bluebakery.example")

	page := me.get("/profile")
	revocable := revokeSessionButton.FindAllStringSubmatch(page.body, -1)
	if len(revocable) != 2 {
		t.Fatalf("revocable sessions listed = %d, want 2 (phone and tablet, not this one)", len(revocable))
	}
	if strings.Count(page.body, `data-testid="this-session"`) != 1 {
		t.Error("want exactly one session marked as this one")
	}
	mine := thisSessionRow.FindStringSubmatch(page.body)
	if mine == nil {
		t.Fatal("no id for this session")
	}
	if strings.Contains(page.body, me.cookies["acme.localhost"]["tenantry_session"].Value) {
		t.Error("the page shows the session cookie")
	}

	t.Run("OtherUserErrNotFound", func(t *testing.T) {
		for _, id := range []string{revocable[0][1], mine[1]} {
			if r := other.submit("/profile", "/profile/sessions/"+id+"/revoke", url.Values{}); r.Code != http.StatusNotFound {
				t.Errorf("another user revoking my session = %d, want 404", r.Code)
			}
		}
		if !me.signedIn() || !phone.signedIn() || !tablet.signedIn() {
			t.Error("another user ended my session")
		}
	})
	t.Run("Revoke", func(t *testing.T) {
		// which of phone and tablet is which does not matter: one ends
		r := me.submit("/profile", "/profile/sessions/"+revocable[0][1]+"/revoke", url.Values{})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("revoke = %d", r.Code)
		}
		if phone.signedIn() == tablet.signedIn() {
			t.Error("want exactly one of the two other sessions ended")
		}
		if !me.signedIn() {
			t.Error("revoking another session ended this one")
		}
		if r := me.submit("/profile", "/profile/sessions/"+revocable[0][1]+"/revoke", url.Values{}); r.Code != http.StatusNotFound {
			t.Errorf("revoking an ended session = %d, want 404", r.Code)
		}
	})
	t.Run("SignOutEverywhereElse", func(t *testing.T) {
		desktop := f.browser("acme.localhost")
		desktop.login("admin@acme.example")
		r := me.submit("/profile", "/profile/sessions/revoke-others", url.Values{})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("revoke others = %d", r.Code)
		}
		if phone.signedIn() || tablet.signedIn() || desktop.signedIn() {
			t.Error("another session survived")
		}
		if !me.signedIn() || !other.signedIn() {
			t.Error("this session or another user's was ended")
		}
	})
	t.Run("RevokeThisOneSignsOut", func(t *testing.T) {
		id := thisSessionRow.FindStringSubmatch(me.get("/profile").body)[1]
		r := me.submit("/profile", "/profile/sessions/"+id+"/revoke", url.Values{})
		if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
			t.Errorf("revoking this session = %d to %q, want the sign-in page", r.Code, r.location())
		}
		if me.signedIn() {
			t.Error("still signed in")
		}
	})
}

var newTokenSecret = regexp.MustCompile(`data-testid="new-token-secret">(tnt_[A-Za-z0-9]+)<`)

func TestProfileAPITokens(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")

	r := b.submit("/profile", "/profile/tokens", url.Values{"token_name": {""}})
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("unnamed token = %d, want 422", r.Code)
	}
	if _, ok := byTestID(r.body, "error-token_name"); !ok {
		t.Error("no error on the name")
	}
	r = b.submit("/profile", "/profile/tokens", url.Values{"token_name": {"billing export"}, "token_password": {"not-my-password"}})
	if r.Code != http.StatusUnprocessableEntity || newTokenSecret.MatchString(r.body) {
		t.Fatalf("token with a wrong password = %d, want 422 and no secret", r.Code)
	}
	if _, ok := byTestID(r.body, "error-token_password"); !ok {
		t.Error("no error on the password")
	}
	r = b.submit("/profile", "/profile/tokens", url.Values{"token_name": {"billing export"}, "token_password": {store.DemoPassword}})
	m := newTokenSecret.FindStringSubmatch(r.body)
	if r.Code != http.StatusOK || m == nil {
		t.Fatalf("create token = %d, secret shown: %v", r.Code, m != nil)
	}
	secret := m[1]
	if strings.Contains(b.get("/profile").body, secret) {
		t.Error("the secret is shown again")
	}
	if r := b.api(http.MethodGet, "/api/v1/me", secret, nil); r.Code != http.StatusOK {
		t.Fatalf("the new token on /api/v1/me = %d", r.Code)
	}
	if r := f.browser("portal.localhost").api(http.MethodGet, "/api/v1/me", secret, nil); r.Code != http.StatusUnauthorized {
		t.Errorf("the token on the platform domain = %d, want 401", r.Code)
	}

	var list struct {
		Items []struct {
			ID         string  `json:"id"`
			Name       string  `json:"name"`
			LastUsedAt *string `json:"last_used_at"`
			RevokedAt  *string `json:"revoked_at"`
		}
	}
	lr := b.api(http.MethodGet, "/api/v1/me/tokens", secret, nil)
	decode(t, lr, &list)
	if lr.Code != http.StatusOK || len(list.Items) != 1 || list.Items[0].Name != "billing export" ||
		list.Items[0].LastUsedAt == nil || list.Items[0].RevokedAt != nil {
		t.Fatalf("GET /api/v1/me/tokens = %d %s, want the token, used, not revoked", lr.Code, lr.body)
	}
	if strings.Contains(lr.body, secret) {
		t.Error("the list shows the secret")
	}
	id := list.Items[0].ID
	if _, ok := byTestID(b.get("/profile").body, "token-state-"+id); !ok {
		t.Error("the token is not listed on the profile")
	}

	t.Run("OtherUserErrNotFound", func(t *testing.T) {
		o := f.browser("acme.localhost")
		o.login("owner@bluebakery.example")
		if r := o.submit("/profile", "/profile/tokens/"+id+"/revoke", url.Values{}); r.Code != http.StatusNotFound {
			t.Errorf("another user revoking in the panel = %d, want 404", r.Code)
		}
		theirs := o.token("owner@bluebakery.example")
		if r := o.api(http.MethodDelete, "/api/v1/me/tokens/"+id, theirs, nil); r.Code != http.StatusNotFound {
			t.Errorf("another user revoking through the API = %d, want 404", r.Code)
		}
		if r := b.api(http.MethodGet, "/api/v1/me", secret, nil); r.Code != http.StatusOK {
			t.Errorf("my token after their attempts = %d", r.Code)
		}
	})

	r = b.submit("/profile", "/profile/tokens/"+id+"/revoke", url.Values{})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("revoke = %d", r.Code)
	}
	if r := b.api(http.MethodGet, "/api/v1/me", secret, nil); r.Code != http.StatusUnauthorized {
		t.Errorf("the revoked token = %d, want 401", r.Code)
	}
	if state, _ := byTestID(b.get("/profile").body, "token-state-"+id); !strings.HasPrefix(state, "revoked") {
		t.Errorf("state after revoke = %q", state)
	}

	t.Run("APIRevoke", func(t *testing.T) {
		tok := b.token("admin@acme.example")
		var l struct{ Items []struct{ ID, Name string } }
		decode(t, b.api(http.MethodGet, "/api/v1/me/tokens", tok, nil), &l)
		if len(l.Items) != 2 {
			t.Fatalf("tokens listed = %d, want 2", len(l.Items))
		}
		id := ""
		for _, it := range l.Items {
			if it.Name == "API token" {
				id = it.ID
			}
		}
		if r := b.api(http.MethodDelete, "/api/v1/me/tokens/"+id, tok, nil); r.Code != http.StatusNoContent {
			t.Fatalf("DELETE = %d", r.Code)
		}
		if r := b.api(http.MethodGet, "/api/v1/me", tok, nil); r.Code != http.StatusUnauthorized {
			t.Errorf("after DELETE of itself = %d, want 401", r.Code)
		}
	})
}

// Wrong current passwords are throttled per user, like failed sign-ins.
func TestProfileReauthThrottled(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	wrong := url.Values{"current_password": {"wrong-password"}, "password": {newPassword}, "confirm": {newPassword}}
	for i := 0; i < 10; i++ {
		if r := b.submit("/profile", "/profile/password", wrong); r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d = %d, want 422", i+1, r.Code)
		}
	}
	r := b.submit("/profile", "/profile/email", url.Values{"email": {"x@example.test"}, "email_password": {store.DemoPassword}})
	if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") == "" {
		t.Errorf("after 10 wrong passwords = %d (Retry-After %q), want 429 with Retry-After", r.Code, r.Header().Get("Retry-After"))
	}
	if r := b.submit("/profile", "/profile/name", url.Values{"name": {"Still Fine"}}); r.Code != http.StatusSeeOther {
		t.Errorf("a change without the password = %d, want it unaffected", r.Code)
	}
}

// A token minted on the platform domain is the user's too: the list on
// the reseller's domain shows it, with the domain it works on, and it can
// be revoked from there.
func TestProfileTokensOfEveryDomain(t *testing.T) {
	f := newFixture(t)
	here := f.browser("acme.localhost")
	here.login("admin@acme.example")
	platform := f.browser("portal.localhost")
	platformToken := platform.token("admin@acme.example")
	hereToken := here.token("admin@acme.example")

	var list struct {
		Items []struct {
			ID     string `json:"id"`
			Domain string `json:"domain"`
		}
	}
	r := here.api(http.MethodGet, "/api/v1/me/tokens", hereToken, nil)
	decode(t, r, &list)
	domains := map[string]string{}
	for _, it := range list.Items {
		domains[it.Domain] = it.ID
	}
	if r.Code != http.StatusOK || len(list.Items) != 2 || domains["acme.localhost"] == "" || domains["portal.localhost"] == "" {
		t.Fatalf("GET /api/v1/me/tokens on acme = %d %s, want both tokens with their domains", r.Code, r.body)
	}
	csv := here.api(http.MethodGet, "/api/v1/me/tokens?format=csv", hereToken, nil)
	if !strings.HasPrefix(csv.body, "id,name,domain,") || !strings.Contains(csv.body, ",portal.localhost,") {
		t.Errorf("CSV = %q, want a domain column naming portal.localhost", csv.body)
	}
	page := here.get("/profile")
	if d, _ := byTestID(page.body, "token-domain-"+domains["portal.localhost"]); d != "portal.localhost" {
		t.Errorf("profile page domain of the platform token = %q, want portal.localhost", d)
	}
	if r := here.submit("/profile", "/profile/tokens/"+domains["portal.localhost"]+"/revoke", url.Values{}); r.Code != http.StatusSeeOther {
		t.Fatalf("revoking the platform token from acme = %d", r.Code)
	}
	if r := platform.api(http.MethodGet, "/api/v1/me", platformToken, nil); r.Code != http.StatusUnauthorized {
		t.Errorf("the platform token after revoking it on acme = %d, want 401", r.Code)
	}
}

// The change-of-address form mails an address the requester types: past
// the per-user limit it answers 429 with Retry-After and mails nothing.
func TestProfileEmailChangeThrottled(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	ask := func(to string) *response {
		return b.submit("/profile", "/profile/email", url.Values{"email": {to}, "email_password": {store.DemoPassword}})
	}
	for i := range 5 {
		if r := ask(fmt.Sprintf("new%d@example.test", i)); r.Code != http.StatusSeeOther {
			t.Fatalf("request %d = %d, want 303", i+1, r.Code)
		}
	}
	r := ask("one-too-many@example.test")
	if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") == "" {
		t.Fatalf("past the limit = %d (Retry-After %q), want 429 with Retry-After", r.Code, r.Header().Get("Retry-After"))
	}
	if n := f.mailsTo("one-too-many@example.test"); n != 0 {
		t.Errorf("mail to the address past the limit = %d, want none", n)
	}
	// a taken address counts the same: nothing tells the two apart
	if r := ask("owner@bluebakery.example"); r.Code != http.StatusTooManyRequests {
		t.Errorf("a taken address past the limit = %d, want 429", r.Code)
	}
	if n := f.mailsTo("owner@bluebakery.example"); n != 0 {
		t.Errorf("mail to the taken address past the limit = %d, want none", n)
	}
}
