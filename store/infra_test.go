package store

import (
	"context"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// infrasCall adapts Infrastructures to a foreignCase, its page as items.
func infrasCall(f func(ctx context.Context, s *Scope, v *tenantry.Account) InfraFilter) func(context.Context, *Scope, *tenantry.Account) (any, error) {
	return func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		p, err := s.Infrastructures(ctx, v.ID, f(ctx, s, v))
		if err != nil {
			return nil, err
		}
		return p.Items, nil
	}
}

// victimInfraID returns a live infrastructure of the victim (a reseller's:
// one in its subtree), never one the scope reaches through a membership or
// an infrastructure grant, or an id that does not exist when there is none.
func victimInfraID(ctx context.Context, s *Scope, v *tenantry.Account) string {
	reach, args := s.reach("a.path")
	return victimObject(ctx, s, v, "infrastructure", "inf_doesnotexist234567abcdef",
		`SELECT i.id FROM infrastructures i JOIN accounts a ON a.id = i.account_id JOIN accounts v ON v.id = ?
		WHERE i.status = 'active' AND substr(a.path, 1, length(v.path)) = v.path AND NOT (`+reach+`)
			AND NOT EXISTS (SELECT 1 FROM infrastructure_grants g WHERE g.infrastructure_id = i.id AND g.user_id = ?)
		ORDER BY a.id = v.id DESC, i.id LIMIT 1`, append(append([]any{v.ID}, args...), s.actor.User.ID)...)
}

// victimResourceID returns a live resource in one of the victim's
// infrastructures that the scope does not reach, or an id that does not
// exist when there is none.
func victimResourceID(ctx context.Context, s *Scope, v *tenantry.Account) string {
	reach, args := s.reach("a.path")
	return victimObject(ctx, s, v, "resource", "res_doesnotexist234567abcdef",
		`SELECT r.id FROM resources r JOIN accounts a ON a.id = r.account_id JOIN accounts v ON v.id = ?
		WHERE r.state <> 'deleted' AND substr(a.path, 1, length(v.path)) = v.path AND NOT (`+reach+`)
			AND NOT EXISTS (SELECT 1 FROM infrastructure_grants g WHERE g.infrastructure_id = r.infrastructure_id AND g.user_id = ?)
		ORDER BY a.id = v.id DESC, r.id LIMIT 1`, append(append([]any{v.ID}, args...), s.actor.User.ID)...)
}

// victimCostCenterID returns a cost center of the victim (a reseller's: one
// in its subtree) that the viewer does not reach, or an id that does not
// exist when there is none.
func victimCostCenterID(ctx context.Context, s *Scope, v *tenantry.Account) string {
	reach, args := s.reach("a.path")
	return victimObject(ctx, s, v, "cost center", "cc_doesnotexist234567abcdef",
		`SELECT c.id FROM cost_centers c JOIN accounts a ON a.id = c.account_id JOIN accounts v ON v.id = ?
		WHERE substr(a.path, 1, length(v.path)) = v.path AND NOT (`+reach+`)
		ORDER BY a.id = v.id DESC, c.id LIMIT 1`, append([]any{v.ID}, args...)...)
}

// withDemoInfra makes sure the fixture holds the demo infrastructures
// (loadDemoInfrastructure), whether or not LoadDemo already added them.
func (f *fixture) withDemoInfra(t *testing.T) {
	t.Helper()
	if count(t, f.db, "infrastructures") > 0 {
		return
	}
	byName := map[string]string{"Blue Bakery": f.id(t, "Blue Bakery"), "Delta Freight": f.id(t, "Delta Freight")}
	if err := loadDemoInfrastructure(context.Background(), f.provider(t), byName); err != nil {
		t.Fatal(err)
	}
}

// infraByName finds a live infrastructure of the named account.
func (f *fixture) infraByName(t *testing.T, s *Scope, account, name string) *tenantry.Infrastructure {
	t.Helper()
	p, err := s.Infrastructures(context.Background(), f.id(t, account), InfraFilter{Q: name})
	if err != nil {
		t.Fatalf("Infrastructures(%s): %v", account, err)
	}
	for _, in := range p.Items {
		if in.Name == name {
			return &in
		}
	}
	t.Fatalf("%s has no infrastructure %q", account, name)
	return nil
}

func (f *fixture) costCenterByName(t *testing.T, s *Scope, account, name string) *tenantry.CostCenter {
	t.Helper()
	list, err := s.CostCenters(context.Background(), f.id(t, account))
	if err != nil {
		t.Fatalf("CostCenters(%s): %v", account, err)
	}
	for _, cc := range list {
		if cc.Name == name {
			return &cc
		}
	}
	t.Fatalf("%s has no cost center %q", account, name)
	return nil
}

func infraNames(items []tenantry.Infrastructure) string {
	var out []string
	for _, in := range items {
		out = append(out, in.Name)
	}
	return strings.Join(out, ",")
}

// lastAudit returns the newest audit event's action and summary.
func lastAudit(t *testing.T, f *fixture) (string, string) {
	t.Helper()
	var action, summary string
	if err := f.db.read.QueryRow(`SELECT action, summary FROM audit_events ORDER BY at DESC, rowid DESC LIMIT 1`).
		Scan(&action, &summary); err != nil {
		t.Fatal(err)
	}
	return action, summary
}

func TestDemoInfrastructure(t *testing.T) {
	f := newDemo(t)
	if count(t, f.db, "infrastructures") == 0 {
		t.Skip("store/demo.go does not call loadDemoInfrastructure yet: the accounting cases of " +
			"TestScopeForeignTenant find no victim infrastructures until it does")
	}
	owner := f.scope(t, "acme.localhost", "owner@bluebakery.example")
	p, err := owner.Infrastructures(context.Background(), f.id(t, "Blue Bakery"), InfraFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := infraNames(p.Items), "db-prod,sandbox,web-prod"; got != want {
		t.Errorf("Blue Bakery's infrastructures = %s, want %s", got, want)
	}
	if cc := f.costCenterByName(t, owner, "Blue Bakery", "Production"); cc.Infrastructures != 2 {
		t.Errorf("Production holds %d infrastructures, want 2", cc.Infrastructures)
	}
	delta := f.scope(t, "orbit.localhost", "owner@delta.example")
	p, err = delta.Infrastructures(context.Background(), f.id(t, "Delta Freight"), InfraFilter{})
	if err != nil || len(p.Items) != 1 {
		t.Errorf("Delta Freight's infrastructures = %+v, %v; want one", p, err)
	}
}

func TestInfrastructureLifecycle(t *testing.T) {
	f := newDemo(t)
	f.withDemoInfra(t)
	ctx := context.Background()
	owner := f.scope(t, "acme.localhost", "owner@bluebakery.example")
	bakery := f.id(t, "Blue Bakery")
	prod := f.costCenterByName(t, owner, "Blue Bakery", "Production")
	staging := f.costCenterByName(t, owner, "Blue Bakery", "Staging")

	in, err := owner.CreateInfrastructure(ctx, bakery, tenantry.NewInfrastructure{Name: "  cache-prod ", CostCenterID: prod.ID})
	wantKind(t, err, "")
	if !strings.HasPrefix(in.ID, "inf_") || in.Name != "cache-prod" || in.AccountID != bakery || in.CostCenterID != prod.ID ||
		in.CostCenterName != "Production" || in.Status != tenantry.InfraActive || in.CreatedAt.IsZero() {
		t.Errorf("created = %+v", in)
	}
	if action, summary := lastAudit(t, f); action != "infrastructure.create" || !strings.Contains(summary, `"cache-prod"`) ||
		!strings.Contains(summary, `"Production"`) {
		t.Errorf("audit = %s %q", action, summary)
	}
	got, err := owner.Infrastructure(ctx, in.ID)
	wantKind(t, err, "")
	if got.Name != "cache-prod" || got.CostCenterName != "Production" {
		t.Errorf("read back = %+v", got)
	}

	t.Run("NameUnique", func(t *testing.T) {
		before := f.snapshot(t)
		_, err := owner.CreateInfrastructure(ctx, bakery, tenantry.NewInfrastructure{Name: "WEB-PROD"})
		wantField(t, err, tenantry.ECONFLICT, "name")
		_, err = owner.UpdateInfrastructure(ctx, in.ID, tenantry.InfrastructureUpdate{Name: ptr("web-prod")})
		wantField(t, err, tenantry.ECONFLICT, "name")
		f.assertUnchanged(t, before)
		// another account may use the same name
		delta := f.scope(t, "orbit.localhost", "owner@delta.example")
		_, err = delta.CreateInfrastructure(ctx, f.id(t, "Delta Freight"), tenantry.NewInfrastructure{Name: "web-prod"})
		wantKind(t, err, "")
	})

	t.Run("Invalid", func(t *testing.T) {
		before := f.snapshot(t)
		for _, name := range []string{"", "   ", strings.Repeat("x", 101), "line\nbreak"} {
			_, err := owner.CreateInfrastructure(ctx, bakery, tenantry.NewInfrastructure{Name: name})
			wantField(t, err, tenantry.EINVALID, "name")
		}
		_, err := owner.UpdateInfrastructure(ctx, in.ID, tenantry.InfrastructureUpdate{Name: ptr(" ")})
		wantField(t, err, tenantry.EINVALID, "name")
		f.assertUnchanged(t, before)
	})

	t.Run("Update", func(t *testing.T) {
		u, err := owner.UpdateInfrastructure(ctx, in.ID, tenantry.InfrastructureUpdate{Name: ptr("cache"),
			CostCenterID: tenantry.OptionalString{Set: true, Value: staging.ID}})
		wantKind(t, err, "")
		if u.Name != "cache" || u.CostCenterID != staging.ID || u.CostCenterName != "Staging" {
			t.Errorf("updated = %+v", u)
		}
		if action, summary := lastAudit(t, f); action != "infrastructure.update" ||
			!strings.Contains(summary, `name "cache-prod" → "cache"`) || !strings.Contains(summary, `"Production" → cost center "Staging"`) {
			t.Errorf("audit = %s %q", action, summary)
		}
		// null takes it out of its cost center; an absent field stays
		u, err = owner.UpdateInfrastructure(ctx, in.ID, tenantry.InfrastructureUpdate{CostCenterID: tenantry.OptionalString{Set: true}})
		wantKind(t, err, "")
		if u.CostCenterID != "" || u.Name != "cache" {
			t.Errorf("after unassigning = %+v", u)
		}
		before := f.snapshot(t)
		u, err = owner.UpdateInfrastructure(ctx, in.ID, tenantry.InfrastructureUpdate{Name: ptr("cache")})
		wantKind(t, err, "")
		if u.Name != "cache" {
			t.Errorf("unchanged = %+v", u)
		}
		f.assertUnchanged(t, before) // no change, no audit event
	})

	t.Run("List", func(t *testing.T) {
		p, err := owner.Infrastructures(ctx, bakery, InfraFilter{})
		wantKind(t, err, "")
		if got, want := infraNames(p.Items), "cache,db-prod,sandbox,web-prod"; got != want || p.Total != 4 {
			t.Errorf("list = %s (%d), want %s", got, p.Total, want)
		}
		p, _ = owner.Infrastructures(ctx, bakery, InfraFilter{Q: "PROD"})
		if got := infraNames(p.Items); got != "db-prod,web-prod" {
			t.Errorf("q=PROD: %s", got)
		}
		p, _ = owner.Infrastructures(ctx, bakery, InfraFilter{CostCenterID: staging.ID})
		if got := infraNames(p.Items); got != "sandbox" {
			t.Errorf("in Staging: %s", got)
		}
		p, _ = owner.Infrastructures(ctx, bakery, InfraFilter{CostCenterID: tenantry.NoCostCenter})
		if got := infraNames(p.Items); got != "cache" {
			t.Errorf("in no cost center: %s", got)
		}
		// paging walks every item once
		var seen []string
		cursor := ""
		for range 10 {
			p, err := owner.Infrastructures(ctx, bakery, InfraFilter{Limit: 3, Cursor: cursor})
			wantKind(t, err, "")
			if p.Total != 4 {
				t.Errorf("total = %d on every page, want 4", p.Total)
			}
			seen = append(seen, infraNames(p.Items))
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		if got := strings.Join(seen, "|"); got != "cache,db-prod,sandbox|web-prod" {
			t.Errorf("pages = %s", got)
		}
		_, err = owner.Infrastructures(ctx, bakery, InfraFilter{Cursor: "!!"})
		wantField(t, err, tenantry.EINVALID, "cursor")
	})

	t.Run("SoftDelete", func(t *testing.T) {
		wantKind(t, owner.DeleteInfrastructure(ctx, in.ID), "")
		if action, summary := lastAudit(t, f); action != "infrastructure.delete" || !strings.Contains(summary, `"cache"`) {
			t.Errorf("audit = %s %q", action, summary)
		}
		_, err := owner.Infrastructure(ctx, in.ID)
		wantKind(t, err, tenantry.ENOTFOUND)
		_, err = owner.UpdateInfrastructure(ctx, in.ID, tenantry.InfrastructureUpdate{Name: ptr("back")})
		wantKind(t, err, tenantry.ENOTFOUND)
		wantKind(t, owner.DeleteInfrastructure(ctx, in.ID), tenantry.ENOTFOUND)
		p, _ := owner.Infrastructures(ctx, bakery, InfraFilter{})
		if got := infraNames(p.Items); got != "db-prod,sandbox,web-prod" {
			t.Errorf("list after delete = %s", got)
		}
		// the row stays, and its name is free again
		var status string
		var deletedAt *int64
		if err := f.db.read.QueryRow(`SELECT status, deleted_at FROM infrastructures WHERE id = ?`, in.ID).Scan(&status, &deletedAt); err != nil ||
			status != "deleted" || deletedAt == nil {
			t.Errorf("stored row: %s %v %v", status, deletedAt, err)
		}
		_, err = owner.CreateInfrastructure(ctx, bakery, tenantry.NewInfrastructure{Name: "cache"})
		wantKind(t, err, "")
	})
}

func TestInfrastructureRules(t *testing.T) {
	f := newDemo(t)
	f.withDemoInfra(t)
	ctx := context.Background()
	owner := f.scope(t, "acme.localhost", "owner@bluebakery.example")
	bakery := f.id(t, "Blue Bakery")
	webProd := f.infraByName(t, owner, "Blue Bakery", "web-prod")

	t.Run("ForeignCostCenter", func(t *testing.T) {
		// Cobalt Law's cost center, which Blue Bakery's owner cannot see,
		// is refused exactly as an id that does not exist
		acme := f.acme(t)
		cobalt, err := acme.CreateCostCenter(ctx, f.id(t, "Cobalt Law"), tenantry.CostCenterInput{Name: "Legal"})
		wantKind(t, err, "")
		before := f.snapshot(t)
		_, foreign := owner.CreateInfrastructure(ctx, bakery, tenantry.NewInfrastructure{Name: "x", CostCenterID: cobalt.ID})
		_, absent := owner.CreateInfrastructure(ctx, bakery, tenantry.NewInfrastructure{Name: "x", CostCenterID: "cc_doesnotexist234567abcdef"})
		wantField(t, foreign, tenantry.EINVALID, "cost_center_id")
		if !errorsEqual(foreign, absent) {
			t.Errorf("foreign cost center: %v; absent: %v", foreign, absent)
		}
		_, foreign = owner.UpdateInfrastructure(ctx, webProd.ID, tenantry.InfrastructureUpdate{CostCenterID: tenantry.OptionalString{Set: true, Value: cobalt.ID}})
		wantField(t, foreign, tenantry.EINVALID, "cost_center_id")
		// even the vendor, who sees both accounts, cannot cross them
		_, err = acme.CreateInfrastructure(ctx, bakery, tenantry.NewInfrastructure{Name: "x", CostCenterID: cobalt.ID})
		wantField(t, err, tenantry.EINVALID, "cost_center_id")
		f.assertUnchanged(t, before)
	})

	t.Run("CustomersOnly", func(t *testing.T) {
		before := f.snapshot(t)
		for _, name := range []string{"Acme Hosting", "Beta Resale"} {
			_, err := f.acme(t).CreateInfrastructure(ctx, f.id(t, name), tenantry.NewInfrastructure{Name: "own"})
			wantKind(t, err, tenantry.EINVALID)
		}
		_, err := f.provider(t).CreateInfrastructure(ctx, f.id(t, "Nimbus Cloud"), tenantry.NewInfrastructure{Name: "own"})
		wantKind(t, err, tenantry.EINVALID)
		f.assertUnchanged(t, before)
	})

	t.Run("ViewerReadsOnly", func(t *testing.T) {
		f.addMember(t, "Blue Bakery", "viewer@bluebakery.example", tenantry.RoleViewer)
		viewer := f.scope(t, "acme.localhost", "viewer@bluebakery.example")
		p, err := viewer.Infrastructures(ctx, bakery, InfraFilter{})
		wantKind(t, err, "")
		if len(p.Items) != 3 {
			t.Errorf("viewer lists %d infrastructures, want 3", len(p.Items))
		}
		if _, err := viewer.Infrastructure(ctx, webProd.ID); err != nil {
			t.Errorf("viewer reads one: %v", err)
		}
		if list, err := viewer.CostCenters(ctx, bakery); err != nil || len(list) != 2 {
			t.Errorf("viewer's cost centers = %v, %v", list, err)
		}
		prod := f.costCenterByName(t, viewer, "Blue Bakery", "Production")
		before := f.snapshot(t)
		_, err = viewer.CreateInfrastructure(ctx, bakery, tenantry.NewInfrastructure{Name: "viewer-made"})
		wantKind(t, err, tenantry.EFORBIDDEN)
		_, err = viewer.UpdateInfrastructure(ctx, webProd.ID, tenantry.InfrastructureUpdate{Name: ptr("renamed")})
		wantKind(t, err, tenantry.EFORBIDDEN)
		wantKind(t, viewer.DeleteInfrastructure(ctx, webProd.ID), tenantry.EFORBIDDEN)
		_, err = viewer.CreateCostCenter(ctx, bakery, tenantry.CostCenterInput{Name: "Mine"})
		wantKind(t, err, tenantry.EFORBIDDEN)
		_, err = viewer.RenameCostCenter(ctx, prod.ID, tenantry.CostCenterInput{Name: "Mine"})
		wantKind(t, err, tenantry.EFORBIDDEN)
		wantKind(t, viewer.DeleteCostCenter(ctx, prod.ID), tenantry.EFORBIDDEN)
		f.assertUnchanged(t, before)
	})

	t.Run("BillingSeesNone", func(t *testing.T) {
		// Billing has no infra.view: the account is visible, its
		// infrastructures are not allowed
		f.addMember(t, "Blue Bakery", "billing@bluebakery.example", tenantry.RoleBilling)
		billing := f.scope(t, "acme.localhost", "billing@bluebakery.example")
		_, err := billing.Infrastructures(ctx, bakery, InfraFilter{})
		wantKind(t, err, tenantry.EFORBIDDEN)
		_, err = billing.Infrastructure(ctx, webProd.ID)
		wantKind(t, err, tenantry.EFORBIDDEN)
	})

	t.Run("VendorStaff", func(t *testing.T) {
		// Acme's admin sees and manages its customer's infrastructures;
		// Beta (a sibling sub-reseller) and Orbit do not
		acme := f.acme(t)
		p, err := acme.Infrastructures(ctx, bakery, InfraFilter{})
		wantKind(t, err, "")
		if got := infraNames(p.Items); got != "db-prod,sandbox,web-prod" {
			t.Errorf("Acme sees %s", got)
		}
		u, err := acme.UpdateInfrastructure(ctx, webProd.ID, tenantry.InfrastructureUpdate{Name: ptr("web-production")})
		wantKind(t, err, "")
		if u.Name != "web-production" {
			t.Errorf("renamed by the vendor = %+v", u)
		}
		for _, s := range []*Scope{f.scope(t, "beta.localhost", "admin@beta.example"), f.scope(t, "orbit.localhost", "admin@orbit.example")} {
			_, err := s.Infrastructure(ctx, webProd.ID)
			wantKind(t, err, tenantry.ENOTFOUND)
		}
	})
}

func TestCostCenters(t *testing.T) {
	f := newDemo(t)
	f.withDemoInfra(t)
	ctx := context.Background()
	owner := f.scope(t, "acme.localhost", "owner@bluebakery.example")
	bakery := f.id(t, "Blue Bakery")

	list, err := owner.CostCenters(ctx, bakery)
	wantKind(t, err, "")
	if len(list) != 2 || list[0].Name != "Production" || list[0].Infrastructures != 2 || list[1].Name != "Staging" || list[1].Infrastructures != 1 {
		t.Fatalf("cost centers = %+v", list)
	}

	cc, err := owner.CreateCostCenter(ctx, bakery, tenantry.CostCenterInput{Name: " Research "})
	wantKind(t, err, "")
	if !strings.HasPrefix(cc.ID, "cc_") || cc.Name != "Research" || cc.AccountID != bakery {
		t.Errorf("created = %+v", cc)
	}
	if action, _ := lastAudit(t, f); action != "cost_center.create" {
		t.Errorf("audit = %s", action)
	}
	before := f.snapshot(t)
	_, err = owner.CreateCostCenter(ctx, bakery, tenantry.CostCenterInput{Name: "production"})
	wantField(t, err, tenantry.ECONFLICT, "name")
	_, err = owner.CreateCostCenter(ctx, bakery, tenantry.CostCenterInput{Name: ""})
	wantField(t, err, tenantry.EINVALID, "name")
	_, err = owner.RenameCostCenter(ctx, cc.ID, tenantry.CostCenterInput{Name: "Staging"})
	wantField(t, err, tenantry.ECONFLICT, "name")
	f.assertUnchanged(t, before)
	// another account may use the same name
	_, err = f.acme(t).CreateCostCenter(ctx, f.id(t, "Cobalt Law"), tenantry.CostCenterInput{Name: "Production"})
	wantKind(t, err, "")

	renamed, err := owner.RenameCostCenter(ctx, cc.ID, tenantry.CostCenterInput{Name: "R&D"})
	wantKind(t, err, "")
	if renamed.Name != "R&D" {
		t.Errorf("renamed = %+v", renamed)
	}
	if action, summary := lastAudit(t, f); action != "cost_center.update" || !strings.Contains(summary, `"Research" renamed "R&D"`) {
		t.Errorf("audit = %s %q", action, summary)
	}

	t.Run("DeleteInUse", func(t *testing.T) {
		prod := f.costCenterByName(t, owner, "Blue Bakery", "Production")
		before := f.snapshot(t)
		err := owner.DeleteCostCenter(ctx, prod.ID)
		e := wantKind(t, err, tenantry.ECONFLICT)
		if e.Code != "cost_center_in_use" || !strings.Contains(e.Message, "2 infrastructure") {
			t.Errorf("error = %+v", e)
		}
		f.assertUnchanged(t, before)
	})

	t.Run("DeleteAfterInfraDeleted", func(t *testing.T) {
		// a deleted infrastructure does not hold its cost center
		staging := f.costCenterByName(t, owner, "Blue Bakery", "Staging")
		sandbox := f.infraByName(t, owner, "Blue Bakery", "sandbox")
		wantKind(t, owner.DeleteInfrastructure(ctx, sandbox.ID), "")
		wantKind(t, owner.DeleteCostCenter(ctx, staging.ID), "")
		if action, summary := lastAudit(t, f); action != "cost_center.delete" || !strings.Contains(summary, `"Staging"`) {
			t.Errorf("audit = %s %q", action, summary)
		}
		var link *string
		if err := f.db.read.QueryRow(`SELECT cost_center_id FROM infrastructures WHERE id = ?`, sandbox.ID).Scan(&link); err != nil || link != nil {
			t.Errorf("deleted infrastructure still names the cost center: %v %v", link, err)
		}
		wantKind(t, owner.DeleteCostCenter(ctx, staging.ID), tenantry.ENOTFOUND)
		_, err := owner.RenameCostCenter(ctx, staging.ID, tenantry.CostCenterInput{Name: "Back"})
		wantKind(t, err, tenantry.ENOTFOUND)
	})
}
