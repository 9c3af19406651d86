package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/accounts"
	"github.com/tenantry/tenantry/views/components"
)

// What a vendor sets up for an account below it: its plan, and for a
// reseller its domains and sub-reseller depth (the reseller service page).

// planSection builds an account's plan section. The plan choices are the
// vendor's own active plans for the account's kind, offered only when the
// viewer manages the account from above.
func (h vendorPages) planSection(c echo.Context, a *tenantry.Account, planID, from string, errs map[string]string) (*components.PlanSectionVM, error) {
	ctx := c.Request().Context()
	sc := h.s.scope(c)
	vm := &components.PlanSectionVM{Base: h.base, AccountID: a.ID, Heading: "Plan", PlanID: planID, EffectiveFrom: from, Errors: errs}
	if a.Kind == tenantry.KindReseller {
		vm.Heading = "Wholesale plan"
	}
	var err error
	if vm.History, err = sc.PlanHistory(ctx, a.ID); err != nil {
		return nil, err
	}
	vm.Current = tenantry.InEffect(vm.History, h.s.db.Now())
	if vm.Anchor = a.IsOrganization; vm.Anchor || tenantry.Authorize(sc.Actor(), tenantry.PermissionForKind(a.Kind), a) != nil {
		return vm, nil
	}
	plans, err := sc.Plans(ctx, a.ParentID, store.PlanFilter{Audience: tenantry.AudienceFor(a.Kind), Status: tenantry.PlanActive})
	if err != nil {
		return nil, err
	}
	vm.Options = []components.Option{}
	for _, p := range plans {
		vm.Options = append(vm.Options, components.Option{Value: p.ID, Label: p.Name + " (" + p.Currency + ")"})
	}
	if vm.PlanID == "" && vm.Current != nil {
		vm.PlanID = vm.Current.Plan.ID
	}
	if vm.EffectiveFrom == "" {
		vm.EffectiveFrom = h.s.db.Now().Format(time.DateOnly)
	}
	return vm, nil
}

// parseDay reads a YYYY-MM-DD date as the start of that day UTC; "" is
// the zero time (today, for the store).
func parseDay(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, tenantry.Invalid(map[string]string{"effective_from": "Enter a date as YYYY-MM-DD."})
	}
	if d.Year() < 2000 || d.After(time.Now().AddDate(5, 0, 0)) {
		return time.Time{}, tenantry.Invalid(map[string]string{"effective_from": "Choose a date from 2000 to five years from now."})
	}
	return d, nil
}

// assignPlan changes an account's plan from its page (or its reseller
// service page).
func (h vendorPages) assignPlan(c echo.Context) error {
	a, err := h.below(c, c.Param("id"))
	if err != nil {
		return err
	}
	planID, from := c.FormValue("plan_id"), c.FormValue("effective_from")
	day, err := parseDay(from)
	if err == nil {
		_, err = h.s.scope(c).AssignPlan(c.Request().Context(), a.ID, planID, day)
	}
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		err = tenantry.Invalid(map[string]string{"plan_id": "Choose one of your plans."})
	}
	if errs := formErrors(err); errs != nil {
		section, serr := h.planSection(c, a, planID, from, errs)
		if serr != nil {
			return serr
		}
		if a.Kind == tenantry.KindReseller {
			vm, verr := h.serviceVM(c, a)
			if verr != nil {
				return verr
			}
			vm.Plan = *section
			return render(c, formStatus(err), accounts.Service(h.panel, vm))
		}
		vm, verr := h.detailVM(c, a)
		if verr != nil {
			return verr
		}
		vm.Plan = section
		return render(c, formStatus(err), accounts.Account(h.panel, vm))
	}
	if err != nil {
		return err
	}
	if err := flash(c, "Plan changed."); err != nil {
		return err
	}
	if a.Kind == tenantry.KindReseller {
		return c.Redirect(http.StatusSeeOther, h.base+"/accounts/"+a.ID+"/service")
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/accounts/"+a.ID)
}

// reseller loads a reseller below the panel's account that the viewer
// manages as its vendor.
func (h vendorPages) reseller(c echo.Context) (*tenantry.Account, error) {
	a, err := h.below(c, c.Param("id"))
	if err != nil {
		return nil, err
	}
	if a.Kind != tenantry.KindReseller {
		return nil, tenantry.ErrNotFound
	}
	if err := tenantry.Authorize(h.s.scope(c).Actor(), tenantry.PermResellersManage, a); err != nil {
		return nil, err
	}
	return a, nil
}

func (h vendorPages) serviceVM(c echo.Context, a *tenantry.Account) (accounts.ServiceVM, error) {
	ctx := c.Request().Context()
	vm := accounts.ServiceVM{Base: h.base, Account: *a, Scheme: h.s.cfg.PublicScheme, Port: h.s.cfg.PublicPort,
		Depth: strconv.Itoa(a.MaxResellerDepth), DepthLimit: store.MaxResellerDepthLimit}
	section, err := h.planSection(c, a, "", "", nil)
	if err != nil {
		return vm, err
	}
	vm.Plan = *section
	if vm.Domains, err = h.s.scope(c).Domains(ctx, a.ID); err != nil {
		return vm, err
	}
	for _, d := range vm.Domains {
		if d.Primary {
			vm.PanelDomain = d.FQDN
		}
	}
	if vendor := panelAccount(c); vendor.Kind == tenantry.KindReseller && vendor.ID == a.ParentID {
		vm.DepthLimit = max(vendor.MaxResellerDepth-1, 0)
	}
	return vm, nil
}

func (h vendorPages) service(c echo.Context) error {
	a, err := h.reseller(c)
	if err != nil {
		return err
	}
	vm, err := h.serviceVM(c, a)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, accounts.Service(h.panel, vm))
}

// serviceAction runs one change of the service page and re-renders the
// page with the form's errors, or redirects back with a flash.
func (h vendorPages) serviceAction(c echo.Context, do func(a *tenantry.Account) error,
	refused func(vm *accounts.ServiceVM, errs map[string]string), done string) error {
	a, err := h.reseller(c)
	if err != nil {
		return err
	}
	err = do(a)
	if errs := formErrors(err); errs != nil {
		vm, verr := h.serviceVM(c, a)
		if verr != nil {
			return verr
		}
		refused(&vm, errs)
		return render(c, formStatus(err), accounts.Service(h.panel, vm))
	}
	if err != nil {
		return err
	}
	if err := flash(c, done); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/accounts/"+a.ID+"/service")
}

func (h vendorPages) setDomain(c echo.Context) error {
	fqdn := c.FormValue("fqdn")
	return h.serviceAction(c, func(a *tenantry.Account) error {
		return h.s.scope(c).SetPanelDomain(c.Request().Context(), a.ID, fqdn)
	}, func(vm *accounts.ServiceVM, errs map[string]string) {
		vm.PanelDomain, vm.DomainErrors = fqdn, errs
	}, "End user panel URL saved: it works from the next request on.")
}

func (h vendorPages) addAlias(c echo.Context) error {
	alias := c.FormValue("alias")
	return h.serviceAction(c, func(a *tenantry.Account) error {
		return h.s.scope(c).AddDomain(c.Request().Context(), a.ID, alias)
	}, func(vm *accounts.ServiceVM, errs map[string]string) {
		vm.Alias, vm.AliasErrors = alias, errs
	}, "Alias added.")
}

func (h vendorPages) removeAlias(c echo.Context) error {
	fqdn := c.FormValue("fqdn")
	return h.serviceAction(c, func(a *tenantry.Account) error {
		return h.s.scope(c).RemoveDomain(c.Request().Context(), a.ID, fqdn)
	}, func(vm *accounts.ServiceVM, errs map[string]string) {
		vm.AliasErrors = errs
	}, fqdn+" removed.")
}

func (h vendorPages) setDepth(c echo.Context) error {
	raw := c.FormValue("max_reseller_depth")
	return h.serviceAction(c, func(a *tenantry.Account) error {
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return tenantry.Invalid(map[string]string{"max_reseller_depth": "Enter a whole number."})
		}
		return h.s.scope(c).SetResellerDepth(c.Request().Context(), a.ID, n)
	}, func(vm *accounts.ServiceVM, errs map[string]string) {
		vm.Depth, vm.DepthErrors = raw, errs
	}, "Sub-reseller depth saved.")
}

// convert turns a direct customer of the provider into a reseller.
func (h vendorPages) convert(c echo.Context) error {
	a, err := h.below(c, c.Param("id"))
	if err != nil {
		return err
	}
	r, err := h.s.scope(c).ConvertToReseller(c.Request().Context(), a.ID)
	if errs := formErrors(err); errs != nil {
		vm, verr := h.detailVM(c, a)
		if verr != nil {
			return verr
		}
		vm.Errors = errs
		return render(c, formStatus(err), accounts.Account(h.panel, vm))
	}
	if err != nil {
		return err
	}
	if err := flash(c, r.Name+" is now a reseller: give it a wholesale plan and its end user panel URL."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/accounts/"+r.ID+"/service")
}
