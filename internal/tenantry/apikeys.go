package tenantry

import (
	"slices"
	"strings"
	"time"
)

// Account API keys: credentials for integrations that post usage or read
// reports without a person's password. A key belongs to an account, not to
// a person: it keeps working when the user who made it leaves, and it acts
// for that account's subtree with its scopes only.

// API key scopes.
const (
	// ScopeRead lets a key call the API's GET routes on its account's
	// subtree.
	ScopeRead = "read"
	// ScopeUsageWrite lets a key post usage (POST /api/v1/usage) for its
	// account's subtree's infrastructures.
	ScopeUsageWrite = "usage:write"
)

// APIKeyScopes lists every scope, in display order.
var APIKeyScopes = []string{ScopeUsageWrite, ScopeRead}

// APIKeyScopeLabel is a scope's human description.
func APIKeyScopeLabel(scope string) string {
	switch scope {
	case ScopeRead:
		return "Read: view the account, its infrastructures, billing, reports and audit log"
	case ScopeUsageWrite:
		return "Usage: post usage records for the account's infrastructures"
	}
	return scope
}

// APIKeyPrefix starts every API key's secret, so that a bearer secret is
// told from a personal token ("tnt_") at a glance and by the API.
const APIKeyPrefix = "tak_"

// IsAPIKeySecret reports whether a bearer secret is shaped as an API key.
func IsAPIKeySecret(secret string) bool { return strings.HasPrefix(secret, APIKeyPrefix) }

// APIKeyInput is a new key: its name and scopes.
type APIKeyInput struct {
	Name   string   `json:"name" validate:"required,max=100,printable"`
	Scopes []string `json:"scopes"`
}

// Normalize trims the name and puts the scopes in their canonical order,
// once each; unknown scopes are kept for Validate to name.
func (in *APIKeyInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	var known, unknown []string
	for _, s := range in.Scopes {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
		case slices.Contains(APIKeyScopes, s):
			if !slices.Contains(known, s) {
				known = append(known, s)
			}
		default:
			unknown = append(unknown, s)
		}
	}
	var out []string
	for _, s := range APIKeyScopes {
		if slices.Contains(known, s) {
			out = append(out, s)
		}
	}
	in.Scopes = append(out, unknown...)
}

// Validate checks the name and the scopes: at least one, each a known
// scope. Errors: EINVALID naming "name" or "scopes".
func (in APIKeyInput) Validate() error {
	fields := FieldErrors(in)
	switch {
	case len(in.Scopes) == 0:
		fields["scopes"] = "Choose at least one scope: " + strings.Join(APIKeyScopes, " or ") + "."
	case slices.ContainsFunc(in.Scopes, func(s string) bool { return !slices.Contains(APIKeyScopes, s) }):
		fields["scopes"] = "Use only these scopes: " + strings.Join(APIKeyScopes, ", ") + "."
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// APIKey is an account's API key as it is listed: never its secret, which
// is stored hashed and shown only once, when the key is created.
type APIKey struct {
	ID        string
	AccountID string
	Name      string
	Scopes    []string
	// CreatedBy names who made the key (their email), or "" when that
	// user no longer exists.
	CreatedBy string
	// Elsewhere marks a key made on another tenant's domain than the one
	// it is listed on: it works there, not here.
	Elsewhere bool
	CreatedAt time.Time
	// LastUsedAt and RevokedAt are zero when never used, not revoked.
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Live reports whether the key still opens the API.
func (k *APIKey) Live() bool { return k.RevokedAt.IsZero() }

// APIKeyRef marks an actor signed in with an API key: which key, and what
// its scopes let it call.
type APIKeyRef struct {
	ID     string
	Name   string
	Scopes []string
}

// Has reports whether the key has the scope.
func (r *APIKeyRef) Has(scope string) bool { return r != nil && slices.Contains(r.Scopes, scope) }

// APIKeyPermissions are the permissions a key with these scopes has on
// its account: read gives the view permissions, usage:write those of
// managing infrastructures (which routes a key may call at all is the
// API's to limit, by scope).
func APIKeyPermissions(scopes []string) []Permission {
	var out []Permission
	add := func(ps ...Permission) {
		for _, p := range ps {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	for _, s := range scopes {
		switch s {
		case ScopeRead:
			add(PermAccountView, PermInfraView, PermBillingView, PermReportsView, PermAuditView)
		case ScopeUsageWrite:
			add(PermInfraView, PermInfraManage)
		}
	}
	if out == nil {
		out = []Permission{} // a custom grant with nothing, never a built-in role's
	}
	return out
}

// APIKeyLabel is the name under which a key acts: what audit events show
// as their actor.
func APIKeyLabel(name string) string { return "API key " + name }
