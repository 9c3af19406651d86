package store

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/password"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// Profile methods act on the signed-in user, not on an account id, so they
// hang off DB with the user passed explicitly, not off Scope; these tests
// are their accounting: one user can never read or change another's
// sessions and tokens, and nothing crosses tenants.

var changeEmailLink = regexp.MustCompile(`https?://([^/\s]+)/profile/email/([a-z0-9]+)`)

func changeEmailToken(t *testing.T, m OutboxMessage) (host, token string) {
	t.Helper()
	got := changeEmailLink.FindStringSubmatch(m.Text)
	if got == nil {
		t.Fatalf("no change-of-address link in the %s mail to %s:\n%s", m.Kind, m.To, m.Text)
	}
	return got[1], got[2]
}

// session saves a live session with secret id for the user on host.
func (f *fixture) session(t *testing.T, id, email, host string) {
	t.Helper()
	s := &Session{UserID: f.user(t, email).ID, TenantID: f.tenant(t, host).Account.ID, IP: testIP, UserAgent: "ua-" + id,
		ExpiresAt: f.db.Now().Add(time.Hour)}
	if err := f.db.SaveSession(context.Background(), id, s); err != nil {
		t.Fatal(err)
	}
}

func sessionLive(t *testing.T, db *DB, id string) bool {
	t.Helper()
	_, err := db.SessionByID(context.Background(), id)
	if err != nil && tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
		t.Fatal(err)
	}
	return err == nil
}

func TestUpdateName(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acme := f.tenant(t, "acme.localhost")
	u := f.user(t, "admin@acme.example")

	got, err := f.db.Me(acme, u, testIP).UpdateName(ctx, "  Ada Acme ")
	if err != nil {
		t.Fatalf("UpdateName: %v", err)
	}
	if got.Name != "Ada Acme" || f.user(t, "admin@acme.example").Name != "Ada Acme" {
		t.Errorf("name = %q, want %q saved", got.Name, "Ada Acme")
	}
	evs := auditEvents(t, f.db, "user.update")
	if len(evs) != 1 || evs[0].AccountID != acme.Account.ID || evs[0].ActorID != u.ID || evs[0].ObjectID != u.ID {
		t.Errorf("user.update events = %+v, want one on Acme by the user", evs)
	}
	t.Run("Invalid", func(t *testing.T) {
		for _, name := range []string{"", "  ", "a\nb", strings.Repeat("x", 201)} {
			_, err := f.db.Me(acme, u, testIP).UpdateName(ctx, name)
			wantField(t, err, tenantry.EINVALID, "name")
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := f.db.Me(acme, &tenantry.User{ID: "usr_unknown"}, testIP).UpdateName(ctx, "X")
		wantKind(t, err, tenantry.ENOTFOUND)
	})
}

func TestChangePassword(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acme := f.tenant(t, "acme.localhost")
	u := f.user(t, "admin@acme.example")
	f.session(t, "mine", "admin@acme.example", "acme.localhost")
	f.session(t, "mine-elsewhere", "admin@acme.example", "acme.localhost")
	f.session(t, "mine-portal", "admin@acme.example", "portal.localhost")
	f.session(t, "someone-else", "owner@bluebakery.example", "acme.localhost")
	token, _, err := f.db.Me(acme, u, testIP).CreateAPIToken(ctx, "ci")
	if err != nil {
		t.Fatal(err)
	}
	portal := f.tenant(t, "portal.localhost")
	portalToken, _, err := f.db.Me(portal, u, testIP).CreateAPIToken(ctx, "ci on the platform")
	if err != nil {
		t.Fatal(err)
	}
	theirs, _, err := f.db.Me(acme, f.user(t, "owner@bluebakery.example"), testIP).CreateAPIToken(ctx, "theirs")
	if err != nil {
		t.Fatal(err)
	}
	const pw = "a much better passphrase"

	tests := []struct {
		name  string
		in    PasswordChange
		field string
	}{
		{"WrongCurrent", PasswordChange{Current: "nope", New: pw, Confirm: pw}, "current_password"},
		{"EmptyCurrent", PasswordChange{Current: "", New: pw, Confirm: pw}, "current_password"},
		{"Weak", PasswordChange{Current: DemoPassword, New: "short", Confirm: "short"}, "password"},
		{"Mismatch", PasswordChange{Current: DemoPassword, New: pw, Confirm: pw + "!"}, "confirm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.snapshot(t)
			_, err := f.db.Me(acme, u, testIP).ChangePassword(ctx, tt.in, SessionRenewal{Current: "mine", Next: "renewed"})
			wantField(t, err, tenantry.EINVALID, tt.field)
			if tt.field == "current_password" && tenantry.AsError(err).Code != CodeWrongPassword {
				t.Errorf("code = %q, want %q", tenantry.AsError(err).Code, CodeWrongPassword)
			}
			f.assertUnchanged(t, before)
		})
	}

	ended, err := f.db.Me(acme, u, testIP).ChangePassword(ctx, PasswordChange{Current: DemoPassword, New: pw, Confirm: pw},
		SessionRenewal{Current: "mine", Next: "renewed"})
	if err != nil {
		t.Fatalf("ChangePassword: %v", err)
	}
	if ended != 2 {
		t.Errorf("ended = %d, want 2 (the other session here and the one on the platform domain)", ended)
	}
	if !password.Verify(f.user(t, "admin@acme.example").PasswordHash, pw) {
		t.Error("the new password does not verify")
	}
	for id, want := range map[string]bool{"mine": false, "renewed": true, "mine-elsewhere": false, "mine-portal": false, "someone-else": true} {
		if got := sessionLive(t, f.db, id); got != want {
			t.Errorf("session %s live = %v, want %v", id, got, want)
		}
	}
	// the tokens the old password minted, here and on the platform
	// domain, no longer open the API; another user's token is untouched
	for _, tt := range []struct {
		tenant *tenantry.Tenant
		token  string
	}{{acme, token}, {portal, portalToken}} {
		_, err := f.db.APITokenUser(ctx, tt.tenant, tt.token)
		wantKind(t, err, tenantry.ENOTFOUND)
	}
	if _, err := f.db.APITokenUser(ctx, acme, theirs); err != nil {
		t.Errorf("another user's token after my password change = %v, want it working", err)
	}
	evs := auditEvents(t, f.db, "user.password_change")
	if len(evs) != 1 || evs[0].AccountID != acme.Account.ID || !strings.Contains(evs[0].Summary, "2 other sessions ended, 2 API tokens revoked") {
		t.Errorf("user.password_change events = %+v, want one on Acme naming 2 ended sessions and 2 revoked tokens", evs)
	}
}

func TestEmailChange(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.db.Now = func() time.Time { return now }
	acme := f.tenant(t, "acme.localhost")
	u := f.user(t, "admin@acme.example")
	links := mail.Links{Scheme: "http", Port: "8080"}
	req := func(email, pw string) error {
		return f.db.Me(acme, u, testIP).RequestEmailChange(ctx, EmailChange{Email: email, Password: pw}, links)
	}

	t.Run("Refused", func(t *testing.T) {
		tests := []struct {
			name, email, pw, kind, field string
		}{
			{"WrongPassword", "new@example.test", "nope", tenantry.EINVALID, "current_password"},
			{"NoPassword", "new@example.test", "", tenantry.EINVALID, "current_password"},
			{"BadEmail", "not-an-email", DemoPassword, tenantry.EINVALID, "email"},
			{"Same", "ADMIN@acme.example", DemoPassword, tenantry.EINVALID, "email"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := f.snapshot(t)
				wantField(t, req(tt.email, tt.pw), tt.kind, tt.field)
				f.assertUnchanged(t, before)
			})
		}
	})

	t.Run("TakenAnsweredLikeFree", func(t *testing.T) {
		// another user's address: no error, a pending change like any,
		// the usual notice to the current address, and to the taken
		// address a notice without a link
		const taken = "owner@bluebakery.example"
		if err := req(taken, DemoPassword); err != nil {
			t.Fatalf("RequestEmailChange to a taken address = %v, want nil as for a free one", err)
		}
		m := f.lastMail(t, taken)
		if m.Kind != mail.KindEmailChangeTaken || changeEmailLink.MatchString(m.Text) || m.FromName != "Acme Hosting" {
			t.Errorf("mail to the taken address = %s %q, want email_change_taken from Acme Hosting without a link", m.Kind, m.Text)
		}
		if n := f.lastMail(t, "admin@acme.example"); n.Kind != mail.KindEmailChangeNotice || !strings.Contains(n.Text, taken) {
			t.Errorf("notice to the current address = %s, want email_change_notice naming %s", n.Kind, taken)
		}
		if p, _ := f.db.Me(acme, u, testIP).Profile(ctx); p.PendingEmail != taken {
			t.Errorf("pending = %q, want %s, as for a free address", p.PendingEmail, taken)
		}
		if got := f.user(t, taken); got.ID == u.ID {
			t.Fatal("the taken address moved")
		}
	})

	if err := req(" First@Example.test ", DemoPassword); err != nil {
		t.Fatalf("RequestEmailChange: %v", err)
	}
	if err := req("new@example.test", DemoPassword); err != nil {
		t.Fatalf("RequestEmailChange: %v", err)
	}
	_, first := changeEmailToken(t, f.lastMail(t, "first@example.test"))
	m := f.lastMail(t, "new@example.test")
	if m.Kind != mail.KindChangeEmail || m.TenantID != acme.Account.ID || m.FromName != "Acme Hosting" {
		t.Errorf("mail to the new address = %s from %s (%s), want change_email from Acme Hosting", m.Kind, m.FromName, m.TenantID)
	}
	host, token := changeEmailToken(t, m)
	if host != "acme.localhost:8080" {
		t.Errorf("link host = %s, want acme.localhost:8080", host)
	}
	notice := f.lastMail(t, "admin@acme.example")
	if notice.Kind != mail.KindEmailChangeNotice || !strings.Contains(notice.Text, "new@example.test") || changeEmailLink.MatchString(notice.Text) {
		t.Errorf("notice to the old address = %s %q, want a notice naming the new address without the link", notice.Kind, notice.Text)
	}
	if got := f.user(t, "admin@acme.example"); got.Email != "admin@acme.example" {
		t.Fatalf("email changed to %s before the link was followed", got.Email)
	}
	p, err := f.db.Me(acme, u, testIP).Profile(ctx)
	if err != nil || p.PendingEmail != "new@example.test" || !p.PendingUntil.Equal(now.Add(ChangeEmailTTL)) {
		t.Errorf("Profile = %+v, %v; want pending new@example.test until %v", p, err, now.Add(ChangeEmailTTL))
	}
	if p, _ := f.db.Me(f.tenant(t, "portal.localhost"), u, testIP).Profile(ctx); p.PendingEmail != "" {
		t.Errorf("pending on the platform domain = %q, want none (asked on Acme's)", p.PendingEmail)
	}

	other := f.user(t, "owner@bluebakery.example")
	for _, tt := range []struct {
		name     string
		tenantID string
		userID   string
		token    string
	}{
		{"OtherTenantErrNotFound", f.tenant(t, "portal.localhost").Account.ID, u.ID, token},
		{"SubResellerErrNotFound", f.tenant(t, "beta.localhost").Account.ID, u.ID, token},
		{"OtherUserErrNotFound", acme.Account.ID, other.ID, token},
		{"SupersededErrNotFound", acme.Account.ID, u.ID, first},
		{"UnknownErrNotFound", acme.Account.ID, u.ID, "nope"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.db.Me(&tenantry.Tenant{Account: tenantry.Account{ID: tt.tenantID}}, &tenantry.User{ID: tt.userID}, testIP).PendingEmailChange(ctx, tt.token)
			wantKind(t, err, tenantry.ENOTFOUND)
			tn := &tenantry.Tenant{Account: *f.acc(t, "Acme Hosting")}
			if tt.tenantID != acme.Account.ID {
				tn = f.tenant(t, "portal.localhost")
				if strings.HasPrefix(tt.name, "SubReseller") {
					tn = f.tenant(t, "beta.localhost")
				}
			}
			before := f.snapshot(t)
			_, err = f.db.Me(tn, &tenantry.User{ID: tt.userID}, testIP).ConfirmEmailChange(ctx, tt.token)
			wantKind(t, err, tenantry.ENOTFOUND)
			f.assertUnchanged(t, before)
		})
	}

	if got, err := f.db.Me(acme, u, testIP).PendingEmailChange(ctx, token); err != nil || got != "new@example.test" {
		t.Fatalf("PendingEmailChange = %q, %v", got, err)
	}
	changed, err := f.db.Me(acme, u, testIP).ConfirmEmailChange(ctx, token)
	if err != nil {
		t.Fatalf("ConfirmEmailChange: %v", err)
	}
	if changed.Email != "new@example.test" || f.user(t, "new@example.test").ID != u.ID {
		t.Errorf("email = %s, want new@example.test", changed.Email)
	}
	if p, _ := f.db.Me(acme, u, testIP).Profile(ctx); !p.EmailVerified || p.PendingEmail != "" {
		t.Errorf("Profile after = %+v, want verified and nothing pending", p)
	}
	if _, err := f.db.Me(acme, u, testIP).ConfirmEmailChange(ctx, token); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
		t.Errorf("second use of the link = %v, want ENOTFOUND", err)
	}
	evs := auditEvents(t, f.db, "user.email_change")
	if len(evs) != 1 || evs[0].AccountID != acme.Account.ID || !strings.Contains(evs[0].Summary, "admin@acme.example to new@example.test") {
		t.Errorf("user.email_change events = %+v", evs)
	}

	t.Run("TakenMeanwhileConflict", func(t *testing.T) {
		if err := f.db.Me(acme, u, testIP).RequestEmailChange(ctx, EmailChange{Email: "late@example.test", Password: DemoPassword}, links); err != nil {
			t.Fatal(err)
		}
		_, token := changeEmailToken(t, f.lastMail(t, "late@example.test"))
		if _, err := f.db.write.Exec(`UPDATE users SET email = 'late@example.test' WHERE id = ?`, other.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.db.Me(acme, u, testIP).ConfirmEmailChange(ctx, token)
		wantField(t, err, tenantry.ECONFLICT, "email")
		if _, err := f.db.Me(acme, u, testIP).PendingEmailChange(ctx, token); err != nil {
			t.Errorf("the link after a conflict = %v, want still usable", err)
		}
	})
	t.Run("Expired", func(t *testing.T) {
		if err := f.db.Me(acme, u, testIP).RequestEmailChange(ctx, EmailChange{Email: "slow@example.test", Password: DemoPassword}, links); err != nil {
			t.Fatal(err)
		}
		_, token := changeEmailToken(t, f.lastMail(t, "slow@example.test"))
		now = now.Add(ChangeEmailTTL)
		_, err := f.db.Me(acme, u, testIP).ConfirmEmailChange(ctx, token)
		wantKind(t, err, tenantry.ENOTFOUND)
	})
}

func TestProfileSessions(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acme := f.tenant(t, "acme.localhost")
	me := f.user(t, "admin@acme.example")
	f.session(t, "mine", "admin@acme.example", "acme.localhost")
	f.session(t, "mine-2", "admin@acme.example", "acme.localhost")
	f.session(t, "mine-portal", "admin@acme.example", "portal.localhost")
	f.session(t, "theirs", "owner@bluebakery.example", "acme.localhost")

	list, err := f.db.Me(acme, me, testIP).Sessions(ctx, "mine")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, s := range list {
		got[s.UserAgent] = s.Current
		if s.ID == "mine" || strings.Contains(s.ID, "mine") {
			t.Errorf("a listed id %q holds the secret", s.ID)
		}
	}
	if len(got) != 2 || !got["ua-mine"] || got["ua-mine-2"] {
		t.Errorf("UserSessions = %v, want ua-mine (current) and ua-mine-2, nothing from another tenant or user", got)
	}
	if SessionID("mine") != list[0].ID && SessionID("mine") != list[1].ID {
		t.Error("SessionID of the current secret names no listed session")
	}

	t.Run("OtherUsersErrNotFound", func(t *testing.T) {
		before := f.snapshot(t)
		err := f.db.Me(acme, me, testIP).RevokeSession(ctx, SessionID("theirs"))
		wantKind(t, err, tenantry.ENOTFOUND)
		f.assertUnchanged(t, before)
		if !sessionLive(t, f.db, "theirs") {
			t.Error("another user's session was ended")
		}
	})
	t.Run("OtherTenantErrNotFound", func(t *testing.T) {
		before := f.snapshot(t)
		err := f.db.Me(acme, me, testIP).RevokeSession(ctx, SessionID("mine-portal"))
		wantKind(t, err, tenantry.ENOTFOUND)
		f.assertUnchanged(t, before)
	})
	t.Run("SecretIsNotAnID", func(t *testing.T) {
		err := f.db.Me(acme, me, testIP).RevokeSession(ctx, "mine-2")
		wantKind(t, err, tenantry.ENOTFOUND)
	})
	t.Run("Revoke", func(t *testing.T) {
		if err := f.db.Me(acme, me, testIP).RevokeSession(ctx, SessionID("mine-2")); err != nil {
			t.Fatal(err)
		}
		if sessionLive(t, f.db, "mine-2") || !sessionLive(t, f.db, "mine") {
			t.Error("want mine-2 ended and mine kept")
		}
		if evs := auditEvents(t, f.db, "session.revoke"); len(evs) != 1 || evs[0].AccountID != acme.Account.ID {
			t.Errorf("session.revoke events = %+v", evs)
		}
	})
	t.Run("RevokeOthers", func(t *testing.T) {
		f.session(t, "mine-3", "admin@acme.example", "acme.localhost")
		n, err := f.db.Me(acme, me, testIP).RevokeOtherSessions(ctx, "mine")
		if err != nil || n != 2 {
			t.Fatalf("RevokeOtherSessions = %d, %v; want 2 (mine-3 and the platform one)", n, err)
		}
		for id, want := range map[string]bool{"mine": true, "mine-3": false, "mine-portal": false, "theirs": true} {
			if got := sessionLive(t, f.db, id); got != want {
				t.Errorf("session %s live = %v, want %v", id, got, want)
			}
		}
	})
}

func TestProfileAPITokens(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.db.Now = func() time.Time { return now }
	acme := f.tenant(t, "acme.localhost")
	portal := f.tenant(t, "portal.localhost")
	me := f.user(t, "admin@acme.example")
	them := f.user(t, "owner@bluebakery.example")
	mine, _, err := f.db.Me(acme, me, testIP).CreateAPIToken(ctx, "mine")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.Me(portal, me, testIP).CreateAPIToken(ctx, "mine on the platform"); err != nil {
		t.Fatal(err)
	}
	theirs, _, err := f.db.Me(acme, them, testIP).CreateAPIToken(ctx, "theirs")
	if err != nil {
		t.Fatal(err)
	}
	// the list is the user's, not the domain's: the token minted on the
	// platform domain shows on Acme's, with the domain it works on
	list, err := f.db.Me(acme, me, testIP).APITokens(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("APITokens = %+v, %v; want mine on both domains", list, err)
	}
	byName := map[string]APITokenInfo{}
	for _, tk := range list {
		byName[tk.Name] = tk
	}
	if tk := byName["mine"]; tk.Domain != "acme.localhost" || !tk.LastUsedAt.IsZero() || !tk.Live(now) {
		t.Errorf("mine = %+v, want on acme.localhost, never used, live", tk)
	}
	if tk := byName["mine on the platform"]; tk.Domain != "portal.localhost" || !tk.Live(now) {
		t.Errorf("mine on the platform = %+v, want on portal.localhost, live", tk)
	}
	if platformList, _ := f.db.Me(portal, me, testIP).APITokens(ctx); len(platformList) != 2 {
		t.Errorf("APITokens on the platform domain = %+v, want the same two", platformList)
	}
	theirList, _ := f.db.Me(acme, them, testIP).APITokens(ctx)
	mineID, platformID := byName["mine"].ID, byName["mine on the platform"].ID
	list = []APITokenInfo{byName["mine"]}

	t.Run("Touch", func(t *testing.T) {
		used := func() time.Time {
			l, err := f.db.Me(acme, me, testIP).APITokens(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range l {
				if tk.ID == mineID {
					return tk.LastUsedAt
				}
			}
			t.Fatal("mine is not listed")
			return time.Time{}
		}
		start := now
		if err := f.db.TouchAPIToken(ctx, acme, mine); err != nil {
			t.Fatal(err)
		}
		if !used().Equal(start) {
			t.Errorf("last used = %v, want %v", used(), start)
		}
		now = now.Add(30 * time.Second)
		_ = f.db.TouchAPIToken(ctx, acme, mine)
		if !used().Equal(start) {
			t.Errorf("last used after 30s = %v, want still %v (at most one write a minute)", used(), start)
		}
		now = now.Add(30 * time.Second)
		_ = f.db.TouchAPIToken(ctx, acme, mine)
		if !used().Equal(now) {
			t.Errorf("last used after a minute = %v, want %v", used(), now)
		}
		_ = f.db.TouchAPIToken(ctx, portal, mine)
		_ = f.db.TouchAPIToken(ctx, acme, "tnt_unknown")
	})
	for _, tt := range []struct {
		name string
		tn   *tenantry.Tenant
		id   string
	}{
		{"OtherUsersErrNotFound", acme, theirList[0].ID},
		{"OtherUsersFromTheirDomainErrNotFound", portal, theirList[0].ID},
		{"UnknownErrNotFound", acme, "tok_unknown"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := f.snapshot(t)
			wantKind(t, f.db.Me(tt.tn, me, testIP).RevokeAPIToken(ctx, tt.id), tenantry.ENOTFOUND)
			f.assertUnchanged(t, before)
		})
	}
	if _, err := f.db.APITokenUser(ctx, acme, theirs); err != nil {
		t.Errorf("their token after my attempts = %v, want it working", err)
	}
	if err := f.db.Me(acme, me, testIP).RevokeAPIToken(ctx, list[0].ID); err != nil {
		t.Fatalf("RevokeAPIToken: %v", err)
	}
	_, err = f.db.APITokenUser(ctx, acme, mine)
	wantKind(t, err, tenantry.ENOTFOUND)
	for _, tk := range func() []APITokenInfo { l, _ := f.db.Me(acme, me, testIP).APITokens(ctx); return l }() {
		if tk.ID == mineID && (tk.RevokedAt.IsZero() || tk.Live(now)) {
			t.Errorf("listed after revoke = %+v, want revoked", tk)
		}
	}
	if err := f.db.Me(acme, me, testIP).RevokeAPIToken(ctx, list[0].ID); err != nil {
		t.Errorf("revoking twice = %v, want nil", err)
	}
	if evs := auditEvents(t, f.db, "api_token.revoke"); len(evs) != 1 || evs[0].ObjectID != list[0].ID || evs[0].AccountID != acme.Account.ID {
		t.Errorf("api_token.revoke events = %+v, want exactly one", evs)
	}
	t.Run("RevokeFromAnotherDomain", func(t *testing.T) {
		// the platform token is listed on Acme's domain, so it is revoked there
		if err := f.db.Me(acme, me, testIP).RevokeAPIToken(ctx, platformID); err != nil {
			t.Fatalf("RevokeAPIToken of the platform token from Acme: %v", err)
		}
		for _, tk := range func() []APITokenInfo { l, _ := f.db.Me(portal, me, testIP).APITokens(ctx); return l }() {
			if tk.ID == platformID && tk.Live(now) {
				t.Errorf("platform token after revoke = %+v, want revoked", tk)
			}
		}
	})
}
