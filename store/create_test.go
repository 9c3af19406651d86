package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/password"
	"github.com/tenantry/tenantry/internal/tenantry"
)

func TestCreateAccount(t *testing.T) {
	ctx := context.Background()

	t.Run("WithPassword", func(t *testing.T) {
		f := newDemo(t)
		const pw = "kappa-kilns-2026"
		c, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "  Kappa Kilns ",
			ContactEmail: "Office@Kappa.Example", Owner: &tenantry.NewOwner{Email: " Kim@Kappa.Example", Name: "Kim", Password: pw}}, testLinks)
		if err != nil {
			t.Fatalf("CreateAccount: %v", err)
		}
		acme := f.acc(t, "Acme Hosting")
		a := c.Account
		if a.Name != "Kappa Kilns" || a.ContactEmail != "office@kappa.example" || a.Kind != tenantry.KindCustomer ||
			a.Status != tenantry.StatusActive || a.ParentID != acme.ID || a.Path != acme.Path+a.ID+"/" || a.Depth != acme.Depth+1 {
			t.Errorf("Account = %+v, want an active customer directly below Acme, input normalised", a)
		}
		stored, err := f.acme(t).Account(ctx, a.ID)
		if err != nil {
			t.Fatalf("the new account is not readable: %v", err)
		}
		if stored.Path != a.Path || stored.Name != a.Name {
			t.Errorf("stored = %+v, returned %+v", stored, a)
		}
		if c.InvitationToken != "" || c.InvitationHost != "" {
			t.Errorf("token %q on %q, want none when the password is given", c.InvitationToken, c.InvitationHost)
		}
		u := f.user(t, "kim@kappa.example")
		if c.Owner == nil || c.Owner.ID != u.ID || !password.Verify(u.PasswordHash, pw) {
			t.Errorf("owner %+v does not match a user with the password", c.Owner)
		}
		// the owner logs in on Acme's domain, not on the platform's
		if g := f.actor(t, "acme.localhost", "kim@kappa.example").Grants; len(g) != 1 ||
			g[0].Account.ID != a.ID || g[0].Role != tenantry.RoleOwner {
			t.Errorf("grants on acme.localhost = %+v, want Owner of the new account", g)
		}
		if g := f.actor(t, "portal.localhost", "kim@kappa.example").Grants; len(g) != 0 {
			t.Errorf("grants on portal.localhost = %+v, want none", g)
		}
		if got := count(t, f.db, "user_tokens"); got != 0 {
			t.Errorf("user_tokens = %d, want 0", got)
		}
	})

	// Without a password the owner is invited even at a free address
	// (issue 9 item 7): no user yet, the invitation's own link handed
	// back; accepting it as a new person makes them Owner.
	t.Run("WithoutPassword", func(t *testing.T) {
		f := newDemo(t)
		users, userTokens := count(t, f.db, "users"), count(t, f.db, "user_tokens")
		c, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Lambda Lofts",
			Owner: &tenantry.NewOwner{Email: "lee@lambda.example", Name: "Lee"}}, testLinks)
		if err != nil {
			t.Fatalf("CreateAccount: %v", err)
		}
		if c.InvitationToken == "" || c.InvitationHost != "acme.localhost" || c.InvitationPath != mail.InvitationPath(c.InvitationToken) {
			t.Fatalf("link %q on %q, want an invitation link on acme.localhost", c.InvitationPath, c.InvitationHost)
		}
		if c.Owner != nil || c.Invitation == nil || c.Invitation.Role != tenantry.RoleOwner || c.Invitation.Email != "lee@lambda.example" {
			t.Fatalf("owner %+v, invitation %+v: want no user, an Owner invitation", c.Owner, c.Invitation)
		}
		if got := count(t, f.db, "users"); got != users {
			t.Errorf("users = %d, want %d: no user before accepting", got, users)
		}
		if got := count(t, f.db, "user_tokens"); got != userTokens {
			t.Errorf("user_tokens = %d, want %d: no set-password link", got, userTokens)
		}
		var n int
		if err := f.db.read.QueryRow(`SELECT COUNT(*) FROM invitations WHERE token_hash = ?`, c.InvitationToken).Scan(&n); err != nil || n != 0 {
			t.Errorf("the token is stored in clear, want only its hash")
		}
		m := f.lastMail(t, "lee@lambda.example")
		// the invitation is mailed as a welcome to the new account, on
		// Acme's brand (issue 10 item 12)
		if host, token := invitationLink(t, m); m.Kind != mail.KindWelcome || tenantry.NormalizeHost(host) != "acme.localhost" || token != c.InvitationToken {
			t.Errorf("mail %q with link on %q, want the same invitation mailed as a welcome on acme.localhost", m.Kind, host)
		}
		if m.FromName != "Acme Hosting" || !strings.Contains(m.Subject, "Welcome to Acme Hosting") || !strings.Contains(m.Text, "Lambda Lofts") {
			t.Errorf("welcome from %q: %q\n%s", m.FromName, m.Subject, m.Text)
		}
		// the account is active while its owner has not accepted yet
		if a, err := f.acme(t).Account(ctx, c.Account.ID); err != nil || a.Status != tenantry.StatusActive {
			t.Errorf("account before accepting = %+v, %v; want active", a, err)
		}
		if got := members(t, f.acme(t), c.Account.ID); len(got) != 0 {
			t.Errorf("members before accepting = %+v, want none", got)
		}
		acme := f.tenant(t, "acme.localhost")
		portal := f.tenant(t, "portal.localhost")
		lookups := []struct {
			name   string
			tenant *tenantry.Tenant
			token  string
			found  bool
		}{
			{"ServingTenant", acme, c.InvitationToken, true},
			{"PlatformErrNotFound", portal, c.InvitationToken, false},
			{"OtherResellerErrNotFound", f.tenantOf(t, "Orbit IT"), c.InvitationToken, false},
			{"WrongTokenErrNotFound", acme, c.InvitationToken + "x", false},
		}
		for _, tt := range lookups {
			t.Run(tt.name, func(t *testing.T) {
				inv, _, err := f.db.InvitationByToken(ctx, tt.tenant, tt.token)
				if !tt.found {
					wantKind(t, err, tenantry.ENOTFOUND)
					return
				}
				if err != nil || inv.ID != c.Invitation.ID {
					t.Errorf("InvitationByToken = %+v, %v; want the owner's invitation", inv, err)
				}
			})
		}
		t.Run("AcceptOnOtherTenantErrNotFound", func(t *testing.T) {
			before := f.snapshot(t)
			_, err := f.db.AcceptInvitation(ctx, portal, c.InvitationToken, "", "Lee", password.Hash("x-lambda-2026"), testIP)
			wantKind(t, err, tenantry.ENOTFOUND)
			f.assertUnchanged(t, before)
		})
		t.Run("AcceptAsNewPersonOnce", func(t *testing.T) {
			const pw = "lambda-lofts-2026"
			u, err := f.db.AcceptInvitation(ctx, acme, c.InvitationToken, "", "Lee", password.Hash(pw), testIP)
			if err != nil {
				t.Fatalf("AcceptInvitation: %v", err)
			}
			stored := f.user(t, "lee@lambda.example")
			if u.ID != stored.ID || stored.Name != "Lee" || !password.Verify(stored.PasswordHash, pw) {
				t.Errorf("user = %+v, want Lee with the password chosen", stored)
			}
			after := members(t, f.acme(t), c.Account.ID)
			if len(after) != 1 || after[0].User.ID != u.ID || after[0].Role != tenantry.RoleOwner {
				t.Errorf("members after accepting = %+v, want Lee as Owner", after)
			}
			if a, err := f.acme(t).Account(ctx, c.Account.ID); err != nil || a.Status != tenantry.StatusActive {
				t.Errorf("account after accepting = %+v, %v; want active", a, err)
			}
			// the owner signs in on Acme's domain, not on the platform's
			if g := f.actor(t, "acme.localhost", "lee@lambda.example").Grants; len(g) != 1 ||
				g[0].Account.ID != c.Account.ID || g[0].Role != tenantry.RoleOwner {
				t.Errorf("grants on acme.localhost = %+v, want Owner of the new account", g)
			}
			if g := f.actor(t, "portal.localhost", "lee@lambda.example").Grants; len(g) != 0 {
				t.Errorf("grants on portal.localhost = %+v, want none", g)
			}
			if invs, err := f.acme(t).Invitations(ctx, c.Account.ID); err != nil || len(invs) != 0 {
				t.Errorf("open invitations after accepting = %+v, %v; want none", invs, err)
			}
			before := f.snapshot(t)
			_, err = f.db.AcceptInvitation(ctx, acme, c.InvitationToken, "", "Lee", password.Hash("another-one-99"), testIP)
			wantKind(t, err, tenantry.ENOTFOUND)
			f.assertUnchanged(t, before)
		})
	})

	// A free and a taken address, both without a password, are answered
	// alike: the same link shape on the same domain, no member and one
	// open Owner invitation on the new account.
	t.Run("WithoutPasswordSameForFreeAndTaken", func(t *testing.T) {
		f := newDemo(t)
		type seen struct {
			host, prefix  string
			owner         bool
			members, invs int
			role          tenantry.Role
		}
		look := func(name, email string) seen {
			c, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: name,
				Owner: &tenantry.NewOwner{Email: email, Name: "Owner"}}, testLinks)
			if err != nil {
				t.Fatalf("CreateAccount %s: %v", email, err)
			}
			invs, err := f.acme(t).Invitations(ctx, c.Account.ID)
			if err != nil {
				t.Fatal(err)
			}
			got := seen{host: c.InvitationHost, owner: c.Owner != nil, members: len(members(t, f.acme(t), c.Account.ID)), invs: len(invs)}
			if strings.HasPrefix(c.InvitationPath, "/invitations/") && len(c.InvitationPath) > len("/invitations/") {
				got.prefix = "/invitations/"
			} else {
				got.prefix = c.InvitationPath
			}
			if len(invs) == 1 {
				got.role = invs[0].Role
				if invs[0].Email != email {
					t.Errorf("invitation for %q, want %q", invs[0].Email, email)
				}
			}
			return got
		}
		free := look("Free Owner Ltd", "nobody-yet@free.example")
		taken := look("Taken Owner Ltd", "owner@bluebakery.example")
		want := seen{host: "acme.localhost", prefix: "/invitations/", members: 0, invs: 1, role: tenantry.RoleOwner}
		if free != want || taken != want {
			t.Errorf("free address: %+v\ntaken address: %+v\nwant both %+v", free, taken, want)
		}
	})

	t.Run("TokenExpires", func(t *testing.T) {
		f := newDemo(t)
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		f.db.Now = func() time.Time { return now }
		c, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Mu Mills",
			Owner: &tenantry.NewOwner{Email: "mo@mu.example", Name: "Mo"}}, testLinks)
		if err != nil {
			t.Fatal(err)
		}
		acme := f.tenant(t, "acme.localhost")
		now = now.Add(InvitationTTL - time.Millisecond)
		if _, _, err := f.db.InvitationByToken(ctx, acme, c.InvitationToken); err != nil {
			t.Errorf("InvitationByToken just before expiry: %v", err)
		}
		now = now.Add(time.Millisecond)
		_, _, err = f.db.InvitationByToken(ctx, acme, c.InvitationToken)
		wantKind(t, err, tenantry.ENOTFOUND)
		_, err = f.db.AcceptInvitation(ctx, acme, c.InvitationToken, "", "Mo", password.Hash("too-late-2026"), testIP)
		wantKind(t, err, tenantry.ENOTFOUND)
	})

	t.Run("TokenOnServingDomain", func(t *testing.T) {
		f := newDemo(t)
		tests := []struct {
			name     string
			scope    func(*testing.T) *Scope
			parent   string
			kind     tenantry.AccountKind
			wantHost string
		}{
			{"ResellerBelowProvider", f.provider, "Nimbus Cloud", tenantry.KindReseller, "portal.localhost"},
			{"CustomerBelowProvider", f.provider, "Nimbus Cloud", tenantry.KindCustomer, "portal.localhost"},
			{"CustomerBelowBetaByProvider", f.provider, "Beta Resale", tenantry.KindCustomer, "beta.localhost"},
			{"ResellerBelowBeta", f.acme, "Beta Resale", tenantry.KindReseller, "beta.localhost"},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				email := "owner" + string(rune('a'+i)) + "@new.example"
				c, err := tt.scope(t).CreateAccount(ctx, tenantry.NewAccount{ParentID: f.id(t, tt.parent), Kind: tt.kind,
					Name: "New " + tt.name, Owner: &tenantry.NewOwner{Email: email, Name: "N"}}, testLinks)
				if err != nil {
					t.Fatal(err)
				}
				if c.InvitationHost != tt.wantHost {
					t.Errorf("InvitationHost = %q, want %q", c.InvitationHost, tt.wantHost)
				}
				host := f.tenant(t, tt.wantHost)
				if _, _, err := f.db.InvitationByToken(ctx, host, c.InvitationToken); err != nil {
					t.Errorf("InvitationByToken on %s: %v", tt.wantHost, err)
				}
			})
		}
	})

	t.Run("WithoutOwner", func(t *testing.T) {
		f := newDemo(t)
		users := count(t, f.db, "users")
		c, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Nu Nets"}, testLinks)
		if err != nil {
			t.Fatal(err)
		}
		if c.Owner != nil || c.InvitationToken != "" {
			t.Errorf("CreatedAccount = %+v, want no owner and no token", c)
		}
		if got := count(t, f.db, "users"); got != users {
			t.Errorf("users = %d, want %d", got, users)
		}
	})

	t.Run("DefaultParent", func(t *testing.T) {
		f := newDemo(t)
		tests := []struct {
			name  string
			scope func(*testing.T) *Scope
			want  string
		}{
			{"Reseller", f.acme, "Acme Hosting"},
			{"Provider", f.provider, "Nimbus Cloud"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c, err := tt.scope(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Child of " + tt.name}, testLinks)
				if err != nil {
					t.Fatal(err)
				}
				if want := f.id(t, tt.want); c.Account.ParentID != want {
					t.Errorf("ParentID = %s, want %s (%s)", c.Account.ParentID, want, tt.want)
				}
			})
		}
	})

	t.Run("SubReseller", func(t *testing.T) {
		f := newDemo(t)
		c, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{ParentID: f.id(t, "Beta Resale"), Kind: tenantry.KindReseller,
			Name: "Xi Resale"}, testLinks)
		if err != nil {
			t.Fatal(err)
		}
		if c.Account.Depth != 3 || c.Account.Kind != tenantry.KindReseller {
			t.Errorf("Account = %+v, want a reseller at depth 3", c.Account)
		}
	})

	// An owner address that already has a user anywhere is answered like a
	// new one (issue 9 item 7): the account is created, no user, no
	// password applied; that user is invited as Owner and becomes it on
	// accepting.
	t.Run("OwnerEmailTaken", func(t *testing.T) {
		for _, tt := range []struct{ email, want string }{
			{"owner@bluebakery.example", "owner@bluebakery.example"},
			{" OWNER@BlueBakery.Example ", "owner@bluebakery.example"},
			{"admin@orbit.example", "admin@orbit.example"},
		} {
			t.Run(tt.email, func(t *testing.T) {
				f := newDemo(t)
				old := f.user(t, tt.want)
				users := count(t, f.db, "users")
				c, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Omicron Oils",
					Owner: &tenantry.NewOwner{Email: tt.email, Name: "Dup", Password: "omicron-oils-2026"}}, testLinks)
				if err != nil {
					t.Fatalf("CreateAccount: %v", err)
				}
				if c.Account == nil || c.Account.Name != "Omicron Oils" || c.OwnerEmail != tt.want || c.OwnerName != "Dup" {
					t.Errorf("created = %+v, want the account and the owner as asked for", c)
				}
				if c.Owner != nil || c.Invitation == nil || c.Invitation.Role != tenantry.RoleOwner || c.Invitation.Email != tt.want {
					t.Errorf("owner %+v, invitation %+v: want no user, an Owner invitation", c.Owner, c.Invitation)
				}
				if c.InvitationToken != "" || c.InvitationPath != "" {
					t.Errorf("a link %q with a password given, want none as for a new address", c.InvitationPath)
				}
				if got := count(t, f.db, "users"); got != users {
					t.Errorf("users = %d, want %d: no second user", got, users)
				}
				if u := f.user(t, tt.want); u.PasswordHash != old.PasswordHash || u.Name != old.Name {
					t.Error("the existing user's password or name changed")
				}
				if got := members(t, f.acme(t), c.Account.ID); len(got) != 0 {
					t.Errorf("members before accepting = %+v, want none", got)
				}
				m := f.lastMail(t, tt.want)
				if m.Kind != mail.KindWelcome {
					t.Errorf("mail kind = %q, want the welcome with the invitation", m.Kind)
				}
				host, _ := invitationLink(t, m)
				f.acceptInvitation(t, tt.want)
				after := members(t, f.acme(t), c.Account.ID)
				if len(after) != 1 || after[0].User.ID != old.ID || after[0].Role != tenantry.RoleOwner {
					t.Errorf("members after accepting = %+v, want the existing user as Owner", after)
				}
				if tenantry.NormalizeHost(host) != "acme.localhost" {
					t.Errorf("invitation link on %q, want acme.localhost", host)
				}
			})
		}
		t.Run("WithoutPassword", func(t *testing.T) {
			f := newDemo(t)
			c, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Pi Pies",
				Owner: &tenantry.NewOwner{Email: "admin@orbit.example", Name: "Dup"}}, testLinks)
			if err != nil {
				t.Fatalf("CreateAccount: %v", err)
			}
			if c.InvitationHost != "acme.localhost" || c.InvitationPath != mail.InvitationPath(c.InvitationToken) || c.InvitationToken == "" {
				t.Errorf("link %q on %q, want the invitation's own link on acme.localhost", c.InvitationPath, c.InvitationHost)
			}
			inv, _, err := f.db.InvitationByToken(ctx, f.tenant(t, "acme.localhost"), c.InvitationToken)
			if err != nil || inv.ID != c.Invitation.ID {
				t.Errorf("the link's invitation = %+v, %v; want %s", inv, err, c.Invitation.ID)
			}
			if got := count(t, f.db, "user_tokens"); got != 0 {
				t.Errorf("user_tokens = %d, want 0: no link that sets the existing user's password", got)
			}
		})
	})

	refused := []struct {
		name        string
		host, email string
		in          func(f *fixture, t *testing.T) tenantry.NewAccount
		kind, field string
	}{
		{"ParentIsCustomer", "acme.localhost", "admin@acme.example", func(f *fixture, t *testing.T) tenantry.NewAccount {
			return tenantry.NewAccount{ParentID: f.id(t, "Blue Bakery"), Kind: tenantry.KindCustomer, Name: "Sub"}
		}, tenantry.EINVALID, "parent_id"},
		{"CustomerOwnerHasNoVendorAccount", "acme.localhost", "owner@bluebakery.example", func(*fixture, *testing.T) tenantry.NewAccount {
			return tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Sub"}
		}, tenantry.EINVALID, "parent_id"},
		{"CustomerOwnerBelowOwnAccount", "acme.localhost", "owner@bluebakery.example", func(f *fixture, t *testing.T) tenantry.NewAccount {
			return tenantry.NewAccount{ParentID: f.id(t, "Blue Bakery"), Kind: tenantry.KindCustomer, Name: "Sub"}
		}, tenantry.EINVALID, "parent_id"},
		{"ParentAboveTenant", "acme.localhost", "admin@acme.example", func(f *fixture, t *testing.T) tenantry.NewAccount {
			return tenantry.NewAccount{ParentID: f.id(t, "Nimbus Cloud"), Kind: tenantry.KindCustomer, Name: "Sub"}
		}, tenantry.ENOTFOUND, ""},
		{"ParentUnknown", "acme.localhost", "admin@acme.example", func(*fixture, *testing.T) tenantry.NewAccount {
			return tenantry.NewAccount{ParentID: "acc_nosuchaccount", Kind: tenantry.KindCustomer, Name: "Sub"}
		}, tenantry.ENOTFOUND, ""},
		{"NoName", "acme.localhost", "admin@acme.example", func(*fixture, *testing.T) tenantry.NewAccount {
			return tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "   "}
		}, tenantry.EINVALID, "name"},
		{"KindProvider", "acme.localhost", "admin@acme.example", func(*fixture, *testing.T) tenantry.NewAccount {
			return tenantry.NewAccount{Kind: tenantry.KindProvider, Name: "Second Root"}
		}, tenantry.EINVALID, "kind"},
		{"NoKind", "acme.localhost", "admin@acme.example", func(*fixture, *testing.T) tenantry.NewAccount {
			return tenantry.NewAccount{Name: "No Kind"}
		}, tenantry.EINVALID, "kind"},
		{"BadContactEmail", "acme.localhost", "admin@acme.example", func(*fixture, *testing.T) tenantry.NewAccount {
			return tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Pi", ContactEmail: "nope"}
		}, tenantry.EINVALID, "contact_email"},
		{"BadOwnerEmail", "acme.localhost", "admin@acme.example", func(*fixture, *testing.T) tenantry.NewAccount {
			return tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Pi", Owner: &tenantry.NewOwner{Email: "nope", Name: "P"}}
		}, tenantry.EINVALID, "owner.email"},
		{"NoOwnerName", "acme.localhost", "admin@acme.example", func(*fixture, *testing.T) tenantry.NewAccount {
			return tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Pi", Owner: &tenantry.NewOwner{Email: "p@pi.example"}}
		}, tenantry.EINVALID, "owner.name"},
		{"WeakOwnerPassword", "acme.localhost", "admin@acme.example", func(*fixture, *testing.T) tenantry.NewAccount {
			return tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Pi",
				Owner: &tenantry.NewOwner{Email: "p@pi.example", Name: "P", Password: "short"}}
		}, tenantry.EINVALID, "owner.password"},
		{"ResellerCannotCreateBelowItselfAsProvider", "portal.localhost", "admin@acme.example", func(f *fixture, t *testing.T) tenantry.NewAccount {
			return tenantry.NewAccount{ParentID: f.id(t, "Nimbus Cloud"), Kind: tenantry.KindCustomer, Name: "Sub"}
		}, tenantry.ENOTFOUND, ""},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			f := newDemo(t)
			before := f.snapshot(t)
			_, err := f.scope(t, tt.host, tt.email).CreateAccount(ctx, tt.in(f, t), testLinks)
			if tt.field == "" {
				wantKind(t, err, tt.kind) // a parent out of reach is not found
			} else {
				wantField(t, err, tt.kind, tt.field)
			}
			f.assertUnchanged(t, before)
		})
	}

	t.Run("ParentSuspended", func(t *testing.T) {
		f := newDemo(t)
		if _, err := f.provider(t).UpdateAccount(ctx, f.id(t, "Acme Hosting"),
			tenantry.AccountUpdate{Status: ptr(tenantry.StatusSuspended), SuspendReason: ptr("unpaid")}); err != nil {
			t.Fatal(err)
		}
		for _, parent := range []string{"Acme Hosting", "Beta Resale"} {
			before := f.snapshot(t)
			// a suspended account's staff reach nothing: the parent is not found
			_, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{ParentID: f.id(t, parent), Kind: tenantry.KindCustomer, Name: "Rho"}, testLinks)
			wantKind(t, err, tenantry.ENOTFOUND)
			f.assertUnchanged(t, before)
		}
	})

	t.Run("ResellersDisabled", func(t *testing.T) {
		f := newDemo(t)
		if err := f.provider(t).SetResellersEnabled(ctx, false); err != nil {
			t.Fatal(err)
		}
		if on, err := f.db.ResellersEnabled(ctx); err != nil || on {
			t.Fatalf("ResellersEnabled = %v, %v; want false", on, err)
		}
		for _, s := range []*Scope{f.acme(t), f.provider(t)} {
			before := f.snapshot(t)
			_, err := s.CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindReseller, Name: "Sigma Resale"}, testLinks)
			e := wantKind(t, err, tenantry.EFORBIDDEN)
			if e.Code != "resellers_disabled" {
				t.Errorf("code = %q, want resellers_disabled", e.Code)
			}
			f.assertUnchanged(t, before)
		}
		if _, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Tau Tiles"}, testLinks); err != nil {
			t.Errorf("a customer while resellers are off: %v", err)
		}
		if err := f.provider(t).SetResellersEnabled(ctx, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindReseller, Name: "Sigma Resale"}, testLinks); err != nil {
			t.Errorf("a reseller after switching them back on: %v", err)
		}
		evs := auditEvents(t, f.db, "settings.update")
		if n := len(evs); n < 2 || evs[n-1].Summary != "Reseller programme turned on" || evs[n-2].Summary != "Reseller programme turned off" {
			t.Errorf("settings.update events = %+v, want off then on", evs)
		}
	})

	t.Run("RolesWithoutVendorPermission", func(t *testing.T) {
		f := newDemo(t)
		for _, role := range []tenantry.Role{tenantry.RoleViewer, tenantry.RoleOps, tenantry.RoleBilling} {
			u := f.addMember(t, "Acme Hosting", string(role)+"@acme.example", role)
			s := f.db.Scope(f.tenant(t, "acme.localhost"), f.actor(t, "acme.localhost", u.Email), testIP)
			for _, kind := range []tenantry.AccountKind{tenantry.KindCustomer, tenantry.KindReseller} {
				t.Run(string(role)+"/"+string(kind), func(t *testing.T) {
					before := f.snapshot(t)
					_, err := s.CreateAccount(ctx, tenantry.NewAccount{Kind: kind, Name: "Upsilon"}, testLinks)
					wantKind(t, err, tenantry.EFORBIDDEN)
					f.assertUnchanged(t, before)
				})
			}
		}
		t.Run("Admin", func(t *testing.T) {
			u := f.addMember(t, "Acme Hosting", "second-admin@acme.example", tenantry.RoleAdmin)
			s := f.db.Scope(f.tenant(t, "acme.localhost"), f.actor(t, "acme.localhost", u.Email), testIP)
			if _, err := s.CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Phi Farms"}, testLinks); err != nil {
				t.Errorf("an Admin creating a customer: %v", err)
			}
		})
	})
}

// members lists an account's members as s sees them, failing t on error.
func members(t *testing.T, s *Scope, accountID string) []tenantry.Member {
	t.Helper()
	list, err := s.Members(context.Background(), accountID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}
