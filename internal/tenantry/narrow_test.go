package tenantry_test

import (
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// TestActorNarrowedTo: narrowed to the customer, the provider's Owner sees
// the customer only, keeps its vendor permissions on it (from the grant
// above), and sees neither the reseller above it nor the sibling; the
// narrowing survives ActiveOnly and cannot be widened again.
func TestActorNarrowedTo(t *testing.T) {
	tr := newTree()
	owner := actorWith(tenantry.Grant{Account: tr.provider, Role: tenantry.RoleOwner})
	owner.Infras = []tenantry.InfraGrant{{InfraID: "inf_c", Account: tr.customer}, {InfraID: "inf_s", Account: tr.sibling}}
	n := owner.NarrowedTo(&tr.customer)
	if err := tenantry.Authorize(n, tenantry.PermCustomersManage, &tr.customer); err != nil {
		t.Errorf("customers.manage on the customer: %v, want allowed", err)
	}
	for _, a := range []*tenantry.Account{&tr.provider, &tr.reseller, &tr.sibling} {
		if got := kindOf(tenantry.Authorize(n, tenantry.PermAccountView, a)); got != tenantry.ENOTFOUND {
			t.Errorf("account.view on %s = %q, want not found", a.ID, got)
		}
	}
	if n.InfraGrant("inf_c") == nil || n.InfraGrant("inf_s") != nil {
		t.Errorf("infrastructure grants = %+v, want only the customer's", n.Infras)
	}
	if n.ActiveOnly().Sees(&tr.reseller) {
		t.Error("ActiveOnly dropped the narrowing")
	}
	if n.NarrowedTo(&tr.provider).Sees(&tr.reseller) {
		t.Error("narrowing again to the provider widened the bound")
	}
	if n.NarrowedTo(&tr.sibling).Sees(&tr.sibling) || n.NarrowedTo(&tr.sibling).Sees(&tr.customer) {
		t.Error("a bound beside the current one sees something")
	}
	if !owner.Sees(&tr.sibling) {
		t.Error("narrowing changed the original actor")
	}
}
