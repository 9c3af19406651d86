package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// The accounts aggregate as a Scope sees it: listing and counting the
// accounts below, creating them, and changing their profile, status and
// organization. The scope's reach and the one authorization check decide
// every step (scope.go).

// AccountFilter narrows a list of accounts. Zero fields do not filter.
type AccountFilter struct {
	// Under limits the list to the subtree of this account, itself excluded.
	Under string
	// ParentID limits the list to the accounts directly below this one.
	ParentID string
	Kind     tenantry.AccountKind
	Status   tenantry.AccountStatus
	// Q matches a substring of the name or contact email, case-insensitively.
	Q string
	// PlanID keeps the accounts whose plan in effect now is this one.
	PlanID string
	// IsOrganization keeps the organization anchors (true) or every
	// account but them (false).
	IsOrganization *bool
	// OrganizationID keeps the customers that belong to this organization.
	OrganizationID string
	// Cursor continues a previous page (AccountPage.NextCursor), in tree
	// order only.
	Cursor string
	Limit  int
	// Sort orders the list: "" (tree order, by path) or one of
	// AccountSorts; a leading "-" reverses it.
	Sort string
	// Offset skips that many matches (numbered pages, in any order);
	// ignored with a Cursor.
	Offset int
}

// AccountSorts are the orders an account list may be sorted in, besides
// tree order, each also reversed with a leading "-".
var AccountSorts = []string{"name", "created", "status"}

// accountOrder is the ORDER BY of a sort, every one ending on the path so
// that pages never overlap.
func accountOrder(sort string) (string, bool) {
	desc := strings.HasPrefix(sort, "-")
	dir := ""
	if desc {
		dir = " DESC"
	}
	switch strings.TrimPrefix(sort, "-") {
	case "":
		return "a.path", !desc
	case "name":
		return "lower(a.name)" + dir + ", a.path", true
	case "created":
		return "a.created_at" + dir + ", a.path", true
	case "status":
		return "a.status" + dir + ", lower(a.name), a.path", true
	}
	return "", false
}

// AccountPage is one page of accounts in tree order (by path).
type AccountPage struct {
	Items []tenantry.Account
	// Plans names each listed account's plan in effect now, by account id.
	Plans map[string]string
	// Total counts every match across all pages.
	Total      int
	NextCursor string
}

// Accounts lists the accounts the actor may view on this tenant (through
// a role with account.view: a service user lists none), in tree order. A
// ParentID or Under outside the actor's reach is ENOTFOUND.
func (s *Scope) Accounts(ctx context.Context, f AccountFilter) (*AccountPage, error) {
	where, args := s.reachWith("a.path", tenantry.PermAccountView)
	conds := []string{where}
	for _, id := range []string{f.Under, f.ParentID} {
		if id == "" {
			continue
		}
		if _, err := s.Account(ctx, id); err != nil {
			return nil, err
		}
	}
	if f.Under != "" {
		conds = append(conds, `a.path > (SELECT path FROM accounts WHERE id = ?)`,
			`a.path < (SELECT substr(path, 1, length(path) - 1) || '0' FROM accounts WHERE id = ?)`)
		args = append(args, f.Under, f.Under)
	}
	if f.ParentID != "" {
		conds = append(conds, `a.parent_id = ?`)
		args = append(args, f.ParentID)
	}
	if f.Kind != "" {
		conds = append(conds, `a.kind = ?`)
		args = append(args, f.Kind)
	}
	if f.Status != "" {
		conds = append(conds, `a.status = ?`)
		args = append(args, f.Status)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		conds = append(conds, `(instr(lower(a.name), lower(?)) > 0 OR instr(a.contact_email, lower(?)) > 0)`)
		args = append(args, q, q)
	}
	if f.IsOrganization != nil {
		conds = append(conds, `a.is_organization = ?`)
		args = append(args, *f.IsOrganization)
	}
	if f.OrganizationID != "" {
		conds = append(conds, `a.organization_id = ?`)
		args = append(args, f.OrganizationID)
	}
	if f.PlanID != "" {
		conds = append(conds, `(`+currentPlanSQL+`) = ?`)
		args = append(args, ms(s.db.Now()), f.PlanID)
	}
	order, ok := accountOrder(f.Sort)
	if !ok {
		return nil, tenantry.Invalid(map[string]string{"sort": "Sort by one of: " + strings.Join(AccountSorts, ", ") + "."})
	}
	if f.Cursor != "" && f.Sort != "" {
		return nil, tenantry.Invalid(map[string]string{"cursor": "A cursor pages the list in tree order only."})
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	page := &AccountPage{Plans: map[string]string{}}
	whereSQL := strings.Join(conds, " AND ")
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts a WHERE `+whereSQL, args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	if f.Cursor != "" {
		after, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		if err != nil || !strings.HasPrefix(string(after), "/") {
			return nil, tenantry.Invalid(map[string]string{"cursor": "This cursor is not valid."})
		}
		whereSQL += ` AND a.path > ?`
		args = append(args, string(after))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts a WHERE `+whereSQL+`
		ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, limit+1, offsetOf(f))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		page.Items = append(page.Items, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		if f.Sort == "" {
			page.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(page.Items[limit-1].Path))
		}
	}
	return page, s.fillPlanNames(ctx, page)
}

// offsetOf is the rows a filter skips: none after a cursor.
func offsetOf(f AccountFilter) int {
	if f.Cursor != "" {
		return 0
	}
	return f.Offset
}

// currentPlanSQL selects the plan in effect for account a.id at a time (?).
const currentPlanSQL = `SELECT pa.plan_id FROM plan_assignments pa
	WHERE pa.account_id = a.id AND pa.effective_from <= ?
	ORDER BY pa.effective_from DESC, pa.created_at DESC LIMIT 1`

// fillPlanNames names the plan in effect of every account on the page, in
// one query.
func (s *Scope) fillPlanNames(ctx context.Context, page *AccountPage) error {
	if len(page.Items) == 0 {
		return nil
	}
	ids := make([]any, len(page.Items))
	for i, a := range page.Items {
		ids[i] = a.ID
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT a.id, p.name FROM accounts a
		JOIN plans p ON p.id = (`+currentPlanSQL+`)
		WHERE a.id IN (`+placeholders(len(ids))+`)`, append([]any{ms(s.db.Now())}, ids...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		page.Plans[id] = name
	}
	return rows.Err()
}

// AccountStats counts what lies below an account: directly below it
// (Direct...) and in its whole subtree.
type AccountStats struct {
	// Resellers and Customers count the whole subtree, the account itself
	// excluded; DirectResellers and DirectCustomers only the accounts
	// whose vendor it is.
	Resellers       int
	Customers       int
	DirectResellers int
	DirectCustomers int
	// Users counts distinct people with a membership in the subtree,
	// the account itself included; Staff those of the account itself.
	Users int
	Staff int
}

// Stats counts resellers, customers and users in the subtree of id, and
// directly below it.
func (s *Scope) Stats(ctx context.Context, id string) (*AccountStats, error) {
	a, err := s.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	where, args := subtree("a.path", a.Path)
	var st AccountStats
	err = s.db.read.QueryRowContext(ctx, `SELECT
			COUNT(*) FILTER (WHERE a.kind = 'reseller' AND a.id <> ?),
			COUNT(*) FILTER (WHERE a.kind = 'customer' AND a.id <> ?),
			COUNT(*) FILTER (WHERE a.kind = 'reseller' AND a.parent_id = ?),
			COUNT(*) FILTER (WHERE a.kind = 'customer' AND a.parent_id = ?)
		FROM accounts a WHERE `+where, append([]any{a.ID, a.ID, a.ID, a.ID}, args...)...).
		Scan(&st.Resellers, &st.Customers, &st.DirectResellers, &st.DirectCustomers)
	if err != nil {
		return nil, err
	}
	err = s.db.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT m.user_id),
			COUNT(DISTINCT m.user_id) FILTER (WHERE m.account_id = ?)
		FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE `+where, append([]any{a.ID}, args...)...).
		Scan(&st.Users, &st.Staff)
	return &st, err
}

// CreatedAccount is the result of CreateAccount. Whether the owner's
// address already had a user is told by Owner and Invitation only, for
// tests and the audit; what a caller shows must not depend on it.
type CreatedAccount struct {
	Account *tenantry.Account
	// OwnerEmail and OwnerName are the owner as asked for (the email
	// normalised), whether or not the address had a user.
	OwnerEmail string
	OwnerName  string
	// Owner is the user created as Owner: only for a free address given
	// with a password. Otherwise (no owner asked for: neither) Invitation
	// is the Owner invitation mailed to the address.
	Owner      *tenantry.User
	Invitation *tenantry.Invitation
	// InvitationPath is the Owner invitation's own link (a path on
	// InvitationHost, /invitations/<token>) when no password was given,
	// whether or not the address had a user; InvitationToken is its
	// secret. The API still calls it owner.set_password_url (API.md).
	InvitationPath  string
	InvitationToken string
	InvitationHost  string
}

// CreateAccount creates an account below in.ParentID (default: the
// actor's first vendor account) with its first staff member as Owner, in
// one transaction. Without a password, and for an owner address that
// already has a user anywhere, no user is created and no password
// applied: the address is invited as Owner (mailed a welcome to the new
// account on the tenant's brand, with the invitation's link) and
// becomes it on accepting, a new person choosing name and password then.
// Only a free address given with a password becomes a user at once.
// The account starts on the plan in.PlanID (see startingPlan), audited.
// Errors: EINVALID (also no_domain: the account's users would sign in
// nowhere; plan_id not one of the vendor's plans for the kind), ENOTFOUND (parent out of reach), EFORBIDDEN (role or reseller
// programme off).
func (s *Scope) CreateAccount(ctx context.Context, in tenantry.NewAccount, links mail.Links) (*CreatedAccount, error) {
	in.Normalize()
	if in.ParentID == "" {
		for _, g := range s.actor.Grants {
			if g.Account.Kind.IsVendor() {
				in.ParentID = g.Account.ID
				break
			}
		}
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.ParentID == "" {
		return nil, tenantry.Invalid(map[string]string{"parent_id": "This field is required."})
	}
	// a parent out of reach is not found, like any id that is not the
	// caller's (the panel shows it on the parent_id field)
	parent, err := s.Account(ctx, in.ParentID)
	if err != nil {
		return nil, err
	}
	if !parent.Kind.IsVendor() {
		return nil, tenantry.Invalid(map[string]string{"parent_id": "A customer cannot have accounts below it."})
	}
	if parent.Status != tenantry.StatusActive {
		return nil, tenantry.Invalid(map[string]string{"parent_id": "This account is not active."})
	}
	if err := tenantry.AuthorizeCreate(s.actor, in.Kind, parent); err != nil {
		return nil, err
	}
	if in.Kind == tenantry.KindReseller && parent.Kind == tenantry.KindReseller && parent.MaxResellerDepth < 1 {
		return nil, tenantry.Invalid(map[string]string{"kind": parent.Name + " may not create sub-resellers."})
	}
	if in.Kind == tenantry.KindReseller {
		on, err := s.db.ResellersEnabled(ctx)
		if err != nil {
			return nil, err
		}
		if !on {
			return nil, &tenantry.Error{Kind: tenantry.EFORBIDDEN, Code: "resellers_disabled",
				Message: "The reseller programme is not enabled."}
		}
	}
	hash := ""
	if in.Owner != nil && in.Owner.Password != "" {
		hash = hashPassword(in.Owner.Password) // slow on purpose: not while holding the write lock
	}
	out := &CreatedAccount{}
	err = s.db.inTx(ctx, func(tx *tx) error {
		// the parent may have been suspended since it was read
		if parent, err = s.account(ctx, tx, parent.ID); err != nil {
			return err
		}
		if parent.Status != tenantry.StatusActive {
			return tenantry.Invalid(map[string]string{"parent_id": "This account is not active."})
		}
		a := &tenantry.Account{Kind: in.Kind, Name: in.Name, ContactEmail: in.ContactEmail, Status: tenantry.StatusActive,
			IsOrganization: in.IsOrganization}
		var anchor *tenantry.Account
		if in.OrganizationID != "" {
			if anchor, err = s.organizationAnchor(ctx, tx, parent.ID, in.OrganizationID); err != nil {
				return err
			}
			a.OrganizationID = anchor.ID
		}
		if err := insertAccount(ctx, tx, a, parent); err != nil {
			return err
		}
		out.Account = a
		if err := s.audit(ctx, tx, a, "account.create", "account", a.ID,
			fmt.Sprintf("created %s %q below %q", a.Kind, a.Name, parent.Name)); err != nil {
			return err
		}
		if anchor != nil {
			if err := s.audit(ctx, tx, a, "account.organization_set", "account", a.ID,
				fmt.Sprintf("joined the organization %q (%s)", anchor.Name, anchor.ID)); err != nil {
				return err
			}
		}
		if a.IsOrganization {
			if err := s.audit(ctx, tx, a, "account.organization_mark", "account", a.ID, "marked as an organization"); err != nil {
				return err
			}
		}
		if err := s.startingPlan(ctx, tx, a, in.PlanID); err != nil {
			return err
		}
		if in.Owner == nil {
			return nil
		}
		out.OwnerEmail, out.OwnerName = tenantry.NormalizeEmail(in.Owner.Email), in.Owner.Name
		// the owner's domain first, whatever the address: refusing only
		// some addresses would tell which ones have a user
		_, host, err := loginTenant(ctx, tx, a)
		if err != nil {
			return err
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email = ?)`, out.OwnerEmail).
			Scan(&taken); err != nil {
			return err
		}
		// without a password the owner is invited whatever the address:
		// the link handed back and the account's members are then the
		// same for a known and a free address
		if taken || in.Owner.Password == "" {
			inv, token, err := s.newInvitation(ctx, tx, a, nil, out.OwnerEmail, tenantry.RoleOwner, string(tenantry.RoleOwner))
			if err != nil {
				return err
			}
			if err := s.mailWelcome(ctx, tx, a, inv, out.OwnerName, token, links); err != nil {
				return err
			}
			out.Invitation = inv
			if in.Owner.Password == "" {
				out.InvitationPath, out.InvitationToken, out.InvitationHost = mail.InvitationPath(token), token, host
			}
			return s.audit(ctx, tx, a, "invitation.create", "invitation", inv.ID,
				fmt.Sprintf("invited %s as %s", out.OwnerEmail, tenantry.RoleOwner))
		}
		u := &tenantry.User{Email: in.Owner.Email, Name: in.Owner.Name, PasswordHash: hash}
		if err := insertUser(ctx, tx, u, "owner.email"); err != nil {
			return err
		}
		if err := insertMembership(ctx, tx, a.ID, u.ID, tenantry.RoleOwner); err != nil {
			return err
		}
		out.Owner = u
		return s.audit(ctx, tx, a, "membership.create", "user", u.ID,
			fmt.Sprintf("added %s as Owner", u.Email))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mailWelcome queues the Owner invitation of a new account as a welcome
// to it, on the brand of the tenant where its owner signs in.
func (s *Scope) mailWelcome(ctx context.Context, tx *tx, a *tenantry.Account, inv *tenantry.Invitation, name, token string, links mail.Links) error {
	t, host, err := loginTenant(ctx, tx, a)
	if err != nil {
		return err
	}
	from, err := s.db.mailTenant(ctx, tx, t, host, links)
	if err != nil {
		return err
	}
	vendor := s.actor.User.Name
	if vendor == "" {
		vendor = s.actor.User.Email
	}
	m, err := mail.Welcome(from, inv.Email, name, a.Name, vendor, token, InvitationTTL)
	if err != nil {
		return err
	}
	return insertMail(ctx, tx, m)
}

// errPlanNotOffered refuses a plan_id that is not one of the vendor's:
// the same words whether the plan does not exist or is another vendor's,
// so that the answer tells nothing about plans out of reach.
var errPlanNotOffered = tenantry.Invalid(map[string]string{"plan_id": "Choose one of the plans offered for this account."})

// startingPlan assigns a new account its first plan, from the start of
// today, in the transaction that creates it: the plan asked for (nil:
// the vendor's default plan for customers, skipped when it cannot be
// assigned, as for a sign-up; "": none).
func (s *Scope) startingPlan(ctx context.Context, tx *tx, a *tenantry.Account, planID *string) error {
	id := ""
	if planID != nil {
		id = *planID
	} else if a.Kind == tenantry.KindCustomer && !a.IsOrganization {
		st, err := settingsOf(ctx, tx, a.ParentID)
		if err != nil {
			return err
		}
		id = st.DefaultPlanID
	}
	if id == "" {
		return nil
	}
	if a.IsOrganization {
		return errAnchorNoPlan
	}
	p, err := planByID(ctx, tx, id)
	if err == nil {
		err = checkAssignable(p, a)
	}
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		err = errPlanNotOffered
	}
	if err != nil {
		if planID == nil && tenantry.ErrorKind(err) == tenantry.EINVALID {
			return nil // an unassignable default: the vendor assigns a plan by hand
		}
		return err
	}
	today := time.Date(tx.now.Year(), tx.now.Month(), tx.now.Day(), 0, 0, 0, 0, time.UTC)
	if err := assignPlan(ctx, tx, a.ID, p.ID, today, s.actor.User.ID); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, "plan.assign", "plan", p.ID, fmt.Sprintf("plan %q from %s", p.Name, today.Format("2006-01-02")))
}

// UpdateAccount changes an account's profile (account.manage on it) or
// status (its vendor's customers.manage or resellers.manage). Suspending
// an account suspends its subtree with it; reactivating restores exactly
// the accounts that suspension reached. The customer's organization (set
// once) and its being an organization anchor are its vendor's
// customers.manage too. Errors: EINVALID, ENOTFOUND, EFORBIDDEN, ECONFLICT
// (organization_permanent, organization_has_members).
func (s *Scope) UpdateAccount(ctx context.Context, id string, in tenantry.AccountUpdate) (*tenantry.Account, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *tenantry.Account
	err := s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.account(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.Name != nil || in.ContactEmail != nil {
			if err := s.updateProfile(ctx, tx, a, in); err != nil {
				return err
			}
		}
		// suspending an account suspended with its vendor is a change: the
		// suspension becomes its own and outlasts the vendor's
		if in.MaxResellerDepth != nil {
			if err := tenantry.Authorize(s.actor, tenantry.PermResellersManage, a); err != nil {
				return err
			}
			if a.Kind != tenantry.KindReseller {
				return tenantry.Invalid(map[string]string{"max_reseller_depth": "Only a reseller has sub-resellers."})
			}
			if err := s.setResellerDepth(ctx, tx, a, *in.MaxResellerDepth); err != nil {
				return err
			}
		}
		// the organization first: an account that joins one in this same
		// call cannot become an anchor, and the other way round
		if in.OrganizationID != nil {
			if err := s.setOrganization(ctx, tx, a, *in.OrganizationID); err != nil {
				return err
			}
		}
		if in.IsOrganization != nil {
			if err := s.setIsOrganization(ctx, tx, a, *in.IsOrganization); err != nil {
				return err
			}
		}
		if in.Status != nil && (*in.Status != a.Status || a.Suspension() == "vendor") {
			if err := s.setStatus(ctx, tx, a, *in.Status, in.SuspendReason); err != nil {
				return err
			}
		}
		out, err = accountByID(ctx, tx, a.ID)
		return err
	})
	return out, err
}

func (s *Scope) updateProfile(ctx context.Context, tx *tx, a *tenantry.Account, in tenantry.AccountUpdate) error {
	if err := tenantry.Authorize(s.actor, tenantry.PermAccountManage, a); err != nil {
		return err
	}
	var changes []string
	if in.Name != nil && *in.Name != a.Name {
		changes = append(changes, fmt.Sprintf("name %q → %q", a.Name, *in.Name))
		a.Name = *in.Name
	}
	if in.ContactEmail != nil && *in.ContactEmail != a.ContactEmail {
		changes = append(changes, fmt.Sprintf("contact email %q → %q", a.ContactEmail, *in.ContactEmail))
		a.ContactEmail = *in.ContactEmail
	}
	if len(changes) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET name = ?, contact_email = ?, updated_at = ? WHERE id = ?`,
		a.Name, a.ContactEmail, ms(tx.now), a.ID); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, "account.update", "account", a.ID, strings.Join(changes, "; "))
}

// setStatus suspends or reactivates a and its subtree. It keeps this
// invariant: a suspended account's suspended_by is its nearest own-suspended
// account on the path from the provider down to itself.
func (s *Scope) setStatus(ctx context.Context, tx *tx, a *tenantry.Account, status tenantry.AccountStatus, reason *string) error {
	if err := tenantry.Authorize(s.actor, tenantry.PermissionForKind(a.Kind), a); err != nil {
		return err
	}
	where, args := subtree("path", a.Path)
	switch status {
	case tenantry.StatusSuspended:
		if a.Status != tenantry.StatusActive && a.Suspension() != "vendor" {
			return tenantry.Invalid(map[string]string{"status": "Only an active account can be suspended."})
		}
		why := ""
		if reason != nil {
			why = *reason
		}
		// the account itself, the active accounts below it, and those below
		// it that an ancestor's suspension had reached
		ancestors := a.AncestorIDs()
		_, err := tx.ExecContext(ctx, `UPDATE accounts SET status = 'suspended', suspended_by = ?, updated_at = ?,
				suspend_reason = CASE WHEN id = ? THEN ? ELSE suspend_reason END
			WHERE `+where+` AND (id = ? OR status = 'active' OR suspended_by IN (`+placeholders(len(ancestors))+`))`,
			append(append(append([]any{a.ID, ms(tx.now), a.ID, why}, args...), a.ID), anys(ancestors)...)...)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "account.suspend", "account", a.ID, "suspended with its subtree: "+why)
	case tenantry.StatusActive:
		if a.Status != tenantry.StatusSuspended {
			return tenantry.Invalid(map[string]string{"status": "Only a suspended account can be reactivated."})
		}
		if a.Suspension() == "vendor" {
			return tenantry.Invalid(map[string]string{"status": "This account is suspended with its vendor: reactivate the vendor."})
		}
		// what this suspension reached returns to active, or stays
		// suspended with the vendor when a vendor above is suspended too
		var origin sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT suspended_by FROM accounts WHERE id = ? AND status = 'suspended'`,
			a.ParentID).Scan(&origin); err != nil && err != sql.ErrNoRows {
			return err
		}
		newStatus := "active"
		if origin.Valid {
			newStatus = "suspended"
		}
		_, err := tx.ExecContext(ctx, `UPDATE accounts SET status = ?, suspended_by = ?, updated_at = ?,
				suspend_reason = CASE WHEN id = ? THEN '' ELSE suspend_reason END
			WHERE `+where+` AND suspended_by = ?`,
			append(append([]any{newStatus, origin, ms(tx.now), a.ID}, args...), a.ID)...)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "account.reactivate", "account", a.ID, "reactivated with its subtree")
	}
	return tenantry.Invalid(map[string]string{"status": "Choose active or suspended."})
}
