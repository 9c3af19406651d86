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

// csrf guards every state-changing form. The browser holds a random nonce
// in a host-only cookie; forms carry an HMAC of the host and that nonce.
// A forged post cannot compute it, and a nonce planted by a sibling domain
// does not match this host. Unlike Echo's CSRF middleware, which lets
// token-less posts through when a browser says Sec-Fetch-Site:
// same-origin, a post here always needs the token: one rule, testable.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		nonce := ""
		if ck, err := r.Cookie(csrfCookie); err == nil && len(ck.Value) >= 20 {
			nonce = ck.Value
		}
		if nonce == "" {
			nonce = tenantry.RandomToken(20)
			http.SetCookie(c.Response(), &http.Cookie{Name: csrfCookie, Value: nonce, Path: "/", HttpOnly: true,
				Secure: s.cfg.SecureCookies || c.IsTLS(), SameSite: http.SameSiteLaxMode})
		}
		token := s.csrfToken(r.Host, nonce)
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			sent := r.FormValue(csrfField)
			if sent == "" {
				sent = r.Header.Get(csrfHeader)
			}
			if !hmac.Equal([]byte(sent), []byte(token)) {
				return &tenantry.Error{Kind: tenantry.EFORBIDDEN, Code: "csrf",
					Message: "This form has expired. Go back, reload the page and submit it again."}
			}
		}
		components.ChromeFromContext(r.Context()).CSRF = token
		c.Response().Header().Add(echo.HeaderVary, echo.HeaderCookie)
		return next(c)
	}
}

func (s *Server) csrfToken(host, nonce string) string {
	m := hmac.New(sha256.New, s.cfg.SessionKey)
	m.Write([]byte("csrf|" + tenantry.NormalizeHost(host) + "|" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
