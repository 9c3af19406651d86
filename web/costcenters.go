package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/views/accounts"
	"github.com/tenantry/tenantry/views/layout"
)

// costCenterPages are the Cost centers pages of one panel; every form
// carries the switched account, so a change applies to it and comes back
// to the same view.
type costCenterPages struct {
	orgSwitch
	panel string
}

// page renders the cost centers of a with vm's form state.
func (h costCenterPages) page(c echo.Context, status int, a *tenantry.Account, vm accounts.CostCentersVM) error {
	sc := h.s.scope(c)
	list, err := sc.CostCenters(c.Request().Context(), a.ID)
	if err != nil {
		return err
	}
	vm.Base, vm.Account, vm.Items = h.base, *a, list
	vm.CanManage = tenantry.Authorize(sc.Actor(), tenantry.PermInfraManage, a) == nil
	vm.InfraPath = h.infraPath(c, a)
	if vm.Switch, err = h.switchVM(c, "/cost-centers", a); err != nil {
		return err
	}
	return render(c, status, accounts.CostCenters(h.panel, vm))
}

// infraPath is the infrastructure list of a that a cost center's count
// links to: the end-user panel's own, or a vendor's read-only view of a
// customer's. A vendor's own organization runs no infrastructures, so it
// has none ("").
func (h costCenterPages) infraPath(c echo.Context, a *tenantry.Account) string {
	switch {
	case h.panel == layout.PanelApp:
		return "/app/infrastructures"
	case a.ID != panelAccount(c).ID && a.Kind == tenantry.KindCustomer:
		return h.base + "/accounts/" + a.ID + "/infrastructures"
	}
	return ""
}

func (h costCenterPages) list(c echo.Context) error {
	a, err := h.target(c)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, a, accounts.CostCentersVM{})
}

func (h costCenterPages) create(c echo.Context) error {
	a, err := h.target(c)
	if err != nil {
		return err
	}
	name := c.FormValue("name")
	cc, err := h.s.scope(c).CreateCostCenter(c.Request().Context(), a.ID, tenantry.CostCenterInput{Name: name})
	if errs := formErrors(err); errs != nil {
		return h.page(c, formStatus(err), a, accounts.CostCentersVM{NewName: name, NewErrors: errs})
	}
	if err != nil {
		return err
	}
	return h.done(c, "/cost-centers", "Cost center "+cc.Name+" created.")
}

// own loads a cost center of the switched account; any other is
// ENOTFOUND, even one the user reaches through another account.
func (h costCenterPages) own(c echo.Context) (*tenantry.Account, *tenantry.CostCenter, error) {
	a, err := h.target(c)
	if err != nil {
		return nil, nil, err
	}
	list, err := h.s.scope(c).CostCenters(c.Request().Context(), a.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, cc := range list {
		if cc.ID == c.Param("id") {
			return a, &cc, nil
		}
	}
	return nil, nil, tenantry.ErrNotFound
}

func (h costCenterPages) rename(c echo.Context) error {
	a, cc, err := h.own(c)
	if err != nil {
		return err
	}
	name := c.FormValue("name")
	renamed, err := h.s.scope(c).RenameCostCenter(c.Request().Context(), cc.ID, tenantry.CostCenterInput{Name: name})
	if errs := formErrors(err); errs != nil {
		return h.page(c, formStatus(err), a, accounts.CostCentersVM{EditID: cc.ID, EditName: name, EditErrors: errs})
	}
	if err != nil {
		return err
	}
	return h.done(c, "/cost-centers", "Cost center "+cc.Name+" renamed "+renamed.Name+".")
}

func (h costCenterPages) delete(c echo.Context) error {
	a, cc, err := h.own(c)
	if err != nil {
		return err
	}
	err = h.s.scope(c).DeleteCostCenter(c.Request().Context(), cc.ID)
	if errs := formErrors(err); errs != nil {
		return h.page(c, formStatus(err), a, accounts.CostCentersVM{EditID: cc.ID, EditName: cc.Name, EditErrors: errs})
	}
	if err != nil {
		return err
	}
	return h.done(c, "/cost-centers", "Cost center "+cc.Name+" deleted.")
}
