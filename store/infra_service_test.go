package store

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// TestServiceUserUnassignedInfraNotFound: to a service user, the
// infrastructures of its account that are not assigned to it do not exist
// (ENOTFOUND, as another tenant's), while the one assigned stays theirs to
// see and change, and deleting it, the owner's staff's to do, is EFORBIDDEN.
func TestServiceUserUnassignedInfraNotFound(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	f.withDemoInfra(t)
	owner := f.scope(t, "acme.localhost", "owner@bluebakery.example")
	webProd := f.infraByName(t, owner, "Blue Bakery", "web-prod")
	sandbox := f.infraByName(t, owner, "Blue Bakery", "sandbox")
	f.addMember(t, "Blue Bakery", "cashier@bluebakery.example", tenantry.RoleService)
	if _, err := owner.AddInfraDelegate(ctx, sandbox.ID, "cashier@bluebakery.example", testLinks); err != nil {
		t.Fatal(err)
	}
	svc := f.scope(t, "acme.localhost", "cashier@bluebakery.example")
	if _, err := svc.Infrastructure(ctx, sandbox.ID); err != nil {
		t.Fatalf("the assigned infrastructure: %v", err)
	}
	before := f.snapshot(t)
	_, err := svc.Infrastructure(ctx, webProd.ID)
	wantKind(t, err, tenantry.ENOTFOUND)
	_, err = svc.UpdateInfrastructure(ctx, webProd.ID, tenantry.InfrastructureUpdate{Name: ptr("renamed")})
	wantKind(t, err, tenantry.ENOTFOUND)
	wantKind(t, svc.DeleteInfrastructure(ctx, webProd.ID), tenantry.ENOTFOUND)
	_, err = svc.InfraDelegates(ctx, webProd.ID)
	wantKind(t, err, tenantry.ENOTFOUND)
	wantKind(t, svc.DeleteInfrastructure(ctx, sandbox.ID), tenantry.EFORBIDDEN)
	f.assertUnchanged(t, before)
}
