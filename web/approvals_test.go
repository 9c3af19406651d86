package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
)

// approvalMailsTo lists the to-addresses of the sign-up approval mails
// that mention company.
func (f *fixture) approvalMailsTo(company string) []string {
	f.t.Helper()
	page, err := f.provider().OutboxMessages(context.Background(), store.OutboxFilter{Limit: 500})
	if err != nil {
		f.t.Fatal(err)
	}
	var to []string
	for _, m := range page.Items {
		if m.Kind == mail.KindSignupAwaitsApproval && strings.Contains(m.Text, company) {
			to = append(to, m.To+" from "+m.FromName)
		}
	}
	return to
}

// pendingList returns the dashboard's to-do list section, and whether
// there is one.
func pendingList(body string) (string, bool) {
	i := strings.Index(body, `data-testid="pending-signups"`)
	if i < 0 {
		return "", false
	}
	end := strings.Index(body[i:], "</section>")
	if end < 0 {
		return body[i:], true
	}
	return body[i : i+end], true
}

// signUpAndConfirm signs email up on host and follows the confirmation link.
func (f *fixture) signUpAndConfirm(host, email string) *tenantry.Account {
	f.t.Helper()
	b := f.browser(host)
	if r := b.signup(signupForm(email)); r.Code != http.StatusOK {
		f.t.Fatalf("POST /signup on %s = %d", host, r.Code)
	}
	_, path := linkIn(f.t, f.mailTo(email))
	b.verify(path)
	a := f.account("Company of " + email)
	if a == nil || a.Status != tenantry.StatusPending {
		f.t.Fatalf("sign-up of %s = %+v, want pending approval", email, a)
	}
	return a
}

// Two resellers that review sign-ups each see, are mailed about and can
// reject only their own.
func TestDashboardPendingSignups(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	yes := true
	if _, err := f.scope("acme.localhost", "admin@acme.example").UpdateSettings(ctx, f.accountID("Acme Hosting"),
		tenantry.SettingsUpdate{SignupRequiresApproval: &yes}); err != nil {
		t.Fatal(err)
	}
	oli := f.signUpAndConfirm("orbit.localhost", "oli@example.test")
	pat := f.signUpAndConfirm("orbit.localhost", "pat@example.test")
	ann := f.signUpAndConfirm("acme.localhost", "ann@example.test")

	// the mail goes to each vendor's own Owner, on its own brand
	if got := f.approvalMailsTo("Company of oli@example.test"); strings.Join(got, ",") != "admin@orbit.example from Orbit IT" {
		t.Errorf("approval mail for Orbit's sign-up went to %v, want Orbit's Owner only", got)
	}
	if got := f.approvalMailsTo("Company of ann@example.test"); strings.Join(got, ",") != "admin@acme.example from Acme Hosting" {
		t.Errorf("approval mail for Acme's sign-up went to %v, want Acme's Owner only", got)
	}

	orbit := f.browser("orbit.localhost")
	orbit.login("admin@orbit.example")
	acme := f.browser("acme.localhost")
	acme.login("admin@acme.example")

	body := orbit.get("/reseller").body
	list, ok := pendingList(body)
	if n, _ := byTestID(body, "pending-count"); !ok || n != "2" {
		t.Fatalf("Orbit's dashboard counts %q pending sign-ups, want 2: %s", n, excerpt(body))
	}
	if !strings.Contains(list, "Company of oli@example.test") || !strings.Contains(list, "pat@example.test") ||
		strings.Contains(list, "ann@example.test") {
		t.Errorf("Orbit's to-do list = %s, want Orbit's two sign-ups and not Acme's", list)
	}
	if !strings.Contains(body, `name="_confirm" value="Reject and delete the sign-up of Company of oli@example.test?"`) {
		t.Error("the Reject form asks no confirmation")
	}
	body = acme.get("/reseller").body
	if list, _ := pendingList(body); !strings.Contains(list, "ann@example.test") || strings.Contains(list, "oli@example.test") {
		t.Errorf("Acme's to-do list = %s, want Acme's sign-up only", list)
	}

	// Acme cannot reject Orbit's sign-up
	if r := acme.submit("/reseller", "/reseller/accounts/"+oli.ID+"/reject", url.Values{}); r.Code != http.StatusNotFound {
		t.Errorf("Acme rejecting Orbit's sign-up = %d, want 404", r.Code)
	}
	// a post without the token changes nothing
	if r := orbit.post("/reseller/accounts/"+oli.ID+"/reject", url.Values{}); r.Code != http.StatusForbidden {
		t.Errorf("reject without CSRF = %d, want 403", r.Code)
	}
	if f.account(oli.Name) == nil {
		t.Fatal("a refused reject removed the sign-up")
	}

	// reject from the dashboard: back to it, the sign-up gone
	r := orbit.submit("/reseller", "/reseller/accounts/"+oli.ID+"/reject", url.Values{})
	if r.Code != http.StatusSeeOther || r.location() != "/reseller" {
		t.Fatalf("reject = %d → %q, want 303 → /reseller", r.Code, r.location())
	}
	body = orbit.get("/reseller").body
	if msg, _ := byTestID(body, "flash"); !strings.Contains(msg, "rejected") {
		t.Errorf("flash = %q", msg)
	}
	if n, _ := byTestID(body, "pending-count"); n != "1" {
		t.Errorf("pending count after rejecting = %q, want 1", n)
	}
	if f.account(oli.Name) != nil {
		t.Error("the rejected sign-up's account is still there")
	}
	if _, err := f.db.UserByEmail(ctx, "oli@example.test"); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
		t.Errorf("the rejected sign-up's user: %v, want not found", err)
	}

	// approve from the dashboard: back to it, the list empty
	r = orbit.submit("/reseller", "/reseller/accounts/"+pat.ID+"/approve", url.Values{"back": {"dashboard"}})
	if r.Code != http.StatusSeeOther || r.location() != "/reseller" {
		t.Fatalf("approve = %d → %q, want 303 → /reseller", r.Code, r.location())
	}
	if got := f.account(pat.Name); got.Status != tenantry.StatusActive {
		t.Errorf("status after approval = %s, want active", got.Status)
	}
	if _, ok := pendingList(orbit.get("/reseller").body); ok {
		t.Error("the to-do list is still shown with nothing waiting")
	}
	// an approved account cannot be rejected
	r = orbit.submit("/reseller/accounts/"+pat.ID, "/reseller/accounts/"+pat.ID+"/reject", url.Values{})
	if r.Code != http.StatusSeeOther || f.account(pat.Name) == nil {
		t.Errorf("rejecting an approved account = %d; account kept: %v", r.Code, f.account(pat.Name) != nil)
	}
	if f.account(ann.Name) == nil {
		t.Error("Acme's sign-up went with Orbit's")
	}
}
