package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// Session is a signed-in browser on one tenant's domain. Its id is a bearer
// secret kept only as a hash.
type Session struct {
	UserID     string
	TenantID   string
	Data       string // JSON of the session's values
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// SaveSession creates or replaces the session with the given id.
func (db *DB) SaveSession(ctx context.Context, id string, s *Session) error {
	return db.inTx(ctx, func(tx *tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions
			(id_hash, user_id, tenant_id, data, ip, user_agent, created_at, last_seen_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id_hash) DO UPDATE SET data = excluded.data, last_seen_at = excluded.last_seen_at,
				expires_at = excluded.expires_at`,
			hashToken(id), s.UserID, s.TenantID, s.Data, s.IP, s.UserAgent, ms(tx.now), ms(tx.now), ms(s.ExpiresAt))
		if err != nil {
			return fmt.Errorf("save session: %w", err)
		}
		return nil
	})
}

// SessionByID returns a live session, or ENOTFOUND when it is unknown or
// expired.
func (db *DB) SessionByID(ctx context.Context, id string) (*Session, error) {
	var s Session
	var created, seen, expires int64
	err := db.read.QueryRowContext(ctx, `SELECT user_id, tenant_id, data, ip, user_agent, created_at, last_seen_at, expires_at
		FROM sessions WHERE id_hash = ? AND expires_at > ?`, hashToken(id), ms(db.Now())).
		Scan(&s.UserID, &s.TenantID, &s.Data, &s.IP, &s.UserAgent, &created, &seen, &expires)
	if err != nil {
		return nil, notFound(err)
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
	return &s, nil
}

// DeleteSession ends a session; an unknown id is not an error.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	return db.inTx(ctx, func(tx *tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hashToken(id))
		return err
	})
}

// OutboxRetention is how long mail that is no longer queued stays listed.
const OutboxRetention = 90 * 24 * time.Hour

// DeleteExpired removes expired sessions, throttle failures older than
// keep, spent or expired one-time links, and mail older than
// OutboxRetention that is no longer queued.
func (db *DB) DeleteExpired(ctx context.Context, keep time.Duration) error {
	return db.inTx(ctx, func(tx *tx) error {
		now := ms(tx.now)
		for _, q := range []string{
			`DELETE FROM sessions WHERE expires_at <= ?`,
			`DELETE FROM user_tokens WHERE expires_at <= ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, now); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM throttle_failures WHERE at <= ?`, ms(tx.now.Add(-keep))); err != nil {
			return err
		}
		// delivered, kept and failed mail is history after OutboxRetention
		_, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE status IN ('sent', 'kept', 'failed') AND created_at <= ?`,
			ms(tx.now.Add(-OutboxRetention)))
		return err
	})
}

// APITokenTTL is how long an API token stays valid.
const APITokenTTL = 90 * 24 * time.Hour

// CreateAPIToken issues a bearer token for the user, valid only on the
// tenant's domain, and returns its secret (shown once) and expiry.
func (m *Me) CreateAPIToken(ctx context.Context, name string) (string, time.Time, error) {
	db, t, u, ip := m.db, m.t, &m.u, m.ip
	token := "tnt_" + tenantry.RandomToken(30)
	var expires time.Time
	err := db.inTx(ctx, func(tx *tx) error {
		expires = tx.now.Add(APITokenTTL)
		id := tenantry.NewID("tok")
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, token_hash, user_id, tenant_id, name, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, hashToken(token), u.ID, t.Account.ID, name, ms(tx.now), ms(expires)); err != nil {
			return fmt.Errorf("insert api token: %w", err)
		}
		return insertAudit(ctx, tx, auditEvent{ActorID: u.ID, ActorEmail: u.Email, Account: &t.Account,
			Action: "api_token.create", ObjectType: "api_token", ObjectID: id, Summary: "created API token " + name, IP: ip})
	})
	return token, expires, err
}

// APITokenUser returns the id of the user a live token on this tenant
// belongs to, or ENOTFOUND.
func (db *DB) APITokenUser(ctx context.Context, t *tenantry.Tenant, token string) (string, error) {
	var userID string
	err := db.read.QueryRowContext(ctx, `SELECT user_id FROM api_tokens
		WHERE token_hash = ? AND tenant_id = ? AND revoked_at IS NULL AND expires_at > ?`,
		hashToken(token), t.Account.ID, ms(db.Now())).Scan(&userID)
	return userID, notFound(err)
}
