package store

import (
	"context"
	"slices"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// MetalCloud's referral scenario in the store: Harbor Health, a direct
// customer of the provider, lets Acme's admin manage two of its three
// infrastructures. Acme's admin then reaches exactly those two, on the
// platform domain where Harbor Health is served, and nothing else of
// Harbor Health; removing the delegation ends it at once.
func TestInfraDelegates(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	harbor := f.scope(t, "portal.localhost", "owner@harbor.example")
	harborID := f.id(t, "Harbor Health")
	var infra []*tenantry.Infrastructure
	for _, name := range []string{"client1-infra-1", "client1-infra-2", "client1-infra-3"} {
		in, err := harbor.CreateInfrastructure(ctx, harborID, tenantry.NewInfrastructure{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		infra = append(infra, in)
	}
	for i, in := range infra[:2] {
		// Acme's admin signs in on the platform domain, where Harbor
		// Health is served, yet is invited like anyone: no grant without
		// their consent, and no answer that tells who signs in there
		res, err := harbor.AddInfraDelegate(ctx, in.ID, "Admin@Acme.example", testLinks)
		if err != nil || res.Granted != nil || res.Invitation == nil || res.Invitation.Email != "admin@acme.example" {
			t.Fatalf("AddInfraDelegate(%s) = %+v, %v; want Acme's admin invited", in.Name, res, err)
		}
		if got := len(f.scope(t, "portal.localhost", "admin@acme.example").Actor().Infras); got != i {
			t.Fatalf("infrastructure grants before accepting = %d, want %d", got, i)
		}
		f.acceptInvitation(t, "admin@acme.example")
	}
	delegate := func(t *testing.T) *Scope { return f.scope(t, "portal.localhost", "admin@acme.example") }
	acmeAdmin := f.user(t, "admin@acme.example")

	t.Run("ReachesExactlyTheDelegated", func(t *testing.T) {
		s := delegate(t)
		if got := len(s.Actor().Infras); got != 2 {
			t.Fatalf("infrastructure grants = %d, want 2", got)
		}
		page, err := s.ReachedInfrastructures(ctx, InfraFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		delegated := map[string]bool{}
		ownRole := 0
		for _, r := range page.Items {
			if r.Via == "delegate" {
				delegated[r.Name] = true
				if r.AccountName != "Harbor Health" {
					t.Errorf("%s's account = %q", r.Name, r.AccountName)
				}
			} else {
				ownRole++
			}
		}
		if !delegated["client1-infra-1"] || !delegated["client1-infra-2"] || len(delegated) != 2 {
			t.Errorf("delegated = %v, want client1-infra-1 and -2", delegated)
		}
		// alongside what Acme's own role reaches: Blue Bakery's demo infrastructures
		if ownRole == 0 || page.Total != ownRole+2 {
			t.Errorf("reached %d by role, total %d", ownRole, page.Total)
		}
		if _, err := s.Infrastructure(ctx, infra[0].ID); err != nil {
			t.Errorf("a delegated infrastructure: %v", err)
		}
		_, err = s.Infrastructure(ctx, infra[2].ID)
		wantKind(t, err, tenantry.ENOTFOUND)
		_, err = s.Account(ctx, harborID)
		wantKind(t, err, tenantry.ENOTFOUND)
		_, err = s.CostCenters(ctx, harborID)
		wantKind(t, err, tenantry.ENOTFOUND)
		_, err = s.Infrastructures(ctx, harborID, InfraFilter{})
		wantKind(t, err, tenantry.ENOTFOUND)
	})

	t.Run("ManagesButDoesNotOwn", func(t *testing.T) {
		s := delegate(t)
		renamed, err := s.UpdateInfrastructure(ctx, infra[0].ID, tenantry.InfrastructureUpdate{Name: ptr("client1-web")})
		if err != nil || renamed.Name != "client1-web" {
			t.Fatalf("rename = %+v, %v", renamed, err)
		}
		// the rename is on the owner's audit log, by the delegate
		events, err := harbor.AuditEvents(ctx, harborID, AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(events.Items, func(e tenantry.AuditEvent) bool {
			return e.Action == "infrastructure.update" && e.ActorEmail == "admin@acme.example"
		}) {
			t.Error("Harbor Health's audit log does not show the delegate's rename")
		}
		cc, err := harbor.CreateCostCenter(ctx, harborID, tenantry.CostCenterInput{Name: "Clients"})
		if err != nil {
			t.Fatal(err)
		}
		before := f.snapshot(t)
		_, err = s.UpdateInfrastructure(ctx, infra[0].ID, tenantry.InfrastructureUpdate{CostCenterID: tenantry.OptionalString{Set: true, Value: cc.ID}})
		wantKind(t, err, tenantry.EFORBIDDEN)
		wantKind(t, s.DeleteInfrastructure(ctx, infra[0].ID), tenantry.EFORBIDDEN)
		_, err = s.AddInfraDelegate(ctx, infra[0].ID, "friend@example.test", testLinks)
		wantKind(t, err, tenantry.EFORBIDDEN)
		wantKind(t, s.RemoveInfraDelegate(ctx, infra[0].ID, acmeAdmin.ID), tenantry.EFORBIDDEN)
		_, err = s.InfraDelegates(ctx, infra[0].ID)
		wantKind(t, err, tenantry.EFORBIDDEN)
		f.assertUnchanged(t, before)
	})

	t.Run("OnlyOnTheServingDomain", func(t *testing.T) {
		// Harbor Health is served by the platform domain: on Acme's own
		// domain the delegation does not exist
		s := f.scope(t, "acme.localhost", "admin@acme.example")
		if len(s.Actor().Infras) != 0 {
			t.Errorf("on acme.localhost: %d infrastructure grants, want none", len(s.Actor().Infras))
		}
		_, err := s.Infrastructure(ctx, infra[1].ID)
		wantKind(t, err, tenantry.ENOTFOUND)
	})

	t.Run("AlreadyADelegate", func(t *testing.T) {
		_, err := harbor.AddInfraDelegate(ctx, infra[1].ID, "admin@acme.example", testLinks)
		wantField(t, err, tenantry.ECONFLICT, "email")
	})

	t.Run("SuspendedOwnerEndsIt", func(t *testing.T) {
		provider := f.provider(t)
		if _, err := provider.UpdateAccount(ctx, harborID, tenantry.AccountUpdate{Status: ptr(tenantry.StatusSuspended)}); err != nil {
			t.Fatal(err)
		}
		_, err := delegate(t).Infrastructure(ctx, infra[1].ID)
		wantKind(t, err, tenantry.ENOTFOUND)
		if _, err := provider.UpdateAccount(ctx, harborID, tenantry.AccountUpdate{Status: ptr(tenantry.StatusActive)}); err != nil {
			t.Fatal(err)
		}
		if _, err := delegate(t).Infrastructure(ctx, infra[1].ID); err != nil {
			t.Errorf("after reactivation: %v", err)
		}
	})

	t.Run("RemovingEndsAccess", func(t *testing.T) {
		list, err := harbor.InfraDelegates(ctx, infra[1].ID)
		if err != nil || len(list) != 1 || list[0].User.Email != "admin@acme.example" || list[0].User.PasswordHash != "" {
			t.Fatalf("delegates = %+v, %v", list, err)
		}
		if err := harbor.RemoveInfraDelegate(ctx, infra[1].ID, acmeAdmin.ID); err != nil {
			t.Fatal(err)
		}
		_, err = delegate(t).Infrastructure(ctx, infra[1].ID)
		wantKind(t, err, tenantry.ENOTFOUND)
		wantKind(t, harbor.RemoveInfraDelegate(ctx, infra[1].ID, acmeAdmin.ID), tenantry.ENOTFOUND)
	})

	t.Run("DelegateLeaves", func(t *testing.T) {
		wantKind(t, f.db.LeaveInfraDelegation(ctx, f.tenant(t, "acme.localhost"), acmeAdmin, infra[0].ID, testIP), tenantry.ENOTFOUND)
		if err := f.db.LeaveInfraDelegation(ctx, f.tenant(t, "portal.localhost"), acmeAdmin, infra[0].ID, testIP); err != nil {
			t.Fatal(err)
		}
		if n := len(delegate(t).Actor().Infras); n != 0 {
			t.Errorf("after leaving: %d grants", n)
		}
	})

	t.Run("InvitationForANewPerson", func(t *testing.T) {
		res, err := harbor.AddInfraDelegate(ctx, infra[2].ID, "ops@agency.example", testLinks)
		if err != nil || res.Invitation == nil || res.Granted != nil {
			t.Fatalf("AddInfraDelegate = %+v, %v; want an invitation", res, err)
		}
		if res.Invitation.InfrastructureID != infra[2].ID || res.Invitation.RoleName != tenantry.InfraDelegateRole {
			t.Errorf("invitation = %+v", res.Invitation)
		}
		if list, _ := harbor.Invitations(ctx, harborID); len(list) != 0 {
			t.Errorf("the account's invitations list the infrastructure's: %+v", list)
		}
		if list, _ := harbor.InfraInvitations(ctx, infra[2].ID); len(list) != 1 {
			t.Errorf("infrastructure invitations = %+v", list)
		}
		host, token := invitationLink(t, f.lastMail(t, "ops@agency.example"))
		if host != "portal.localhost:8080" {
			t.Errorf("the link is on %s, want the platform domain", host)
		}
		portal := f.tenant(t, "portal.localhost")
		inv, account, err := f.db.InvitationByToken(ctx, portal, token)
		if err != nil || inv.Target(account) != "Harbor Health's infrastructure client1-infra-3" {
			t.Errorf("InvitationByToken = %+v %q, %v", inv, account, err)
		}
		u, err := f.db.AcceptInvitation(ctx, portal, token, "", "Olga Ops", hashPassword("agency-secret-42"), testIP)
		if err != nil {
			t.Fatal(err)
		}
		a, err := f.db.ActorFor(ctx, portal, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Grants) != 0 || len(a.Infras) != 1 || a.Infras[0].InfraID != infra[2].ID || !a.Reaches() {
			t.Errorf("the new delegate = %+v, want one infrastructure and no account", a)
		}
		_, err = f.db.AcceptInvitation(ctx, portal, token, "", "Olga Again", hashPassword("agency-secret-42"), testIP)
		wantKind(t, err, tenantry.ENOTFOUND)
	})

	t.Run("DeletedInfrastructureEndsIt", func(t *testing.T) {
		if _, err := harbor.AddInfraDelegate(ctx, infra[1].ID, "admin@acme.example", testLinks); err != nil {
			t.Fatal(err)
		}
		if err := harbor.DeleteInfrastructure(ctx, infra[1].ID); err != nil {
			t.Fatal(err)
		}
		if n := len(delegate(t).Actor().Infras); n != 0 {
			t.Errorf("after deletion: %d grants", n)
		}
	})
}
