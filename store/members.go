package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// The people of an account: its members and their roles, and the custom
// roles it defines.

func parsePermissions(s string) []tenantry.Permission {
	var out []tenantry.Permission
	for _, f := range strings.Fields(s) {
		out = append(out, tenantry.Permission(f))
	}
	return out
}

func formatPermissions(ps []tenantry.Permission) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = string(p)
	}
	return strings.Join(parts, " ")
}

// Roles lists the custom roles an account defines, by name.
func (s *Scope) Roles(ctx context.Context, accountID string) ([]tenantry.CustomRole, error) {
	a, err := s.Account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT id, name, permissions, created_at FROM roles
		WHERE account_id = ? ORDER BY name`, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenantry.CustomRole
	for rows.Next() {
		r := tenantry.CustomRole{AccountID: a.ID}
		var perms string
		var created int64
		if err := rows.Scan(&r.ID, &r.Name, &perms, &created); err != nil {
			return nil, err
		}
		r.Permissions, r.CreatedAt = parsePermissions(perms), fromMS(created)
		out = append(out, r)
	}
	return out, rows.Err()
}

func roleConflict(err error) error {
	if isUniqueViolation(err) {
		return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "role_name_taken", Message: "This account already has a role with this name.",
			Fields: map[string]string{"name": "This account already has a role with this name."}}
	}
	return err
}

// managedAccount loads an account in reach and checks p on it.
func (s *Scope) managedAccount(ctx context.Context, q querier, id string, p tenantry.Permission) (*tenantry.Account, error) {
	a, err := s.account(ctx, q, id)
	if err != nil {
		return nil, err
	}
	return a, tenantry.Authorize(s.actor, p, a)
}

// CreateRole defines a custom role on an account (roles.manage). Errors:
// EINVALID, ENOTFOUND, EFORBIDDEN, ECONFLICT (name taken).
func (s *Scope) CreateRole(ctx context.Context, accountID string, in tenantry.RoleInput) (*tenantry.CustomRole, error) {
	name, perms, err := in.Parse()
	if err != nil {
		return nil, err
	}
	var out *tenantry.CustomRole
	err = s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.managedAccount(ctx, tx, accountID, tenantry.PermRolesManage)
		if err != nil {
			return err
		}
		out = &tenantry.CustomRole{ID: tenantry.NewID("rol"), AccountID: a.ID, Name: name, Permissions: perms, CreatedAt: tx.now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO roles (id, account_id, name, permissions, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, out.ID, a.ID, name, formatPermissions(perms), ms(tx.now), ms(tx.now)); err != nil {
			return roleConflict(err)
		}
		return s.audit(ctx, tx, a, "role.create", "role", out.ID, fmt.Sprintf("created role %q: %s", name, formatPermissions(perms)))
	})
	return out, err
}

// roleOf loads a custom role whose account the actor manages with p.
func (s *Scope) roleOf(ctx context.Context, q querier, roleID string, p tenantry.Permission) (*tenantry.CustomRole, *tenantry.Account, error) {
	r := &tenantry.CustomRole{ID: roleID}
	var perms string
	var created int64
	err := q.QueryRowContext(ctx, `SELECT account_id, name, permissions, created_at FROM roles WHERE id = ?`, roleID).
		Scan(&r.AccountID, &r.Name, &perms, &created)
	if err != nil {
		return nil, nil, notFound(err)
	}
	r.Permissions, r.CreatedAt = parsePermissions(perms), fromMS(created)
	a, err := s.managedAccount(ctx, q, r.AccountID, p)
	if err != nil {
		return nil, nil, err
	}
	return r, a, nil
}

// UpdateRole renames a custom role or changes its permissions; members
// holding it get the new permissions on their next request.
func (s *Scope) UpdateRole(ctx context.Context, roleID string, in tenantry.RoleInput) (*tenantry.CustomRole, error) {
	name, perms, err := in.Parse()
	if err != nil {
		return nil, err
	}
	var out *tenantry.CustomRole
	err = s.db.inTx(ctx, func(tx *tx) error {
		r, a, err := s.roleOf(ctx, tx, roleID, tenantry.PermRolesManage)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE roles SET name = ?, permissions = ?, updated_at = ? WHERE id = ?`,
			name, formatPermissions(perms), ms(tx.now), r.ID); err != nil {
			return roleConflict(err)
		}
		out = &tenantry.CustomRole{ID: r.ID, AccountID: r.AccountID, Name: name, Permissions: perms, CreatedAt: r.CreatedAt}
		return s.audit(ctx, tx, a, "role.update", "role", r.ID, fmt.Sprintf("role %q (%s) → %q (%s)",
			r.Name, formatPermissions(r.Permissions), name, formatPermissions(perms)))
	})
	return out, err
}

// DeleteRole removes a custom role nobody holds. Errors: ENOTFOUND,
// EFORBIDDEN, ECONFLICT (still held).
func (s *Scope) DeleteRole(ctx context.Context, roleID string) error {
	return s.db.inTx(ctx, func(tx *tx) error {
		r, a, err := s.roleOf(ctx, tx, roleID, tenantry.PermRolesManage)
		if err != nil {
			return err
		}
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE account_id = ? AND role = ?`, r.AccountID, r.ID).
			Scan(&held); err != nil {
			return err
		}
		if held > 0 {
			return tenantry.Errorf(tenantry.ECONFLICT, "%d members hold this role: give them another one first.", held)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM roles WHERE id = ?`, r.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "role.delete", "role", r.ID, fmt.Sprintf("deleted role %q", r.Name))
	})
}

// isOwnerOver reports whether the actor is an Owner of a or of an account
// above it: only Owners make or unmake Owners.
func (s *Scope) isOwnerOver(a *tenantry.Account) bool {
	for _, g := range s.actor.Grants {
		if g.Role == tenantry.RoleOwner && g.Account.Contains(a) {
			return true
		}
	}
	return false
}

var errLastOwner = &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "last_owner",
	Message: "An account must keep at least one Owner: make someone else Owner first."}

var errOwnersOnly = &tenantry.Error{Kind: tenantry.EFORBIDDEN, Code: tenantry.EFORBIDDEN,
	Message: "Only an Owner can make, unmake or remove an Owner."}

// ownerLeaves checks that an Owner may lose that role on a (demoted or
// removed): only an Owner does it, and another Owner stays.
func (s *Scope) ownerLeaves(ctx context.Context, tx *tx, a *tenantry.Account) error {
	if !s.isOwnerOver(a) {
		return errOwnersOnly
	}
	n, err := owners(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return errLastOwner
	}
	return nil
}

// membership returns a member's role on the account, or ENOTFOUND.
func membership(ctx context.Context, q querier, accountID, userID string) (tenantry.Role, error) {
	var role string
	err := q.QueryRowContext(ctx, `SELECT role FROM memberships WHERE account_id = ? AND user_id = ?`, accountID, userID).Scan(&role)
	return tenantry.Role(role), notFound(err)
}

func owners(ctx context.Context, q querier, accountID string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE account_id = ? AND role = ?`,
		accountID, string(tenantry.RoleOwner)).Scan(&n)
	return n, err
}

// checkRole validates a role for a membership on account a: a built-in
// role, or one of a's custom roles (another account's is "unknown").
func checkRole(ctx context.Context, q querier, a *tenantry.Account, role tenantry.Role) (string, error) {
	if role.Valid() {
		if !slices.Contains(tenantry.RolesFor(a.Kind), role) {
			return "", tenantry.Invalid(map[string]string{"role": "Service users belong to customer accounts: choose a staff role."})
		}
		return string(role), nil
	}
	var name string
	err := q.QueryRowContext(ctx, `SELECT name FROM roles WHERE id = ? AND account_id = ?`, string(role), a.ID).Scan(&name)
	if err != nil {
		return "", tenantry.Invalid(map[string]string{"role": "Choose one of the account's roles."})
	}
	return name, nil
}

// SetMemberRole changes a member's role (users.manage). Only an Owner
// makes or unmakes an Owner, and the last Owner stays one. Errors:
// EINVALID, ENOTFOUND, EFORBIDDEN, ECONFLICT (last Owner).
func (s *Scope) SetMemberRole(ctx context.Context, accountID, userID string, role tenantry.Role) error {
	return s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.managedAccount(ctx, tx, accountID, tenantry.PermUsersManage)
		if err != nil {
			return err
		}
		old, err := membership(ctx, tx, a.ID, userID)
		if err != nil {
			return err
		}
		name, err := checkRole(ctx, tx, a, role)
		if err != nil {
			return err
		}
		if old == role {
			return nil
		}
		if role == tenantry.RoleOwner && !s.isOwnerOver(a) {
			return errOwnersOnly
		}
		if old == tenantry.RoleOwner {
			if err := s.ownerLeaves(ctx, tx, a); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET role = ? WHERE account_id = ? AND user_id = ?`,
			string(role), a.ID, userID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "membership.role", "user", userID, fmt.Sprintf("role %s → %s", old, name))
	})
}

// RemoveMember ends a member's membership (users.manage); the last Owner
// stays, and only an Owner removes an Owner. The user keeps their other
// memberships. Errors: ENOTFOUND, EFORBIDDEN, ECONFLICT (last Owner).
func (s *Scope) RemoveMember(ctx context.Context, accountID, userID string) error {
	return s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.managedAccount(ctx, tx, accountID, tenantry.PermUsersManage)
		if err != nil {
			return err
		}
		old, err := membership(ctx, tx, a.ID, userID)
		if err != nil {
			return err
		}
		if old == tenantry.RoleOwner {
			if err := s.ownerLeaves(ctx, tx, a); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE account_id = ? AND user_id = ?`, a.ID, userID); err != nil {
			return err
		}
		// what was assigned to them as one of the account's people (a
		// service user's infrastructures) leaves with them: they must not
		// stay on as an outside delegate nobody chose
		res, err := tx.ExecContext(ctx, `DELETE FROM infrastructure_grants WHERE user_id = ?
			AND infrastructure_id IN (SELECT id FROM infrastructures WHERE account_id = ?)`, userID, a.ID)
		if err != nil {
			return err
		}
		var email string
		if err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = ?`, userID).Scan(&email); err != nil {
			return err
		}
		summary := fmt.Sprintf("removed %s (%s)", email, old)
		if n, _ := res.RowsAffected(); n > 0 {
			summary += fmt.Sprintf(", with the %d infrastructures assigned to them", n)
		}
		return s.audit(ctx, tx, a, "membership.delete", "user", userID, summary)
	})
}

// Members lists the users with a membership on the account.
func (s *Scope) Members(ctx context.Context, accountID string) ([]tenantry.Member, error) {
	a, err := s.Account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT m.role, COALESCE(r.name, m.role),
			CASE m.delegate WHEN 1 THEN 'delegate' ELSE 'member' END, `+userColumns+`
		FROM memberships m JOIN users u ON u.id = m.user_id
		LEFT JOIN roles r ON r.id = m.role AND r.account_id = m.account_id
		WHERE m.account_id = ? ORDER BY u.email`, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenantry.Member
	for rows.Next() {
		var m tenantry.Member
		var created int64
		if err := rows.Scan(&m.Role, &m.RoleName, &m.Via, &m.User.ID, &m.User.Email, &m.User.Name, &m.User.PasswordHash, &created); err != nil {
			return nil, err
		}
		m.User.CreatedAt = fromMS(created)
		m.User.PasswordHash = "" // never leaves the store through a listing
		out = append(out, m)
	}
	return out, rows.Err()
}
