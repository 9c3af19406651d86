package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/views/auth"
	"github.com/tenantry/tenantry/views/components"
	"github.com/tenantry/tenantry/views/layout"
)

// errConfirmFile answers an unconfirmed post that carries a file: the
// confirmation page cannot post a file again. No form that asks carries
// one (TestConfirmFormsCarryNoFile); this is the guard for a new one.
var errConfirmFile = tenantry.Errorf(tenantry.EINVALID,
	"This form asks for a confirmation that cannot be given without JavaScript. Turn JavaScript on and submit it again.")

// confirmStep gives the forms that ask "are you sure?" (components.Confirm)
// a confirmation step that works without JavaScript. The script asks in a
// dialog and adds _confirmed=1; a post that carries the question but not
// that answer reaches no handler: it is answered with a page that asks the
// question and posts the same fields again with the answer, or leads back.
// It runs after the CSRF check, so only this site's own forms get there;
// the page changes nothing and shows only what was posted.
func (s *Server) confirmStep(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodPost || tenantry.ActorFromContext(r.Context()) == nil {
			return next(c) // signed out: requireLogin answers
		}
		question := r.PostFormValue(components.ConfirmField)
		if question == "" || r.PostFormValue(components.ConfirmedField) == "1" {
			return next(c)
		}
		if r.MultipartForm != nil && len(r.MultipartForm.File) > 0 {
			return errConfirmFile
		}
		vm := auth.ConfirmVM{Question: question, Action: r.URL.RequestURI(), Cancel: s.backTo(c)}
		names := make([]string, 0, len(r.PostForm))
		for name := range r.PostForm {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			switch name {
			case csrfField, components.PageField, components.ConfirmedField:
				continue // CSRFInput renders the first two afresh
			}
			for _, v := range r.PostForm[name] {
				vm.Fields = append(vm.Fields, auth.HiddenField{Name: name, Value: v})
			}
		}
		vm.Panel = framePanel(c)
		vm.Active = layout.ActiveFor(vm.Panel, vm.Cancel)
		return render(c, http.StatusOK, auth.Confirm(vm))
	}
}

// backTo is the page a form was on: the one it names (components.PageField), else
// the Referer when it is this site's, else the user's start page.
func (s *Server) backTo(c echo.Context) string {
	r := c.Request()
	if p := safePage(r.PostFormValue(components.PageField)); p != "" {
		return p
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && (ref.Scheme == "http" || ref.Scheme == "https") {
		if p := safePage(ref.RequestURI()); p != "" {
			return p
		}
	}
	return "/"
}

// framePanel is the panel that frames a page that belongs to no panel's
// route, such as the confirmation step: the panel acted for, else the
// panel the path lies in (the account of that kind chosen in this
// session, else the user's first), else the profile's. It makes that
// account the panel's, so that the navigation offers what the user's
// role there opens.
func framePanel(c echo.Context) string {
	ctx := c.Request().Context()
	chrome := components.ChromeFromContext(ctx)
	if a := actingFromContext(ctx); a != nil {
		chrome.Account = a
		return strings.TrimPrefix(panelPath(a.Kind), "/")
	}
	actor := tenantry.ActorFromContext(ctx)
	first, _, _ := strings.Cut(strings.TrimPrefix(c.Request().URL.Path, "/"), "/")
	kind, ok := map[string]tenantry.AccountKind{layout.PanelProvider: tenantry.KindProvider,
		layout.PanelReseller: tenantry.KindReseller, layout.PanelApp: tenantry.KindCustomer}[first]
	if ok {
		chosen := ""
		if sess := sessionFromContext(ctx); sess != nil {
			chosen, _ = sess.Values[keyAccountID].(string)
		}
		var match *tenantry.Account
		for i := range actor.Grants {
			g := &actor.Grants[i]
			if g.Account.Kind == kind && (match == nil || g.Account.ID == chosen) {
				account := g.Account
				match = &account
			}
		}
		if match != nil {
			chrome.Account = match
			return first
		}
	}
	return profilePanel(c)
}

// safePage returns p when it is a path on this site (with its query),
// fit to redirect to, and "" otherwise: no scheme, no host, no "//" or
// backslash that a browser would read as another host, no control
// characters, no API path.
func safePage(p string) string {
	if len(p) == 0 || len(p) > 2048 || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\") {
		return ""
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return ""
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.Fragment != "" || isAPIPath(u.Path) {
		return ""
	}
	return p
}

func isAPIPath(p string) bool { return p == "/api" || strings.HasPrefix(p, "/api/") }
