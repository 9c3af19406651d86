package web

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/layout"
	"github.com/tenantry/tenantry/views/provider"
)

const timeFormat = "2006-01-02 15:04 MST"

// outboxPages are the read-only Outgoing mail pages of a panel: the
// provider's lists every tenant's mail, a reseller's only the mail sent on
// its own domain (store.Scope.TenantOutboxMessages).
type outboxPages struct {
	s     *Server
	panel string
}

func (p outboxPages) base() string { return "/" + p.panel + "/outbox" }

func (p outboxPages) messages(c echo.Context, f store.OutboxFilter) (*store.OutboxPage, error) {
	sc := p.s.scope(c)
	if p.panel == layout.PanelProvider {
		return sc.OutboxMessages(c.Request().Context(), f)
	}
	return sc.TenantOutboxMessages(c.Request().Context(), panelAccount(c).ID, f)
}

func (p outboxPages) message(c echo.Context) (*store.OutboxMessage, error) {
	sc := p.s.scope(c)
	if p.panel == layout.PanelProvider {
		return sc.OutboxMessage(c.Request().Context(), c.Param("id"))
	}
	return sc.TenantOutboxMessage(c.Request().Context(), panelAccount(c).ID, c.Param("id"))
}

func (p outboxPages) list(c echo.Context) error {
	q := c.QueryParams()
	f := store.OutboxFilter{Q: q.Get("q"), Status: q.Get("status"), Cursor: q.Get("cursor"), Limit: pageSize}
	page, err := p.messages(c, f)
	if err != nil {
		return err
	}
	vm := provider.OutboxVM{Panel: p.panel, Total: page.Total, Q: f.Q, Status: f.Status}
	for _, m := range page.Items {
		vm.Items = append(vm.Items, provider.OutboxRowVM{ID: m.ID, Brand: m.FromName, Account: m.TenantName,
			Color: m.Color, To: m.To, Subject: m.Subject, Status: m.Status, Created: m.CreatedAt.Format(timeFormat)})
	}
	vm.NextURL, vm.PrevURL, vm.FirstURL = cursorPager(p.base(), q, page.NextCursor)
	return render(c, http.StatusOK, provider.Outbox(vm))
}

// linkPattern finds the absolute links of a mail's text part.
var linkPattern = regexp.MustCompile(`https?://[^\s<>"]+`)

func (p outboxPages) show(c echo.Context) error {
	m, err := p.message(c)
	if err != nil {
		return err
	}
	from := m.FromName
	if m.FromAddress != "" {
		from += " <" + m.FromAddress + ">"
	}
	vm := provider.OutboxMessageVM{Panel: p.panel, ID: m.ID, Brand: m.FromName, Account: m.TenantName, Color: m.Color,
		OnColor: mail.OnColor(m.Color), Kind: m.Kind, To: m.To, From: from, ReplyTo: m.ReplyTo, Subject: m.Subject,
		Status: m.Status, Attempts: m.Attempts, LastError: m.LastError, Created: m.CreatedAt.Format(timeFormat),
		Text: m.Text, HTMLURL: p.base() + "/" + m.ID + "/html"}
	if !m.SentAt.IsZero() {
		vm.Sent = m.SentAt.Format(timeFormat)
	}
	seen := map[string]bool{}
	for _, l := range linkPattern.FindAllString(m.Text, -1) {
		l = strings.TrimRight(l, ".,;:)")
		if !seen[l] {
			seen[l] = true
			vm.Links = append(vm.Links, l)
		}
	}
	return render(c, http.StatusOK, provider.OutboxMessage(vm))
}

// outboxHTML serves a mail's HTML part for the message page's iframe. The
// CSP sandboxes it (no script, no forms, an origin of its own) and lets
// only the portal's own pages frame it; inline style is allowed because
// mail is styled inline.
func (p outboxPages) html(c echo.Context) error {
	m, err := p.message(c)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Cache-Control", "no-store")
	return c.HTMLBlob(http.StatusOK, []byte(m.HTML))
}
