package store

import (
	"context"
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
		c, err := p.CreateAccount(ctx, tenantry.NewAccount{ParentID: parent, Kind: kind, Name: name,
			Owner: &tenantry.NewOwner{Email: owner, Name: "Owner of " + name, Password: "correct horse battery"}})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
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
