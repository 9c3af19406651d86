package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/accounts"
)

// The audit log: a page in every panel over the panel account's subtree
// (for /app, the customer's own account), its CSV export, and
// GET /api/v1/accounts/:id/audit. All three read Scope.AuditEvents, which
// decides reach and the audit.view permission.

type auditPages struct {
	s     *Server
	panel string
	base  string
}

// auditFilter reads the filters shared by the page, the export and the
// API: from and to (RFC 3339 or YYYY-MM-DD; a date-only "to" covers that
// whole day), action, actor and object_type. It returns per-field
// messages for dates it cannot read.
func auditFilter(q url.Values) (store.AuditFilter, map[string]string) {
	f := store.AuditFilter{Action: q.Get("action"), Actor: q.Get("actor"), ObjectType: q.Get("object_type")}
	fields := map[string]string{}
	var ok bool
	if f.From, ok = parseAuditTime(q.Get("from"), false); !ok {
		fields["from"] = "Use a date (YYYY-MM-DD) or an RFC 3339 time."
	}
	if f.To, ok = parseAuditTime(q.Get("to"), true); !ok {
		fields["to"] = "Use a date (YYYY-MM-DD) or an RFC 3339 time."
	}
	return f, fields
}

// parseAuditTime reads an RFC 3339 time or a date (UTC). A date taken as
// the end of a period stands for the last millisecond of that day, since
// the store's bounds are inclusive and its clock counts milliseconds.
func parseAuditTime(v string, end bool) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		if end {
			d = d.AddDate(0, 0, 1).Add(-time.Millisecond)
		}
		return d, true
	}
	t, err := time.Parse(time.RFC3339, v)
	return t.UTC(), err == nil
}

// auditAt is how the API and the CSV write an event's time: RFC 3339 in
// UTC with milliseconds, the store's precision.
const auditAt = "2006-01-02T15:04:05.000Z07:00"

func (h auditPages) list(c echo.Context) error {
	q := c.QueryParams()
	vm := accounts.AuditLogVM{Base: h.base, Account: *panelAccount(c),
		From: q.Get("from"), To: q.Get("to"), Action: q.Get("action"), Actor: q.Get("actor")}
	f, fields := auditFilter(q)
	if len(fields) > 0 {
		vm.Errors = fields
		return render(c, http.StatusUnprocessableEntity, accounts.AuditLog(h.panel, vm))
	}
	f.Cursor, f.Limit = q.Get("cursor"), pageSize
	page, err := h.s.scope(c).AuditEvents(c.Request().Context(), vm.Account.ID, f)
	if errs := formErrors(err); errs != nil {
		vm.Errors = errs
		return render(c, formStatus(err), accounts.AuditLog(h.panel, vm))
	}
	if err != nil {
		return err
	}
	vm.Items, vm.Total, vm.WindowFrom, vm.WindowTo = page.Items, page.Total, page.From, page.To
	filters := url.Values{}
	for _, k := range []string{"from", "to", "action", "actor", "object_type"} {
		if v := q.Get(k); v != "" {
			filters.Set(k, v)
		}
	}
	vm.ExportURL = h.base + "/audit/export"
	if len(filters) > 0 {
		vm.ExportURL += "?" + filters.Encode()
	}
	paged := url.Values{}
	for k, v := range filters {
		paged[k] = v
	}
	for _, k := range []string{"cursor", "back"} {
		if v := q.Get(k); v != "" {
			paged.Set(k, v)
		}
	}
	vm.NextURL, vm.PrevURL, vm.FirstURL = cursorPager(h.base+"/audit", paged, page.NextCursor)
	return render(c, http.StatusOK, accounts.AuditLog(h.panel, vm))
}

// exportPage is how many events the export reads per query.
const exportPage = 500

// export downloads every event the page's filters match (all pages, not
// just the one shown) as CSV. The window is at most a year, which bounds
// it; rows stream out page by page.
func (h auditPages) export(c echo.Context) error {
	f, fields := auditFilter(c.QueryParams())
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	ctx := c.Request().Context()
	sc := h.s.scope(c)
	account := panelAccount(c)
	f.Limit = exportPage
	page, err := sc.AuditEvents(ctx, account.ID, f)
	if err != nil {
		return err
	}
	name := "audit-log-" + page.From.Format(time.DateOnly) + "-" + page.To.Format(time.DateOnly) + ".csv"
	rows := func(yield func([]string, error) bool) {
		for {
			for _, e := range page.Items {
				if !yield(auditRow(&e), nil) {
					return
				}
			}
			if page.NextCursor == "" {
				return
			}
			// the same window as the first page, even as the clock moves on
			f.From, f.To, f.Cursor = page.From, page.To, page.NextCursor
			if page, err = sc.AuditEvents(ctx, account.ID, f); err != nil {
				yield(nil, err) // the response has started: the error handler logs it
				return
			}
		}
	}
	return streamCSV(c, name, auditHeader, rows)
}

// auditHeader is the audit CSV's header row.
var auditHeader = []string{"id", "at", "actor_id", "actor_email", "acting_as_account_id", "account_id", "account_name",
	"action", "object_type", "object_id", "summary", "ip"}

// auditRow is an event as a CSV row. Emails, names, summaries and even
// object ids and addresses may come from what someone typed (a failed
// login records the email as typed), so all text goes through csvSafe.
func auditRow(e *tenantry.AuditEvent) []string {
	return []string{e.ID, e.At.Format(auditAt), e.ActorID, csvSafe(e.ActorEmail), e.ActingAsID, e.AccountID,
		csvSafe(e.AccountName), csvSafe(e.Action), csvSafe(e.ObjectType), csvSafe(e.ObjectID), csvSafe(e.Summary),
		csvSafe(e.IP)}
}

// auditJSON is an audit event as the API shows it (API.md).
type auditJSON struct {
	ID         string       `json:"id"`
	At         string       `json:"at"`
	Actor      auditActor   `json:"actor"`
	ActingAs   *auditActing `json:"acting_as"`
	AccountID  string       `json:"account_id"`
	Action     string       `json:"action"`
	ObjectType string       `json:"object_type"`
	ObjectID   string       `json:"object_id"`
	Summary    string       `json:"summary"`
	IP         string       `json:"ip"`
}

type auditActor struct {
	// ID is null when no user was signed in (a failed login).
	ID    *string `json:"id"`
	Email string  `json:"email"`
}

type auditActing struct {
	AccountID string `json:"account_id"`
}

func toAuditJSON(e *tenantry.AuditEvent) auditJSON {
	out := auditJSON{ID: e.ID, At: e.At.Format(auditAt), Actor: auditActor{Email: e.ActorEmail},
		AccountID: e.AccountID, Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID,
		Summary: e.Summary, IP: e.IP}
	if e.ActorID != "" {
		id := e.ActorID
		out.Actor.ID = &id
	}
	if e.ActingAsID != "" {
		out.ActingAs = &auditActing{AccountID: e.ActingAsID}
	}
	return out
}

// apiAudit is GET /api/v1/accounts/:id/audit: one page of the subtree's
// log, newest first, as JSON or (?format=csv) CSV.
func (s *Server) apiAudit(c echo.Context) error {
	f, fields := auditFilter(c.QueryParams())
	limit, cursor, err := listParams(c)
	if e := tenantry.AsError(err); e != nil {
		for k, v := range e.Fields {
			fields[k] = v
		}
	} else if err != nil {
		return err
	}
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	f.Limit, f.Cursor = limit, cursor
	page, err := s.scope(c).AuditEvents(c.Request().Context(), c.Param("id"), f)
	if err != nil {
		return err
	}
	if c.QueryParam("format") == "csv" {
		rows := make([][]string, len(page.Items))
		for i := range page.Items {
			rows[i] = auditRow(&page.Items[i])
		}
		return writeCSV(c, auditHeader, rows)
	}
	items := make([]auditJSON, len(page.Items))
	for i := range page.Items {
		items[i] = toAuditJSON(&page.Items[i])
	}
	var next *string
	if page.NextCursor != "" {
		next = &page.NextCursor
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}
