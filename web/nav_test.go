package web_test

import (
	"context"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// Each panel's navigation offers exactly the pages the signed-in user's
// role opens: every item shown answers 200, every item of the panel left
// out answers 403 (it is the role, not the reach, that keeps it out).

// panelNav lists every item of each panel's full menu, by data-testid
// key, with its page.
var panelNav = map[string][][2]string{
	"reseller": {
		{"dashboard", "/reseller"}, {"accounts", "/reseller/accounts"}, {"new-account", "/reseller/accounts/new"},
		{"plans", "/reseller/plans"}, {"settings", "/reseller/settings"}, {"infrastructures", "/infrastructures"},
		{"users", "/reseller/users"}, {"roles", "/reseller/roles"}, {"cost-centers", "/reseller/cost-centers"},
		{"branding", "/reseller/branding"}, {"outbox", "/reseller/outbox"}, {"audit", "/reseller/audit"},
		{"api-keys", "/reseller/api-keys"},
	},
	"app": {
		{"dashboard", "/app"}, {"infrastructures", "/app/infrastructures"}, {"cost-centers", "/app/cost-centers"},
		{"audit", "/app/audit"}, {"users", "/app/users"}, {"roles", "/app/roles"}, {"api-keys", "/app/api-keys"},
	},
	"provider": {
		{"dashboard", "/provider"}, {"accounts", "/provider/accounts"}, {"new-account", "/provider/accounts/new"},
		{"plans", "/provider/plans"}, {"metrics", "/provider/metrics"}, {"settings", "/provider/settings"},
		{"infrastructures", "/infrastructures"}, {"users", "/provider/users"}, {"roles", "/provider/roles"},
		{"cost-centers", "/provider/cost-centers"}, {"branding", "/provider/branding"},
		{"outbox", "/provider/outbox"}, {"audit", "/provider/audit"}, {"api-keys", "/provider/api-keys"},
	},
}

var navLink = regexp.MustCompile(`<a\s[^>]*>`)
var attr = regexp.MustCompile(`([a-z-]+)="([^"]*)"`)

// navItems returns the nav-… links of a page: key to href.
func navItems(body string) map[string]string {
	out := map[string]string{}
	for _, a := range navLink.FindAllString(body, -1) {
		var id, href string
		for _, m := range attr.FindAllStringSubmatch(a, -1) {
			switch m[1] {
			case "data-testid":
				id = m[2]
			case "href":
				href = m[2]
			}
		}
		if key, ok := strings.CutPrefix(id, "nav-"); ok {
			out[key] = href
		}
	}
	return out
}

func TestNavigationFollowsRole(t *testing.T) {
	f := newFixtureWithMembers(t,
		auditMember{"Acme Hosting", "nav-admin@acme.example", tenantry.RoleAdmin},
		auditMember{"Acme Hosting", "nav-ops@acme.example", tenantry.RoleOps},
		auditMember{"Acme Hosting", "nav-billing@acme.example", tenantry.RoleBilling},
		auditMember{"Acme Hosting", "nav-viewer@acme.example", tenantry.RoleViewer},
		// custom roles below: they start as Viewers
		auditMember{"Acme Hosting", "nav-auditor@acme.example", tenantry.RoleViewer},
		auditMember{"Acme Hosting", "nav-sales@acme.example", tenantry.RoleViewer},
		auditMember{"Acme Hosting", "nav-infra@acme.example", tenantry.RoleViewer},
		auditMember{"Blue Bakery", "nav-admin@bluebakery.example", tenantry.RoleAdmin},
		auditMember{"Blue Bakery", "nav-ops@bluebakery.example", tenantry.RoleOps},
		auditMember{"Blue Bakery", "nav-billing@bluebakery.example", tenantry.RoleBilling},
		auditMember{"Blue Bakery", "nav-viewer@bluebakery.example", tenantry.RoleViewer},
		auditMember{"Blue Bakery", "nav-infra@bluebakery.example", tenantry.RoleViewer},
		auditMember{"Blue Bakery", "nav-service@bluebakery.example", tenantry.RoleService},
		auditMember{"Nimbus Cloud", "nav-ops@nimbus.example", tenantry.RoleOps},
		auditMember{"Nimbus Cloud", "nav-billing@nimbus.example", tenantry.RoleBilling},
		auditMember{"Nimbus Cloud", "nav-viewer@nimbus.example", tenantry.RoleViewer},
	)
	// custom roles without account.view: the pages that read the account
	// are closed to them, so their menus must leave those out as well
	customRole(t, f, "acme.localhost", "admin@acme.example", "Acme Hosting", "nav-auditor@acme.example", "Auditor",
		tenantry.PermAuditView, tenantry.PermInfraView)
	customRole(t, f, "acme.localhost", "admin@acme.example", "Acme Hosting", "nav-sales@acme.example", "Sales",
		tenantry.PermAccountView, tenantry.PermCustomersManage)
	customRole(t, f, "acme.localhost", "admin@acme.example", "Acme Hosting", "nav-infra@acme.example", "Infra only",
		tenantry.PermInfraView, tenantry.PermInfraManage)
	customRole(t, f, "acme.localhost", "owner@bluebakery.example", "Blue Bakery", "nav-infra@bluebakery.example", "Infra only",
		tenantry.PermInfraView, tenantry.PermInfraManage)

	// what every role of the panel sees, and what each role adds
	resellerAll := []string{"dashboard", "accounts", "plans", "settings", "infrastructures", "users", "roles", "branding"}
	appAll := []string{"dashboard", "users", "roles"}
	providerAll := []string{"dashboard", "accounts", "plans", "metrics", "settings", "infrastructures", "users", "roles", "branding"}
	with := func(base []string, more ...string) []string { return append(slices.Clone(base), more...) }

	tests := []struct {
		name, host, email, panel string
		// page renders the menu; it must answer 200 to this user
		page string
		want []string
	}{
		{"Acme/Owner", "acme.localhost", "admin@acme.example", "reseller", "/reseller", with(resellerAll, "new-account", "cost-centers", "outbox", "audit", "api-keys")},
		{"Acme/Admin", "acme.localhost", "nav-admin@acme.example", "reseller", "/reseller", with(resellerAll, "new-account", "cost-centers", "outbox", "audit", "api-keys")},
		{"Acme/Ops", "acme.localhost", "nav-ops@acme.example", "reseller", "/reseller", with(resellerAll, "cost-centers")},
		{"Acme/Billing", "acme.localhost", "nav-billing@acme.example", "reseller", "/reseller", resellerAll},
		{"Acme/Viewer", "acme.localhost", "nav-viewer@acme.example", "reseller", "/reseller", with(resellerAll, "cost-centers", "audit")},
		// audit.view without account.view opens no audit log: the page
		// reads the account first
		{"Acme/Auditor", "acme.localhost", "nav-auditor@acme.example", "reseller", "/infrastructures", []string{"infrastructures"}},
		{"Acme/Sales", "acme.localhost", "nav-sales@acme.example", "reseller", "/reseller", with(resellerAll, "new-account")},
		{"Acme/InfraOnly", "acme.localhost", "nav-infra@acme.example", "reseller", "/infrastructures", []string{"infrastructures"}},
		{"BlueBakery/Owner", "acme.localhost", "owner@bluebakery.example", "app", "/app", with(appAll, "infrastructures", "cost-centers", "audit", "api-keys")},
		{"BlueBakery/Admin", "acme.localhost", "nav-admin@bluebakery.example", "app", "/app", with(appAll, "infrastructures", "cost-centers", "audit", "api-keys")},
		{"BlueBakery/Ops", "acme.localhost", "nav-ops@bluebakery.example", "app", "/app", with(appAll, "infrastructures", "cost-centers")},
		{"BlueBakery/Billing", "acme.localhost", "nav-billing@bluebakery.example", "app", "/app", appAll},
		{"BlueBakery/Viewer", "acme.localhost", "nav-viewer@bluebakery.example", "app", "/app", with(appAll, "infrastructures", "cost-centers", "audit")},
		{"BlueBakery/InfraOnly", "acme.localhost", "nav-infra@bluebakery.example", "app", "/app", []string{"dashboard", "infrastructures", "cost-centers"}},
		// a service user's dashboard shows what is assigned to them; the
		// rest of the panel is the staff's
		{"BlueBakery/ServiceUser", "acme.localhost", "nav-service@bluebakery.example", "app", "/app", []string{"dashboard"}},
		{"Nimbus/Owner", "portal.localhost", "admin@nimbus.example", "provider", "/provider",
			with(providerAll, "new-account", "cost-centers", "outbox", "audit", "api-keys")},
		{"Nimbus/Ops", "portal.localhost", "nav-ops@nimbus.example", "provider", "/provider", with(providerAll, "cost-centers")},
		{"Nimbus/Billing", "portal.localhost", "nav-billing@nimbus.example", "provider", "/provider", providerAll},
		{"Nimbus/Viewer", "portal.localhost", "nav-viewer@nimbus.example", "provider", "/provider", with(providerAll, "cost-centers", "audit")},
		// the other tenant: Orbit's Owner sees its whole panel on its domain
		{"Orbit/Owner", "orbit.localhost", "admin@orbit.example", "reseller", "/reseller", with(resellerAll, "new-account", "cost-centers", "outbox", "audit", "api-keys")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser(tt.host)
			b.login(tt.email)
			r := b.get(tt.page)
			if r.Code != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200", tt.page, r.Code)
			}
			got := navItems(r.body)
			var keys []string
			for _, item := range panelNav[tt.panel] {
				if _, ok := got[item[0]]; ok {
					keys = append(keys, item[0])
				}
			}
			want := slices.Clone(tt.want)
			slices.SortFunc(want, func(a, b string) int { return navIndex(tt.panel, a) - navIndex(tt.panel, b) })
			if !slices.Equal(keys, want) || len(got) != len(keys) {
				t.Errorf("nav = %v, want %v", keys, want)
			}
			for _, item := range panelNav[tt.panel] {
				key, href := item[0], item[1]
				status := b.get(href).Code
				if shown, ok := got[key]; ok {
					if shown != href {
						t.Errorf("nav-%s links to %q, want %q", key, shown, href)
					}
					if status != http.StatusOK {
						t.Errorf("nav-%s is shown but GET %s = %d, want 200", key, href, status)
					}
				} else if status != http.StatusForbidden {
					t.Errorf("nav-%s is left out but GET %s = %d, want 403", key, href, status)
				}
			}
			// pages outside the panel's routes frame the same panel with
			// the same menu
			for _, page := range []string{"/profile", "/infrastructures"} {
				other := b.get(page)
				if other.Code != http.StatusOK {
					t.Fatalf("GET %s = %d, want 200", page, other.Code)
				}
				if o := navItems(other.body); !maps.Equal(o, got) {
					t.Errorf("nav on %s = %v, want %v as on %s", page, o, got, tt.page)
				}
			}
		})
	}
}

func navIndex(panel, key string) int {
	return slices.IndexFunc(panelNav[panel], func(item [2]string) bool { return item[0] == key })
}

// customRole defines a custom role on account as its owner (ownerEmail on
// host) and gives it to the member.
func customRole(t *testing.T, f *fixture, host, ownerEmail, account, member, name string, perms ...tenantry.Permission) {
	t.Helper()
	ctx := context.Background()
	sc := f.scope(host, ownerEmail)
	in := tenantry.RoleInput{Name: name}
	for _, p := range perms {
		in.Permissions = append(in.Permissions, string(p))
	}
	id := f.accountID(account)
	role, err := sc.CreateRole(ctx, id, in)
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.db.UserByEmail(ctx, member)
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.SetMemberRole(ctx, id, u.ID, tenantry.Role(role.ID)); err != nil {
		t.Fatal(err)
	}
}
