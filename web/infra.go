package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/accounts"
	"github.com/tenantry/tenantry/views/app"
	"github.com/tenantry/tenantry/views/components"
	"github.com/tenantry/tenantry/views/layout"
)

// Infrastructures: the end-user panel manages its own account's; a
// vendor's panel shows a customer's, read-only. The API handlers, cost
// centers' included, are at the end of the file (their pages are in
// costcenters.go).

// infraList reads the list's query (q, cost_center, cursor) and builds
// one page of the account's infrastructures for the table.
func (s *Server) infraList(c echo.Context, a *tenantry.Account, path, itemBase string) (components.InfraListVM, error) {
	ctx := c.Request().Context()
	sc := s.scope(c)
	q := c.QueryParams()
	f := store.InfraFilter{Q: q.Get("q"), CostCenterID: q.Get("cost_center"), Cursor: q.Get("cursor"), Limit: pageSize}
	page, err := sc.Infrastructures(ctx, a.ID, f)
	if err != nil {
		return components.InfraListVM{}, err
	}
	vm := components.InfraListVM{Path: path, ItemBase: itemBase, Items: page.Items, Total: page.Total,
		Q: f.Q, CostCenterID: f.CostCenterID}
	if vm.CostCenters, err = s.costCenterOptions(c, a); err != nil {
		return vm, err
	}
	ids := make([]string, len(page.Items))
	for i, in := range page.Items {
		ids[i] = in.ID
	}
	if vm.Month, err = s.monthFigures(c, ids); err != nil {
		return vm, err
	}
	vm.NextURL, vm.PrevURL, vm.FirstURL = cursorPager(path, q, page.NextCursor)
	return vm, nil
}

// cursorPager links a cursor-paged list's Next, Previous and First pages.
// A cursor only goes forward, so the list's address carries the cursors
// of the pages before it ("back", oldest first; "." for the first page):
// Next adds the current one, Previous pops the last.
func cursorPager(path string, q url.Values, next string) (nextURL, prevURL, firstURL string) {
	cur := q.Get("cursor")
	var back []string
	if b := q.Get("back"); b != "" && cur != "" {
		back = strings.Split(b, " ")
	}
	with := func(cursor string, trail []string) string {
		v := url.Values{}
		for k, x := range q {
			v[k] = x
		}
		v.Del("back")
		if cursor == "." {
			cursor = ""
		}
		if cursor != "" && len(trail) > 0 {
			v.Set("back", strings.Join(trail, " "))
		}
		return withQuery(path, v, "cursor", cursor)
	}
	if next != "" {
		mark := cur
		if mark == "" {
			mark = "."
		}
		nextURL = with(next, append(slices.Clone(back), mark))
	}
	if cur != "" {
		firstURL = with("", nil)
		prevURL = firstURL
		if n := len(back); n > 0 {
			prevURL = with(back[n-1], back[:n-1])
		}
	}
	return nextURL, prevURL, firstURL
}

// withQuery returns path with the query q, key set to value ("" drops it).
func withQuery(path string, q url.Values, key, value string) string {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	if value == "" {
		out.Del(key)
	} else {
		out.Set(key, value)
	}
	if len(out) == 0 {
		return path
	}
	return path + "?" + out.Encode()
}

func (s *Server) costCenterOptions(c echo.Context, a *tenantry.Account) ([]components.Option, error) {
	list, err := s.scope(c).CostCenters(c.Request().Context(), a.ID)
	if err != nil {
		return nil, err
	}
	out := make([]components.Option, len(list))
	for i, cc := range list {
		out[i] = components.Option{Value: cc.ID, Label: cc.Name}
	}
	return out, nil
}

// infrastructures shows a customer's infrastructures to its vendor.
func (h vendorPages) infrastructures(c echo.Context) error {
	a, err := h.below(c, c.Param("id"))
	if err != nil {
		return err
	}
	if a.Kind != tenantry.KindCustomer {
		return tenantry.ErrNotFound
	}
	list, err := h.s.infraList(c, a, h.base+"/accounts/"+a.ID+"/infrastructures", "")
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, accounts.AccountInfrastructures(h.panel, accounts.AccountInfraVM{Base: h.base, Account: *a, List: list}))
}

// infraPages are the end-user panel's infrastructure pages (cost centers
// are in costcenters.go): they act on the panel's account only.
type infraPages struct {
	s *Server
}

func (h infraPages) canManage(c echo.Context) bool {
	return tenantry.Authorize(h.s.scope(c).Actor(), tenantry.PermInfraManage, panelAccount(c)) == nil
}

// infraForm is the create and edit form as posted; its names are the
// domain's field names, so errors land on the right input.
type infraForm struct {
	Name         string `form:"name"`
	CostCenterID string `form:"cost_center_id"`
}

func (h infraPages) listPage(c echo.Context, status int, in tenantry.NewInfrastructure, errs map[string]string) error {
	a := panelAccount(c)
	list, err := h.s.infraList(c, a, "/app/infrastructures", "/app/infrastructures/")
	if err != nil {
		return err
	}
	delegated := 0
	for _, g := range h.s.scope(c).Actor().Infras {
		if g.Account.ID != a.ID {
			delegated++
		}
	}
	// an anchor cannot get infrastructures: offer no form that always fails
	return render(c, status, app.Infrastructures(app.InfraListVM{List: list, CanManage: h.canManage(c) && !a.IsOrganization,
		Anchor: a.IsOrganization, In: in, Errors: errs, Delegated: delegated}))
}

func (h infraPages) list(c echo.Context) error {
	return h.listPage(c, http.StatusOK, tenantry.NewInfrastructure{CostCenterID: c.QueryParam("cost_center")}, nil)
}

func (h infraPages) create(c echo.Context) error {
	var f infraForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	in := tenantry.NewInfrastructure{Name: f.Name, CostCenterID: f.CostCenterID}
	created, err := h.s.scope(c).CreateInfrastructure(c.Request().Context(), panelAccount(c).ID, in)
	if errs := formErrors(err); errs != nil {
		return h.listPage(c, formStatus(err), in, errs)
	}
	if err != nil {
		return err
	}
	if err := flash(c, "Infrastructure "+created.Name+" created."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/app/infrastructures/"+created.ID)
}

// own loads an infrastructure of the panel's account; any other is
// ENOTFOUND, even one the user reaches through another account.
func (h infraPages) own(c echo.Context) (*tenantry.Infrastructure, error) {
	// a customer has no accounts below it: its subtree is itself
	return h.s.panelScope(c).Infrastructure(c.Request().Context(), c.Param("id"))
}

func (h infraPages) detail(c echo.Context, status int, in *tenantry.Infrastructure, f infraForm, errs map[string]string) error {
	return h.s.infraPage(c, status, "/app/infrastructures/"+in.ID, in, panelAccount(c), &infraPageInput{Form: f, Errors: errs})
}

func (h infraPages) show(c echo.Context) error {
	in, err := h.own(c)
	if err != nil {
		return err
	}
	return h.detail(c, http.StatusOK, in, infraForm{Name: in.Name, CostCenterID: in.CostCenterID}, nil)
}

func (h infraPages) update(c echo.Context) error {
	in, err := h.own(c)
	if err != nil {
		return err
	}
	var f infraForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	updated, err := h.s.scope(c).UpdateInfrastructure(c.Request().Context(), in.ID, tenantry.InfrastructureUpdate{
		Name: &f.Name, CostCenterID: tenantry.OptionalString{Set: true, Value: f.CostCenterID}})
	if errs := formErrors(err); errs != nil {
		return h.detail(c, formStatus(err), in, f, errs)
	}
	if err != nil {
		return err
	}
	if err := flash(c, "Infrastructure "+updated.Name+" saved."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/app/infrastructures/"+in.ID)
}

func (h infraPages) delete(c echo.Context) error {
	in, err := h.own(c)
	if err != nil {
		return err
	}
	err = h.s.scope(c).DeleteInfrastructure(c.Request().Context(), in.ID)
	if errs := formErrors(err); errs != nil {
		return h.detail(c, formStatus(err), in, infraForm{Name: in.Name, CostCenterID: in.CostCenterID}, errs)
	}
	if err != nil {
		return err
	}
	if err := flash(c, "Infrastructure "+in.Name+" deleted."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/app/infrastructures")
}

// The API (API.md "Infrastructures and usage", and cost centers under
// "People and access"; renaming and deleting a cost center go beyond it,
// so that an integration can do what the panel does).

// infraJSON is an infrastructure as the API shows it.
type infraJSON struct {
	ID           string  `json:"id"`
	AccountID    string  `json:"account_id"`
	Name         string  `json:"name"`
	CostCenterID *string `json:"cost_center_id"`
	Status       string  `json:"status"`
	CreatedAt    string  `json:"created_at"`
}

func toInfraJSON(in *tenantry.Infrastructure) infraJSON {
	out := infraJSON{ID: in.ID, AccountID: in.AccountID, Name: in.Name, Status: in.Status,
		CreatedAt: in.CreatedAt.Format(time.RFC3339)}
	if in.CostCenterID != "" {
		out.CostCenterID = &in.CostCenterID
	}
	return out
}

// costCenterJSON is a cost center as the API shows it.
type costCenterJSON struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
}

func toCostCenterJSON(cc *tenantry.CostCenter) costCenterJSON {
	return costCenterJSON{ID: cc.ID, AccountID: cc.AccountID, Name: cc.Name, CreatedAt: cc.CreatedAt.Format(time.RFC3339)}
}

// listJSON answers a list as {"items","next_cursor"}.
func listJSON[T any](c echo.Context, items []T, next string) error {
	var cursor *string
	if next != "" {
		cursor = &next
	}
	if items == nil {
		items = []T{}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": cursor})
}

func (s *Server) apiListInfrastructures(c echo.Context) error {
	limit, cursor, err := listParams(c)
	if err != nil {
		return err
	}
	page, err := s.scope(c).Infrastructures(c.Request().Context(), c.Param("id"), store.InfraFilter{
		Q: c.QueryParam("q"), CostCenterID: c.QueryParam("cost_center_id"), Cursor: cursor, Limit: limit})
	if err != nil {
		return err
	}
	items := make([]infraJSON, len(page.Items))
	for i := range page.Items {
		items[i] = toInfraJSON(&page.Items[i])
	}
	if c.QueryParam("format") == "csv" {
		rows := make([][]string, len(page.Items))
		for i, in := range page.Items {
			rows[i] = []string{in.ID, in.AccountID, csvSafe(in.Name), in.CostCenterID, csvSafe(in.CostCenterName), in.Status,
				items[i].CreatedAt}
		}
		return writeCSV(c, []string{"id", "account_id", "name", "cost_center_id", "cost_center", "status", "created_at"}, rows)
	}
	return listJSON(c, items, page.NextCursor)
}

func (s *Server) apiCreateInfrastructure(c echo.Context) error {
	var in tenantry.NewInfrastructure
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	created, err := s.scope(c).CreateInfrastructure(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toInfraJSON(created))
}

func (s *Server) apiGetInfrastructure(c echo.Context) error {
	in, err := s.scope(c).Infrastructure(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toInfraJSON(in))
}

func (s *Server) apiUpdateInfrastructure(c echo.Context) error {
	var u tenantry.InfrastructureUpdate
	if err := decodeJSON(c, &u); err != nil {
		return err
	}
	in, err := s.scope(c).UpdateInfrastructure(c.Request().Context(), c.Param("id"), u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toInfraJSON(in))
}

func (s *Server) apiDeleteInfrastructure(c echo.Context) error {
	if err := s.scope(c).DeleteInfrastructure(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiListCostCenters pages through an account's cost centers, which are
// few: the store reads them all, and the cursor is the id of the last one
// given (a cost center deleted meanwhile makes it invalid).
func (s *Server) apiListCostCenters(c echo.Context) error {
	limit, cursor, err := listParams(c)
	if err != nil {
		return err
	}
	list, err := s.scope(c).CostCenters(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	start := 0
	if cursor != "" {
		i := slices.IndexFunc(list, func(cc tenantry.CostCenter) bool { return cc.ID == cursor })
		if i < 0 {
			return tenantry.Invalid(map[string]string{"cursor": "This cursor is not valid."})
		}
		start = i + 1
	}
	end, next := min(start+limit, len(list)), ""
	if end < len(list) {
		next = list[end-1].ID
	}
	items := make([]costCenterJSON, 0, end-start)
	for i := start; i < end; i++ {
		items = append(items, toCostCenterJSON(&list[i]))
	}
	if c.QueryParam("format") == "csv" {
		rows := make([][]string, len(items))
		for i, cc := range items {
			rows[i] = []string{cc.ID, cc.AccountID, csvSafe(cc.Name), cc.CreatedAt}
		}
		return writeCSV(c, []string{"id", "account_id", "name", "created_at"}, rows)
	}
	return listJSON(c, items, next)
}

func (s *Server) apiCreateCostCenter(c echo.Context) error {
	var in tenantry.CostCenterInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cc, err := s.scope(c).CreateCostCenter(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toCostCenterJSON(cc))
}

func (s *Server) apiRenameCostCenter(c echo.Context) error {
	var in tenantry.CostCenterInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cc, err := s.scope(c).RenameCostCenter(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCostCenterJSON(cc))
}

func (s *Server) apiDeleteCostCenter(c echo.Context) error {
	if err := s.scope(c).DeleteCostCenter(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// infraPageInput is what a refused form on an infrastructure's page puts
// back: the edit form's fields, or the delegate form's email.
type infraPageInput struct {
	Form       infraForm
	Errors     map[string]string
	Email      string
	EmailError map[string]string
	// Resource and ResourceErrors are a refused add-resource form;
	// Resize a refused resize of one row.
	Resource       *resourceForm
	ResourceErrors map[string]string
	Resize         app.ResizeInput
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
	var err error
	if vm.Resources, err = s.resourcesVM(c, in, action, vm.CanManage, input); err != nil {
		return err
	}
	return render(c, status, app.Infrastructure(vm))
}
