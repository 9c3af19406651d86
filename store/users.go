package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/tenantry/tenantry/internal/tenantry"
)

func scanUser(row scanner) (*tenantry.User, error) {
	var u tenantry.User
	var created int64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = fromMS(created)
	return &u, nil
}

const userColumns = `u.id, u.email, u.name, u.password_hash, u.created_at`

// UserByEmail finds a user platform-wide by email, or returns ENOTFOUND.
// It is unscoped because login must find the person before it can know
// which accounts they reach; what they reach is decided by ActorFor.
func (db *DB) UserByEmail(ctx context.Context, email string) (*tenantry.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.email = ?`,
		tenantry.NormalizeEmail(email)))
	return u, notFound(err)
}

// UserByID finds a user by id, or returns ENOTFOUND.
func (db *DB) UserByID(ctx context.Context, id string) (*tenantry.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, id))
	return u, notFound(err)
}

// insertUser adds a user; an email already taken is an ECONFLICT on field.
func insertUser(ctx context.Context, tx *tx, u *tenantry.User, field string) error {
	u.ID = tenantry.NewID("usr")
	u.Email = tenantry.NormalizeEmail(u.Email)
	u.CreatedAt = tx.now
	_, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, u.ID, u.Email, u.Name, u.PasswordHash, ms(tx.now), ms(tx.now))
	if isUniqueViolation(err) {
		return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "email_taken",
			Message: "A user with this email already exists.",
			Fields:  map[string]string{field: "A user with this email already exists."}}
	}
	if err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	return nil
}

func insertMembership(ctx context.Context, tx *tx, accountID, userID string, role tenantry.Role) error {
	return insertGrant(ctx, tx, accountID, userID, role, false)
}

// insertGrant adds a membership; delegate marks an account delegation.
func insertGrant(ctx context.Context, tx *tx, accountID, userID string, role tenantry.Role, delegate bool) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO memberships (account_id, user_id, role, delegate, created_at) VALUES (?, ?, ?, ?, ?)`,
		accountID, userID, string(role), delegate, ms(tx.now))
	if err != nil {
		return fmt.Errorf("insert membership: %w", err)
	}
	return nil
}

// hashToken is how every bearer secret (session ids, API tokens, one-time
// links) is stored: a stolen database copy holds no usable credential.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// insertUserToken stores a new one-time link for user on tenant and
// returns its secret, which exists only in the caller's hands from now on.
func insertUserToken(ctx context.Context, tx *tx, userID, tenantID, purpose string, ttl time.Duration) (string, error) {
	token := tenantry.RandomToken(24)
	_, err := tx.ExecContext(ctx, `INSERT INTO user_tokens (token_hash, user_id, tenant_id, purpose, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, hashToken(token), userID, tenantID, purpose, ms(tx.now), ms(tx.now.Add(ttl)))
	if err != nil {
		return "", fmt.Errorf("insert user token: %w", err)
	}
	return token, nil
}

// UserByToken returns the user a live one-time link of this purpose belongs
// to on this tenant, or ENOTFOUND when it is unknown, used, expired or
// issued on another tenant.
func (db *DB) UserByToken(ctx context.Context, t *tenantry.Tenant, purpose, token string) (*tenantry.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+`
		FROM user_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND t.tenant_id = ? AND t.purpose = ? AND t.used_at IS NULL AND t.expires_at > ?`,
		hashToken(token), t.Account.ID, purpose, ms(db.Now())))
	return u, notFound(err)
}

// signOutEverywhere ends every session of the user on every tenant but
// the one whose secret id is keep (none when keep is ""), and revokes
// every live API token of theirs on every tenant: what a new password
// promises. It returns how many sessions and tokens it ended.
func signOutEverywhere(ctx context.Context, tx *tx, userID, keep string) (sessions, tokens int, err error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`, userID, hashToken(keep))
	if err != nil {
		return 0, 0, err
	}
	n, _ := res.RowsAffected()
	sessions = int(n)
	res, err = tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?`,
		ms(tx.now), userID, ms(tx.now))
	if err != nil {
		return 0, 0, err
	}
	n, _ = res.RowsAffected()
	return sessions, int(n), nil
}
