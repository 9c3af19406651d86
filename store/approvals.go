package store

import (
	"context"
	"fmt"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// The vendor's side of sign-up approval: the to-do list of sign-ups that
// wait for it, and rejecting one (approving is ApproveAccount, in
// signup.go).

// pendingSignupsShown caps the dashboard's to-do list; the counter still
// counts them all.
const pendingSignupsShown = 50

// PendingSignup is a sign-up that waits for its vendor's approval.
type PendingSignup struct {
	Account    tenantry.Account
	OwnerName  string
	OwnerEmail string
	// EmailConfirmed says the owner has confirmed their address: approving
	// it makes the account active at once.
	EmailConfirmed bool
}

// PendingSignups is a vendor's to-do list of sign-ups.
type PendingSignups struct {
	// Items are the oldest pendingSignupsShown sign-ups, oldest first.
	Items []PendingSignup
	// Total counts them all.
	Total int
}

// PendingSignups lists the sign-ups directly below the vendor that wait
// for its approval (pending and not yet approved, where the vendor
// requires approval) and that the actor may approve. Sign-ups below a
// sub-reseller are that reseller's to approve, so they are not listed.
// Errors: ENOTFOUND.
func (s *Scope) PendingSignups(ctx context.Context, vendorID string) (*PendingSignups, error) {
	v, err := s.account(ctx, s.db.read, vendorID)
	if err != nil {
		return nil, err
	}
	out := &PendingSignups{}
	if !v.Kind.IsVendor() {
		return out, nil
	}
	st, err := settingsOf(ctx, s.db.read, v.ID)
	if err != nil {
		return nil, err
	}
	if !st.SignupRequiresApproval {
		return out, nil
	}
	owner := func(col string) string {
		return `(SELECT ` + col + ` FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.account_id = a.id AND m.role = 'Owner' ORDER BY u.email LIMIT 1)`
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+accountColumns+`, COALESCE(`+owner("u.name")+`, ''),
			COALESCE(`+owner("u.email")+`, ''), EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.account_id = a.id AND m.role = 'Owner' AND u.email_verified_at IS NOT NULL)
		FROM accounts a WHERE a.parent_id = ? AND a.status = 'pending' AND a.approved_at IS NULL
		ORDER BY a.created_at, a.id`, v.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p PendingSignup
		a, err := scanAccount(rows, &p.OwnerName, &p.OwnerEmail, &p.EmailConfirmed)
		if err != nil {
			return nil, err
		}
		if tenantry.Authorize(s.actor, tenantry.PermissionForKind(a.Kind), a) != nil {
			continue
		}
		out.Total++
		if len(out.Items) < pendingSignupsShown {
			p.Account = *a
			out.Items = append(out.Items, p)
		}
	}
	return out, rows.Err()
}

// RejectSignup deletes a sign-up that waits for its vendor's approval:
// the account (its memberships, plan, tokens and invitations go with it)
// and each of its members who belongs to no other account, in one
// transaction, audited on the vendor. It returns the deleted account.
// Errors: ENOTFOUND, EFORBIDDEN (the vendor permission for its kind),
// EINVALID (not a pending, unapproved customer).
func (s *Scope) RejectSignup(ctx context.Context, id string) (*tenantry.Account, error) {
	var out *tenantry.Account
	err := s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.account(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tenantry.Authorize(s.actor, tenantry.PermissionForKind(a.Kind), a); err != nil {
			return err
		}
		var approved bool
		if err := tx.QueryRowContext(ctx, `SELECT approved_at IS NOT NULL FROM accounts WHERE id = ?`, a.ID).Scan(&approved); err != nil {
			return notFound(err)
		}
		if a.Status != tenantry.StatusPending || approved || a.Kind != tenantry.KindCustomer || a.ParentID == "" {
			return tenantry.Invalid(map[string]string{"status": "Only a sign-up that waits for approval can be rejected."})
		}
		vendor, err := accountByID(ctx, tx, a.ParentID)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.account_id = ? ORDER BY u.email`, a.ID)
		if err != nil {
			return err
		}
		var members [][2]string
		for rows.Next() {
			var m [2]string
			if err := rows.Scan(&m[0], &m[1]); err != nil {
				rows.Close()
				return err
			}
			members = append(members, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE id = ?`, a.ID); err != nil {
			return fmt.Errorf("delete sign-up: %w", err)
		}
		summary := fmt.Sprintf("rejected and deleted the sign-up of %q", a.Name)
		var removed []string
		for _, m := range members {
			res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?
				AND NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = ?)`, m[0], m[0])
			if err != nil {
				return fmt.Errorf("delete sign-up user: %w", err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				removed = append(removed, m[1])
			}
		}
		for i, e := range removed {
			if i == 0 {
				summary += ", with its user " + e
			} else {
				summary += ", " + e
			}
		}
		if err := s.audit(ctx, tx, vendor, "account.reject", "account", a.ID, summary); err != nil {
			return err
		}
		out = a
		return nil
	})
	return out, err
}
