package store

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// TestScopeWithin: a scope narrowed to Blue Bakery reads and writes
// nothing outside Blue Bakery's subtree (its vendor Acme, its sibling
// Cobalt Law: ENOTFOUND, and nothing changes), while inside it the actor
// keeps its roles, vendor permissions from above included. Narrowed to
// another tenant's account, a scope reaches nothing at all.
func TestScopeWithin(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acme := f.acme(t)
	bakery, cobalt := f.acc(t, "Blue Bakery"), f.acc(t, "Cobalt Law")
	in := acme.Within(bakery)

	if _, err := in.Account(ctx, bakery.ID); err != nil {
		t.Fatalf("Blue Bakery within itself: %v", err)
	}
	if err := tenantry.Authorize(in.Actor(), tenantry.PermCustomersManage, bakery); err != nil {
		t.Errorf("Acme's Owner lost customers.manage on Blue Bakery: %v", err)
	}
	page, err := in.Accounts(ctx, AccountFilter{})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != bakery.ID || page.Total != 1 {
		t.Errorf("Accounts within Blue Bakery = %+v, %v; want Blue Bakery alone", page, err)
	}
	before := f.snapshot(t)
	for _, id := range []string{f.id(t, "Acme Hosting"), cobalt.ID} {
		_, err := in.Account(ctx, id)
		wantKind(t, err, tenantry.ENOTFOUND)
		_, err = in.Members(ctx, id)
		wantKind(t, err, tenantry.ENOTFOUND)
		_, err = in.UpdateAccount(ctx, id, tenantry.AccountUpdate{Name: ptr("Pwned")})
		wantKind(t, err, tenantry.ENOTFOUND)
		_, err = in.CreateCostCenter(ctx, id, tenantry.CostCenterInput{Name: "Pwned"})
		wantKind(t, err, tenantry.ENOTFOUND)
	}
	// a narrower bound stays: widening back to Acme is still Blue Bakery
	_, err = in.Within(f.acc(t, "Acme Hosting")).Account(ctx, cobalt.ID)
	wantKind(t, err, tenantry.ENOTFOUND)
	// and a bound beside the current one reaches nothing
	_, err = in.Within(cobalt).Account(ctx, cobalt.ID)
	wantKind(t, err, tenantry.ENOTFOUND)
	_, err = in.Within(cobalt).Account(ctx, bakery.ID)
	wantKind(t, err, tenantry.ENOTFOUND)
	f.assertUnchanged(t, before)

	t.Run("ForeignAccount", func(t *testing.T) {
		delta := f.acc(t, "Delta Freight")
		out := acme.Within(delta)
		_, err := out.Account(ctx, delta.ID)
		wantKind(t, err, tenantry.ENOTFOUND)
		page, err := out.Accounts(ctx, AccountFilter{})
		if err != nil || len(page.Items) != 0 {
			t.Errorf("Accounts within another tenant's account = %+v, %v; want none", page, err)
		}
	})
}
