package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// Password reset: an anonymous door on a tenant's domain, like sign-up.
// The link is mailed only to a user who signs in on the tenant, works only
// there, and a new password ends the user's sessions and tokens everywhere.

// PurposeResetPassword is the one-time link a reset mails; it lasts
// ResetPasswordTTL.
const (
	PurposeResetPassword = "reset_password"
	ResetPasswordTTL     = time.Hour
)

// RequestPasswordReset mails a one-time link, valid for ResetPasswordTTL
// and only on this tenant, to the user with this email, if there is one
// who can sign in here. Otherwise it does nothing: the caller gives the
// same answer either way.
func (db *DB) RequestPasswordReset(ctx context.Context, t *tenantry.Tenant, email string, links mail.Links, ip string) error {
	u, err := db.UserByEmail(ctx, email)
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	actor, err := db.ActorFor(ctx, t, u.ID)
	if err != nil {
		return err
	}
	if len(actor.Grants) == 0 {
		return nil
	}
	from, err := db.mailTenant(ctx, db.read, &t.Account, t.LinkHost(), links)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *tx) error {
		token, err := insertUserToken(ctx, tx, u.ID, t.Account.ID, PurposeResetPassword, ResetPasswordTTL)
		if err != nil {
			return err
		}
		m, err := mail.ResetPassword(from, u.Email, u.Name, token, ResetPasswordTTL)
		if err != nil {
			return err
		}
		if err := insertMail(ctx, tx, m); err != nil {
			return err
		}
		return insertAudit(ctx, tx, auditEvent{ActorID: u.ID, ActorEmail: u.Email, Account: &actor.Grants[0].Account,
			Action: "user.password_reset_requested", ObjectType: "user", ObjectID: u.ID,
			Summary: "asked for a password reset link on " + t.Host, IP: ip})
	})
}

// ResetPassword spends a reset link issued on the tenant, sets the user's
// password hash, voids their other reset links, ends all their sessions
// and revokes all their API tokens, on every tenant, in one transaction. Errors: ENOTFOUND (the link is unknown,
// used, expired or from another tenant).
func (db *DB) ResetPassword(ctx context.Context, t *tenantry.Tenant, token, hash, ip string) (*tenantry.User, error) {
	tenantID := t.Account.ID
	var user *tenantry.User
	err := db.inTx(ctx, func(tx *tx) error {
		userID, err := spendToken(ctx, tx, tenantID, PurposeResetPassword, token)
		if err != nil {
			return err
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, []any{hash, ms(tx.now), userID}},
			{`UPDATE user_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`,
				[]any{ms(tx.now), userID, PurposeResetPassword}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		sessions, tokens, err := signOutEverywhere(ctx, tx, userID, "")
		if err != nil {
			return err
		}
		if user, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, userID)); err != nil {
			return err
		}
		t, err := accountByID(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, auditEvent{ActorID: user.ID, ActorEmail: user.Email, Account: t,
			Action: "user.password_reset", ObjectType: "user", ObjectID: user.ID,
			Summary: fmt.Sprintf("reset their password with a one-time link; signed out everywhere: %d %s ended, %d API %s revoked",
				sessions, plural(sessions, "session", "sessions"), tokens, plural(tokens, "token", "tokens")), IP: ip})
	})
	return user, err
}
