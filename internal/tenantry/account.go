package tenantry

import (
	"strings"
	"time"
)

// AccountKind says where an account sits in the sales chain.
type AccountKind string

// Account kinds.
const (
	KindProvider AccountKind = "provider"
	KindReseller AccountKind = "reseller"
	KindCustomer AccountKind = "customer"
)

// IsVendor reports whether accounts of this kind may have accounts below them.
func (k AccountKind) IsVendor() bool { return k == KindProvider || k == KindReseller }

// AccountStatus is an account's lifecycle state.
type AccountStatus string

// Account statuses.
const (
	StatusPending   AccountStatus = "pending"
	StatusActive    AccountStatus = "active"
	StatusSuspended AccountStatus = "suspended"
	StatusClosed    AccountStatus = "closed"
)

// Account is a company record: the provider, a reseller at any depth, or a
// customer. Every account but the provider has a sales vendor (ParentID).
type Account struct {
	ID       string
	Kind     AccountKind
	ParentID string
	// Path lists the ids from the provider down to this account, each
	// followed by "/", e.g. "/acc_p/acc_r/acc_c/". A subtree is every path
	// with this one as prefix, so subtree queries are one indexed range.
	Path         string
	Depth        int
	Name         string
	ContactEmail string
	Status       AccountStatus
	// SuspendedBy is the id of the account whose suspension suspended this
	// one: its own id, or a vendor's when the suspension cascaded down.
	SuspendedBy   string
	SuspendReason string
	// MaxResellerDepth is how many levels of sub-resellers a reseller may
	// create below itself (0: none). Its vendor sets it.
	MaxResellerDepth int
	// IsOrganization marks a customer as a Customer Organization anchor:
	// other customers of its vendor may point to it; it holds no
	// infrastructures or usage and is never invoiced.
	IsOrganization bool
	// OrganizationID is the anchor this customer belongs to, "" for none.
	// Once set it never changes.
	OrganizationID string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Suspension says why a suspended account is suspended: "own" when it was
// suspended itself, "vendor" when its vendor's suspension cascaded down, and
// "" when it is not suspended.
func (a *Account) Suspension() string {
	switch {
	case a.Status != StatusSuspended:
		return ""
	case a.SuspendedBy == a.ID || a.SuspendedBy == "":
		return "own"
	default:
		return "vendor"
	}
}

// ConvertToResellerRefusal says why the account cannot become a
// reseller, as the field error a conversion answers with, or "" when it
// can: only an active direct customer of the provider that is neither an
// organization anchor nor one of an organization's customers. The panel
// offers the conversion and the store performs it by this one rule.
func (a *Account) ConvertToResellerRefusal() string {
	switch {
	case a.Kind != KindCustomer || a.Depth != 1:
		return "Only a direct customer of the provider can become a reseller."
	case a.Status != StatusActive:
		return "Only an active customer can become a reseller."
	case a.IsOrganization || a.OrganizationID != "":
		return "A customer of an organization, or an organization, stays a customer."
	}
	return ""
}

// CanConvertToReseller reports whether the account may become a reseller
// (ConvertToResellerRefusal has no objection).
func (a *Account) CanConvertToReseller() bool { return a.ConvertToResellerRefusal() == "" }

// Contains reports whether b lies in a's subtree (a itself included).
func (a *Account) Contains(b *Account) bool { return strings.HasPrefix(b.Path, a.Path) }

// IsAncestorOf reports whether a lies strictly above b in the sales chain.
func (a *Account) IsAncestorOf(b *Account) bool { return a.ID != b.ID && a.Contains(b) }

// AncestorIDs returns the ids on a's path, from the provider down to a.
func (a *Account) AncestorIDs() []string {
	return strings.Split(strings.Trim(a.Path, "/"), "/")
}

// ChildPath returns the path of a new account with the given id directly below a.
func (a *Account) ChildPath(id string) string { return a.Path + id + "/" }

// SubtreeUpper returns the smallest string greater than every path in the
// subtree of path: "/" is replaced by the next byte, "0". Paths consist of
// ids ([a-z0-9_]) and "/", so [path, SubtreeUpper(path)) is the subtree.
func SubtreeUpper(path string) string { return strings.TrimSuffix(path, "/") + "0" }

// Domain is a name on which a vendor is served. A reseller's primary
// domain is its end user panel URL; the others are aliases.
type Domain struct {
	FQDN      string
	Primary   bool
	CreatedAt time.Time
}
