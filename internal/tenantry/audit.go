package tenantry

import "time"

// AuditEvent is one entry of the audit log: who did what, on behalf of
// whom, to which object, on which account, when and from where.
type AuditEvent struct {
	ID string
	At time.Time
	// ActorID is empty for events without a signed-in user (e.g. a failed
	// login with an unknown email); ActorEmail is what was typed then.
	ActorID    string
	ActorEmail string
	// ActingAsID is the account the actor acted on behalf of, or empty.
	ActingAsID   string
	ActingAsName string
	// AccountID is the account the event belongs to; its vendors see it.
	AccountID   string
	AccountName string
	Action      string
	ObjectType  string
	ObjectID    string
	// ObjectName names the object for people: its current name when the
	// viewer may see it, else the name the event recorded when it was
	// deleted, else empty (show the id).
	ObjectName string
	// Summary describes the change, before and after, for people.
	Summary string
	IP      string
}
