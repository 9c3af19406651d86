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

// The profile: what a signed-in user changes about themselves (name,
// email, password) and the sessions and API tokens they hold. A profile
// belongs to a person, not to an account, so these methods do not hang off
// Scope (which is bound to accounts); they hang off Me, a value bound to
// one tenant and one user when the request is signed in, whose user id is
// the first condition of every WHERE: no call can name another user. The
// tenant bounds the sessions listed and the pending address to the domain
// the request came in on, and receives the audit events.

// Me is the signed-in user's own profile, sessions and API tokens, as seen
// on one tenant's domain from one address.
type Me struct {
	db *DB
	t  *tenantry.Tenant
	u  tenantry.User
	ip string
}

// Me binds the profile methods to user u signed in on tenant t, from ip
// (recorded in the audit events).
func (db *DB) Me(t *tenantry.Tenant, u *tenantry.User, ip string) *Me {
	return &Me{db: db, t: t, u: *u, ip: ip}
}

// PurposeChangeEmail is the one-time link that confirms a new address.
const PurposeChangeEmail = "change_email"

// ChangeEmailTTL is how long a change-of-address link stays valid.
const ChangeEmailTTL = 48 * time.Hour

// APITokenTouchEvery is how stale a token's last_used_at may get before a
// request records it again: at most one write per token per interval,
// however busy the integration.
const APITokenTouchEvery = time.Minute

// CodeWrongPassword is the error code of a profile change refused because
// the current password typed is wrong; callers count it as a failure for
// throttling.
const CodeWrongPassword = "wrong_password"

func wrongPassword() error {
	return &tenantry.Error{Kind: tenantry.EINVALID, Code: CodeWrongPassword,
		Message: "Please correct the highlighted fields.",
		Fields:  map[string]string{"current_password": "The current password is incorrect."}}
}

// CheckPassword refuses (CodeWrongPassword) unless pw is the user's
// password: the re-authentication before a sensitive change.
func (m *Me) CheckPassword(ctx context.Context, pw string) error {
	u, err := m.db.UserByID(ctx, m.u.ID)
	if err != nil {
		return err
	}
	if !password.Verify(u.PasswordHash, pw) {
		return wrongPassword()
	}
	return nil
}

func emailTaken(field string) error {
	return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "email_taken",
		Message: "Another user already has this email address.",
		Fields:  map[string]string{field: "Another user already has this email address."}}
}

// Profile is what the profile page shows of its user.
type Profile struct {
	User          tenantry.User
	EmailVerified bool
	// PendingEmail is the address a change requested on this tenant waits
	// to be confirmed for, or ""; PendingUntil is when its link expires.
	PendingEmail string
	PendingUntil time.Time
}

// Profile returns the user's profile as seen on the tenant. Errors:
// ENOTFOUND.
func (m *Me) Profile(ctx context.Context) (*Profile, error) {
	db, tenantID, userID := m.db, m.t.Account.ID, m.u.ID
	var p Profile
	var verified sql.NullInt64
	var created int64
	err := db.read.QueryRowContext(ctx, `SELECT id, email, name, password_hash, created_at, email_verified_at
		FROM users WHERE id = ?`, userID).
		Scan(&p.User.ID, &p.User.Email, &p.User.Name, &p.User.PasswordHash, &created, &verified)
	if err != nil {
		return nil, notFound(err)
	}
	p.User.CreatedAt, p.EmailVerified = fromMS(created), verified.Valid
	var expires int64
	err = db.read.QueryRowContext(ctx, `SELECT new_email, expires_at FROM user_tokens
		WHERE user_id = ? AND tenant_id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
		ORDER BY created_at DESC LIMIT 1`, userID, tenantID, PurposeChangeEmail, ms(db.Now())).Scan(&p.PendingEmail, &expires)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if err == nil {
		p.PendingUntil = fromMS(expires)
	}
	return &p, nil
}

// NameInput is a change of display name.
type NameInput struct {
	Name string `json:"name" validate:"required,max=200,printable"`
}

// UpdateName changes the user's display name. Errors: EINVALID, ENOTFOUND.
func (m *Me) UpdateName(ctx context.Context, name string) (*tenantry.User, error) {
	db, t, userID, ip := m.db, m.t, m.u.ID, m.ip
	in := NameInput{Name: strings.TrimSpace(name)}
	if err := tenantry.Check(in); err != nil {
		return nil, err
	}
	var out *tenantry.User
	err := db.inTx(ctx, func(tx *tx) error {
		u, err := userByIDTx(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.Name == in.Name {
			out = u
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, updated_at = ? WHERE id = ?`,
			in.Name, ms(tx.now), userID); err != nil {
			return err
		}
		summary := fmt.Sprintf("changed their name from %q to %q", u.Name, in.Name)
		u.Name, out = in.Name, u
		return insertAudit(ctx, tx, auditEvent{ActorID: u.ID, ActorEmail: u.Email, Account: &t.Account,
			Action: "user.update", ObjectType: "user", ObjectID: u.ID, Summary: summary, IP: ip})
	})
	return out, err
}

func userByIDTx(ctx context.Context, q querier, id string) (*tenantry.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, id))
	return u, notFound(err)
}

// PasswordChange is a change of password by a signed-in user.
type PasswordChange struct {
	Current string
	New     string
	Confirm string
}

// SessionRenewal names the session a change is made from (Current, its
// secret id) and the secret it continues under (Next): a session that
// just proved the password gets a fresh id, like a new sign-in.
type SessionRenewal struct {
	Current string
	Next    string
}

// ChangePassword sets a new password after checking the current one and
// the new one's strength, ends every other session of the user (on every
// domain: a password is the person's, not the tenant's), moves the
// current session to renew.Next, voids outstanding reset links and
// revokes every API token of the user on every domain (a token is a
// credential the old password minted). It returns how many sessions it
// ended. Errors:
// EINVALID (with Code CodeWrongPassword when the current password is
// wrong), ENOTFOUND.
func (m *Me) ChangePassword(ctx context.Context, in PasswordChange, renew SessionRenewal) (int, error) {
	db, t, userID, ip := m.db, m.t, m.u.ID, m.ip
	u, err := db.UserByID(ctx, userID)
	if err != nil {
		return 0, err
	}
	if !password.Verify(u.PasswordHash, in.Current) {
		return 0, wrongPassword()
	}
	fields := map[string]string{}
	if why := password.Weakness(in.New, u.Email); why != "" {
		fields["password"] = why
	} else if in.New != in.Confirm {
		fields["confirm"] = "The two passwords differ."
	}
	if len(fields) > 0 {
		return 0, tenantry.Invalid(fields)
	}
	hash := hashPassword(in.New) // slow: before the write lock is taken
	var ended int
	err = db.inTx(ctx, func(tx *tx) error {
		// the hash checked above must still be the user's: a concurrent
		// change wins, and this one is refused as a wrong password
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? AND password_hash = ?`,
			hash, ms(tx.now), userID, u.PasswordHash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return wrongPassword()
		}
		var tokens int
		if ended, tokens, err = signOutEverywhere(ctx, tx, userID, renew.Current); err != nil {
			return err
		}
		if renew.Current != "" && renew.Next != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE sessions SET id_hash = ?, last_seen_at = ? WHERE user_id = ? AND id_hash = ?`,
				hashToken(renew.Next), ms(tx.now), userID, hashToken(renew.Current)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE user_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`,
			ms(tx.now), userID, PurposeResetPassword); err != nil {
			return err
		}
		return insertAudit(ctx, tx, auditEvent{ActorID: u.ID, ActorEmail: u.Email, Account: &t.Account,
			Action: "user.password_change", ObjectType: "user", ObjectID: u.ID,
			Summary: fmt.Sprintf("changed their password; %d other %s ended, %d API %s revoked",
				ended, plural(ended, "session", "sessions"), tokens, plural(tokens, "token", "tokens")),
			IP: ip})
	})
	if err != nil {
		return 0, err
	}
	return ended, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// EmailChange is a request to change the user's email address.
type EmailChange struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Password string `json:"current_password"`
}

// RequestEmailChange checks the user's password and the new address, then
// mails a one-time link (valid ChangeEmailTTL, only on this tenant) to the
// new address and a notice to the current one, both in the tenant's
// brand. The address changes only when the link is followed
// (ConfirmEmailChange); a newer request voids the links of older ones.
// An address that another user already has is answered exactly as a free
// one (the same result, the same pending change on the profile, the same
// notice to the current address, the same audit event), but it is mailed
// a notice without a link instead: the form must not tell whether an
// address has a user anywhere on the platform. Errors: EINVALID (Code
// CodeWrongPassword for a wrong password), ENOTFOUND.
func (m *Me) RequestEmailChange(ctx context.Context, in EmailChange, links mail.Links) error {
	db, t, userID, ip := m.db, m.t, m.u.ID, m.ip
	in.Email = tenantry.NormalizeEmail(in.Email)
	u, err := db.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	fields := tenantry.FieldErrors(in)
	if in.Password == "" {
		fields["current_password"] = "This field is required."
	}
	if len(fields) == 0 && in.Email == u.Email {
		fields["email"] = "This is already your email address."
	}
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	if !password.Verify(u.PasswordHash, in.Password) {
		return wrongPassword()
	}
	from, err := db.mailTenant(ctx, db.read, &t.Account, t.LinkHost(), links)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *tx) error {
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email = ? AND id <> ?)`,
			in.Email, userID).Scan(&taken); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE user_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`,
			ms(tx.now), userID, PurposeChangeEmail); err != nil {
			return err
		}
		// a taken address gets a pending change too (its link is never
		// mailed, and confirming could not succeed), so that the profile
		// shows the same thing for either
		token, err := insertUserToken(ctx, tx, userID, t.Account.ID, PurposeChangeEmail, ChangeEmailTTL)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE user_tokens SET new_email = ? WHERE token_hash = ?`,
			in.Email, hashToken(token)); err != nil {
			return err
		}
		var msg mail.Message
		if taken {
			msg, err = mail.EmailChangeTaken(from, in.Email)
		} else {
			msg, err = mail.ChangeEmail(from, in.Email, u.Name, token, ChangeEmailTTL)
		}
		if err != nil {
			return err
		}
		if err := insertMail(ctx, tx, msg); err != nil {
			return err
		}
		notice, err := mail.EmailChangeNotice(from, u.Email, u.Name, in.Email)
		if err != nil {
			return err
		}
		if err := insertMail(ctx, tx, notice); err != nil {
			return err
		}
		return insertAudit(ctx, tx, auditEvent{ActorID: u.ID, ActorEmail: u.Email, Account: &t.Account,
			Action: "user.email_change_requested", ObjectType: "user", ObjectID: u.ID,
			Summary: fmt.Sprintf("asked to change their email from %s to %s; mail sent to the new address", u.Email, in.Email), IP: ip})
	})
}

// PendingEmailChange returns the address a live change-of-address link of
// this user on this tenant would set. Errors: ENOTFOUND (unknown, used,
// expired, another tenant's or another user's link).
func (m *Me) PendingEmailChange(ctx context.Context, token string) (string, error) {
	db, tenantID, userID := m.db, m.t.Account.ID, m.u.ID
	var email string
	err := db.read.QueryRowContext(ctx, `SELECT new_email FROM user_tokens
		WHERE user_id = ? AND token_hash = ? AND tenant_id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`,
		userID, hashToken(token), tenantID, PurposeChangeEmail, ms(db.Now())).Scan(&email)
	return email, notFound(err)
}

// ConfirmEmailChange spends a change-of-address link of this user issued
// on this tenant and sets the address it was mailed to, now verified.
// Errors: ENOTFOUND (see PendingEmailChange), ECONFLICT email_taken
// (someone took the address meanwhile; the link stays unused).
func (m *Me) ConfirmEmailChange(ctx context.Context, token string) (*tenantry.User, error) {
	db, t, userID, ip := m.db, m.t, m.u.ID, m.ip
	var out *tenantry.User
	err := db.inTx(ctx, func(tx *tx) error {
		var email string
		err := tx.QueryRowContext(ctx, `UPDATE user_tokens SET used_at = ?
			WHERE user_id = ? AND token_hash = ? AND tenant_id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
			RETURNING new_email`, ms(tx.now), userID, hashToken(token), t.Account.ID, PurposeChangeEmail, ms(tx.now)).Scan(&email)
		if err != nil {
			return notFound(err)
		}
		u, err := userByIDTx(ctx, tx, userID)
		if err != nil {
			return err
		}
		old := u.Email
		_, err = tx.ExecContext(ctx, `UPDATE users SET email = ?, email_verified_at = ?, updated_at = ? WHERE id = ?`,
			email, ms(tx.now), ms(tx.now), userID)
		if isUniqueViolation(err) {
			return emailTaken("email")
		}
		if err != nil {
			return err
		}
		u.Email, out = email, u
		return insertAudit(ctx, tx, auditEvent{ActorID: u.ID, ActorEmail: u.Email, Account: &t.Account,
			Action: "user.email_change", ObjectType: "user", ObjectID: u.ID,
			Summary: fmt.Sprintf("changed their email from %s to %s (confirmed by mail)", old, email), IP: ip})
	})
	return out, err
}

// SessionInfo is one of a user's sessions as the profile lists it.
type SessionInfo struct {
	// ID names the session in URLs and forms: the stored SHA-256 of its
	// secret. It cannot be turned back into the secret the cookie holds,
	// so showing it to the session's owner gives nothing away.
	ID         string
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	// Current marks the session the listing was asked from.
	Current bool
}

// Sessions lists the user's live sessions on the tenant, the most
// recently seen first; current is the secret id of the asking session.
func (m *Me) Sessions(ctx context.Context, current string) ([]SessionInfo, error) {
	db, tenantID, userID := m.db, m.t.Account.ID, m.u.ID
	rows, err := db.read.QueryContext(ctx, `SELECT id_hash, ip, user_agent, created_at, last_seen_at, expires_at
		FROM sessions WHERE user_id = ? AND tenant_id = ? AND expires_at > ?
		ORDER BY last_seen_at DESC, created_at DESC LIMIT 200`, userID, tenantID, ms(db.Now()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cur := hashToken(current)
	var out []SessionInfo
	for rows.Next() {
		var s SessionInfo
		var created, seen, expires int64
		if err := rows.Scan(&s.ID, &s.IP, &s.UserAgent, &created, &seen, &expires); err != nil {
			return nil, err
		}
		s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
		s.Current = current != "" && s.ID == cur
		out = append(out, s)
	}
	return out, rows.Err()
}

// RevokeSession ends one of the user's live sessions on the tenant, named
// by its SessionInfo.ID. Errors: ENOTFOUND (no such session of this user
// on this tenant: another user's is as absent as an unknown one).
func (m *Me) RevokeSession(ctx context.Context, id string) error {
	db, t, u, ip := m.db, m.t, &m.u, m.ip
	return db.inTx(ctx, func(tx *tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id_hash = ? AND tenant_id = ? AND expires_at > ?`,
			u.ID, id, t.Account.ID, ms(tx.now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantry.ErrNotFound
		}
		return insertAudit(ctx, tx, auditEvent{ActorID: u.ID, ActorEmail: u.Email, Account: &t.Account,
			Action: "session.revoke", ObjectType: "session", Summary: "ended one of their sessions", IP: ip})
	})
}

// RevokeOtherSessions ends every session of the user except current (a
// secret id), on every domain, and returns how many it ended.
func (m *Me) RevokeOtherSessions(ctx context.Context, current string) (int, error) {
	db, t, u, ip := m.db, m.t, &m.u, m.ip
	var ended int
	err := db.inTx(ctx, func(tx *tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`, u.ID, hashToken(current))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		ended = int(n)
		return insertAudit(ctx, tx, auditEvent{ActorID: u.ID, ActorEmail: u.Email, Account: &t.Account,
			Action: "session.revoke_others", ObjectType: "session",
			Summary: fmt.Sprintf("signed out everywhere else: %d %s ended", ended, plural(ended, "session", "sessions")), IP: ip})
	})
	return ended, err
}

// APITokenInfo is one of a user's API tokens as the profile lists it; the
// secret itself is never stored, so it is never listed.
type APITokenInfo struct {
	ID   string
	Name string
	// Domain is the host the token opens the API on: the primary domain
	// of the tenant it was minted on ("" if that tenant has none left).
	Domain    string
	CreatedAt time.Time
	ExpiresAt time.Time
	// LastUsedAt and RevokedAt are zero when never used, not revoked.
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Live reports whether the token still opens the API at now.
func (t *APITokenInfo) Live(now time.Time) bool {
	return t.RevokedAt.IsZero() && now.Before(t.ExpiresAt)
}

// APITokens lists all the user's API tokens, on every domain (each with
// the Domain it works on, so that a token minted on the platform domain
// is seen and revoked from the reseller's too), newest first, revoked and
// expired ones included.
func (m *Me) APITokens(ctx context.Context) ([]APITokenInfo, error) {
	rows, err := m.db.read.QueryContext(ctx, `SELECT t.id, t.name,
			COALESCE((SELECT d.fqdn FROM domains d WHERE d.account_id = t.tenant_id
				ORDER BY d.is_primary DESC, d.created_at, d.fqdn LIMIT 1), ''),
			t.created_at, t.expires_at, t.last_used_at, t.revoked_at
		FROM api_tokens t WHERE t.user_id = ? ORDER BY t.created_at DESC, t.id LIMIT 500`, m.u.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APITokenInfo
	for rows.Next() {
		var tk APITokenInfo
		var created, expires int64
		var used, revoked sql.NullInt64
		if err := rows.Scan(&tk.ID, &tk.Name, &tk.Domain, &created, &expires, &used, &revoked); err != nil {
			return nil, err
		}
		tk.CreatedAt, tk.ExpiresAt = fromMS(created), fromMS(expires)
		if used.Valid {
			tk.LastUsedAt = fromMS(used.Int64)
		}
		if revoked.Valid {
			tk.RevokedAt = fromMS(revoked.Int64)
		}
		out = append(out, tk)
	}
	return out, rows.Err()
}

// APITokenName checks the name of a token created in the panel.
type APITokenName struct {
	Name string `json:"name" validate:"required,max=100,printable"`
}

// RevokeAPIToken revokes one of the user's tokens, whichever domain it
// works on (the list shows them all); revoking a revoked token changes
// nothing. The audit event goes to the tenant the request came in on.
// Errors: ENOTFOUND (no such token of this user).
func (m *Me) RevokeAPIToken(ctx context.Context, id string) error {
	db, t, u, ip := m.db, m.t, &m.u, m.ip
	return db.inTx(ctx, func(tx *tx) error {
		var name string
		var revoked sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT name, revoked_at FROM api_tokens WHERE user_id = ? AND id = ?`,
			u.ID, id).Scan(&name, &revoked)
		if err != nil {
			return notFound(err)
		}
		if revoked.Valid {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND id = ?`,
			ms(tx.now), u.ID, id); err != nil {
			return err
		}
		return insertAudit(ctx, tx, auditEvent{ActorID: u.ID, ActorEmail: u.Email, Account: &t.Account,
			Action: "api_token.revoke", ObjectType: "api_token", ObjectID: id, Summary: "revoked API token " + name, IP: ip})
	})
}

// TouchAPIToken records that a live token on the tenant was just used. It
// writes only when the recorded time is older than APITokenTouchEvery, so
// a busy integration costs one write a minute, not one per request.
func (db *DB) TouchAPIToken(ctx context.Context, t *tenantry.Tenant, token string) error {
	now := db.Now()
	stale := ms(now.Add(-APITokenTouchEvery))
	var id string
	err := db.read.QueryRowContext(ctx, `SELECT id FROM api_tokens
		WHERE token_hash = ? AND tenant_id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
		hashToken(token), t.Account.ID, stale).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *tx) error {
		// checked again under the write lock: of two requests that both
		// saw a stale time, only one writes
		_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ?
			WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`, ms(tx.now), id, ms(tx.now.Add(-APITokenTouchEvery)))
		return err
	})
}

// SessionID returns the SessionInfo.ID of the session whose secret id is
// secret, so that a caller can tell which listed session is its own.
func SessionID(secret string) string { return hashToken(secret) }
