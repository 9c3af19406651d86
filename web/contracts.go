package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// The web's small contracts, which every route gets without asking: HEAD
// wherever GET answers, compression, and no caching of what a signed-in
// user sees.

// headAsGet answers HEAD wherever GET answers, with GET's status and
// headers and no body: uptime monitors and load balancers send HEAD. It
// runs before routing (e.Pre), so a route registered with GET answers
// HEAD without a registration of its own; the handler, its middleware and
// the error page all run as for GET, into a writer that counts the body
// instead of sending it.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodHead {
			return next(c)
		}
		// the router reads the method of this very request: changed in
		// place, as Echo's own MethodOverride does
		r.Method = http.MethodGet
		res := c.Response()
		hw := &headWriter{ResponseWriter: res.Writer}
		res.Writer = hw
		if err := next(c); err != nil {
			c.Error(err) // into the counting writer: the error page's headers, not its body
		}
		res.Writer = hw.ResponseWriter
		r.Method = http.MethodHead
		hw.finish()
		return nil
	}
}

// headWriter holds back the status until the handler is done, counts the
// body and drops it, so that the answer to HEAD carries the Content-Length
// the GET's body has.
type headWriter struct {
	http.ResponseWriter
	status int
	size   int64
}

func (w *headWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *headWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.size += int64(len(b))
	return len(b), nil
}

// Flush does nothing: there is no body to send early (a streamed CSV
// export flushes as it goes).
func (w *headWriter) Flush() {}

func (w *headWriter) finish() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	h := w.Header()
	if h.Get(echo.HeaderContentLength) == "" && h.Get("Transfer-Encoding") == "" &&
		w.status >= 200 && w.status != http.StatusNoContent && w.status != http.StatusNotModified {
		h.Set(echo.HeaderContentLength, strconv.FormatInt(w.size, 10))
	}
	w.ResponseWriter.WriteHeader(w.status)
}

// loggedMethod is the request's method as the client sent it: HEAD for a
// request headAsGet routes as GET (its writer is somewhere below the
// response's, under the compressing one).
func loggedMethod(c echo.Context) string {
	w := c.Response().Writer
	for w != nil {
		if _, ok := w.(*headWriter); ok {
			return http.MethodHead
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			break
		}
		w = u.Unwrap()
	}
	return c.Request().Method
}

// gzipMinLength is the smallest body worth compressing: below about a
// kilobyte the gzip header and a round of CPU save next to nothing.
const gzipMinLength = 1024

// compress gzips pages, stylesheets, scripts, JSON and CSV for clients
// that accept it (Vary: Accept-Encoding on every answer it may compress),
// but never the uploaded logos and favicons: PNG, JPEG and WebP are
// compressed already.
func compress() echo.MiddlewareFunc {
	return middleware.GzipWithConfig(middleware.GzipConfig{
		MinLength: gzipMinLength,
		Skipper:   func(c echo.Context) bool { return isBrandImage(c.Request().URL.Path) },
	})
}

// isBrandImage reports whether path serves a vendor's uploaded logo or
// favicon (/brand/logo, /brand/favicon, /favicon.ico, and the panels'
// /<panel>/branding/logo and /branding/favicon).
func isBrandImage(path string) bool {
	if strings.HasPrefix(path, "/brand/") || path == "/favicon.ico" {
		return true
	}
	_, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return rest == "branding/logo" || rest == "branding/favicon"
}

// noStoreSignedIn marks every answer to a signed-in user (a page, a form's
// redirect, an error page, an API call with a token) Cache-Control:
// no-store, so that neither a shared cache nor the browser's history keeps
// what only that user may see. A handler that knows better (a panel's
// private, revalidated image) may set its own after it.
func noStoreSignedIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if tenantry.ActorFromContext(c.Request().Context()) != nil {
			c.Response().Header().Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}
