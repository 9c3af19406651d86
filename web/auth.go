package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/password"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/auth"
	"github.com/tenantry/tenantry/views/components"
	"github.com/tenantry/tenantry/views/layout"
)

// errBadCredentials is the one answer to an unknown email, a wrong
// password and a user who has no account on this tenant: which of the
// three it was must not be learnable from outside.
var errBadCredentials = &tenantry.Error{Kind: tenantry.EUNAUTHORIZED, Code: "invalid_credentials",
	Message: "The email or password is incorrect."}

// authenticate checks an email and password on the request's tenant and
// returns the actor with the grants usable here. Errors: ETHROTTLED,
// EUNAUTHORIZED (errBadCredentials), EFORBIDDEN account_suspended (only
// once the password is verified).
func (s *Server) authenticate(c echo.Context, email, pw string) (*tenantry.Actor, error) {
	ctx := c.Request().Context()
	t := tenantry.TenantFromContext(ctx)
	ip := c.RealIP()
	email = tenantry.NormalizeEmail(email)
	limits := loginLimits(ctx, email, ip)
	if err := s.checkLimits(c, "failed sign-ins", limits...); err != nil {
		return nil, err
	}
	refuse := func(userID, why string) error {
		if err := s.countLimits(ctx, limits...); err != nil {
			return err
		}
		if err := s.db.RecordLogin(ctx, t, userID, email, "login.failed", why, ip); err != nil {
			return err
		}
		return errBadCredentials
	}
	u, err := s.db.UserByEmail(ctx, email)
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		password.Verify("", pw) // same work as for a real user
		return nil, refuse("", "unknown email")
	}
	if err != nil {
		return nil, err
	}
	if !password.Verify(u.PasswordHash, pw) {
		return nil, refuse(u.ID, "wrong password")
	}
	actor, err := s.db.ActorFor(ctx, t, u.ID)
	if err != nil {
		return nil, err
	}
	if !actor.Reaches() {
		return nil, refuse(u.ID, "no account on this domain")
	}
	active := actor.ActiveOnly()
	if !active.Reaches() {
		if err := s.db.RecordLogin(ctx, t, u.ID, email, "login.refused", "account not active", ip); err != nil {
			return nil, err
		}
		return nil, s.inactiveError(ctx, actor)
	}
	if err := s.db.RecordLogin(ctx, t, u.ID, email, "login", "signed in", ip); err != nil {
		return nil, err
	}
	return active, nil
}

// inactiveError says why a user whose password is right cannot sign in:
// a suspension (with its reason), or a sign-up that still waits for the
// user to confirm their email or for its vendor's approval.
func (s *Server) inactiveError(ctx context.Context, a *tenantry.Actor) error {
	msg := "Your account is not active yet."
	code := "account_suspended"
	for _, g := range a.Grants {
		switch g.Account.Suspension() {
		case "own":
			msg = "Your account " + g.Account.Name + " is suspended."
			if g.Account.SuspendReason != "" {
				msg = "Your account " + g.Account.Name + " is suspended: " + g.Account.SuspendReason
			}
		case "vendor":
			// on a white-label site "vendor" means nothing to a customer
			msg = "Your account " + g.Account.Name + " is suspended. Please contact support."
		default:
			if g.Account.Status != tenantry.StatusPending {
				continue
			}
			why, err := s.db.PendingReason(ctx, &g.Account, a.User.ID)
			if err != nil {
				return err
			}
			code = "account_pending"
			msg = "Your account " + g.Account.Name + " is awaiting approval. We will write to you as soon as it is ready."
			if why == store.PendingVerifyEmail {
				msg = "Please confirm your email address first: follow the link in the message we sent to " + a.User.Email +
					". Lost it, or did it expire? Sign up again with the same address and we will send a new link."
			}
		}
		break
	}
	return &tenantry.Error{Kind: tenantry.EFORBIDDEN, Code: code, Message: msg}
}

// panelPath is where a grant's account's panel lives.
func panelPath(k tenantry.AccountKind) string {
	switch k {
	case tenantry.KindProvider:
		return "/" + layout.PanelProvider
	case tenantry.KindReseller:
		return "/" + layout.PanelReseller
	default:
		return "/" + layout.PanelApp
	}
}

// landing is where a signed-in user goes: the panel of the one account
// they reach here, or the chooser when they reach several; a delegate of
// infrastructures only, to the list of those.
func landing(a *tenantry.Actor) string {
	if len(a.Grants) == 0 && len(a.Infras) > 0 {
		return "/infrastructures"
	}
	if len(a.Grants) == 1 {
		return panelPath(a.Grants[0].Account.Kind)
	}
	return "/choose"
}

func (s *Server) home(c echo.Context) error {
	if a := tenantry.ActorFromContext(c.Request().Context()); a != nil {
		return c.Redirect(http.StatusSeeOther, landing(a))
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}

func (s *Server) loginPage(c echo.Context) error {
	if a := tenantry.ActorFromContext(c.Request().Context()); a != nil {
		return c.Redirect(http.StatusSeeOther, landing(a))
	}
	open, err := s.signupOpen(c)
	if err != nil {
		return err
	}
	vm := auth.LoginVM{Next: safeNext(c.QueryParam("next")), SignupOpen: open}
	if c.QueryParam("password_set") != "" {
		vm.Notice = "Your password is set. You can sign in now."
	}
	if c.QueryParam("signed_out") != "" {
		vm.Notice = "You are signed out."
	}
	if c.QueryParam("left") != "" {
		vm.Notice = "You left your last delegation here: there is nothing left for you to sign in to on this site."
	}
	if c.QueryParam("ended") != "" {
		vm.Notice = "You were signed out because your account is no longer active. Sign in again to see why."
	}
	return render(c, http.StatusOK, auth.Login(vm))
}

func (s *Server) login(c echo.Context) error {
	email, pw := strings.TrimSpace(c.FormValue("email")), c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	actor, err := s.authenticate(c, email, pw)
	if err != nil {
		e, status := asDomainError(err)
		if status >= 500 {
			return err
		}
		open, oerr := s.signupOpen(c)
		if oerr != nil {
			return oerr
		}
		return render(c, status, auth.Login(auth.LoginVM{Email: email, Next: next, Error: e.Message, SignupOpen: open}))
	}
	if err := s.startSession(c, actor); err != nil {
		return err
	}
	if next == "" {
		next = landing(actor)
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// startSession signs the actor in on this tenant with a brand-new session
// id; any session the browser had before is ended. The CSRF token changes
// with it (it is bound to the session id), and the pre-session nonce is
// renewed, so no token known before sign-in is any good after it.
func (s *Server) startSession(c echo.Context, actor *tenantry.Actor) error {
	r := c.Request()
	sess, err := s.sessions.Get(r, s.cookieName(r, sessionCookie))
	if err != nil {
		return err
	}
	if !sess.IsNew && sess.ID != "" {
		if err := s.db.DeleteSession(r.Context(), sess.ID); err != nil {
			return err
		}
	}
	sess.ID = ""
	for k := range sess.Values {
		delete(sess.Values, k)
	}
	sess.Values[keyUserID] = actor.User.ID
	sess.Values[keyTenantID] = tenantry.TenantFromContext(r.Context()).Account.ID
	if err := sess.Save(r, c.Response()); err != nil {
		return err
	}
	s.newCSRFNonce(c)
	components.ChromeFromContext(r.Context()).CSRF = s.sessionCSRF(r, sess.ID)
	return nil
}

func (s *Server) logout(c echo.Context) error {
	ctx := c.Request().Context()
	if sess := sessionFromContext(ctx); sess != nil {
		actor := tenantry.ActorFromContext(ctx)
		if err := s.db.RecordLogin(ctx, tenantry.TenantFromContext(ctx), actor.User.ID, actor.User.Email,
			"logout", "signed out", c.RealIP()); err != nil {
			return err
		}
		if err := s.sessions.destroy(c, sess); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, "/login?signed_out=1")
}

// safeNext keeps only a path on this host, so that a crafted link cannot
// send a user who just signed in to another site. Browsers drop tabs and
// newlines from URLs and read "\" as "/", so "/<TAB>/evil.example" and
// "/\evil.example" are other sites: a next must be plain printable ASCII
// (which every path this portal puts there is, percent-encoded), start
// with a single "/", and stay a plain path once percent-decoded too.
func safeNext(next string) string {
	if len(next) > 2000 || !localPath(next) {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	// the decoded path may hold letters of any script, but no space,
	// control or format character, no backslash and no second leading "/"
	if p := u.Path; strings.HasPrefix(p, "//") || strings.ContainsRune(p, '\\') ||
		strings.IndexFunc(p, unicode.IsSpace) >= 0 || tenantry.UnsafeText(p) {
		return ""
	}
	return next
}

// localPath reports whether p starts with one "/" and holds only visible
// ASCII other than "\".
func localPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if b := p[i]; b <= ' ' || b >= 0x7f || b == '\\' {
			return false
		}
	}
	return true
}

func (s *Server) choosePage(c echo.Context) error {
	actor := tenantry.ActorFromContext(c.Request().Context())
	choices := make([]auth.ChoiceVM, 0, len(actor.Grants))
	for _, g := range actor.Grants {
		choices = append(choices, auth.ChoiceVM{ID: g.Account.ID, Name: g.Account.Name,
			Kind: string(g.Account.Kind), Role: string(g.Role), Panel: panelPath(g.Account.Kind)})
	}
	// delegations, not what is assigned to a service user of an account above
	delegated := 0
	for _, g := range actor.Infras {
		if !slices.ContainsFunc(actor.Grants, func(m tenantry.Grant) bool { return m.Account.ID == g.Account.ID }) {
			delegated++
		}
	}
	return render(c, http.StatusOK, auth.Chooser(choices, delegated))
}

func (s *Server) choose(c echo.Context) error {
	ctx := c.Request().Context()
	actor := tenantry.ActorFromContext(ctx)
	id := c.FormValue("account_id")
	for _, g := range actor.Grants {
		if g.Account.ID == id {
			sess := sessionFromContext(ctx)
			sess.Values[keyAccountID] = id
			if err := sess.Save(c.Request(), c.Response()); err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, panelPath(g.Account.Kind))
		}
	}
	return tenantry.ErrNotFound
}

// oneTimePassword is a page on which a one-time link sets a password (the
// password-reset link).
type oneTimePassword struct {
	purpose string
	// invalid is the answer to a link that is unknown, used, expired or
	// from another tenant.
	invalid error
	page    func(token, email string, errs map[string]string) templ.Component
	spend   func(ctx context.Context, t *tenantry.Tenant, token, hash, ip string) (*tenantry.User, error)
}

// user returns the user whose live link this is, on this tenant.
func (p oneTimePassword) user(s *Server, c echo.Context) (*tenantry.User, error) {
	ctx := c.Request().Context()
	u, err := s.db.UserByToken(ctx, tenantry.TenantFromContext(ctx), p.purpose, c.Param("token"))
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		return nil, p.invalid
	}
	return u, err
}

func (s *Server) oneTimePasswordPage(p oneTimePassword) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := p.user(s, c)
		if err != nil {
			return err
		}
		return render(c, http.StatusOK, p.page(c.Param("token"), u.Email, nil))
	}
}

// oneTimePasswordSubmit checks the new password (strength, confirmation),
// then spends the link and sets it in one transaction.
func (s *Server) oneTimePasswordSubmit(p oneTimePassword) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		token := c.Param("token")
		u, err := p.user(s, c)
		if err != nil {
			return err
		}
		pw, confirm := c.FormValue("password"), c.FormValue("confirm")
		errs := map[string]string{}
		if why := password.Weakness(pw, u.Email); why != "" {
			errs["password"] = why
		} else if pw != confirm {
			errs["confirm"] = "The two passwords differ."
		}
		if len(errs) > 0 {
			return render(c, http.StatusUnprocessableEntity, p.page(token, u.Email, errs))
		}
		_, err = p.spend(ctx, tenantry.TenantFromContext(ctx), token, password.Hash(pw), c.RealIP())
		if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
			return p.invalid
		}
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/login?password_set=1")
	}
}

// scope returns the store bound to the request's tenant and actor.
func (s *Server) scope(c echo.Context) *store.Scope {
	ctx := c.Request().Context()
	sc := s.db.Scope(tenantry.TenantFromContext(ctx), tenantry.ActorFromContext(ctx), c.RealIP())
	if a := actingFromContext(ctx); a != nil {
		sc = sc.ActingAs(a.ID)
	}
	return sc
}

// flash leaves a one-time message for the next page of this session.
func flash(c echo.Context, msg string) error {
	sess := sessionFromContext(c.Request().Context())
	if sess == nil {
		return nil
	}
	sess.Values[keyFlash] = msg
	return sess.Save(c.Request(), c.Response())
}
