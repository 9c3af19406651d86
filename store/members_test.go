package store

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

func TestCustomRoles(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acme := f.scope(t, "acme.localhost", "admin@acme.example")
	role, err := acme.CreateRole(ctx, f.id(t, "Acme Hosting"), tenantry.RoleInput{Name: "Plan editor",
		Permissions: []string{"plans.manage", "account.view", "plans.manage"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(role.Permissions) != 2 {
		t.Errorf("permissions = %v, want two (duplicates dropped)", role.Permissions)
	}
	u := f.addMember(t, "Acme Hosting", "editor@acme.example", tenantry.RoleViewer)
	if err := acme.SetMemberRole(ctx, f.id(t, "Acme Hosting"), u.ID, tenantry.Role(role.ID)); err != nil {
		t.Fatal(err)
	}
	// the custom role's permissions are what the member can do
	editor := f.scope(t, "acme.localhost", "editor@acme.example")
	if _, err := editor.CreatePlan(ctx, f.id(t, "Acme Hosting"), tenantry.PlanInput{Name: "By the editor", Currency: "USD",
		Audience: "customers"}); err != nil {
		t.Errorf("a member with plans.manage cannot create a plan: %v", err)
	}
	_, err = editor.UpdateSettings(ctx, f.id(t, "Acme Hosting"), tenantry.SettingsUpdate{InvoicePrefix: ptr("X-")})
	wantKind(t, err, tenantry.EFORBIDDEN)

	t.Run("Invalid", func(t *testing.T) {
		_, err := acme.CreateRole(ctx, f.id(t, "Acme Hosting"), tenantry.RoleInput{Name: "owner", Permissions: []string{"warp.drive"}})
		wantField(t, err, tenantry.EINVALID, "name")
		_, err = acme.CreateRole(ctx, f.id(t, "Acme Hosting"), tenantry.RoleInput{Name: "Plan editor", Permissions: []string{"account.view"}})
		wantField(t, err, tenantry.ECONFLICT, "name")
		// "plan EDITOR" would read as the same role in a select
		_, err = acme.CreateRole(ctx, f.id(t, "Acme Hosting"), tenantry.RoleInput{Name: "plan EDITOR", Permissions: []string{"account.view"}})
		wantField(t, err, tenantry.ECONFLICT, "name")
	})
	t.Run("AnotherAccountsRoleIsUnknown", func(t *testing.T) {
		orbitRole := victimRoleID(ctx, acme, f.acc(t, "Orbit IT"))
		err := acme.SetMemberRole(ctx, f.id(t, "Acme Hosting"), u.ID, tenantry.Role(orbitRole))
		wantField(t, err, tenantry.EINVALID, "role")
	})
	t.Run("InUseCannotBeDeleted", func(t *testing.T) {
		wantKind(t, acme.DeleteRole(ctx, role.ID), tenantry.ECONFLICT)
		if err := acme.SetMemberRole(ctx, f.id(t, "Acme Hosting"), u.ID, tenantry.RoleOps); err != nil {
			t.Fatal(err)
		}
		if err := acme.DeleteRole(ctx, role.ID); err != nil {
			t.Errorf("deleting an unused role: %v", err)
		}
	})
	t.Run("OnlyRolesManage", func(t *testing.T) {
		_, err := editor.CreateRole(ctx, f.id(t, "Acme Hosting"), tenantry.RoleInput{Name: "Mine", Permissions: []string{"act_as"}})
		wantKind(t, err, tenantry.EFORBIDDEN)
	})
}

func TestMemberRoles(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acmeID := f.id(t, "Acme Hosting")
	owner := f.user(t, "admin@acme.example")
	acme := f.scope(t, "acme.localhost", "admin@acme.example")

	t.Run("LastOwnerStays", func(t *testing.T) {
		before := f.snapshot(t)
		wantKind(t, acme.SetMemberRole(ctx, acmeID, owner.ID, tenantry.RoleAdmin), tenantry.ECONFLICT)
		wantKind(t, acme.RemoveMember(ctx, acmeID, owner.ID), tenantry.ECONFLICT)
		f.assertUnchanged(t, before)
	})
	admin := f.addMember(t, "Acme Hosting", "second@acme.example", tenantry.RoleAdmin)
	t.Run("OnlyAnOwnerMakesAnOwner", func(t *testing.T) {
		byAdmin := f.scope(t, "acme.localhost", "second@acme.example")
		wantKind(t, byAdmin.SetMemberRole(ctx, acmeID, admin.ID, tenantry.RoleOwner), tenantry.EFORBIDDEN)
		wantKind(t, byAdmin.RemoveMember(ctx, acmeID, owner.ID), tenantry.EFORBIDDEN)
		viewer := f.addMember(t, "Acme Hosting", "viewer@acme.example", tenantry.RoleViewer)
		if err := byAdmin.SetMemberRole(ctx, acmeID, viewer.ID, tenantry.RoleOps); err != nil {
			t.Errorf("an Admin changing a Viewer to Ops: %v", err)
		}
		if err := byAdmin.RemoveMember(ctx, acmeID, viewer.ID); err != nil {
			t.Errorf("an Admin removing a member: %v", err)
		}
	})
	t.Run("SecondOwnerThenDemoteFirst", func(t *testing.T) {
		if err := acme.SetMemberRole(ctx, acmeID, admin.ID, tenantry.RoleOwner); err != nil {
			t.Fatal(err)
		}
		if err := acme.SetMemberRole(ctx, acmeID, owner.ID, tenantry.RoleAdmin); err != nil {
			t.Errorf("demoting one of two Owners: %v", err)
		}
		members, err := acme.Members(ctx, acmeID)
		if err != nil {
			t.Fatal(err)
		}
		roles := map[string]tenantry.Role{}
		for _, m := range members {
			roles[m.User.Email] = m.Role
		}
		if roles["second@acme.example"] != tenantry.RoleOwner || roles["admin@acme.example"] != tenantry.RoleAdmin {
			t.Errorf("roles = %v", roles)
		}
	})
	t.Run("UnknownRoleOrMember", func(t *testing.T) {
		wantField(t, acme.SetMemberRole(ctx, acmeID, admin.ID, "Emperor"), tenantry.EINVALID, "role")
		wantKind(t, acme.RemoveMember(ctx, acmeID, "usr_nobody"), tenantry.ENOTFOUND)
	})
}

func TestActAs(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	acme := f.scope(t, "acme.localhost", "admin@acme.example")
	bakery := f.id(t, "Blue Bakery")
	_, err := acme.StartActingAs(ctx, bakery, " ")
	wantField(t, err, tenantry.EINVALID, "reason")
	if _, err := acme.StartActingAs(ctx, bakery, "ticket 4711: cannot find invoice"); err != nil {
		t.Fatal(err)
	}
	// never on itself, above or beside
	for _, name := range []string{"Acme Hosting", "Nimbus Cloud", "Orbit IT"} {
		_, err := acme.StartActingAs(ctx, f.id(t, name), "why not")
		if k := tenantry.ErrorKind(err); k != tenantry.EFORBIDDEN && k != tenantry.ENOTFOUND {
			t.Errorf("acting as %s: %v, want refused", name, err)
		}
	}
	// a Viewer lacks act_as
	f.addMember(t, "Acme Hosting", "viewer@acme.example", tenantry.RoleViewer)
	_, err = f.scope(t, "acme.localhost", "viewer@acme.example").StartActingAs(ctx, bakery, "look")
	wantKind(t, err, tenantry.EFORBIDDEN)
	// the customer's own admins see it in their log, with both identities
	owner := f.scope(t, "acme.localhost", "owner@bluebakery.example")
	page, err := owner.AuditEvents(ctx, bakery, AuditFilter{Action: "act_as"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].ActorEmail != "admin@acme.example" || page.Items[0].ActingAsID != bakery {
		t.Errorf("the customer's log = %+v, want the act-as start by Acme's admin", page.Items)
	}
	// changes made while acting record both
	if _, err := acme.ActingAs(bakery).UpdateAccount(ctx, bakery, tenantry.AccountUpdate{ContactEmail: ptr("ops@bluebakery.example")}); err != nil {
		t.Fatal(err)
	}
	page, _ = owner.AuditEvents(ctx, bakery, AuditFilter{Action: "account.update"})
	if len(page.Items) != 1 || page.Items[0].ActingAsID != bakery {
		t.Errorf("the change = %+v, want it marked as acting on behalf", page.Items)
	}
}
