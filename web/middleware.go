package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/views/components"
	"github.com/tenantry/tenantry/views/layout"
)

type ctxKey int

// Context keys of the web layer.
const (
	requestIDKey    ctxKey = iota
	sessionKey             // the request's gorilla session, when signed in
	sessionEndedKey        // the request's session just ended (account no longer active)
	actingKey              // the account the signed-in user acts on behalf of
)

func requestIDFromContext(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// requestLog gives every request an id (echoed in X-Request-ID and on
// error pages) and logs one structured line when it ends.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		id := tenantry.RandomToken(8)
		r := c.Request()
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		err := next(c)
		if err != nil {
			c.Error(err) // render now so that the logged status is the one sent
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", id), slog.String("method", loggedMethod(c)), slog.String("host", r.Host),
			slog.String("path", r.URL.Path), slog.Int("status", c.Response().Status),
			slog.Duration("duration", time.Since(start)), slog.String("ip", c.RealIP()))
		return nil
	}
}

// secureHeaders sets the headers every response carries. The CSP allows
// scripts and styles from the portal itself only: no inline script. HSTS
// goes out whenever cookies are Secure: on TLS, and behind the TLS proxy
// that --secure-cookies says is there (which the connection cannot show).
func (s *Server) secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.secure(c.Request()) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// resolveTenant finds the tenant from the Host header. An unknown host
// gets a plain 404 that names nobody and shows nothing.
func (s *Server) resolveTenant(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		host := tenantry.NormalizeHost(c.Request().Host)
		var t *tenantry.Tenant
		var err error
		if host != "" {
			t, err = s.db.TenantByHost(ctx, host)
		}
		if host == "" || tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
			if isAPI(c) {
				return tenantry.ErrNotFound
			}
			return render(c, http.StatusNotFound, layout.Plain("Not found", "There is no site at this address."))
		}
		if err != nil {
			return err
		}
		ctx = tenantry.NewTenantContext(ctx, t)
		ctx = components.NewChromeContext(ctx, &components.Chrome{})
		ctx = s.withBranding(ctx, t)
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

// loadSession signs the browser in from its session cookie when the
// session was issued on this very tenant and still reaches an active
// account here; otherwise the request goes on anonymous.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ctx := r.Context()
		t := tenantry.TenantFromContext(ctx)
		sess, err := s.sessions.Get(r, s.cookieName(r, sessionCookie))
		if err != nil || sess.IsNew {
			return next(c)
		}
		userID, _ := sess.Values[keyUserID].(string)
		if tenantID, _ := sess.Values[keyTenantID].(string); tenantID != t.Account.ID || userID == "" {
			return next(c) // a session from another host is worth nothing here
		}
		actor, err := s.db.ActorFor(ctx, t, userID)
		if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
			return next(c)
		}
		if err != nil {
			return err
		}
		actor = actor.ActiveOnly()
		if !actor.Reaches() {
			// suspended since sign-in: the session ends here, and the
			// sign-in page says why the user finds themselves there
			_ = s.sessions.destroy(c, sess)
			c.SetRequest(r.WithContext(context.WithValue(ctx, sessionEndedKey, true)))
			return next(c)
		}
		chrome := components.ChromeFromContext(ctx)
		if msg, ok := sess.Values[keyFlash].(string); ok && msg != "" {
			chrome.Flash = msg
			delete(sess.Values, keyFlash)
			if err := sess.Save(r, c.Response()); err != nil {
				return err
			}
		}
		ctx = tenantry.NewActorContext(ctx, actor)
		ctx = context.WithValue(ctx, sessionKey, sess)
		c.SetRequest(r.WithContext(ctx))
		if err := s.resumeActing(c, sess); err != nil {
			return err
		}
		return next(c)
	}
}

// requireLogin sends anonymous visitors to the sign-in page and back.
func requireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if tenantry.ActorFromContext(c.Request().Context()) == nil {
			q := url.Values{}
			if c.Request().Method == http.MethodGet {
				q.Set("next", c.Request().URL.RequestURI())
			}
			if ended, _ := c.Request().Context().Value(sessionEndedKey).(bool); ended {
				q.Set("ended", "1")
			}
			to := "/login"
			if len(q) > 0 {
				to += "?" + q.Encode()
			}
			return c.Redirect(http.StatusSeeOther, to)
		}
		return next(c)
	}
}

// openPanel picks the account whose panel is opened: the one chosen in
// this session if it is of the panel's kind, else the only such account
// the user reaches here; several send the user to the chooser, none is a
// 404 (the panel does not exist for them). A chosen account the user no
// longer reaches sends them to the chooser too, whatever the method.
func (s *Server) openPanel(panel string, kind tenantry.AccountKind) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx := c.Request().Context()
			actor := tenantry.ActorFromContext(ctx)
			chosen := ""
			if sess := sessionFromContext(ctx); sess != nil {
				chosen, _ = sess.Values[keyAccountID].(string)
			}
			if a := actingFromContext(ctx); a != nil && a.Kind == kind {
				// acting on behalf opens that account's panel
				components.ChromeFromContext(ctx).Account = a
				return next(c)
			}
			// a choice this user no longer reaches (the grant was revoked,
			// the delegation left, the account suspended) must not fall
			// through to another of their accounts: a form posted for the
			// chosen account would act on that other one
			if chosen != "" && !slices.ContainsFunc(actor.Grants, func(g tenantry.Grant) bool { return g.Account.ID == chosen }) {
				sess := sessionFromContext(ctx)
				delete(sess.Values, keyAccountID)
				if err := sess.Save(c.Request(), c.Response()); err != nil {
					return err
				}
				return c.Redirect(http.StatusSeeOther, "/choose")
			}
			var match []tenantry.Account
			for _, g := range actor.Grants {
				if g.Account.Kind != kind {
					continue
				}
				if g.Account.ID == chosen {
					match = []tenantry.Account{g.Account}
					break
				}
				match = append(match, g.Account)
			}
			switch len(match) {
			case 0:
				return tenantry.ErrNotFound
			case 1:
				components.ChromeFromContext(ctx).Account = &match[0]
				return next(c)
			default:
				return c.Redirect(http.StatusSeeOther, "/choose")
			}
		}
	}
}

// panelAccount returns the account whose panel is open.
func panelAccount(c echo.Context) *tenantry.Account {
	return components.ChromeFromContext(c.Request().Context()).Account
}

func isAPI(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/api/") }
