package store

import (
	"context"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// verifySignup follows the last verification link mailed to email.
func (f *fixture) verifySignup(t *testing.T, host, email string) *Verification {
	t.Helper()
	_, token := linkIn(t, f.lastMail(t, email))
	v, err := f.db.VerifyEmail(context.Background(), f.tenant(t, host), token, testLinks, testIP)
	if err != nil {
		t.Fatalf("VerifyEmail(%s): %v", email, err)
	}
	return v
}

func TestPendingSignups(t *testing.T) {
	ctx := context.Background()
	f := newDemo(t)
	orbit := f.scope(t, "orbit.localhost", "admin@orbit.example")
	orbitID := f.id(t, "Orbit IT")
	f.signUp(t, "orbit.localhost", "bob@example.test")
	f.signUp(t, "orbit.localhost", "cat@example.test")
	f.verifySignup(t, "orbit.localhost", "cat@example.test")
	f.signUp(t, "orbit.localhost", "dan@example.test")
	if _, err := orbit.ApproveAccount(ctx, f.id(t, "Company of dan@example.test"), testLinks); err != nil {
		t.Fatal(err)
	}

	got, err := orbit.PendingSignups(ctx, orbitID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range got.Items {
		names = append(names, p.Account.Name+"/"+p.OwnerEmail)
		if want := p.OwnerEmail == "cat@example.test"; p.EmailConfirmed != want {
			t.Errorf("%s: EmailConfirmed = %v, want %v", p.Account.Name, p.EmailConfirmed, want)
		}
	}
	want := "Company of bob@example.test/bob@example.test,Company of cat@example.test/cat@example.test"
	if strings.Join(names, ",") != want || got.Total != 2 {
		t.Errorf("pending = %v (total %d), want %s: the approved one is no longer waiting", names, got.Total, want)
	}

	// Acme does not require approval: nothing waits for it; nor does it see Orbit's
	if got, err := f.acme(t).PendingSignups(ctx, f.id(t, "Acme Hosting")); err != nil || got.Total != 0 {
		t.Errorf("Acme's pending = %+v, %v; want none", got, err)
	}
	_, err = f.acme(t).PendingSignups(ctx, orbitID)
	wantKind(t, err, tenantry.ENOTFOUND)
}

func TestRejectSignup(t *testing.T) {
	ctx := context.Background()
	orbitHost := "orbit.localhost"

	t.Run("RemovesTheSignupAndNothingElse", func(t *testing.T) {
		f := newDemo(t)
		f.signUp(t, orbitHost, "spam@example.test")
		a := f.acc(t, "Company of spam@example.test")
		// a member who also belongs elsewhere keeps their user
		shared := f.addMember(t, "Echo Media", "shared@example.test", tenantry.RoleViewer)
		if err := f.db.inTx(ctx, func(tx *tx) error {
			return insertMembership(ctx, tx, a.ID, shared.ID, tenantry.RoleAdmin)
		}); err != nil {
			t.Fatal(err)
		}
		before := f.snapshot(t, "accounts", "users", "memberships", "plan_assignments", "user_tokens", "audit_events")
		accounts, users, members := count(t, f.db, "accounts"), count(t, f.db, "users"), count(t, f.db, "memberships")

		got, err := f.scope(t, orbitHost, "admin@orbit.example").RejectSignup(ctx, a.ID)
		if err != nil || got.ID != a.ID {
			t.Fatalf("RejectSignup = %+v, %v", got, err)
		}
		f.assertUnchanged(t, before, "accounts", "users", "memberships", "plan_assignments", "user_tokens", "audit_events")
		if n := count(t, f.db, "accounts"); n != accounts-1 {
			t.Errorf("accounts = %d, want %d", n, accounts-1)
		}
		if n := count(t, f.db, "users"); n != users-1 {
			t.Errorf("users = %d, want %d: only the sign-up's own user goes", n, users-1)
		}
		if n := count(t, f.db, "memberships"); n != members-2 {
			t.Errorf("memberships = %d, want %d", n, members-2)
		}
		var left int
		if err := f.db.read.QueryRow(`SELECT
			(SELECT COUNT(*) FROM accounts WHERE id = ?) + (SELECT COUNT(*) FROM users WHERE email = 'spam@example.test') +
			(SELECT COUNT(*) FROM plan_assignments WHERE account_id = ?) + (SELECT COUNT(*) FROM memberships WHERE account_id = ?)`,
			a.ID, a.ID, a.ID).Scan(&left); err != nil || left != 0 {
			t.Errorf("rows of the sign-up left = %d, %v; want 0", left, err)
		}
		if f.user(t, "shared@example.test").ID != shared.ID {
			t.Error("the member who belongs elsewhere lost their user")
		}
		ev := auditEvents(t, f.db, "account.reject")
		if len(ev) != 1 || ev[0].ActorEmail != "admin@orbit.example" || ev[0].AccountID != f.id(t, "Orbit IT") ||
			ev[0].ObjectID != a.ID || !strings.Contains(ev[0].Summary, "spam@example.test") {
			t.Errorf("reject events = %+v, want one on Orbit naming the removed user", ev)
		}
	})

	t.Run("ApprovedRefused", func(t *testing.T) {
		f := newDemo(t)
		orbit := f.scope(t, orbitHost, "admin@orbit.example")
		f.signUp(t, orbitHost, "ann@example.test")
		approved := f.acc(t, "Company of ann@example.test")
		if _, err := orbit.ApproveAccount(ctx, approved.ID, testLinks); err != nil {
			t.Fatal(err)
		}
		before := f.snapshot(t)
		for _, id := range []string{approved.ID, f.id(t, "Delta Freight")} { // approved but unconfirmed; active
			_, err := orbit.RejectSignup(ctx, id)
			wantField(t, err, tenantry.EINVALID, "status")
		}
		f.assertUnchanged(t, before)
	})

	t.Run("OtherVendorRefused", func(t *testing.T) {
		f := newDemo(t)
		f.signUp(t, orbitHost, "eve@example.test")
		a := f.acc(t, "Company of eve@example.test")
		before := f.snapshot(t)
		for _, s := range []*Scope{f.acme(t), f.scope(t, "beta.localhost", "admin@beta.example"),
			f.scope(t, "acme.localhost", "owner@bluebakery.example")} {
			_, err := s.RejectSignup(ctx, a.ID)
			wantKind(t, err, tenantry.ENOTFOUND)
		}
		f.assertUnchanged(t, before)
	})
}

func TestSignupAwaitingApprovalMailsTheVendor(t *testing.T) {
	f := newDemo(t)
	orbitHost := "orbit.localhost"
	f.addMember(t, "Orbit IT", "second-admin@orbit.example", tenantry.RoleAdmin)
	f.addMember(t, "Orbit IT", "viewer@orbit.example", tenantry.RoleViewer)
	f.addMember(t, "Acme Hosting", "other-admin@acme.example", tenantry.RoleAdmin)
	f.signUp(t, orbitHost, "bob@example.test")
	mails := len(f.mails(t))
	f.verifySignup(t, orbitHost, "bob@example.test")

	var to []string
	for _, m := range f.mails(t)[mails:] {
		if m.Kind != mail.KindSignupAwaitsApproval {
			continue
		}
		to = append(to, m.To)
		wantCleanMail(t, m, "Orbit IT")
		if m.TenantID != f.id(t, "Orbit IT") || !strings.Contains(m.Text, "Company of bob@example.test") ||
			!strings.Contains(m.Text, "http://orbit.localhost:8080/reseller") {
			t.Errorf("mail to %s:\n%s\nwant Orbit's, naming the sign-up and linking to its dashboard", m.To, m.Text)
		}
	}
	if strings.Join(to, ",") != "admin@orbit.example,second-admin@orbit.example" {
		t.Errorf("approval mail went to %v, want Orbit's Owner and Admin only", to)
	}

	// where no approval is needed, confirming activates and nobody is asked
	f.signUp(t, "acme.localhost", "cat@example.test")
	mails = len(f.mails(t))
	f.verifySignup(t, "acme.localhost", "cat@example.test")
	for _, m := range f.mails(t)[mails:] {
		if m.Kind == mail.KindSignupAwaitsApproval {
			t.Errorf("Acme's sign-up mailed %s for approval", m.To)
		}
	}
}
