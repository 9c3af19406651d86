package web

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/views/components"
)

// A refused form is kept in the session for the one request that shows
// it again, and not longer than refusalTTL.
const (
	refusalTTL        = 5 * time.Minute
	keyRefusedPage    = "refused_page"
	keyRefusedStatus  = "refused_status"
	keyRefusedUntil   = "refused_until"
	keyRefusedContent = "refused_content"
)

// postRedirectGet gives refused forms post/redirect/get, for every handler
// at once. Every form carries the address of the page it is on
// (components.CSRFInput, PageField). When a signed-in user's post is
// answered by its handler with a page of status 4xx (a refused form,
// re-rendered with its errors and the input kept), that page is kept in
// the session and the browser is sent to the form's page with 303; the
// next GET of exactly that address shows the kept page once, and forgets
// it. Reload, bookmark and share thus see an address that answers GET.
//
// What is not a refused form behaves as before: an error the handler
// returns (403 or 404 on someone else's object, an expired form) is
// rendered by the error handler outside this middleware, at the post's
// address; a post without a page (the API, a form from an old page) or
// without a session (the sign-in and sign-up forms, whose addresses
// answer GET) is answered as it always was.
func (s *Server) postRedirectGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		chrome := components.ChromeFromContext(r.Context())
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			chrome.Page = safePage(r.URL.RequestURI())
			if r.Method == http.MethodGet {
				if served, err := s.showRefusal(c); served || err != nil {
					return err
				}
			}
			return next(c)
		case http.MethodPost:
		default:
			return next(c)
		}
		page := safePage(r.PostFormValue(components.PageField))
		chrome.Page = page
		sess := sessionFromContext(r.Context())
		if page == "" || sess == nil {
			return next(c)
		}
		resp := c.Response()
		orig := resp.Writer
		buf := &bufferedWriter{header: orig.Header()}
		resp.Writer = buf
		err := next(c)
		resp.Writer = orig
		h := resp.Header()
		refused := err == nil && isRefusal(buf.status) && strings.HasPrefix(h.Get(echo.HeaderContentType), "text/html") &&
			h.Get(echo.HeaderContentEncoding) == "" && sess.Options.MaxAge >= 0
		if !refused {
			if buf.status != 0 {
				orig.WriteHeader(buf.status)
				if _, werr := orig.Write(buf.body.Bytes()); werr != nil && err == nil {
					err = werr
				}
			}
			return err
		}
		content, cerr := packPage(buf.body.Bytes())
		if cerr != nil {
			return cerr
		}
		sess.Values[keyRefusedPage] = page
		sess.Values[keyRefusedStatus] = strconv.Itoa(buf.status)
		sess.Values[keyRefusedUntil] = strconv.FormatInt(s.db.Now().Add(refusalTTL).Unix(), 10)
		sess.Values[keyRefusedContent] = content
		if err := sess.Save(r, resp); err != nil {
			return err
		}
		h.Del(echo.HeaderContentType)
		h.Del(echo.HeaderContentLength)
		h.Set(echo.HeaderLocation, page)
		orig.WriteHeader(http.StatusSeeOther)
		resp.Status = http.StatusSeeOther
		return nil
	}
}

// isRefusal reports whether a status a handler rendered a page with is
// that of a refused form (422, 409, 403 for a programme that is off, 400):
// not a missing page, a sign-in or throttling answer, which no form's page
// should take the place of.
func isRefusal(status int) bool {
	switch status {
	case http.StatusUnauthorized, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusTooManyRequests:
		return false
	}
	return status >= 400 && status < 500
}

// showRefusal answers a GET with the refused form kept for exactly its
// address, once. A kept form past its time is forgotten.
func (s *Server) showRefusal(c echo.Context) (bool, error) {
	r := c.Request()
	sess := sessionFromContext(r.Context())
	if sess == nil {
		return false, nil
	}
	page := stringValue(sess, keyRefusedPage)
	if page == "" {
		return false, nil
	}
	until, _ := strconv.ParseInt(stringValue(sess, keyRefusedUntil), 10, 64)
	expired := s.db.Now().Unix() >= until
	if !expired && page != r.URL.RequestURI() {
		return false, nil // another page, in another tab, say
	}
	status, _ := strconv.Atoi(stringValue(sess, keyRefusedStatus))
	body, berr := unpackPage(stringValue(sess, keyRefusedContent))
	for _, k := range []string{keyRefusedPage, keyRefusedStatus, keyRefusedUntil, keyRefusedContent} {
		delete(sess.Values, k)
	}
	if err := sess.Save(r, c.Response()); err != nil {
		return false, err
	}
	if expired || berr != nil || !isRefusal(status) {
		return false, nil
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return true, c.HTMLBlob(status, body)
}

// packPage and unpackPage keep a page in the session small: gzip, then
// base64, since the session's values are JSON strings (in which HTML's
// < and > would take six bytes each).
func packPage(b []byte) (string, error) {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(b); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(out.Bytes()), nil
}

func unpackPage(s string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(zr, 8<<20))
}

// bufferedWriter holds a handler's answer until postRedirectGet knows
// whether to send it or to keep it; headers go to the real writer's map.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// Flush does nothing: what is held is sent when the handler is done.
func (b *bufferedWriter) Flush() {}
