package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// Infrastructure delegates (MetalCloud's referral scenario): a customer's
// staff let a user from outside, the reseller's ops say, manage one of its
// infrastructures and nothing else. Granting and ending a delegation is
// the owning account's infra.manage; what the delegate may then do is
// decided by tenantry.AuthorizeInfra.

// ReachedInfra is one infrastructure of the all-in-one list, with the
// account that owns it and how the actor reaches it.
type ReachedInfra struct {
	tenantry.Infrastructure
	AccountName string
	// Via is "role" when the actor's role on its account (or above)
	// reaches it; otherwise only a grant on this infrastructure does:
	// "assigned" for a member of the account (a service user),
	// "delegate" for someone from outside.
	Via string
}

// ReachedInfraPage is one page of ReachedInfrastructures, by name.
type ReachedInfraPage struct {
	Items      []ReachedInfra
	Total      int
	NextCursor string
}

// ReachedInfrastructures lists, in one place, every live infrastructure
// the actor reaches on this tenant: those of its own accounts and of the
// accounts below them (where its role includes infra.view), and those
// delegated to it. Only f.Q, f.Cursor and f.Limit apply. Errors: EINVALID
// (cursor).
func (s *Scope) ReachedInfrastructures(ctx context.Context, f InfraFilter) (*ReachedInfraPage, error) {
	// Two indexed branches rather than one walk through the tenant's
	// whole subtree (the platform domain's is everything): what a role
	// with infra.view reaches, by the grants' subtrees, and the delegated
	// infrastructures no such role reaches, by id.
	viaAccount, accArgs := s.reachWith("a.path", tenantry.PermInfraView)
	branches := `SELECT i.id AS id, 1 AS by_role FROM infrastructures i JOIN accounts a ON a.id = i.account_id
		WHERE i.status = 'active' AND ` + viaAccount
	args := append([]any{}, accArgs...)
	if len(s.actor.Infras) > 0 {
		ids := make([]any, len(s.actor.Infras))
		for i, g := range s.actor.Infras {
			ids[i] = g.InfraID
		}
		tenantWhere, tenantArgs := subtree("a.path", s.tenant.Account.Path)
		branches += ` UNION ALL SELECT i.id, 0 FROM infrastructures i JOIN accounts a ON a.id = i.account_id
			WHERE i.id IN (` + placeholders(len(ids)) + `) AND i.status = 'active' AND ` + tenantWhere + ` AND NOT (` + viaAccount + `)`
		args = append(append(append(args, ids...), tenantArgs...), accArgs...)
	}
	from := ` FROM (` + branches + `) r JOIN infrastructures i ON i.id = r.id
		LEFT JOIN cost_centers cc ON cc.id = i.cost_center_id JOIN accounts a ON a.id = i.account_id`
	where := `1`
	if q := strings.TrimSpace(f.Q); q != "" {
		where += ` AND (instr(lower(i.name), lower(?)) > 0 OR instr(lower(a.name), lower(?)) > 0)`
		args = append(args, q, q)
	}
	page := &ReachedInfraPage{}
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+from+` WHERE `+where, args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	where, args, err := afterNameCursor(where, args, f.Cursor)
	if err != nil {
		return nil, err
	}
	limit := listLimit(f.Limit)
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+infraColumns+`, a.name, r.by_role`+from+` WHERE `+where+`
		ORDER BY lower(i.name), i.id LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r ReachedInfra
		var created, updated int64
		var byAccount bool
		if err := rows.Scan(&r.ID, &r.AccountID, &r.Name, &r.CostCenterID, &r.CostCenterName, &r.Status,
			&created, &updated, &r.AccountName, &byAccount); err != nil {
			return nil, err
		}
		r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
		switch {
		case byAccount:
			r.Via = "role"
		case slices.ContainsFunc(s.actor.Grants, func(g tenantry.Grant) bool { return g.Account.ID == r.AccountID }):
			r.Via = "assigned"
		default:
			r.Via = "delegate"
		}
		page.Items = append(page.Items, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	page.Items, page.NextCursor = cutPage(page.Items, limit, func(r ReachedInfra) tenantry.Infrastructure { return r.Infrastructure })
	return page, nil
}

// InfraDelegate is a user with a grant on one infrastructure.
type InfraDelegate struct {
	User  tenantry.User
	Since time.Time
	// Via says who they are to the owning account: "service user" (one of
	// its own, to whom the infrastructure is assigned), "delegate" (from
	// outside) or "member" (staff who would reach it anyway).
	Via string
}

// grantVia is the SQL for InfraDelegate.Via, from a membership m of the
// grant's user on the owning account (LEFT JOINed: NULL for outsiders).
const grantVia = `CASE WHEN m.role IS NULL THEN 'delegate' WHEN m.role = '` + string(tenantry.RoleService) + `' THEN 'service user' ELSE 'member' END`

// ownedInfra loads an infrastructure and checks p on it by its owner's
// account grants (a delegate is EFORBIDDEN), within q.
func (s *Scope) ownedInfra(ctx context.Context, q querier, id string, p tenantry.Permission) (*tenantry.Infrastructure, *tenantry.Account, error) {
	in, a, err := s.infra(ctx, q, id)
	if err != nil {
		return nil, nil, err
	}
	if err := tenantry.AuthorizeInfraOwner(s.actor, p, a, in.ID); err != nil {
		return nil, nil, err
	}
	return in, a, nil
}

// InfraDelegates lists the delegates of an infrastructure, by email.
// Errors: ENOTFOUND, EFORBIDDEN (no infra.view on its account: a delegate
// does not see the others).
func (s *Scope) InfraDelegates(ctx context.Context, infraID string) ([]InfraDelegate, error) {
	in, _, err := s.ownedInfra(ctx, s.db.read, infraID, tenantry.PermInfraView)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+userColumns+`, g.created_at, `+grantVia+`
		FROM infrastructure_grants g JOIN users u ON u.id = g.user_id
		LEFT JOIN memberships m ON m.account_id = ? AND m.user_id = g.user_id
		WHERE g.infrastructure_id = ? ORDER BY u.email`, in.AccountID, in.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InfraDelegate
	for rows.Next() {
		var d InfraDelegate
		var created, since int64
		if err := rows.Scan(&d.User.ID, &d.User.Email, &d.User.Name, &d.User.PasswordHash, &created, &since, &d.Via); err != nil {
			return nil, err
		}
		d.User.CreatedAt, d.Since = fromMS(created), fromMS(since)
		d.User.PasswordHash = ""
		out = append(out, d)
	}
	return out, rows.Err()
}

// InfraInvitations lists the open invitations to one infrastructure,
// newest first. Errors: as InfraDelegates.
func (s *Scope) InfraInvitations(ctx context.Context, infraID string) ([]tenantry.Invitation, error) {
	in, _, err := s.ownedInfra(ctx, s.db.read, infraID, tenantry.PermInfraView)
	if err != nil {
		return nil, err
	}
	return s.openInvitations(ctx, `i.infrastructure_id = ?`, in.ID)
}

func insertInfraGrant(ctx context.Context, tx *tx, infraID, userID, grantedBy string) error {
	var by any
	if grantedBy != "" {
		by = grantedBy
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO infrastructure_grants (infrastructure_id, user_id, granted_by, created_at)
		VALUES (?, ?, ?, ?)`, infraID, userID, by, ms(tx.now))
	if isUniqueViolation(err) {
		return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "already_delegate",
			Message: "This person is already a delegate of this infrastructure.",
			Fields:  map[string]string{"email": "This person is already a delegate of this infrastructure."}}
	}
	return err
}

// AddInfraDelegate invites email to be a delegate of one infrastructure
// (its account's infra.manage): an invitation to that infrastructure is
// mailed in the brand of the domain where the account is served, and the
// grant is made only when its link is accepted, whether or not the
// address has a user here or elsewhere, so that the answer never tells
// who signs in where. The one grant made at once is an assignment inside
// the account: a service user of the infrastructure's own account sees
// what is assigned to them. Errors: EINVALID, ENOTFOUND, EFORBIDDEN,
// ECONFLICT (already a delegate, or staff of the account, who reach it
// by role: both listed to whoever manages its people).
func (s *Scope) AddInfraDelegate(ctx context.Context, infraID, email string, links mail.Links) (*InviteResult, error) {
	email, err := invitedEmail(email)
	if err != nil {
		return nil, err
	}
	out := &InviteResult{}
	err = s.db.inTx(ctx, func(tx *tx) error {
		in, a, err := s.ownedInfra(ctx, tx, infraID, tenantry.PermInfraManage)
		if err != nil {
			return err
		}
		var delegate bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM infrastructure_grants g JOIN users u ON u.id = g.user_id
			WHERE g.infrastructure_id = ? AND u.email = ?)`, in.ID, email).Scan(&delegate); err != nil {
			return err
		}
		if delegate {
			return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "already_delegate",
				Message: "This person is already a delegate of this infrastructure.",
				Fields:  map[string]string{"email": "This person is already a delegate of this infrastructure."}}
		}
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.email = ?`, email))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil {
			switch role, err := membership(ctx, tx, a.ID, u.ID); {
			case err == nil && role == tenantry.RoleService:
				if err := insertInfraGrant(ctx, tx, in.ID, u.ID, s.actor.User.ID); err != nil {
					return err
				}
				out.Granted = u
				return s.audit(ctx, tx, a, "infrastructure.delegate_add", "infrastructure", in.ID,
					fmt.Sprintf("assigned infrastructure %q to the service user %s", in.Name, u.Email))
			case err == nil:
				return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "already_reaches",
					Message: "This person already reaches this infrastructure through their role.",
					Fields:  map[string]string{"email": "This person already reaches this infrastructure through their role."}}
			case tenantry.ErrorKind(err) != tenantry.ENOTFOUND:
				return err
			}
		}
		inv, token, err := s.newInvitation(ctx, tx, a, in, email, "", tenantry.InfraDelegateRole)
		if err != nil {
			return err
		}
		if err := s.mailInvitation(ctx, tx, a, inv, token, links); err != nil {
			return err
		}
		out.Invitation = inv
		return s.audit(ctx, tx, a, "invitation.create", "invitation", inv.ID,
			fmt.Sprintf("invited %s as a delegate of infrastructure %q", email, in.Name))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RemoveInfraDelegate ends a delegate's access to one infrastructure, from
// the next request on (its account's infra.manage). Errors: ENOTFOUND (no
// such infrastructure or delegate), EFORBIDDEN.
func (s *Scope) RemoveInfraDelegate(ctx context.Context, infraID, userID string) error {
	return s.db.inTx(ctx, func(tx *tx) error {
		in, a, err := s.ownedInfra(ctx, tx, infraID, tenantry.PermInfraManage)
		if err != nil {
			return err
		}
		var email string
		err = tx.QueryRowContext(ctx, `DELETE FROM infrastructure_grants WHERE infrastructure_id = ? AND user_id = ?
			RETURNING (SELECT email FROM users WHERE id = user_id)`, in.ID, userID).Scan(&email)
		if err != nil {
			return notFound(err)
		}
		return s.audit(ctx, tx, a, "infrastructure.delegate_remove", "infrastructure", in.ID,
			fmt.Sprintf("%s is no longer a delegate of infrastructure %q", email, in.Name))
	})
}

// LeaveInfraDelegation ends the user's own delegation to an
// infrastructure reachable on the tenant, from the delegate's side.
// Errors: ENOTFOUND.
func (db *DB) LeaveInfraDelegation(ctx context.Context, t *tenantry.Tenant, u *tenantry.User, infraID, ip string) error {
	return db.inTx(ctx, func(tx *tx) error {
		where, args := subtree("a.path", t.Account.Path)
		var accountID, name string
		err := tx.QueryRowContext(ctx, `SELECT a.id, i.name FROM infrastructure_grants g
			JOIN infrastructures i ON i.id = g.infrastructure_id JOIN accounts a ON a.id = i.account_id
			WHERE g.infrastructure_id = ? AND g.user_id = ? AND `+where, append([]any{infraID, u.ID}, args...)...).Scan(&accountID, &name)
		if err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM infrastructure_grants WHERE infrastructure_id = ? AND user_id = ?`,
			infraID, u.ID); err != nil {
			return err
		}
		a, err := accountByID(ctx, tx, accountID)
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, auditEvent{ActorID: u.ID, ActorEmail: u.Email, Account: a, Action: "infrastructure.delegate_remove",
			ObjectType: "infrastructure", ObjectID: infraID, Summary: fmt.Sprintf("%s stopped being a delegate of infrastructure %q", u.Email, name), IP: ip})
	})
}
