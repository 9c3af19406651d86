package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/tenantry/tenantry/internal/tenantry"
)

const accountColumns = `a.id, a.kind, COALESCE(a.parent_id, ''), a.path, a.depth, a.name,
	a.contact_email, a.status, COALESCE(a.suspended_by, ''), a.suspend_reason, a.max_reseller_depth,
	a.created_at, a.updated_at, a.is_organization, COALESCE(a.organization_id, '')`

type scanner interface{ Scan(dest ...any) error }

// scanAccount scans accountColumns, then any extra columns into extra.
func scanAccount(row scanner, extra ...any) (*tenantry.Account, error) {
	var a tenantry.Account
	var created, updated int64
	err := row.Scan(append([]any{&a.ID, &a.Kind, &a.ParentID, &a.Path, &a.Depth, &a.Name,
		&a.ContactEmail, &a.Status, &a.SuspendedBy, &a.SuspendReason, &a.MaxResellerDepth, &created, &updated,
		&a.IsOrganization, &a.OrganizationID}, extra...)...)
	if err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	return &a, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// accountByID loads any account, with no scope: callers bound it first.
func accountByID(ctx context.Context, q querier, id string) (*tenantry.Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts a WHERE a.id = ?`, id))
	return a, notFound(err)
}

// subtree returns SQL bounding column to the subtree at path, and its args.
func subtree(column, path string) (string, []any) {
	return column + ` >= ? AND ` + column + ` < ?`, []any{path, tenantry.SubtreeUpper(path)}
}

// TenantByHost returns the tenant that owns the normalised host, or
// ENOTFOUND. It is unscoped: it is how a request finds its scope.
func (db *DB) TenantByHost(ctx context.Context, host string) (*tenantry.Tenant, error) {
	var canonical string
	a, err := scanAccount(db.read.QueryRowContext(ctx, `SELECT `+accountColumns+`,
			(SELECT p.fqdn FROM domains p WHERE p.account_id = a.id `+primaryFirst+` LIMIT 1)
		FROM domains d JOIN accounts a ON a.id = d.account_id WHERE d.fqdn = ?`, host), &canonical)
	if err != nil {
		return nil, notFound(err)
	}
	return &tenantry.Tenant{Account: *a, Host: host, Canonical: canonical}, nil
}

// primaryFirst orders an account's domains: the primary one (its end
// user panel URL) first, then the oldest.
const primaryFirst = `ORDER BY is_primary DESC, created_at, fqdn`

// primaryDomain returns the primary domain of an account (else its oldest
// one), or "" if it has none.
func primaryDomain(ctx context.Context, q querier, accountID string) (string, error) {
	var fqdn string
	err := q.QueryRowContext(ctx, `SELECT fqdn FROM domains WHERE account_id = ? `+primaryFirst+` LIMIT 1`, accountID).Scan(&fqdn)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return fqdn, err
}

// servingAccount returns the id of the account whose domain serves a's
// users: the nearest account strictly above a that owns a domain, under
// the platform rule. The platform domain shows the provider's brand, so
// it serves only the accounts directly below the provider: when the
// nearest domain is the provider's and a lies deeper (a customer of a
// domainless reseller, say), a is served nowhere and servingAccount
// returns "", as it does for the provider itself. Sign-in (usableOn) and
// every link mailed or shown to a's users (loginTenant) follow it, so
// the two always agree.
func servingAccount(ctx context.Context, q querier, a *tenantry.Account) (string, error) {
	ids := a.AncestorIDs()
	ids = ids[:len(ids)-1] // strictly above
	if len(ids) == 0 {
		return "", nil
	}
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT account_id FROM domains WHERE account_id IN (`+
		placeholders(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	has := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", err
		}
		has[id] = true
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if has[ids[i]] {
			if i == 0 && len(ids) > 1 {
				// the provider's platform domain, but a is not directly below it
				return "", nil
			}
			return ids[i], nil
		}
	}
	return "", nil
}

// errNoDomain refuses to invite, mail or link a's users while no domain
// serves them (servingAccount is ""): the vendor named is the one to give
// a domain, a itself when it is a vendor, else its parent.
func errNoDomain(ctx context.Context, q querier, a *tenantry.Account) error {
	name := a.Name
	if !a.Kind.IsVendor() && a.ParentID != "" {
		parent, err := accountByID(ctx, q, a.ParentID)
		if err != nil {
			return err
		}
		name = parent.Name
	}
	return &tenantry.Error{Kind: tenantry.EINVALID, Code: "no_domain",
		Message: name + " has no domain where its users sign in yet: add one first."}
}

// usableOn reports whether a membership on account a may be used on the
// tenant's domain: on a's own domain and on the domain that serves a
// (servingAccount, which applies the platform rule: only the provider's
// own staff and the staff of the accounts directly below it sign in on
// the platform domain, never a sub-reseller's staff or anyone further
// down). A customer of a white-labelled reseller therefore never logs in
// on the platform domain, and nobody logs in on another reseller's
// domain.
func usableOn(ctx context.Context, q querier, a *tenantry.Account, t *tenantry.Tenant) (bool, error) {
	if !t.Account.Contains(a) {
		return false, nil
	}
	if a.ID == t.Account.ID {
		return true, nil
	}
	serving, err := servingAccount(ctx, q, a)
	return serving == t.Account.ID, err
}

// ActorFor returns the user with the grants usable on the tenant's domain,
// whatever the accounts' status; callers decide what a suspended grant
// means. It returns ENOTFOUND when the user does not exist.
func (db *DB) ActorFor(ctx context.Context, t *tenantry.Tenant, userID string) (*tenantry.Actor, error) {
	u, err := db.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	where, args := subtree("a.path", t.Account.Path)
	rows, err := db.read.QueryContext(ctx, `SELECT `+accountColumns+`, m.role, r.name, r.permissions, m.delegate
		FROM memberships m JOIN accounts a ON a.id = m.account_id
		LEFT JOIN roles r ON r.id = m.role AND r.account_id = m.account_id
		WHERE m.user_id = ? AND `+where+` ORDER BY a.path`, append([]any{userID}, args...)...)
	if err != nil {
		return nil, err
	}
	var grants []tenantry.Grant
	for rows.Next() {
		var role string
		var customName, customPerms sql.NullString
		var delegate bool
		a, err := scanAccount(rows, &role, &customName, &customPerms, &delegate)
		if err != nil {
			rows.Close()
			return nil, err
		}
		g := tenantry.Grant{Account: *a, Role: tenantry.Role(role), Via: "member"}
		if delegate {
			g.Via = "delegate"
		}
		if customPerms.Valid {
			g.RoleName, g.Custom = customName.String, parsePermissions(customPerms.String)
		}
		grants = append(grants, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	actor := &tenantry.Actor{User: *u}
	for _, g := range grants {
		ok, err := usableOn(ctx, db.read, &g.Account, t)
		if err != nil {
			return nil, err
		}
		if ok {
			actor.Grants = append(actor.Grants, g)
		}
	}
	if actor.Infras, err = db.infraGrantsOf(ctx, t, userID); err != nil {
		return nil, err
	}
	return actor, nil
}

// infraGrantsOf returns the user's grants on single live infrastructures
// usable on the tenant's domain: by the rule of usableOn, applied to the
// account that owns the infrastructure.
func (db *DB) infraGrantsOf(ctx context.Context, t *tenantry.Tenant, userID string) ([]tenantry.InfraGrant, error) {
	where, args := subtree("a.path", t.Account.Path)
	rows, err := db.read.QueryContext(ctx, `SELECT `+accountColumns+`, g.infrastructure_id
		FROM infrastructure_grants g JOIN infrastructures i ON i.id = g.infrastructure_id AND i.status = 'active'
		JOIN accounts a ON a.id = i.account_id
		WHERE g.user_id = ? AND `+where+` ORDER BY a.path, i.id`, append([]any{userID}, args...)...)
	if err != nil {
		return nil, err
	}
	var all []tenantry.InfraGrant
	for rows.Next() {
		var g tenantry.InfraGrant
		a, err := scanAccount(rows, &g.InfraID)
		if err != nil {
			rows.Close()
			return nil, err
		}
		g.Account = *a
		all = append(all, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// A delegate of many infrastructures has them in many customers of
	// few vendors: whether a customer is served on this domain depends on
	// its vendors only, so it is decided once per vendor.
	usable := map[string]bool{}
	var out []tenantry.InfraGrant
	for _, g := range all {
		key := g.Account.ID
		if g.Account.Kind == tenantry.KindCustomer {
			key = "below:" + g.Account.ParentID
		}
		ok, seen := usable[key]
		if !seen {
			if ok, err = usableOn(ctx, db.read, &g.Account, t); err != nil {
				return nil, err
			}
			usable[key] = ok
		}
		if ok {
			out = append(out, g)
		}
	}
	return out, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// insertAccount writes a new account row below parent (nil for the provider).
func insertAccount(ctx context.Context, tx *tx, a *tenantry.Account, parent *tenantry.Account) error {
	a.ID = tenantry.NewID("acc")
	a.Path, a.Depth = "/"+a.ID+"/", 0
	var parentID any
	if parent != nil {
		a.ParentID, a.Path, a.Depth = parent.ID, parent.ChildPath(a.ID), parent.Depth+1
		parentID = parent.ID
	}
	a.CreatedAt, a.UpdatedAt = tx.now, tx.now
	var orgID any
	if a.OrganizationID != "" {
		orgID = a.OrganizationID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO accounts
		(id, kind, parent_id, path, depth, name, contact_email, status, created_at, updated_at, is_organization, organization_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Kind, parentID, a.Path, a.Depth, a.Name, a.ContactEmail, a.Status, ms(tx.now), ms(tx.now),
		a.IsOrganization, orgID)
	if err != nil {
		return fmt.Errorf("insert account: %w", err)
	}
	return nil
}
