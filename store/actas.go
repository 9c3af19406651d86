package store

import (
	"context"
	"strings"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// Acting on behalf: a vendor's staff with act_as open the panel of an
// account below them. Their rights stay their own (a vendor's grant already
// reaches below it); what acting adds is the account's panel and an audit
// trail that names both identities, visible to the account's own admins.

// ActingAs returns a copy of the scope whose audit events record that the
// actor acts on behalf of accountID.
func (s *Scope) ActingAs(accountID string) *Scope {
	c := *s
	c.actingAs = accountID
	return &c
}

// CanActAs returns the account if the actor may act on its behalf: it lies
// strictly below one of the actor's grants with act_as (never the actor's
// own account, above it or beside it). Errors: ENOTFOUND, EFORBIDDEN.
func (s *Scope) CanActAs(ctx context.Context, accountID string) (*tenantry.Account, error) {
	a, err := s.account(ctx, s.db.read, accountID)
	if err != nil {
		return nil, err
	}
	// only accounts below the actor's own exist for acting (API.md: 404
	// otherwise); below them, act_as decides (403)
	below := false
	for _, g := range s.actor.Grants {
		below = below || g.Account.IsAncestorOf(a)
	}
	if !below {
		return nil, tenantry.ErrNotFound
	}
	if err := tenantry.Authorize(s.actor, tenantry.PermActAs, a); err != nil {
		return nil, err
	}
	if a.Status != tenantry.StatusActive {
		return nil, tenantry.Invalid(map[string]string{"reason": "Only an active account's panel can be opened."})
	}
	return a, nil
}

// StartActingAs records, on the target account's audit log, that the actor
// starts acting on its behalf, and why. Errors: EINVALID (no reason),
// ENOTFOUND, EFORBIDDEN.
func (s *Scope) StartActingAs(ctx context.Context, accountID, reason string) (*tenantry.Account, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 500 || strings.ContainsAny(reason, "\r\n") {
		return nil, tenantry.Invalid(map[string]string{"reason": "Say why, in one line of up to 500 characters: the account's admins will see it."})
	}
	if tenantry.UnsafeText(reason) {
		return nil, tenantry.Invalid(map[string]string{"reason": tenantry.MsgUnsafeText})
	}
	a, err := s.CanActAs(ctx, accountID)
	if err != nil {
		return nil, err
	}
	err = s.db.inTx(ctx, func(tx *tx) error {
		return s.ActingAs(a.ID).audit(ctx, tx, a, "act_as.start", "account", a.ID, "started acting on behalf of "+a.Name+": "+reason)
	})
	return a, err
}

// EndActingAs records the end of acting on behalf of accountID; why says
// how it ended ("exit", "expired after one hour").
func (s *Scope) EndActingAs(ctx context.Context, accountID, why string) error {
	a, err := s.account(ctx, s.db.read, accountID)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *tx) error {
		return s.ActingAs(a.ID).audit(ctx, tx, a, "act_as.end", "account", a.ID, "stopped acting on behalf of "+a.Name+" ("+why+")")
	})
}
