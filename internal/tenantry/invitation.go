package tenantry

import "time"

// Invitation asks someone without a user yet to join an account with a
// role, through a one-time link mailed to them.
type Invitation struct {
	ID        string
	AccountID string
	Email     string
	Role      Role
	// RoleName is the role's display name (a custom role's own name).
	RoleName   string
	InvitedBy  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt time.Time
	RevokedAt  time.Time
	// Delegate marks an invitation to an account delegation.
	Delegate bool
	// InfrastructureID is set on an invitation to one infrastructure only
	// (as its delegate), with the infrastructure's name.
	InfrastructureID   string
	InfrastructureName string
}

// InfraDelegateRole is how an invitation to one infrastructure names the
// access it gives.
const InfraDelegateRole = "infrastructure delegate"

// Target names what the invitation opens: the account, or one of its
// infrastructures.
func (i *Invitation) Target(accountName string) string {
	if i.InfrastructureID != "" {
		return accountName + "'s infrastructure " + i.InfrastructureName
	}
	return accountName
}

// Status says where an invitation stands at now.
func (i *Invitation) Status(now time.Time) string {
	switch {
	case !i.AcceptedAt.IsZero():
		return "accepted"
	case !i.RevokedAt.IsZero():
		return "revoked"
	case !i.ExpiresAt.After(now):
		return "expired"
	}
	return "pending"
}
