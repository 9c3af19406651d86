package store

import (
	"context"
	"slices"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

func names(items []tenantry.Account) []string {
	out := make([]string, len(items))
	for i, a := range items {
		out[i] = a.Name
	}
	return out
}

// demoTreeOrder is the whole demo platform in tree order: ids sort by
// creation time, so siblings list in the order LoadDemo created them.
var demoTreeOrder = []string{"Nimbus Cloud", "Acme Hosting", "Beta Resale", "Gamma Labs", "Blue Bakery",
	"Cobalt Law", "Orbit IT", "Delta Freight", "Echo Media", "Harbor Health", "Ion Robotics"}

func TestAccounts(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	// one suspended customer, for the status filter
	if _, err := f.acme(t).UpdateAccount(ctx, f.id(t, "Cobalt Law"),
		tenantry.AccountUpdate{Status: ptr(tenantry.StatusSuspended), SuspendReason: ptr("unpaid")}); err != nil {
		t.Fatal(err)
	}

	t.Run("TreeOrder", func(t *testing.T) {
		p, err := f.provider(t).Accounts(ctx, AccountFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(p.Items); !slices.Equal(got, demoTreeOrder) {
			t.Errorf("Accounts() = %q, want %q", got, demoTreeOrder)
		}
		if p.Total != len(demoTreeOrder) || p.NextCursor != "" {
			t.Errorf("Total, NextCursor = %d, %q; want %d, \"\"", p.Total, p.NextCursor, len(demoTreeOrder))
		}
		for i := 1; i < len(p.Items); i++ {
			if p.Items[i-1].Path >= p.Items[i].Path {
				t.Errorf("%s listed before %s: paths out of order", p.Items[i-1].Name, p.Items[i].Name)
			}
		}
	})

	tests := []struct {
		name        string
		host, email string
		filter      func() AccountFilter
		want        []string
	}{
		{"AcmeOnAcme", "acme.localhost", "admin@acme.example", func() AccountFilter { return AccountFilter{} },
			[]string{"Acme Hosting", "Beta Resale", "Gamma Labs", "Blue Bakery", "Cobalt Law"}},
		{"AcmeOnPlatform", "portal.localhost", "admin@acme.example", func() AccountFilter { return AccountFilter{} },
			[]string{"Acme Hosting", "Beta Resale", "Gamma Labs", "Blue Bakery", "Cobalt Law"}},
		{"BetaOnAcme", "acme.localhost", "admin@beta.example", func() AccountFilter { return AccountFilter{} },
			[]string{"Beta Resale", "Gamma Labs"}},
		{"OrbitOnOrbit", "orbit.localhost", "admin@orbit.example", func() AccountFilter { return AccountFilter{} },
			[]string{"Orbit IT", "Delta Freight", "Echo Media"}},
		{"CustomerSeesItself", "acme.localhost", "owner@bluebakery.example", func() AccountFilter { return AccountFilter{} },
			[]string{"Blue Bakery"}},
		{"NoGrantsSeeNothing", "orbit.localhost", "admin@acme.example", func() AccountFilter { return AccountFilter{} }, nil},
		{"KindCustomer", "portal.localhost", "admin@nimbus.example",
			func() AccountFilter { return AccountFilter{Kind: tenantry.KindCustomer} },
			[]string{"Gamma Labs", "Blue Bakery", "Cobalt Law", "Delta Freight", "Echo Media", "Harbor Health", "Ion Robotics"}},
		{"KindReseller", "portal.localhost", "admin@nimbus.example",
			func() AccountFilter { return AccountFilter{Kind: tenantry.KindReseller} },
			[]string{"Acme Hosting", "Beta Resale", "Orbit IT"}},
		{"KindResellerOnAcme", "acme.localhost", "admin@acme.example",
			func() AccountFilter { return AccountFilter{Kind: tenantry.KindReseller} },
			[]string{"Acme Hosting", "Beta Resale"}},
		{"StatusSuspended", "portal.localhost", "admin@nimbus.example",
			func() AccountFilter { return AccountFilter{Status: tenantry.StatusSuspended} }, []string{"Cobalt Law"}},
		{"StatusActiveOnAcme", "acme.localhost", "admin@acme.example",
			func() AccountFilter { return AccountFilter{Status: tenantry.StatusActive} },
			[]string{"Acme Hosting", "Beta Resale", "Gamma Labs", "Blue Bakery"}},
		{"StatusPending", "portal.localhost", "admin@nimbus.example",
			func() AccountFilter { return AccountFilter{Status: tenantry.StatusPending} }, nil},
		{"QName", "portal.localhost", "admin@nimbus.example", func() AccountFilter { return AccountFilter{Q: "bakery"} },
			[]string{"Blue Bakery"}},
		{"QNameAnyCase", "portal.localhost", "admin@nimbus.example", func() AccountFilter { return AccountFilter{Q: " BAKERY "} },
			[]string{"Blue Bakery"}},
		{"QEmail", "portal.localhost", "admin@nimbus.example", func() AccountFilter { return AccountFilter{Q: "cobaltlaw.example"} },
			[]string{"Cobalt Law"}},
		{"QEmailAnyCase", "portal.localhost", "admin@nimbus.example", func() AccountFilter { return AccountFilter{Q: "CobaltLaw"} },
			[]string{"Cobalt Law"}},
		{"QSeveral", "portal.localhost", "admin@nimbus.example", func() AccountFilter { return AccountFilter{Q: "owner@"} },
			[]string{"Gamma Labs", "Blue Bakery", "Cobalt Law", "Delta Freight", "Echo Media", "Harbor Health", "Ion Robotics"}},
		{"QBoundedByTenant", "orbit.localhost", "admin@orbit.example", func() AccountFilter { return AccountFilter{Q: "bakery"} }, nil},
		{"QNoMatch", "portal.localhost", "admin@nimbus.example", func() AccountFilter { return AccountFilter{Q: "zzz"} }, nil},
		{"QIsNotAPattern", "portal.localhost", "admin@nimbus.example", func() AccountFilter { return AccountFilter{Q: "%"} }, nil},
		{"ParentID", "portal.localhost", "admin@nimbus.example",
			func() AccountFilter { return AccountFilter{ParentID: f.id(t, "Acme Hosting")} },
			[]string{"Beta Resale", "Blue Bakery", "Cobalt Law"}},
		{"ParentIDProvider", "portal.localhost", "admin@nimbus.example",
			func() AccountFilter { return AccountFilter{ParentID: f.id(t, "Nimbus Cloud")} },
			[]string{"Acme Hosting", "Orbit IT", "Harbor Health", "Ion Robotics"}},
		{"ParentIDCustomer", "portal.localhost", "admin@nimbus.example",
			func() AccountFilter { return AccountFilter{ParentID: f.id(t, "Blue Bakery")} }, nil},
		{"Under", "portal.localhost", "admin@nimbus.example",
			func() AccountFilter { return AccountFilter{Under: f.id(t, "Acme Hosting")} },
			[]string{"Beta Resale", "Gamma Labs", "Blue Bakery", "Cobalt Law"}},
		{"UnderOnAcme", "acme.localhost", "admin@acme.example",
			func() AccountFilter { return AccountFilter{Under: f.id(t, "Beta Resale")} }, []string{"Gamma Labs"}},
		{"UnderAndKind", "portal.localhost", "admin@nimbus.example",
			func() AccountFilter {
				return AccountFilter{Under: f.id(t, "Acme Hosting"), Kind: tenantry.KindCustomer}
			},
			[]string{"Gamma Labs", "Blue Bakery", "Cobalt Law"}},
		{"ParentAndStatus", "portal.localhost", "admin@nimbus.example",
			func() AccountFilter {
				return AccountFilter{ParentID: f.id(t, "Acme Hosting"), Status: tenantry.StatusActive}
			}, []string{"Beta Resale", "Blue Bakery"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := f.scope(t, tt.host, tt.email).Accounts(ctx, tt.filter())
			if err != nil {
				t.Fatal(err)
			}
			if got := names(p.Items); !slices.Equal(got, tt.want) {
				t.Errorf("Accounts() = %q, want %q", got, tt.want)
			}
			if p.Total != len(tt.want) {
				t.Errorf("Total = %d, want %d", p.Total, len(tt.want))
			}
		})
	}

	t.Run("ErrNotFound", func(t *testing.T) {
		acme := f.acme(t)
		for _, filter := range []AccountFilter{
			{ParentID: f.id(t, "Nimbus Cloud")},
			{Under: f.id(t, "Nimbus Cloud")},
			{ParentID: f.id(t, "Orbit IT")},
			{Under: "acc_nosuchaccount"},
		} {
			_, err := acme.Accounts(ctx, filter)
			wantKind(t, err, tenantry.ENOTFOUND)
		}
	})

	t.Run("Paging", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			limit  int
			filter AccountFilter
			want   []string
		}{
			{"All", 2, AccountFilter{}, demoTreeOrder},
			{"One", 1, AccountFilter{}, demoTreeOrder},
			{"Exact", 11, AccountFilter{}, demoTreeOrder},
			{"Customers", 3, AccountFilter{Kind: tenantry.KindCustomer},
				[]string{"Gamma Labs", "Blue Bakery", "Cobalt Law", "Delta Freight", "Echo Media", "Harbor Health", "Ion Robotics"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				s := f.provider(t)
				seen := map[string]int{}
				var got []string
				filter := tt.filter
				filter.Limit = tt.limit
				for pages := 0; ; pages++ {
					if pages > len(tt.want) {
						t.Fatal("paging does not end")
					}
					p, err := s.Accounts(ctx, filter)
					if err != nil {
						t.Fatal(err)
					}
					if len(p.Items) > tt.limit {
						t.Errorf("page has %d items, want at most %d", len(p.Items), tt.limit)
					}
					if p.Total != len(tt.want) {
						t.Errorf("page %d Total = %d, want %d", pages, p.Total, len(tt.want))
					}
					for _, a := range p.Items {
						seen[a.ID]++
						got = append(got, a.Name)
					}
					if p.NextCursor == "" {
						break
					}
					if len(p.Items) != tt.limit {
						t.Errorf("a page with %d items has a next cursor, want full pages before the last", len(p.Items))
					}
					filter.Cursor = p.NextCursor
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("pages = %q, want %q", got, tt.want)
				}
				for id, n := range seen {
					if n != 1 {
						t.Errorf("%s seen %d times, want once", id, n)
					}
				}
			})
		}
	})

	t.Run("BadCursor", func(t *testing.T) {
		for _, cursor := range []string{"!!!", "not base64?", "%%"} {
			_, err := f.provider(t).Accounts(ctx, AccountFilter{Cursor: cursor})
			wantField(t, err, tenantry.EINVALID, "cursor")
		}
	})
}

func TestStats(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	tests := []struct {
		account string
		want    AccountStats
	}{
		// Blue Bakery has its Owner and a service user; the delegate of
		// Delta Freight's fleet-tracker is no member anywhere
		// direct counts only what the account is the vendor of (issue 10
		// item 14): Acme's third customer, Gamma Labs, is Beta's
		{"Nimbus Cloud", AccountStats{Resellers: 3, Customers: 7, DirectResellers: 2, DirectCustomers: 2, Users: 12, Staff: 1}},
		{"Acme Hosting", AccountStats{Resellers: 1, Customers: 3, DirectResellers: 1, DirectCustomers: 2, Users: 6, Staff: 1}},
		{"Beta Resale", AccountStats{Resellers: 0, Customers: 1, DirectCustomers: 1, Users: 2, Staff: 1}},
		{"Blue Bakery", AccountStats{Resellers: 0, Customers: 0, Users: 2, Staff: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.account, func(t *testing.T) {
			got, err := f.provider(t).Stats(ctx, f.id(t, tt.account))
			if err != nil {
				t.Fatal(err)
			}
			if *got != tt.want {
				t.Errorf("Stats(%s) = %+v, want %+v", tt.account, *got, tt.want)
			}
		})
	}
	t.Run("SharedUserCountedOnce", func(t *testing.T) {
		if err := f.db.inTx(ctx, func(tx *tx) error {
			return insertMembership(ctx, tx, f.id(t, "Blue Bakery"), f.user(t, "admin@acme.example").ID, tenantry.RoleViewer)
		}); err != nil {
			t.Fatal(err)
		}
		got, err := f.acme(t).Stats(ctx, f.id(t, "Acme Hosting"))
		if err != nil {
			t.Fatal(err)
		}
		if got.Users != 6 {
			t.Errorf("Users = %d, want 6 (one person, two memberships)", got.Users)
		}
	})
}

func TestMembers(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	f.addMember(t, "Acme Hosting", "viewer@acme.example", tenantry.RoleViewer)
	got, err := f.acme(t).Members(ctx, f.id(t, "Acme Hosting"))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		email string
		role  tenantry.Role
	}
	var rows []row
	for _, m := range got {
		rows = append(rows, row{m.User.Email, m.Role})
		if m.User.PasswordHash != "" {
			t.Errorf("member %s carries a password hash, want it blanked", m.User.Email)
		}
	}
	want := []row{{"admin@acme.example", tenantry.RoleOwner}, {"viewer@acme.example", tenantry.RoleViewer}}
	if !slices.Equal(rows, want) {
		t.Errorf("Members = %+v, want %+v", rows, want)
	}
	t.Run("NoMembers", func(t *testing.T) {
		c, err := f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Empty Co"}, testLinks)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.acme(t).Members(ctx, c.Account.ID)
		if err != nil || len(got) != 0 {
			t.Errorf("Members = %+v, %v; want none", got, err)
		}
	})
	t.Run("VendorSeesCustomerMembers", func(t *testing.T) {
		got, err := f.acme(t).Members(ctx, f.id(t, "Gamma Labs"))
		if err != nil || len(got) != 1 || got[0].User.Email != "owner@gamma.example" {
			t.Errorf("Members(Gamma) = %+v, %v; want its owner", got, err)
		}
	})
}

func TestAddDomain(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	orbit := f.id(t, "Orbit IT")

	t.Run("Added", func(t *testing.T) {
		if err := f.provider(t).AddDomain(ctx, orbit, "Panel.Orbit.Example."); err != nil {
			t.Fatalf("AddDomain: %v", err)
		}
		tn, err := f.db.TenantByHost(ctx, "panel.orbit.example")
		if err != nil || tn.Account.ID != orbit {
			t.Fatalf("TenantByHost(new domain) = %v, %v; want Orbit", tn, err)
		}
		// the new domain serves Orbit's staff and customers like the old one
		if a := f.actor(t, "panel.orbit.example", "owner@delta.example"); len(a.Grants) != 1 {
			t.Errorf("Delta's owner on Orbit's new domain has %d grants, want 1", len(a.Grants))
		}
		evs := auditEvents(t, f.db, "domain.create")
		last := evs[len(evs)-1]
		if last.ObjectID != "panel.orbit.example" || last.AccountID != orbit || last.IP != testIP {
			t.Errorf("last domain.create = %+v, want the new domain on Orbit", last)
		}
	})
	t.Run("SubReseller", func(t *testing.T) {
		if err := f.acme(t).AddDomain(ctx, f.id(t, "Beta Resale"), "panel.beta.example"); err != nil {
			t.Errorf("Acme's admin adding a domain to its sub-reseller: %v", err)
		}
	})
	refused := []struct {
		name        string
		host, email string
		account     string
		fqdn        string
		kind, field string
	}{
		{"Taken", "portal.localhost", "admin@nimbus.example", "Orbit IT", "acme.localhost", tenantry.ECONFLICT, "fqdn"},
		{"TakenPlatform", "portal.localhost", "admin@nimbus.example", "Orbit IT", "PORTAL.localhost", tenantry.ECONFLICT, "fqdn"},
		{"Invalid", "portal.localhost", "admin@nimbus.example", "Orbit IT", "https://orbit.example", tenantry.EINVALID, "fqdn"},
		{"SingleLabel", "portal.localhost", "admin@nimbus.example", "Orbit IT", "orbit", tenantry.EINVALID, "fqdn"},
		{"Customer", "portal.localhost", "admin@nimbus.example", "Harbor Health", "harbor.example", tenantry.EINVALID, "fqdn"},
		{"OwnAccountForbidden", "orbit.localhost", "admin@orbit.example", "Orbit IT", "mine.example", tenantry.EFORBIDDEN, ""},
		{"ProviderForbidden", "portal.localhost", "admin@nimbus.example", "Nimbus Cloud", "more.example", tenantry.EFORBIDDEN, ""},
		{"CustomerOwnerForbidden", "orbit.localhost", "owner@delta.example", "Delta Freight", "delta.example", tenantry.EFORBIDDEN, ""},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			before := f.snapshot(t)
			err := f.scope(t, tt.host, tt.email).AddDomain(ctx, f.id(t, tt.account), tt.fqdn)
			if tt.field != "" {
				wantField(t, err, tt.kind, tt.field)
			} else {
				wantKind(t, err, tt.kind)
			}
			f.assertUnchanged(t, before)
		})
	}
	t.Run("TakenCode", func(t *testing.T) {
		err := f.provider(t).AddDomain(ctx, orbit, "beta.localhost")
		if e := tenantry.AsError(err); e == nil || e.Code != "domain_taken" {
			t.Errorf("error = %v, want code domain_taken", err)
		}
	})
}
