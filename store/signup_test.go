package store

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/password"
	"github.com/tenantry/tenantry/internal/tenantry"
)

const signupPassword = "correct horse battery"

// signUp signs a new customer up on host and fails t unless it worked.
func (f *fixture) signUp(t *testing.T, host, email string) {
	t.Helper()
	err := f.db.SignUp(context.Background(), f.tenant(t, host), SignupInput{Company: "Company of " + email,
		Name: "Person " + email, Email: email, Password: signupPassword, AcceptTerms: true}, testLinks, testIP)
	if err != nil {
		t.Fatalf("SignUp(%s, %s): %v", host, email, err)
	}
}

// verified reports whether the user has confirmed their address.
func (f *fixture) verified(t *testing.T, email string) bool {
	t.Helper()
	var v sql.NullInt64
	if err := f.db.read.QueryRow(`SELECT email_verified_at FROM users WHERE email = ?`, email).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v.Valid
}

// wantCleanMail fails t when a tenant's mail names anyone but the tenant.
func wantCleanMail(t *testing.T, m OutboxMessage, brand string) {
	t.Helper()
	if m.FromName != brand || !strings.Contains(m.Text, brand) || !strings.Contains(m.HTML, brand) {
		t.Errorf("%s mail is not in %s's brand: from %q", m.Kind, brand, m.FromName)
	}
	for _, other := range []string{"Nimbus", "Tenantry", "portal.localhost", "Orbit", "Acme", "Beta"} {
		if strings.Contains(brand, other) {
			continue
		}
		for part, body := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
			if strings.Contains(body, other) {
				t.Errorf("%s mail's %s from %s names %q", m.Kind, part, brand, other)
			}
		}
	}
}

func TestSignUp(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acme := f.acc(t, "Acme Hosting")
	before := count(t, f.db, "accounts")
	f.signUp(t, "acme.localhost", "New.Person@Example.TEST")

	a := f.acc(t, "Company of New.Person@Example.TEST")
	if a.ParentID != acme.ID || a.Kind != tenantry.KindCustomer || a.Status != tenantry.StatusPending {
		t.Errorf("account = parent %s, %s, %s; want a pending customer of Acme (%s)", a.ParentID, a.Kind, a.Status, acme.ID)
	}
	if got := count(t, f.db, "accounts"); got != before+1 {
		t.Errorf("accounts = %d, want %d", got, before+1)
	}
	u := f.user(t, "new.person@example.test")
	if !password.Verify(u.PasswordHash, signupPassword) {
		t.Error("the owner's password hash does not match the password")
	}
	if f.verified(t, u.Email) {
		t.Error("the new user's email is verified before any link was followed")
	}
	members, err := f.acme(t).Members(ctx, a.ID)
	if err != nil || len(members) != 1 || members[0].User.ID != u.ID || members[0].Role != tenantry.RoleOwner {
		t.Errorf("members = %+v, %v; want the new user as Owner", members, err)
	}
	plan, err := f.acme(t).CurrentPlan(ctx, a.ID)
	if err != nil || plan == nil || plan.Plan.Name != "Acme Retail" {
		t.Fatalf("plan = %+v, %v; want Acme's default plan Acme Retail", plan, err)
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	if !plan.EffectiveFrom.Equal(today) {
		t.Errorf("plan effective from %v, want today %v", plan.EffectiveFrom, today)
	}
	events := auditEvents(t, f.db, "account.signup")
	if len(events) != 1 || events[0].AccountID != a.ID || events[0].ActorID != u.ID || events[0].IP != testIP ||
		!strings.Contains(events[0].AccountPath, acme.ID) {
		t.Errorf("audit = %+v, want one account.signup on the new account", events)
	}

	m := f.lastMail(t, u.Email)
	if m.Kind != mail.KindVerifyEmail || m.TenantID != acme.ID || m.Status != OutboxQueued {
		t.Errorf("mail = %s from %s (%s), want a queued verify_email from Acme", m.Kind, m.TenantID, m.Status)
	}
	wantCleanMail(t, m, "Acme Hosting")
	if host, _ := linkIn(t, m); host != "acme.localhost:8080" {
		t.Errorf("link host = %s, want acme.localhost:8080", host)
	}
	if m.FromAddress != "no-reply@acme.localhost" || m.ReplyTo != "support@acme.example" {
		t.Errorf("from %s, reply to %s; want Acme's domain and support address", m.FromAddress, m.ReplyTo)
	}
}

func TestSignUpExistingEmail(t *testing.T) {
	f := newDemo(t)
	before := f.snapshot(t, "outbox") // the notice mail is checked below
	mails := len(f.mails(t))
	err := f.db.SignUp(context.Background(), f.tenant(t, "orbit.localhost"), SignupInput{Company: "Copycat",
		Name: "Copy Cat", Email: "Owner@BlueBakery.example", Password: signupPassword, AcceptTerms: true}, testLinks, testIP)
	if err != nil {
		t.Fatalf("SignUp with a taken email = %v, want the same nil as a fresh one", err)
	}
	f.assertUnchanged(t, before, "outbox")
	all := f.mails(t)
	if len(all) != mails+1 {
		t.Fatalf("outbox has %d new mails, want 1", len(all)-mails)
	}
	m := all[len(all)-1]
	if m.Kind != mail.KindSignupExists || m.To != "owner@bluebakery.example" || m.TenantID != f.id(t, "Orbit IT") {
		t.Errorf("mail = %s to %s from %s, want a notice from Orbit to the address's owner", m.Kind, m.To, m.TenantID)
	}
	wantCleanMail(t, m, "Orbit IT")
	if !strings.Contains(m.Text, "http://orbit.localhost:8080/login") || !strings.Contains(m.Text, "http://orbit.localhost:8080/forgot-password") {
		t.Errorf("notice lacks the links to sign in and reset on Orbit:\n%s", m.Text)
	}
}

func TestSignUpRefused(t *testing.T) {
	ctx := context.Background()
	valid := SignupInput{Company: "Nope Ltd", Name: "No Body", Email: "nobody@example.test", Password: signupPassword, AcceptTerms: true}
	t.Run("Invalid", func(t *testing.T) {
		f := newDemo(t)
		for field, in := range map[string]SignupInput{
			"company":      {Name: "A", Email: "a@example.test", Password: signupPassword, AcceptTerms: true},
			"email":        {Company: "A", Name: "A", Email: "not an email", Password: signupPassword, AcceptTerms: true},
			"password":     {Company: "A", Name: "A", Email: "a@example.test", Password: "short", AcceptTerms: true},
			"accept_terms": {Company: "A", Name: "A", Email: "a@example.test", Password: signupPassword},
		} {
			before := f.snapshot(t)
			err := f.db.SignUp(ctx, f.tenant(t, "acme.localhost"), in, testLinks, testIP)
			wantField(t, err, tenantry.EINVALID, field)
			f.assertUnchanged(t, before)
		}
		if n := len(f.mails(t)); n != 0 {
			t.Errorf("outbox has %d mails, want none", n)
		}
	})
	t.Run("Disabled", func(t *testing.T) {
		f := newDemo(t)
		if _, err := f.acme(t).UpdateSettings(ctx, f.id(t, "Acme Hosting"), tenantry.SettingsUpdate{SignupEnabled: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		before := f.snapshot(t)
		err := f.db.SignUp(ctx, f.tenant(t, "acme.localhost"), valid, testLinks, testIP)
		if e := wantKind(t, err, tenantry.EFORBIDDEN); e.Code != "signup_closed" {
			t.Errorf("code = %s, want signup_closed", e.Code)
		}
		f.assertUnchanged(t, before)
		if n := len(f.mails(t)); n != 0 {
			t.Errorf("outbox has %d mails, want none", n)
		}
	})
	t.Run("TenantSuspended", func(t *testing.T) {
		f := newDemo(t)
		f.update(t, f.provider(t), "Acme Hosting", suspend("unpaid"))
		err := f.db.SignUp(ctx, f.tenant(t, "beta.localhost"), valid, testLinks, testIP)
		wantKind(t, err, tenantry.EFORBIDDEN)
	})
}

func TestVerifyEmail(t *testing.T) {
	ctx := context.Background()
	t.Run("Activates", func(t *testing.T) {
		f := newDemo(t)
		f.signUp(t, "acme.localhost", "ann@example.test")
		_, token := linkIn(t, f.lastMail(t, "ann@example.test"))
		acme := f.tenant(t, "acme.localhost")

		// not on another tenant, not for another purpose
		if _, err := f.db.VerifyEmail(ctx, f.tenant(t, "orbit.localhost"), token, testLinks, testIP); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("verify on orbit = %v, want ENOTFOUND", err)
		}
		if _, err := f.db.ResetPassword(ctx, acme, token, "x", testIP); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("the verification link reset a password: %v", err)
		}
		if r, _ := f.db.PendingReason(ctx, f.acc(t, "Company of ann@example.test"), f.user(t, "ann@example.test").ID); r != PendingVerifyEmail {
			t.Errorf("PendingReason = %q, want %q", r, PendingVerifyEmail)
		}

		v, err := f.db.VerifyEmail(ctx, acme, token, testLinks, testIP)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Activated) != 1 || len(v.AwaitingApproval) != 0 {
			t.Errorf("verification = %+v, want one account activated", v)
		}
		if a := f.acc(t, "Company of ann@example.test"); a.Status != tenantry.StatusActive {
			t.Errorf("status = %s, want active", a.Status)
		}
		if !f.verified(t, "ann@example.test") {
			t.Error("email not marked verified")
		}
		if m := f.lastMail(t, "ann@example.test"); m.Kind != mail.KindAccountActive {
			t.Errorf("last mail = %s, want account_active", m.Kind)
		} else {
			wantCleanMail(t, m, "Acme Hosting")
		}
		if len(auditEvents(t, f.db, "account.activate")) != 1 {
			t.Error("no account.activate audit event")
		}
		if _, err := f.db.VerifyEmail(ctx, acme, token, testLinks, testIP); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("second use = %v, want ENOTFOUND", err)
		}
		actor, err := f.db.ActorFor(ctx, acme, f.user(t, "ann@example.test").ID)
		if err != nil || len(actor.Grants) != 1 || actor.Grants[0].Account.Status != tenantry.StatusActive {
			t.Errorf("actor = %+v, %v; want one active grant on acme", actor, err)
		}
	})
	// confirming below a suspended vendor keeps the suspension's rule:
	// the account is suspended with the vendor, and back with it
	t.Run("VendorSuspended", func(t *testing.T) {
		f := newDemo(t)
		f.signUp(t, "acme.localhost", "sus@example.test")
		_, token := linkIn(t, f.lastMail(t, "sus@example.test"))
		f.update(t, f.provider(t), "Acme Hosting", suspend("unpaid"))
		v, err := f.db.VerifyEmail(ctx, f.tenant(t, "acme.localhost"), token, testLinks, testIP)
		if err != nil || len(v.Activated) != 1 {
			t.Fatalf("verification = %+v, %v", v, err)
		}
		name := "Company of sus@example.test"
		if got, want := f.state(t, name), vendor("Acme Hosting"); got != want {
			t.Errorf("state = %+v, want %+v", got, want)
		}
		if m := f.lastMail(t, "sus@example.test"); m.Kind != mail.KindVerifyEmail {
			t.Errorf("last mail = %s, want no account_active mail while suspended", m.Kind)
		}
		f.update(t, f.provider(t), "Acme Hosting", reactivate())
		if got := f.acc(t, name).Status; got != tenantry.StatusActive {
			t.Errorf("status after the vendor's reactivation = %s, want active", got)
		}
	})
	t.Run("Expires", func(t *testing.T) {
		f := newDemo(t)
		f.signUp(t, "acme.localhost", "late@example.test")
		_, token := linkIn(t, f.lastMail(t, "late@example.test"))
		f.db.Now = func() time.Time { return time.Now().UTC().Add(VerifyEmailTTL + time.Minute) }
		_, err := f.db.VerifyEmail(ctx, f.tenant(t, "acme.localhost"), token, testLinks, testIP)
		wantKind(t, err, tenantry.ENOTFOUND)
		if f.verified(t, "late@example.test") {
			t.Error("an expired link verified the email")
		}
	})
}

// On Orbit, which reviews sign-ups, an account needs both the owner's
// confirmation and Orbit's approval, in either order.
func TestApproveAccount(t *testing.T) {
	ctx := context.Background()
	orbitHost := "orbit.localhost"

	t.Run("VerifyThenApprove", func(t *testing.T) {
		f := newDemo(t)
		f.signUp(t, orbitHost, "bob@example.test")
		_, token := linkIn(t, f.lastMail(t, "bob@example.test"))
		v, err := f.db.VerifyEmail(ctx, f.tenant(t, orbitHost), token, testLinks, testIP)
		if err != nil || len(v.AwaitingApproval) != 1 || len(v.Activated) != 0 {
			t.Fatalf("verification = %+v, %v; want awaiting approval", v, err)
		}
		a := f.acc(t, "Company of bob@example.test")
		if a.Status != tenantry.StatusPending {
			t.Fatalf("status = %s, want pending until Orbit approves", a.Status)
		}
		if r, _ := f.db.PendingReason(ctx, a, f.user(t, "bob@example.test").ID); r != PendingApproval {
			t.Errorf("PendingReason = %q, want %q", r, PendingApproval)
		}

		// Acme cannot approve Orbit's sign-up: it does not even see it
		mails := len(f.mails(t))
		before := f.snapshot(t)
		_, err = f.acme(t).ApproveAccount(ctx, a.ID, testLinks)
		wantKind(t, err, tenantry.ENOTFOUND)
		f.assertUnchanged(t, before)
		if len(f.mails(t)) != mails {
			t.Error("a refused approval queued mail")
		}

		got, err := f.scope(t, orbitHost, "admin@orbit.example").ApproveAccount(ctx, a.ID, testLinks)
		if err != nil || got.Status != tenantry.StatusActive {
			t.Fatalf("ApproveAccount = %+v, %v; want active", got, err)
		}
		m := f.lastMail(t, "bob@example.test")
		if m.Kind != mail.KindAccountActive || !strings.Contains(m.Text, "http://orbit.localhost:8080/login") {
			t.Errorf("last mail = %s:\n%s\nwant account_active with a link to sign in on Orbit", m.Kind, m.Text)
		}
		wantCleanMail(t, m, "Orbit IT")
		if ev := auditEvents(t, f.db, "account.approve"); len(ev) != 1 || ev[0].ActorEmail != "admin@orbit.example" {
			t.Errorf("approve events = %+v", ev)
		}
		_, err = f.scope(t, orbitHost, "admin@orbit.example").ApproveAccount(ctx, a.ID, testLinks)
		wantField(t, err, tenantry.EINVALID, "status")
	})

	t.Run("ApproveThenVerify", func(t *testing.T) {
		f := newDemo(t)
		f.signUp(t, orbitHost, "cat@example.test")
		a := f.acc(t, "Company of cat@example.test")
		orbit := f.scope(t, orbitHost, "admin@orbit.example")
		for range 2 { // approving twice records one approval
			got, err := orbit.ApproveAccount(ctx, a.ID, testLinks)
			if err != nil || got.Status != tenantry.StatusPending {
				t.Fatalf("ApproveAccount before verification = %+v, %v; want still pending", got, err)
			}
		}
		if n := len(auditEvents(t, f.db, "account.approve")); n != 1 {
			t.Errorf("approve events = %d, want 1", n)
		}
		if r, _ := f.db.PendingReason(ctx, a, f.user(t, "cat@example.test").ID); r != PendingVerifyEmail {
			t.Errorf("PendingReason = %q, want %q", r, PendingVerifyEmail)
		}
		_, token := linkIn(t, f.lastMail(t, "cat@example.test"))
		v, err := f.db.VerifyEmail(ctx, f.tenant(t, orbitHost), token, testLinks, testIP)
		if err != nil || len(v.Activated) != 1 {
			t.Fatalf("verification = %+v, %v; want activated", v, err)
		}
		if got := f.acc(t, "Company of cat@example.test").Status; got != tenantry.StatusActive {
			t.Errorf("status = %s, want active", got)
		}
	})

	t.Run("SiblingCustomerCannot", func(t *testing.T) {
		f := newDemo(t)
		f.signUp(t, "acme.localhost", "dan@example.test")
		a := f.acc(t, "Company of dan@example.test")
		_, err := f.scope(t, "acme.localhost", "owner@bluebakery.example").ApproveAccount(ctx, a.ID, testLinks)
		wantKind(t, err, tenantry.ENOTFOUND)
	})
}

func TestPasswordReset(t *testing.T) {
	ctx := context.Background()
	const email = "owner@bluebakery.example"

	t.Run("SingleUseAndSessionsEnded", func(t *testing.T) {
		f := newDemo(t)
		acme := f.tenant(t, "acme.localhost")
		u := f.user(t, email)
		if err := f.db.SaveSession(ctx, "sid-1", &Session{UserID: u.ID, TenantID: acme.Account.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		// a session and a token elsewhere end too: the mail promises
		// signing out everywhere
		portal := f.tenant(t, "portal.localhost")
		if err := f.db.SaveSession(ctx, "sid-portal", &Session{UserID: u.ID, TenantID: portal.Account.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		tokenHere, _, err := f.db.Me(acme, u, testIP).CreateAPIToken(ctx, "ci")
		if err != nil {
			t.Fatal(err)
		}
		tokenThere, _, err := f.db.Me(portal, u, testIP).CreateAPIToken(ctx, "ci on the platform")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.RequestPasswordReset(ctx, acme, "Owner@BlueBakery.example", testLinks, testIP); err != nil {
			t.Fatal(err)
		}
		m := f.lastMail(t, email)
		if m.Kind != mail.KindResetPassword {
			t.Fatalf("mail = %s, want reset_password", m.Kind)
		}
		wantCleanMail(t, m, "Acme Hosting")
		host, token := linkIn(t, m)
		if host != "acme.localhost:8080" {
			t.Errorf("link host = %s, want acme.localhost:8080", host)
		}
		// bound to Acme: Orbit does not know it
		if _, err := f.db.UserByToken(ctx, f.tenant(t, "orbit.localhost"), PurposeResetPassword, token); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("the link works on orbit: %v", err)
		}
		if _, err := f.db.ResetPassword(ctx, f.tenant(t, "orbit.localhost"), token, password.Hash("x"), testIP); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("reset on orbit = %v, want ENOTFOUND", err)
		}
		if _, err := f.db.ResetPassword(ctx, acme, token, password.Hash("a brand new secret"), testIP); err != nil {
			t.Fatal(err)
		}
		if !password.Verify(f.user(t, email).PasswordHash, "a brand new secret") {
			t.Error("the password did not change")
		}
		for _, sid := range []string{"sid-1", "sid-portal"} {
			if _, err := f.db.SessionByID(ctx, sid); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
				t.Errorf("the user's session %s survived the reset: %v", sid, err)
			}
		}
		if _, err := f.db.APITokenUser(ctx, acme, tokenHere); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("the user's API token survived the reset: %v", err)
		}
		if _, err := f.db.APITokenUser(ctx, portal, tokenThere); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("the user's API token on the platform domain survived the reset: %v", err)
		}
		if _, err := f.db.ResetPassword(ctx, acme, token, password.Hash("again and again"), testIP); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("second use = %v, want ENOTFOUND", err)
		}
		if len(auditEvents(t, f.db, "user.password_reset")) != 1 {
			t.Error("no user.password_reset audit event")
		}
	})
	t.Run("OtherLinksVoided", func(t *testing.T) {
		f := newDemo(t)
		acme := f.tenant(t, "acme.localhost")
		var tokens []string
		for range 2 {
			if err := f.db.RequestPasswordReset(ctx, acme, email, testLinks, testIP); err != nil {
				t.Fatal(err)
			}
			_, tok := linkIn(t, f.lastMail(t, email))
			tokens = append(tokens, tok)
		}
		if _, err := f.db.ResetPassword(ctx, acme, tokens[1], password.Hash("a brand new secret"), testIP); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.ResetPassword(ctx, acme, tokens[0], password.Hash("an older link"), testIP); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("an older link still works after a reset: %v", err)
		}
	})
	t.Run("Expires", func(t *testing.T) {
		f := newDemo(t)
		acme := f.tenant(t, "acme.localhost")
		if err := f.db.RequestPasswordReset(ctx, acme, email, testLinks, testIP); err != nil {
			t.Fatal(err)
		}
		_, token := linkIn(t, f.lastMail(t, email))
		f.db.Now = func() time.Time { return time.Now().UTC().Add(ResetPasswordTTL + time.Second) }
		_, err := f.db.ResetPassword(ctx, acme, token, password.Hash("too late now"), testIP)
		wantKind(t, err, tenantry.ENOTFOUND)
	})
	t.Run("NothingForStrangers", func(t *testing.T) {
		f := newDemo(t)
		acme := f.tenant(t, "acme.localhost")
		before := f.snapshot(t)
		for _, e := range []string{"nobody@example.test", "admin@orbit.example", "owner@delta.example"} {
			if err := f.db.RequestPasswordReset(ctx, acme, e, testLinks, testIP); err != nil {
				t.Errorf("%s: %v", e, err)
			}
		}
		f.assertUnchanged(t, before)
		if n := len(f.mails(t)); n != 0 {
			t.Errorf("outbox has %d mails, want none", n)
		}
	})
}

// Signing up again while one's own sign-up still waits for confirmation
// sends a fresh link (the lost-link path), and nothing else changes.
func TestSignUpAgainResendsTheLink(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	f.signUp(t, "acme.localhost", "lost@example.test")
	before := f.snapshot(t, "outbox", "user_tokens")
	f.signUp(t, "acme.localhost", "lost@example.test")
	f.assertUnchanged(t, before, "outbox", "user_tokens")
	m := f.lastMail(t, "lost@example.test")
	if m.Kind != mail.KindVerifyEmail {
		t.Fatalf("second sign-up mailed a %s, want a fresh verify_email", m.Kind)
	}
	_, token := linkIn(t, m)
	v, err := f.db.VerifyEmail(ctx, f.tenant(t, "acme.localhost"), token, testLinks, testIP)
	if err != nil || len(v.Activated) != 1 {
		t.Fatalf("the fresh link: %+v, %v; want the sign-up activated", v, err)
	}
	// once confirmed, another attempt gets the plain notice
	f.signUp(t, "acme.localhost", "lost@example.test")
	if m := f.lastMail(t, "lost@example.test"); m.Kind != mail.KindSignupExists {
		t.Errorf("after confirmation a sign-up mailed a %s, want the notice", m.Kind)
	}
	// and on another reseller's domain the pending sign-up is not theirs to confirm
	f.signUp(t, "acme.localhost", "elsewhere@example.test")
	f.signUp(t, "orbit.localhost", "elsewhere@example.test")
	if m := f.lastMail(t, "elsewhere@example.test"); m.Kind != mail.KindSignupExists {
		t.Errorf("on orbit a pending acme sign-up got a %s, want the notice", m.Kind)
	}
}
