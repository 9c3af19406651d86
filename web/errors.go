package web

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/views/auth"
	"github.com/tenantry/tenantry/views/layout"
)

// statusOf is the one table from domain error kinds to HTTP statuses.
var statusOf = map[string]int{
	tenantry.EMALFORMED:    http.StatusBadRequest,
	tenantry.EINVALID:      http.StatusUnprocessableEntity,
	tenantry.ENOTFOUND:     http.StatusNotFound,
	tenantry.EFORBIDDEN:    http.StatusForbidden,
	tenantry.ECONFLICT:     http.StatusConflict,
	tenantry.EUNAUTHORIZED: http.StatusUnauthorized,
	tenantry.ETHROTTLED:    http.StatusTooManyRequests,
	tenantry.EINTERNAL:     http.StatusInternalServerError,
}

// titles are the headings of error pages, by status.
var titles = map[int]string{
	http.StatusBadRequest:            "Bad request",
	http.StatusUnauthorized:          "Please sign in",
	http.StatusForbidden:             "Not allowed",
	http.StatusNotFound:              "Page not found",
	http.StatusMethodNotAllowed:      "Not allowed",
	http.StatusConflict:              "Conflict",
	http.StatusRequestEntityTooLarge: "Too large",
	http.StatusUnprocessableEntity:   "Please check your input",
	http.StatusTooManyRequests:       "Too many attempts",
	http.StatusInternalServerError:   "Something went wrong",
}

// asDomainError turns any error into a domain error safe to show. Echo's
// own errors (unknown route, body too large) keep their status; anything
// else is internal and its text never leaves the log.
func asDomainError(err error) (*tenantry.Error, int) {
	if e := tenantry.AsError(err); e != nil {
		return e, statusOf[e.Kind]
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code := map[int]string{
			http.StatusBadRequest: "bad_request", http.StatusNotFound: tenantry.ENOTFOUND,
			http.StatusMethodNotAllowed: "method_not_allowed", http.StatusRequestEntityTooLarge: "too_large",
			http.StatusUnauthorized: tenantry.EUNAUTHORIZED, http.StatusForbidden: tenantry.EFORBIDDEN,
		}[he.Code]
		if code == "" {
			code = "error"
		}
		msg := http.StatusText(he.Code) + "."
		if he.Code == http.StatusNotFound {
			msg = tenantry.ErrNotFound.Message
		}
		if he.Code == http.StatusRequestEntityTooLarge {
			msg = "The request is too large: API bodies may be 1 MiB (a usage batch 16 MiB), forms 2 MiB, logos 512 KiB."
		}
		return &tenantry.Error{Kind: code, Code: code, Message: msg}, he.Code
	}
	return &tenantry.Error{Kind: tenantry.EINTERNAL, Code: tenantry.EINTERNAL,
		Message: "Something went wrong on our side. Please try again; if it keeps happening, contact support."}, http.StatusInternalServerError
}

// handleError is Echo's one error handler: it logs internal errors with
// the request id and renders every error as JSON for the API or as a page.
func (s *Server) handleError(err error, c echo.Context) {
	r := c.Request()
	rid := requestIDFromContext(r.Context())
	if c.Response().Committed {
		// the status and part of the body are out (a CSV export failing
		// halfway): nothing can be shown any more, but the error is logged
		s.log.LogAttrs(r.Context(), slog.LevelError, "error after the response started", slog.String("request_id", rid),
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", c.Response().Status),
			slog.String("error", err.Error()))
		return
	}
	e, status := asDomainError(err)
	if status >= 500 {
		s.log.LogAttrs(r.Context(), slog.LevelError, "internal error", slog.String("request_id", rid),
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	}
	if isAPI(c) {
		_ = writeAPIError(c, status, e)
		return
	}
	if tenantry.TenantFromContext(r.Context()) == nil {
		_ = render(c, status, layout.Plain(titles[status], e.Message))
		return
	}
	title := titles[status]
	if title == "" {
		title = "Error"
	}
	msg := e.Message
	// the bare "Not found." explains nothing; a message written for the
	// case (a used or expired link, say) is kept
	if status == http.StatusNotFound && msg == tenantry.ErrNotFound.Message {
		msg = "There is nothing at this address, or you do not have access to it."
	}
	if tenantry.ActorFromContext(r.Context()) != nil {
		// signed in: the panel's navigation and Sign out stay; should the
		// panel fail to render, the plain error page below is shown
		rerr := render(c, status, auth.PanelError(errorPanel(c), title, msg, rid))
		if rerr == nil {
			return
		}
		s.log.LogAttrs(r.Context(), slog.LevelError, "rendering the error in the panel", slog.String("request_id", rid),
			slog.String("path", r.URL.Path), slog.String("error", rerr.Error()))
	}
	if rerr := render(c, status, auth.Error(title, msg, rid)); rerr != nil {
		_ = c.String(status, msg)
	}
}

// errorPanel is the panel that frames a signed-in user's error page: the
// one the request opened (its account set by openPanel, the account acted
// for included), else the user's default panel, as the profile picks it.
// Either way the navigation is the one the user gets on that panel's
// pages anyway, filtered by their role on its account.
func errorPanel(c echo.Context) string {
	if acc := panelAccount(c); acc != nil {
		return strings.TrimPrefix(panelPath(acc.Kind), "/")
	}
	return profilePanel(c)
}

// render writes a component with a status. It renders into a buffer
// first, so that a failing template becomes a clean error page instead of
// half a page.
func render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}
