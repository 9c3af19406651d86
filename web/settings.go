package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/accounts"
	"github.com/tenantry/tenantry/views/components"
)

// settingsPages are a vendor's configuration page (provider or reseller
// panel); the provider's also switches the reseller programme.
type settingsPages struct {
	s     *Server
	panel string
	base  string
}

func (h settingsPages) vm(c echo.Context, st *tenantry.Settings, tax string, errs map[string]string) (accounts.SettingsVM, error) {
	ctx := c.Request().Context()
	owner := panelAccount(c)
	vm := accounts.SettingsVM{Base: h.base, Settings: *st, Tax: tax, Errors: errs,
		Plans:     []components.Option{{Value: "", Label: "No plan"}},
		CanManage: tenantry.Authorize(h.s.scope(c).Actor(), tenantry.PermAccountManage, owner) == nil}
	plans, err := h.s.scope(c).Plans(ctx, owner.ID, store.PlanFilter{Audience: tenantry.AudienceCustomers, Status: tenantry.PlanActive})
	if err != nil {
		return vm, err
	}
	for _, p := range plans {
		vm.Plans = append(vm.Plans, components.Option{Value: p.ID, Label: p.Name + " (" + p.Currency + ")"})
	}
	if owner.Kind == tenantry.KindProvider {
		on, err := h.s.db.ResellersEnabled(ctx)
		if err != nil {
			return vm, err
		}
		vm.ResellersEnabled = &on
	}
	return vm, nil
}

func (h settingsPages) show(c echo.Context) error {
	st, err := h.s.scope(c).Settings(c.Request().Context(), panelAccount(c).ID)
	if err != nil {
		return err
	}
	vm, err := h.vm(c, st, st.TaxRatePercent.String(), nil)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, accounts.Settings(h.panel, vm))
}

// settingsForm reads the configuration form; unticked boxes are false.
func settingsForm(c echo.Context) tenantry.SettingsUpdate {
	str := func(name string) *string { v := c.FormValue(name); return &v }
	yes := func(name string) *bool { v := c.FormValue(name) == "true"; return &v }
	return tenantry.SettingsUpdate{SignupEnabled: yes("signup_enabled"), SignupRequiresApproval: yes("signup_requires_approval"),
		DefaultPlanID: tenantry.OptionalString{Set: true, Value: c.FormValue("default_plan_id")},
		Currency:      str("currency"), TaxRatePercent: str("tax_rate_percent"), InvoicePrefix: str("invoice_prefix"),
		SupportEmail: str("support_email"), TermsURL: str("terms_url")}
}

func (h settingsPages) save(c echo.Context) error {
	ctx := c.Request().Context()
	in := settingsForm(c)
	_, err := h.s.scope(c).UpdateSettings(ctx, panelAccount(c).ID, in)
	if errs := formErrors(err); errs != nil {
		// show the input as typed: apply it to the saved settings
		st, serr := h.s.scope(c).Settings(ctx, panelAccount(c).ID)
		if serr != nil {
			return serr
		}
		_ = in.Apply(st)
		vm, verr := h.vm(c, st, *in.TaxRatePercent, errs)
		if verr != nil {
			return verr
		}
		return render(c, formStatus(err), accounts.Settings(h.panel, vm))
	}
	if err != nil {
		return err
	}
	if err := flash(c, "Settings saved."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/settings")
}

// resellers switches the provider's reseller programme on or off.
func (h settingsPages) resellers(c echo.Context) error {
	on := c.FormValue("resellers_enabled") == "true"
	if err := h.s.scope(c).SetResellersEnabled(c.Request().Context(), on); err != nil {
		return err
	}
	msg := "The reseller programme is off."
	if on {
		msg = "The reseller programme is on."
	}
	if err := flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/settings")
}
