package tenantry

import "slices"

// Permission names one thing a user may do on an account.
type Permission string

// The fixed list of permissions. Roles are sets of these.
const (
	PermAccountView     Permission = "account.view"
	PermAccountManage   Permission = "account.manage"
	PermUsersManage     Permission = "users.manage"
	PermRolesManage     Permission = "roles.manage"
	PermCustomersManage Permission = "customers.manage"
	PermResellersManage Permission = "resellers.manage"
	PermPlansManage     Permission = "plans.manage"
	PermBrandingManage  Permission = "branding.manage"
	PermInfraView       Permission = "infra.view"
	PermInfraManage     Permission = "infra.manage"
	PermBillingView     Permission = "billing.view"
	PermBillingManage   Permission = "billing.manage"
	PermReportsView     Permission = "reports.view"
	PermAuditView       Permission = "audit.view"
	PermActAs           Permission = "act_as"
)

// AllPermissions lists every permission, in display order.
var AllPermissions = []Permission{
	PermAccountView, PermAccountManage, PermUsersManage, PermRolesManage,
	PermCustomersManage, PermResellersManage, PermPlansManage, PermBrandingManage,
	PermInfraView, PermInfraManage, PermBillingView, PermBillingManage,
	PermReportsView, PermAuditView, PermActAs,
}

// vendorPermissions act on the accounts below the one the grant is on,
// never on that account itself: a customer's Owner cannot suspend its own
// company, its vendor's staff can.
var vendorPermissions = []Permission{PermCustomersManage, PermResellersManage, PermActAs}

// Role names a role on a membership: a built-in role's name, or the id of
// a custom role of the account.
type Role string

// Built-in roles.
const (
	RoleOwner   Role = "Owner"
	RoleAdmin   Role = "Admin"
	RoleOps     Role = "Ops"
	RoleBilling Role = "Billing"
	RoleViewer  Role = "Viewer"
)

// BuiltinRoles lists the built-in roles, most powerful first.
var BuiltinRoles = []Role{RoleOwner, RoleAdmin, RoleOps, RoleBilling, RoleViewer}

var rolePermissions = map[Role][]Permission{
	RoleOwner: AllPermissions,
	RoleAdmin: AllPermissions,
	RoleOps:   {PermAccountView, PermInfraView, PermInfraManage, PermReportsView},
	RoleBilling: {PermAccountView, PermBillingView, PermBillingManage, PermReportsView,
		PermPlansManage},
	RoleViewer: {PermAccountView, PermInfraView, PermBillingView, PermReportsView, PermAuditView},
}

// Valid reports whether r is a built-in role.
func (r Role) Valid() bool { _, ok := rolePermissions[r]; return ok }

// Can reports whether the role includes the permission.
func (r Role) Can(p Permission) bool { return slices.Contains(rolePermissions[r], p) }

// Grant is one way a user reaches an account: a membership with a role.
type Grant struct {
	Account Account
	Role    Role
	// Custom holds a custom role's permissions; nil for a built-in role.
	Custom []Permission
	// RoleName is the role's display name (a custom role's own name).
	RoleName string
	// Via says how the grant came about: "member" for now; delegations and
	// the vendor chain add more later.
	Via string
}

// Can reports whether the grant's role includes the permission.
func (g *Grant) Can(p Permission) bool {
	if g.Custom != nil {
		return slices.Contains(g.Custom, p)
	}
	return g.Role.Can(p)
}

// Name is the grant's role as people read it.
func (g *Grant) Name() string {
	if g.RoleName != "" {
		return g.RoleName
	}
	return string(g.Role)
}

// Actor is the signed-in user together with the grants usable on the
// current tenant. An Actor with no grants reaches nothing.
type Actor struct {
	User   User
	Grants []Grant
}

// Sees reports whether target lies within the reach of any of the actor's
// grants: its own accounts and everything below them.
func (a *Actor) Sees(target *Account) bool {
	for _, g := range a.Grants {
		if g.Account.Contains(target) {
			return true
		}
	}
	return false
}

// Authorize is the one function that decides whether the actor may do p on
// target. It returns ErrNotFound when target is outside the actor's reach
// (so existence never leaks) and an EFORBIDDEN error when the actor sees
// target but no grant allows p. Grants add up: any grant on target or
// above it whose role includes p allows it. Vendor permissions (managing
// customers and resellers, acting on behalf) come only from a grant
// strictly above target.
func Authorize(a *Actor, p Permission, target *Account) error {
	if a == nil || !a.Sees(target) {
		return ErrNotFound
	}
	vendorOnly := slices.Contains(vendorPermissions, p)
	for _, g := range a.Grants {
		if !g.Account.Contains(target) || (vendorOnly && g.Account.ID == target.ID) {
			continue
		}
		if g.Can(p) {
			return nil
		}
	}
	return &Error{Kind: EFORBIDDEN, Code: EFORBIDDEN, Message: "Your role does not allow this."}
}

// PermissionForKind returns the vendor permission needed to create or
// manage an account of kind k.
func PermissionForKind(k AccountKind) Permission {
	if k == KindReseller {
		return PermResellersManage
	}
	return PermCustomersManage
}

// AuthorizeCreate decides whether the actor may create an account of kind
// k directly below parent: the same rule as managing such an account, asked
// about the child that does not exist yet.
func AuthorizeCreate(a *Actor, k AccountKind, parent *Account) error {
	child := Account{ID: "new", Kind: k, ParentID: parent.ID, Path: parent.ChildPath("new"), Depth: parent.Depth + 1}
	if a == nil || !a.Sees(parent) {
		return ErrNotFound
	}
	return Authorize(a, PermissionForKind(k), &child)
}
