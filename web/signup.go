package web

import (
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/auth"
)

// Limits on what anonymous visitors may set off: each sends a mail.
const (
	signupsPerIP    = 10
	signupsPerEmail = 5
	resetsPerIP     = 20
	resetsPerEmail  = 5
	limitWindow     = time.Hour
)

// mailLinks makes links in mail from the configured public scheme and
// port (Config.PublicScheme, PublicPort), on whichever tenant domain the
// mail is about (as linkOn does for links shown on a page). The request
// plays no part: mail carries one-time tokens, and a forged Host port or
// X-Forwarded-Proto would send them elsewhere.
func (s *Server) mailLinks(echo.Context) mail.Links {
	return mail.Links{Scheme: s.cfg.PublicScheme, Port: s.cfg.PublicPort}
}

// signupOpen reports whether the request's tenant takes sign-ups, for the
// link on the sign-in page.
func (s *Server) signupOpen(c echo.Context) (bool, error) {
	_, open, err := s.db.SignupSettings(c.Request().Context(), tenantry.TenantFromContext(c.Request().Context()))
	return open, err
}

// signupForm is the sign-up form as posted. It has no parent or kind:
// whatever else a tampered form carries is never read.
type signupForm struct {
	Company     string `form:"company"`
	Name        string `form:"name"`
	Email       string `form:"email"`
	Password    string `form:"password"`
	AcceptTerms string `form:"accept_terms"`
}

func (s *Server) signupPage(c echo.Context) error {
	st, open, err := s.db.SignupSettings(c.Request().Context(), tenantry.TenantFromContext(c.Request().Context()))
	if err != nil {
		return err
	}
	if !open {
		return render(c, http.StatusForbidden, auth.SignupClosed())
	}
	return render(c, http.StatusOK, auth.Signup(auth.SignupVM{TermsURL: st.TermsURL}))
}

// signup creates a pending customer under the domain's tenant, or, for a
// taken address, mails its owner a notice. Both answer with the very same
// page, so that nobody learns from here whether an address has an account.
func (s *Server) signup(c echo.Context) error {
	ctx := c.Request().Context()
	t := tenantry.TenantFromContext(ctx)
	st, open, err := s.db.SignupSettings(ctx, t)
	if err != nil {
		return err
	}
	if !open {
		return render(c, http.StatusForbidden, auth.SignupClosed())
	}
	ip := c.RealIP()
	byIP := limit{"signup:ip:" + ip, signupsPerIP, limitWindow}
	if err := s.checkLimits(c, "sign-ups", byIP); err != nil {
		return err
	}
	var f signupForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	in := store.SignupInput{Company: f.Company, Name: f.Name, Email: f.Email, Password: f.Password,
		AcceptTerms: f.AcceptTerms != ""}
	in.Normalize()
	refused := func(err error) error {
		vm := auth.SignupVM{Company: in.Company, Name: in.Name, Email: in.Email, AcceptTerms: in.AcceptTerms,
			TermsURL: st.TermsURL, Errors: formErrors(err)}
		return render(c, formStatus(err), auth.Signup(vm))
	}
	if err := in.Validate(); err != nil {
		return refused(err)
	}
	byEmail := limit{"signup:email:" + in.Email, signupsPerEmail, limitWindow}
	if err := s.checkLimits(c, "sign-ups", byEmail); err != nil {
		return err
	}
	if err := s.countLimits(ctx, byIP, byEmail); err != nil {
		return err
	}
	err = s.db.SignUp(ctx, t, in, s.mailLinks(c), ip)
	switch {
	case tenantry.AsError(err) != nil && tenantry.AsError(err).Code == store.ErrSignupClosed.Code:
		return render(c, http.StatusForbidden, auth.SignupClosed())
	case formErrors(err) != nil:
		return refused(err)
	case err != nil:
		return err
	}
	return render(c, http.StatusOK, auth.SignupSent(auth.SignupSentVM{Email: in.Email, Approval: st.SignupRequiresApproval}))
}

// errVerifyInvalid is the answer to any verification link that cannot be used.
var errVerifyInvalid = &tenantry.Error{Kind: tenantry.ENOTFOUND, Code: tenantry.ENOTFOUND,
	Message: "This link is invalid, already used or expired. If your account is not active yet, sign up again or contact us."}

func (s *Server) verifyPage(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.db.UserByToken(ctx, tenantry.TenantFromContext(ctx), store.PurposeVerifyEmail, c.Param("token"))
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		return errVerifyInvalid
	}
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, auth.Verify(auth.VerifyVM{Token: c.Param("token"), Email: u.Email}))
}

func (s *Server) verify(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := s.db.VerifyEmail(ctx, tenantry.TenantFromContext(ctx), c.Param("token"), s.mailLinks(c), c.RealIP())
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		return errVerifyInvalid
	}
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, auth.Verified(auth.VerifiedVM{Active: len(v.AwaitingApproval) == 0}))
}

func (s *Server) forgotPage(c echo.Context) error {
	return render(c, http.StatusOK, auth.Forgot(auth.ForgotVM{}))
}

// forgotForm is the reset request as posted.
type forgotForm struct {
	Email string `form:"email" json:"email" validate:"required,email,max=254"`
}

// forgot mails a reset link if the address has an account usable on this
// tenant; the answer is the same either way.
func (s *Server) forgot(c echo.Context) error {
	ctx := c.Request().Context()
	ip := c.RealIP()
	byIP := limit{"reset:ip:" + ip, resetsPerIP, limitWindow}
	if err := s.checkLimits(c, "password reset requests", byIP); err != nil {
		return err
	}
	var f forgotForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	f.Email = tenantry.NormalizeEmail(f.Email)
	if err := tenantry.Check(f); err != nil {
		return render(c, formStatus(err), auth.Forgot(auth.ForgotVM{Email: f.Email, Errors: formErrors(err)}))
	}
	byEmail := limit{"reset:email:" + tenantry.TenantFromContext(ctx).Account.ID + ":" + f.Email, resetsPerEmail, limitWindow}
	if err := s.checkLimits(c, "password reset requests", byEmail); err != nil {
		return err
	}
	if err := s.countLimits(ctx, byIP, byEmail); err != nil {
		return err
	}
	if err := s.db.RequestPasswordReset(ctx, tenantry.TenantFromContext(ctx), f.Email, s.mailLinks(c), ip); err != nil {
		return err
	}
	return render(c, http.StatusOK, auth.ForgotSent(f.Email))
}

// errResetInvalid is the answer to any reset link that cannot be used.
var errResetInvalid = &tenantry.Error{Kind: tenantry.ENOTFOUND, Code: tenantry.ENOTFOUND,
	Message: "This link is invalid, already used or expired. Ask for a new one from the sign-in page."}

func (s *Server) resetPasswordLink() oneTimePassword {
	return oneTimePassword{purpose: store.PurposeResetPassword, invalid: errResetInvalid, spend: s.db.ResetPassword,
		page: func(token, email string, errs map[string]string) templ.Component {
			return auth.Reset(auth.ResetVM{Token: token, Email: email, Errors: errs})
		}}
}

// approve records the panel's approval of a pending sign-up below it.
func (s *Server) approve(c echo.Context, h vendorPages) error {
	a, err := h.below(c, c.Param("id"))
	if err != nil {
		return err
	}
	updated, err := s.scope(c).ApproveAccount(c.Request().Context(), a.ID, s.mailLinks(c))
	var msg string
	switch errs := formErrors(err); {
	case errs != nil:
		msg = errs["status"]
		if msg == "" {
			msg = tenantry.AsError(err).Message
		}
	case err != nil:
		return err
	case updated.Status == tenantry.StatusActive:
		msg = updated.Name + " is approved and active; its owner has been told by email."
	default:
		msg = updated.Name + " is approved. It becomes active once its owner confirms their email address."
	}
	if err := flash(c, msg); err != nil {
		return err
	}
	if c.FormValue("back") == "dashboard" { // the dashboard's to-do list
		return c.Redirect(http.StatusSeeOther, h.base)
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/accounts/"+a.ID)
}
