package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// Account API keys (tenantry.APIKey): made, listed and revoked by those
// who may manage the account (account.manage: its Owner and Admin, or its
// vendors' staff with that permission), each working only on the tenant
// domain where it was made. The secret is stored as its SHA-256, like a
// personal token's, and exists in clear only in CreateAPIKey's answer.

// APIKeyTouchEvery is how stale a key's last_used_at may get before a
// request records it again, as for personal tokens.
const APIKeyTouchEvery = APITokenTouchEvery

// apiKeyLimit bounds the keys an account's list shows (revoked included).
const apiKeyLimit = 500

func scopesColumn(scopes []string) string { return strings.Join(scopes, ",") }

func parseScopes(col string) []string {
	if col == "" {
		return nil
	}
	return strings.Split(col, ",")
}

// actorUserID is the scope's actor's user id for a column that names a
// user (created_by, granted_by), or nil (SQL NULL) for an actor that is
// no user: an API key (tenantry.Actor.APIKey) or a system scope. Writing
// "" there would break the column's foreign key.
func (s *Scope) actorUserID() any {
	if s.actor.User.ID == "" || s.system != "" {
		return nil
	}
	return s.actor.User.ID
}

// CreateAPIKey makes an API key for the account, working on the scope's
// tenant domain only, and returns it with its secret: the only time the
// secret is seen. Errors: ENOTFOUND (account out of reach), EFORBIDDEN
// (no account.manage on it), EINVALID (name, scopes).
func (s *Scope) CreateAPIKey(ctx context.Context, accountID string, in tenantry.APIKeyInput) (*tenantry.APIKey, string, error) {
	in.Normalize()
	secret := tenantry.APIKeyPrefix + tenantry.RandomToken(30)
	var out *tenantry.APIKey
	err := s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.authorizedAccount(ctx, tx, accountID, tenantry.PermAccountManage)
		if err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		out = &tenantry.APIKey{ID: tenantry.NewID("key"), AccountID: a.ID, Name: in.Name, Scopes: in.Scopes,
			CreatedBy: s.actor.User.Email, CreatedAt: tx.now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_keys (id, account_id, tenant_id, name, scopes, key_hash, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, out.ID, a.ID, s.tenant.Account.ID, out.Name, scopesColumn(out.Scopes),
			hashToken(secret), s.actorUserID(), ms(tx.now)); err != nil {
			return fmt.Errorf("insert api key: %w", err)
		}
		return s.audit(ctx, tx, a, "api_key.create", "api_key", out.ID,
			fmt.Sprintf("created API key %q with scopes %s", out.Name, strings.Join(out.Scopes, ", ")))
	})
	if err != nil {
		return nil, "", err
	}
	return out, secret, nil
}

// APIKeys lists the account's API keys, newest first, revoked ones
// included, never their secrets. Who made a key is shown as for the audit
// log: on a reseller's domain, someone from above it is VendorStaff.
// Errors: ENOTFOUND, EFORBIDDEN (no account.manage).
func (s *Scope) APIKeys(ctx context.Context, accountID string) ([]tenantry.APIKey, error) {
	a, err := s.authorizedAccount(ctx, s.db.read, accountID, tenantry.PermAccountManage)
	if err != nil {
		return nil, err
	}
	inside, insideArgs := subtree("ma.path", s.tenant.Account.Path)
	args := append([]any{s.tenant.Account.ID, s.tenant.IsPlatform()}, insideArgs...)
	args = append(args, VendorStaff, a.ID, apiKeyLimit)
	rows, err := s.db.read.QueryContext(ctx, `SELECT k.id, k.account_id, k.name, k.scopes, k.tenant_id <> ?,
			k.created_at, k.last_used_at, k.revoked_at,
			CASE WHEN u.id IS NULL THEN ''
				WHEN ? OR EXISTS (SELECT 1 FROM memberships m JOIN accounts ma ON ma.id = m.account_id
					WHERE m.user_id = u.id AND `+inside+`) THEN u.email
				ELSE ? END
		FROM api_keys k LEFT JOIN users u ON u.id = k.created_by
		WHERE k.account_id = ? ORDER BY k.created_at DESC, k.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenantry.APIKey
	for rows.Next() {
		var k tenantry.APIKey
		var scopes string
		var created int64
		var used, revoked sql.NullInt64
		if err := rows.Scan(&k.ID, &k.AccountID, &k.Name, &scopes, &k.Elsewhere, &created, &used, &revoked, &k.CreatedBy); err != nil {
			return nil, err
		}
		k.Scopes, k.CreatedAt = parseScopes(scopes), fromMS(created)
		if used.Valid {
			k.LastUsedAt = fromMS(used.Int64)
		}
		if revoked.Valid {
			k.RevokedAt = fromMS(revoked.Int64)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey revokes a key: it stops opening the API at once. Revoking
// a revoked key changes nothing. It returns the key as revoked. Errors:
// ENOTFOUND (no such key within reach), EFORBIDDEN (no account.manage on
// its account).
func (s *Scope) RevokeAPIKey(ctx context.Context, id string) (*tenantry.APIKey, error) {
	var out *tenantry.APIKey
	err := s.db.inTx(ctx, func(tx *tx) error {
		k := tenantry.APIKey{ID: id}
		var scopes string
		var created int64
		var revoked sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT account_id, name, scopes, created_at, revoked_at FROM api_keys WHERE id = ?`, id).
			Scan(&k.AccountID, &k.Name, &scopes, &created, &revoked)
		if err != nil {
			return notFound(err)
		}
		a, err := s.authorizedAccount(ctx, tx, k.AccountID, tenantry.PermAccountManage)
		if err != nil {
			return err
		}
		k.Scopes, k.CreatedAt, out = parseScopes(scopes), fromMS(created), &k
		if revoked.Valid {
			k.RevokedAt = fromMS(revoked.Int64)
			return nil
		}
		k.RevokedAt = tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ?`, ms(tx.now), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "api_key.revoke", "api_key", id, fmt.Sprintf("revoked API key %q", k.Name))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// APIKeyActor turns a key's secret, presented on tenant t, into the actor
// it signs in as: a user with no id, labelled by the key's name (so audit
// events name the key), with one grant on the key's account that carries
// the permissions of its scopes (tenantry.APIKeyPermissions), and
// Actor.APIKey set. Errors: ENOTFOUND for an unknown or revoked key, one
// made on another tenant's domain, and one whose account is not active
// (suspended, closed, pending) or no longer below t.
func (db *DB) APIKeyActor(ctx context.Context, t *tenantry.Tenant, secret string) (*tenantry.Actor, error) {
	var ref tenantry.APIKeyRef
	var scopes string
	a, err := scanAccount(db.read.QueryRowContext(ctx, `SELECT `+accountColumns+`, k.id, k.name, k.scopes
		FROM api_keys k JOIN accounts a ON a.id = k.account_id
		WHERE k.key_hash = ? AND k.tenant_id = ? AND k.revoked_at IS NULL`, hashToken(secret), t.Account.ID),
		&ref.ID, &ref.Name, &scopes)
	if err != nil {
		return nil, notFound(err)
	}
	if a.Status != tenantry.StatusActive || !t.Account.Contains(a) {
		return nil, tenantry.ErrNotFound
	}
	ref.Scopes = parseScopes(scopes)
	label := tenantry.APIKeyLabel(ref.Name)
	return &tenantry.Actor{
		User: tenantry.User{Email: label, Name: label},
		Grants: []tenantry.Grant{{Account: *a, Custom: tenantry.APIKeyPermissions(ref.Scopes),
			RoleName: "API key", Via: "api_key"}},
		APIKey: &ref,
	}, nil
}

// TouchAPIKey records that a key was just used. Like TouchAPIToken it
// writes only when the recorded time is older than APIKeyTouchEvery: one
// write a minute per key, however busy the integration.
func (db *DB) TouchAPIKey(ctx context.Context, id string) error {
	var found string
	err := db.read.QueryRowContext(ctx, `SELECT id FROM api_keys WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
		id, ms(db.Now().Add(-APIKeyTouchEvery))).Scan(&found)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *tx) error {
		// checked again under the write lock: of two requests that both
		// saw a stale time, only one writes
		_, err := tx.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ?
			WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`, ms(tx.now), id, ms(tx.now.Add(-APIKeyTouchEvery)))
		return err
	})
}
