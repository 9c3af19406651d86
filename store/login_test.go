package store

import (
	"context"
	"strconv"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// Only the provider's own staff and the staff of the accounts directly
// below it sign in on the platform domain, even where no reseller on the
// way down has a domain of its own (which would otherwise make the
// platform domain the one that serves them).
func TestPlatformLoginDirectlyBelowOnly(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	p := f.provider(t)
	create := func(parent, name string, kind tenantry.AccountKind, owner string) string {
		t.Helper()
		// without an owner: CreateAccount refuses an owner who would sign
		// in nowhere (no_domain), so the owner is added as a member here
		c, err := p.CreateAccount(ctx, tenantry.NewAccount{ParentID: parent, Kind: kind, Name: name}, testLinks)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		f.addMember(t, name, owner, tenantry.RoleOwner)
		return c.Account.ID
	}
	// a chain with no domain below the provider: Omega → Psi → Chi
	omega := create(f.id(t, "Nimbus Cloud"), "Omega Resale", tenantry.KindReseller, "owner@omega.example")
	if err := p.SetResellerDepth(ctx, omega, 1); err != nil {
		t.Fatal(err)
	}
	psi := create(omega, "Psi Resale", tenantry.KindReseller, "owner@psi.example")
	create(psi, "Chi Corp", tenantry.KindCustomer, "owner@chi.example")
	create(omega, "Tau Trading", tenantry.KindCustomer, "owner@tau.example")

	for email, want := range map[string]int{
		"owner@omega.example":  1, // reseller directly below the provider
		"owner@harbor.example": 1, // customer directly below the provider
		"owner@psi.example":    0, // sub-reseller
		"owner@chi.example":    0, // its customer
		"owner@tau.example":    0, // a domainless reseller's customer
		"admin@beta.example":   0, // sub-reseller with a domain of its own
		"owner@gamma.example":  0,
	} {
		t.Run(email, func(t *testing.T) {
			a := f.actor(t, "portal.localhost", email)
			if len(a.Grants) != want || a.Reaches() != (want > 0) {
				t.Errorf("grants on the platform domain = %+v, want %d", a.Grants, want)
			}
		})
	}
}

// An account that no domain serves (a customer of a domainless reseller
// directly below the provider: the platform domain does not serve it) gets
// no dead link: inviting to it, creating it with an owner (with or without
// a password, whether or not the address has a user) and approving its
// sign-up are refused with the vendor to give a domain, and nothing is
// written.
func TestNoDomainRefused(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	p := f.provider(t)
	omega, err := p.CreateAccount(ctx, tenantry.NewAccount{ParentID: f.id(t, "Nimbus Cloud"), Kind: tenantry.KindReseller,
		Name: "Omega Resale"}, testLinks)
	if err != nil {
		t.Fatal(err)
	}
	tau, err := p.CreateAccount(ctx, tenantry.NewAccount{ParentID: omega.Account.ID, Kind: tenantry.KindCustomer, Name: "Tau Trading"}, testLinks)
	if err != nil {
		t.Fatal(err)
	}
	const msg = "Omega Resale has no domain where its users sign in yet: add one first."
	refused := func(t *testing.T, err error) {
		t.Helper()
		e := tenantry.AsError(err)
		if e == nil || e.Kind != tenantry.EINVALID || e.Code != "no_domain" || e.Message != msg {
			t.Fatalf("err = %v, want EINVALID no_domain %q", err, msg)
		}
	}
	before := f.snapshot(t)
	t.Run("Invite", func(t *testing.T) {
		_, err := p.Invite(ctx, tau.Account.ID, "new@tau.example", tenantry.RoleAdmin, testLinks)
		refused(t, err)
	})
	for _, owner := range []tenantry.NewOwner{
		{Email: "new@tau.example", Name: "N"},
		{Email: "new@tau.example", Name: "N", Password: "correct horse battery"},
		{Email: "admin@orbit.example", Name: "N"},
		{Email: "admin@orbit.example", Name: "N", Password: "correct horse battery"},
	} {
		t.Run("CreateAccount/"+owner.Email+"/"+strconv.FormatBool(owner.Password != ""), func(t *testing.T) {
			_, err := p.CreateAccount(ctx, tenantry.NewAccount{ParentID: omega.Account.ID, Kind: tenantry.KindCustomer,
				Name: "Upsilon", Owner: &owner}, testLinks)
			refused(t, err)
		})
	}
	f.assertUnchanged(t, before)
	t.Run("ApproveAccount", func(t *testing.T) {
		// a pending sign-up below Omega, as if it had signed up there
		if _, err := f.db.write.Exec(`UPDATE accounts SET status = 'pending' WHERE id = ?`, tau.Account.ID); err != nil {
			t.Fatal(err)
		}
		_, err := p.ApproveAccount(ctx, tau.Account.ID, testLinks)
		refused(t, err)
	})
	// with a domain, Omega's customer is served there
	if err := p.SetPanelDomain(ctx, omega.Account.ID, "omega.localhost"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Invite(ctx, tau.Account.ID, "new@tau.example", tenantry.RoleAdmin, testLinks); err != nil {
		t.Errorf("invite once Omega has a domain: %v", err)
	}
}
