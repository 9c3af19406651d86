package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/views/components"
)

const (
	csrfCookie = "tenantry_csrf"
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
)

// errCSRF is the answer to a state-changing post without this session's
// token, and to a cross-origin one.
var errCSRF = &tenantry.Error{Kind: tenantry.EFORBIDDEN, Code: "csrf",
	Message: "This form has expired. Go back, reload the page and submit it again."}

// csrf guards every state-changing form, in two layers.
//
// First, Go's CrossOriginProtection refuses a post that the browser says
// comes from another origin (Sec-Fetch-Site, or an Origin that is not
// this host).
//
// Second, every post carries a token: an HMAC of the host and of what the
// browser cannot choose. Signed in, that is the session's id, which the
// server picked at sign-in and which no page ever shows, so a token from
// another session (an attacker's own, say) is worth nothing here, and the
// token changes at every sign-in. Before sign-in (the sign-in, sign-up and
// reset forms) it is a random nonce in a host-only cookie, renewed at
// sign-in; on TLS that cookie is a __Host- cookie, which a sibling domain
// cannot plant. Unlike Echo's CSRF middleware, which lets token-less posts
// through when a browser says Sec-Fetch-Site: same-origin, a post here
// always needs the token: one rule, testable.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		binding := ""
		if sess := sessionFromContext(r.Context()); sess != nil && sess.ID != "" {
			binding = "session|" + sess.ID
		} else {
			binding = "nonce|" + s.csrfNonce(c)
		}
		token := s.csrfToken(r.Host, binding)
		// set before the check: the error page of a refused post keeps a
		// working Sign out button
		components.ChromeFromContext(r.Context()).CSRF = token
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if err := s.crossOrigin.Check(r); err != nil {
				return errCSRF
			}
			sent := r.FormValue(csrfField)
			if sent == "" {
				sent = r.Header.Get(csrfHeader)
			}
			if !hmac.Equal([]byte(sent), []byte(token)) {
				return errCSRF
			}
		}
		c.Response().Header().Add(echo.HeaderVary, echo.HeaderCookie)
		return next(c)
	}
}

// csrfNonce returns the browser's pre-session nonce, setting a new one
// when it has none.
func (s *Server) csrfNonce(c echo.Context) string {
	r := c.Request()
	if ck, err := r.Cookie(s.cookieName(r, csrfCookie)); err == nil && len(ck.Value) >= 20 {
		return ck.Value
	}
	return s.newCSRFNonce(c)
}

// newCSRFNonce sets a fresh pre-session nonce: at a first visit, and at
// sign-in, so that a token seen before sign-in does not come back after
// sign-out.
func (s *Server) newCSRFNonce(c echo.Context) string {
	r := c.Request()
	nonce := tenantry.RandomToken(20)
	http.SetCookie(c.Response(), &http.Cookie{Name: s.cookieName(r, csrfCookie), Value: nonce, Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	return nonce
}

// sessionCSRF is the token of forms in the session with this id; a page
// rendered in the request that starts the session uses it.
func (s *Server) sessionCSRF(r *http.Request, sessionID string) string {
	return s.csrfToken(r.Host, "session|"+sessionID)
}

func (s *Server) csrfToken(host, binding string) string {
	m := hmac.New(sha256.New, s.cfg.SessionKey)
	m.Write([]byte("csrf|" + tenantry.NormalizeHost(host) + "|" + binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// secure reports whether cookies are Secure on this request: always on
// TLS, and on plain HTTP behind a TLS proxy (Config.SecureCookies).
func (s *Server) secure(r *http.Request) bool { return s.cfg.SecureCookies || r.TLS != nil }

// cookieName is a cookie's name on this request: with the __Host- prefix
// when cookies are Secure, so that browsers keep it host-only, on "/",
// and refuse one set by a sibling domain or over plain HTTP.
func (s *Server) cookieName(r *http.Request, base string) string {
	if s.secure(r) {
		return "__Host-" + base
	}
	return base
}
