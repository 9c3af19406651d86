package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
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
			// who is masked, not what: the change stays described, except
			// where the summary is about the actor themself (their sign-in,
			// profile, sessions or tokens)
			ev.ActorID, ev.ActorEmail, ev.IP = "", VendorStaff, ""
			if aboutActor(ev.Action) {
				ev.Summary = "Made by " + VendorStaff + "."
			}
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
	if err := s.auditNames(ctx, page.Items); err != nil {
		return nil, err
	}
	if err := s.hideVendorNames(ctx, page.Items); err != nil {
		return nil, err
	}
	return page, nil
}

// hideVendorNames replaces, on a reseller's domain, the names of the
// accounts above the tenant (its vendor chain) in the summaries by "your
// vendor": a summary says what changed ("created reseller "Acme" below
// ...") and may name the provider behind the brand, which never shows
// there.
func (s *Scope) hideVendorNames(ctx context.Context, items []tenantry.AuditEvent) error {
	if s.tenant.IsPlatform() || len(items) == 0 {
		return nil
	}
	ids := s.tenant.Account.AncestorIDs()
	ids = ids[:len(ids)-1] // the tenant's own name is its brand's
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT name FROM accounts WHERE id IN (`+
		strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+`) AND name <> ''`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var pairs []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		pairs = append(pairs, strconv.Quote(name), "your vendor", name, "your vendor")
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(pairs) == 0 {
		return nil
	}
	r := strings.NewReplacer(pairs...)
	for i := range items {
		items[i].Summary = r.Replace(items[i].Summary)
	}
	return nil
}

// aboutActor tells the actions whose summary describes the actor
// themself rather than a change to an object: masked with the actor.
func aboutActor(action string) bool {
	family, _, _ := strings.Cut(action, ".")
	switch family {
	case "login", "logout", "session", "user", "api_token":
		return true
	}
	return false
}

// auditNameQueries finds, per object type, the names of objects by id and
// the path of the account that owns each, so that a name is shown only
// for an object inside the viewer's reach (never another tenant's, nor
// the vendor's above a reseller's domain).
var auditNameQueries = map[string]string{
	"account":        `SELECT a.id, a.name, a.path FROM accounts a WHERE a.id IN (%s)`,
	"plan":           `SELECT p.id, p.name, a.path FROM plans p JOIN accounts a ON a.id = p.owner_id WHERE p.id IN (%s)`,
	"role":           `SELECT r.id, r.name, a.path FROM roles r JOIN accounts a ON a.id = r.account_id WHERE r.id IN (%s)`,
	"cost_center":    `SELECT c.id, c.name, a.path FROM cost_centers c JOIN accounts a ON a.id = c.account_id WHERE c.id IN (%s)`,
	"api_key":        `SELECT k.id, k.name, a.path FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.id IN (%s)`,
	"infrastructure": `SELECT i.id, i.name, a.path FROM infrastructures i JOIN accounts a ON a.id = i.account_id WHERE i.id IN (%s)`,
	// a user is named where one of their memberships is within reach
	"user": `SELECT u.id, CASE WHEN u.name <> '' THEN u.name ELSE u.email END AS name, a.path
		FROM users u JOIN memberships m ON m.user_id = u.id JOIN accounts a ON a.id = m.account_id WHERE u.id IN (%s)`,
}

// auditNames fills the events' ObjectName with one query for the whole
// page (no query per event): the current name of each object within the
// scope's reach, or for a deleted one the name its deletion recorded.
func (s *Scope) auditNames(ctx context.Context, items []tenantry.AuditEvent) error {
	ids := map[string][]any{}
	seen := map[string]bool{}
	for _, e := range items {
		if _, ok := auditNameQueries[e.ObjectType]; !ok || e.ObjectID == "" || seen[e.ObjectType+"\x00"+e.ObjectID] {
			continue
		}
		seen[e.ObjectType+"\x00"+e.ObjectID] = true
		ids[e.ObjectType] = append(ids[e.ObjectType], e.ObjectID)
	}
	var parts []string
	var args []any
	for _, typ := range slices.Sorted(maps.Keys(ids)) {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids[typ])), ", ")
		reach, reachArgs := s.reach("n.path")
		parts = append(parts, `SELECT ? AS typ, n.id, n.name FROM (`+fmt.Sprintf(auditNameQueries[typ], marks)+`) n WHERE `+reach)
		args = append(append(append(args, typ), ids[typ]...), reachArgs...)
	}
	names := map[string]string{}
	if len(parts) > 0 {
		rows, err := s.db.read.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var typ, id, name string
			if err := rows.Scan(&typ, &id, &name); err != nil {
				return err
			}
			names[typ+"\x00"+id] = name
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for i := range items {
		e := &items[i]
		if n, ok := names[e.ObjectType+"\x00"+e.ObjectID]; ok {
			e.ObjectName = n
		} else if strings.HasSuffix(e.Action, ".delete") {
			e.ObjectName = recordedName(e.Summary)
		}
	}
	return nil
}

// recordedName is the first quoted name in a summary (Billing, of
// deleted role "Billing"): what a deletion recorded of an object that is gone.
func recordedName(summary string) string {
	i := strings.IndexByte(summary, '"')
	if i < 0 {
		return ""
	}
	name, err := strconv.QuotedPrefix(summary[i:])
	if err != nil {
		return ""
	}
	name, err = strconv.Unquote(name)
	if err != nil {
		return ""
	}
	return name
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
