package store

import (
	"context"
	"fmt"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// What a vendor sets up for a reseller below it: its domains (end user
// panel URL and aliases) and how deep it may resell.

// Domains lists the domains of an account, primary first.
func (s *Scope) Domains(ctx context.Context, accountID string) ([]tenantry.Domain, error) {
	a, err := s.Account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT fqdn, is_primary, created_at FROM domains
		WHERE account_id = ? ORDER BY is_primary DESC, created_at, fqdn`, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenantry.Domain
	for rows.Next() {
		var d tenantry.Domain
		var created int64
		if err := rows.Scan(&d.FQDN, &d.Primary, &created); err != nil {
			return nil, err
		}
		d.CreatedAt = fromMS(created)
		out = append(out, d)
	}
	return out, rows.Err()
}

// resellerBelow loads a reseller whose domains and depth the actor manages
// as its vendor (resellers.manage from a grant above it).
func (s *Scope) resellerBelow(ctx context.Context, q querier, id string) (*tenantry.Account, error) {
	a, err := s.account(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if err := tenantry.Authorize(s.actor, tenantry.PermResellersManage, a); err != nil {
		return nil, err
	}
	if a.Kind != tenantry.KindReseller {
		return nil, tenantry.Invalid(map[string]string{"fqdn": "Only a reseller has domains of its own."})
	}
	return a, nil
}

// resellerDomain loads a reseller the actor manages and validates a domain
// name for it, returning the name in its stored form.
func (s *Scope) resellerDomain(ctx context.Context, tx *tx, accountID, fqdn string) (*tenantry.Account, string, error) {
	a, err := s.resellerBelow(ctx, tx, accountID)
	if err != nil {
		return nil, "", err
	}
	host, why := tenantry.CheckFQDN(fqdn)
	if why != "" {
		return nil, "", tenantry.Invalid(map[string]string{"fqdn": why})
	}
	return a, host, nil
}

var errDomainTaken = &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "domain_taken", Message: "This domain is already in use.",
	Fields: map[string]string{"fqdn": "This domain is already in use."}}

// insertDomain adds a validated domain; the platform's and every other
// account's domains are taken (ECONFLICT).
func insertDomain(ctx context.Context, tx *tx, accountID, host string, primary bool) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO domains (fqdn, account_id, is_primary, created_at) VALUES (?, ?, ?, ?)`,
		host, accountID, primary, ms(tx.now))
	if isUniqueViolation(err) {
		var kind string
		if qerr := tx.QueryRowContext(ctx, `SELECT a.kind FROM domains d JOIN accounts a ON a.id = d.account_id
			WHERE d.fqdn = ?`, host).Scan(&kind); qerr == nil && kind == string(tenantry.KindProvider) {
			return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "domain_taken", Message: "This is the platform's own domain.",
				Fields: map[string]string{"fqdn": "This is the platform's own domain: a reseller needs a name of its own."}}
		}
		return errDomainTaken
	}
	return err
}

// AddDomain adds an alias to a reseller (its first domain becomes its end
// user panel URL). It takes effect on the next request. Errors: EINVALID,
// ENOTFOUND, EFORBIDDEN, ECONFLICT (taken platform-wide, the platform
// domain included).
func (s *Scope) AddDomain(ctx context.Context, accountID, fqdn string) error {
	return s.db.inTx(ctx, func(tx *tx) error {
		a, host, err := s.resellerDomain(ctx, tx, accountID, fqdn)
		if err != nil {
			return err
		}
		primary, err := primaryDomain(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		if err := insertDomain(ctx, tx, a.ID, host, primary == ""); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "domain.create", "domain", host, "added domain "+host)
	})
}

// SetPanelDomain makes fqdn the reseller's end user panel URL, replacing
// the previous one (an alias that becomes the URL stops being an alias).
func (s *Scope) SetPanelDomain(ctx context.Context, accountID, fqdn string) error {
	return s.db.inTx(ctx, func(tx *tx) error {
		a, host, err := s.resellerDomain(ctx, tx, accountID, fqdn)
		if err != nil {
			return err
		}
		old, err := primaryDomain(ctx, tx, a.ID)
		if err != nil || old == host {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM domains WHERE account_id = ? AND (is_primary = 1 OR fqdn = ?)`, a.ID, host); err != nil {
			return err
		}
		if err := insertDomain(ctx, tx, a.ID, host, true); err != nil {
			return err
		}
		summary := "end user panel URL set to " + host
		if old != "" {
			summary = fmt.Sprintf("end user panel URL changed from %s to %s", old, host)
		}
		return s.audit(ctx, tx, a, "domain.primary", "domain", host, summary)
	})
}

// RemoveDomain removes one of a reseller's domains. Removing the end user
// panel URL promotes the oldest alias, if any. Errors: ENOTFOUND (also for
// a domain the reseller does not have), EFORBIDDEN.
func (s *Scope) RemoveDomain(ctx context.Context, accountID, fqdn string) error {
	return s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.resellerBelow(ctx, tx, accountID)
		if err != nil {
			return err
		}
		host := tenantry.NormalizeHost(fqdn)
		var primary bool
		err = tx.QueryRowContext(ctx, `DELETE FROM domains WHERE account_id = ? AND fqdn = ? RETURNING is_primary`, a.ID, host).Scan(&primary)
		if err != nil {
			return notFound(err)
		}
		if primary {
			if _, err := tx.ExecContext(ctx, `UPDATE domains SET is_primary = 1 WHERE fqdn =
				(SELECT fqdn FROM domains WHERE account_id = ? ORDER BY created_at, fqdn LIMIT 1)`, a.ID); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, "domain.delete", "domain", host, "removed domain "+host)
	})
}

// MaxResellerDepthLimit bounds any reseller's sub-reseller depth.
const MaxResellerDepthLimit = 10

// SetResellerDepth sets how many levels of sub-resellers a reseller may
// create below it: at most one less than its vendor may (the provider has
// no limit). Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Scope) SetResellerDepth(ctx context.Context, accountID string, depth int) error {
	return s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.resellerBelow(ctx, tx, accountID)
		if err != nil {
			return err
		}
		return s.setResellerDepth(ctx, tx, a, depth)
	})
}

func (s *Scope) setResellerDepth(ctx context.Context, tx *tx, a *tenantry.Account, depth int) error {
	limit := MaxResellerDepthLimit
	parent, err := accountByID(ctx, tx, a.ParentID)
	if err != nil {
		return err
	}
	if parent.Kind == tenantry.KindReseller {
		limit = parent.MaxResellerDepth - 1
	}
	if depth < 0 || depth > limit {
		return tenantry.Invalid(map[string]string{"max_reseller_depth": fmt.Sprintf("Choose from 0 to %d.", max(limit, 0))})
	}
	// the sub-resellers that already exist set a floor
	where, args := subtree("path", a.Path)
	var deepest int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(depth), 0) FROM accounts WHERE kind = 'reseller' AND `+where,
		args...).Scan(&deepest); err != nil {
		return err
	}
	if levels := deepest - a.Depth; depth < levels {
		return tenantry.Invalid(map[string]string{"max_reseller_depth": fmt.Sprintf(
			"It already has sub-resellers %d levels deep: choose at least %d.", levels, levels)})
	}
	if depth == a.MaxResellerDepth {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET max_reseller_depth = ?, updated_at = ? WHERE id = ?`,
		depth, ms(tx.now), a.ID); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, "account.reseller_depth", "account", a.ID,
		fmt.Sprintf("sub-reseller depth %d → %d", a.MaxResellerDepth, depth))
}

// ConvertToReseller turns a direct customer of the provider into a
// reseller, which keeps its staff and history. Provider staff only, while
// the reseller programme is on. Errors: ENOTFOUND, EFORBIDDEN, EINVALID.
func (s *Scope) ConvertToReseller(ctx context.Context, accountID string) (*tenantry.Account, error) {
	on, err := s.db.ResellersEnabled(ctx)
	if err != nil {
		return nil, err
	}
	var out *tenantry.Account
	err = s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.account(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if err := tenantry.Authorize(s.actor, tenantry.PermResellersManage, a); err != nil {
			return err
		}
		if !on {
			return &tenantry.Error{Kind: tenantry.EFORBIDDEN, Code: "resellers_disabled", Message: "The reseller programme is not enabled."}
		}
		if why := a.ConvertToResellerRefusal(); why != "" {
			return tenantry.Invalid(map[string]string{"kind": why})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET kind = 'reseller', updated_at = ? WHERE id = ?`, ms(tx.now), a.ID); err != nil {
			return err
		}
		if out, err = accountByID(ctx, tx, a.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, out, "account.convert", "account", a.ID, fmt.Sprintf("converted customer %q into a reseller", a.Name))
	})
	return out, err
}
