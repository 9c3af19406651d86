package tenantry

import (
	"strings"

	"github.com/tenantry/tenantry/internal/password"
)

// NewAccount is what a vendor's staff submit to create an account below
// their own, through the panel or the API.
type NewAccount struct {
	ParentID     string      `json:"parent_id"`
	Kind         AccountKind `json:"kind" validate:"required,oneof=reseller customer"`
	Name         string      `json:"name" validate:"required,max=200,printable"`
	ContactEmail string      `json:"contact_email" validate:"omitempty,email,max=254"`
	// Owner is the account's first staff member; without it the account
	// starts with no users of its own and its vendor manages it.
	Owner *NewOwner `json:"owner,omitempty"`
	// OrganizationID puts a new customer in a Customer Organization: an
	// active anchor of the same vendor. It cannot be changed afterwards.
	OrganizationID string `json:"organization_id"`
	// IsOrganization makes a new customer an organization anchor.
	IsOrganization bool `json:"is_organization"`
	// PlanID is the plan the new account starts on: one of its vendor's
	// active plans for its kind. Nil (left out) means the vendor's default
	// plan for customers, if any; "" means no plan yet.
	PlanID *string `json:"plan_id"`
}

// NewOwner is the first staff member of a new account. Without a password
// the user gets a one-time link to set one.
type NewOwner struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Name     string `json:"name" validate:"required,max=200,printable"`
	Password string `json:"password,omitempty"`
}

// Normalize trims the input the way every door should.
func (n *NewAccount) Normalize() {
	n.Name = strings.TrimSpace(n.Name)
	n.ContactEmail = NormalizeEmail(n.ContactEmail)
	n.Kind = AccountKind(strings.TrimSpace(string(n.Kind)))
	n.OrganizationID = strings.TrimSpace(n.OrganizationID)
	if n.PlanID != nil {
		id := strings.TrimSpace(*n.PlanID)
		n.PlanID = &id
	}
	if n.Owner != nil {
		n.Owner.Email = NormalizeEmail(n.Owner.Email)
		n.Owner.Name = strings.TrimSpace(n.Owner.Name)
	}
}

// Validate checks the input on its own, before it meets the database.
func (n *NewAccount) Validate() error {
	fields := FieldErrors(n)
	if n.Owner != nil && n.Owner.Password != "" {
		if why := password.Weakness(n.Owner.Password, n.Owner.Email); why != "" {
			fields["owner.password"] = why
		}
	}
	if n.Kind != KindCustomer && n.Kind != "" {
		if n.OrganizationID != "" {
			fields["organization_id"] = "Only a customer belongs to an organization."
		}
		if n.IsOrganization {
			fields["is_organization"] = "Only a customer can be an organization."
		}
	} else if n.OrganizationID != "" && n.IsOrganization {
		fields["is_organization"] = "An organization cannot itself belong to an organization."
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// AccountUpdate changes an account's profile or status. Nil fields stay.
type AccountUpdate struct {
	Name         *string        `json:"name" validate:"omitempty,min=1,max=200,printable"`
	ContactEmail *string        `json:"contact_email" validate:"omitempty,email,max=254"`
	Status       *AccountStatus `json:"status" validate:"omitempty,oneof=active suspended"`
	// SuspendReason is told to the account's users when they try to log in.
	SuspendReason *string `json:"suspend_reason" validate:"omitempty,max=500,printable"`
	// MaxResellerDepth is how many levels of sub-resellers a reseller may
	// create; only its vendor sets it.
	MaxResellerDepth *int `json:"max_reseller_depth"`
	// OrganizationID sets the customer's organization once; changing or
	// clearing ("") it afterwards is ECONFLICT organization_permanent.
	OrganizationID *string `json:"organization_id"`
	// IsOrganization marks or unmarks the customer as an organization
	// anchor; only its vendor does.
	IsOrganization *bool `json:"is_organization"`
}

// Normalize trims the input the way every door should.
func (u *AccountUpdate) Normalize() {
	if u.Name != nil {
		s := strings.TrimSpace(*u.Name)
		u.Name = &s
	}
	if u.ContactEmail != nil {
		s := NormalizeEmail(*u.ContactEmail)
		u.ContactEmail = &s
	}
	if u.SuspendReason != nil {
		s := strings.TrimSpace(*u.SuspendReason)
		u.SuspendReason = &s
	}
	if u.OrganizationID != nil {
		s := strings.TrimSpace(*u.OrganizationID)
		u.OrganizationID = &s
	}
}

// Validate checks the update on its own.
func (u *AccountUpdate) Validate() error {
	fields := FieldErrors(u)
	if u.Name != nil && *u.Name == "" {
		fields["name"] = "This field is required."
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}
