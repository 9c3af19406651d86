package store

import (
	"context"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// eventOf returns the newest event of the action on the log page.
func eventOf(t *testing.T, page *AuditPage, action string) tenantry.AuditEvent {
	t.Helper()
	for _, e := range page.Items {
		if e.Action == action {
			return e
		}
	}
	t.Fatalf("no %s event among %d", action, len(page.Items))
	return tenantry.AuditEvent{}
}

func planID(t *testing.T, s *Scope, owner, name string) string {
	t.Helper()
	plans, err := s.Plans(context.Background(), owner, PlanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if p.Name == name {
			return p.ID
		}
	}
	t.Fatalf("no plan %q", name)
	return ""
}

// TestAuditReadable checks that the audit log reads as words: a settings
// change is described, objects are named (from one lookup per page),
// a masked actor's change stays described, and no name from outside the
// viewer's reach is shown.
func TestAuditReadable(t *testing.T) {
	ctx := context.Background()
	f := newDemo(t)
	acme := f.id(t, "Acme Hosting")
	retail := planID(t, f.acme(t), acme, "Acme Retail")
	off := false
	if _, err := f.acme(t).UpdateSettings(ctx, acme, tenantry.SettingsUpdate{SignupEnabled: &off,
		DefaultPlanID: tenantry.OptionalString{Set: true}}); err != nil {
		t.Fatal(err)
	}
	on := true
	if _, err := f.acme(t).UpdateSettings(ctx, acme, tenantry.SettingsUpdate{SignupEnabled: &on,
		DefaultPlanID: tenantry.OptionalString{Set: true, Value: retail}}); err != nil {
		t.Fatal(err)
	}
	cc, err := f.acme(t).CreateCostCenter(ctx, acme, tenantry.CostCenterInput{Name: "Night shift"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.acme(t).DeleteCostCenter(ctx, cc.ID); err != nil {
		t.Fatal(err)
	}
	// the provider's staff change Acme: masked on Acme's domain
	if _, err := f.provider(t).UpdateAccount(ctx, acme,
		tenantry.AccountUpdate{ContactEmail: ptr("billing@acme.example")}); err != nil {
		t.Fatal(err)
	}
	page, err := f.acme(t).AuditEvents(ctx, acme, AuditFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("SettingsInWords", func(t *testing.T) {
		e := eventOf(t, page, "settings.update")
		if want := "Sign-up turned on; default plan set to Acme Retail"; e.Summary != want {
			t.Errorf("summary = %q, want %q", e.Summary, want)
		}
		if e.ObjectName != "Acme Hosting" || e.ObjectID != acme {
			t.Errorf("object = %q (%s), want Acme Hosting (%s)", e.ObjectName, e.ObjectID, acme)
		}
	})

	t.Run("NameReplacesID", func(t *testing.T) {
		for _, e := range page.Items {
			if e.ObjectType == "account" && e.ObjectID == f.id(t, "Blue Bakery") && e.ObjectName != "Blue Bakery" {
				t.Errorf("%s on Blue Bakery is named %q", e.Action, e.ObjectName)
			}
		}
		// a deleted object keeps the name its deletion recorded
		if e := eventOf(t, page, "cost_center.delete"); e.ObjectName != "Night shift" {
			t.Errorf("deleted cost center named %q, want Night shift", e.ObjectName)
		}
	})

	t.Run("MaskedActorChangeDescribed", func(t *testing.T) {
		e := eventOf(t, page, "account.update")
		if e.ActorEmail != VendorStaff || e.ActorID != "" || e.IP != "" {
			t.Errorf("actor = %q %q %q, want masked", e.ActorEmail, e.ActorID, e.IP)
		}
		if !strings.Contains(e.Summary, "billing@acme.example") {
			t.Errorf("summary = %q: the change is hidden with its actor", e.Summary)
		}
		// the platform's log names the actor
		pp, err := f.provider(t).AuditEvents(ctx, acme, AuditFilter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		if e := eventOf(t, pp, "account.update"); e.ActorEmail != "admin@nimbus.example" {
			t.Errorf("platform actor = %q", e.ActorEmail)
		}
	})

	t.Run("NoForeignNames", func(t *testing.T) {
		// the provider's wholesale plan assigned to Acme lies above Acme:
		// its name is not resolved on Acme's domain, but is on the platform's
		wholesale := planID(t, f.provider(t), f.id(t, "Nimbus Cloud"), "Reseller Wholesale")
		found := false
		for _, e := range page.Items {
			if strings.Contains(e.ObjectName+e.Summary, "Nimbus") {
				t.Errorf("%s shows %q / %q on Acme's domain", e.Action, e.ObjectName, e.Summary)
			}
			if e.ObjectID == wholesale {
				found = true
				if e.ObjectName != "" {
					t.Errorf("the vendor's plan is named %q on Acme's domain", e.ObjectName)
				}
			}
		}
		if !found {
			t.Fatal("no event on the wholesale plan in Acme's log")
		}
		// Orbit never sees Acme's objects by name
		op, err := f.scope(t, "orbit.localhost", "admin@orbit.example").AuditEvents(ctx, f.id(t, "Orbit IT"), AuditFilter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range op.Items {
			if strings.Contains(e.ObjectName+e.Summary, "Acme") {
				t.Errorf("Orbit sees %q / %q", e.ObjectName, e.Summary)
			}
		}
		// a member of Acme's subtree is named on Acme's domain
		owner := f.user(t, "owner@bluebakery.example")
		own := []tenantry.AuditEvent{{ObjectType: "user", ObjectID: owner.ID}}
		if err := f.acme(t).auditNames(ctx, own); err != nil {
			t.Fatal(err)
		}
		if own[0].ObjectName != owner.Name || owner.Name == "" {
			t.Errorf("Acme names its customer's owner %q, want %q", own[0].ObjectName, owner.Name)
		}
		// auditNames alone: another tenant's ids resolve to nothing, and
		// the vendor's staff are not named on a reseller's domain
		items := []tenantry.AuditEvent{{ObjectType: "account", ObjectID: acme}, {ObjectType: "plan", ObjectID: retail},
			{ObjectType: "user", ObjectID: owner.ID}}
		if err := f.scope(t, "orbit.localhost", "admin@orbit.example").auditNames(ctx, items); err != nil {
			t.Fatal(err)
		}
		staff := []tenantry.AuditEvent{{ObjectType: "user", ObjectID: f.user(t, "admin@nimbus.example").ID}}
		if err := f.acme(t).auditNames(ctx, staff); err != nil {
			t.Fatal(err)
		}
		items = append(items, staff...)
		if err := f.scope(t, "orbit.localhost", "admin@orbit.example").auditNames(ctx, items); err != nil {
			t.Fatal(err)
		}
		for _, e := range items {
			if e.ObjectName != "" {
				t.Errorf("Orbit resolves %s %s to %q", e.ObjectType, e.ObjectID, e.ObjectName)
			}
		}
	})
}
