package store

import (
	"context"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// newCustomer creates a customer below the named vendor through s.
func newCustomer(t *testing.T, f *fixture, s *Scope, vendor, name string, org string, anchor bool) *tenantry.Account {
	t.Helper()
	out, err := s.CreateAccount(context.Background(), tenantry.NewAccount{ParentID: f.id(t, vendor), Kind: tenantry.KindCustomer,
		Name: name, OrganizationID: org, IsOrganization: anchor}, testLinks)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return out.Account
}

const noSuchOrg = "Choose an active organization of yours."

func wantNoSuchOrg(t *testing.T, err error) {
	t.Helper()
	if e := wantKind(t, err, tenantry.EINVALID); e.Fields["organization_id"] != noSuchOrg {
		t.Errorf("fields = %v, want organization_id %q", e.Fields, noSuchOrg)
	}
}

func TestOrganizationLifecycle(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acme := f.acme(t)

	anchor := newCustomer(t, f, acme, "Acme Hosting", "Contoso Group", "", true)
	if !anchor.IsOrganization || anchor.OrganizationID != "" {
		t.Fatalf("anchor = %+v", anchor)
	}
	if ev := auditEvents(t, f.db, "account.organization_mark"); len(ev) != 1 || ev[0].ObjectID != anchor.ID {
		t.Errorf("mark events = %+v", ev)
	}
	deptA := newCustomer(t, f, acme, "Acme Hosting", "Contoso Sales", anchor.ID, false)
	if deptA.OrganizationID != anchor.ID {
		t.Fatalf("deptA.OrganizationID = %q, want %q", deptA.OrganizationID, anchor.ID)
	}
	if got, _ := acme.Account(ctx, deptA.ID); got.OrganizationID != anchor.ID || got.IsOrganization {
		t.Errorf("read back %+v", got)
	}

	// set later, once, on a customer created without one
	deptB := newCustomer(t, f, acme, "Acme Hosting", "Contoso Legal", "", false)
	got, err := acme.UpdateAccount(ctx, deptB.ID, tenantry.AccountUpdate{OrganizationID: ptr(anchor.ID)})
	wantKind(t, err, "")
	if got.OrganizationID != anchor.ID {
		t.Errorf("after update OrganizationID = %q", got.OrganizationID)
	}
	if ev := auditEvents(t, f.db, "account.organization_set"); len(ev) != 2 || ev[1].ObjectID != deptB.ID {
		t.Errorf("set events = %+v", ev)
	}
	// the same id again is no change
	_, err = acme.UpdateAccount(ctx, deptB.ID, tenantry.AccountUpdate{OrganizationID: ptr(anchor.ID)})
	wantKind(t, err, "")
	if ev := auditEvents(t, f.db, "account.organization_set"); len(ev) != 2 {
		t.Errorf("a no-op wrote an event: %+v", ev)
	}

	// permanent: another anchor or none is 409, and nothing changes
	other := newCustomer(t, f, acme, "Acme Hosting", "Fabrikam Group", "", true)
	before := f.snapshot(t)
	for _, id := range []string{other.ID, ""} {
		_, err = acme.UpdateAccount(ctx, deptB.ID, tenantry.AccountUpdate{OrganizationID: ptr(id)})
		if e := wantKind(t, err, tenantry.ECONFLICT); e.Code != "organization_permanent" {
			t.Errorf("change to %q: code = %q, want organization_permanent", id, e.Code)
		}
	}
	// an account of an organization cannot become one
	_, err = acme.UpdateAccount(ctx, deptB.ID, tenantry.AccountUpdate{IsOrganization: ptr(true)})
	wantField(t, err, tenantry.EINVALID, "is_organization")
	// an anchor cannot point to one
	_, err = acme.UpdateAccount(ctx, anchor.ID, tenantry.AccountUpdate{OrganizationID: ptr(other.ID)})
	wantField(t, err, tenantry.EINVALID, "organization_id")
	// nor join one in the same call that makes it an anchor
	plain := f.id(t, "Blue Bakery")
	_, err = acme.UpdateAccount(ctx, plain, tenantry.AccountUpdate{OrganizationID: ptr(other.ID), IsOrganization: ptr(true)})
	wantField(t, err, tenantry.EINVALID, "is_organization")
	// an anchor with members stays one
	_, err = acme.UpdateAccount(ctx, anchor.ID, tenantry.AccountUpdate{IsOrganization: ptr(false)})
	if e := wantKind(t, err, tenantry.ECONFLICT); e.Code != "organization_has_members" {
		t.Errorf("unmark with members: code = %q", e.Code)
	}
	f.assertUnchanged(t, before)

	// an anchor without members can be unmarked
	got, err = acme.UpdateAccount(ctx, other.ID, tenantry.AccountUpdate{IsOrganization: ptr(false)})
	wantKind(t, err, "")
	if got.IsOrganization {
		t.Error("still an organization after unmarking")
	}
	if ev := auditEvents(t, f.db, "account.organization_unmark"); len(ev) != 1 || ev[0].ObjectID != other.ID {
		t.Errorf("unmark events = %+v", ev)
	}

	// both at creation is refused
	_, err = acme.CreateAccount(ctx, tenantry.NewAccount{ParentID: f.id(t, "Acme Hosting"), Kind: tenantry.KindCustomer,
		Name: "Both", OrganizationID: anchor.ID, IsOrganization: true}, testLinks)
	wantField(t, err, tenantry.EINVALID, "is_organization")

	// the lists: anchors, non-anchors, and the members of one
	yes, no := true, false
	page, err := acme.Accounts(ctx, AccountFilter{IsOrganization: &yes})
	wantKind(t, err, "")
	if len(page.Items) != 1 || page.Items[0].ID != anchor.ID {
		t.Errorf("anchors = %+v", page.Items)
	}
	page, err = acme.Accounts(ctx, AccountFilter{IsOrganization: &no, Kind: tenantry.KindCustomer})
	wantKind(t, err, "")
	for _, a := range page.Items {
		if a.IsOrganization {
			t.Errorf("non-anchor list holds %s", a.Name)
		}
	}
	page, err = acme.Accounts(ctx, AccountFilter{OrganizationID: anchor.ID})
	wantKind(t, err, "")
	if len(page.Items) != 2 {
		t.Errorf("members = %+v, want Contoso Sales and Legal", page.Items)
	}
}

func TestOrganizationOnlyActiveOfTheSameVendor(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acme := f.acme(t)
	anchor := newCustomer(t, f, acme, "Acme Hosting", "Contoso Group", "", true)
	create := func(s *Scope, vendor, org string) error {
		_, err := s.CreateAccount(ctx, tenantry.NewAccount{ParentID: f.id(t, vendor), Kind: tenantry.KindCustomer,
			Name: "Member", OrganizationID: org}, testLinks)
		return err
	}
	absent := "acc_doesnotexist234567abcdef"

	t.Run("Missing", func(t *testing.T) { wantNoSuchOrg(t, create(acme, "Acme Hosting", absent)) })
	t.Run("NotAnAnchor", func(t *testing.T) { wantNoSuchOrg(t, create(acme, "Acme Hosting", f.id(t, "Blue Bakery"))) })
	t.Run("AVendor", func(t *testing.T) { wantNoSuchOrg(t, create(acme, "Acme Hosting", f.id(t, "Beta Resale"))) })
	t.Run("ForeignLikeMissing", func(t *testing.T) {
		orbit := f.scope(t, "orbit.localhost", "admin@orbit.example")
		before := f.snapshot(t)
		err := create(orbit, "Orbit IT", anchor.ID)
		wantNoSuchOrg(t, err)
		if !errorsEqual(err, create(orbit, "Orbit IT", absent)) {
			t.Errorf("a foreign anchor answers %v, unlike a missing one", err)
		}
		f.assertUnchanged(t, before)
		delta := f.id(t, "Delta Freight")
		_, err = orbit.UpdateAccount(ctx, delta, tenantry.AccountUpdate{OrganizationID: ptr(anchor.ID)})
		_, absentErr := orbit.UpdateAccount(ctx, delta, tenantry.AccountUpdate{OrganizationID: ptr(absent)})
		wantNoSuchOrg(t, err)
		if !errorsEqual(err, absentErr) {
			t.Errorf("update: a foreign anchor answers %v, a missing one %v", err, absentErr)
		}
		f.assertUnchanged(t, before)
	})
	t.Run("AnotherVendorInReach", func(t *testing.T) {
		// the provider reaches Acme's anchor, but it is not the provider's
		wantNoSuchOrg(t, create(f.provider(t), "Nimbus Cloud", anchor.ID))
		// Acme reaches Beta's anchor, but it belongs to Beta's customers
		betaAnchor := newCustomer(t, f, acme, "Beta Resale", "Beta Org", "", true)
		wantNoSuchOrg(t, create(acme, "Acme Hosting", betaAnchor.ID))
		if err := create(acme, "Beta Resale", betaAnchor.ID); err != nil {
			t.Errorf("Beta's own customer may join Beta's anchor: %v", err)
		}
	})
	t.Run("Inactive", func(t *testing.T) {
		susp := newCustomer(t, f, acme, "Acme Hosting", "Sleepy Group", "", true)
		if _, err := acme.UpdateAccount(ctx, susp.ID, tenantry.AccountUpdate{Status: ptr(tenantry.StatusSuspended),
			SuspendReason: ptr("unpaid")}); err != nil {
			t.Fatal(err)
		}
		wantNoSuchOrg(t, create(acme, "Acme Hosting", susp.ID))
		_, err := acme.UpdateAccount(ctx, f.id(t, "Cobalt Law"), tenantry.AccountUpdate{OrganizationID: ptr(susp.ID)})
		wantNoSuchOrg(t, err)
		// and a suspended customer cannot be marked
		plain := newCustomer(t, f, acme, "Acme Hosting", "Sleepy Plain", "", false)
		if _, err := acme.UpdateAccount(ctx, plain.ID, tenantry.AccountUpdate{Status: ptr(tenantry.StatusSuspended),
			SuspendReason: ptr("unpaid")}); err != nil {
			t.Fatal(err)
		}
		_, err = acme.UpdateAccount(ctx, plain.ID, tenantry.AccountUpdate{IsOrganization: ptr(true)})
		wantField(t, err, tenantry.EINVALID, "is_organization")
	})
	t.Run("Valid", func(t *testing.T) {
		if err := create(acme, "Acme Hosting", anchor.ID); err != nil {
			t.Errorf("an active anchor of the same vendor is refused: %v", err)
		}
	})
}

func TestOrganizationCustomersOnly(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	p := f.provider(t)
	anchor := newCustomer(t, f, p, "Nimbus Cloud", "Nimbus Org", "", true)
	for _, in := range []tenantry.NewAccount{
		{Kind: tenantry.KindReseller, Name: "R1", OrganizationID: anchor.ID},
		{Kind: tenantry.KindReseller, Name: "R2", IsOrganization: true},
	} {
		in.ParentID = f.id(t, "Nimbus Cloud")
		_, err := p.CreateAccount(ctx, in, testLinks)
		wantKind(t, err, tenantry.EINVALID)
	}
	acme := f.id(t, "Acme Hosting")
	_, err := p.UpdateAccount(ctx, acme, tenantry.AccountUpdate{IsOrganization: ptr(true)})
	wantField(t, err, tenantry.EINVALID, "is_organization")
	_, err = p.UpdateAccount(ctx, acme, tenantry.AccountUpdate{OrganizationID: ptr(anchor.ID)})
	wantField(t, err, tenantry.EINVALID, "organization_id")
	// an anchor or a member stays a customer
	_, err = p.ConvertToReseller(ctx, anchor.ID)
	wantField(t, err, tenantry.EINVALID, "kind")
}

func TestOrganizationIsTheVendors(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acme := f.acme(t)
	anchor := newCustomer(t, f, acme, "Acme Hosting", "Contoso Group", "", true)
	// a customer's own Owner neither marks itself nor picks its organization
	own := f.scope(t, "acme.localhost", "owner@bluebakery.example")
	bakery := f.id(t, "Blue Bakery")
	_, err := own.UpdateAccount(ctx, bakery, tenantry.AccountUpdate{IsOrganization: ptr(true)})
	wantKind(t, err, tenantry.EFORBIDDEN)
	_, err = own.UpdateAccount(ctx, bakery, tenantry.AccountUpdate{OrganizationID: ptr(anchor.ID)})
	wantKind(t, err, tenantry.EFORBIDDEN)
}

func TestOrganizationAnchorHoldsNoInfrastructure(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acme := f.acme(t)
	anchor := newCustomer(t, f, acme, "Acme Hosting", "Contoso Group", "", true)
	before := f.snapshot(t)
	_, err := acme.CreateInfrastructure(ctx, anchor.ID, tenantry.NewInfrastructure{Name: "prod"})
	e := wantKind(t, err, tenantry.EINVALID)
	if e.Code != "organization_anchor" || e.Message != "An organization anchor holds no infrastructures or usage." {
		t.Errorf("error = %+v", e)
	}
	f.assertUnchanged(t, before)
	// nor a plan: it is never invoiced
	plans, err := acme.Plans(ctx, f.id(t, "Acme Hosting"), PlanFilter{Audience: tenantry.AudienceCustomers})
	if err != nil || len(plans) == 0 {
		t.Fatalf("Acme's retail plans: %v %v", plans, err)
	}
	_, err = acme.AssignPlan(ctx, anchor.ID, plans[0].ID, time.Time{})
	if e := wantKind(t, err, tenantry.EINVALID); e.Code != "organization_anchor" || e.Fields["plan_id"] == "" {
		t.Errorf("plan for an anchor: %+v", e)
	}
	f.assertUnchanged(t, before)

	// a customer with an infrastructure cannot become an anchor
	plain := newCustomer(t, f, acme, "Acme Hosting", "Busy Ltd", "", false)
	if _, err := acme.CreateInfrastructure(ctx, plain.ID, tenantry.NewInfrastructure{Name: "prod"}); err != nil {
		t.Fatal(err)
	}
	_, err = acme.UpdateAccount(ctx, plain.ID, tenantry.AccountUpdate{IsOrganization: ptr(true)})
	wantField(t, err, tenantry.EINVALID, "is_organization")
	// a member of an organization has its own
	member := newCustomer(t, f, acme, "Acme Hosting", "Contoso Sales", anchor.ID, false)
	if _, err := acme.CreateInfrastructure(ctx, member.ID, tenantry.NewInfrastructure{Name: "prod"}); err != nil {
		t.Errorf("a member of an organization gets infrastructures: %v", err)
	}
}

// Cross-customer users (Umbrella): one person staff of several customers
// of the same organization reaches each of them.
func TestOrganizationCrossCustomerUser(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acme := f.acme(t)
	anchor := newCustomer(t, f, acme, "Acme Hosting", "Contoso Group", "", true)
	newCustomer(t, f, acme, "Acme Hosting", "Contoso Sales", anchor.ID, false)
	legal := newCustomer(t, f, acme, "Acme Hosting", "Contoso Legal", anchor.ID, false)
	u := f.addMember(t, "Contoso Sales", "pat@contoso.example", tenantry.RoleAdmin)
	if err := f.db.inTx(ctx, func(tx *tx) error { return insertMembership(ctx, tx, legal.ID, u.ID, tenantry.RoleViewer) }); err != nil {
		t.Fatal(err)
	}
	actor := f.actor(t, "acme.localhost", "pat@contoso.example")
	if len(actor.Grants) != 2 {
		t.Fatalf("grants = %+v, want Contoso Sales and Contoso Legal", actor.Grants)
	}
	s := f.scope(t, "acme.localhost", "pat@contoso.example")
	for _, name := range []string{"Contoso Sales", "Contoso Legal"} {
		if _, err := s.Account(ctx, f.id(t, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// the anchor itself is not theirs
	if _, err := s.Account(ctx, anchor.ID); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
		t.Errorf("anchor: %v, want ENOTFOUND", err)
	}
}
