package store

import "github.com/tenantry/tenantry/internal/tenantry"

// Within returns a copy of the scope narrowed to a's subtree: what the
// copy reads or writes outside it is ENOTFOUND, as another tenant's
// object is, in SQL (reach) and in tenantry.Authorize alike (the actor is
// narrowed with tenantry.Actor.NarrowedTo). The actor's roles are
// unchanged inside. Panels narrow to their account with it, and acting on
// behalf narrows to the acted-for account. An account outside the scope's
// reach leaves the copy reaching nothing.
func (s *Scope) Within(a *tenantry.Account) *Scope {
	c := *s
	c.actor = s.actor.NarrowedTo(a)
	return &c
}

// within adds to where, the tenant's bound on column, the bound of a
// narrowed actor.
func (s *Scope) within(column, where string, args []any) (string, []any) {
	if s.actor.Within == nil {
		return where, args
	}
	w, a := subtree(column, s.actor.Within.Path)
	return where + " AND " + w, append(args, a...)
}
