package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// Infrastructures and cost centers. Reading needs infra.view on the owning
// account, changing needs infra.manage; anything outside the scope's reach
// is ENOTFOUND, and so is a deleted infrastructure.

const infraColumns = `i.id, i.account_id, i.name, COALESCE(i.cost_center_id, ''), COALESCE(cc.name, ''),
	i.status, i.created_at, i.updated_at`

// infraFrom joins what infraColumns reads.
const infraFrom = `infrastructures i LEFT JOIN cost_centers cc ON cc.id = i.cost_center_id`

func scanInfra(row scanner) (*tenantry.Infrastructure, error) {
	var in tenantry.Infrastructure
	var created, updated int64
	if err := row.Scan(&in.ID, &in.AccountID, &in.Name, &in.CostCenterID, &in.CostCenterName, &in.Status,
		&created, &updated); err != nil {
		return nil, err
	}
	in.CreatedAt, in.UpdatedAt = fromMS(created), fromMS(updated)
	return &in, nil
}

// infra loads a live infrastructure whose account is within the scope's
// reach, or that the actor has a grant on, with its account; ENOTFOUND
// otherwise. It does not authorize.
func (s *Scope) infra(ctx context.Context, q querier, id string) (*tenantry.Infrastructure, *tenantry.Account, error) {
	var accountID string
	err := q.QueryRowContext(ctx, `SELECT account_id FROM infrastructures WHERE id = ? AND status = 'active'`, id).Scan(&accountID)
	if err != nil {
		return nil, nil, notFound(err)
	}
	a, err := s.account(ctx, q, accountID)
	if g := s.actor.InfraGrant(id); tenantry.ErrorKind(err) == tenantry.ENOTFOUND && g != nil && g.Account.ID == accountID {
		// a delegate: the grant was bound to this tenant when the actor
		// was loaded, and its account is the owner
		a, err = &g.Account, nil
	}
	if err != nil {
		return nil, nil, err
	}
	in, err := scanInfra(q.QueryRowContext(ctx, `SELECT `+infraColumns+` FROM `+infraFrom+`
		WHERE i.id = ? AND i.status = 'active'`, id))
	if err != nil {
		return nil, nil, notFound(err)
	}
	return in, a, nil
}

// authorizedAccount loads an account within reach and checks p on it.
func (s *Scope) authorizedAccount(ctx context.Context, q querier, id string, p tenantry.Permission) (*tenantry.Account, error) {
	a, err := s.account(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if err := tenantry.Authorize(s.actor, p, a); err != nil {
		return nil, err
	}
	return a, nil
}

// InfraFilter narrows a list of infrastructures. Zero fields do not filter.
type InfraFilter struct {
	// Q matches a substring of the name, case-insensitively.
	Q string
	// CostCenterID keeps those in this cost center, or in none with
	// tenantry.NoCostCenter.
	CostCenterID string
	// Cursor continues a previous page (InfraPage.NextCursor).
	Cursor string
	Limit  int
}

// InfraPage is one page of infrastructures, by name.
type InfraPage struct {
	Items []tenantry.Infrastructure
	// Total counts every match across all pages.
	Total      int
	NextCursor string
}

// The list cursor is the last item's lower-cased name and id: the list is
// ordered by both, so a page continues exactly after it.
func encodeNameCursor(name, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.ToLower(name) + "\x00" + id))
}

func decodeNameCursor(c string) (string, string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", "", false
	}
	name, id, ok := strings.Cut(string(b), "\x00")
	return name, id, ok && id != ""
}

var errBadCursor = tenantry.Invalid(map[string]string{"cursor": "This cursor is not valid."})

// afterNameCursor adds to where the condition that continues a list of
// infrastructures (i) by name after cursor; "" adds nothing.
func afterNameCursor(where string, args []any, cursor string) (string, []any, error) {
	if cursor == "" {
		return where, args, nil
	}
	name, id, ok := decodeNameCursor(cursor)
	if !ok {
		return "", nil, errBadCursor
	}
	return where + ` AND (lower(i.name) > ? OR (lower(i.name) = ? AND i.id > ?))`, append(args, name, name, id), nil
}

// listLimit is a list's page size: 50 unless asked.
func listLimit(n int) int {
	if n <= 0 {
		return 50
	}
	return n
}

// cutPage keeps the first limit items of a page read with limit+1 rows,
// and returns the cursor after the last one kept when there are more.
func cutPage[T any](items []T, limit int, key func(T) tenantry.Infrastructure) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	last := key(items[limit-1])
	return items, encodeNameCursor(last.Name, last.ID)
}

// Infrastructures lists the live infrastructures of an account, by name.
// Errors: ENOTFOUND (account out of reach), EFORBIDDEN (no infra.view),
// EINVALID (cursor).
func (s *Scope) Infrastructures(ctx context.Context, accountID string, f InfraFilter) (*InfraPage, error) {
	a, err := s.authorizedAccount(ctx, s.db.read, accountID, tenantry.PermInfraView)
	if err != nil {
		return nil, err
	}
	conds := []string{`i.account_id = ?`, `i.status = 'active'`}
	args := []any{a.ID}
	if q := strings.TrimSpace(f.Q); q != "" {
		conds = append(conds, `instr(lower(i.name), lower(?)) > 0`)
		args = append(args, q)
	}
	switch f.CostCenterID {
	case "":
	case tenantry.NoCostCenter:
		conds = append(conds, `i.cost_center_id IS NULL`)
	default:
		conds = append(conds, `i.cost_center_id = ?`)
		args = append(args, f.CostCenterID)
	}
	page := &InfraPage{}
	where := strings.Join(conds, " AND ")
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM infrastructures i WHERE `+where,
		args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	where, args, err = afterNameCursor(where, args, f.Cursor)
	if err != nil {
		return nil, err
	}
	limit := listLimit(f.Limit)
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+infraColumns+` FROM `+infraFrom+` WHERE `+where+`
		ORDER BY lower(i.name), i.id LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		in, err := scanInfra(rows)
		if err != nil {
			return nil, err
		}
		page.Items = append(page.Items, *in)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	page.Items, page.NextCursor = cutPage(page.Items, limit, func(in tenantry.Infrastructure) tenantry.Infrastructure { return in })
	return page, nil
}

// Infrastructure returns a live infrastructure. Errors: ENOTFOUND (absent,
// deleted or out of reach), EFORBIDDEN (no infra.view on its account).
func (s *Scope) Infrastructure(ctx context.Context, id string) (*tenantry.Infrastructure, error) {
	in, _, err := s.InfrastructureAndOwner(ctx, id)
	return in, err
}

// InfrastructureAndOwner is Infrastructure with the account that owns it,
// for a page that must tell what the actor may do there. A delegate gets
// the owner too, though the owner is out of its reach otherwise.
func (s *Scope) InfrastructureAndOwner(ctx context.Context, id string) (*tenantry.Infrastructure, *tenantry.Account, error) {
	in, a, err := s.infra(ctx, s.db.read, id)
	if err != nil {
		return nil, nil, err
	}
	if err := tenantry.AuthorizeInfra(s.actor, tenantry.PermInfraView, a, in.ID); err != nil {
		return nil, nil, err
	}
	return in, a, nil
}

// errCostCenterChoice refuses a cost center that is not one of the
// account's: absent and another account's get the same words, so that an
// id typed from elsewhere reveals nothing.
var errCostCenterChoice = tenantry.Invalid(map[string]string{"cost_center_id": "Choose one of this account's cost centers."})

// costCenterOf loads the account's cost center by id, within tx.
func costCenterOf(ctx context.Context, q querier, accountID, id string) (*tenantry.CostCenter, error) {
	var cc tenantry.CostCenter
	var created int64
	err := q.QueryRowContext(ctx, `SELECT id, account_id, name, created_at FROM cost_centers WHERE id = ? AND account_id = ?`,
		id, accountID).Scan(&cc.ID, &cc.AccountID, &cc.Name, &created)
	if err != nil {
		return nil, notFound(err)
	}
	cc.CreatedAt = fromMS(created)
	return &cc, nil
}

// assignable resolves a cost center id chosen for an infrastructure of
// account: "" is none; any id that is not one of the account's cost
// centers is EINVALID on cost_center_id.
func assignable(ctx context.Context, q querier, accountID, id string) (*tenantry.CostCenter, error) {
	if id == "" {
		return nil, nil
	}
	cc, err := costCenterOf(ctx, q, accountID, id)
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		return nil, errCostCenterChoice
	}
	return cc, err
}

func infraNameTaken(err error) error {
	if isUniqueViolation(err) {
		return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "infrastructure_name_taken",
			Message: "This account already has an infrastructure with this name.",
			Fields:  map[string]string{"name": "This account already has an infrastructure with this name."}}
	}
	return err
}

func ccText(cc *tenantry.CostCenter) string {
	if cc == nil {
		return "no cost center"
	}
	return fmt.Sprintf("cost center %q", cc.Name)
}

// CreateInfrastructure creates an infrastructure owned by a customer
// account, optionally in one of its cost centers. Errors: ENOTFOUND
// (account out of reach), EFORBIDDEN (no infra.manage), EINVALID (input,
// an account that is not an active customer, a cost center that is not
// the account's), ECONFLICT (name taken in the account).
func (s *Scope) CreateInfrastructure(ctx context.Context, accountID string, in tenantry.NewInfrastructure) (*tenantry.Infrastructure, error) {
	in.Normalize()
	var out *tenantry.Infrastructure
	err := s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.authorizedAccount(ctx, tx, accountID, tenantry.PermInfraManage)
		if err != nil {
			return err
		}
		// resellers and the provider owning infrastructures of their own
		// is not part of this release
		if a.Kind != tenantry.KindCustomer {
			return &tenantry.Error{Kind: tenantry.EINVALID, Code: "not_a_customer",
				Message: "Only a customer account has infrastructures."}
		}
		if a.Status != tenantry.StatusActive {
			return &tenantry.Error{Kind: tenantry.EINVALID, Code: "account_not_active",
				Message: "This account is not active: it cannot get new infrastructures."}
		}
		if a.IsOrganization {
			return errAnchorNoInfra
		}
		if err := tenantry.Check(in); err != nil {
			return err
		}
		cc, err := assignable(ctx, tx, a.ID, in.CostCenterID)
		if err != nil {
			return err
		}
		out = &tenantry.Infrastructure{ID: tenantry.NewID("inf"), AccountID: a.ID, Name: in.Name,
			Status: tenantry.InfraActive, CreatedAt: tx.now, UpdatedAt: tx.now}
		var ccID any
		if cc != nil {
			out.CostCenterID, out.CostCenterName, ccID = cc.ID, cc.Name, cc.ID
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO infrastructures (id, account_id, name, cost_center_id, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'active', ?, ?)`, out.ID, a.ID, out.Name, ccID, ms(tx.now), ms(tx.now))
		if err != nil {
			return infraNameTaken(err)
		}
		return s.audit(ctx, tx, a, "infrastructure.create", "infrastructure", out.ID,
			fmt.Sprintf("created infrastructure %q in %s", out.Name, ccText(cc)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateInfrastructure renames an infrastructure and/or moves it to
// another of its account's cost centers, or to none. Errors: ENOTFOUND,
// EFORBIDDEN, EINVALID, ECONFLICT (name taken).
func (s *Scope) UpdateInfrastructure(ctx context.Context, id string, u tenantry.InfrastructureUpdate) (*tenantry.Infrastructure, error) {
	u.Normalize()
	var out *tenantry.Infrastructure
	err := s.db.inTx(ctx, func(tx *tx) error {
		in, a, err := s.infra(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tenantry.AuthorizeInfra(s.actor, tenantry.PermInfraManage, a, in.ID); err != nil {
			return err
		}
		// the owner's cost centers are the owner's business: a delegate
		// renames, and sends the cost center back unchanged or not at all
		if u.CostCenterID.Set && u.CostCenterID.Value != in.CostCenterID {
			if err := tenantry.AuthorizeInfraOwner(s.actor, tenantry.PermInfraManage, a, in.ID); err != nil {
				return err
			}
		}
		if err := u.Validate(); err != nil {
			return err
		}
		var changes []string
		if u.Name != nil && *u.Name != in.Name {
			changes = append(changes, fmt.Sprintf("name %q → %q", in.Name, *u.Name))
			in.Name = *u.Name
		}
		if u.CostCenterID.Set && u.CostCenterID.Value != in.CostCenterID {
			cc, err := assignable(ctx, tx, a.ID, u.CostCenterID.Value)
			if err != nil {
				return err
			}
			was := "no cost center"
			if in.CostCenterID != "" {
				was = fmt.Sprintf("cost center %q", in.CostCenterName)
			}
			changes = append(changes, fmt.Sprintf("%s → %s", was, ccText(cc)))
			in.CostCenterID, in.CostCenterName = "", ""
			if cc != nil {
				in.CostCenterID, in.CostCenterName = cc.ID, cc.Name
			}
		}
		out = in
		if len(changes) == 0 {
			return nil
		}
		var ccID any
		if in.CostCenterID != "" {
			ccID = in.CostCenterID
		}
		in.UpdatedAt = tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE infrastructures SET name = ?, cost_center_id = ?, updated_at = ? WHERE id = ?`,
			in.Name, ccID, ms(tx.now), in.ID); err != nil {
			return infraNameTaken(err)
		}
		return s.audit(ctx, tx, a, "infrastructure.update", "infrastructure", in.ID,
			fmt.Sprintf("infrastructure %q: %s", in.Name, strings.Join(changes, "; ")))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// hasResources reports whether an infrastructure still holds resources,
// which must be deleted before it is (API.md: DELETE → 409).
func hasResources(ctx context.Context, q querier, infraID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM resources WHERE infrastructure_id = ? AND state <> 'deleted')`, infraID).Scan(&n)
	return n == 1, err
}

// DeleteInfrastructure deletes an infrastructure: it is kept for the
// usage and invoices that will refer to it, but every reader gets
// ENOTFOUND from now on and its name is free again. Errors: ENOTFOUND,
// EFORBIDDEN, ECONFLICT (it still has resources).
func (s *Scope) DeleteInfrastructure(ctx context.Context, id string) error {
	return s.db.inTx(ctx, func(tx *tx) error {
		in, a, err := s.infra(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tenantry.AuthorizeInfraOwner(s.actor, tenantry.PermInfraManage, a, in.ID); err != nil {
			return err
		}
		busy, err := hasResources(ctx, tx, in.ID)
		if err != nil {
			return err
		}
		if busy {
			return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "infrastructure_has_resources",
				Message: "Delete this infrastructure's resources first."}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE infrastructures SET status = 'deleted', deleted_at = ?, updated_at = ?
			WHERE id = ?`, ms(tx.now), ms(tx.now), in.ID); err != nil {
			return err
		}
		summary := fmt.Sprintf("deleted infrastructure %q", in.Name)
		if in.CostCenterName != "" {
			summary += fmt.Sprintf(" (was in cost center %q)", in.CostCenterName)
		}
		return s.audit(ctx, tx, a, "infrastructure.delete", "infrastructure", in.ID, summary)
	})
}

// CostCenters lists an account's cost centers by name, each with the
// number of live infrastructures assigned to it. Errors: ENOTFOUND,
// EFORBIDDEN (no infra.view).
func (s *Scope) CostCenters(ctx context.Context, accountID string) ([]tenantry.CostCenter, error) {
	a, err := s.authorizedAccount(ctx, s.db.read, accountID, tenantry.PermInfraView)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT cc.id, cc.account_id, cc.name, cc.created_at,
			(SELECT COUNT(*) FROM infrastructures i WHERE i.cost_center_id = cc.id AND i.status = 'active')
		FROM cost_centers cc WHERE cc.account_id = ? ORDER BY lower(cc.name), cc.id`, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenantry.CostCenter
	for rows.Next() {
		var cc tenantry.CostCenter
		var created int64
		if err := rows.Scan(&cc.ID, &cc.AccountID, &cc.Name, &created, &cc.Infrastructures); err != nil {
			return nil, err
		}
		cc.CreatedAt = fromMS(created)
		out = append(out, cc)
	}
	return out, rows.Err()
}

func costCenterNameTaken(err error) error {
	if isUniqueViolation(err) {
		return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "cost_center_name_taken",
			Message: "This account already has a cost center with this name.",
			Fields:  map[string]string{"name": "This account already has a cost center with this name."}}
	}
	return err
}

// costCenter loads a cost center whose account is within reach and on
// which the actor has infra.manage, with that account.
func (s *Scope) costCenter(ctx context.Context, q querier, id string) (*tenantry.CostCenter, *tenantry.Account, error) {
	var accountID string
	if err := q.QueryRowContext(ctx, `SELECT account_id FROM cost_centers WHERE id = ?`, id).Scan(&accountID); err != nil {
		return nil, nil, notFound(err)
	}
	a, err := s.authorizedAccount(ctx, q, accountID, tenantry.PermInfraManage)
	if err != nil {
		return nil, nil, err
	}
	cc, err := costCenterOf(ctx, q, a.ID, id)
	return cc, a, err
}

// CreateCostCenter adds a cost center to an account. Errors: ENOTFOUND,
// EFORBIDDEN (no infra.manage), EINVALID, ECONFLICT (name taken).
func (s *Scope) CreateCostCenter(ctx context.Context, accountID string, in tenantry.CostCenterInput) (*tenantry.CostCenter, error) {
	in.Normalize()
	var out *tenantry.CostCenter
	err := s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.authorizedAccount(ctx, tx, accountID, tenantry.PermInfraManage)
		if err != nil {
			return err
		}
		if err := tenantry.Check(in); err != nil {
			return err
		}
		out = &tenantry.CostCenter{ID: tenantry.NewID("cc"), AccountID: a.ID, Name: in.Name, CreatedAt: tx.now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cost_centers (id, account_id, name, created_at) VALUES (?, ?, ?, ?)`,
			out.ID, a.ID, out.Name, ms(tx.now)); err != nil {
			return costCenterNameTaken(err)
		}
		return s.audit(ctx, tx, a, "cost_center.create", "cost_center", out.ID, fmt.Sprintf("created cost center %q", out.Name))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RenameCostCenter renames a cost center. Errors: ENOTFOUND, EFORBIDDEN,
// EINVALID, ECONFLICT (name taken).
func (s *Scope) RenameCostCenter(ctx context.Context, id string, in tenantry.CostCenterInput) (*tenantry.CostCenter, error) {
	in.Normalize()
	var out *tenantry.CostCenter
	err := s.db.inTx(ctx, func(tx *tx) error {
		cc, a, err := s.costCenter(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tenantry.Check(in); err != nil {
			return err
		}
		out = cc
		if in.Name == cc.Name {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cost_centers SET name = ? WHERE id = ?`, in.Name, cc.ID); err != nil {
			return costCenterNameTaken(err)
		}
		old := cc.Name
		cc.Name = in.Name
		return s.audit(ctx, tx, a, "cost_center.update", "cost_center", cc.ID, fmt.Sprintf("cost center %q renamed %q", old, cc.Name))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteCostCenter deletes a cost center that no live infrastructure is
// assigned to. While some are, it refuses with ECONFLICT rather than
// unassigning them: reports group by cost center, and moving
// infrastructures out of one is a decision to take one by one, not a side
// effect of a delete. Deleted infrastructures that named it lose the link.
// Errors: ENOTFOUND, EFORBIDDEN, ECONFLICT.
func (s *Scope) DeleteCostCenter(ctx context.Context, id string) error {
	return s.db.inTx(ctx, func(tx *tx) error {
		cc, a, err := s.costCenter(ctx, tx, id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM infrastructures WHERE cost_center_id = ? AND status = 'active'`,
			cc.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			held := "1 infrastructure is"
			if n > 1 {
				held = fmt.Sprintf("%d infrastructures are", n)
			}
			return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "cost_center_in_use",
				Message: fmt.Sprintf("%s in cost center %q: move them to another cost center (or none) first.", held, cc.Name)}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM cost_centers WHERE id = ?`, cc.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "cost_center.delete", "cost_center", cc.ID, fmt.Sprintf("deleted cost center %q", cc.Name))
	})
}

// loadDemoInfrastructure gives Blue Bakery two cost centers and three
// infrastructures, and Delta Freight one infrastructure, with resources
// and three months of usage (loadDemoUsage). s is a scope that reaches
// both (the provider's); byName maps account names to ids.
func loadDemoInfrastructure(ctx context.Context, s *Scope, byName map[string]string) error {
	ccs := map[string]string{}
	for _, name := range []string{"Production", "Staging"} {
		cc, err := s.CreateCostCenter(ctx, byName["Blue Bakery"], tenantry.CostCenterInput{Name: name})
		if err != nil {
			return fmt.Errorf("demo cost center %s: %w", name, err)
		}
		ccs[name] = cc.ID
	}
	infras := map[string]string{}
	for _, d := range []struct{ account, name, costCenter string }{
		{"Blue Bakery", "web-prod", "Production"},
		{"Blue Bakery", "db-prod", "Production"},
		{"Blue Bakery", "sandbox", "Staging"},
		{"Delta Freight", "fleet-tracker", ""},
	} {
		in, err := s.CreateInfrastructure(ctx, byName[d.account],
			tenantry.NewInfrastructure{Name: d.name, CostCenterID: ccs[d.costCenter]})
		if err != nil {
			return fmt.Errorf("demo infrastructure %s: %w", d.name, err)
		}
		infras[d.name] = in.ID
	}
	return loadDemoUsage(ctx, s, infras)
}
