package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

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

// AuditWindow is the period an audit log query covers when no From is
// given; AuditMaxWindow is the longest one allowed.
const (
	AuditWindow    = 30 * 24 * time.Hour
	AuditMaxWindow = 366 * 24 * time.Hour
)

// AuditFilter narrows an audit log. Zero fields do not filter, except the
// window: a zero To is now and a zero From is AuditWindow before To.
type AuditFilter struct {
	// From and To bound the events' time, both inclusive.
	From, To time.Time
	// Action matches an action exactly or as a family: "login" matches
	// "login" and "login.failed", "account" matches "account.create".
	Action string
	// Actor matches a substring of the actor's email, case-insensitively.
	Actor      string
	ObjectType string
	// Cursor continues a previous page (AuditPage.NextCursor).
	Cursor string
	Limit  int
}

// AuditPage is one page of an audit log, newest first.
type AuditPage struct {
	Items []tenantry.AuditEvent
	// From and To are the window actually read, defaults applied.
	From, To time.Time
	// Total counts every match across all pages.
	Total      int
	NextCursor string
}

// AuditEvents lists the events of the subtree of accountID: the account's
// own and those of every account below it, newest first. It needs
// audit.view on the account. Events are filed under the path of the
// account they belong to when they happen (a login under the tenant whose
// domain it was on), so a vendor reads its subtree with one range scan and
// never sees its own vendor's events nor a sibling's. Errors: ENOTFOUND
// (account out of reach), EFORBIDDEN, EINVALID (window or cursor).
func (s *Scope) AuditEvents(ctx context.Context, accountID string, f AuditFilter) (*AuditPage, error) {
	a, err := s.Account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if err := tenantry.Authorize(s.actor, tenantry.PermAuditView, a); err != nil {
		return nil, err
	}
	if f.To.IsZero() {
		f.To = s.db.Now()
	}
	if f.From.IsZero() {
		f.From = f.To.Add(-AuditWindow)
	}
	switch {
	case f.From.After(f.To):
		return nil, tenantry.Invalid(map[string]string{"from": "Choose a start on or before the end."})
	case f.To.Sub(f.From) > AuditMaxWindow:
		return nil, tenantry.Invalid(map[string]string{"from": "Choose a period of at most one year."})
	}

	// the account's subtree, and (redundantly, since the account is within
	// reach) the scope's reach, so that no slip above can widen it
	where, args := subtree("e.account_path", a.Path)
	reach, reachArgs := s.reach("e.account_path")
	conds := []string{where, reach, `e.at >= ?`, `e.at <= ?`}
	args = append(append(args, reachArgs...), ms(f.From), ms(f.To))
	if v := strings.TrimSpace(f.Action); v != "" {
		conds = append(conds, `(e.action = ? OR substr(e.action, 1, length(?) + 1) = ? || '.')`)
		args = append(args, v, v, v)
	}
	// An event made by someone from above the tenant (its vendor chain:
	// no membership inside the tenant's subtree) is shown without their
	// identity on a reseller's domain: the provider behind the brand is
	// never named there, not even by what a filter on it matches. Work of
	// a system scope ("system:<reason>") counts as from above: the platform
	// runs it.
	inside, insideArgs := subtree("ma.path", s.tenant.Account.Path)
	fromInside := `((e.actor_user_id IS NULL AND substr(e.actor_email, 1, 7) <> 'system:') OR EXISTS (SELECT 1 FROM memberships m JOIN accounts ma ON ma.id = m.account_id
		WHERE m.user_id = e.actor_user_id AND ` + inside + `))`
	if v := strings.TrimSpace(f.Actor); v != "" {
		if s.tenant.IsPlatform() {
			conds = append(conds, `instr(lower(e.actor_email), lower(?)) > 0`)
			args = append(args, v)
		} else {
			conds = append(conds, `instr(lower(CASE WHEN `+fromInside+` THEN e.actor_email ELSE ? END), lower(?)) > 0`)
			args = append(append(args, insideArgs...), VendorStaff, v)
		}
	}
	if v := strings.TrimSpace(f.ObjectType); v != "" {
		conds = append(conds, `e.object_type = ?`)
		args = append(args, v)
	}
	page := &AuditPage{From: f.From, To: f.To}
	whereSQL := strings.Join(conds, " AND ")
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events e WHERE `+whereSQL,
		args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	if f.Cursor != "" {
		at, id, ok := decodeAuditCursor(f.Cursor)
		if !ok {
			return nil, tenantry.Invalid(map[string]string{"cursor": "This cursor is not valid."})
		}
		whereSQL += ` AND (e.at < ? OR (e.at = ? AND e.id < ?))`
		args = append(args, at, at, id)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT e.id, e.at, COALESCE(e.actor_user_id, ''), e.actor_email,
			COALESCE(e.acting_as_account_id, ''), COALESCE(aa.name, ''), COALESCE(e.account_id, ''), COALESCE(a.name, ''),
			e.action, e.object_type, e.object_id, e.summary, e.ip, `+fromInside+`
		FROM audit_events e
		LEFT JOIN accounts a ON a.id = e.account_id
		LEFT JOIN accounts aa ON aa.id = e.acting_as_account_id
		WHERE `+whereSQL+`
		ORDER BY e.at DESC, e.id DESC LIMIT ?`, append(append(insideArgs, args...), limit+1)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ev tenantry.AuditEvent
		var at int64
		var fromInside bool
		if err := rows.Scan(&ev.ID, &at, &ev.ActorID, &ev.ActorEmail, &ev.ActingAsID, &ev.ActingAsName,
			&ev.AccountID, &ev.AccountName, &ev.Action, &ev.ObjectType, &ev.ObjectID, &ev.Summary, &ev.IP, &fromInside); err != nil {
			return nil, err
		}
		if !fromInside && !s.tenant.IsPlatform() {
			ev.ActorID, ev.ActorEmail, ev.IP = "", VendorStaff, ""
			ev.Summary = "Made by " + VendorStaff + "."
		}
		ev.At = fromMS(at)
		page.Items = append(page.Items, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.NextCursor = encodeAuditCursor(ms(last.At), last.ID)
	}
	return page, nil
}

// VendorStaff stands in for an actor from above the tenant on a
// reseller's domain.
const VendorStaff = "your vendor's staff"

// The audit cursor is the last event's time and id: events are ordered by
// both, so a page continues exactly after it even when events share a
// millisecond.
func encodeAuditCursor(at int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at, 10) + ":" + id))
}

func decodeAuditCursor(c string) (int64, string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", false
	}
	atStr, id, ok := strings.Cut(string(b), ":")
	at, err := strconv.ParseInt(atStr, 10, 64)
	if !ok || err != nil || id == "" {
		return 0, "", false
	}
	return at, id, true
}
