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

// permissionLabels are the permissions' human names, as the roles and
// users pages show them.
var permissionLabels = map[Permission]string{
	PermAccountView:     "View the account",
	PermAccountManage:   "Manage the account",
	PermUsersManage:     "Manage users",
	PermRolesManage:     "Manage roles",
	PermCustomersManage: "Manage customers",
	PermResellersManage: "Manage resellers",
	PermPlansManage:     "Manage pricing plans",
	PermBrandingManage:  "Manage branding",
	PermInfraView:       "View infrastructures",
	PermInfraManage:     "Manage infrastructures",
	PermBillingView:     "View billing",
	PermBillingManage:   "Manage billing",
	PermReportsView:     "View reports",
	PermAuditView:       "View the audit log",
	PermActAs:           "Act on behalf of accounts below",
}

// Label is the permission's human name (its code when it has none).
func (p Permission) Label() string {
	if l, ok := permissionLabels[p]; ok {
		return l
	}
	return string(p)
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

// RoleService is a customer's service user (CloudBlue): an end user of
// the account who is no staff member. The role allows nothing on the
// account itself; what a service user sees is only what is assigned to
// them, infrastructure by infrastructure (grants on single
// infrastructures, as for delegates).
const RoleService Role = "Service user"

// BuiltinRoles lists the built-in staff roles, most powerful first.
var BuiltinRoles = []Role{RoleOwner, RoleAdmin, RoleOps, RoleBilling, RoleViewer}

// RolesFor lists the built-in roles a member of an account of kind k may
// have: the staff roles, and for a customer also RoleService.
func RolesFor(k AccountKind) []Role {
	if k == KindCustomer {
		return append(slices.Clone(BuiltinRoles), RoleService)
	}
	return BuiltinRoles
}

var rolePermissions = map[Role][]Permission{
	RoleOwner: AllPermissions,
	RoleAdmin: AllPermissions,
	RoleOps:   {PermAccountView, PermInfraView, PermInfraManage, PermReportsView},
	RoleBilling: {PermAccountView, PermBillingView, PermBillingManage, PermReportsView,
		PermPlansManage},
	RoleViewer:  {PermAccountView, PermInfraView, PermBillingView, PermReportsView, PermAuditView},
	RoleService: {},
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

// InfraGrant is access to one infrastructure only (MetalCloud's
// "infrastructure delegate"): the user may view and manage that
// infrastructure, and sees nothing else of the account that owns it.
type InfraGrant struct {
	InfraID string
	// Account owns the infrastructure.
	Account Account
}

// Actor is the signed-in user together with the grants usable on the
// current tenant. An Actor with no grants reaches nothing.
type Actor struct {
	User   User
	Grants []Grant
	// Infras are the user's grants on single infrastructures.
	Infras []InfraGrant
	// Within, when set, confines the actor to that account's subtree
	// (NarrowedTo): nothing outside it is seen, whatever the grants.
	Within *Account
	// APIKey, when set, says the actor is an account's API key, not a
	// person: User is then a label with no id, and the key's scopes bound
	// what it may call.
	APIKey *APIKeyRef
}

// NarrowedTo returns a copy of the actor confined to target's subtree: the
// grants keep their roles (a vendor's grant above target still allows its
// vendor permissions on target), but nothing outside the subtree is seen,
// and only the infrastructure grants inside it remain. Narrowing an
// already narrowed actor keeps the narrower bound; a target outside the
// current bound leaves the actor seeing nothing.
func (a *Actor) NarrowedTo(target *Account) *Actor {
	out := &Actor{User: a.User, Grants: a.Grants, APIKey: a.APIKey}
	bound := *target
	if a.Within != nil && !a.Within.Contains(&bound) {
		if !bound.Contains(a.Within) {
			bound = Account{ID: "none", Path: "/none/"} // disjoint: a path no account has
		} else {
			bound = *a.Within
		}
	}
	out.Within = &bound
	for _, g := range a.Infras {
		if bound.Contains(&g.Account) {
			out.Infras = append(out.Infras, g)
		}
	}
	return out
}

// Reaches reports whether the actor has any grant at all here: on an
// account or on a single infrastructure.
func (a *Actor) Reaches() bool { return len(a.Grants) > 0 || len(a.Infras) > 0 }

// InfraGrant returns the actor's grant on one infrastructure, or nil.
func (a *Actor) InfraGrant(infraID string) *InfraGrant {
	for i := range a.Infras {
		if a.Infras[i].InfraID == infraID {
			return &a.Infras[i]
		}
	}
	return nil
}

// ActiveOnly returns a copy of the actor that keeps only the grants on
// active accounts: a suspended account's users reach nothing, and a
// delegate reaches nothing of a suspended account's infrastructures.
func (a *Actor) ActiveOnly() *Actor {
	out := &Actor{User: a.User, Within: a.Within, APIKey: a.APIKey}
	for _, g := range a.Grants {
		if g.Account.Status == StatusActive {
			out.Grants = append(out.Grants, g)
		}
	}
	for _, g := range a.Infras {
		if g.Account.Status == StatusActive {
			out.Infras = append(out.Infras, g)
		}
	}
	return out
}

// Sees reports whether target lies within the reach of any of the actor's
// grants (its own accounts and everything below them) and, for a narrowed
// actor, within its bound.
func (a *Actor) Sees(target *Account) bool {
	if a.Within != nil && !a.Within.Contains(target) {
		return false
	}
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
	return RoleForbids()
}

// RoleForbids is the error for an actor who sees the object but whose
// role does not allow the action: one wording wherever it is decided.
func RoleForbids() error {
	return &Error{Kind: EFORBIDDEN, Code: EFORBIDDEN, Message: "Your role does not allow this."}
}

// infraGrantPermissions are what a grant on one infrastructure allows on
// it: seeing and managing it (renaming it, and its resources once they
// exist). Deleting it, moving it between the owner's cost centers and
// letting others in stay with the owning account's staff.
var infraGrantPermissions = []Permission{PermInfraView, PermInfraManage}

// AuthorizeInfra decides p on one infrastructure of owner: what the
// actor's account grants allow on owner (as Authorize), or what a grant on
// that infrastructure alone allows. Use it for what a delegate may do;
// use AuthorizeInfraOwner for what stays with the account.
func AuthorizeInfra(a *Actor, p Permission, owner *Account, infraID string) error {
	err := Authorize(a, p, owner)
	if err == nil || a == nil {
		return err
	}
	if a.InfraGrant(infraID) == nil {
		return hideInfra(a, owner, err)
	}
	if slices.Contains(infraGrantPermissions, p) {
		return nil
	}
	return RoleForbids()
}

// AuthorizeInfraOwner decides p on an infrastructure by the account
// grants alone: a delegate, who sees the infrastructure, is forbidden
// (not "not found") what only its owner's staff may do.
func AuthorizeInfraOwner(a *Actor, p Permission, owner *Account, infraID string) error {
	err := Authorize(a, p, owner)
	if err == nil || a == nil {
		return err
	}
	if a.InfraGrant(infraID) == nil {
		return hideInfra(a, owner, err)
	}
	if ErrorKind(err) == ENOTFOUND {
		return &Error{Kind: EFORBIDDEN, Code: EFORBIDDEN, Message: "Only " + owner.Name + "'s own staff may do this."}
	}
	return err
}

// hideInfra turns err, refusing an infrastructure of owner to an actor
// with no grant on that infrastructure, into ENOTFOUND when the actor may
// not even view owner (a service user): to them an infrastructure not
// assigned to them does not exist, as another tenant's does not. Staff who
// view the account (Billing, say) learn nothing new from a 403.
func hideInfra(a *Actor, owner *Account, err error) error {
	if ErrorKind(err) == EFORBIDDEN && Authorize(a, PermAccountView, owner) != nil {
		return ErrNotFound
	}
	return err
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
	if a == nil || !a.Sees(parent) {
		return ErrNotFound
	}
	child := newChild(parent, k)
	return Authorize(a, PermissionForKind(k), &child)
}

// newChild is an account of kind k directly below parent that does not
// exist (yet): what the vendor permissions are asked about when there is
// no real account below to ask about.
func newChild(parent *Account, k AccountKind) Account {
	return Account{ID: "new", Kind: k, ParentID: parent.ID, Path: parent.ChildPath("new"), Depth: parent.Depth + 1}
}

// MayOpen reports whether the actor may do every one of perms on account
// (none: whether it sees the account at all), as Authorize decides, for
// offering only the pages that will open. A vendor permission never
// applies to its grant's own account, so it is asked about a new account
// directly below, as AuthorizeCreate does.
func MayOpen(a *Actor, account *Account, perms ...Permission) bool {
	if a == nil || account == nil || !a.Sees(account) {
		return false
	}
	for _, p := range perms {
		target := account
		if slices.Contains(vendorPermissions, p) {
			kind := KindCustomer
			if p == PermResellersManage {
				kind = KindReseller
			}
			child := newChild(account, kind)
			target = &child
		}
		if Authorize(a, p, target) != nil {
			return false
		}
	}
	return true
}
