package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/app"
	"github.com/tenantry/tenantry/views/components"
	"github.com/tenantry/tenantry/views/provider"
	"github.com/tenantry/tenantry/views/reseller"
)

// panelScope is the request's scope narrowed to the open panel's account
// (store.Scope.Within): what a panel reads or changes lies in that
// account's subtree, and anything else is not found.
func (s *Server) panelScope(c echo.Context) *store.Scope {
	return s.scope(c).Within(panelAccount(c))
}

func (s *Server) providerDashboard(c echo.Context) error {
	root := panelAccount(c)
	st, err := s.scope(c).Stats(c.Request().Context(), root.ID)
	if err != nil {
		return err
	}
	tree, err := vendorPages{s: s, panel: "provider", base: "/provider"}.accountList(c, root, "/provider")
	if err != nil {
		return err
	}
	pending, err := s.pendingSignups(c, root, "/provider")
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, provider.Dashboard(provider.DashboardVM{Stats: statsVM(st, false), Tree: tree, Pending: pending}))
}

// statsVM labels a vendor's counts for its dashboard: direct and whole tree.
func statsVM(st *store.AccountStats, sub bool) components.StatsVM {
	return components.StatsVM{Sub: sub, DirectResellers: st.DirectResellers, Resellers: st.Resellers,
		DirectCustomers: st.DirectCustomers, Customers: st.Customers, Users: st.Users, Staff: st.Staff}
}

func (s *Server) resellerDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	root := panelAccount(c)
	sc := s.scope(c)
	st, err := sc.Stats(ctx, root.ID)
	if err != nil {
		return err
	}
	page, err := sc.Accounts(ctx, store.AccountFilter{ParentID: root.ID, Limit: pageSize})
	if err != nil {
		return err
	}
	direct := components.AccountListVM{Base: "/reseller", Items: page.Items, RootDepth: root.Depth, Total: page.Total, Plans: page.Plans}
	if page.NextCursor != "" {
		direct.NextURL = "/reseller/accounts"
	}
	pending, err := s.pendingSignups(c, root, "/reseller")
	if err != nil {
		return err
	}
	vm := reseller.DashboardVM{Stats: statsVM(st, true), Direct: direct, Pending: pending}
	// staff who may not view the account's setup see the dashboard without it
	switch o, err := s.onboardingOf(ctx, sc, root); {
	case err == nil:
		vm.Onboarding = o.checklist("", root.ID)
		if o.PrimaryDomain != "" {
			vm.PanelURL = s.linkOn(o.PrimaryDomain, "/login")
		}
	case tenantry.ErrorKind(err) != tenantry.EFORBIDDEN && tenantry.ErrorKind(err) != tenantry.ENOTFOUND:
		return err
	}
	return render(c, http.StatusOK, reseller.Dashboard(vm))
}

func (s *Server) appDashboard(c echo.Context) error {
	a := panelAccount(c)
	sc := s.scope(c)
	if tenantry.Authorize(sc.Actor(), tenantry.PermAccountView, a) != nil {
		return s.assignedDashboard(c, a)
	}
	members, err := sc.Members(c.Request().Context(), a.ID)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, app.Dashboard(app.DashboardVM{Account: *a, Members: members}))
}

// assignedDashboard is a service user's dashboard: what is assigned to
// them in this account, and nothing else of it.
func (s *Server) assignedDashboard(c echo.Context, a *tenantry.Account) error {
	page, err := s.panelScope(c).ReachedInfrastructures(c.Request().Context(), store.InfraFilter{Limit: 500})
	if err != nil {
		return err
	}
	vm := app.AssignedVM{Account: *a}
	for _, r := range page.Items {
		vm.Items = append(vm.Items, r.Infrastructure)
	}
	return render(c, http.StatusOK, app.Assigned(vm))
}
