package store

import (
	"context"
	"strings"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// Scope is the store seen by one actor on one tenant's domain. Every
// tenant-data method hangs off it and bounds its queries twice: to the
// tenant's subtree in SQL, and to the actor's grants through
// tenantry.Authorize. Another tenant's object is ENOTFOUND, never
// EFORBIDDEN, so existence does not leak.
type Scope struct {
	db     *DB
	tenant *tenantry.Tenant
	actor  *tenantry.Actor
	ip     string
	// actingAs is the account the actor acts on behalf of, if any: every
	// audit event the scope writes carries it beside the actor.
	actingAs string
	// system is the reason of the SystemScope this scope works for, if
	// any: its audit events name "system:<reason>" as their actor.
	system string
}

// Scope binds the store to a tenant and an actor. Only the actor's grants
// on active accounts count: a suspended account's staff reach nothing
// through the store, whichever door they came in by. ip is recorded on
// the audit events the scope writes.
func (db *DB) Scope(t *tenantry.Tenant, a *tenantry.Actor, ip string) *Scope {
	return &Scope{db: db, tenant: t, actor: a.ActiveOnly(), ip: ip}
}

// Actor returns the scope's actor.
func (s *Scope) Actor() *tenantry.Actor { return s.actor }

// reach returns SQL that bounds the column to the tenant's subtree and to
// the subtrees of the actor's grants, with its args. With no grants it
// matches nothing.
func (s *Scope) reach(column string) (string, []any) {
	return s.grantsReach(column, func(*tenantry.Grant) bool { return true })
}

// reachWith is reach limited to the grants whose role includes p: SQL
// true for the accounts on which tenantry.Authorize allows p. Not for
// vendor permissions, which a grant gives only strictly below itself.
func (s *Scope) reachWith(column string, p tenantry.Permission) (string, []any) {
	return s.grantsReach(column, func(g *tenantry.Grant) bool { return g.Can(p) })
}

// grantsReach is reach through the grants keep keeps. The grants' ranges
// come first: SQLite walks the path index by the first range it finds,
// and a grant's subtree is the narrower one (on the platform domain the
// tenant's is the whole tree).
func (s *Scope) grantsReach(column string, keep func(*tenantry.Grant) bool) (string, []any) {
	var ors []string
	var args []any
	for i := range s.actor.Grants {
		g := &s.actor.Grants[i]
		if !keep(g) {
			continue
		}
		w, a := subtree(column, g.Account.Path)
		ors = append(ors, "("+w+")")
		args = append(args, a...)
	}
	if len(ors) == 0 {
		return "0", nil
	}
	where, targs := subtree(column, s.tenant.Account.Path)
	where, targs = s.within(column, where, targs)
	return "(" + strings.Join(ors, " OR ") + ") AND " + where, append(args, targs...)
}

func (s *Scope) audit(ctx context.Context, tx *tx, account *tenantry.Account, action, objType, objID, summary string) error {
	actorID, actorEmail := s.actor.User.ID, s.actor.User.Email
	if s.system != "" {
		actorID, actorEmail = "", systemActor(s.system)
	}
	return insertAudit(ctx, tx, auditEvent{ActorID: actorID, ActorEmail: actorEmail, ActingAs: s.actingAs,
		Account: account, Action: action, ObjectType: objType, ObjectID: objID, Summary: summary, IP: s.ip})
}

// account loads an account within the scope's reach, or ENOTFOUND.
func (s *Scope) account(ctx context.Context, q querier, id string) (*tenantry.Account, error) {
	where, args := s.reach("a.path")
	a, err := scanAccount(q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts a
		WHERE a.id = ? AND `+where, append([]any{id}, args...)...))
	return a, notFound(err)
}

// Account returns the account if the actor may view it; ENOTFOUND otherwise.
func (s *Scope) Account(ctx context.Context, id string) (*tenantry.Account, error) {
	a, err := s.account(ctx, s.db.read, id)
	if err != nil {
		return nil, err
	}
	if err := tenantry.Authorize(s.actor, tenantry.PermAccountView, a); err != nil {
		return nil, err
	}
	return a, nil
}
