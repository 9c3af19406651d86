package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/views/components"
)

// Delegates of one infrastructure (MetalCloud's referral scenario): the
// owner's staff let someone in on one infrastructure by invitation, take
// the access away, and the delegate may leave on their side.

// leave ends the signed-in user's own delegation: the delegate's side of
// "revocable on both sides".
func (h reachedPages) leave(c echo.Context) error {
	ctx := c.Request().Context()
	in, _, err := h.load(c)
	if err != nil {
		return err
	}
	actor := tenantry.ActorFromContext(ctx)
	if err := h.s.db.LeaveInfraDelegation(ctx, tenantry.TenantFromContext(ctx), &actor.User, in.ID, c.RealIP()); err != nil {
		return err
	}
	// with nothing left on this site, the session ends here and the
	// sign-in page says why, rather than a bare sign-in form
	t := tenantry.TenantFromContext(ctx)
	left, err := h.s.db.ActorFor(ctx, t, actor.User.ID)
	if err != nil {
		return err
	}
	if !left.ActiveOnly().Reaches() {
		if sess := sessionFromContext(ctx); sess != nil {
			if err := h.s.sessions.destroy(c, sess); err != nil {
				return err
			}
		}
		return c.Redirect(http.StatusSeeOther, "/login?left=1")
	}
	if err := flash(c, "You are no longer a delegate of "+in.Name+"."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

// returnTo is where a delegate form goes back to: the infrastructure's
// page it was posted from, in the end-user panel of the account that owns
// it (when the user has that panel) or in the all-in-one list; nothing
// else. With the end-user panel it also frames the page in that panel, as
// openPanel would have, for a refused form re-rendered here.
func returnTo(c echo.Context, in *tenantry.Infrastructure, owner *tenantry.Account) string {
	ctx := c.Request().Context()
	if c.FormValue("return") == "/app/infrastructures/"+in.ID && hasPanelOf(ctx, owner) {
		components.ChromeFromContext(ctx).Account = owner
		return "/app/infrastructures/" + in.ID
	}
	return "/infrastructures/" + in.ID
}

// hasPanelOf reports whether the signed-in user may open a's own panel:
// a membership on it, or acting on its behalf.
func hasPanelOf(ctx context.Context, a *tenantry.Account) bool {
	if acting := actingFromContext(ctx); acting != nil && acting.ID == a.ID {
		return true
	}
	for _, g := range tenantry.ActorFromContext(ctx).Grants {
		if g.Account.ID == a.ID {
			return true
		}
	}
	return false
}

func (h reachedPages) addDelegate(c echo.Context) error {
	in, owner, err := h.load(c)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(c.FormValue("email"))
	res, err := h.s.scope(c).AddInfraDelegate(c.Request().Context(), in.ID, email, h.s.mailLinks(c))
	if errs := formErrors(err); errs != nil {
		return h.s.infraPage(c, formStatus(err), returnTo(c, in, owner), in, owner, &infraPageInput{Email: email, EmailError: errs})
	}
	if err != nil {
		return err
	}
	// exactly one of Granted and Invitation is set: Granted only for a
	// service user of the infrastructure's own account; anyone else is
	// invited, with the same answer whether or not they have a user
	var msg string
	if res.Granted != nil {
		msg = in.Name + " is assigned to the service user " + res.Granted.Email + "."
	} else {
		msg = res.Invitation.Email + " is invited: the link in their mail is valid for 7 days."
	}
	if err := flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, returnTo(c, in, owner))
}

func (h reachedPages) removeDelegate(c echo.Context) error {
	in, owner, err := h.load(c)
	if err != nil {
		return err
	}
	if err := h.s.scope(c).RemoveInfraDelegate(c.Request().Context(), in.ID, c.Param("user")); err != nil {
		return err
	}
	if err := flash(c, "The delegate no longer has access to "+in.Name+"."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, returnTo(c, in, owner))
}

// infraInvitation checks that the route's invitation is one to the
// route's infrastructure, and returns that with its owner.
func (h reachedPages) infraInvitation(c echo.Context) (*tenantry.Infrastructure, *tenantry.Account, error) {
	in, owner, err := h.load(c)
	if err != nil {
		return nil, nil, err
	}
	list, err := h.s.scope(c).InfraInvitations(c.Request().Context(), in.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, inv := range list {
		if inv.ID == c.Param("inv") {
			return in, owner, nil
		}
	}
	return nil, nil, tenantry.ErrNotFound
}

func (h reachedPages) resendInvitation(c echo.Context) error {
	in, owner, err := h.infraInvitation(c)
	if err != nil {
		return err
	}
	inv, err := h.s.scope(c).ResendInvitation(c.Request().Context(), c.Param("inv"), h.s.mailLinks(c))
	if err != nil {
		return err
	}
	if err := flash(c, "The invitation of "+inv.Email+" was sent again, valid until "+inv.ExpiresAt.Format(time.DateOnly)+"."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, returnTo(c, in, owner))
}

func (h reachedPages) revokeInvitation(c echo.Context) error {
	in, owner, err := h.infraInvitation(c)
	if err != nil {
		return err
	}
	if err := h.s.scope(c).RevokeInvitation(c.Request().Context(), c.Param("inv")); err != nil {
		return err
	}
	if err := flash(c, "The invitation was revoked."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, returnTo(c, in, owner))
}

// The API: GET|POST /infrastructures/{id}/delegates, DELETE
// .../delegates/{user_id} (API.md), and GET /infrastructures, the
// all-in-one list (beyond API.md).

type delegateJSON struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Since  string `json:"since"`
	// Via goes beyond API.md: "delegate", "service user" or "member".
	Via string `json:"via"`
}

func (s *Server) apiInfraDelegates(c echo.Context) error {
	list, err := s.scope(c).InfraDelegates(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	items := make([]delegateJSON, len(list))
	for i, d := range list {
		items[i] = delegateJSON{UserID: d.User.ID, Email: d.User.Email, Name: d.User.Name, Since: d.Since.Format(time.RFC3339), Via: d.Via}
	}
	if c.QueryParam("format") == "csv" {
		rows := make([][]string, len(items))
		for i, d := range items {
			rows[i] = []string{d.UserID, d.Email, csvSafe(d.Name), d.Since, d.Via}
		}
		return writeCSV(c, []string{"user_id", "email", "name", "since", "via"}, rows)
	}
	return listJSON(c, items, "")
}

// apiAddInfraDelegate invites (202, the same body for every address,
// whether or not it has a user); only a service user of the
// infrastructure's own account is assigned it at once (201).
func (s *Server) apiAddInfraDelegate(c echo.Context) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	res, err := s.scope(c).AddInfraDelegate(c.Request().Context(), c.Param("id"), in.Email, s.mailLinks(c))
	if err != nil {
		return err
	}
	if res.Granted != nil {
		return c.JSON(http.StatusCreated, map[string]any{"granted": true, "invitation": nil,
			"delegate": delegateJSON{UserID: res.Granted.ID, Email: res.Granted.Email, Name: res.Granted.Name,
				Since: s.db.Now().Format(time.RFC3339)}})
	}
	return c.JSON(http.StatusAccepted, map[string]any{"granted": false, "delegate": nil, "invitation": s.toInvitationJSON(res.Invitation)})
}

func (s *Server) apiRemoveInfraDelegate(c echo.Context) error {
	if err := s.scope(c).RemoveInfraDelegate(c.Request().Context(), c.Param("id"), c.Param("user_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
