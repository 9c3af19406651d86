// Package web is Tenantry's HTTP face: the Echo server, its middleware
// (request id, security headers, tenant, session, CSRF), the panels'
// handlers and the JSON API under /api/v1. Every route is listed in
// routes(); handlers return errors and one error handler renders them.
package web

import (
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/store"
)

// Config is what the server needs beyond the database.
type Config struct {
	// SessionKey signs session and CSRF cookies; at least 32 bytes.
	SessionKey []byte
	// SecureCookies marks cookies Secure even on plain HTTP (behind a TLS
	// proxy), names them __Host-, and sends HSTS. Cookies are always
	// Secure on a TLS connection.
	SecureCookies bool
	// PublicScheme and PublicPort make every absolute link the portal
	// hands out (in mail, one-time links shown to staff, logo URLs):
	// scheme://domain[:port]/path, on the tenant's primary domain. They
	// are never taken from the request, whose Host port and forwarded
	// scheme the client chooses. PublicScheme "" is https with
	// SecureCookies, else http; PublicPort "" is the scheme's default.
	PublicScheme string
	PublicPort   string
	// TrustProxy takes the client's address from X-Forwarded-For, as set
	// by a reverse proxy on loopback or a private network. Without it the
	// connection's address is used, which behind a proxy is the proxy's,
	// and per-IP throttles would count every client as one.
	TrustProxy bool
	// Logger receives one line per request and every internal error.
	Logger *slog.Logger
}

// Server is the portal's HTTP handler.
type Server struct {
	db       *store.DB
	cfg      Config
	log      *slog.Logger
	echo     *echo.Echo
	sessions *sessionStore
	// crossOrigin refuses state-changing requests that browsers mark as
	// cross-origin: the layer before the CSRF token (see csrf).
	crossOrigin *http.CrossOriginProtection
}

// New returns the portal's handler on db.
func New(db *store.DB, cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.PublicScheme == "" {
		cfg.PublicScheme = "http"
		if cfg.SecureCookies {
			cfg.PublicScheme = "https"
		}
	}
	if (cfg.PublicScheme == "http" && cfg.PublicPort == "80") || (cfg.PublicScheme == "https" && cfg.PublicPort == "443") {
		cfg.PublicPort = ""
	}
	s := &Server{db: db, cfg: cfg, log: cfg.Logger, crossOrigin: http.NewCrossOriginProtection()}
	ipOf := echo.ExtractIPDirect()
	if cfg.TrustProxy {
		ipOf = echo.ExtractIPFromXFFHeader()
	}
	s.sessions = newSessionStore(db, cfg.SessionKey, cfg.SecureCookies, ipOf)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipOf
	s.echo = e
	s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }
