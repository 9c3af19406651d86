package store

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// planNamed returns the id of a vendor's plan by name.
func (f *fixture) planNamed(t *testing.T, owner, name string) string {
	t.Helper()
	plans, err := f.provider(t).Plans(context.Background(), f.id(t, owner), PlanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if p.Name == name {
			return p.ID
		}
	}
	t.Fatalf("no plan %q of %s", name, owner)
	return ""
}

// New accounts start on a plan (issue 10 item 11): the one asked for, or
// the vendor's default for customers, assigned in the creating
// transaction and audited; a plan that is not the vendor's is refused
// on the field, whoever owns it, and nothing is created.
func TestCreateAccountPlan(t *testing.T) {
	ctx := context.Background()
	current := func(t *testing.T, f *fixture, id string) string {
		t.Helper()
		pa, err := f.acme(t).CurrentPlan(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if pa == nil {
			return ""
		}
		return pa.Plan.Name
	}
	create := func(f *fixture, kind tenantry.AccountKind, name string, plan *string) (*CreatedAccount, error) {
		return f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: kind, Name: name, PlanID: plan}, testLinks)
	}

	t.Run("DefaultWhenLeftOut", func(t *testing.T) {
		f := newDemo(t)
		c, err := create(f, tenantry.KindCustomer, "Kilo Kites", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := current(t, f, c.Account.ID); got != "Acme Retail" {
			t.Errorf("plan = %q, want Acme's default Acme Retail", got)
		}
		var found bool
		for _, e := range auditEvents(t, f.db, "plan.assign") {
			if e.AccountID == c.Account.ID && e.ActorEmail == "admin@acme.example" {
				found = true
			}
		}
		if !found {
			t.Error("no plan.assign audit event for the new account by its creator")
		}
	})

	t.Run("Chosen", func(t *testing.T) {
		f := newDemo(t)
		c, err := create(f, tenantry.KindReseller, "Lima Resale", ptr(f.planNamed(t, "Acme Hosting", "Acme Partner Wholesale")))
		if err != nil {
			t.Fatal(err)
		}
		if got := current(t, f, c.Account.ID); got != "Acme Partner Wholesale" {
			t.Errorf("plan = %q, want Acme Partner Wholesale", got)
		}
	})

	t.Run("NoneAskedFor", func(t *testing.T) {
		f := newDemo(t)
		c, err := create(f, tenantry.KindCustomer, "Mike Mills", ptr(""))
		if err != nil {
			t.Fatal(err)
		}
		if got := current(t, f, c.Account.ID); got != "" {
			t.Errorf("plan = %q, want none", got)
		}
	})

	t.Run("ResellerGetsNoCustomerDefault", func(t *testing.T) {
		f := newDemo(t)
		c, err := create(f, tenantry.KindReseller, "November Resale", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := current(t, f, c.Account.ID); got != "" {
			t.Errorf("plan = %q, want none: the default plan is for customers", got)
		}
	})

	t.Run("AnchorTakesNoDefault", func(t *testing.T) {
		f := newDemo(t)
		c, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Oscar Org",
			IsOrganization: true}, testLinks)
		if err != nil {
			t.Fatal(err)
		}
		if got := current(t, f, c.Account.ID); got != "" {
			t.Errorf("plan = %q, want none for an organization anchor", got)
		}
	})

	refused := []struct {
		name  string
		kind  tenantry.AccountKind
		plan  func(f *fixture) string
		field string
	}{
		{"OtherVendorsPlan", tenantry.KindCustomer, func(f *fixture) string { return f.planNamed(t, "Orbit IT", "Orbit Business") }, "plan_id"},
		{"VendorsVendorsPlan", tenantry.KindCustomer, func(f *fixture) string { return f.planNamed(t, "Nimbus Cloud", "Direct Standard") }, "plan_id"},
		{"NoSuchPlan", tenantry.KindCustomer, func(*fixture) string { return "pln_nosuchplan" }, "plan_id"},
		{"WrongAudience", tenantry.KindCustomer, func(f *fixture) string { return f.planNamed(t, "Acme Hosting", "Acme Partner Wholesale") }, "plan_id"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			f := newDemo(t)
			before := f.snapshot(t)
			_, err := create(f, tc.kind, "Papa Pumps", ptr(tc.plan(f)))
			wantField(t, err, tenantry.EINVALID, tc.field)
			f.assertUnchanged(t, before)
		})
	}

	t.Run("OutOfReachReadsLikeAbsent", func(t *testing.T) {
		f := newDemo(t)
		_, other := create(f, tenantry.KindCustomer, "Quebec Quilts", ptr(f.planNamed(t, "Orbit IT", "Orbit Business")))
		_, absent := create(f, tenantry.KindCustomer, "Quebec Quilts", ptr("pln_nosuchplan"))
		if !errorsEqual(other, absent) {
			t.Errorf("another vendor's plan: %v; no such plan: %v; want the same answer", other, absent)
		}
	})

	t.Run("ArchivedDefaultIsSkipped", func(t *testing.T) {
		f := newDemo(t)
		if _, err := f.acme(t).SetPlanStatus(ctx, f.planNamed(t, "Acme Hosting", "Acme Retail"), tenantry.PlanArchived); err != nil {
			t.Fatal(err)
		}
		c, err := create(f, tenantry.KindCustomer, "Romeo Rugs", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := current(t, f, c.Account.ID); got != "" {
			t.Errorf("plan = %q, want none: an archived default is not assigned", got)
		}
	})
}
