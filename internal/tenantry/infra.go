package tenantry

import (
	"strings"
	"time"
)

// Infrastructure statuses. A deleted infrastructure is kept for the usage
// and invoices that will point at it, but no reader sees it any more.
const (
	InfraActive  = "active"
	InfraDeleted = "deleted"
)

// Infrastructure is a container of resources (servers, volumes, IPs)
// owned by an account, a customer in this release.
type Infrastructure struct {
	ID        string
	AccountID string
	Name      string
	// CostCenterID is "" when the infrastructure is in no cost center;
	// CostCenterName names it for display.
	CostCenterID   string
	CostCenterName string
	Status         string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// CostCenter is a named group of an account's infrastructures (and, later,
// linked sub-accounts), used by reports.
type CostCenter struct {
	ID        string
	AccountID string
	Name      string
	CreatedAt time.Time
	// Infrastructures counts the live infrastructures assigned to it.
	Infrastructures int
}

// NoCostCenter is the cost-center filter value that keeps the
// infrastructures assigned to none.
const NoCostCenter = "none"

// MaxInfraName bounds infrastructure and cost center names, in characters.
const MaxInfraName = 100

// NewInfrastructure is what creates an infrastructure, from a form or the
// API.
type NewInfrastructure struct {
	Name string `json:"name" validate:"required,max=100,printable"`
	// CostCenterID is optional: "" puts it in no cost center.
	CostCenterID string `json:"cost_center_id"`
}

// Normalize trims the input the way every door should.
func (n *NewInfrastructure) Normalize() {
	n.Name = strings.TrimSpace(n.Name)
	n.CostCenterID = strings.TrimSpace(n.CostCenterID)
}

// InfrastructureUpdate changes an infrastructure. An absent field stays;
// CostCenterID set to null (or "") takes it out of its cost center.
type InfrastructureUpdate struct {
	Name         *string        `json:"name" validate:"omitempty,min=1,max=100,printable"`
	CostCenterID OptionalString `json:"cost_center_id"`
}

// Normalize trims the input the way every door should.
func (u *InfrastructureUpdate) Normalize() {
	if u.Name != nil {
		n := strings.TrimSpace(*u.Name)
		u.Name = &n
	}
	u.CostCenterID.Value = strings.TrimSpace(u.CostCenterID.Value)
}

// Validate checks the update on its own. A name given must not be empty.
func (u *InfrastructureUpdate) Validate() error {
	fields := FieldErrors(u)
	if u.Name != nil && *u.Name == "" {
		fields["name"] = "This field is required."
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// CostCenterInput names a new or renamed cost center.
type CostCenterInput struct {
	Name string `json:"name" validate:"required,max=100,printable"`
}

// Normalize trims the input the way every door should.
func (c *CostCenterInput) Normalize() { c.Name = strings.TrimSpace(c.Name) }
