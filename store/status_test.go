package store

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// state is an account's status as the suspension tests read it.
type state struct {
	Status      tenantry.AccountStatus
	Suspension  string // "", "own" or "vendor"
	SuspendedBy string // an account name, "" when not suspended
	Reason      string
}

func (f *fixture) state(t *testing.T, name string) state {
	t.Helper()
	a := f.acc(t, name)
	st := state{Status: a.Status, Suspension: a.Suspension(), Reason: a.SuspendReason}
	if a.SuspendedBy != "" {
		var by string
		if err := f.db.read.QueryRow(`SELECT name FROM accounts WHERE id = ?`, a.SuspendedBy).Scan(&by); err != nil {
			t.Fatal(err)
		}
		st.SuspendedBy = by
	}
	return st
}

func (f *fixture) wantStates(t *testing.T, want map[string]state) {
	t.Helper()
	for name, w := range want {
		if got := f.state(t, name); got != w {
			t.Errorf("%s = %+v, want %+v", name, got, w)
		}
	}
}

var (
	active = state{Status: tenantry.StatusActive}
)

func own(name, reason string) state {
	return state{Status: tenantry.StatusSuspended, Suspension: "own", SuspendedBy: name, Reason: reason}
}

func vendor(by string) state {
	return state{Status: tenantry.StatusSuspended, Suspension: "vendor", SuspendedBy: by}
}

func suspend(reason string) tenantry.AccountUpdate {
	return tenantry.AccountUpdate{Status: ptr(tenantry.StatusSuspended), SuspendReason: ptr(reason)}
}

func reactivate() tenantry.AccountUpdate {
	return tenantry.AccountUpdate{Status: ptr(tenantry.StatusActive)}
}

// update runs UpdateAccount on the named account and fails t on error.
func (f *fixture) update(t *testing.T, s *Scope, name string, in tenantry.AccountUpdate) *tenantry.Account {
	t.Helper()
	a, err := s.UpdateAccount(context.Background(), f.id(t, name), in)
	if err != nil {
		t.Fatalf("UpdateAccount(%s): %v", name, err)
	}
	return a
}

// everyoneElse is active whatever happens below Acme.
func (f *fixture) wantOthersActive(t *testing.T) {
	t.Helper()
	f.wantStates(t, map[string]state{"Nimbus Cloud": active, "Orbit IT": active, "Delta Freight": active,
		"Echo Media": active, "Harbor Health": active, "Ion Robotics": active})
}

func TestSuspension(t *testing.T) {
	ctx := context.Background()

	t.Run("CascadeAndRestore", func(t *testing.T) {
		f := newDemo(t)
		// Blue Bakery is suspended on its own first, by its vendor
		f.update(t, f.acme(t), "Blue Bakery", suspend("unpaid invoice"))
		got := f.update(t, f.provider(t), "Acme Hosting", suspend("  chargeback  "))
		if got.Status != tenantry.StatusSuspended || got.SuspendReason != "chargeback" || got.Suspension() != "own" {
			t.Errorf("UpdateAccount returned %+v, want Acme suspended on its own, reason trimmed", got)
		}
		f.wantStates(t, map[string]state{
			"Acme Hosting": own("Acme Hosting", "chargeback"),
			"Beta Resale":  vendor("Acme Hosting"),
			"Gamma Labs":   vendor("Acme Hosting"),
			"Cobalt Law":   vendor("Acme Hosting"),
			"Blue Bakery":  own("Blue Bakery", "unpaid invoice"),
		})
		f.wantOthersActive(t)

		t.Run("ReactivateVendorSuspendedIsInvalid", func(t *testing.T) {
			for _, name := range []string{"Cobalt Law", "Beta Resale", "Gamma Labs"} {
				before := f.snapshot(t)
				_, err := f.provider(t).UpdateAccount(ctx, f.id(t, name), reactivate())
				wantField(t, err, tenantry.EINVALID, "status")
				f.assertUnchanged(t, before)
			}
		})

		f.update(t, f.provider(t), "Acme Hosting", reactivate())
		f.wantStates(t, map[string]state{
			"Acme Hosting": active,
			"Beta Resale":  active,
			"Gamma Labs":   active,
			"Cobalt Law":   active,
			"Blue Bakery":  own("Blue Bakery", "unpaid invoice"),
		})
		f.wantOthersActive(t)
		f.update(t, f.acme(t), "Blue Bakery", reactivate())
		f.wantStates(t, map[string]state{"Blue Bakery": active})
	})

	t.Run("Nested", func(t *testing.T) {
		f := newDemo(t)
		f.update(t, f.acme(t), "Beta Resale", suspend("beta's own"))
		f.wantStates(t, map[string]state{"Beta Resale": own("Beta Resale", "beta's own"), "Gamma Labs": vendor("Beta Resale"),
			"Acme Hosting": active, "Blue Bakery": active})
		f.update(t, f.provider(t), "Acme Hosting", suspend("acme's"))
		f.wantStates(t, map[string]state{
			"Acme Hosting": own("Acme Hosting", "acme's"),
			"Beta Resale":  own("Beta Resale", "beta's own"),
			"Gamma Labs":   vendor("Beta Resale"),
			"Blue Bakery":  vendor("Acme Hosting"),
			"Cobalt Law":   vendor("Acme Hosting"),
		})
		f.update(t, f.provider(t), "Acme Hosting", reactivate())
		f.wantStates(t, map[string]state{
			"Acme Hosting": active,
			"Beta Resale":  own("Beta Resale", "beta's own"),
			"Gamma Labs":   vendor("Beta Resale"),
			"Blue Bakery":  active,
			"Cobalt Law":   active,
		})
		f.update(t, f.acme(t), "Beta Resale", reactivate())
		f.wantStates(t, map[string]state{"Beta Resale": active, "Gamma Labs": active})
		f.wantOthersActive(t)
	})

	// reactivating an account whose vendor is suspended too hands its
	// subtree over to the vendor's suspension
	t.Run("ReactivateBelowSuspendedVendor", func(t *testing.T) {
		f := newDemo(t)
		f.update(t, f.provider(t), "Beta Resale", suspend("beta's own"))
		f.update(t, f.provider(t), "Acme Hosting", suspend("acme's"))
		f.update(t, f.provider(t), "Beta Resale", reactivate())
		f.wantStates(t, map[string]state{
			"Acme Hosting": own("Acme Hosting", "acme's"),
			"Beta Resale":  vendor("Acme Hosting"),
			"Gamma Labs":   vendor("Acme Hosting"),
		})
		f.update(t, f.provider(t), "Acme Hosting", reactivate())
		f.wantStates(t, map[string]state{"Acme Hosting": active, "Beta Resale": active, "Gamma Labs": active})
	})

	// suspending an account that is suspended with its vendor makes the
	// suspension its own, so it outlasts the vendor's
	t.Run("SuspendVendorSuspended", func(t *testing.T) {
		f := newDemo(t)
		f.update(t, f.provider(t), "Acme Hosting", suspend("acme's"))
		got := f.update(t, f.provider(t), "Beta Resale", suspend("beta's own"))
		if got.Suspension() != "own" {
			t.Errorf("UpdateAccount returned Suspension() = %q, want own", got.Suspension())
		}
		f.wantStates(t, map[string]state{
			"Acme Hosting": own("Acme Hosting", "acme's"),
			"Beta Resale":  own("Beta Resale", "beta's own"),
			"Gamma Labs":   vendor("Beta Resale"),
		})
		if evs := auditEvents(t, f.db, "account.suspend"); len(evs) != 2 {
			t.Errorf("account.suspend events = %d, want 2", len(evs))
		}
		f.update(t, f.provider(t), "Acme Hosting", reactivate())
		f.wantStates(t, map[string]state{
			"Acme Hosting": active,
			"Beta Resale":  own("Beta Resale", "beta's own"),
			"Gamma Labs":   vendor("Beta Resale"),
			"Blue Bakery":  active,
		})
	})

	t.Run("PendingStaysPending", func(t *testing.T) {
		f := newDemo(t)
		if _, err := f.db.write.Exec(`UPDATE accounts SET status = 'pending' WHERE name = 'Cobalt Law'`); err != nil {
			t.Fatal(err)
		}
		f.update(t, f.provider(t), "Acme Hosting", suspend("acme's"))
		f.update(t, f.provider(t), "Acme Hosting", reactivate())
		f.wantStates(t, map[string]state{"Cobalt Law": {Status: tenantry.StatusPending}, "Blue Bakery": active})
	})

	refused := []struct {
		name        string
		host, email string
		account     string
		in          tenantry.AccountUpdate
		kind, field string
	}{
		{"LongReason", "portal.localhost", "admin@nimbus.example", "Acme Hosting",
			suspend(string(make([]byte, 501))), tenantry.EINVALID, "suspend_reason"},
		{"Closed", "portal.localhost", "admin@nimbus.example", "Acme Hosting",
			tenantry.AccountUpdate{Status: ptr(tenantry.StatusClosed)}, tenantry.EINVALID, "status"},
		{"Pending", "portal.localhost", "admin@nimbus.example", "Acme Hosting",
			tenantry.AccountUpdate{Status: ptr(tenantry.StatusPending)}, tenantry.EINVALID, "status"},
		{"OwnerSuspendsOwnCustomer", "acme.localhost", "owner@bluebakery.example", "Blue Bakery", suspend("bye"), tenantry.EFORBIDDEN, ""},
		{"ResellerSuspendsItself", "acme.localhost", "admin@acme.example", "Acme Hosting", suspend("bye"), tenantry.EFORBIDDEN, ""},
		{"ResellerOnPlatformSuspendsItself", "portal.localhost", "admin@acme.example", "Acme Hosting", suspend("bye"), tenantry.EFORBIDDEN, ""},
		{"ProviderSuspendsItself", "portal.localhost", "admin@nimbus.example", "Nimbus Cloud", suspend("bye"), tenantry.EFORBIDDEN, ""},
		{"SubResellerSuspendsItself", "beta.localhost", "admin@beta.example", "Beta Resale", suspend("bye"), tenantry.EFORBIDDEN, ""},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			f := newDemo(t)
			before := f.snapshot(t)
			_, err := f.scope(t, tt.host, tt.email).UpdateAccount(ctx, f.id(t, tt.account), tt.in)
			if tt.field != "" {
				wantField(t, err, tt.kind, tt.field)
			} else {
				wantKind(t, err, tt.kind)
			}
			f.assertUnchanged(t, before)
		})
	}

	t.Run("RolesWithoutVendorPermission", func(t *testing.T) {
		f := newDemo(t)
		for _, role := range []tenantry.Role{tenantry.RoleViewer, tenantry.RoleOps, tenantry.RoleBilling} {
			t.Run(string(role), func(t *testing.T) {
				u := f.addMember(t, "Acme Hosting", string(role)+"@acme.example", role)
				s := f.db.Scope(f.tenant(t, "acme.localhost"), f.actor(t, "acme.localhost", u.Email), testIP)
				before := f.snapshot(t)
				_, err := s.UpdateAccount(ctx, f.id(t, "Blue Bakery"), suspend("no"))
				wantKind(t, err, tenantry.EFORBIDDEN)
				_, err = s.UpdateAccount(ctx, f.id(t, "Blue Bakery"), tenantry.AccountUpdate{Name: ptr("Renamed")})
				wantKind(t, err, tenantry.EFORBIDDEN)
				f.assertUnchanged(t, before)
			})
		}
	})

	t.Run("ReactivateActiveIsNoChange", func(t *testing.T) {
		f := newDemo(t)
		before := f.snapshot(t)
		got, err := f.provider(t).UpdateAccount(ctx, f.id(t, "Acme Hosting"), reactivate())
		if err != nil || got.Status != tenantry.StatusActive {
			t.Errorf("UpdateAccount = %+v, %v; want the active account", got, err)
		}
		f.assertUnchanged(t, before)
	})
}

func TestUpdateAccountProfile(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		host, email string
		account     string
	}{
		{"OwnerOfItself", "acme.localhost", "owner@bluebakery.example", "Blue Bakery"},
		{"Vendor", "acme.localhost", "admin@acme.example", "Blue Bakery"},
		{"VendorsVendor", "portal.localhost", "admin@nimbus.example", "Gamma Labs"},
		{"ResellerItself", "acme.localhost", "admin@acme.example", "Acme Hosting"},
		{"ProviderItself", "portal.localhost", "admin@nimbus.example", "Nimbus Cloud"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newDemo(t)
			id := f.id(t, tt.account)
			got, err := f.scope(t, tt.host, tt.email).UpdateAccount(ctx, id,
				tenantry.AccountUpdate{Name: ptr("  New Name "), ContactEmail: ptr(" Billing@New.Example ")})
			if err != nil {
				t.Fatalf("UpdateAccount: %v", err)
			}
			if got.Name != "New Name" || got.ContactEmail != "billing@new.example" {
				t.Errorf("returned %q <%s>, want the trimmed, lower-cased input", got.Name, got.ContactEmail)
			}
			stored := f.acc(t, "New Name")
			if stored.ID != id || stored.ContactEmail != "billing@new.example" {
				t.Errorf("stored = %+v", stored)
			}
			evs := auditEvents(t, f.db, "account.update")
			if len(evs) != 1 || evs[0].ObjectID != id || evs[0].ActorEmail != tt.email || evs[0].IP != testIP {
				t.Errorf("account.update events = %+v, want one on %s by %s", evs, tt.account, tt.email)
			}
		})
	}
	t.Run("SameValuesWriteNothing", func(t *testing.T) {
		f := newDemo(t)
		a := f.acc(t, "Blue Bakery")
		before := f.snapshot(t)
		if _, err := f.acme(t).UpdateAccount(ctx, a.ID, tenantry.AccountUpdate{Name: ptr(a.Name),
			ContactEmail: ptr(a.ContactEmail)}); err != nil {
			t.Fatal(err)
		}
		f.assertUnchanged(t, before)
	})
	invalid := []struct {
		name  string
		in    tenantry.AccountUpdate
		field string
	}{
		{"EmptyName", tenantry.AccountUpdate{Name: ptr("  ")}, "name"},
		{"LongName", tenantry.AccountUpdate{Name: ptr(string(make([]byte, 201)))}, "name"},
		{"BadEmail", tenantry.AccountUpdate{ContactEmail: ptr("not-an-email")}, "contact_email"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			f := newDemo(t)
			before := f.snapshot(t)
			_, err := f.acme(t).UpdateAccount(ctx, f.id(t, "Blue Bakery"), tt.in)
			wantField(t, err, tenantry.EINVALID, tt.field)
			f.assertUnchanged(t, before)
		})
	}
	t.Run("ProfileAndStatusInOneTransaction", func(t *testing.T) {
		f := newDemo(t)
		before := f.snapshot(t)
		// the rename is allowed, the suspension is not: neither happens
		_, err := f.scope(t, "acme.localhost", "owner@bluebakery.example").UpdateAccount(ctx, f.id(t, "Blue Bakery"),
			tenantry.AccountUpdate{Name: ptr("Renamed"), Status: ptr(tenantry.StatusSuspended), SuspendReason: ptr("x")})
		wantKind(t, err, tenantry.EFORBIDDEN)
		f.assertUnchanged(t, before)
	})
}
