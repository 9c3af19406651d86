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
