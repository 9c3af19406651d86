package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// InvitationTTL is how long an invitation's link stays valid.
const InvitationTTL = 7 * 24 * time.Hour

// loginTenant returns the account whose domain a's members sign in on:
// a itself when it has a domain, else the one serving a (servingAccount).
// When none does it refuses with errNoDomain rather than point a link at
// a domain where a's users cannot sign in.
func loginTenant(ctx context.Context, q querier, a *tenantry.Account) (*tenantry.Account, string, error) {
	host, err := primaryDomain(ctx, q, a.ID)
	if err != nil {
		return nil, "", err
	}
	if host != "" {
		return a, host, nil
	}
	id, err := servingAccount(ctx, q, a)
	if err != nil {
		return nil, "", err
	}
	if id == "" {
		return nil, "", errNoDomain(ctx, q, a)
	}
	t, err := accountByID(ctx, q, id)
	if err != nil {
		return nil, "", err
	}
	host, err = primaryDomain(ctx, q, t.ID)
	return t, host, err
}

// invitedEmail normalises an address typed to invite someone, or says
// why it is none (EINVALID on email).
func invitedEmail(email string) (string, error) {
	email = tenantry.NormalizeEmail(email)
	if email == "" {
		return "", tenantry.Invalid(map[string]string{"email": "Enter an email address."})
	}
	if tenantry.FieldErrors(struct {
		Email string `json:"email" validate:"required,email,max=254"`
	}{email})["email"] != "" {
		return "", tenantry.Invalid(map[string]string{"email": "Enter a valid email address."})
	}
	return email, nil
}

// InviteResult says what Invite or AddInfraDelegate did: mailed an
// invitation (always, for Invite), or, for AddInfraDelegate only,
// assigned the infrastructure at once to a service user of its own
// account (Granted).
type InviteResult struct {
	Granted    *tenantry.User
	Invitation *tenantry.Invitation
}

// Invite invites email to the account with role (users.manage): an
// invitation is mailed through the outbox, on the domain where the
// account's members sign in and in that tenant's brand, and the role is
// granted only when its link is accepted. This is so whether or not the
// address has a user, here or elsewhere, so that the answer never tells
// who signs in where and no one is given access without consenting.
// Inviting again replaces an open invitation. Errors: EINVALID,
// ENOTFOUND, EFORBIDDEN, ECONFLICT (already a member: the account's
// members are listed to whoever may invite).
func (s *Scope) Invite(ctx context.Context, accountID, email string, role tenantry.Role, links mail.Links) (*InviteResult, error) {
	return s.invite(ctx, accountID, email, role, false, links)
}

// Delegate is Invite for an account delegate: someone whose home is
// another account (the reseller's ops managing a customer's
// infrastructures, say) is invited to the role here too. The delegation
// is listed on both sides and either side may end it.
func (s *Scope) Delegate(ctx context.Context, accountID, email string, role tenantry.Role, links mail.Links) (*InviteResult, error) {
	return s.invite(ctx, accountID, email, role, true, links)
}

func (s *Scope) invite(ctx context.Context, accountID, email string, role tenantry.Role, delegate bool, links mail.Links) (*InviteResult, error) {
	email, err := invitedEmail(email)
	if err != nil {
		return nil, err
	}
	out := &InviteResult{}
	err = s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.managedAccount(ctx, tx, accountID, tenantry.PermUsersManage)
		if err != nil {
			return err
		}
		roleName, err := checkRole(ctx, tx, a, role)
		if err != nil {
			return err
		}
		if role == tenantry.RoleOwner && !s.isOwnerOver(a) {
			return errOwnersOnly
		}
		var member bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.account_id = ? AND u.email = ?)`, a.ID, email).Scan(&member); err != nil {
			return err
		}
		if member {
			return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "already_member", Message: "This person is already a member.",
				Fields: map[string]string{"email": "This person is already a member."}}
		}
		inv, token, err := s.newInvitation(ctx, tx, a, nil, email, role, roleName)
		if err != nil {
			return err
		}
		if delegate {
			inv.Delegate = true
			if _, err := tx.ExecContext(ctx, `UPDATE invitations SET delegate = 1 WHERE id = ?`, inv.ID); err != nil {
				return err
			}
		}
		if err := s.mailInvitation(ctx, tx, a, inv, token, links); err != nil {
			return err
		}
		out.Invitation = inv
		what := "invited %s as %s"
		if delegate {
			what = "invited %s as delegate with role %s"
		}
		return s.audit(ctx, tx, a, "invitation.create", "invitation", inv.ID, fmt.Sprintf(what, email, roleName))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// newInvitation stores an invitation to account a, or to its
// infrastructure in when in is not nil, and returns it with its link's
// secret.
func (s *Scope) newInvitation(ctx context.Context, tx *tx, a *tenantry.Account, in *tenantry.Infrastructure, email string, role tenantry.Role, roleName string) (*tenantry.Invitation, string, error) {
	t, _, err := loginTenant(ctx, tx, a)
	if err != nil {
		return nil, "", err
	}
	inv := &tenantry.Invitation{ID: tenantry.NewID("inv"), AccountID: a.ID, Email: email, Role: role, RoleName: roleName,
		InvitedBy: s.actor.User.ID, CreatedAt: tx.now, ExpiresAt: tx.now.Add(InvitationTTL)}
	var infraID any
	if in != nil {
		inv.InfrastructureID, inv.InfrastructureName, infraID = in.ID, in.Name, in.ID
	}
	// a new invitation replaces an open one to the same place
	if _, err := tx.ExecContext(ctx, `UPDATE invitations SET revoked_at = ? WHERE account_id = ? AND email = ?
		AND COALESCE(infrastructure_id, '') = ? AND accepted_at IS NULL AND revoked_at IS NULL`,
		ms(tx.now), a.ID, email, inv.InfrastructureID); err != nil {
		return nil, "", err
	}
	token := tenantry.RandomToken(24)
	_, err = tx.ExecContext(ctx, `INSERT INTO invitations (id, account_id, infrastructure_id, tenant_id, email, role, token_hash, invited_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, inv.ID, a.ID, infraID, t.ID, email, string(role), hashToken(token), s.actor.User.ID,
		ms(tx.now), ms(inv.ExpiresAt))
	return inv, token, err
}

func (s *Scope) mailInvitation(ctx context.Context, tx *tx, a *tenantry.Account, inv *tenantry.Invitation, token string, links mail.Links) error {
	t, host, err := loginTenant(ctx, tx, a)
	if err != nil {
		return err
	}
	from, err := s.db.mailTenant(ctx, tx, t, host, links)
	if err != nil {
		return err
	}
	inviter := s.actor.User.Name
	if inviter == "" {
		inviter = s.actor.User.Email
	}
	m, err := mail.Invitation(from, inv.Email, inviter, inv.Target(a.Name), inv.RoleName, token, InvitationTTL)
	if err != nil {
		return err
	}
	return insertMail(ctx, tx, m)
}

const invitationColumns = `i.id, i.account_id, i.email, i.role, COALESCE(r.name, i.role), COALESCE(i.invited_by, ''),
	i.created_at, i.expires_at, COALESCE(i.accepted_at, 0), COALESCE(i.revoked_at, 0), i.delegate,
	COALESCE(i.infrastructure_id, ''), COALESCE(inf.name, '')`

func scanInvitation(row scanner) (*tenantry.Invitation, error) {
	var i tenantry.Invitation
	var created, expires, accepted, revoked int64
	if err := row.Scan(&i.ID, &i.AccountID, &i.Email, &i.Role, &i.RoleName, &i.InvitedBy, &created, &expires, &accepted, &revoked, &i.Delegate,
		&i.InfrastructureID, &i.InfrastructureName); err != nil {
		return nil, err
	}
	i.CreatedAt, i.ExpiresAt = fromMS(created), fromMS(expires)
	if accepted > 0 {
		i.AcceptedAt = fromMS(accepted)
	}
	if revoked > 0 {
		i.RevokedAt = fromMS(revoked)
	}
	return &i, nil
}

const invitationFrom = ` FROM invitations i LEFT JOIN roles r ON r.id = i.role AND r.account_id = i.account_id
	LEFT JOIN infrastructures inf ON inf.id = i.infrastructure_id`

// Invitations lists an account's open invitations (pending or expired),
// newest first; those to a single infrastructure are listed with it
// (InfraInvitations).
func (s *Scope) Invitations(ctx context.Context, accountID string) ([]tenantry.Invitation, error) {
	a, err := s.Account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return s.openInvitations(ctx, `i.account_id = ? AND i.infrastructure_id IS NULL`, a.ID)
}

// openInvitations lists the open invitations matching where (over
// invitations i), newest first.
func (s *Scope) openInvitations(ctx context.Context, where string, args ...any) ([]tenantry.Invitation, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+invitationColumns+invitationFrom+`
		WHERE `+where+` AND i.accepted_at IS NULL AND i.revoked_at IS NULL ORDER BY i.created_at DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenantry.Invitation
	for rows.Next() {
		i, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *i)
	}
	return out, rows.Err()
}

// openInvitation loads an open invitation whose account the actor
// manages: its users (users.manage), or for an invitation to one
// infrastructure, its infrastructures (infra.manage).
func (s *Scope) openInvitation(ctx context.Context, tx *tx, id string) (*tenantry.Invitation, *tenantry.Account, error) {
	inv, err := scanInvitation(tx.QueryRowContext(ctx, `SELECT `+invitationColumns+invitationFrom+`
		WHERE i.id = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL`, id))
	if err != nil {
		return nil, nil, notFound(err)
	}
	perm := tenantry.PermUsersManage
	if inv.InfrastructureID != "" {
		perm = tenantry.PermInfraManage
	}
	a, err := s.managedAccount(ctx, tx, inv.AccountID, perm)
	if err != nil {
		return nil, nil, err
	}
	return inv, a, nil
}

// RevokeInvitation makes an open invitation's link useless.
func (s *Scope) RevokeInvitation(ctx context.Context, id string) error {
	return s.db.inTx(ctx, func(tx *tx) error {
		inv, a, err := s.openInvitation(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET revoked_at = ? WHERE id = ?`, ms(tx.now), inv.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "invitation.revoke", "invitation", inv.ID, "revoked the invitation of "+inv.Email)
	})
}

// ResendInvitation mails an open invitation again with a fresh link and
// a fresh week; the old link stops working.
func (s *Scope) ResendInvitation(ctx context.Context, id string, links mail.Links) (*tenantry.Invitation, error) {
	var out *tenantry.Invitation
	err := s.db.inTx(ctx, func(tx *tx) error {
		inv, a, err := s.openInvitation(ctx, tx, id)
		if err != nil {
			return err
		}
		var in *tenantry.Infrastructure
		if inv.InfrastructureID != "" {
			in = &tenantry.Infrastructure{ID: inv.InfrastructureID, Name: inv.InfrastructureName}
		}
		fresh, token, err := s.newInvitation(ctx, tx, a, in, inv.Email, inv.Role, inv.RoleName)
		if err != nil {
			return err
		}
		if inv.Delegate {
			fresh.Delegate = true
			if _, err := tx.ExecContext(ctx, `UPDATE invitations SET delegate = 1 WHERE id = ?`, fresh.ID); err != nil {
				return err
			}
		}
		if err := s.mailInvitation(ctx, tx, a, fresh, token, links); err != nil {
			return err
		}
		out = fresh
		return s.audit(ctx, tx, a, "invitation.resend", "invitation", fresh.ID, "sent the invitation of "+inv.Email+" again")
	})
	return out, err
}

// InvitationByToken returns the live invitation a link on this tenant
// carries, with the name of the account it invites to. ENOTFOUND when the
// link is unknown, used, revoked, expired or from another tenant.
func (db *DB) InvitationByToken(ctx context.Context, t *tenantry.Tenant, token string) (*tenantry.Invitation, string, error) {
	var accountName string
	// an invitation to an infrastructure deleted since is no invitation
	// any more: its row is kept, its target is gone
	inv, err := scanInvitation(db.read.QueryRowContext(ctx, `SELECT `+invitationColumns+invitationFrom+`
		WHERE i.token_hash = ? AND i.tenant_id = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?
			AND (i.infrastructure_id IS NULL OR inf.status = 'active')`,
		hashToken(token), t.Account.ID, ms(db.Now())))
	if err != nil {
		return nil, "", notFound(err)
	}
	err = db.read.QueryRowContext(ctx, `SELECT name FROM accounts WHERE id = ?`, inv.AccountID).Scan(&accountName)
	return inv, accountName, err
}

// AcceptInvitation spends a link: a new person becomes a user (with the
// name and password given, the address confirmed by the link) and a
// member with the invitation's role; a signed-in user (userID set) whose
// email is the invited one becomes a member. One transaction. Errors:
// ENOTFOUND (link unusable), EINVALID, ECONFLICT (the address has a user
// now: sign in first).
func (db *DB) AcceptInvitation(ctx context.Context, t *tenantry.Tenant, token, userID, name, passwordHash, ip string) (*tenantry.User, error) {
	var user *tenantry.User
	err := db.inTx(ctx, func(tx *tx) error {
		inv, err := scanInvitation(tx.QueryRowContext(ctx, `SELECT `+invitationColumns+invitationFrom+`
			WHERE i.token_hash = ? AND i.tenant_id = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?
				AND (i.infrastructure_id IS NULL OR inf.status = 'active')`,
			hashToken(token), t.Account.ID, ms(tx.now)))
		if err != nil {
			return notFound(err)
		}
		if userID != "" {
			if user, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, userID)); err != nil {
				return err
			}
			if user.Email != inv.Email {
				return tenantry.Errorf(tenantry.EFORBIDDEN, "This invitation is for %s: sign in as that person to accept it.", inv.Email)
			}
		} else {
			user = &tenantry.User{Email: inv.Email, Name: name, PasswordHash: passwordHash}
			if err := insertUser(ctx, tx, user, "email"); err != nil {
				if tenantry.ErrorKind(err) == tenantry.ECONFLICT {
					return tenantry.Errorf(tenantry.ECONFLICT, "%s has an account now: sign in, then open the link again.", inv.Email)
				}
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET email_verified_at = ? WHERE id = ?`, ms(tx.now), user.ID); err != nil {
				return err
			}
		}
		if inv.InfrastructureID != "" {
			if err := insertInfraGrant(ctx, tx, inv.InfrastructureID, user.ID, inv.InvitedBy); err != nil {
				return err
			}
		} else {
			if _, err := membership(ctx, tx, inv.AccountID, user.ID); err == nil {
				return tenantry.Errorf(tenantry.ECONFLICT, "You are already a member.")
			}
			if err := insertGrant(ctx, tx, inv.AccountID, user.ID, inv.Role, inv.Delegate); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET accepted_at = ? WHERE id = ?`, ms(tx.now), inv.ID); err != nil {
			return err
		}
		a, err := accountByID(ctx, tx, inv.AccountID)
		if err != nil {
			return err
		}
		summary := fmt.Sprintf("%s joined as %s", user.Email, inv.RoleName)
		if inv.InfrastructureID != "" {
			summary = fmt.Sprintf("%s became a delegate of infrastructure %q", user.Email, inv.InfrastructureName)
		}
		return insertAudit(ctx, tx, auditEvent{ActorID: user.ID, ActorEmail: user.Email, Account: a, Action: "invitation.accept",
			ObjectType: "invitation", ObjectID: inv.ID, Summary: summary, IP: ip})
	})
	return user, err
}

// LeaveDelegation ends the user's own delegation to an account in the
// tenant's subtree, from the delegate's side. Errors: ENOTFOUND (no such
// delegation of theirs on this tenant; a delegation under another tenant
// is left as it is).
func (db *DB) LeaveDelegation(ctx context.Context, t *tenantry.Tenant, u *tenantry.User, accountID, ip string) error {
	return db.inTx(ctx, func(tx *tx) error {
		where, args := subtree("a.path", t.Account.Path)
		var found string
		err := tx.QueryRowContext(ctx, `SELECT a.id FROM memberships m JOIN accounts a ON a.id = m.account_id
			WHERE m.account_id = ? AND m.user_id = ? AND m.delegate = 1 AND `+where,
			append([]any{accountID, u.ID}, args...)...).Scan(&found)
		if err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE account_id = ? AND user_id = ? AND delegate = 1`,
			accountID, u.ID); err != nil {
			return err
		}
		a, err := accountByID(ctx, tx, accountID)
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, auditEvent{ActorID: u.ID, ActorEmail: u.Email, Account: a, Action: "membership.delete",
			ObjectType: "user", ObjectID: u.ID, Summary: u.Email + " stopped being a delegate", IP: ip})
	})
}
