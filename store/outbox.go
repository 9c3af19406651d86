package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tenantry/tenantry/internal/jobs"
	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// Outbox statuses.
const (
	OutboxQueued = "queued"
	OutboxSent   = "sent"
	OutboxFailed = "failed"
	// OutboxKept is mail that no transport was configured to send: it is
	// only listed in the provider panel.
	OutboxKept = "kept"
)

// OutboxMessage is one mail in the outbox: the composed message and its
// delivery state.
type OutboxMessage struct {
	ID string
	mail.Message
	// TenantName is the tenant account's own name (FromName is its brand's
	// display name).
	TenantName string
	Status     string
	Attempts   int
	LastError  string
	CreatedAt  time.Time
	// NextAttemptAt is when a queued message is due.
	NextAttemptAt time.Time
	// SentAt is zero until the message is sent.
	SentAt time.Time
}

// mailTenant returns who mail from tenant account a comes from: its brand
// and support address, with links on host.
func (db *DB) mailTenant(ctx context.Context, q querier, a *tenantry.Account, host string, links mail.Links) (mail.Tenant, error) {
	b, err := db.Branding(ctx, a.ID)
	if err != nil {
		return mail.Tenant{}, err
	}
	st, err := settingsOf(ctx, q, a.ID)
	if err != nil {
		return mail.Tenant{}, err
	}
	return mail.Tenant{ID: a.ID, Name: b.Name(a), Color: b.PrimaryColor, SupportEmail: st.SupportEmail,
		Host: host, Links: links}, nil
}

// insertMail queues a composed message inside the transaction that causes
// it, so that the change and its mail stand or fall together.
func insertMail(ctx context.Context, tx *tx, m mail.Message) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (id, tenant_id, kind, to_address, from_name, from_address,
			reply_to, brand_color, subject, text_body, html_body, created_at, status, next_attempt_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?)`,
		tenantry.NewID("msg"), m.TenantID, m.Kind, m.To, m.FromName, m.FromAddress, m.ReplyTo, m.Color,
		m.Subject, m.Text, m.HTML, ms(tx.now), ms(tx.now))
	if err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	return nil
}

const outboxColumns = `o.id, o.tenant_id, a.name, o.kind, o.to_address, o.from_name, o.from_address, o.reply_to,
	o.brand_color, o.subject, o.text_body, o.html_body, o.status, o.attempts, o.last_error, o.created_at,
	o.next_attempt_at, o.sent_at`

// scanOutbox scans outboxColumns, then any extra columns into extra.
func scanOutbox(row scanner, extra ...any) (*OutboxMessage, error) {
	var m OutboxMessage
	var created, next int64
	var sent sql.NullInt64
	if err := row.Scan(append([]any{&m.ID, &m.TenantID, &m.TenantName, &m.Kind, &m.To, &m.FromName, &m.FromAddress,
		&m.ReplyTo, &m.Color, &m.Subject, &m.Text, &m.HTML, &m.Status, &m.Attempts, &m.LastError, &created, &next,
		&sent}, extra...)...); err != nil {
		return nil, err
	}
	m.CreatedAt, m.NextAttemptAt = fromMS(created), fromMS(next)
	if sent.Valid {
		m.SentAt = fromMS(sent.Int64)
	}
	return &m, nil
}

// outboxReader checks that the scope may read the outbox: provider staff
// on the platform domain who may manage users. Mail holds live one-time
// links (password resets among them), so reading it is as strong as
// signing in as its recipients; a Viewer or Billing role does not do.
// Anyone else gets ENOTFOUND.
func (s *Scope) outboxReader() error {
	if !s.tenant.IsPlatform() {
		return tenantry.ErrNotFound
	}
	return tenantry.Authorize(s.actor, tenantry.PermUsersManage, &s.tenant.Account)
}

// OutboxFilter narrows the outbox. Zero fields do not filter.
type OutboxFilter struct {
	// Q matches a substring of the recipient's address.
	Q      string
	Status string
	// Cursor continues a previous page (OutboxPage.NextCursor).
	Cursor string
	Limit  int
}

// OutboxPage is one page of the outbox, newest first.
type OutboxPage struct {
	Items []OutboxMessage
	// Total counts every match across all pages.
	Total      int
	NextCursor string
}

// OutboxMessages lists the platform's outgoing mail, newest first, to
// provider staff. Errors: ENOTFOUND (anyone else), EFORBIDDEN (provider
// staff whose role may not manage users), EINVALID (a bad cursor).
func (s *Scope) OutboxMessages(ctx context.Context, f OutboxFilter) (*OutboxPage, error) {
	if err := s.outboxReader(); err != nil {
		return nil, err
	}
	return s.outboxPage(ctx, []string{"1"}, nil, f)
}

// tenantOutboxReader checks that the scope may read account's own
// outbox: the account must be the scope's tenant (the domain the mail was
// sent on; never a sub-reseller's, another reseller's or the provider's)
// and the actor must manage its users, as for the provider's outbox.
// Anyone else gets ENOTFOUND, or EFORBIDDEN for the tenant's staff whose
// role may not manage users.
func (s *Scope) tenantOutboxReader(accountID string) error {
	if s.tenant == nil || s.tenant.IsPlatform() || accountID != s.tenant.Account.ID {
		return tenantry.ErrNotFound
	}
	return tenantry.Authorize(s.actor, tenantry.PermUsersManage, &s.tenant.Account)
}

// TenantOutboxMessages lists the mail sent on a tenant's own domain
// (outbox.tenant_id = accountID), newest first, to its staff who may
// manage users. Errors: as tenantOutboxReader, EINVALID (a bad cursor).
func (s *Scope) TenantOutboxMessages(ctx context.Context, accountID string, f OutboxFilter) (*OutboxPage, error) {
	if err := s.tenantOutboxReader(accountID); err != nil {
		return nil, err
	}
	return s.outboxPage(ctx, []string{"o.tenant_id = ?"}, []any{accountID}, f)
}

// TenantOutboxMessage returns one mail of a tenant's own outbox. Errors:
// ENOTFOUND (absent, another tenant's, or anyone else), EFORBIDDEN (as
// TenantOutboxMessages).
func (s *Scope) TenantOutboxMessage(ctx context.Context, accountID, id string) (*OutboxMessage, error) {
	if err := s.tenantOutboxReader(accountID); err != nil {
		return nil, err
	}
	m, err := scanOutbox(s.db.read.QueryRowContext(ctx, `SELECT `+outboxColumns+`
		FROM outbox o JOIN accounts a ON a.id = o.tenant_id WHERE o.id = ? AND o.tenant_id = ?`, id, accountID))
	if err != nil {
		return nil, notFound(err)
	}
	return m, nil
}

// outboxPage lists the outbox rows matching conds (with args) and f.
func (s *Scope) outboxPage(ctx context.Context, conds []string, args []any, f OutboxFilter) (*OutboxPage, error) {
	if q := strings.TrimSpace(f.Q); q != "" {
		conds = append(conds, `instr(o.to_address, lower(?)) > 0`)
		args = append(args, q)
	}
	if f.Status != "" {
		conds = append(conds, `o.status = ?`)
		args = append(args, f.Status)
	}
	page := &OutboxPage{}
	where := strings.Join(conds, " AND ")
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox o WHERE `+where, args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	if f.Cursor != "" {
		created, seq, ok := parseOutboxCursor(f.Cursor)
		if !ok {
			return nil, tenantry.Invalid(map[string]string{"cursor": "This cursor is not valid."})
		}
		where += ` AND (o.created_at < ? OR (o.created_at = ? AND o.rowid < ?))`
		args = append(args, created, created, seq)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	// newest first; rowid orders the mail of one transaction as written
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+outboxColumns+`, o.rowid
		FROM outbox o JOIN accounts a ON a.id = o.tenant_id
		WHERE `+where+` ORDER BY o.created_at DESC, o.rowid DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var last, seq int64
	for rows.Next() {
		m, err := scanOutbox(rows, &last)
		if err != nil {
			return nil, err
		}
		if len(page.Items) == limit {
			page.NextCursor = outboxCursor(page.Items[limit-1].CreatedAt, seq)
			break
		}
		page.Items = append(page.Items, *m)
		seq = last
	}
	return page, rows.Err()
}

// outboxCursor encodes the position after a message: its creation time
// and its rowid.
func outboxCursor(created time.Time, seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(ms(created), 10) + "." + strconv.FormatInt(seq, 10)))
}

func parseOutboxCursor(c string) (int64, int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, 0, false
	}
	a, z, ok := strings.Cut(string(b), ".")
	created, err1 := strconv.ParseInt(a, 10, 64)
	seq, err2 := strconv.ParseInt(z, 10, 64)
	return created, seq, ok && err1 == nil && err2 == nil
}

// OutboxMessage returns one outgoing mail to provider staff. Errors:
// ENOTFOUND (absent, or anyone else), EFORBIDDEN (as OutboxMessages).
func (s *Scope) OutboxMessage(ctx context.Context, id string) (*OutboxMessage, error) {
	if err := s.outboxReader(); err != nil {
		return nil, err
	}
	m, err := scanOutbox(s.db.read.QueryRowContext(ctx, `SELECT `+outboxColumns+`
		FROM outbox o JOIN accounts a ON a.id = o.tenant_id WHERE o.id = ?`, id))
	if err != nil {
		return nil, notFound(err)
	}
	return m, nil
}

// Outbox is the outbox as the mail sender's queue (mail.Outbox, driven
// by a jobs.Runner[mail.Message]), reached through the system scope
// (db.System("mail").Outbox()): no person starts the sending.
type Outbox struct{ s *SystemScope }

var _ mail.Outbox = Outbox{}

// Outbox returns the outbox as the mail sender's queue.
func (s *SystemScope) Outbox() Outbox { return Outbox{s} }

// Claim claims the next due message for lease (see claimNext): queued,
// its retry time come, no live claim on it. It returns nil when none is
// due.
func (o Outbox) Claim(ctx context.Context, worker string, lease time.Duration) (*jobs.Claimed[mail.Message], error) {
	return claimNext(ctx, o.s.db, outboxTable, worker, lease, "", nil,
		`tenant_id, kind, to_address, from_name, from_address, reply_to, brand_color, subject, text_body, html_body`,
		func(m *mail.Message) []any {
			return []any{&m.TenantID, &m.Kind, &m.To, &m.FromName, &m.FromAddress, &m.ReplyTo, &m.Color,
				&m.Subject, &m.Text, &m.HTML}
		})
}

// Complete records that a claimed message was delivered. It fails with
// errClaimLost when the claim is no longer live.
func (o Outbox) Complete(ctx context.Context, id, claim string) error {
	return o.s.db.settle(ctx, outboxTable, id, claim, func(now time.Time) (string, []any) {
		return `status = 'sent', sent_at = ?, last_error = ''`, []any{ms(now)}
	})
}

// Fail records a failed delivery: the message is due again after
// retryAfter, or failed for good when retryAfter is zero.
func (o Outbox) Fail(ctx context.Context, id, claim, reason string, retryAfter time.Duration) error {
	return o.s.db.settle(ctx, outboxTable, id, claim, func(now time.Time) (string, []any) {
		if retryAfter <= 0 {
			return `status = 'failed', last_error = ?`, []any{reason}
		}
		return `last_error = ?, next_attempt_at = ?`, []any{reason, ms(now.Add(retryAfter))}
	})
}

// KeepDue marks every due, unclaimed message kept: with no transport
// configured, mail is listed in the provider panel and never sent.
func (o Outbox) KeepDue(ctx context.Context) (int, error) {
	var n int64
	err := o.s.db.inTx(ctx, func(tx *tx) error {
		now := ms(tx.now)
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'kept'
			WHERE status = 'queued' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)`, now, now)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
