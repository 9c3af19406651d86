package tenantry_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// tree is a small hand-built sales chain:
//
//	provider
//	├── reseller
//	│   └── customer
//	└── sibling (another reseller)
type tree struct {
	provider, reseller, customer, sibling tenantry.Account
}

func newTree() tree {
	acc := func(id string, kind tenantry.AccountKind, parent *tenantry.Account) tenantry.Account {
		a := tenantry.Account{ID: id, Kind: kind, Path: "/" + id + "/", Status: tenantry.StatusActive}
		if parent != nil {
			a.ParentID, a.Path, a.Depth = parent.ID, parent.ChildPath(id), parent.Depth+1
		}
		return a
	}
	var tr tree
	tr.provider = acc("acc_p", tenantry.KindProvider, nil)
	tr.reseller = acc("acc_r", tenantry.KindReseller, &tr.provider)
	tr.customer = acc("acc_c", tenantry.KindCustomer, &tr.reseller)
	tr.sibling = acc("acc_s", tenantry.KindReseller, &tr.provider)
	return tr
}

func actorWith(grants ...tenantry.Grant) *tenantry.Actor {
	return &tenantry.Actor{User: tenantry.User{ID: "usr_1", Email: "u@example.test"}, Grants: grants}
}

// rolePerms is written out here on purpose, not derived from Role.Can:
// changing what a built-in role may do must change this test too.
var rolePerms = map[tenantry.Role]string{
	tenantry.RoleOwner: "account.view account.manage users.manage roles.manage customers.manage resellers.manage " +
		"plans.manage branding.manage infra.view infra.manage billing.view billing.manage reports.view audit.view act_as",
	tenantry.RoleAdmin: "account.view account.manage users.manage roles.manage customers.manage resellers.manage " +
		"plans.manage branding.manage infra.view infra.manage billing.view billing.manage reports.view audit.view act_as",
	tenantry.RoleOps:     "account.view infra.view infra.manage reports.view",
	tenantry.RoleBilling: "account.view billing.view billing.manage reports.view plans.manage",
	tenantry.RoleViewer:  "account.view infra.view billing.view reports.view audit.view",
}

var vendorPerms = map[tenantry.Permission]bool{
	tenantry.PermCustomersManage: true, tenantry.PermResellersManage: true, tenantry.PermActAs: true,
}

func roleHas(r tenantry.Role, p tenantry.Permission) bool {
	return strings.Contains(" "+rolePerms[r]+" ", " "+string(p)+" ")
}

// kindOf returns "" for nil and the error's kind otherwise.
func kindOf(err error) string {
	if err == nil {
		return ""
	}
	return tenantry.ErrorKind(err)
}

func TestRoles(t *testing.T) {
	if got, want := len(tenantry.BuiltinRoles), len(rolePerms); got != want {
		t.Fatalf("len(BuiltinRoles) = %d, want %d", got, want)
	}
	for _, r := range tenantry.BuiltinRoles {
		if !r.Valid() {
			t.Errorf("%s.Valid() = false, want true", r)
		}
		for _, p := range tenantry.AllPermissions {
			if got, want := r.Can(p), roleHas(r, p); got != want {
				t.Errorf("%s.Can(%s) = %v, want %v", r, p, got, want)
			}
		}
	}
	for _, r := range []tenantry.Role{"", "owner", "Root"} {
		if r.Valid() {
			t.Errorf("Role(%q).Valid() = true, want false", r)
		}
		if r.Can(tenantry.PermAccountView) {
			t.Errorf("Role(%q).Can(account.view) = true, want false", r)
		}
	}
}

func TestAuthorize(t *testing.T) {
	tr := newTree()
	// the actor holds one grant, on the reseller; targets sit around it
	targets := []struct {
		name   string
		target *tenantry.Account
		// want returns the expected error kind ("" for nil).
		want func(tenantry.Role, tenantry.Permission) string
	}{
		{"Own", &tr.reseller, func(r tenantry.Role, p tenantry.Permission) string {
			if vendorPerms[p] || !roleHas(r, p) {
				return tenantry.EFORBIDDEN
			}
			return ""
		}},
		{"Below", &tr.customer, func(r tenantry.Role, p tenantry.Permission) string {
			if !roleHas(r, p) {
				return tenantry.EFORBIDDEN
			}
			return ""
		}},
		{"Above", &tr.provider, func(tenantry.Role, tenantry.Permission) string { return tenantry.ENOTFOUND }},
		{"Sibling", &tr.sibling, func(tenantry.Role, tenantry.Permission) string { return tenantry.ENOTFOUND }},
	}
	for _, role := range tenantry.BuiltinRoles {
		actor := actorWith(tenantry.Grant{Account: tr.reseller, Role: role, Via: "member"})
		for _, tg := range targets {
			for _, p := range tenantry.AllPermissions {
				t.Run(fmt.Sprintf("%s/%s/%s", role, tg.name, p), func(t *testing.T) {
					err := tenantry.Authorize(actor, p, tg.target)
					if got, want := kindOf(err), tg.want(role, p); got != want {
						t.Errorf("Authorize(%s on reseller, %s, %s) = %q, want %q", role, p, tg.name, got, want)
					}
				})
			}
		}
	}
}

func TestAuthorizeVendorPermissionsNeverOnOwnAccount(t *testing.T) {
	tr := newTree()
	for _, a := range []tenantry.Account{tr.provider, tr.reseller, tr.customer, tr.sibling} {
		for _, role := range tenantry.BuiltinRoles {
			actor := actorWith(tenantry.Grant{Account: a, Role: role})
			for p := range vendorPerms {
				t.Run(fmt.Sprintf("%s/%s/%s", a.ID, role, p), func(t *testing.T) {
					err := tenantry.Authorize(actor, p, &a)
					if got, want := kindOf(err), tenantry.EFORBIDDEN; got != want {
						t.Errorf("Authorize(%s on %s, %s, itself) = %q, want %q", role, a.ID, p, got, want)
					}
				})
			}
		}
	}
}

func TestAuthorizeEdges(t *testing.T) {
	tr := newTree()
	tests := []struct {
		name   string
		actor  *tenantry.Actor
		perm   tenantry.Permission
		target *tenantry.Account
		want   string
	}{
		{"NilActorIsErrNotFound", nil, tenantry.PermAccountView, &tr.customer, tenantry.ENOTFOUND},
		{"NoGrantsIsErrNotFound", actorWith(), tenantry.PermAccountView, &tr.customer, tenantry.ENOTFOUND},
		{"ProviderAdminReachesAll", actorWith(tenantry.Grant{Account: tr.provider, Role: tenantry.RoleAdmin}),
			tenantry.PermCustomersManage, &tr.customer, ""},
		{"ProviderAdminManagesSibling", actorWith(tenantry.Grant{Account: tr.provider, Role: tenantry.RoleAdmin}),
			tenantry.PermResellersManage, &tr.sibling, ""},
		{"ProviderCannotManageItself", actorWith(tenantry.Grant{Account: tr.provider, Role: tenantry.RoleOwner}),
			tenantry.PermResellersManage, &tr.provider, tenantry.EFORBIDDEN},
		{"CustomerOwnerManagesOwnProfile", actorWith(tenantry.Grant{Account: tr.customer, Role: tenantry.RoleOwner}),
			tenantry.PermAccountManage, &tr.customer, ""},
		{"CustomerOwnerCannotSuspendItself", actorWith(tenantry.Grant{Account: tr.customer, Role: tenantry.RoleOwner}),
			tenantry.PermCustomersManage, &tr.customer, tenantry.EFORBIDDEN},
		{"CustomerOwnerDoesNotSeeVendor", actorWith(tenantry.Grant{Account: tr.customer, Role: tenantry.RoleOwner}),
			tenantry.PermAccountView, &tr.reseller, tenantry.ENOTFOUND},
		{"TwoGrantsSeeBoth", actorWith(tenantry.Grant{Account: tr.reseller, Role: tenantry.RoleViewer},
			tenantry.Grant{Account: tr.sibling, Role: tenantry.RoleViewer}), tenantry.PermAccountView, &tr.sibling, ""},
		// grants add up: a weaker grant nearer the target takes nothing
		// away from a stronger one above it
		{"GrantsAddUp", actorWith(tenantry.Grant{Account: tr.provider, Role: tenantry.RoleAdmin},
			tenantry.Grant{Account: tr.reseller, Role: tenantry.RoleViewer}), tenantry.PermCustomersManage, &tr.customer, ""},
		{"GrantsAddUpOrderIndependent", actorWith(tenantry.Grant{Account: tr.reseller, Role: tenantry.RoleViewer},
			tenantry.Grant{Account: tr.provider, Role: tenantry.RoleAdmin}), tenantry.PermCustomersManage, &tr.customer, ""},
		{"WeakGrantsStayWeak", actorWith(tenantry.Grant{Account: tr.reseller, Role: tenantry.RoleViewer},
			tenantry.Grant{Account: tr.customer, Role: tenantry.RoleOps}), tenantry.PermAccountManage, &tr.customer, tenantry.EFORBIDDEN},
		// on the reseller itself the vendor permission comes from the
		// provider grant, the only one strictly above it
		{"VendorPermFromGrantAbove", actorWith(tenantry.Grant{Account: tr.provider, Role: tenantry.RoleAdmin},
			tenantry.Grant{Account: tr.reseller, Role: tenantry.RoleViewer}), tenantry.PermResellersManage, &tr.reseller, ""},
		{"VendorPermNotFromOwnGrant", actorWith(tenantry.Grant{Account: tr.reseller, Role: tenantry.RoleOwner}),
			tenantry.PermResellersManage, &tr.reseller, tenantry.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tenantry.Authorize(tt.actor, tt.perm, tt.target)
			if got := kindOf(err); got != tt.want {
				t.Errorf("Authorize(%s, %s) = %v, want kind %q", tt.perm, tt.target.ID, err, tt.want)
			}
		})
	}
}

func TestAuthorizeCreate(t *testing.T) {
	tr := newTree()
	grant := func(a tenantry.Account, r tenantry.Role) *tenantry.Actor {
		return actorWith(tenantry.Grant{Account: a, Role: r})
	}
	tests := []struct {
		name   string
		actor  *tenantry.Actor
		kind   tenantry.AccountKind
		parent *tenantry.Account
		want   string
	}{
		{"OwnerCustomerBelowOwn", grant(tr.reseller, tenantry.RoleOwner), tenantry.KindCustomer, &tr.reseller, ""},
		{"AdminResellerBelowOwn", grant(tr.reseller, tenantry.RoleAdmin), tenantry.KindReseller, &tr.reseller, ""},
		{"ProviderAdminBelowReseller", grant(tr.provider, tenantry.RoleAdmin), tenantry.KindCustomer, &tr.reseller, ""},
		{"OpsForbidden", grant(tr.reseller, tenantry.RoleOps), tenantry.KindCustomer, &tr.reseller, tenantry.EFORBIDDEN},
		{"BillingForbidden", grant(tr.reseller, tenantry.RoleBilling), tenantry.KindCustomer, &tr.reseller, tenantry.EFORBIDDEN},
		{"ViewerForbidden", grant(tr.reseller, tenantry.RoleViewer), tenantry.KindCustomer, &tr.reseller, tenantry.EFORBIDDEN},
		{"ViewerResellerForbidden", grant(tr.reseller, tenantry.RoleViewer), tenantry.KindReseller, &tr.reseller, tenantry.EFORBIDDEN},
		{"ParentAboveErrNotFound", grant(tr.reseller, tenantry.RoleOwner), tenantry.KindCustomer, &tr.provider, tenantry.ENOTFOUND},
		{"ParentSiblingErrNotFound", grant(tr.reseller, tenantry.RoleOwner), tenantry.KindCustomer, &tr.sibling, tenantry.ENOTFOUND},
		{"NilActorErrNotFound", nil, tenantry.KindCustomer, &tr.reseller, tenantry.ENOTFOUND},
		// AuthorizeCreate only asks about permissions: that a customer
		// cannot have accounts below it is the store's rule
		{"BelowCustomerIsAStoreRule", grant(tr.customer, tenantry.RoleOwner), tenantry.KindCustomer, &tr.customer, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tenantry.AuthorizeCreate(tt.actor, tt.kind, tt.parent)
			if got := kindOf(err); got != tt.want {
				t.Errorf("AuthorizeCreate(%s below %s) = %v, want kind %q", tt.kind, tt.parent.ID, err, tt.want)
			}
		})
	}
}

func TestMayOpen(t *testing.T) {
	tr := newTree()
	grant := func(a tenantry.Account, r tenantry.Role) *tenantry.Actor {
		return actorWith(tenantry.Grant{Account: a, Role: r})
	}
	custom := func(a tenantry.Account, perms ...tenantry.Permission) *tenantry.Actor {
		return actorWith(tenantry.Grant{Account: a, Role: "rol_x", Custom: perms, RoleName: "Custom"})
	}
	tests := []struct {
		name    string
		actor   *tenantry.Actor
		account *tenantry.Account
		perms   []tenantry.Permission
		want    bool
	}{
		{"NothingAsked", grant(tr.reseller, tenantry.RoleViewer), &tr.reseller, nil, true},
		{"OwnRolePermission", grant(tr.reseller, tenantry.RoleViewer), &tr.reseller, []tenantry.Permission{tenantry.PermAuditView}, true},
		{"OwnRoleLacksIt", grant(tr.reseller, tenantry.RoleOps), &tr.reseller, []tenantry.Permission{tenantry.PermAuditView}, false},
		{"EveryOneAsked", custom(tr.reseller, tenantry.PermAuditView), &tr.reseller,
			[]tenantry.Permission{tenantry.PermAccountView, tenantry.PermAuditView}, false},
		// a vendor permission is asked about the account below, where the
		// grant on the panel's account applies
		{"VendorPermissionBelow", grant(tr.reseller, tenantry.RoleOwner), &tr.reseller, []tenantry.Permission{tenantry.PermCustomersManage}, true},
		{"VendorPermissionRoleLacksIt", grant(tr.reseller, tenantry.RoleViewer), &tr.reseller, []tenantry.Permission{tenantry.PermCustomersManage}, false},
		{"ResellersManage", custom(tr.reseller, tenantry.PermResellersManage), &tr.reseller, []tenantry.Permission{tenantry.PermResellersManage}, true},
		{"ActingFromAbove", grant(tr.provider, tenantry.RoleAdmin), &tr.reseller, []tenantry.Permission{tenantry.PermAuditView, tenantry.PermCustomersManage}, true},
		{"OutOfReach", grant(tr.reseller, tenantry.RoleOwner), &tr.sibling, nil, false},
		{"NilActor", nil, &tr.reseller, nil, false},
		{"NilAccount", grant(tr.reseller, tenantry.RoleOwner), nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tenantry.MayOpen(tt.actor, tt.account, tt.perms...); got != tt.want {
				t.Errorf("MayOpen(%v) = %v, want %v", tt.perms, got, tt.want)
			}
		})
	}
}

func TestPermissionForKind(t *testing.T) {
	tests := []struct {
		kind tenantry.AccountKind
		want tenantry.Permission
	}{
		{tenantry.KindReseller, tenantry.PermResellersManage},
		{tenantry.KindCustomer, tenantry.PermCustomersManage},
	}
	for _, tt := range tests {
		if got := tenantry.PermissionForKind(tt.kind); got != tt.want {
			t.Errorf("PermissionForKind(%s) = %s, want %s", tt.kind, got, tt.want)
		}
	}
}

func TestAccountSuspension(t *testing.T) {
	tests := []struct {
		name        string
		status      tenantry.AccountStatus
		suspendedBy string
		want        string
	}{
		{"Active", tenantry.StatusActive, "", ""},
		{"Pending", tenantry.StatusPending, "", ""},
		{"Closed", tenantry.StatusClosed, "", ""},
		{"ActiveWithStaleSuspendedBy", tenantry.StatusActive, "acc_p", ""},
		{"Own", tenantry.StatusSuspended, "acc_x", "own"},
		{"OwnWithoutSuspendedBy", tenantry.StatusSuspended, "", "own"},
		{"Vendor", tenantry.StatusSuspended, "acc_p", "vendor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tenantry.Account{ID: "acc_x", Status: tt.status, SuspendedBy: tt.suspendedBy}
			if got := a.Suspension(); got != tt.want {
				t.Errorf("Suspension() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAccountPaths(t *testing.T) {
	tr := newTree()
	if got, want := tr.customer.Path, "/acc_p/acc_r/acc_c/"; got != want {
		t.Errorf("customer path = %q, want %q", got, want)
	}
	if got, want := strings.Join(tr.customer.AncestorIDs(), ","), "acc_p,acc_r,acc_c"; got != want {
		t.Errorf("AncestorIDs() = %q, want %q", got, want)
	}
	if got, want := strings.Join(tr.provider.AncestorIDs(), ","), "acc_p"; got != want {
		t.Errorf("provider AncestorIDs() = %q, want %q", got, want)
	}
	tests := []struct {
		name     string
		a, b     *tenantry.Account
		contains bool
		ancestor bool
	}{
		{"Self", &tr.reseller, &tr.reseller, true, false},
		{"Child", &tr.reseller, &tr.customer, true, true},
		{"Grandchild", &tr.provider, &tr.customer, true, true},
		{"Parent", &tr.customer, &tr.reseller, false, false},
		{"Sibling", &tr.reseller, &tr.sibling, false, false},
		{"SiblingsChild", &tr.sibling, &tr.customer, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Contains(tt.b); got != tt.contains {
				t.Errorf("%s.Contains(%s) = %v, want %v", tt.a.ID, tt.b.ID, got, tt.contains)
			}
			if got := tt.a.IsAncestorOf(tt.b); got != tt.ancestor {
				t.Errorf("%s.IsAncestorOf(%s) = %v, want %v", tt.a.ID, tt.b.ID, got, tt.ancestor)
			}
		})
	}
	// an id that extends another id is not below it
	long := tenantry.Account{ID: "acc_rr", Path: "/acc_p/acc_rr/"}
	if tr.reseller.Contains(&long) {
		t.Errorf("%s.Contains(%s) = true, want false", tr.reseller.Path, long.Path)
	}
}

func TestSubtreeUpper(t *testing.T) {
	tests := []struct {
		path, want string
	}{
		{"/acc_p/", "/acc_p0"},
		{"/acc_p/acc_r/", "/acc_p/acc_r0"},
	}
	for _, tt := range tests {
		if got := tenantry.SubtreeUpper(tt.path); got != tt.want {
			t.Errorf("SubtreeUpper(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}

	// [path, SubtreeUpper(path)) holds the subtree and nothing else, for
	// every character an id may contain
	path := "/acc_p/acc_r/"
	upper := tenantry.SubtreeUpper(path)
	in := func(p string) bool { return p >= path && p < upper }
	const idChars = "abcdefghijklmnopqrstuvwxyz0123456789_"
	for _, c := range idChars {
		below := path + "acc_" + string(c) + "/"
		if !in(below) {
			t.Errorf("%q outside [%q, %q), want inside", below, path, upper)
		}
		sibling := "/acc_p/acc_r" + string(c) + "/"
		if in(sibling) {
			t.Errorf("sibling %q inside [%q, %q), want outside", sibling, path, upper)
		}
	}
	for _, p := range []string{path, path + "acc_c/acc_d/"} {
		if !in(p) {
			t.Errorf("%q outside [%q, %q), want inside", p, path, upper)
		}
	}
	for _, p := range []string{"/acc_p/", "/acc_p/acc_q/", "/acc_p/acc_s/", "/acc_p/acc_r"} {
		if in(p) {
			t.Errorf("%q inside [%q, %q), want outside", p, path, upper)
		}
	}
}

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := tenantry.NewID("acc")
		if !strings.HasPrefix(id, "acc_") || len(id) != len("acc_")+23 {
			t.Fatalf("NewID(acc) = %q, want acc_ and 23 characters", id)
		}
		if strings.Trim(id[4:], "234567abcdefghijklmnopqrstuvwxyz") != "" {
			t.Fatalf("NewID(acc) = %q, want only [2-7a-z] after the prefix", id)
		}
		if seen[id] {
			t.Fatalf("NewID returned %q twice", id)
		}
		seen[id] = true
	}
	t.Run("SortsByCreation", func(t *testing.T) {
		a := tenantry.NewID("acc")
		time.Sleep(2 * time.Millisecond)
		b := tenantry.NewID("acc")
		if !(a < b) {
			t.Errorf("NewID %q then %q a millisecond later, want the first to sort first", a, b)
		}
	})
}

// A custom role may not take a built-in role's name, the customer-only
// Service user's included: the Roles page and the role pickers would list
// two "Service user" roles with different permissions.
func TestRoleInputRefusesBuiltinNames(t *testing.T) {
	for _, name := range []string{"Owner", "viewer", "Service user", "SERVICE USER"} {
		in := tenantry.RoleInput{Name: name, Permissions: []string{"account.view"}}
		if _, _, err := in.Parse(); tenantry.ErrorKind(err) != tenantry.EINVALID {
			t.Errorf("a custom role named %q: err = %v, want EINVALID", name, err)
		}
	}
	in := tenantry.RoleInput{Name: "Service desk", Permissions: []string{"account.view"}}
	if _, _, err := in.Parse(); err != nil {
		t.Errorf("a custom role named Service desk: %v", err)
	}
}

// A grant on one infrastructure allows seeing and managing that one only;
// what stays with the owner's staff is forbidden (the delegate sees the
// infrastructure), and anything else of the owner is not found.
func TestAuthorizeInfra(t *testing.T) {
	tr := newTree()
	delegate := &tenantry.Actor{User: tenantry.User{ID: "usr_d"},
		Grants: []tenantry.Grant{{Account: tr.sibling, Role: tenantry.RoleOwner}},
		Infras: []tenantry.InfraGrant{{InfraID: "inf_1", Account: tr.customer}}}
	service := actorWith(tenantry.Grant{Account: tr.customer, Role: tenantry.RoleService})
	service.Infras = []tenantry.InfraGrant{{InfraID: "inf_1", Account: tr.customer}}
	ops := actorWith(tenantry.Grant{Account: tr.customer, Role: tenantry.RoleOps})
	tests := []struct {
		name  string
		actor *tenantry.Actor
		check func(*tenantry.Actor, tenantry.Permission, *tenantry.Account, string) error
		p     tenantry.Permission
		infra string
		want  string // "" allowed, else the error kind
	}{
		{"DelegateViews", delegate, tenantry.AuthorizeInfra, tenantry.PermInfraView, "inf_1", ""},
		{"DelegateManages", delegate, tenantry.AuthorizeInfra, tenantry.PermInfraManage, "inf_1", ""},
		{"DelegateNoBilling", delegate, tenantry.AuthorizeInfra, tenantry.PermBillingView, "inf_1", tenantry.EFORBIDDEN},
		{"DelegateOtherInfra", delegate, tenantry.AuthorizeInfra, tenantry.PermInfraView, "inf_2", tenantry.ENOTFOUND},
		{"DelegateCannotOwn", delegate, tenantry.AuthorizeInfraOwner, tenantry.PermInfraManage, "inf_1", tenantry.EFORBIDDEN},
		{"DelegateOtherInfraOwner", delegate, tenantry.AuthorizeInfraOwner, tenantry.PermInfraManage, "inf_2", tenantry.ENOTFOUND},
		{"ServiceUserAssigned", service, tenantry.AuthorizeInfra, tenantry.PermInfraManage, "inf_1", ""},
		// an infrastructure not assigned to it does not exist for a service user
		{"ServiceUserNotAssigned", service, tenantry.AuthorizeInfra, tenantry.PermInfraView, "inf_2", tenantry.ENOTFOUND},
		{"ServiceUserNotAssignedOwner", service, tenantry.AuthorizeInfraOwner, tenantry.PermInfraManage, "inf_2", tenantry.ENOTFOUND},
		{"ServiceUserCannotOwn", service, tenantry.AuthorizeInfraOwner, tenantry.PermInfraManage, "inf_1", tenantry.EFORBIDDEN},
		{"StaffOwns", ops, tenantry.AuthorizeInfraOwner, tenantry.PermInfraManage, "inf_2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.actor, tt.p, &tr.customer, tt.infra)
			got := ""
			if err != nil {
				got = tenantry.ErrorKind(err)
			}
			if got != tt.want {
				t.Errorf("error kind = %q (%v), want %q", got, err, tt.want)
			}
		})
	}
	t.Run("SuspendedOwnerDropsTheGrant", func(t *testing.T) {
		suspended := tr.customer
		suspended.Status = tenantry.StatusSuspended
		a := &tenantry.Actor{Infras: []tenantry.InfraGrant{{InfraID: "inf_1", Account: suspended}}}
		if a.ActiveOnly().Reaches() {
			t.Error("a delegate still reaches a suspended account's infrastructure")
		}
	})
}
