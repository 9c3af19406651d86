package store

import (
	"context"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
)

func TestInvitations(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acme := f.scope(t, "acme.localhost", "admin@acme.example")
	bakery := f.id(t, "Blue Bakery")

	res, err := acme.Invite(ctx, bakery, "New.Hire@Example.test", tenantry.RoleOps, testLinks)
	if err != nil || res.Invitation == nil || res.Granted != nil {
		t.Fatalf("Invite = %+v, %v; want an invitation", res, err)
	}
	m := f.lastMail(t, "new.hire@example.test")
	if m.Kind != mail.KindInvitation || m.FromName != "Acme Hosting" {
		t.Errorf("mail = %s from %s, want Acme's invitation", m.Kind, m.FromName)
	}
	host, token := invitationLink(t, m)
	if host != "acme.localhost:8080" {
		t.Errorf("the link is on %s, want acme.localhost (where Blue Bakery signs in)", host)
	}
	if list, _ := acme.Invitations(ctx, bakery); len(list) != 1 || list[0].Status(time.Now()) != "pending" {
		t.Errorf("pending = %+v", list)
	}

	t.Run("OtherTenantsLinkIsNothing", func(t *testing.T) {
		if _, _, err := f.db.InvitationByToken(ctx, f.tenant(t, "orbit.localhost"), token); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("on orbit: %v, want ENOTFOUND", err)
		}
	})
	t.Run("ForeignScopeCannotRevoke", func(t *testing.T) {
		orbit := f.scope(t, "orbit.localhost", "admin@orbit.example")
		before := f.snapshot(t)
		wantKind(t, orbit.RevokeInvitation(ctx, res.Invitation.ID), tenantry.ENOTFOUND)
		_, err := orbit.ResendInvitation(ctx, res.Invitation.ID, testLinks)
		wantKind(t, err, tenantry.ENOTFOUND)
		f.assertUnchanged(t, before)
	})
	t.Run("ResendReplacesTheLink", func(t *testing.T) {
		if _, err := acme.ResendInvitation(ctx, res.Invitation.ID, testLinks); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.db.InvitationByToken(ctx, f.tenant(t, "acme.localhost"), token); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("the old link still works: %v", err)
		}
		_, token = invitationLink(t, f.lastMail(t, "new.hire@example.test"))
	})
	t.Run("AcceptOnce", func(t *testing.T) {
		tn := f.tenant(t, "acme.localhost")
		u, err := f.db.AcceptInvitation(ctx, tn, token, "", "New Hire", hashPassword("new-hire-password-1"), testIP)
		if err != nil {
			t.Fatal(err)
		}
		a, err := f.db.ActorFor(ctx, tn, u.ID)
		if err != nil || len(a.Grants) != 1 || a.Grants[0].Account.ID != bakery || a.Grants[0].Role != tenantry.RoleOps {
			t.Errorf("grants = %+v, %v; want Ops on Blue Bakery", a, err)
		}
		_, err = f.db.AcceptInvitation(ctx, tn, token, "", "Again", hashPassword("new-hire-password-1"), testIP)
		wantKind(t, err, tenantry.ENOTFOUND)
	})
	t.Run("ExistingUserIsInvitedLikeAnyone", func(t *testing.T) {
		// someone who already signs in on acme.localhost is not granted
		// at once: the answer is an invitation, as for a stranger, and
		// the role comes only with their consent
		const email = "owner@cobaltlaw.example"
		u := f.user(t, email)
		res, err := acme.Invite(ctx, bakery, email, tenantry.RoleViewer, testLinks)
		if err != nil || res.Granted != nil || res.Invitation == nil || res.Invitation.Email != email {
			t.Fatalf("Invite existing = %+v, %v; want an invitation and no grant", res, err)
		}
		tn := f.tenant(t, "acme.localhost")
		if a, _ := f.db.ActorFor(ctx, tn, u.ID); slices.ContainsFunc(a.Grants, func(g tenantry.Grant) bool { return g.Account.ID == bakery }) {
			t.Fatalf("grants before accepting = %+v, want none on Blue Bakery", a.Grants)
		}
		f.acceptInvitation(t, email)
		if a, _ := f.db.ActorFor(ctx, tn, u.ID); !slices.ContainsFunc(a.Grants, func(g tenantry.Grant) bool {
			return g.Account.ID == bakery && g.Role == tenantry.RoleViewer
		}) {
			t.Errorf("grants after accepting = %+v, want Viewer on Blue Bakery", a.Grants)
		}
		_, err = acme.Invite(ctx, bakery, email, tenantry.RoleViewer, testLinks)
		wantField(t, err, tenantry.ECONFLICT, "email")
	})
	t.Run("Expired", func(t *testing.T) {
		res, err := acme.Invite(ctx, bakery, "late@example.test", tenantry.RoleViewer, testLinks)
		if err != nil {
			t.Fatal(err)
		}
		_, late := invitationLink(t, f.lastMail(t, "late@example.test"))
		real := f.db.Now
		f.db.Now = func() time.Time { return real().Add(InvitationTTL + time.Minute) }
		defer func() { f.db.Now = real }()
		_, err = f.db.AcceptInvitation(ctx, f.tenant(t, "acme.localhost"), late, "", "Late", hashPassword("late-password-12"), testIP)
		wantKind(t, err, tenantry.ENOTFOUND)
		_ = res
	})
	t.Run("OnlyAnOwnerInvitesAnOwner", func(t *testing.T) {
		f.addMember(t, "Blue Bakery", "manager@bluebakery.example", tenantry.RoleAdmin)
		mgr := f.scope(t, "acme.localhost", "manager@bluebakery.example")
		_, err := mgr.Invite(ctx, bakery, "boss@example.test", tenantry.RoleOwner, testLinks)
		wantKind(t, err, tenantry.EFORBIDDEN)
		if _, err := mgr.Invite(ctx, bakery, "clerk@example.test", tenantry.RoleViewer, testLinks); err != nil {
			t.Errorf("an Admin inviting a Viewer: %v", err)
		}
	})
}

func invitationLink(t *testing.T, m OutboxMessage) (string, string) {
	t.Helper()
	got := invitationToken.FindStringSubmatch(m.Text)
	if got == nil {
		t.Fatalf("no invitation link in:\n%s", m.Text)
	}
	return got[1], got[2]
}

var invitationToken = regexp.MustCompile(`https?://([^/\s]+)/invitations/([a-z0-9]+)`)

// A delegate leaves only delegations the tenant reaches: signed in on
// orbit.localhost, Orbit's admin cannot end their delegation on Blue
// Bakery (under Acme); the row stays until they leave on acme.localhost.
func TestLeaveDelegationBoundToTenant(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	bakery := f.id(t, "Blue Bakery")
	orbitAdmin := f.user(t, "admin@orbit.example")
	if err := f.db.inTx(ctx, func(tx *tx) error {
		return insertGrant(ctx, tx, bakery, orbitAdmin.ID, tenantry.RoleOps, true)
	}); err != nil {
		t.Fatal(err)
	}
	delegations := func() int {
		var n int
		if err := f.db.read.QueryRow(`SELECT COUNT(*) FROM memberships WHERE account_id = ? AND user_id = ? AND delegate = 1`,
			bakery, orbitAdmin.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, host := range []string{"orbit.localhost", "beta.localhost"} {
		before := f.snapshot(t)
		wantKind(t, f.db.LeaveDelegation(ctx, f.tenant(t, host), orbitAdmin, bakery, testIP), tenantry.ENOTFOUND)
		f.assertUnchanged(t, before)
	}
	if delegations() != 1 {
		t.Fatal("the delegation is gone after a refused leave")
	}
	if err := f.db.LeaveDelegation(ctx, f.tenant(t, "acme.localhost"), orbitAdmin, bakery, testIP); err != nil {
		t.Fatalf("leave on acme.localhost: %v", err)
	}
	if delegations() != 0 {
		t.Error("the delegation is still there after leaving where it is served")
	}
	wantKind(t, f.db.LeaveDelegation(ctx, f.tenant(t, "acme.localhost"), orbitAdmin, bakery, testIP), tenantry.ENOTFOUND)
}

// acceptInvitation accepts the last invitation mailed to email as the
// existing user with that address, on the domain its link names.
func (f *fixture) acceptInvitation(t *testing.T, email string) {
	t.Helper()
	host, token := invitationLink(t, f.lastMail(t, email))
	if _, err := f.db.AcceptInvitation(context.Background(), f.tenant(t, tenantry.NormalizeHost(host)), token,
		f.user(t, email).ID, "", "", testIP); err != nil {
		t.Fatalf("accept the invitation of %s on %s: %v", email, host, err)
	}
}
