package web

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/components"
	"github.com/tenantry/tenantry/views/layout"
	"github.com/tenantry/tenantry/views/profile"
)

// leaveDelegation ends the signed-in user's delegation to an account: the
// delegate's side of "revocable on both sides".
func (s *Server) leaveDelegation(c echo.Context) error {
	ctx := c.Request().Context()
	actor := tenantry.ActorFromContext(ctx)
	if err := s.db.LeaveDelegation(ctx, tenantry.TenantFromContext(ctx), &actor.User, c.Param("account"), c.RealIP()); err != nil {
		return err
	}
	return profileDone(c, "You are no longer a delegate of that organization.")
}

// Re-typing the current password is a sign-in in all but name, so wrong
// guesses are throttled per user like failed sign-ins: a stolen session
// must not become a password oracle.
const reauthPerUser = 10

func reauthLimit(userID string) limit {
	return limit{"reauth:user:" + userID, reauthPerUser, loginWindow}
}

// profilePanel is the panel that frames the profile: the one of the
// account chosen in this session, else of the user's first account here.
// It makes that account the panel's (as openPanel does on the panel's own
// pages), so that the navigation offers what the user's role there opens.
func profilePanel(c echo.Context) string {
	ctx := c.Request().Context()
	actor := tenantry.ActorFromContext(ctx)
	chosen := ""
	if sess := sessionFromContext(ctx); sess != nil {
		chosen, _ = sess.Values[keyAccountID].(string)
	}
	if len(actor.Grants) == 0 {
		return layout.PanelDelegate
	}
	g := &actor.Grants[0]
	for i := range actor.Grants {
		if actor.Grants[i].Account.ID == chosen {
			g = &actor.Grants[i]
			break
		}
	}
	account := g.Account
	components.ChromeFromContext(ctx).Account = &account
	return strings.TrimPrefix(panelPath(g.Account.Kind), "/")
}

// me is the signed-in user's own profile on this tenant: every profile
// handler reaches the user's rows only through it, so none can name
// another user.
func (s *Server) me(c echo.Context) *store.Me {
	ctx := c.Request().Context()
	return s.db.Me(tenantry.TenantFromContext(ctx), &tenantry.ActorFromContext(ctx).User, c.RealIP())
}

// currentSessionID returns the secret id of the request's session.
func currentSessionID(c echo.Context) string {
	if sess := sessionFromContext(c.Request().Context()); sess != nil {
		return sess.ID
	}
	return ""
}

// profileVM builds the page from the saved state; handlers of a refused
// form then put back what was typed in that form.
func (s *Server) profileVM(c echo.Context) (profile.VM, error) {
	ctx := c.Request().Context()
	me := s.me(c)
	p, err := me.Profile(ctx)
	if err != nil {
		return profile.VM{}, err
	}
	vm := profile.VM{Panel: profilePanel(c), Email: p.User.Email, EmailVerified: p.EmailVerified,
		PendingEmail: p.PendingEmail, PendingUntil: p.PendingUntil, Name: p.User.Name}
	for _, g := range tenantry.ActorFromContext(ctx).Grants {
		if g.Via == "delegate" {
			vm.Delegations = append(vm.Delegations, profile.DelegationVM{AccountID: g.Account.ID, Account: g.Account.Name, Role: g.Name()})
		}
	}
	if len(tenantry.ActorFromContext(ctx).Infras) > 0 {
		reached, err := s.scope(c).ReachedInfrastructures(ctx, store.InfraFilter{Limit: 500})
		if err != nil {
			return vm, err
		}
		for _, r := range reached.Items {
			if r.Via == "delegate" {
				vm.InfraDelegations = append(vm.InfraDelegations, profile.InfraDelegationVM{ID: r.ID, Name: r.Name, Account: r.AccountName})
			}
		}
	}
	sessions, err := me.Sessions(ctx, currentSessionID(c))
	if err != nil {
		return vm, err
	}
	for _, ss := range sessions {
		vm.Sessions = append(vm.Sessions, profile.SessionVM{ID: ss.ID, IP: ss.IP, UserAgent: ss.UserAgent,
			Created: ss.CreatedAt, LastSeen: ss.LastSeenAt, Current: ss.Current})
	}
	tokens, err := me.APITokens(ctx)
	if err != nil {
		return vm, err
	}
	now := s.db.Now()
	for _, tk := range tokens {
		vm.Tokens = append(vm.Tokens, profile.TokenVM{ID: tk.ID, Name: tk.Name, Domain: tk.Domain, Created: tk.CreatedAt, Expires: tk.ExpiresAt,
			LastUsed: tk.LastUsedAt, Revoked: tk.RevokedAt, Live: tk.Live(now)})
	}
	return vm, nil
}

func (s *Server) profilePage(c echo.Context) error {
	vm, err := s.profileVM(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, profile.Page(vm))
}

// refuseProfile re-renders the profile with one form's input and errors,
// with the status of err (422). Errors that
// are not the user's to fix go to the error handler.
func (s *Server) refuseProfile(c echo.Context, err error, fill func(vm *profile.VM, errs map[string]string)) error {
	errs := formErrors(err)
	if errs == nil {
		return err
	}
	vm, verr := s.profileVM(c)
	if verr != nil {
		return verr
	}
	fill(&vm, errs)
	return render(c, formStatus(err), profile.Page(vm))
}

// profileDone leaves a flash and goes back to the profile.
func profileDone(c echo.Context, msg string) error {
	if err := flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/profile")
}

func (s *Server) profileName(c echo.Context) error {
	ctx := c.Request().Context()
	name := c.FormValue("name")
	_, err := s.me(c).UpdateName(ctx, name)
	if err != nil {
		return s.refuseProfile(c, err, func(vm *profile.VM, errs map[string]string) {
			vm.Name, vm.NameErrors = name, errs
		})
	}
	return profileDone(c, "Your name is saved.")
}

// reauth runs a change that needs the current password under the per-user
// throttle, counting a wrong password as a failure.
func (s *Server) reauth(c echo.Context, change func() error) error {
	ctx := c.Request().Context()
	l := reauthLimit(tenantry.ActorFromContext(ctx).User.ID)
	if err := s.checkLimits(c, "wrong passwords", l); err != nil {
		return err
	}
	err := change()
	if e := tenantry.AsError(err); e != nil && e.Code == store.CodeWrongPassword {
		if cerr := s.countLimits(ctx, l); cerr != nil {
			return cerr
		}
	}
	return err
}

// Each change-of-address request mails two addresses, one of them typed
// by the requester: the sign-up and reset limits apply, per IP, per user
// and per address mailed, counting every request that sent mail.
func emailChangeLimits(userID, ip, to string) []limit {
	return []limit{
		{"email_change:ip:" + ip, signupsPerIP, limitWindow},
		{"email_change:user:" + userID, signupsPerEmail, limitWindow},
		{"email_change:to:" + tenantry.NormalizeEmail(to), resetsPerEmail, limitWindow},
	}
}

func (s *Server) profileEmail(c echo.Context) error {
	ctx := c.Request().Context()
	in := store.EmailChange{Email: strings.TrimSpace(c.FormValue("email")), Password: c.FormValue("email_password")}
	limits := emailChangeLimits(tenantry.ActorFromContext(ctx).User.ID, c.RealIP(), in.Email)
	if err := s.checkLimits(c, "requests to change your email address", limits...); err != nil {
		return err
	}
	err := s.reauth(c, func() error {
		if err := s.me(c).RequestEmailChange(ctx, in, s.mailLinks(c)); err != nil {
			return err
		}
		return s.countLimits(ctx, limits...)
	})
	if err != nil {
		return s.refuseProfile(c, err, func(vm *profile.VM, errs map[string]string) {
			// the form names its password field apart from the password
			// form's, so that the two inputs have distinct ids
			if msg, ok := errs["current_password"]; ok {
				delete(errs, "current_password")
				errs["email_password"] = msg
			}
			vm.NewEmail, vm.EmailErrors = in.Email, errs
		})
	}
	return profileDone(c, "We sent a confirmation link to "+tenantry.NormalizeEmail(in.Email)+
		". Your address changes once you follow it; until then you sign in as before.")
}

// errEmailLinkInvalid is the answer to a change-of-address link that
// cannot be used by this user here.
var errEmailLinkInvalid = &tenantry.Error{Kind: tenantry.ENOTFOUND, Code: tenantry.ENOTFOUND,
	Message: "This link is invalid, already used or expired, or belongs to another user. Ask for a new one on your profile."}

func (s *Server) confirmEmailPage(c echo.Context) error {
	ctx := c.Request().Context()
	actor := tenantry.ActorFromContext(ctx)
	email, err := s.me(c).PendingEmailChange(ctx, c.Param("token"))
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		return errEmailLinkInvalid
	}
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, profile.ConfirmEmail(profile.ConfirmEmailVM{Panel: profilePanel(c), Token: c.Param("token"),
		Current: actor.User.Email, NewEmail: email}))
}

func (s *Server) confirmEmail(c echo.Context) error {
	ctx := c.Request().Context()
	actor := tenantry.ActorFromContext(ctx)
	u, err := s.me(c).ConfirmEmailChange(ctx, c.Param("token"))
	if err != nil {
		switch tenantry.ErrorKind(err) {
		case tenantry.ENOTFOUND:
			return errEmailLinkInvalid
		case tenantry.ECONFLICT:
			// someone took the address since the link was mailed; the
			// link stays unused, and the page says why
			email, perr := s.me(c).PendingEmailChange(ctx, c.Param("token"))
			if perr != nil {
				return err
			}
			return render(c, http.StatusConflict, profile.ConfirmEmail(profile.ConfirmEmailVM{Panel: profilePanel(c),
				Token: c.Param("token"), Current: actor.User.Email, NewEmail: email, Errors: formErrors(err)}))
		default:
			return err
		}
	}
	return profileDone(c, "Your email address is now "+u.Email+". Use it to sign in from now on.")
}

func (s *Server) profilePassword(c echo.Context) error {
	ctx := c.Request().Context()
	sess := sessionFromContext(ctx)
	in := store.PasswordChange{Current: c.FormValue("current_password"), New: c.FormValue("password"), Confirm: c.FormValue("confirm")}
	renew := store.SessionRenewal{Current: sess.ID, Next: tenantry.RandomToken(32)}
	var ended int
	err := s.reauth(c, func() error {
		var err error
		ended, err = s.me(c).ChangePassword(ctx, in, renew)
		return err
	})
	if err != nil {
		return s.refuseProfile(c, err, func(vm *profile.VM, errs map[string]string) { vm.PasswordErrors = errs })
	}
	// the session continues under the new id the store moved it to; its
	// cookie is rewritten with the flash
	sess.ID = renew.Next
	msg := "Your password is changed. Your API tokens are revoked: create new ones where you need them."
	if ended > 0 {
		msg = "Your password is changed and your other sessions are signed out (" + components.Count(ended, "session", "sessions") +
			"). Your API tokens are revoked: create new ones where you need them."
	}
	return profileDone(c, msg)
}

func (s *Server) revokeSession(c echo.Context) error {
	ctx := c.Request().Context()
	id := c.Param("id")
	if sess := sessionFromContext(ctx); sess != nil && id == store.SessionID(sess.ID) {
		return s.logout(c) // revoking this very session is signing out
	}
	if err := s.me(c).RevokeSession(ctx, id); err != nil {
		return err
	}
	return profileDone(c, "The session is ended.")
}

func (s *Server) revokeOtherSessions(c echo.Context) error {
	ctx := c.Request().Context()
	n, err := s.me(c).RevokeOtherSessions(ctx, currentSessionID(c))
	if err != nil {
		return err
	}
	if n == 0 {
		return profileDone(c, "You had no other sessions.")
	}
	return profileDone(c, "Signed out everywhere else: "+components.Count(n, "session", "sessions")+" ended.")
}

func (s *Server) createToken(c echo.Context) error {
	ctx := c.Request().Context()
	in := store.APITokenName{Name: strings.TrimSpace(c.FormValue("token_name"))}
	err := tenantry.Check(in)
	var token string
	if err == nil {
		// a token outlives sessions and password changes: minting one asks
		// for the password, so that a stolen session cannot
		err = s.reauth(c, func() error {
			me := s.me(c)
			if err := me.CheckPassword(ctx, c.FormValue("token_password")); err != nil {
				return err
			}
			var err error
			token, _, err = me.CreateAPIToken(ctx, in.Name)
			return err
		})
	}
	if err != nil {
		return s.refuseProfile(c, err, func(vm *profile.VM, errs map[string]string) {
			if msg, ok := errs["name"]; ok {
				delete(errs, "name")
				errs["token_name"] = msg
			}
			if msg, ok := errs["current_password"]; ok {
				delete(errs, "current_password")
				errs["token_password"] = msg
			}
			vm.TokenName, vm.TokenErrors = in.Name, errs
		})
	}
	// shown in this response only: a flash would keep the secret in the
	// session's row, in clear
	vm, err := s.profileVM(c)
	if err != nil {
		return err
	}
	vm.NewToken, vm.NewTokenName = token, in.Name
	return render(c, http.StatusOK, profile.Page(vm))
}

func (s *Server) revokeToken(c echo.Context) error {
	ctx := c.Request().Context()
	if err := s.me(c).RevokeAPIToken(ctx, c.Param("id")); err != nil {
		return err
	}
	return profileDone(c, "The token is revoked: it no longer opens the API.")
}

// touchToken records that an API token was used (at most once a minute).
// A failure to record it is logged and does not fail the request.
func (s *Server) touchToken(c echo.Context, token string) {
	ctx := c.Request().Context()
	if err := s.db.TouchAPIToken(ctx, tenantry.TenantFromContext(ctx), token); err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "record api token use", slog.String("request_id", requestIDFromContext(ctx)),
			slog.String("error", err.Error()))
	}
}

// myTokenJSON is an API token as the API lists it; its secret never is.
type myTokenJSON struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	Domain     string  `json:"domain"`
	CreatedAt  string  `json:"created_at"`
	ExpiresAt  string  `json:"expires_at"`
	LastUsedAt *string `json:"last_used_at"`
	RevokedAt  *string `json:"revoked_at"`
}

func timeOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	v := t.UTC().Format(time.RFC3339)
	return &v
}

func (s *Server) apiMyTokens(c echo.Context) error {
	ctx := c.Request().Context()
	tokens, err := s.me(c).APITokens(ctx)
	if err != nil {
		return err
	}
	items := make([]myTokenJSON, len(tokens))
	for i, tk := range tokens {
		items[i] = myTokenJSON{ID: tk.ID, Name: tk.Name, Domain: tk.Domain, CreatedAt: tk.CreatedAt.Format(time.RFC3339),
			ExpiresAt: tk.ExpiresAt.Format(time.RFC3339), LastUsedAt: timeOrNull(tk.LastUsedAt), RevokedAt: timeOrNull(tk.RevokedAt)}
	}
	if c.QueryParam("format") == "csv" {
		rows := [][]string{{"id", "name", "domain", "created_at", "expires_at", "last_used_at", "revoked_at"}}
		for _, it := range items {
			rows = append(rows, []string{it.ID, csvSafe(it.Name), it.Domain, it.CreatedAt, it.ExpiresAt, stringOrEmpty(it.LastUsedAt), stringOrEmpty(it.RevokedAt)})
		}
		return writeCSV(c, rows[0], rows[1:])
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nil})
}

func (s *Server) apiRevokeMyToken(c echo.Context) error {
	ctx := c.Request().Context()
	if err := s.me(c).RevokeAPIToken(ctx, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// mySessionJSON is one of the caller's browser sessions on this tenant.
type mySessionJSON struct {
	ID         string `json:"id"`
	CreatedAt  string `json:"created_at"`
	LastSeenAt string `json:"last_seen_at"`
	ExpiresAt  string `json:"expires_at"`
	IP         string `json:"ip"`
	UserAgent  string `json:"user_agent"`
}

func (s *Server) apiMySessions(c echo.Context) error {
	ctx := c.Request().Context()
	sessions, err := s.me(c).Sessions(ctx, "")
	if err != nil {
		return err
	}
	items := make([]mySessionJSON, len(sessions))
	for i, ss := range sessions {
		items[i] = mySessionJSON{ID: ss.ID, CreatedAt: ss.CreatedAt.Format(time.RFC3339), LastSeenAt: ss.LastSeenAt.Format(time.RFC3339),
			ExpiresAt: ss.ExpiresAt.Format(time.RFC3339), IP: ss.IP, UserAgent: ss.UserAgent}
	}
	if c.QueryParam("format") == "csv" {
		rows := [][]string{{"id", "created_at", "last_seen_at", "expires_at", "ip", "user_agent"}}
		for _, it := range items {
			rows = append(rows, []string{it.ID, it.CreatedAt, it.LastSeenAt, it.ExpiresAt, it.IP, csvSafe(it.UserAgent)})
		}
		return writeCSV(c, rows[0], rows[1:])
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nil})
}

func stringOrEmpty(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
