package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/app"
	"github.com/tenantry/tenantry/views/components"
	"github.com/tenantry/tenantry/views/layout"
)

// Infrastructures in one place, and their delegates (MetalCloud's
// referral scenario): /infrastructures lists every infrastructure the user
// reaches on this site, whichever account owns it and whether a role or a
// delegation brings it; each one's page manages it as far as the user
// may. These pages live outside the panels, like the profile, because a
// delegate may have no account here at all.

type reachedPages struct {
	s *Server
}

// reachedForm is the create form of the all-in-one list.
type reachedForm struct {
	AccountID string `form:"account_id"`
	Name      string `form:"name"`
}

func (h reachedPages) listPage(c echo.Context, status int, f reachedForm, errs map[string]string) error {
	ctx := c.Request().Context()
	sc := h.s.scope(c)
	q := c.QueryParams()
	filter := store.InfraFilter{Q: q.Get("q"), Cursor: q.Get("cursor"), Limit: pageSize}
	page, err := sc.ReachedInfrastructures(ctx, filter)
	if err != nil {
		return err
	}
	vm := app.ReachedVM{Panel: profilePanel(c), Total: page.Total, Q: filter.Q, AccountID: f.AccountID, Name: f.Name, Errors: errs}
	for _, r := range page.Items {
		vm.Items = append(vm.Items, app.ReachedRow{Infra: r.Infrastructure, Account: r.AccountName, Via: r.Via})
	}
	if page.NextCursor != "" {
		vm.NextURL = withQuery("/infrastructures", q, "cursor", page.NextCursor)
	}
	if filter.Cursor != "" {
		vm.FirstURL = withQuery("/infrastructures", q, "cursor", "")
	}
	if vm.Accounts, err = h.creatable(c); err != nil {
		return err
	}
	return render(c, status, app.Reached(vm))
}

// creatable lists the accounts the user may create infrastructures in:
// active customers (not organization anchors) where their role includes
// infra.manage, by name (at most 200), after a "choose" placeholder; none
// at all when there is no such account.
func (h reachedPages) creatable(c echo.Context) ([]components.Option, error) {
	sc := h.s.scope(c)
	no := false
	page, err := sc.Accounts(c.Request().Context(), store.AccountFilter{Kind: tenantry.KindCustomer, Status: tenantry.StatusActive,
		IsOrganization: &no, Limit: 200})
	if err != nil {
		return nil, err
	}
	var out []components.Option
	for _, a := range page.Items {
		if tenantry.Authorize(sc.Actor(), tenantry.PermInfraManage, &a) == nil {
			out = append(out, components.Option{Value: a.ID, Label: a.Name})
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	slices.SortFunc(out, func(x, y components.Option) int {
		return strings.Compare(strings.ToLower(x.Label), strings.ToLower(y.Label))
	})
	return append([]components.Option{{Value: "", Label: "Choose an account…"}}, out...), nil
}

func (h reachedPages) list(c echo.Context) error {
	return h.listPage(c, http.StatusOK, reachedForm{}, nil)
}

func (h reachedPages) create(c echo.Context) error {
	var f reachedForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	if f.AccountID == "" {
		return h.listPage(c, http.StatusUnprocessableEntity, f, map[string]string{"account_id": "Choose the account that owns it."})
	}
	created, err := h.s.scope(c).CreateInfrastructure(c.Request().Context(), f.AccountID, tenantry.NewInfrastructure{Name: f.Name})
	if errs := formErrors(err); errs != nil {
		return h.listPage(c, formStatus(err), f, errs)
	}
	if err != nil {
		return err
	}
	if err := flash(c, "Infrastructure "+created.Name+" created."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/infrastructures/"+created.ID)
}

// infraPageInput is what a refused form on an infrastructure's page puts
// back: the edit form's fields, or the delegate form's email.
type infraPageInput struct {
	Form       infraForm
	Errors     map[string]string
	Email      string
	EmailError map[string]string
}

// infraPage renders an infrastructure's page at action (its own address,
// under /app/infrastructures or /infrastructures), showing what the actor
// may do there.
func (s *Server) infraPage(c echo.Context, status int, action string, in *tenantry.Infrastructure, owner *tenantry.Account, input *infraPageInput) error {
	ctx := c.Request().Context()
	sc := s.scope(c)
	actor := sc.Actor()
	granted := actor.InfraGrant(in.ID) != nil
	member := slices.ContainsFunc(actor.Grants, func(g tenantry.Grant) bool { return g.Account.ID == owner.ID })
	vm := app.InfraVM{Infra: *in, Action: action, Panel: layout.PanelApp, BackURL: "/app/infrastructures", BackLabel: "Infrastructures",
		OwnerName: owner.Name,
		CanManage: tenantry.AuthorizeInfra(actor, tenantry.PermInfraManage, owner, in.ID) == nil,
		CanOwn:    tenantry.AuthorizeInfraOwner(actor, tenantry.PermInfraManage, owner, in.ID) == nil,
		Delegated: granted && !member, Assigned: granted && member,
		Name: in.Name, CostCenterID: in.CostCenterID}
	switch {
	case !strings.HasPrefix(action, "/app/"):
		vm.Panel, vm.BackURL, vm.BackLabel, vm.Owner = profilePanel(c), "/infrastructures", "All infrastructures", owner.Name
	case tenantry.Authorize(actor, tenantry.PermInfraView, owner) != nil:
		// a service user has no list of the account's infrastructures:
		// what is assigned to it is on its dashboard
		vm.BackURL, vm.BackLabel = "/app", "Dashboard"
	}
	if input == nil {
		input = &infraPageInput{}
	}
	if input.Errors != nil {
		vm.Name, vm.CostCenterID, vm.Errors = input.Form.Name, input.Form.CostCenterID, input.Errors
	}
	if vm.CanOwn {
		var err error
		if vm.CostCenters, err = s.costCenterOptions(c, owner); err != nil {
			return err
		}
	}
	if tenantry.AuthorizeInfraOwner(actor, tenantry.PermInfraView, owner, in.ID) == nil {
		access := &components.InfraAccessVM{InfraID: in.ID, InfraName: in.Name, Return: action, CanManage: vm.CanOwn,
			Email: input.Email, Errors: input.EmailError}
		delegates, err := sc.InfraDelegates(ctx, in.ID)
		if err != nil {
			return err
		}
		for _, d := range delegates {
			access.Delegates = append(access.Delegates, components.DelegateRow{UserID: d.User.ID, Email: d.User.Email, Name: d.User.Name,
				Since: d.Since.Format("2006-01-02"), Via: d.Via})
		}
		if access.Invitations, err = sc.InfraInvitations(ctx, in.ID); err != nil {
			return err
		}
		vm.Access = access
	}
	return render(c, status, app.Infrastructure(vm))
}

// load reads the infrastructure of the route and its owner.
func (h reachedPages) load(c echo.Context) (*tenantry.Infrastructure, *tenantry.Account, error) {
	return h.s.scope(c).InfrastructureAndOwner(c.Request().Context(), c.Param("id"))
}

func (h reachedPages) show(c echo.Context) error {
	in, owner, err := h.load(c)
	if err != nil {
		return err
	}
	return h.s.infraPage(c, http.StatusOK, "/infrastructures/"+in.ID, in, owner, nil)
}

func (h reachedPages) update(c echo.Context) error {
	in, owner, err := h.load(c)
	if err != nil {
		return err
	}
	var f infraForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	// a delegate's form has no cost center: it keeps the one it has
	updated, err := h.s.scope(c).UpdateInfrastructure(c.Request().Context(), in.ID, tenantry.InfrastructureUpdate{
		Name: &f.Name, CostCenterID: tenantry.OptionalString{Set: c.Request().PostForm.Has("cost_center_id"), Value: f.CostCenterID}})
	if errs := formErrors(err); errs != nil {
		return h.s.infraPage(c, formStatus(err), "/infrastructures/"+in.ID, in, owner, &infraPageInput{Form: f, Errors: errs})
	}
	if err != nil {
		return err
	}
	if err := flash(c, "Infrastructure "+updated.Name+" saved."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/infrastructures/"+in.ID)
}

func (h reachedPages) delete(c echo.Context) error {
	in, owner, err := h.load(c)
	if err != nil {
		return err
	}
	err = h.s.scope(c).DeleteInfrastructure(c.Request().Context(), in.ID)
	if errs := formErrors(err); errs != nil {
		return h.s.infraPage(c, formStatus(err), "/infrastructures/"+in.ID, in, owner, &infraPageInput{Form: infraForm{Name: in.Name}, Errors: errs})
	}
	if err != nil {
		return err
	}
	if err := flash(c, "Infrastructure "+in.Name+" deleted."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/infrastructures")
}

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

// reachedJSON is an infrastructure of the all-in-one list.
type reachedJSON struct {
	infraJSON
	AccountName string `json:"account_name"`
	Via         string `json:"via"`
}

func (s *Server) apiReachedInfrastructures(c echo.Context) error {
	limit, cursor, err := listParams(c)
	if err != nil {
		return err
	}
	page, err := s.scope(c).ReachedInfrastructures(c.Request().Context(), store.InfraFilter{Q: c.QueryParam("q"), Cursor: cursor, Limit: limit})
	if err != nil {
		return err
	}
	items := make([]reachedJSON, len(page.Items))
	for i := range page.Items {
		r := &page.Items[i]
		items[i] = reachedJSON{infraJSON: toInfraJSON(&r.Infrastructure), AccountName: r.AccountName, Via: r.Via}
	}
	if c.QueryParam("format") == "csv" {
		rows := make([][]string, len(items))
		for i, r := range items {
			rows[i] = []string{r.ID, r.AccountID, csvSafe(r.AccountName), csvSafe(r.Name), r.Via, r.Status, r.CreatedAt}
		}
		return writeCSV(c, []string{"id", "account_id", "account_name", "name", "via", "status", "created_at"}, rows)
	}
	return listJSON(c, items, page.NextCursor)
}
