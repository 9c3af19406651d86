package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/app"
	"github.com/tenantry/tenantry/views/components"
)

// Infrastructures in one place (MetalCloud's
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
	ids := make([]string, len(page.Items))
	for i, r := range page.Items {
		ids[i] = r.Infrastructure.ID
	}
	month, err := h.s.monthFigures(c, ids)
	if err != nil {
		return err
	}
	for _, r := range page.Items {
		vm.Items = append(vm.Items, app.ReachedRow{Infra: r.Infrastructure, Account: r.AccountName, Via: r.Via, Month: month[r.Infrastructure.ID]})
	}
	vm.NextURL, vm.PrevURL, vm.FirstURL = cursorPager("/infrastructures", q, page.NextCursor)
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
