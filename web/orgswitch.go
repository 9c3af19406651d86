package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/accounts"
	"github.com/tenantry/tenantry/views/components"
)

// orgSwitch is the My Org / Customer switch the Users, Roles and Cost
// centers pages share: it picks the account such a page manages and
// brings every change back to the same switched view.
type orgSwitch struct {
	s    *Server
	base string // the panel's base path, e.g. "/reseller"
}

// target is the account the page manages: the panel's own, or, through the
// My Org / Customer switch (?account=), one customer below a vendor panel's
// account. Anything else is not found. A search (?q=) that finds exactly
// one customer, with no account picked, manages that one: typing a name
// and pressing Manage is enough.
func (h orgSwitch) target(c echo.Context) (*tenantry.Account, error) {
	root := panelAccount(c)
	id := c.QueryParam("account")
	if id == "" {
		id = c.FormValue("account")
	}
	sc := h.s.panelScope(c)
	if q := strings.TrimSpace(c.QueryParam("q")); id == "" && q != "" && c.Request().Method == http.MethodGet && root.Kind.IsVendor() {
		if _, err := sc.Account(c.Request().Context(), root.ID); err != nil {
			return nil, err
		}
		found, err := sc.Accounts(c.Request().Context(), store.AccountFilter{Kind: tenantry.KindCustomer, Q: q, Limit: 2})
		if err != nil {
			return nil, err
		}
		if len(found.Items) == 1 {
			id = found.Items[0].ID
		}
	}
	if id == "" || id == root.ID {
		return root, nil
	}
	a, err := sc.Account(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	if a.Kind != tenantry.KindCustomer { // the root, a vendor, was handled above
		return nil, tenantry.ErrNotFound
	}
	return a, nil
}

// done leaves a flash and returns to a page of the managed account.
func (h orgSwitch) done(c echo.Context, page, msg string) error {
	if err := flash(c, msg); err != nil {
		return err
	}
	a, err := h.target(c)
	if err != nil {
		return err
	}
	return h.back(c, page, a)
}

// back returns to a page of the switch's current account.
func (h orgSwitch) back(c echo.Context, page string, a *tenantry.Account) error {
	to := h.base + page
	if a.ID != panelAccount(c).ID {
		to += "?account=" + a.ID
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// switchVM builds the My Org / Customer switch for vendor panels.
func (h orgSwitch) switchVM(c echo.Context, page string, a *tenantry.Account) (*accounts.SwitchVM, error) {
	root := panelAccount(c)
	if !root.Kind.IsVendor() {
		return nil, nil // a customer's staff manage only their own
	}
	sw := &accounts.SwitchVM{Base: h.base, Path: h.base + page, Q: c.QueryParam("q"), OwnName: root.Name}
	if a.ID != root.ID {
		sw.Current, sw.CurrentName = a.ID, a.Name
	}
	sc := h.s.panelScope(c)
	// the switch lists the panel's customers: for those who may view the
	// panel's account
	if _, err := sc.Account(c.Request().Context(), root.ID); err != nil {
		return nil, err
	}
	list, err := sc.Accounts(c.Request().Context(), store.AccountFilter{Kind: tenantry.KindCustomer, Q: sw.Q, Limit: 100})
	if err != nil {
		return nil, err
	}
	for _, x := range list.Items {
		sw.Options = append(sw.Options, components.Option{Value: x.ID, Label: x.Name})
	}
	if sw.Current != "" && !slices.ContainsFunc(list.Items, func(x tenantry.Account) bool { return x.ID == a.ID }) {
		sw.Options = append([]components.Option{{Value: a.ID, Label: a.Name}}, sw.Options...)
	}
	return sw, nil
}
