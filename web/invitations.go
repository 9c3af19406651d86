package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/password"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/views/accounts"
	"github.com/tenantry/tenantry/views/auth"
)

func (h peoplePages) invite(c echo.Context) error {
	email, role := strings.TrimSpace(c.FormValue("email")), c.FormValue("role")
	a, err := h.target(c)
	if err != nil {
		return err
	}
	invite := h.s.scope(c).Invite
	if c.FormValue("delegate") == "true" {
		invite = h.s.scope(c).Delegate
	}
	res, err := invite(c.Request().Context(), a.ID, email, tenantry.Role(role), h.s.mailLinks(c))
	vm, verr := h.usersVM(c)
	if verr != nil {
		return verr
	}
	if errs := formErrors(err); errs != nil {
		vm.InviteEmail, vm.InviteRole, vm.InviteErrors = email, role, errs
		return render(c, formStatus(err), accounts.Users(h.panel, vm))
	}
	if err != nil {
		if e := tenantry.AsError(err); e != nil && e.Kind == tenantry.EFORBIDDEN {
			vm.InviteEmail, vm.InviteRole, vm.InviteErrors = email, role, map[string]string{"role": e.Message}
			return render(c, http.StatusForbidden, accounts.Users(h.panel, vm))
		}
		return err
	}
	// the same answer whether or not the address has a user anywhere
	return h.done(c, "/users", "Invitation sent to "+res.Invitation.Email+".")
}

func (h peoplePages) resendInvitation(c echo.Context) error {
	if err := h.ownInvitation(c); err != nil {
		return err
	}
	inv, err := h.s.scope(c).ResendInvitation(c.Request().Context(), c.Param("id"), h.s.mailLinks(c))
	return h.change(c, err, "Invitation sent again to "+emailOf(inv)+".")
}

func (h peoplePages) revokeInvitation(c echo.Context) error {
	if err := h.ownInvitation(c); err != nil {
		return err
	}
	return h.change(c, h.s.scope(c).RevokeInvitation(c.Request().Context(), c.Param("id")), "Invitation revoked.")
}

// ownInvitation keeps the Users page to the managed account's invitations.
func (h peoplePages) ownInvitation(c echo.Context) error {
	a, err := h.target(c)
	if err != nil {
		return err
	}
	list, err := h.s.scope(c).Invitations(c.Request().Context(), a.ID)
	if err != nil {
		return err
	}
	for _, i := range list {
		if i.ID == c.Param("id") {
			return nil
		}
	}
	return tenantry.ErrNotFound
}

func emailOf(i *tenantry.Invitation) string {
	if i == nil {
		return ""
	}
	return i.Email
}

// errInvitationInvalid answers any invitation link that cannot be used.
var errInvitationInvalid = &tenantry.Error{Kind: tenantry.ENOTFOUND, Code: tenantry.ENOTFOUND,
	Message: "This invitation is invalid, already used, revoked or expired. Ask whoever invited you to send it again."}

func (s *Server) invitationVM(c echo.Context) (auth.InvitationVM, error) {
	ctx := c.Request().Context()
	inv, account, err := s.db.InvitationByToken(ctx, tenantry.TenantFromContext(ctx), c.Param("token"))
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		return auth.InvitationVM{}, errInvitationInvalid
	}
	if err != nil {
		return auth.InvitationVM{}, err
	}
	vm := auth.InvitationVM{Token: c.Param("token"), Email: inv.Email, Account: inv.Target(account), Role: inv.RoleName}
	if a := tenantry.ActorFromContext(ctx); a != nil {
		vm.SignedInAs = a.User.Email
	} else if _, err := s.db.UserByEmail(ctx, inv.Email); err == nil {
		// someone with a login elsewhere: the link proves the address, the
		// password proves the person
		vm.HasUser = true
	} else if tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
		return vm, err
	}
	return vm, nil
}

func (s *Server) invitationPage(c echo.Context) error {
	vm, err := s.invitationVM(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, auth.Invitation(vm))
}

// acceptInvitation joins a signed-in user, or creates the invited person
// with the name and password typed and signs them in.
func (s *Server) acceptInvitation(c echo.Context) error {
	ctx := c.Request().Context()
	vm, err := s.invitationVM(c)
	if err != nil {
		return err
	}
	t := tenantry.TenantFromContext(ctx)
	var userID, hash string
	signedIn := false
	if a := tenantry.ActorFromContext(ctx); a != nil {
		userID, signedIn = a.User.ID, true
	} else if vm.HasUser {
		u, err := s.invitedUser(c, vm.Email, c.FormValue("password"))
		if errs := formErrors(err); errs != nil {
			vm.Errors = errs
			return render(c, http.StatusUnprocessableEntity, auth.Invitation(vm))
		}
		if err != nil {
			return err
		}
		userID = u.ID
	} else {
		vm.Name = strings.TrimSpace(c.FormValue("name"))
		pw, confirm := c.FormValue("password"), c.FormValue("confirm")
		errs := map[string]string{}
		if vm.Name == "" || len(vm.Name) > 200 || strings.ContainsAny(vm.Name, "\r\n") {
			errs["name"] = "Give your name, on one line."
		} else if tenantry.UnsafeText(vm.Name) {
			errs["name"] = tenantry.MsgUnsafeText
		}
		if why := password.Weakness(pw, vm.Email); why != "" {
			errs["password"] = why
		} else if pw != confirm {
			errs["confirm"] = "The two passwords differ."
		}
		if len(errs) > 0 {
			vm.Errors = errs
			return render(c, http.StatusUnprocessableEntity, auth.Invitation(vm))
		}
		hash = password.Hash(pw)
	}
	u, err := s.db.AcceptInvitation(ctx, t, c.Param("token"), userID, vm.Name, hash, c.RealIP())
	if err != nil {
		if e := tenantry.AsError(err); e != nil && (e.Kind == tenantry.ECONFLICT || e.Kind == tenantry.EFORBIDDEN) {
			vm.Errors = map[string]string{"": e.Message}
			return render(c, statusOf[e.Kind], auth.Invitation(vm))
		}
		if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
			return errInvitationInvalid
		}
		return err
	}
	actor, err := s.db.ActorFor(ctx, t, u.ID)
	if err != nil {
		return err
	}
	actor = actor.ActiveOnly()
	if !signedIn {
		if err := s.startSession(c, actor); err != nil {
			return err
		}
	}
	if !actor.Reaches() {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	return c.Redirect(http.StatusSeeOther, landing(actor))
}

// invitedUser checks the password of the invited person who already has
// a user, throttled like a sign-in. Errors: ETHROTTLED, EINVALID on
// password.
func (s *Server) invitedUser(c echo.Context, email, pw string) (*tenantry.User, error) {
	ctx := c.Request().Context()
	limits := loginLimits(ctx, email, c.RealIP())
	if err := s.checkLimits(c, "failed sign-ins", limits...); err != nil {
		return nil, err
	}
	u, err := s.db.UserByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	if !password.Verify(u.PasswordHash, pw) {
		if err := s.countLimits(ctx, limits...); err != nil {
			return nil, err
		}
		return nil, tenantry.Invalid(map[string]string{"password": "This is not the password of " + email + "."})
	}
	return u, nil
}

// API: inviting and invitations.

type invitationJSON struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	RoleName  string `json:"role_name"`
	Status    string `json:"status"`
	CreatedAt string `json:"created_at"`
	ExpiresAt string `json:"expires_at"`
}

func (s *Server) toInvitationJSON(i *tenantry.Invitation) invitationJSON {
	return invitationJSON{ID: i.ID, AccountID: i.AccountID, Email: i.Email, Role: string(i.Role), RoleName: i.RoleName,
		Status: i.Status(s.db.Now()), CreatedAt: i.CreatedAt.Format(time.RFC3339), ExpiresAt: i.ExpiresAt.Format(time.RFC3339)}
}

// apiInvite is POST /accounts/{id}/members and /invitations: always an
// invitation, granted on acceptance, answered 202 with the same body for
// every address, whether or not it has a user here or elsewhere.
func (s *Server) apiInvite(c echo.Context) error {
	var in struct {
		Email    string `json:"email"`
		Role     string `json:"role"`
		Delegate bool   `json:"delegate"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	invite := s.scope(c).Invite
	if in.Delegate {
		invite = s.scope(c).Delegate
	}
	res, err := invite(c.Request().Context(), c.Param("id"), in.Email, tenantry.Role(in.Role), s.mailLinks(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"granted": false, "member": nil, "invitation": s.toInvitationJSON(res.Invitation)})
}

func (s *Server) apiInvitations(c echo.Context) error {
	list, err := s.scope(c).Invitations(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	items := make([]invitationJSON, len(list))
	for i := range list {
		items[i] = s.toInvitationJSON(&list[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nil})
}

func (s *Server) apiRevokeInvitation(c echo.Context) error {
	if err := s.scope(c).RevokeInvitation(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
