package tenantry

import "time"

// User is a person. There is one identity per email platform-wide; a user
// reaches accounts only through grants.
type User struct {
	ID    string
	Email string
	Name  string
	// PasswordHash is an encoded argon2id hash, or "" while the user has
	// not set a password yet.
	PasswordHash string
	CreatedAt    time.Time
}

// Tenant is the account whose domain a request came in on: the provider on
// the platform domain, a reseller on its own domains. It bounds everything
// the request may see.
type Tenant struct {
	Account Account
	// Host is the normalised host the request used.
	Host string
	// Canonical is the tenant's primary domain, where the links it mails
	// out point, whichever of its domains the request came to.
	Canonical string
}

// LinkHost is the domain of the links the tenant hands out: its primary
// domain, or the request's host when it has none on record.
func (t *Tenant) LinkHost() string {
	if t.Canonical != "" {
		return t.Canonical
	}
	return t.Host
}

// IsPlatform reports whether the tenant is the provider's platform domain.
func (t *Tenant) IsPlatform() bool { return t.Account.Kind == KindProvider }

// Member is a user with a role on an account.
type Member struct {
	User User
	Role Role
	// RoleName is the role's display name (a custom role's own name).
	RoleName string
	// Via is "member", or "delegate" for an account delegation.
	Via string
}
