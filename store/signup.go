package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/password"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// Sign-up on a tenant's domain, email verification and the vendor's
// approval (password reset is in reset.go). These are the doors anonymous visitors use, so the
// methods hang off DB and take the tenant the request came in on: that
// tenant, never a form field, decides where a sign-up lands.

// PurposeVerifyEmail is the one-time link that confirms a sign-up's
// address; it lasts VerifyEmailTTL.
const (
	PurposeVerifyEmail = "verify_email"
	VerifyEmailTTL     = 48 * time.Hour
)

// SignupInput is what a visitor submits to sign up. There is no parent,
// kind or plan in it: the domain decides the vendor, a sign-up is always
// a customer, and it gets the vendor's default plan.
type SignupInput struct {
	Company     string `json:"company" validate:"required,max=200,printable"`
	Name        string `json:"name" validate:"required,max=200,printable"`
	Email       string `json:"email" validate:"required,email,max=254"`
	Password    string `json:"password"`
	AcceptTerms bool   `json:"accept_terms"`
}

// Normalize trims the input the way every door should.
func (in *SignupInput) Normalize() {
	in.Company = strings.TrimSpace(in.Company)
	in.Name = strings.TrimSpace(in.Name)
	in.Email = tenantry.NormalizeEmail(in.Email)
}

// Validate checks the input on its own; messages are keyed by field name.
func (in *SignupInput) Validate() error {
	fields := tenantry.FieldErrors(in)
	if in.Password == "" {
		fields["password"] = "This field is required."
	} else if why := password.Weakness(in.Password, in.Email); why != "" {
		fields["password"] = why
	}
	if !in.AcceptTerms {
		fields["accept_terms"] = "Accept the terms to create an account."
	}
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	return nil
}

// ErrSignupClosed is the answer to a sign-up on a tenant that does not
// take them (sign-up off, or the tenant itself not active).
var ErrSignupClosed = &tenantry.Error{Kind: tenantry.EFORBIDDEN, Code: "signup_closed",
	Message: "Sign-up is closed on this site. Please contact us if you would like an account."}

// SignupSettings returns the tenant's settings and whether visitors may
// sign up on its domain: sign-up must be on and the tenant active.
func (db *DB) SignupSettings(ctx context.Context, t *tenantry.Tenant) (*tenantry.Settings, bool, error) {
	st, err := settingsOf(ctx, db.read, t.Account.ID)
	if err != nil {
		return nil, false, err
	}
	return st, st.SignupEnabled && t.Account.Status == tenantry.StatusActive, nil
}

// SignUp creates a customer below the tenant, pending until its owner
// confirms their email (and, where the tenant requires it, the tenant
// approves it), with its Owner, the tenant's default plan from today, an
// audit event and a verification mail, in one transaction. When the email
// already has a user it creates nothing and mails that address a notice
// instead; the caller cannot tell the two apart, and must not. Errors:
// EINVALID, EFORBIDDEN (ErrSignupClosed).
func (db *DB) SignUp(ctx context.Context, t *tenantry.Tenant, in SignupInput, links mail.Links, ip string) error {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	_, open, err := db.SignupSettings(ctx, t)
	if err != nil {
		return err
	}
	if !open {
		return ErrSignupClosed
	}
	// hashed whether or not the address is taken, so that both answers
	// take as long; and before the write lock is held, since it is slow
	hash := hashPassword(in.Password)
	from, err := db.mailTenant(ctx, db.read, &t.Account, t.LinkHost(), links)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *tx) error {
		vendor, err := accountByID(ctx, tx, t.Account.ID)
		if err != nil {
			return err
		}
		st, err := settingsOf(ctx, tx, vendor.ID)
		if err != nil {
			return err
		}
		if !st.SignupEnabled || vendor.Status != tenantry.StatusActive {
			return ErrSignupClosed
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email = ?)`, in.Email).Scan(&taken); err != nil {
			return err
		}
		if taken {
			// someone whose own sign-up here still waits for its
			// confirmation gets a fresh link: signing up again is how a
			// lost or expired link is replaced
			u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u
				WHERE u.email = ? AND u.email_verified_at IS NULL`, in.Email))
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if u != nil {
				pending, err := pendingOwned(ctx, tx, u.ID, vendor)
				if err != nil {
					return err
				}
				if len(pending) > 0 {
					token, err := insertUserToken(ctx, tx, u.ID, vendor.ID, PurposeVerifyEmail, VerifyEmailTTL)
					if err != nil {
						return err
					}
					m, err := mail.VerifyEmail(from, u.Email, u.Name, pending[0].Name, token, VerifyEmailTTL, st.SignupRequiresApproval)
					if err != nil {
						return err
					}
					return insertMail(ctx, tx, m)
				}
			}
			m, err := mail.SignupExists(from, in.Email)
			if err != nil {
				return err
			}
			return insertMail(ctx, tx, m)
		}
		a := &tenantry.Account{Kind: tenantry.KindCustomer, Name: in.Company, ContactEmail: in.Email, Status: tenantry.StatusPending}
		if err := insertAccount(ctx, tx, a, vendor); err != nil {
			return err
		}
		u := &tenantry.User{Email: in.Email, Name: in.Name, PasswordHash: hash}
		if err := insertUser(ctx, tx, u, "email"); err != nil {
			return err
		}
		if err := insertMembership(ctx, tx, a.ID, u.ID, tenantry.RoleOwner); err != nil {
			return err
		}
		summary := fmt.Sprintf("signed up %q on %s as a customer of %s, owner %s", a.Name, t.Host, vendor.Name, u.Email)
		if st.DefaultPlanID != "" {
			// an archived or otherwise unassignable default plan is
			// skipped: the vendor assigns a plan by hand then
			p, err := planByID(ctx, tx, st.DefaultPlanID)
			if err != nil && tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
				return err
			}
			if err == nil && checkAssignable(p, a) == nil {
				today := time.Date(tx.now.Year(), tx.now.Month(), tx.now.Day(), 0, 0, 0, 0, time.UTC)
				if err := assignPlan(ctx, tx, a.ID, p.ID, today, ""); err != nil {
					return err
				}
				summary += fmt.Sprintf(", plan %q", p.Name)
			}
		}
		if err := insertAudit(ctx, tx, auditEvent{ActorID: u.ID, ActorEmail: u.Email, Account: a,
			Action: "account.signup", ObjectType: "account", ObjectID: a.ID, Summary: summary, IP: ip}); err != nil {
			return err
		}
		token, err := insertUserToken(ctx, tx, u.ID, vendor.ID, PurposeVerifyEmail, VerifyEmailTTL)
		if err != nil {
			return err
		}
		m, err := mail.VerifyEmail(from, u.Email, u.Name, a.Name, token, VerifyEmailTTL, st.SignupRequiresApproval)
		if err != nil {
			return err
		}
		return insertMail(ctx, tx, m)
	})
}

// Verification is the outcome of confirming an email address.
type Verification struct {
	User *tenantry.User
	// Activated lists the user's sign-ups that this took out of pending
	// (active, or suspended with a suspended vendor); AwaitingApproval
	// those that still wait for their vendor.
	Activated        []tenantry.Account
	AwaitingApproval []tenantry.Account
}

// VerifyEmail spends a verification link issued on the tenant, marks the
// user's address verified and activates each of their pending sign-ups
// below the tenant that needs nothing else. Errors: ENOTFOUND (the link is
// unknown, used, expired or from another tenant).
func (db *DB) VerifyEmail(ctx context.Context, t *tenantry.Tenant, token string, links mail.Links, ip string) (*Verification, error) {
	out := &Verification{}
	err := db.inTx(ctx, func(tx *tx) error {
		userID, err := spendToken(ctx, tx, t.Account.ID, PurposeVerifyEmail, token)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?), updated_at = ?
			WHERE id = ?`, ms(tx.now), ms(tx.now), userID); err != nil {
			return err
		}
		if out.User, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, userID)); err != nil {
			return err
		}
		pending, err := pendingOwned(ctx, tx, userID, &t.Account)
		if err != nil {
			return err
		}
		if len(pending) == 0 {
			return insertAudit(ctx, tx, auditEvent{ActorID: userID, ActorEmail: out.User.Email, Account: &t.Account,
				Action: "user.email_verified", ObjectType: "user", ObjectID: userID, Summary: "confirmed their email address", IP: ip})
		}
		for i := range pending {
			a := &pending[i]
			if err := insertAudit(ctx, tx, auditEvent{ActorID: userID, ActorEmail: out.User.Email, Account: a,
				Action: "user.email_verified", ObjectType: "user", ObjectID: userID, Summary: "confirmed their email address", IP: ip}); err != nil {
				return err
			}
			status, err := db.activateIfReady(ctx, tx, a, &t.Account, t.LinkHost(), links, auditEvent{ActorID: userID, ActorEmail: out.User.Email, IP: ip})
			if err != nil {
				return err
			}
			if status == tenantry.StatusPending {
				out.AwaitingApproval = append(out.AwaitingApproval, *a)
			} else {
				out.Activated = append(out.Activated, *a)
			}
		}
		return db.mailApprovers(ctx, tx, &t.Account, t.LinkHost(), links, out.AwaitingApproval)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mailApprovers tells the vendor's Owners and Admins, on the vendor's own
// brand and domain, of each of its sign-ups that now waits for their
// approval (its owner has just confirmed their address). Sign-ups that
// wait only for the confirmation are not announced: most spam stops there.
func (db *DB) mailApprovers(ctx context.Context, tx *tx, vendor *tenantry.Account, host string, links mail.Links,
	awaiting []tenantry.Account) error {
	var mine []tenantry.Account
	for _, a := range awaiting {
		if a.ParentID == vendor.ID {
			mine = append(mine, a)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT u.email, u.name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.account_id = ? AND m.role IN (?, ?) ORDER BY u.email`,
		vendor.ID, string(tenantry.RoleOwner), string(tenantry.RoleAdmin))
	if err != nil {
		return err
	}
	var staff [][2]string
	for rows.Next() {
		var o [2]string
		if err := rows.Scan(&o[0], &o[1]); err != nil {
			rows.Close()
			return err
		}
		staff = append(staff, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(staff) == 0 {
		return nil
	}
	from, err := db.mailTenant(ctx, tx, vendor, host, links)
	if err != nil {
		return err
	}
	panel := "/reseller"
	if vendor.Kind == tenantry.KindProvider {
		panel = "/provider"
	}
	for _, a := range mine {
		var ownerEmail string
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.account_id = ? AND m.role = ? ORDER BY u.email LIMIT 1), '')`, a.ID, string(tenantry.RoleOwner)).Scan(&ownerEmail); err != nil {
			return err
		}
		for _, o := range staff {
			m, err := mail.SignupAwaitsApproval(from, o[0], o[1], a.Name, ownerEmail, panel)
			if err != nil {
				return err
			}
			if err := insertMail(ctx, tx, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// spendToken marks a live one-time link of this purpose and tenant used
// and returns its user, or ENOTFOUND; a link works exactly once.
func spendToken(ctx context.Context, tx *tx, tenantID, purpose, token string) (string, error) {
	var userID string
	err := tx.QueryRowContext(ctx, `UPDATE user_tokens SET used_at = ?
		WHERE token_hash = ? AND tenant_id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
		RETURNING user_id`, ms(tx.now), hashToken(token), tenantID, purpose, ms(tx.now)).Scan(&userID)
	return userID, notFound(err)
}

// pendingOwned lists the pending accounts below (or at) within that the
// user owns.
func pendingOwned(ctx context.Context, q querier, userID string, within *tenantry.Account) ([]tenantry.Account, error) {
	where, args := subtree("a.path", within.Path)
	rows, err := q.QueryContext(ctx, `SELECT `+accountColumns+` FROM memberships m JOIN accounts a ON a.id = m.account_id
		WHERE m.user_id = ? AND m.role = ? AND a.status = 'pending' AND `+where+` ORDER BY a.path`,
		append([]any{userID, string(tenantry.RoleOwner)}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenantry.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// signupState says what a pending account still waits for.
type signupState struct {
	verified      bool // an Owner has confirmed their email
	approved      bool // its vendor approved it
	needsApproval bool // its vendor requires approval
}

// SignupState says what a pending sign-up still waits for.
type SignupState struct {
	EmailConfirmed bool
	Approved       bool
	NeedsApproval  bool
}

// SignupState tells a pending account's vendor what it waits for.
// Errors: ENOTFOUND, EFORBIDDEN (only the vendor's staff).
func (s *Scope) SignupState(ctx context.Context, id string) (*SignupState, error) {
	a, err := s.account(ctx, s.db.read, id)
	if err != nil {
		return nil, err
	}
	if err := tenantry.Authorize(s.actor, tenantry.PermissionForKind(a.Kind), a); err != nil {
		return nil, err
	}
	st, err := signupStateOf(ctx, s.db.read, a)
	if err != nil {
		return nil, err
	}
	return &SignupState{EmailConfirmed: st.verified, Approved: st.approved, NeedsApproval: st.needsApproval}, nil
}

func signupStateOf(ctx context.Context, q querier, a *tenantry.Account) (signupState, error) {
	var s signupState
	var approved sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT a.approved_at, EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.account_id = a.id AND m.role = ? AND u.email_verified_at IS NOT NULL)
		FROM accounts a WHERE a.id = ?`, string(tenantry.RoleOwner), a.ID).Scan(&approved, &s.verified)
	if err != nil {
		return s, notFound(err)
	}
	s.approved = approved.Valid
	if a.ParentID != "" {
		st, err := settingsOf(ctx, q, a.ParentID)
		if err != nil {
			return s, err
		}
		s.needsApproval = st.SignupRequiresApproval
	}
	return s, nil
}

// activateIfReady makes a pending account active once an Owner's email is
// verified and, where its vendor requires it, the vendor approved it; it
// audits the change as by and mails the account's owners from serving (the
// tenant whose domain, host, they sign in on). Below a suspended vendor
// the account becomes suspended with it instead (and active again when
// the vendor is), and nobody is mailed. It returns the account's status.
func (db *DB) activateIfReady(ctx context.Context, tx *tx, a *tenantry.Account, serving *tenantry.Account, host string,
	links mail.Links, by auditEvent) (tenantry.AccountStatus, error) {
	st, err := signupStateOf(ctx, tx, a)
	if err != nil {
		return "", err
	}
	if !st.verified || (st.needsApproval && !st.approved) {
		return tenantry.StatusPending, nil
	}
	// keep suspension's invariant: below a suspended vendor, an account is
	// suspended by the vendor's own suspension
	var origin sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT suspended_by FROM accounts WHERE id = ? AND status = 'suspended'`,
		a.ParentID).Scan(&origin); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	status := tenantry.StatusActive
	if origin.Valid {
		status = tenantry.StatusSuspended
	}
	res, err := tx.ExecContext(ctx, `UPDATE accounts SET status = ?, suspended_by = ?, updated_at = ? WHERE id = ? AND status = 'pending'`,
		status, origin, ms(tx.now), a.ID)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return a.Status, nil
	}
	a.Status, a.SuspendedBy, a.UpdatedAt = status, origin.String, tx.now
	by.Account, by.Action, by.ObjectType, by.ObjectID = a, "account.activate", "account", a.ID
	by.Summary = "activated the sign-up: email confirmed"
	if st.approved {
		by.Summary += " and approved"
	}
	if origin.Valid {
		by.Summary += "; suspended with its vendor"
	}
	if err := insertAudit(ctx, tx, by); err != nil {
		return "", err
	}
	if origin.Valid {
		return status, nil
	}
	from, err := db.mailTenant(ctx, tx, serving, host, links)
	if err != nil {
		return "", err
	}
	rows, err := tx.QueryContext(ctx, `SELECT u.email, u.name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.account_id = ? AND m.role = ? ORDER BY u.email`, a.ID, string(tenantry.RoleOwner))
	if err != nil {
		return "", err
	}
	var owners [][2]string
	for rows.Next() {
		var o [2]string
		if err := rows.Scan(&o[0], &o[1]); err != nil {
			rows.Close()
			return "", err
		}
		owners = append(owners, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	for _, o := range owners {
		m, err := mail.AccountActive(from, o[0], o[1], a.Name)
		if err != nil {
			return "", err
		}
		if err := insertMail(ctx, tx, m); err != nil {
			return "", err
		}
	}
	return status, nil
}

// Pending reasons, as PendingReason returns them.
const (
	PendingVerifyEmail = "verify_email"
	PendingApproval    = "approval"
)

// PendingReason says why a pending account cannot be used yet by the
// user: PendingVerifyEmail until they confirm their address,
// PendingApproval while its vendor has yet to approve it, "" when it is
// not pending. It is unscoped: sign-in asks it of a user whose password
// it has just verified.
func (db *DB) PendingReason(ctx context.Context, a *tenantry.Account, userID string) (string, error) {
	if a.Status != tenantry.StatusPending {
		return "", nil
	}
	var verified bool
	if err := db.read.QueryRowContext(ctx, `SELECT email_verified_at IS NOT NULL FROM users WHERE id = ?`, userID).
		Scan(&verified); err != nil {
		return "", notFound(err)
	}
	if !verified {
		return PendingVerifyEmail, nil
	}
	st, err := signupStateOf(ctx, db.read, a)
	if err != nil {
		return "", err
	}
	if !st.verified {
		return PendingVerifyEmail, nil
	}
	return PendingApproval, nil
}

// ApproveAccount records its vendor's approval of a pending sign-up (the
// vendor permission for its kind). The account becomes active, and its
// owners are mailed on the domain they sign in on, once its owner's email
// is verified too; approving first is fine. Approving twice changes
// nothing. Errors: ENOTFOUND, EFORBIDDEN, EINVALID (not pending).
func (s *Scope) ApproveAccount(ctx context.Context, id string, links mail.Links) (*tenantry.Account, error) {
	var out *tenantry.Account
	err := s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.account(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tenantry.Authorize(s.actor, tenantry.PermissionForKind(a.Kind), a); err != nil {
			return err
		}
		if a.Status != tenantry.StatusPending {
			return tenantry.Invalid(map[string]string{"status": "Only a pending sign-up can be approved."})
		}
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET approved_at = ?, updated_at = ? WHERE id = ? AND approved_at IS NULL`,
			ms(tx.now), ms(tx.now), a.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if err := s.audit(ctx, tx, a, "account.approve", "account", a.ID, fmt.Sprintf("approved the sign-up of %q", a.Name)); err != nil {
				return err
			}
		}
		servingID, err := servingAccount(ctx, tx, a)
		if err != nil {
			return err
		}
		if servingID == "" {
			return errNoDomain(ctx, tx, a)
		}
		serving, err := accountByID(ctx, tx, servingID)
		if err != nil {
			return err
		}
		host, err := primaryDomain(ctx, tx, servingID)
		if err != nil {
			return err
		}
		if _, err := s.db.activateIfReady(ctx, tx, a, serving, host, links,
			auditEvent{ActorID: s.actor.User.ID, ActorEmail: s.actor.User.Email, IP: s.ip}); err != nil {
			return err
		}
		out, err = accountByID(ctx, tx, a.ID)
		return err
	})
	return out, err
}
