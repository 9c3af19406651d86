package store

import (
	"context"
	"fmt"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// auditEvent is one row of the audit log before it is written.
type auditEvent struct {
	ActorID    string
	ActorEmail string
	ActingAs   string
	// Account is the account the event belongs to; its vendors see it.
	Account    *tenantry.Account
	Action     string
	ObjectType string
	ObjectID   string
	Summary    string
	IP         string
}

// insertAudit writes an audit event inside the transaction that made the
// change, so a change and its record stand or fall together.
func insertAudit(ctx context.Context, tx *tx, e auditEvent) error {
	var actor, actingAs, accountID any
	if e.ActorID != "" {
		actor = e.ActorID
	}
	if e.ActingAs != "" {
		actingAs = e.ActingAs
	}
	path := ""
	if e.Account != nil {
		accountID, path = e.Account.ID, e.Account.Path
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_events
		(id, at, actor_user_id, actor_email, acting_as_account_id, account_id, account_path,
		 action, object_type, object_id, summary, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tenantry.NewID("evt"), ms(tx.now), actor, e.ActorEmail, actingAs, accountID, path,
		e.Action, e.ObjectType, e.ObjectID, e.Summary, e.IP)
	if err != nil {
		return fmt.Errorf("insert audit event: %w", err)
	}
	return nil
}

// RecordLogin writes a login or failed-login event on the tenant's log.
// Failed logins name the email typed, so a tenant's admins can see attacks
// on their domain; the event never says whether that email exists.
func (db *DB) RecordLogin(ctx context.Context, t *tenantry.Tenant, userID, email, action, summary, ip string) error {
	return db.inTx(ctx, func(tx *tx) error {
		return insertAudit(ctx, tx, auditEvent{ActorID: userID, ActorEmail: email, Account: &t.Account,
			Action: action, ObjectType: "session", Summary: summary, IP: ip})
	})
}
